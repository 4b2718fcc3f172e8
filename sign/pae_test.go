package sign_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
)

// recordingSigner wraps a KeySigner and records what it was asked to sign.
type recordingSigner struct {
	*sign.KeySigner
	messages [][]byte
	digests  [][]byte
	hashes   []crypto.Hash
}

func (r *recordingSigner) Sign(ctx context.Context, m []byte) ([]byte, error) {
	r.messages = append(r.messages, bytes.Clone(m))
	return r.KeySigner.Sign(ctx, m)
}

func (r *recordingSigner) SignDigest(ctx context.Context, h crypto.Hash, d []byte) ([]byte, error) {
	r.hashes = append(r.hashes, h)
	r.digests = append(r.digests, bytes.Clone(d))
	return r.KeySigner.SignDigest(ctx, h, d)
}

// messageOnly hides SignDigest.
type messageOnly struct{ r *recordingSigner }

func (m messageOnly) Public() crypto.PublicKey { return m.r.Public() }
func (m messageOnly) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	return m.r.Sign(ctx, msg)
}

// A DigestSigner gets the digest of the PAE, computed without building
// it, with the scheme's hash; a Signer without SignDigest (and an Ed25519
// key, which signs messages) gets the PAE itself. Either way the
// envelope verifies.
func TestAddSignaturePAE(t *testing.T) {
	payload := []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"}}],"predicateType":"p"}`)
	pae := attest.PAE(attest.PayloadType, payload)
	s256, s384, s512 := sha256.Sum256(pae), sha512.Sum384(pae), sha512.Sum512(pae)
	for _, tc := range []struct {
		name   string
		key    *sign.KeySigner
		hash   crypto.Hash
		digest []byte
	}{
		{"P-256", signtest.ECDSAKey(t, elliptic.P256(), "pae-p256"), crypto.SHA256, s256[:]},
		{"P-384", signtest.ECDSAKey(t, elliptic.P384(), "pae-p384"), crypto.SHA384, s384[:]},
		{"P-521", signtest.ECDSAKey(t, elliptic.P521(), "pae-p521"), crypto.SHA512, s512[:]},
		{"RSA", signtest.RSAKey(t, "rsa-2048"), crypto.SHA256, s256[:]},
		{"RSA-PSS", signtest.RSAKey(t, "rsa-2048", sign.WithRSAPSS()), crypto.SHA256, s256[:]},
		{"Ed25519", signtest.Ed25519Key(t, "pae-ed25519"), 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recordingSigner{KeySigner: tc.key}
			env, err := sign.Envelope(ctx, attest.PayloadType, payload, r)
			if err != nil {
				t.Fatal(err)
			}
			if tc.hash == 0 {
				if len(r.digests) != 0 || len(r.messages) != 1 || !bytes.Equal(r.messages[0], pae) {
					t.Fatalf("Ed25519: digests %x, messages %q", r.digests, r.messages)
				}
			} else if len(r.messages) != 0 || len(r.digests) != 1 || r.hashes[0] != tc.hash || !bytes.Equal(r.digests[0], tc.digest) {
				t.Fatalf("digest signer: messages %q, digests %x (%v), want %x (%v)", r.messages, r.digests, r.hashes, tc.digest, tc.hash)
			}
			verifyEnv(t, env, tc.key)

			m := messageOnly{&recordingSigner{KeySigner: tc.key}}
			if _, ok := sign.Signer(m).(sign.DigestSigner); ok {
				t.Fatal("messageOnly is a DigestSigner")
			}
			env, err = sign.Envelope(ctx, attest.PayloadType, payload, m)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.r.digests) != 0 || len(m.r.messages) != 1 || !bytes.Equal(m.r.messages[0], pae) {
				t.Fatalf("message signer: digests %x, messages %q", m.r.digests, m.r.messages)
			}
			verifyEnv(t, env, tc.key)
		})
	}
}
