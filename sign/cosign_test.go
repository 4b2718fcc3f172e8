package sign_test

import (
	"crypto"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
)

// The key pair cosign v2.6.5 generated (testdata/cosign/README.md).
var cosignDir = filepath.Join("..", "testdata", "cosign")

const cosignPassword = "chainmail-test-password"

func readCosign(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(cosignDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRealCosignKey loads a private key encrypted by cosign itself, checks
// it is the key of cosign.pub, and signs something cosign.pub verifies.
func TestRealCosignKey(t *testing.T) {
	enc := readCosign(t, "cosign.key")
	pub, err := verify.ParsePublicKey(readCosign(t, "cosign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	k, err := sign.LoadPrivateKey(enc, func() ([]byte, error) { asked++; return []byte(cosignPassword), nil })
	if err != nil {
		t.Fatal(err)
	}
	if asked != 1 {
		t.Errorf("password asked %d times", asked)
	}
	if !k.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub.Public()) {
		t.Fatal("cosign.key is not the key of cosign.pub")
	}
	s, err := sign.NewSigner(k)
	if err != nil {
		t.Fatal(err)
	}
	if s.Scheme() != "PKIX_ECDSA_P256_SHA_256" {
		t.Fatalf("scheme %s", s.Scheme())
	}
	env, err := sign.Envelope(ctx, "t", []byte("p"), s)
	if err != nil {
		t.Fatal(err)
	}
	v, err := verify.NewVerifier([]*verify.PublicKey{pub}, verify.WithPayloadTypes("t"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe()); err != nil {
		t.Fatal(err)
	}

	for _, pw := range []string{"", "Chainmail-test-password", cosignPassword + " "} {
		if _, err := sign.LoadPrivateKey(enc, func() ([]byte, error) { return []byte(pw), nil }); !errors.Is(err, sign.ErrPassword) {
			t.Errorf("password %q: %v", pw, err)
		}
	}
}

// TestReEncryptForCosign encrypts cosign's key again with our encoder and
// reads it back; cosign itself read such keys in the manual check of
// testdata/cosign/README.md.
func TestReEncryptForCosign(t *testing.T) {
	k, err := sign.LoadPrivateKey(readCosign(t, "cosign.key"), func() ([]byte, error) { return []byte(cosignPassword), nil })
	if err != nil {
		t.Fatal(err)
	}
	enc, err := sign.EncryptPrivateKey(k, []byte("other"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := sign.LoadPrivateKey(enc, func() ([]byte, error) { return []byte("other"), nil })
	if err != nil {
		t.Fatal(err)
	}
	if !back.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()) {
		t.Fatal("different key")
	}
}

// TestCosignEnvelopeAddSignature adds our signature to an envelope cosign
// made and checks both verify.
func TestCosignEnvelopeAddSignature(t *testing.T) {
	env, err := attest.ParseEnvelope(readCosign(t, "blob.txt.intoto.json"))
	if err != nil {
		t.Fatal(err)
	}
	cosignPub, err := verify.ParsePublicKey(readCosign(t, "cosign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	mine, _ := sign.GenerateKey(sign.Ed25519)
	s, _ := sign.NewSigner(mine)
	if err := sign.AddSignature(ctx, env, s); err != nil {
		t.Fatal(err)
	}
	minePub, _ := verify.NewPublicKey(mine.Public())
	v, err := verify.NewVerifier([]*verify.PublicKey{cosignPub, minePub}, verify.WithThreshold(2))
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.VerifyEnvelope(ctx, env, verify.WithArtifactFile(filepath.Join(cosignDir, "blob.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Signers) != 2 || res.Signers[0].KeyID != cosignPub.ID() {
		t.Fatalf("signers %+v", res.Signers)
	}
}
