package verify_test

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
	"fmt"
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
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func tlogOf(pb *protobundle.Bundle) *protorekor.TransparencyLogEntry {
	return pb.GetVerificationMaterial().GetTlogEntries()[0]
}

func TestAdversarial_C24_TlogEntryForOtherArtifactOrSigner(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	b1 := s.sign(t, signOpts{})
	b2 := s.sign(t, signOpts{artifact: []byte("another artifact\n")})
	// The same signer (key and certificate) signing another artifact: only
	// the entry's digest differs.
	b3 := s.sign(t, signOpts{artifact: []byte("third\n")})

	for _, tc := range []struct {
		name string
		pb   func() *protobundle.Bundle
	}{
		{"entry of another bundle", func() *protobundle.Bundle {
			pb := b1.clone()
			pb.VerificationMaterial.TlogEntries = b2.clone().VerificationMaterial.TlogEntries
			return pb
		}},
		{"signature of another bundle", func() *protobundle.Bundle {
			pb := b1.clone()
			pb.GetMessageSignature().Signature = b2.sig
			return pb
		}},
		{"certificate of another bundle", func() *protobundle.Bundle {
			pb := b1.clone()
			pb.VerificationMaterial.Content = b2.clone().VerificationMaterial.Content
			return pb
		}},
		{"entry signed by the same key over another digest", func() *protobundle.Bundle {
			pb := b1.clone()
			// Re-sign b3's artifact with b1's key, and log that: a valid
			// entry, with b1's certificate, but for another artifact.
			h := sha256.Sum256(b3.artifact)
			sig, err := ecdsa.SignASN1(rand.Reader, b1.key, h[:])
			if err != nil {
				t.Fatal(err)
			}
			other := s.sign(t, signOpts{artifact: b3.artifact})
			_ = other
			pb.VerificationMaterial.TlogEntries = []*protorekor.TransparencyLogEntry{s.logs[0].entry(t,
				rekorBody(t, signOpts{artifact: b3.artifact}, nil, sig, pemCert(b1.leaf.Raw)), signOpts{integrated: t0.Add(time.Minute)})}
			return pb
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := verifyPB(t, v, tc.pb(), artDigest(b1.artifact), testIdentity(t))
			wantReject(t, err, nil)
		})
	}
	// The conformance vectors of this case, from real Sigstore.
	for _, name := range []string{"wrong-hashedrekord-artifact_fail", "wrong-hashedrekord-cert-and-sig_fail", "wrong-hashedrekord-entry_fail", "incorrect-public-key_fail"} {
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
	}
}

