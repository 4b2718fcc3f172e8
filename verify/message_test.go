package verify_test

import (
	"bytes"
	"crypto/elliptic"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

var blob = []byte("a blob to sign")

func blobBundle(t testing.TB, s sign.Signer, data []byte) *bundle.Bundle {
	t.Helper()
	b, err := sign.BlobBundle(ctx, s, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withDigestHint returns b with its messageDigest replaced, or the
// error of parsing such a bundle.
func withDigestHint(b *bundle.Bundle, alg protocommon.HashAlgorithm, sum []byte) (*bundle.Bundle, error) {
	pb := sgproto.MustProto(b)
	pb.GetMessageSignature().MessageDigest = &protocommon.HashOutput{Algorithm: alg, Digest: sum}
	return sgproto.FromProto(pb)
}

func sum(t testing.TB, alg digest.Algorithm, data []byte) []byte {
	d, err := digest.FromBytes(data, alg)
	if err != nil {
		t.Fatal(err)
	}
	return d.Bytes()
}

// TestAdversarial_C39_MisleadingDigestHint: the signature is over the
// right artifact, but the bundle's messageDigest says otherwise. The hint
// must agree with the artifact, and never replaces hashing it.
func TestAdversarial_C39_MisleadingDigestHint(t *testing.T) {
	for _, s := range []*sign.KeySigner{signtest.Key(t, "k"), signtest.Ed25519Key(t, "k"), signtest.ECDSAKey(t, elliptic.P384(), "k")} {
		t.Run(s.Scheme(), func(t *testing.T) {
			good := blobBundle(t, s, blob)
			v := newVerifier(t, keysOf(t, s))
			if _, err := v.VerifyBundle(ctx, good, artifactOf(blob)); err != nil {
				t.Fatal(err)
			}
			other := []byte("another blob")
			for _, tc := range []struct {
				name string
				alg  protocommon.HashAlgorithm
				sum  []byte
				ok   bool
			}{
				{"hint of another artifact (sha256)", protocommon.HashAlgorithm_SHA2_256, sum(t, digest.SHA256, other), false},
				{"hint of another artifact (sha512)", protocommon.HashAlgorithm_SHA2_512, sum(t, digest.SHA512, other), false},
				{"hint zeroed", protocommon.HashAlgorithm_SHA2_256, make([]byte, 32), false},
				{"SHA2_256 with a 64-byte digest", protocommon.HashAlgorithm_SHA2_256, sum(t, digest.SHA512, blob), false},
				{"SHA2_512 with a 32-byte digest", protocommon.HashAlgorithm_SHA2_512, sum(t, digest.SHA256, blob), false},
				{"unknown algorithm", protocommon.HashAlgorithm(99), sum(t, digest.SHA256, blob), false},
				// The right artifact named with another algorithm is true,
				// and checked.
				{"right artifact, sha256", protocommon.HashAlgorithm_SHA2_256, sum(t, digest.SHA256, blob), true},
				{"right artifact, sha384", protocommon.HashAlgorithm_SHA2_384, sum(t, digest.SHA384, blob), true},
				{"right artifact, sha512", protocommon.HashAlgorithm_SHA2_512, sum(t, digest.SHA512, blob), true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					b, err := withDigestHint(good, tc.alg, tc.sum)
					if err != nil {
						// Refused as it is read: an algorithm the bundle
						// format does not define.
						if tc.ok || !errors.Is(err, bundle.ErrMalformed) {
							t.Fatal(err)
						}
						return
					}
					res, err := v.VerifyBundle(ctx, b, artifactOf(blob))
					if tc.ok {
						if err != nil || !res.Checked(verify.CheckMessageDigest) {
							t.Fatalf("%+v %v", res, err)
						}
						return
					}
					wantErr(t, res, err)
					if errors.Is(err, verify.ErrSignature) {
						t.Fatalf("the signature is valid; the hint must be what is rejected: %v", err)
					}
				})
			}
		})
	}
}

func TestMessageSignatureSchemes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "blob")
	if err := os.WriteFile(file, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s   *sign.KeySigner
		alg digest.Algorithm
	}{
		{signtest.Key(t, "m"), digest.SHA256},
		{signtest.Key(t, "m", sign.WithRawECDSA()), digest.SHA256},
		{signtest.ECDSAKey(t, elliptic.P384(), "m"), digest.SHA384},
		{signtest.ECDSAKey(t, elliptic.P521(), "m"), digest.SHA512},
		{signtest.Ed25519Key(t, "m"), digest.SHA512},
		{signtest.RSAKey(t, signtest.RSA3072), digest.SHA256},
		{signtest.RSAKey(t, signtest.RSA2048, sign.WithRSAPSS()), digest.SHA256},
	} {
		t.Run(tc.s.Scheme(), func(t *testing.T) {
			b := blobBundle(t, tc.s, blob)
			ms, err := b.MessageSignature()
			if err != nil || ms.Digest.Algorithm() != tc.alg {
				t.Fatalf("bundle digest %v, want %s (%v)", ms.Digest, tc.alg, err)
			}
			v := newVerifier(t, keysOf(t, tc.s))
			for _, p := range []verify.ArtifactPolicy{artifactOf(blob), verify.WithArtifactFile(file)} {
				res, err := v.VerifyBundle(ctx, b, p)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if !res.Bundle || !res.MessageSignature || res.PayloadType != "" || res.Statement != nil || res.Signers[0].KeyID != tc.s.ID() {
					t.Fatalf("result %+v", res)
				}
				if res.ArtifactDigests[string(tc.alg)] != ms.Digest.Hex() {
					t.Fatalf("artifact digests %v", res.ArtifactDigests)
				}
				for _, c := range []verify.Check{verify.CheckMessageDigest, verify.CheckSignatures, verify.CheckThreshold, verify.CheckSubject} {
					if !res.Checked(c) {
						t.Errorf("check %s missing", c)
					}
				}
			}
			// Digest policies: the scheme's digest works for ECDSA and RSA,
			// and fails clearly for Ed25519, which signs the bytes.
			d, _ := digest.FromBytes(blob, tc.alg)
			res, err := v.VerifyBundle(ctx, b, verify.WithArtifactDigest(d))
			if tc.alg == digest.SHA512 && tc.s.Scheme() == "PKIX_ED25519" {
				wantErr(t, res, err, verify.ErrArtifactPolicy)
				if !strings.Contains(err.Error(), "Ed25519") {
					t.Errorf("unclear error: %v", err)
				}
			} else if err != nil {
				t.Fatalf("WithArtifactDigest: %v", err)
			}
			wrong, _ := digest.FromBytes([]byte("x"), tc.alg)
			res, err = v.VerifyBundle(ctx, b, verify.WithArtifactDigest(wrong))
			wantErr(t, res, err)
			// Skipping the artifact is refused: the signature is over it.
			res, err = v.VerifyBundle(ctx, b, verify.WithoutArtifactUnsafe())
			wantErr(t, res, err, verify.ErrArtifactPolicy)
			res, err = v.VerifyBundle(ctx, b, verify.WithSubjectDigest("gce_image_id", "1"))
			wantErr(t, res, err)
			res, err = v.VerifyBundle(ctx, b, artifactOf([]byte("not the blob")))
			wantErr(t, res, err)
		})
	}
}

