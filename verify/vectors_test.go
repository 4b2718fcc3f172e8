package verify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/json"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

// dsseVectors is testdata/vectors/attest/dsse/spec-test-vectors.json.
type dsseVectors struct {
	Key struct {
		X string `json:"x_decimal"`
		Y string `json:"y_decimal"`
		D string `json:"d_decimal"`
	} `json:"key"`
	PAE struct {
		PayloadType string `json:"payloadType"`
		Payload     string `json:"payload_utf8"`
		Expected    string `json:"expected_pae_utf8"`
	} `json:"pae"`
	Cases []struct {
		Name     string          `json:"name"`
		Envelope json.RawMessage `json:"envelope"`
		Expect   string          `json:"expect"`
	} `json:"cases"`
}

func loadDSSEVectors(t testing.TB) (*dsseVectors, *verify.PublicKey) {
	t.Helper()
	var vec dsseVectors
	if err := json.Unmarshal(readFile(t, filepath.Join(vectors, "dsse", "spec-test-vectors.json")), &vec); err != nil {
		t.Fatal(err)
	}
	dec := func(s string) *big.Int {
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			t.Fatalf("bad decimal %q", s)
		}
		return n
	}
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: dec(vec.Key.X), Y: dec(vec.Key.Y)}
	// The transcription is right if d·G is (x, y).
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), dec(vec.Key.D).FillBytes(make([]byte, 32)))
	if err != nil || !priv.PublicKey.Equal(pub) {
		t.Fatalf("vector key: d does not match (x, y): %v", err)
	}
	k, err := verify.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return &vec, k
}

// TestDSSESpecVectors runs every case of the DSSE spec vectors from the
// file, with the expectation the file states.
func TestDSSESpecVectors(t *testing.T) {
	vec, key := loadDSSEVectors(t)
	if got := attest.PAE(vec.PAE.PayloadType, []byte(vec.PAE.Payload)); string(got) != vec.PAE.Expected {
		t.Fatalf("PAE %q, want %q", got, vec.PAE.Expected)
	}
	other := signtest.PublicKey(t, signtest.Key(t, "other"))
	// Accept every payload type of the file, so that a tampered type is
	// caught by the signature (PAE), not by the type allow-list.
	types := []string{vec.PAE.PayloadType}
	for _, c := range vec.Cases {
		var e struct{ PayloadType string }
		if err := json.Unmarshal(c.Envelope, &e); err != nil {
			t.Fatal(err)
		}
		types = append(types, e.PayloadType)
	}
	opts := []verify.Option{verify.WithPayloadTypes(types...)}
	v1 := newVerifier(t, []*verify.PublicKey{key}, opts...)
	// Threshold 2 needs two distinct keys; only the vector key signed.
	v2 := newVerifier(t, []*verify.PublicKey{key, other}, append(opts, verify.WithThreshold(2))...)

	if len(vec.Cases) != 7 {
		t.Fatalf("%d cases in the vector file, want 7", len(vec.Cases))
	}
	for _, tc := range vec.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			env, err := attest.ParseEnvelope(tc.Envelope)
			if err != nil {
				t.Fatal(err)
			}
			res, err := v1.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe())
			switch {
			case strings.HasPrefix(tc.Expect, "threshold=1: verify-ok; threshold=2"):
				if err != nil {
					t.Fatalf("threshold 1: %v", err)
				}
				if len(res.Signers) != 1 {
					t.Fatalf("the same key counted %d times", len(res.Signers))
				}
				res, err = v2.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe())
				wantErr(t, res, err, verify.ErrThreshold)
				var te *verify.ThresholdError
				if !errors.As(err, &te) || te.Got != 1 || te.Want != 2 || len(te.Accepted) != 1 || te.Accepted[0] != key.ID() {
					t.Fatalf("threshold error %+v", te)
				}
				if len(te.Rejected) != 1 || te.Rejected[0].Index != 1 || te.Rejected[0].DuplicateOf != key.ID() {
					t.Fatalf("the second signature should be a duplicate of the vector key: %+v", te.Rejected)
				}
			case strings.HasPrefix(tc.Expect, "verify-ok"):
				if err != nil {
					t.Fatal(err)
				}
				if res.PayloadType != vec.PAE.PayloadType || string(res.Payload) != vec.PAE.Payload {
					t.Fatalf("result %q %q", res.PayloadType, res.Payload)
				}
				if len(res.Signers) != 1 || res.Signers[0].KeyID != key.ID() || res.Signers[0].Scheme != "PKIX_ECDSA_P256_SHA_256" {
					t.Fatalf("signers %+v", res.Signers)
				}
				if res.Signers[0].KeyIDHint != env.Signatures[0].KeyID {
					t.Fatalf("hint %q", res.Signers[0].KeyIDHint)
				}
				if !res.Checked(verify.CheckSignatures) || !res.Checked(verify.CheckThreshold) || res.Checked(verify.CheckSubject) || len(res.Skipped) != 1 {
					t.Fatalf("checks %v skipped %v", res.Checks, res.Skipped)
				}
			case strings.HasPrefix(tc.Expect, "verify-fail (no signature)"):
				wantErr(t, res, err, verify.ErrNoSignature)
			case strings.HasPrefix(tc.Expect, "verify-fail"):
				wantErr(t, res, err, verify.ErrThreshold, verify.ErrSignature)
			default:
				t.Fatalf("unknown expectation %q", tc.Expect)
			}
		})
	}
}