func TestAdversarial_C25_DSSEEntryBoundToOtherEnvelope(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	b1 := s.sign(t, signOpts{dsse: true})
	b2 := s.sign(t, signOpts{dsse: true, artifact: []byte("other\n")})
	t.Run("entry of another envelope", func(t *testing.T) {
		pb := b1.clone()
		pb.VerificationMaterial.TlogEntries = b2.clone().VerificationMaterial.TlogEntries
		_, err := verifyPB(t, v, pb, artDigest(b1.artifact), testIdentity(t))
		wantReject(t, err, nil)
	})
	t.Run("second valid signature never logged", func(t *testing.T) {
		pb := b1.clone()
		env := pb.GetDsseEnvelope()
		pae := paeOf(env.PayloadType, env.Payload)
		h := sha256.Sum256(pae)
		sig, err := ecdsa.SignASN1(rand.Reader, b1.key, h[:])
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(sig, b1.sig) {
			t.Fatal("ECDSA gave the same signature twice")
		}
		env.Signatures[0].Sig = sig
		_, err = verifyPB(t, v, pb, artDigest(b1.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTransparencyLog)
	})
	for _, name := range []string{"dsse-mismatch-sig_fail", "dsse-mismatch-envelope_fail", "rekor2-dsse-mismatch-sig_fail", "rekor2-dsse-mismatch-envelope_fail", "intoto-log-entry-mismatch_fail"} {
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
	}
}

func TestAdversarial_C26_BorrowedSET(t *testing.T) {
	s := theSigstore(t)
	key := mustKey()
	pub, err := verify.NewPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	keyPolicy, err := verify.NewKeyPolicy(pub)
	if err != nil {
		t.Fatal(err)
	}
	logged := s.sign(t, signOpts{key: key})
	neverLogged := s.sign(t, signOpts{key: key, artifact: []byte("never logged\n"), noTlog: true})
	pb := neverLogged.clone()
	pb.VerificationMaterial.TlogEntries = logged.clone().VerificationMaterial.TlogEntries
	res, err := verifyPB(t, s.verifier(t), pb, artDigest(neverLogged.artifact), keyPolicy)
	wantReject(t, err, verify.ErrTransparencyLog)
	if res != nil {
		t.Fatal("a result for a borrowed SET")
	}
	// The logged one verifies, and says which entry vouched for it.
	res, err = verifyPB(t, s.verifier(t), logged.clone(), artDigest(logged.artifact), keyPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Checked(verify.CheckTransparencyLog) || len(res.LogEntries) != 1 {
		t.Fatalf("checks %v entries %v", res.Checks, res.LogEntries)
	}
}

func TestAdversarial_C27_BadOrForeignSET(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	b := s.sign(t, signOpts{})
	foreign := &testLog{host: "rekor.foreign", key: mustKey(), index: 7}
	for _, tc := range []struct {
		name string
		edit func(*protobundle.Bundle)
	}{
		{"SET signature flipped", func(pb *protobundle.Bundle) {
			tlogOf(pb).InclusionPromise.SignedEntryTimestamp[10] ^= 1
		}},
		{"SET by a log not in the trusted root", func(pb *protobundle.Bundle) {
			e := foreign.entry(t, tlogOf(pb).CanonicalizedBody, signOpts{integrated: t0.Add(time.Minute)})
			pb.VerificationMaterial.TlogEntries[0] = e
		}},
		{"log id of log A with the SET of log B", func(pb *protobundle.Bundle) {
			e := tlogOf(pb)
			e.InclusionPromise.SignedEntryTimestamp = s.logs[1].set(t, e)
		}},
		{"log id of log B with the SET of log A", func(pb *protobundle.Bundle) {
			e := tlogOf(pb)
			e.LogId.KeyId = logID(s.logs[1].key.Public())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := b.clone()
			tc.edit(pb)
			_, err := verifyPB(t, v, pb, artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, nil)
		})
	}
	for _, name := range []string{"set-invalid-signature_fail", "bundle-from-wrong-instance_fail"} {
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
	}
}

func TestAdversarial_C28_IntegratedTimeOutsideWindow(t *testing.T) {
	s := theSigstore(t)
	for _, tc := range []struct {
		name string
		at   time.Time
		opts []any
		root func(*sigstore.TrustedRootSpec)
	}{
		{"in the future beyond clock skew", t0.Add(9 * time.Minute), []any{verify.WithClock(func() time.Time { return t0.Add(time.Minute) })}, nil},
		{"before the certificate's NotBefore", t0.Add(-time.Minute), nil, nil},
		{"after the certificate's NotAfter", t0.Add(11 * time.Minute), nil, nil},
		{"outside the log key's validity", t0.Add(time.Minute), nil, func(spec *sigstore.TrustedRootSpec) {
			spec.TransparencyLogs[0].ValidUntil = t0
		}},
		{"negative", time.Unix(-5, 0), nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := s.sign(t, signOpts{integrated: tc.at})
			tr := s.trusted
			if tc.root != nil {
				tr = s.trustedWith(t, tc.root)
			}
			v, err := newSigstoreVerifier(tr, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, nil)
		})
	}
	t.Run("within the skew", func(t *testing.T) {
		b := s.sign(t, signOpts{integrated: t0.Add(4 * time.Minute)})
		v := s.verifier(t, verify.WithClock(func() time.Time { return t0 }))
		if _, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t)); err != nil {
			t.Fatal(err)
		}
	})
	for _, name := range []string{"integrated-time-in-future_fail", "intoto-set-outside-signing-cert-validity_fail"} {
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
	}
}

func TestAdversarial_C29_InclusionProofForOtherTree(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	b := s.sign(t, signOpts{noPromise: true, tsa: true})
	if _, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t)); err != nil {
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
			pb := b.clone()
			tc.edit(pb)
			_, err := verifyPB(t, v, pb, artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, nil)
		})
	}
	for _, name := range []string{"checkpoint-wrong-roothash_fail", "invalid-inclusion-proof_fail", "inclusion-proof-corrupted-hash_fail", "bundle-negative-log-index_fail"} {
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
	}
}

