package verify_test

import (
	"bytes"
	"crypto"
	"crypto/elliptic"
	"testing"
	"time"

	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgsign "github.com/sigstore/sigstore-go/pkg/sign"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/signature"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

// sigstoreGoVerifier is sigstore-go v1.3.0's verifier trusting one public
// key, with no log or timestamp: the setup of `cosign verify-blob --key`
// with the new bundle format and --insecure-ignore-tlog.
func sigstoreGoVerifier(t testing.TB, pub crypto.PublicKey, h crypto.Hash) *sgverify.Verifier {
	t.Helper()
	sv, err := signature.LoadVerifier(pub, h)
	if err != nil {
		t.Fatal(err)
	}
	tm := root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
		return root.NewExpiringKey(sv, time.Time{}, time.Time{}), nil
	})
	v, err := sgverify.NewVerifier(tm, sgverify.WithNoObserverTimestamps())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func sigstoreGoPolicy(artifact []byte) sgverify.PolicyBuilder {
	return sgverify.NewPolicy(sgverify.WithArtifact(bytes.NewReader(artifact)), sgverify.WithKey())
}

// TestInteropSigstoreGoVerifiesOurBundles: bundles made by
// sign.StatementBundle and sign.BlobBundle verify with sigstore-go's own
// verifier, so they are standard Sigstore bundles; tampered ones and other
// keys do not.
func TestInteropSigstoreGoVerifiesOurBundles(t *testing.T) {
	art := []byte("interop artifact")
	for _, tc := range []struct {
		s *sign.KeySigner
		h crypto.Hash
	}{
		{signtest.Key(t, "interop"), crypto.SHA256},
		{signtest.ECDSAKey(t, elliptic.P384(), "interop"), crypto.SHA384},
		{signtest.ECDSAKey(t, elliptic.P521(), "interop"), crypto.SHA512},
		{signtest.Ed25519Key(t, "interop"), crypto.SHA512},
		{signtest.RSAKey(t, signtest.RSA2048), crypto.SHA256},
	} {
		t.Run(tc.s.Scheme(), func(t *testing.T) {
			sg := sigstoreGoVerifier(t, tc.s.Public(), tc.h)
			other := sigstoreGoVerifier(t, signtest.Key(t, "someone else").Public(), crypto.SHA256)
			st, err := sign.StatementBundle(ctx, signtest.Statement(t, "interop", art), tc.s)
			if err != nil {
				t.Fatal(err)
			}
			blobB, err := sign.BlobBundle(ctx, tc.s, bytes.NewReader(art))
			if err != nil {
				t.Fatal(err)
			}
			for name, b := range map[string]*bundle.Bundle{"DSSE": st, "message": blobB} {
				// Through JSON, as a consumer would receive it.
				parsed := parseBundle(t, marshalBundle(t, b))
				if _, err := sg.Verify(sgproto.MustSigstoreGo(parsed), sigstoreGoPolicy(art)); err != nil {
					t.Fatalf("%s: sigstore-go rejects our bundle: %v", name, err)
				}
				if _, err := sg.Verify(sgproto.MustSigstoreGo(parsed), sigstoreGoPolicy([]byte("other"))); err == nil {
					t.Fatalf("%s: sigstore-go accepted another artifact", name)
				}
				if _, err := other.Verify(sgproto.MustSigstoreGo(parsed), sigstoreGoPolicy(art)); err == nil {
					t.Fatalf("%s: sigstore-go accepted another key", name)
				}
			}
		})
	}
}

// TestInteropWeVerifySigstoreGoBundles: bundles made by sigstore-go's sign
// package with a key (no Fulcio, no log) verify with ours.
func TestInteropWeVerifySigstoreGoBundles(t *testing.T) {
	art := []byte("made by sigstore-go")
	st := signtest.Statement(t, "sg", art)
	stJSON, err := st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []protocommon.PublicKeyDetails{
		protocommon.PublicKeyDetails_PKIX_ECDSA_P256_SHA_256,
		protocommon.PublicKeyDetails_PKIX_ECDSA_P384_SHA_384,
		protocommon.PublicKeyDetails_PKIX_ED25519,
		protocommon.PublicKeyDetails_PKIX_RSA_PKCS1V15_2048_SHA256,
	} {
		t.Run(alg.String(), func(t *testing.T) {
			kp, err := sgsign.NewEphemeralKeypair(&sgsign.EphemeralKeypairOptions{Algorithm: alg})
			if err != nil {
				t.Fatal(err)
			}
			pk, err := verify.NewPublicKey(kp.GetPublicKey())
			if err != nil {
				t.Fatal(err)
			}
			v := newVerifier(t, []*verify.PublicKey{pk})
			for name, content := range map[string]sgsign.Content{
				"message": &sgsign.PlainData{Data: art},
				"DSSE":    &sgsign.DSSEData{Data: stJSON, PayloadType: attest.PayloadType},
			} {
				pb, err := sgsign.Bundle(content, kp, sgsign.BundleOptions{})
				if err != nil {
					t.Fatal(err)
				}
				b, err := sgproto.FromProto(pb)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				b = parseBundle(t, marshalBundle(t, b))
				res, err := v.VerifyBundle(ctx, b, artifactOf(art))
				if alg == protocommon.PublicKeyDetails_PKIX_ED25519 && name == "message" {
					// sigstore-go v1.3.0 writes the whole artifact as the
					// "digest" of a pure Ed25519 message signature, with
					// algorithm HASH_ALGORITHM_UNSPECIFIED, and its own
					// verifier rejects that ("unsupported digest
					// algorithm"). So do we: the hint is malformed.
					wantErr(t, res, err, verify.ErrMalformed)
					sg := sigstoreGoVerifier(t, kp.GetPublicKey(), crypto.SHA512)
					if _, err := sg.Verify(sgproto.MustSigstoreGo(b), sigstoreGoPolicy(art)); err == nil {
						t.Fatal("sigstore-go now verifies its Ed25519 message bundles; revisit")
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: we reject sigstore-go's bundle: %v", name, err)
				}
				if res.Signers[0].KeyID != pk.ID() {
					t.Fatalf("%s: signer %s", name, res.Signers[0].KeyID)
				}
				res, err = v.VerifyBundle(ctx, b, artifactOf([]byte("other")))
				wantErr(t, res, err)
			}
		})
	}
}