// TestDSSESpecVectorPayloadTypeNotAccepted: the vector verifies only with
// its payload type allowed and the artifact check skipped explicitly.
func TestDSSESpecVectorPayloadTypeNotAccepted(t *testing.T) {
	vec, key := loadDSSEVectors(t)
	env, err := attest.ParseEnvelope(vec.Cases[0].Envelope)
	if err != nil {
		t.Fatal(err)
	}
	res, err := newVerifier(t, []*verify.PublicKey{key}).VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe())
	wantErr(t, res, err, verify.ErrPayloadType)
	v := newVerifier(t, []*verify.PublicKey{key}, verify.WithPayloadTypes(vec.PAE.PayloadType))
	d, _ := digest.FromBytes([]byte("hello world"), digest.SHA256)
	res, err = v.VerifyEnvelope(ctx, env, verify.WithArtifactDigest(d))
	wantErr(t, res, err, verify.ErrArtifactPolicy)
}

// TestVSAVector verifies slsa-verifier's keyed VSA vector, fully offline.
//
// Key ids differ from slsa-verifier's: there the caller passes the
// signature's keyid ("keystore://76574:prod:vsa_signing_public_key") and a
// signature with another or no keyid fails. Here a keyid is only a hint
// that orders the keys tried (DSSE: "KEYID MUST NOT be used for security
// decisions"), so the vector also verifies with the keyid removed or
// changed; the hint is reported in the result.
func TestVSAVector(t *testing.T) {
	dir := filepath.Join(vectors, "slsa-verifier", "vsa", "gce", "v1")
	key, err := verify.LoadPublicKey(filepath.Join(dir, "vsa_signing_public_key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	line := bytes.TrimSpace(readFile(t, filepath.Join(dir, "gke-gce-pre.bcid-vsa.jsonl")))
	env, err := attest.ParseEnvelope(line)
	if err != nil {
		t.Fatal(err)
	}
	v := newVerifier(t, []*verify.PublicKey{key})
	const keyid = "keystore://76574:prod:vsa_signing_public_key"
	policy := func() verify.ArtifactPolicy { return verify.WithSubjectDigest("gce_image_id", "8970095005306000053") }

	for _, hint := range []string{keyid, "", "keystore://wrong"} {
		e := env.Clone()
		e.Signatures[0].KeyID = hint
		res, err := v.VerifyEnvelope(ctx, e, policy())
		if err != nil {
			t.Fatalf("keyid %q: %v", hint, err)
		}
		if res.Signers[0].KeyIDHint != hint || res.Signers[0].KeyID != key.ID() {
			t.Fatalf("signer %+v", res.Signers[0])
		}
		if res.Subject == nil || res.Subject.Digest["gce_image_id"] != "8970095005306000053" || res.ArtifactDigests["gce_image_id"] != "8970095005306000053" {
			t.Fatalf("subject %+v digests %v", res.Subject, res.ArtifactDigests)
		}
		vsa, err := attest.PredicateAs[attest.VSA](res.Statement)
		if err != nil {
			t.Fatal(err)
		}
		if vsa.Verifier.ID != "https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.1" ||
			vsa.ResourceURI != "gce_image://gke-node-images:gke-12615-gke1418000-cos-101-17162-463-29-c-cgpv1-pre" ||
			strings.Join(vsa.VerifiedLevels, ",") != "BCID_L1,SLSA_BUILD_LEVEL_2" || vsa.VerificationResult != "PASSED" {
			t.Fatalf("VSA %+v", vsa)
		}
	}
	for _, tc := range []struct {
		name   string
		policy verify.ArtifactPolicy
		err    error
	}{
		{"other image id", verify.WithSubjectDigest("gce_image_id", "8970095005306000054"), verify.ErrSubjectMismatch},
		{"other algorithm", verify.WithSubjectDigest("gce_image", "8970095005306000053"), verify.ErrSubjectMismatch},
		{"sha256 of something", verify.WithArtifact(strings.NewReader("image")), verify.ErrSubjectMismatch},
		{"no policy", verify.ArtifactPolicy{}, verify.ErrArtifactPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := v.VerifyEnvelope(ctx, env, tc.policy)
			wantErr(t, res, err, tc.err)
		})
	}
	// Another key does not verify it.
	res, err := newVerifier(t, keysOf(t, signtest.Key(t, "not google"))).VerifyEnvelope(ctx, env, policy())
	wantErr(t, res, err, verify.ErrSignature)
}

// TestCosignFixtures verifies what cosign v2.6.5 produced with a key
// (testdata/cosign): a bare DSSE envelope, a DSSE bundle and a message
// signature bundle, against the artifact they sign.
func TestCosignFixtures(t *testing.T) {
	key, err := verify.LoadPublicKey(filepath.Join(cosignDir, "cosign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	v := newVerifier(t, []*verify.PublicKey{key})
	artifact := filepath.Join(cosignDir, "blob.txt")
	other := newVerifier(t, keysOf(t, signtest.Key(t, "x")))

	env, err := attest.ParseEnvelope(readFile(t, filepath.Join(cosignDir, "blob.txt.intoto.json")))
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.VerifyEnvelope(ctx, env, verify.WithArtifactFile(artifact))
	if err != nil {
		t.Fatal(err)
	}
	if res.Statement.Type != attest.StatementTypeV01 || res.Statement.PredicateType != "https://chainmail.dev/test/v1" || res.Subject.Name != "blob.txt" {
		t.Fatalf("statement %+v", res.Statement)
	}
	res, err = other.VerifyEnvelope(ctx, env, verify.WithArtifactFile(artifact))
	wantErr(t, res, err, verify.ErrSignature)

	for _, f := range []string{"blob.txt.sigstore.json", "blob.txt.attestation.sigstore.json"} {
		t.Run(f, func(t *testing.T) {
			b := parseBundle(t, readFile(t, filepath.Join(cosignDir, f)))
			res, err := v.VerifyBundle(ctx, b, verify.WithArtifactFile(artifact))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Bundle || res.MessageSignature == b.IsDSSE() || res.Signers[0].KeyID != key.ID() {
				t.Fatalf("result %+v", res)
			}
			res, err = v.VerifyBundle(ctx, b, verify.WithArtifact(strings.NewReader("hello from cosign!")))
			wantErr(t, res, err, verify.ErrSubjectMismatch)
			res, err = other.VerifyBundle(ctx, b, verify.WithArtifactFile(artifact))
			wantErr(t, res, err, verify.ErrSignature)
		})
	}
}

// TestCertificateBundlesRefused: bundles signed by a certificate need a
// trusted root; a key verifier refuses them whatever the key (C40).
func TestCertificateBundlesRefused(t *testing.T) {
	v := newVerifier(t, keysOf(t, signtest.Key(t, "k")))
	for _, f := range []string{
		"sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
		"slsa-verifier/bundle/valid.intoto.sigstore",
		"slsa-verifier/gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
	} {
		b := parseBundle(t, readFile(t, filepath.Join(vectors, f)))
		res, err := v.VerifyBundle(ctx, b, verify.WithoutArtifactUnsafe())
		wantErr(t, res, err, verify.ErrVerificationMaterial)
	}
}