func TestAdversarial_C30_LeafBodyBinding(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	b := s.sign(t, signOpts{noPromise: true, tsa: true})
	t.Run("body changed, proof kept", func(t *testing.T) {
		pb := b.clone()
		other := s.sign(t, signOpts{artifact: []byte("other\n"), noPromise: true})
		tlogOf(pb).CanonicalizedBody = tlogOf(other.pb).CanonicalizedBody
		_, err := verifyPB(t, v, pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, nil)
	})
	t.Run("interior node presented as a leaf", func(t *testing.T) {
		// A one-leaf "tree" whose root is the real two-leaf root: the
		// leaf would have to hash, with the 0x00 leaf prefix, to an
		// interior node (0x01 prefix): second preimage.
		pb := b.clone()
		p := tlogOf(pb).InclusionProof
		sibling, leaf := p.Hashes[0], leafHash(tlogOf(pb).CanonicalizedBody)
		tlogOf(pb).CanonicalizedBody = append(append([]byte{}, sibling...), leaf...)
		p.LogIndex, p.TreeSize, p.Hashes = 0, 1, nil
		_, err := verifyPB(t, v, pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, nil)
	})
}

func TestAdversarial_C31_ForgedCheckpoint(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	b := s.sign(t, signOpts{noPromise: true, tsa: true})
	resign := func(pb *protobundle.Bundle, host string, key *ecdsa.PrivateKey, text func(string) string) {
		p := tlogOf(pb).InclusionProof
		note := text(fmt.Sprintf("%s - 1234\n2\n%s\n", host, b64(p.RootHash)))
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
			resign(pb, s.logs[0].host, s.logs[1].key, func(n string) string { return n })
		}},
		{"root line missing", func(pb *protobundle.Bundle) {
			resign(pb, s.logs[0].host, s.logs[0].key, func(n string) string {
				lines := strings.SplitN(n, "\n", 3)
				return lines[0] + "\n" + lines[1] + "\n"
			})
		}},
		{"size line missing", func(pb *protobundle.Bundle) {
			resign(pb, s.logs[0].host, s.logs[0].key, func(n string) string {
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
			pb := b.clone()
			tc.edit(pb)
			_, err := verifyPB(t, v, pb, artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, nil)
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
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
	}
}

func TestAdversarial_C32_MissingInclusionProof(t *testing.T) {
	s := theSigstore(t)
	t.Run("v0.2 entry with only a SET", func(t *testing.T) {
		b := s.sign(t, signOpts{version: "v0.2", noProof: true})
		_, err := verifyPB(t, s.verifier(t), b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, nil)
	})
	t.Run("per entry: one of two entries without a proof", func(t *testing.T) {
		// sigstore-go's bundle-wide flag would accept this: one entry has
		// a proof. Each entry must have its own.
		b := s.sign(t, signOpts{logs: []int{0, 1}})
		pb := b.clone()
		pb.VerificationMaterial.TlogEntries[1].InclusionProof = nil
		// The bundle package already refuses it when parsing (every
		// entry needs its proof); verify never sees such a bundle.
		_, err := verifyPB(t, s.verifier(t, sigstore.WithTransparencyLog(2)), pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrMalformed)
		// Even with a threshold of 1, the entry without a proof fails the
		// bundle: it is not silently ignored.
		_, err = verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrMalformed)
	})
	for _, name := range []string{"intoto-missing-inclusion-proof_fail", "rekor2-no-inclusion-proof_fail"} {
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
	}
}

func TestAdversarial_C33_BundleVersionDowngrade(t *testing.T) {
	s := theSigstore(t)
	b := s.sign(t, signOpts{})
	t.Run("v0.3 relabelled v0.1, its certificate kept", func(t *testing.T) {
		// A single certificate is v0.3 material: the fields must fit the
		// declared version, so the relabelled bundle does not even parse.
		pb := b.clone()
		pb.MediaType = bundle.MediaTypeV01
		tlogOf(pb).InclusionProof = nil
		_, err := verifyPB(t, s.verifier(t, verify.WithMinBundleVersion("v0.1")), pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrMalformed)
	})
	t.Run("v0.3 relabelled v0.1 without its proof", func(t *testing.T) {
		pb := b.clone()
		pb.MediaType = bundle.MediaTypeV01
		tlogOf(pb).InclusionProof = nil
		cert := pb.VerificationMaterial.GetCertificate()
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_X509CertificateChain{
			X509CertificateChain: &protocommon.X509CertificateChain{Certificates: []*protocommon.X509Certificate{cert}},
		}
		_, err := verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrBundleVersion)
		// A verifier that accepts v0.1 accepts it: the promise is valid.
		if _, err := verifyPB(t, s.verifier(t, verify.WithMinBundleVersion("v0.1")), pb, artDigest(b.artifact), testIdentity(t)); err != nil {
			t.Fatal(err)
		}
	})
	for _, mt := range []string{
		"application/vnd.dev.sigstore.bundle.v0.9+json", "application/vnd.dev.sigstore.bundle.v1.0+json",
		"", "garbage", "application/vnd.dev.sigstore.bundle+json;version=0.4",
	} {
		t.Run("media type "+mt, func(t *testing.T) {
			pb := b.clone()
			pb.MediaType = mt
			_, err := verifyPB(t, s.verifier(t, verify.WithMinBundleVersion("v0.1")), pb, artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, verify.ErrMalformed)
		})
	}
	t.Run("v0.3 with a certificate chain", func(t *testing.T) {
		pb := b.clone()
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_X509CertificateChain{X509CertificateChain: &protocommon.X509CertificateChain{
			Certificates: []*protocommon.X509Certificate{{RawBytes: b.leaf.Raw}},
		}}
		_, err := verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrMalformed)
	})
	t.Run("bad minimum", func(t *testing.T) {
		if _, err := newSigstoreVerifier(s.trusted, verify.WithMinBundleVersion("0.2")); err == nil {
			t.Fatal("accepted")
		}
	})
	t.Run("bundle-unknown-version_fail", func(t *testing.T) { conformanceCase(t, "bundle-unknown-version_fail") })
}

