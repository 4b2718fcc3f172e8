package sigstore_test

// SECURITY.md area C: Sigstore bundle binding, transparency log entries,
// checkpoints. Each test starts from a valid bundle of the test Sigstore
// and changes one thing.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"github.com/chainmail-dev/chainmail/attest"
	"google.golang.org/protobuf/encoding/protojson"
	"slices"
	"strings"
	"testing"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	rekorutil "github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/options"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func tlogOf(pb *protobundle.Bundle) *protorekor.TransparencyLogEntry {
	return pb.GetVerificationMaterial().GetTlogEntries()[0]
}

func TestAdversarial_C24_TlogEntryForOtherArtifactOrSigner(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	b1 := s.Sign(t, sigstoretest.SignOpts{})
	b2 := s.Sign(t, sigstoretest.SignOpts{Artifact: []byte("another artifact\n")})
	// The same signer (key and certificate) signing another artifact: only
	// the entry's digest differs.
	b3 := s.Sign(t, sigstoretest.SignOpts{Artifact: []byte("third\n")})

	for _, tc := range []struct {
		name string
		pb   func() *protobundle.Bundle
	}{
		{"entry of another bundle", func() *protobundle.Bundle {
			pb := b1.Clone()
			pb.VerificationMaterial.TlogEntries = b2.Clone().VerificationMaterial.TlogEntries
			return pb
		}},
		{"signature of another bundle", func() *protobundle.Bundle {
			pb := b1.Clone()
			pb.GetMessageSignature().Signature = b2.Sig
			return pb
		}},
		{"certificate of another bundle", func() *protobundle.Bundle {
			pb := b1.Clone()
			pb.VerificationMaterial.Content = b2.Clone().VerificationMaterial.Content
			return pb
		}},
		{"entry signed by the same key over another digest", func() *protobundle.Bundle {
			pb := b1.Clone()
			// Re-sign b3's artifact with b1's key, and log that: a valid
			// entry, with b1's certificate, but for another artifact.
			h := sha256.Sum256(b3.Artifact)
			sig, err := ecdsa.SignASN1(rand.Reader, b1.Key, h[:])
			if err != nil {
				t.Fatal(err)
			}
			other := s.Sign(t, sigstoretest.SignOpts{Artifact: b3.Artifact})
			_ = other
			pb.VerificationMaterial.TlogEntries = []*protorekor.TransparencyLogEntry{s.Logs[0].Entry(t,
				sigstoretest.RekorBody(t, b3.Artifact, nil, sig, sigstoretest.PEMCert(b1.Leaf.Raw)), sigstoretest.SignOpts{Integrated: sigstoretest.T0.Add(time.Minute)})}
			return pb
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sigstoretest.VerifyPB(t, v, tc.pb(), sigstoretest.ArtifactDigest(t, b1.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, nil)
		})
	}
	// The conformance vectors of this case, from real Sigstore.
	for _, name := range []string{"wrong-hashedrekord-artifact_fail", "wrong-hashedrekord-cert-and-sig_fail", "wrong-hashedrekord-entry_fail", "incorrect-public-key_fail"} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C25_DSSEEntryBoundToOtherEnvelope(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	b1 := s.Sign(t, sigstoretest.SignOpts{DSSE: true})
	b2 := s.Sign(t, sigstoretest.SignOpts{DSSE: true, Artifact: []byte("other\n")})
	t.Run("entry of another envelope", func(t *testing.T) {
		pb := b1.Clone()
		pb.VerificationMaterial.TlogEntries = b2.Clone().VerificationMaterial.TlogEntries
		_, err := sigstoretest.VerifyPB(t, v, pb, sigstoretest.ArtifactDigest(t, b1.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, nil)
	})
	t.Run("second valid signature never logged", func(t *testing.T) {
		pb := b1.Clone()
		env := pb.GetDsseEnvelope()
		pae := (&attest.Envelope{PayloadType: env.PayloadType, Payload: env.Payload}).PAE()
		h := sha256.Sum256(pae)
		sig, err := ecdsa.SignASN1(rand.Reader, b1.Key, h[:])
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(sig, b1.Sig) {
			t.Fatal("ECDSA gave the same signature twice")
		}
		env.Signatures[0].Sig = sig
		_, err = sigstoretest.VerifyPB(t, v, pb, sigstoretest.ArtifactDigest(t, b1.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTransparencyLog)
	})
	for _, name := range []string{"dsse-mismatch-sig_fail", "dsse-mismatch-envelope_fail", "rekor2-dsse-mismatch-sig_fail", "rekor2-dsse-mismatch-envelope_fail", "intoto-log-entry-mismatch_fail"} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C26_BorrowedSET(t *testing.T) {
	s := sigstoretest.Shared(t)
	key := sigstoretest.NewKey(t)
	pub, err := verify.NewPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	keyPolicy, err := verify.NewKeyPolicy(pub)
	if err != nil {
		t.Fatal(err)
	}
	logged := s.Sign(t, sigstoretest.SignOpts{Key: key})
	neverLogged := s.Sign(t, sigstoretest.SignOpts{Key: key, Artifact: []byte("never logged\n"), NoTlog: true})
	pb := neverLogged.Clone()
	pb.VerificationMaterial.TlogEntries = logged.Clone().VerificationMaterial.TlogEntries
	res, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, neverLogged.Artifact), keyPolicy)
	sigstoretest.WantReject(t, err, verify.ErrTransparencyLog)
	if res != nil {
		t.Fatal("a result for a borrowed SET")
	}
	// The logged one verifies, and says which entry vouched for it.
	res, err = sigstoretest.VerifyPB(t, s.Verifier(t), logged.Clone(), sigstoretest.ArtifactDigest(t, logged.Artifact), keyPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Checked(verify.CheckTransparencyLog) || len(res.LogEntries) != 1 {
		t.Fatalf("checks %v entries %v", res.Checks, res.LogEntries)
	}
}

func TestAdversarial_C27_BadOrForeignSET(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	foreign := &sigstoretest.Log{Host: "rekor.foreign", Key: sigstoretest.NewKey(t), Index: 7}
	for _, tc := range []struct {
		name string
		edit func(*protobundle.Bundle)
	}{
		{"SET signature flipped", func(pb *protobundle.Bundle) {
			tlogOf(pb).InclusionPromise.SignedEntryTimestamp[10] ^= 1
		}},
		{"SET by a log not in the trusted root", func(pb *protobundle.Bundle) {
			e := foreign.Entry(t, tlogOf(pb).CanonicalizedBody, sigstoretest.SignOpts{Integrated: sigstoretest.T0.Add(time.Minute)})
			pb.VerificationMaterial.TlogEntries[0] = e
		}},
		{"log id of log A with the SET of log B", func(pb *protobundle.Bundle) {
			e := tlogOf(pb)
			e.InclusionPromise.SignedEntryTimestamp = s.Logs[1].Set(t, e)
		}},
		{"log id of log B with the SET of log A", func(pb *protobundle.Bundle) {
			e := tlogOf(pb)
			e.LogId.KeyId = sigstoretest.LogID(t, s.Logs[1].Key.Public())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := b.Clone()
			tc.edit(pb)
			_, err := sigstoretest.VerifyPB(t, v, pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, nil)
		})
	}
	for _, name := range []string{"set-invalid-signature_fail", "bundle-from-wrong-instance_fail"} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C28_IntegratedTimeOutsideWindow(t *testing.T) {
	s := sigstoretest.Shared(t)
	for _, tc := range []struct {
		name string
		at   time.Time
		opts []any
		root func(*sigstore.TrustedRootSpec)
	}{
		{"in the future beyond clock skew", sigstoretest.T0.Add(9 * time.Minute), []any{verify.WithClock(func() time.Time { return sigstoretest.T0.Add(time.Minute) })}, nil},
		{"before the certificate's NotBefore", sigstoretest.T0.Add(-time.Minute), nil, nil},
		{"after the certificate's NotAfter", sigstoretest.T0.Add(11 * time.Minute), nil, nil},
		{"outside the log key's validity", sigstoretest.T0.Add(time.Minute), nil, func(spec *sigstore.TrustedRootSpec) {
			spec.TransparencyLogs[0].ValidUntil = sigstoretest.T0
		}},
		{"negative", time.Unix(-5, 0), nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := s.Sign(t, sigstoretest.SignOpts{Integrated: tc.at})
			tr := s.Trusted
			if tc.root != nil {
				tr = s.TrustedWith(t, tc.root)
			}
			v, err := sigstoretest.NewVerifier(tr, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, nil)
		})
	}
	t.Run("within the skew", func(t *testing.T) {
		b := s.Sign(t, sigstoretest.SignOpts{Integrated: sigstoretest.T0.Add(4 * time.Minute)})
		v := s.Verifier(t, verify.WithClock(func() time.Time { return sigstoretest.T0 }))
		if _, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
			t.Fatal(err)
		}
	})
	for _, name := range []string{"integrated-time-in-future_fail", "intoto-set-outside-signing-cert-validity_fail"} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C29_InclusionProofForOtherTree(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	b := s.Sign(t, sigstoretest.SignOpts{NoPromise: true, TSA: true})
	if _, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
		t.Fatalf("baseline: %v", err)
	}
	proofOf := func(pb *protobundle.Bundle) *protorekor.InclusionProof { return tlogOf(pb).InclusionProof }
	for _, tc := range []struct {
		name string
		edit func(*protobundle.Bundle)
	}{
		{"proof root differs from checkpoint root", func(pb *protobundle.Bundle) { proofOf(pb).RootHash[0] ^= 1 }},
		{"proof from an older tree size", func(pb *protobundle.Bundle) { proofOf(pb).TreeSize = 1 }},
		{"one bit flipped in a proof hash", func(pb *protobundle.Bundle) { proofOf(pb).Hashes[0][31] ^= 0x80 }},
		{"log index equal to tree size", func(pb *protobundle.Bundle) { proofOf(pb).LogIndex = 2 }},
		{"log index beyond tree size", func(pb *protobundle.Bundle) { proofOf(pb).LogIndex = 1 << 40 }},
		{"tree size 0", func(pb *protobundle.Bundle) { proofOf(pb).TreeSize = 0 }},
		{"negative index", func(pb *protobundle.Bundle) { proofOf(pb).LogIndex = -1 }},
		{"negative entry index", func(pb *protobundle.Bundle) { tlogOf(pb).LogIndex = -1 }},
		{"31-byte hash", func(pb *protobundle.Bundle) { proofOf(pb).Hashes[0] = proofOf(pb).Hashes[0][:31] }},
		{"31-byte root", func(pb *protobundle.Bundle) { proofOf(pb).RootHash = proofOf(pb).RootHash[:31] }},
		{"extra hash", func(pb *protobundle.Bundle) {
			proofOf(pb).Hashes = append(proofOf(pb).Hashes, bytes.Repeat([]byte{7}, 32))
		}},
		{"missing hash", func(pb *protobundle.Bundle) { proofOf(pb).Hashes = nil }},
		{"no checkpoint", func(pb *protobundle.Bundle) { proofOf(pb).Checkpoint = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := b.Clone()
			tc.edit(pb)
			_, err := sigstoretest.VerifyPB(t, v, pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, nil)
		})
	}
	for _, name := range []string{"checkpoint-wrong-roothash_fail", "invalid-inclusion-proof_fail", "inclusion-proof-corrupted-hash_fail", "bundle-negative-log-index_fail"} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C30_LeafBodyBinding(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	b := s.Sign(t, sigstoretest.SignOpts{NoPromise: true, TSA: true})
	t.Run("body changed, proof kept", func(t *testing.T) {
		pb := b.Clone()
		other := s.Sign(t, sigstoretest.SignOpts{Artifact: []byte("other\n"), NoPromise: true})
		tlogOf(pb).CanonicalizedBody = tlogOf(other.PB).CanonicalizedBody
		_, err := sigstoretest.VerifyPB(t, v, pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, nil)
	})
	t.Run("interior node presented as a leaf", func(t *testing.T) {
		// A one-leaf "tree" whose root is the real two-leaf root: the
		// leaf would have to hash, with the 0x00 leaf prefix, to an
		// interior node (0x01 prefix): second preimage.
		pb := b.Clone()
		p := tlogOf(pb).InclusionProof
		sibling, leaf := p.Hashes[0], sigstoretest.LeafHash(tlogOf(pb).CanonicalizedBody)
		tlogOf(pb).CanonicalizedBody = append(append([]byte{}, sibling...), leaf...)
		p.LogIndex, p.TreeSize, p.Hashes = 0, 1, nil
		_, err := sigstoretest.VerifyPB(t, v, pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, nil)
	})
}

func TestAdversarial_C31_ForgedCheckpoint(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	b := s.Sign(t, sigstoretest.SignOpts{NoPromise: true, TSA: true})
	resign := func(pb *protobundle.Bundle, host string, key *ecdsa.PrivateKey, text func(string) string) {
		p := tlogOf(pb).InclusionProof
		note := text(fmt.Sprintf("%s - 1234\n2\n%s\n", host, base64.StdEncoding.EncodeToString(p.RootHash)))
		p.Checkpoint.Envelope = signNote(t, note, host, key)
	}
	for _, tc := range []struct {
		name string
		edit func(*protobundle.Bundle)
	}{
		{"bad log signature", func(pb *protobundle.Bundle) {
			cp := tlogOf(pb).InclusionProof.Checkpoint
			i := strings.LastIndex(cp.Envelope, " ") + 8
			c := []byte(cp.Envelope)
			c[i] ^= 1
			cp.Envelope = string(c)
		}},
		{"signed by another log's key", func(pb *protobundle.Bundle) {
			resign(pb, s.Logs[0].Host, s.Logs[1].Key, func(n string) string { return n })
		}},
		{"root line missing", func(pb *protobundle.Bundle) {
			resign(pb, s.Logs[0].Host, s.Logs[0].Key, func(n string) string {
				lines := strings.SplitN(n, "\n", 3)
				return lines[0] + "\n" + lines[1] + "\n"
			})
		}},
		{"size line missing", func(pb *protobundle.Bundle) {
			resign(pb, s.Logs[0].Host, s.Logs[0].Key, func(n string) string {
				lines := strings.SplitN(n, "\n", 3)
				return lines[0] + "\n" + lines[2]
			})
		}},
		{"no signature at all", func(pb *protobundle.Bundle) {
			cp := tlogOf(pb).InclusionProof.Checkpoint
			cp.Envelope = cp.Envelope[:strings.Index(cp.Envelope, "\n\n")+2]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := b.Clone()
			tc.edit(pb)
			_, err := sigstoretest.VerifyPB(t, v, pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, nil)
		})
	}
	// Rekor v2 checkpoints (origin, cosignatures) come from real logs:
	// the conformance vectors.
	for _, name := range []string{
		"invalid-checkpoint-signature_fail", "checkpoint-bad-keyhint_fail",
		"rekor2-checkpoint-missing-log-signature_fail", "rekor2-checkpoint-missing-origin_fail",
		"rekor2-checkpoint-missing-root-hash_fail", "rekor2-checkpoint-missing-size_fail",
		"rekor2-checkpoint-no-matching-signature_fail",
		// Accepted: extra valid cosignatures; the origin signature not first.
		"rekor2-checkpoint-cosigned", "rekor2-checkpoint-multiple-cosigs", "rekor2-checkpoint-origin-not-first",
		"rekor2-checkpoint-two-sigs-cosigned", "rekor2-checkpoint-two-sigs-from-origin",
	} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C32_MissingInclusionProof(t *testing.T) {
	s := sigstoretest.Shared(t)
	t.Run("v0.2 entry with only a SET", func(t *testing.T) {
		b := s.Sign(t, sigstoretest.SignOpts{Version: "v0.2", NoProof: true})
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, nil)
	})
	t.Run("per entry: one of two entries without a proof", func(t *testing.T) {
		// sigstore-go's bundle-wide flag would accept this: one entry has
		// a proof. Each entry must have its own.
		b := s.Sign(t, sigstoretest.SignOpts{Logs: []int{0, 1}})
		pb := b.Clone()
		pb.VerificationMaterial.TlogEntries[1].InclusionProof = nil
		// The bundle package already refuses it when parsing (every
		// entry needs its proof); verify never sees such a bundle.
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithTransparencyLog(2)), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrMalformed)
		// Even with a threshold of 1, the entry without a proof fails the
		// bundle: it is not silently ignored.
		_, err = sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrMalformed)
	})
	for _, name := range []string{"intoto-missing-inclusion-proof_fail", "rekor2-no-inclusion-proof_fail"} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C33_BundleVersionDowngrade(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	t.Run("v0.3 relabelled v0.1, its certificate kept", func(t *testing.T) {
		// A single certificate is v0.3 material: the fields must fit the
		// declared version, so the relabelled bundle does not even parse.
		pb := b.Clone()
		pb.MediaType = bundle.MediaTypeV01
		tlogOf(pb).InclusionProof = nil
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t, verify.WithMinBundleVersion("v0.1")), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrMalformed)
	})
	t.Run("v0.3 relabelled v0.1 without its proof", func(t *testing.T) {
		pb := b.Clone()
		pb.MediaType = bundle.MediaTypeV01
		tlogOf(pb).InclusionProof = nil
		cert := pb.VerificationMaterial.GetCertificate()
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_X509CertificateChain{
			X509CertificateChain: &protocommon.X509CertificateChain{Certificates: []*protocommon.X509Certificate{cert}},
		}
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrBundleVersion)
		// A verifier that accepts v0.1 accepts it: the promise is valid.
		if _, err := sigstoretest.VerifyPB(t, s.Verifier(t, verify.WithMinBundleVersion("v0.1")), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
			t.Fatal(err)
		}
	})
	for _, mt := range []string{
		"application/vnd.dev.sigstore.bundle.v0.9+json", "application/vnd.dev.sigstore.bundle.v1.0+json",
		"", "garbage", "application/vnd.dev.sigstore.bundle+json;version=0.4",
	} {
		t.Run("media type "+mt, func(t *testing.T) {
			pb := b.Clone()
			pb.MediaType = mt
			_, err := sigstoretest.VerifyPB(t, s.Verifier(t, verify.WithMinBundleVersion("v0.1")), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrMalformed)
		})
	}
	t.Run("v0.3 with a certificate chain", func(t *testing.T) {
		pb := b.Clone()
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_X509CertificateChain{X509CertificateChain: &protocommon.X509CertificateChain{
			Certificates: []*protocommon.X509Certificate{{RawBytes: b.Leaf.Raw}},
		}}
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrMalformed)
	})
	t.Run("bad minimum", func(t *testing.T) {
		if _, err := sigstoretest.NewVerifier(s.Trusted, verify.WithMinBundleVersion("0.2")); err == nil {
			t.Fatal("accepted")
		}
	})
	t.Run("bundle-unknown-version_fail", func(t *testing.T) { sigstoretest.ConformanceCase(t, "bundle-unknown-version_fail") })
}

