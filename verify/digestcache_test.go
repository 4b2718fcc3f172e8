package verify_test

import (
	"crypto/elliptic"
	"errors"
	"sync"
	"testing"

	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

// One envelope signed with keys of every hash (SHA-256, -384, -512 and
// Ed25519's message), checked against all of them: each signature is
// verified over the same message, whose digests are computed once and
// shared; the message buffers are pooled, so verifications run in
// parallel too (with -race).
func TestVerifyMixedSchemes(t *testing.T) {
	signers := []sign.Signer{
		signtest.Ed25519Key(t, "mixed"),
		signtest.ECDSAKey(t, elliptic.P521(), "mixed"),
		signtest.RSAKey(t, signtest.RSA2048),
		signtest.ECDSAKey(t, elliptic.P384(), "mixed"),
		signtest.Key(t, "mixed"),
	}
	payload := []byte("mixed schemes")
	env, err := sign.Envelope(ctx, "application/x-test", payload, signers...)
	if err != nil {
		t.Fatal(err)
	}
	v := signtest.Verifier(t, signers, verify.WithThreshold(len(signers)), verify.WithPayloadTypes("application/x-test"))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				res, err := v.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe())
				if err != nil || len(res.Signers) != len(signers) {
					t.Errorf("VerifyEnvelope: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	// Any one changed byte of the payload fails every signature.
	bad := env.Clone()
	bad.Payload[0] ^= 1
	_, err = v.VerifyEnvelope(ctx, bad, verify.WithoutArtifactUnsafe())
	var te *verify.ThresholdError
	if !errors.Is(err, verify.ErrThreshold) || !errors.As(err, &te) || te.Got != 0 || len(te.Rejected) != len(signers) {
		t.Fatalf("tampered payload: %v", err)
	}
	// A large payload (past the pooled buffer size) verifies the same way.
	big := make([]byte, 200<<10)
	env, err = sign.Envelope(ctx, "application/x-test", big, signers...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe()); err != nil {
		t.Fatal(err)
	}
}