func TestAdversarial_C34_ThresholdMetByOneLog(t *testing.T) {
	s := theSigstore(t)
	v2 := s.verifier(t, sigstore.WithTransparencyLog(2))
	b := s.sign(t, signOpts{})
	t.Run("two entries from the same log", func(t *testing.T) {
		pb := b.clone()
		second := proto.Clone(tlogOf(pb)).(*protorekor.TransparencyLogEntry)
		second.LogIndex++
		second.InclusionPromise.SignedEntryTimestamp = s.logs[0].set(t, second)
		pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, second)
		_, err := verifyPB(t, v2, pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTransparencyLog)
	})
	t.Run("the same entry twice", func(t *testing.T) {
		pb := b.clone()
		pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, proto.Clone(tlogOf(pb)).(*protorekor.TransparencyLogEntry))
		_, err := verifyPB(t, v2, pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTransparencyLog)
	})
	t.Run("two logs under one URL (a rotated key)", func(t *testing.T) {
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.TransparencyLogs[1].BaseURL = spec.TransparencyLogs[0].BaseURL
		})
		v, err := newSigstoreVerifier(tr, sigstore.WithTransparencyLog(2))
		if err != nil {
			t.Fatal(err)
		}
		two := s.sign(t, signOpts{logs: []int{0, 1}})
		_, err = verifyPB(t, v, two.clone(), artDigest(two.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTransparencyLog)
	})
	t.Run("two distinct logs", func(t *testing.T) {
		two := s.sign(t, signOpts{logs: []int{0, 1}})
		res, err := verifyPB(t, v2, two.clone(), artDigest(two.artifact), testIdentity(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.LogEntries) != 2 {
			t.Fatalf("%d entries", len(res.LogEntries))
		}
	})
}