func TestAdversarial_C34_ThresholdMetByOneLog(t *testing.T) {
	s := sigstoretest.Shared(t)
	v2 := s.Verifier(t, sigstore.WithTransparencyLog(2))
	b := s.Sign(t, sigstoretest.SignOpts{})
	t.Run("two entries from the same log", func(t *testing.T) {
		pb := b.Clone()
		second := proto.Clone(tlogOf(pb)).(*protorekor.TransparencyLogEntry)
		second.LogIndex++
		second.InclusionPromise.SignedEntryTimestamp = s.Logs[0].Set(t, second)
		pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, second)
		_, err := sigstoretest.VerifyPB(t, v2, pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTransparencyLog)
	})
	t.Run("the same entry twice", func(t *testing.T) {
		pb := b.Clone()
		pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, proto.Clone(tlogOf(pb)).(*protorekor.TransparencyLogEntry))
		_, err := sigstoretest.VerifyPB(t, v2, pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTransparencyLog)
	})
	t.Run("two logs under one URL (a rotated key)", func(t *testing.T) {
		tr := s.TrustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.TransparencyLogs[1].BaseURL = spec.TransparencyLogs[0].BaseURL
		})
		v, err := sigstoretest.NewVerifier(tr, sigstore.WithTransparencyLog(2))
		if err != nil {
			t.Fatal(err)
		}
		two := s.Sign(t, sigstoretest.SignOpts{Logs: []int{0, 1}})
		_, err = sigstoretest.VerifyPB(t, v, two.Clone(), sigstoretest.ArtifactDigest(t, two.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTransparencyLog)
	})
	t.Run("two distinct logs", func(t *testing.T) {
		two := s.Sign(t, sigstoretest.SignOpts{Logs: []int{0, 1}})
		res, err := sigstoretest.VerifyPB(t, v2, two.Clone(), sigstoretest.ArtifactDigest(t, two.Artifact), sigstoretest.Identity(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.LogEntries) != 2 {
			t.Fatalf("%d entries", len(res.LogEntries))
		}
	})
}