// TestMessageSignatureDigestOfAnotherAlgorithm: a P-384 key needs the
// artifact's sha384; a caller that has only its sha256 gets a clear error.
func TestMessageSignatureDigestOfAnotherAlgorithm(t *testing.T) {
	s := signtest.ECDSAKey(t, elliptic.P384(), "m")
	b := blobBundle(t, s, blob)
	pb := sgproto.MustProto(b)
	pb.GetMessageSignature().MessageDigest = nil // no hint to compare either
	b, _ = sgproto.FromProto(pb)
	d, _ := digest.FromBytes(blob, digest.SHA256)
	res, err := newVerifier(t, keysOf(t, s)).VerifyBundle(ctx, b, verify.WithArtifactDigest(d))
	wantErr(t, res, err, verify.ErrSignature)
	if !strings.Contains(err.Error(), "sha384") {
		t.Errorf("unclear error: %v", err)
	}
}

// TestMessageSignatureMixedKeys: an Ed25519 and an ECDSA key trusted
// together; with a digest policy only the ECDSA key can verify.
func TestMessageSignatureMixedKeys(t *testing.T) {
	ec, ed := signtest.Key(t, "ec"), signtest.Ed25519Key(t, "ed")
	v := newVerifier(t, keysOf(t, ec, ed))
	d, _ := digest.FromBytes(blob, digest.SHA256)
	if _, err := v.VerifyBundle(ctx, blobBundle(t, ec, blob), verify.WithArtifactDigest(d)); err != nil {
		t.Fatal(err)
	}
	res, err := v.VerifyBundle(ctx, blobBundle(t, ed, blob), verify.WithArtifactDigest(d))
	wantErr(t, res, err)
	if _, err := v.VerifyBundle(ctx, blobBundle(t, ed, blob), artifactOf(blob)); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyBundlesThreshold(t *testing.T) {
	k1, k2, k3 := signtest.Key(t, "k1"), signtest.Ed25519Key(t, "k2"), signtest.Key(t, "untrusted")
	v := newVerifier(t, keysOf(t, k1, k2), verify.WithThreshold(2))
	st := signtest.Statement(t, "a", []byte("a"))
	dsse := func(s sign.Signer) *bundle.Bundle {
		b, err := sign.StatementBundle(ctx, st, s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		bs   []*bundle.Bundle
		err  error
	}{
		{"DSSE k1 + k2", []*bundle.Bundle{dsse(k1), dsse(k2)}, nil},
		{"message k1 + k2", []*bundle.Bundle{blobBundle(t, k1, []byte("a")), blobBundle(t, k2, []byte("a"))}, nil},
		{"DSSE k1 twice", []*bundle.Bundle{dsse(k1), dsse(k1)}, verify.ErrThreshold},
		{"message k1 twice", []*bundle.Bundle{blobBundle(t, k1, []byte("a")), blobBundle(t, k1, []byte("a"))}, verify.ErrThreshold},
		{"DSSE k1 + untrusted", []*bundle.Bundle{dsse(k1), dsse(k3)}, verify.ErrThreshold},
		{"message k1 + untrusted", []*bundle.Bundle{blobBundle(t, k1, []byte("a")), blobBundle(t, k3, []byte("a"))}, verify.ErrThreshold},
		{"DSSE and message mixed", []*bundle.Bundle{dsse(k1), blobBundle(t, k2, []byte("a"))}, verify.ErrMalformed},
		{"DSSE over different payloads", []*bundle.Bundle{dsse(k1), func() *bundle.Bundle {
			b, _ := sign.StatementBundle(ctx, signtest.Statement(t, "b", []byte("a")), k2)
			return b
		}()}, verify.ErrMalformed},
		{"message over different artifacts", []*bundle.Bundle{blobBundle(t, k1, []byte("a")), blobBundle(t, k2, []byte("b"))}, verify.ErrUnverified},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := v.VerifyBundles(ctx, tc.bs, artifactOf([]byte("a")))
			if tc.err == nil {
				if err != nil || len(res.Signers) != 2 || res.Signers[0].KeyID != k1.ID() || res.Signers[1].KeyID != k2.ID() {
					t.Fatalf("%+v %v", res, err)
				}
				return
			}
			wantErr(t, res, err, tc.err)
		})
	}
	// A threshold-1 verifier and one bundle: VerifyBundle.
	v1 := newVerifier(t, keysOf(t, k1, k2))
	res, err := v1.VerifyBundle(ctx, dsse(k2), artifactOf([]byte("a")))
	if err != nil || res.Signers[0].KeyID != k2.ID() || !res.Bundle {
		t.Fatalf("%+v %v", res, err)
	}
	// The bundle's key hint stands in for the DSSE keyid it dropped.
	if h, _ := dsse(k2).PublicKeyHint(); res.Signers[0].KeyIDHint != h || h == "" {
		t.Fatalf("hint %q", res.Signers[0].KeyIDHint)
	}
}