func TestAdversarial_C35_RekorV2Rules(t *testing.T) {
	t.Run("rekor2-no-timestamp_fail", func(t *testing.T) { conformanceCase(t, "rekor2-no-timestamp_fail") })
	// A Rekor v2 entry needs a signed timestamp even when the caller
	// vouches for a time.
	t.Run("no timestamp, caller time", func(t *testing.T) {
		c := loadConformance(t, "rekor2-no-timestamp_fail")
		v, err := newSigstoreVerifier(c.root, verify.WithSigningTime(time.Date(2025, 6, 12, 12, 2, 30, 0, time.UTC)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.VerifyJSON(t.Context(), c.bundle, artDigest(c.artifact), c.identity(t))
		wantReject(t, err, verify.ErrTimestamp)
	})
	c := loadConformance(t, "rekor2-happy-path")
	for _, tc := range []struct{ name, body string }{
		{"empty spec", `{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{}}`},
		{"dsse kind in Rekor v2", `{"apiVersion":"0.0.2","kind":"dsse","spec":{"dsseV002":{}}}`},
		{"wrong apiVersion for the kind", `{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"hashedRekordV002":{}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := c.proto(t)
			tlogOf(pb).CanonicalizedBody = []byte(tc.body)
			_, err := verifyPB(t, c.verifier(t), pb, artDigest(c.artifact), c.identity(t))
			wantReject(t, err, nil)
		})
	}
}

func TestAdversarial_C36_MalformedEntryBodies(t *testing.T) {
	s := theSigstore(t)
	b := s.sign(t, signOpts{})
	for _, body := range []string{"null", "12", `"a string"`, `{"spec":null}`, `{"apiVersion":"0.0.1","kind":"hashedrekord","spec":null}`,
		`{"apiVersion":"0.0.2","kind":"intoto","spec":{"content":{}}}`, `{"apiVersion":"0.0.1","kind":"cose","spec":{"message":""}}`, "", "{"} {
		t.Run(body, func(t *testing.T) {
			pb := b.clone()
			tlogOf(pb).CanonicalizedBody = []byte(body)
			_, err := verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, nil)
		})
	}
	t.Run("body not base64", func(t *testing.T) {
		data, err := protojsonMarshal(b.clone())
		if err != nil {
			t.Fatal(err)
		}
		body := b64(tlogOf(b.pb).CanonicalizedBody)
		data = bytes.Replace(data, []byte(body), []byte("!!not base64!!"), 1)
		_, err = s.verifier(t).VerifyJSON(t.Context(), data, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrMalformed)
	})
}

func TestAdversarial_C37_TooManyTlogEntries(t *testing.T) {
	s := theSigstore(t)
	b := s.sign(t, signOpts{})
	t.Run("33 entries", func(t *testing.T) {
		pb := b.clone()
		for i := 0; i < 32; i++ {
			e := proto.Clone(tlogOf(pb)).(*protorekor.TransparencyLogEntry)
			e.LogIndex += int64(i + 1)
			pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, e)
		}
		_, err := verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrMalformed)
	})
	t.Run("a million empty entries", func(t *testing.T) {
		data, err := protojsonMarshal(b.clone())
		if err != nil {
			t.Fatal(err)
		}
		huge := "[" + strings.Repeat("{},", 1_000_000) + "{}]"
		i := bytes.Index(data, []byte(`"tlogEntries":`))
		if i < 0 {
			t.Fatal("no tlogEntries")
		}
		data = append(append(append([]byte{}, data[:i]...), []byte(`"tlogEntries":`+huge+`,"x":`)...), data[i+len(`"tlogEntries":`):]...)
		_, err = s.verifier(t).VerifyJSON(t.Context(), data, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrMalformed)
	})
}

func TestAdversarial_C38_NoFallbackNoNetwork(t *testing.T) {
	calls := denyNetwork(t)
	s := theSigstore(t)
	b := s.sign(t, signOpts{})
	pb := b.clone()
	tlogOf(pb).InclusionPromise.SignedEntryTimestamp[5] ^= 1
	_, err := verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
	wantReject(t, err, verify.ErrTransparencyLog)
	pb = b.clone()
	tlogOf(pb).InclusionProof.Hashes[0][0] ^= 1
	_, err = verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
	wantReject(t, err, verify.ErrTransparencyLog)
	// Skipping the log is only possible by saying so.
	res, err := verifyPB(t, s.verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(t0.Add(time.Minute))), pb, artDigest(b.artifact), testIdentity(t))
	if err != nil {
		t.Fatal(err)
	}
	if !contains(res.Skipped, verify.CheckTransparencyLog) || res.Checked(verify.CheckTransparencyLog) {
		t.Fatalf("checks %v skipped %v", res.Checks, res.Skipped)
	}
	if *calls != 0 {
		t.Fatalf("%d network calls", *calls)
	}
}

func TestAdversarial_C39_MisleadingDigestHintSigstore(t *testing.T) {
	s := theSigstore(t)
	b := s.sign(t, signOpts{})
	t.Run("hint differs from the artifact", func(t *testing.T) {
		pb := b.clone()
		pb.GetMessageSignature().MessageDigest.Digest[0] ^= 1
		_, err := verifyPB(t, s.verifier(t), pb, artifactOf(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrSubjectMismatch)
	})
	t.Run("SHA2_256 with a 64-byte digest", func(t *testing.T) {
		pb := b.clone()
		pb.GetMessageSignature().MessageDigest.Digest = bytes.Repeat([]byte{1}, 64)
		_, err := verifyPB(t, s.verifier(t), pb, artifactOf(b.artifact), testIdentity(t))
		wantReject(t, err, nil)
	})
	t.Run("message-digest-mismatch_fail", func(t *testing.T) { conformanceCase(t, "message-digest-mismatch_fail") })
}

func TestAdversarial_C40_KeyPassedOffAsCertificate(t *testing.T) {
	s := theSigstore(t)
	key := mustKey()
	pub, _ := verify.NewPublicKey(key.Public())
	keyPolicy, _ := verify.NewKeyPolicy(pub)
	keyBundle := s.sign(t, signOpts{key: key})
	certBundle := s.sign(t, signOpts{})
	t.Run("keyless policy, key-signed bundle", func(t *testing.T) {
		_, err := verifyPB(t, s.verifier(t), keyBundle.clone(), artDigest(keyBundle.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrVerificationMaterial)
		_, err = verifyPB(t, s.verifier(t), keyBundle.clone(), artDigest(keyBundle.artifact), verify.WithoutIdentityUnsafe())
		wantReject(t, err, verify.ErrVerificationMaterial)
	})
	t.Run("key policy, certificate-signed bundle", func(t *testing.T) {
		// The certificate's own key, given as the trusted key, still does
		// not make a certificate bundle key-signed.
		leafKey, _ := verify.NewPublicKey(certBundle.leaf.PublicKey)
		p, _ := verify.NewKeyPolicy(leafKey)
		_, err := verifyPB(t, s.verifier(t), certBundle.clone(), artDigest(certBundle.artifact), p)
		wantReject(t, err, verify.ErrVerificationMaterial)
	})
	t.Run("certificate field holding a bare public key", func(t *testing.T) {
		pb := certBundle.clone()
		der := spkiOf(t, certBundle.leaf.PublicKey)
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: der}}
		_, err := verifyPB(t, s.verifier(t), pb, artDigest(certBundle.artifact), testIdentity(t))
		wantReject(t, err, nil)
	})
	t.Run("the caller's key wins over the hint", func(t *testing.T) {
		pb := keyBundle.clone()
		pb.VerificationMaterial.GetPublicKey().Hint = "some-other-key"
		if _, err := verifyPB(t, s.verifier(t), pb, artDigest(keyBundle.artifact), keyPolicy); err != nil {
			t.Fatal(err)
		}
		// A bundle by another key that names the trusted key is refused.
		other := s.sign(t, signOpts{key: mustKey()})
		pb = other.clone()
		pb.VerificationMaterial.GetPublicKey().Hint = pub.ID()
		_, err := verifyPB(t, s.verifier(t), pb, artDigest(other.artifact), keyPolicy)
		wantReject(t, err, verify.ErrSignature)
	})
	for _, name := range []string{"managed-key-no-key_fail", "managed-key-happy-path", "managed-key-and-trusted-root"} {
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
	}
}

func TestAdversarial_C41_TrustedRootWindows(t *testing.T) {
	s := theSigstore(t)
	t.Run("log without a validity start", func(t *testing.T) {
		root := mutateRootJSON(t, s.trusted, func(m map[string]any) {
			pk := m["tlogs"].([]any)[0].(map[string]any)["publicKey"].(map[string]any)
			delete(pk["validFor"].(map[string]any), "start")
		})
		_, err := sigstore.ParseTrustedRoot(root)
		wantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("timestamp authority without a validity start", func(t *testing.T) {
		root := mutateRootJSON(t, s.trusted, func(m map[string]any) {
			delete(m["timestampAuthorities"].([]any)[0].(map[string]any)["validFor"].(map[string]any), "start")
		})
		_, err := sigstore.ParseTrustedRoot(root)
		wantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("zero ValidFrom in code", func(t *testing.T) {
		spec := s.spec()
		spec.TransparencyLogs[0].ValidFrom = time.Time{}
		_, err := sigstore.NewTrustedRoot(spec)
		wantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("integrated time exactly at the log key's end", func(t *testing.T) {
		at := t0.Add(time.Minute)
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) { spec.TransparencyLogs[0].ValidUntil = at })
		v, _ := newSigstoreVerifier(tr)
		b := s.sign(t, signOpts{integrated: at})
		if _, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("timestamp exactly at the authority's end", func(t *testing.T) {
		at := t0.Add(time.Minute)
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) { spec.TimestampAuthorities[0].ValidUntil = at })
		v, _ := newSigstoreVerifier(tr)
		b := s.sign(t, signOpts{tsa: true, tsaTime: at, noPromise: true})
		if _, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t)); err != nil {
			t.Fatal(err)
		}
	})
	for _, name := range []string{"trust-root-tlog-missing-validity-start_fail", "trust-root-tlog-validity-end-inclusive", "trust-root-tsa-validity-end-inclusive"} {
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
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