func TestAdversarial_C35_RekorV2Rules(t *testing.T) {
	t.Run("rekor2-no-timestamp_fail", func(t *testing.T) { sigstoretest.ConformanceCase(t, "rekor2-no-timestamp_fail") })
	// A Rekor v2 entry needs a signed timestamp even when the caller
	// vouches for a time.
	t.Run("no timestamp, caller time", func(t *testing.T) {
		c := sigstoretest.LoadConformance(t, "rekor2-no-timestamp_fail")
		v, err := sigstoretest.NewVerifier(c.Root, verify.WithSigningTime(time.Date(2025, 6, 12, 12, 2, 30, 0, time.UTC)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.VerifyJSON(t.Context(), c.Bundle, sigstoretest.ArtifactDigest(t, c.Artifact), c.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTimestamp)
	})
	c := sigstoretest.LoadConformance(t, "rekor2-happy-path")
	for _, tc := range []struct{ name, body string }{
		{"empty spec", `{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{}}`},
		{"dsse kind in Rekor v2", `{"apiVersion":"0.0.2","kind":"dsse","spec":{"dsseV002":{}}}`},
		{"wrong apiVersion for the kind", `{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"hashedRekordV002":{}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := c.Proto(t)
			tlogOf(pb).CanonicalizedBody = []byte(tc.body)
			_, err := sigstoretest.VerifyPB(t, c.Verifier(t), pb, sigstoretest.ArtifactDigest(t, c.Artifact), c.Identity(t))
			sigstoretest.WantReject(t, err, nil)
		})
	}
}

func TestAdversarial_C36_MalformedEntryBodies(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	for _, body := range []string{"null", "12", `"a string"`, `{"spec":null}`, `{"apiVersion":"0.0.1","kind":"hashedrekord","spec":null}`,
		`{"apiVersion":"0.0.2","kind":"intoto","spec":{"content":{}}}`, `{"apiVersion":"0.0.1","kind":"cose","spec":{"message":""}}`, "", "{"} {
		t.Run(body, func(t *testing.T) {
			pb := b.Clone()
			tlogOf(pb).CanonicalizedBody = []byte(body)
			_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, nil)
		})
	}
	t.Run("body not base64", func(t *testing.T) {
		data, err := protojson.Marshal(b.Clone())
		if err != nil {
			t.Fatal(err)
		}
		body := base64.StdEncoding.EncodeToString(tlogOf(b.PB).CanonicalizedBody)
		data = bytes.Replace(data, []byte(body), []byte("!!not base64!!"), 1)
		_, err = s.Verifier(t).VerifyJSON(t.Context(), data, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrMalformed)
	})
}

func TestAdversarial_C37_TooManyTlogEntries(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	t.Run("33 entries", func(t *testing.T) {
		pb := b.Clone()
		for i := 0; i < 32; i++ {
			e := proto.Clone(tlogOf(pb)).(*protorekor.TransparencyLogEntry)
			e.LogIndex += int64(i + 1)
			pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, e)
		}
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrMalformed)
	})
	t.Run("a million empty entries", func(t *testing.T) {
		data, err := protojson.Marshal(b.Clone())
		if err != nil {
			t.Fatal(err)
		}
		huge := "[" + strings.Repeat("{},", 1_000_000) + "{}]"
		i := bytes.Index(data, []byte(`"tlogEntries":`))
		if i < 0 {
			t.Fatal("no tlogEntries")
		}
		data = append(append(append([]byte{}, data[:i]...), []byte(`"tlogEntries":`+huge+`,"x":`)...), data[i+len(`"tlogEntries":`):]...)
		_, err = s.Verifier(t).VerifyJSON(t.Context(), data, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrMalformed)
	})
}

func TestAdversarial_C38_NoFallbackNoNetwork(t *testing.T) {
	calls := sigstoretest.DenyNetwork(t)
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	pb := b.Clone()
	tlogOf(pb).InclusionPromise.SignedEntryTimestamp[5] ^= 1
	_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrTransparencyLog)
	pb = b.Clone()
	tlogOf(pb).InclusionProof.Hashes[0][0] ^= 1
	_, err = sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrTransparencyLog)
	// Skipping the log is only possible by saying so.
	res, err := sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(sigstoretest.T0.Add(time.Minute))), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Skipped, verify.CheckTransparencyLog) || res.Checked(verify.CheckTransparencyLog) {
		t.Fatalf("checks %v skipped %v", res.Checks, res.Skipped)
	}
	if *calls != 0 {
		t.Fatalf("%d network calls", *calls)
	}
}

func TestAdversarial_C39_MisleadingDigestHintSigstore(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	t.Run("hint differs from the artifact", func(t *testing.T) {
		pb := b.Clone()
		pb.GetMessageSignature().MessageDigest.Digest[0] ^= 1
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, verify.WithArtifact(bytes.NewReader(b.Artifact)), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrSubjectMismatch)
	})
	t.Run("SHA2_256 with a 64-byte digest", func(t *testing.T) {
		pb := b.Clone()
		pb.GetMessageSignature().MessageDigest.Digest = bytes.Repeat([]byte{1}, 64)
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, verify.WithArtifact(bytes.NewReader(b.Artifact)), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, nil)
	})
	t.Run("message-digest-mismatch_fail", func(t *testing.T) { sigstoretest.ConformanceCase(t, "message-digest-mismatch_fail") })
}

func TestAdversarial_C40_KeyPassedOffAsCertificate(t *testing.T) {
	s := sigstoretest.Shared(t)
	key := sigstoretest.NewKey(t)
	pub, _ := verify.NewPublicKey(key.Public())
	keyPolicy, _ := verify.NewKeyPolicy(pub)
	keyBundle := s.Sign(t, sigstoretest.SignOpts{Key: key})
	certBundle := s.Sign(t, sigstoretest.SignOpts{})
	t.Run("keyless policy, key-signed bundle", func(t *testing.T) {
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), keyBundle.Clone(), sigstoretest.ArtifactDigest(t, keyBundle.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrVerificationMaterial)
		_, err = sigstoretest.VerifyPB(t, s.Verifier(t), keyBundle.Clone(), sigstoretest.ArtifactDigest(t, keyBundle.Artifact), verify.WithoutIdentityUnsafe())
		sigstoretest.WantReject(t, err, verify.ErrVerificationMaterial)
	})
	t.Run("key policy, certificate-signed bundle", func(t *testing.T) {
		// The certificate's own key, given as the trusted key, still does
		// not make a certificate bundle key-signed.
		leafKey, _ := verify.NewPublicKey(certBundle.Leaf.PublicKey)
		p, _ := verify.NewKeyPolicy(leafKey)
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), certBundle.Clone(), sigstoretest.ArtifactDigest(t, certBundle.Artifact), p)
		sigstoretest.WantReject(t, err, verify.ErrVerificationMaterial)
	})
	t.Run("certificate field holding a bare public key", func(t *testing.T) {
		pb := certBundle.Clone()
		der, err := x509.MarshalPKIXPublicKey(certBundle.Leaf.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: der}}
		_, err = sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, certBundle.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, nil)
	})
	t.Run("the caller's key wins over the hint", func(t *testing.T) {
		pb := keyBundle.Clone()
		pb.VerificationMaterial.GetPublicKey().Hint = "some-other-key"
		if _, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, keyBundle.Artifact), keyPolicy); err != nil {
			t.Fatal(err)
		}
		// A bundle by another key that names the trusted key is refused.
		other := s.Sign(t, sigstoretest.SignOpts{Key: sigstoretest.NewKey(t)})
		pb = other.Clone()
		pb.VerificationMaterial.GetPublicKey().Hint = pub.ID()
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, other.Artifact), keyPolicy)
		sigstoretest.WantReject(t, err, verify.ErrSignature)
	})
	for _, name := range []string{"managed-key-no-key_fail", "managed-key-happy-path", "managed-key-and-trusted-root"} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C41_TrustedRootWindows(t *testing.T) {
	s := sigstoretest.Shared(t)
	t.Run("log without a validity start", func(t *testing.T) {
		root := sigstoretest.MutateRootJSON(t, s.Trusted, func(m map[string]any) {
			pk := m["tlogs"].([]any)[0].(map[string]any)["publicKey"].(map[string]any)
			delete(pk["validFor"].(map[string]any), "start")
		})
		_, err := sigstore.ParseTrustedRoot(root)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("timestamp authority without a validity start", func(t *testing.T) {
		root := sigstoretest.MutateRootJSON(t, s.Trusted, func(m map[string]any) {
			delete(m["timestampAuthorities"].([]any)[0].(map[string]any)["validFor"].(map[string]any), "start")
		})
		_, err := sigstore.ParseTrustedRoot(root)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("zero ValidFrom in code", func(t *testing.T) {
		spec := s.Spec()
		spec.TransparencyLogs[0].ValidFrom = time.Time{}
		_, err := sigstore.NewTrustedRoot(spec)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("integrated time exactly at the log key's end", func(t *testing.T) {
		at := sigstoretest.T0.Add(time.Minute)
		tr := s.TrustedWith(t, func(spec *sigstore.TrustedRootSpec) { spec.TransparencyLogs[0].ValidUntil = at })
		v, _ := sigstoretest.NewVerifier(tr)
		b := s.Sign(t, sigstoretest.SignOpts{Integrated: at})
		if _, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("timestamp exactly at the authority's end", func(t *testing.T) {
		at := sigstoretest.T0.Add(time.Minute)
		tr := s.TrustedWith(t, func(spec *sigstore.TrustedRootSpec) { spec.TimestampAuthorities[0].ValidUntil = at })
		v, _ := sigstoretest.NewVerifier(tr)
		b := s.Sign(t, sigstoretest.SignOpts{TSA: true, TSATime: at, NoPromise: true})
		if _, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
			t.Fatal(err)
		}
	})
	for _, name := range []string{"trust-root-tlog-missing-validity-start_fail", "trust-root-tlog-validity-end-inclusive", "trust-root-tsa-validity-end-inclusive"} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

// signNote signs a checkpoint note as a Rekor v1 log does.
func signNote(t testing.TB, text, host string, key *ecdsa.PrivateKey) string {
	t.Helper()
	signer, err := signature.LoadECDSASignerVerifier(key, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	n := rekorutil.SignedNote{Note: text}
	if _, err := n.Sign(host, signer, options.WithContext(context.Background())); err != nil {
		t.Fatal(err)
	}
	out, err := n.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
