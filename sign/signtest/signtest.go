// Package signtest makes deterministic test keys, signers and verifiers,
// the way sigstore-go's testing/ca makes test authorities: the same name
// always gives the same key, so tests need no key files and no key
// generation at run time, and a failure names the key by its role
// ("alice", "mallory").
//
// ECDSA and Ed25519 keys are derived from the name with HKDF-SHA-256. RSA
// keys are too slow to derive; they are fixed test keys committed under
// testdata and selected by name (RSA2048, RSA3072, ...).
//
// The keys protect nothing: never use this package outside tests.
// Every helper calls t.Helper and stops the test with t.Fatal on error.
package signtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"embed"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/keys"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
)

// Names of the committed RSA test keys, for RSAKey, RSAPrivateKey and
// RSAKeyPEM.
const (
	RSA2048  = "rsa-2048"   // a 2048-bit key
	RSA2048B = "rsa-2048-b" // a second 2048-bit key, distinct from RSA2048
	RSA3072  = "rsa-3072"   // a 3072-bit key
	RSA4096  = "rsa-4096"   // a 4096-bit key
	// RSA1024 is below the allow-list: RSAKey refuses it, RSAKeyPEM
	// returns it, so tests can check that it is rejected.
	RSA1024 = "rsa-1024"
)

//go:embed testdata/*.pem
var rsaKeys embed.FS

// salt separates signtest's derivation from any other use of HKDF.
var salt = []byte("chainmail signtest v1")

// ECDSAPrivateKey returns the ECDSA private key on curve derived from
// name: HKDF-SHA-256(name) reduced to a scalar in [1, N-1]. curve must be
// P-224, P-256, P-384 or P-521 (P-224 is off the allow-list; it exists for
// rejection tests).
func ECDSAPrivateKey(t testing.TB, curve elliptic.Curve, name string) *ecdsa.PrivateKey {
	t.Helper()
	params := curve.Params()
	size := (params.BitSize + 7) / 8
	// 16 extra bytes make the bias of the reduction negligible (2^-128).
	okm, err := hkdf.Key(sha256.New, []byte(name), salt, "ecdsa "+params.Name, size+16)
	if err != nil {
		t.Fatalf("signtest: deriving %s key %q: %v", params.Name, name, err)
	}
	nMinus1 := new(big.Int).Sub(params.N, big.NewInt(1))
	d := new(big.Int).SetBytes(okm)
	d.Mod(d, nMinus1)
	d.Add(d, big.NewInt(1))
	key, err := ecdsa.ParseRawPrivateKey(curve, d.FillBytes(make([]byte, size)))
	if err != nil {
		t.Fatalf("signtest: deriving %s key %q: %v", params.Name, name, err)
	}
	return key
}

// Ed25519PrivateKey returns the Ed25519 private key whose seed is
// HKDF-SHA-256(name).
func Ed25519PrivateKey(t testing.TB, name string) ed25519.PrivateKey {
	t.Helper()
	seed, err := hkdf.Key(sha256.New, []byte(name), salt, "ed25519", ed25519.SeedSize)
	if err != nil {
		t.Fatalf("signtest: deriving Ed25519 key %q: %v", name, err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

// RSAKeyPEM returns the PKCS#8 PEM of the committed RSA test key name
// (RSA2048, RSA2048B, RSA3072, RSA4096 or RSA1024).
func RSAKeyPEM(t testing.TB, name string) []byte {
	t.Helper()
	data, err := rsaKeys.ReadFile("testdata/" + name + ".pem")
	if err != nil {
		t.Fatalf("signtest: no RSA test key %q (want %s, %s, %s, %s or %s)", name, RSA2048, RSA2048B, RSA3072, RSA4096, RSA1024)
	}
	return data
}

// RSAPrivateKey returns the committed RSA test key name. It parses the
// key without the allow-list, so RSA1024 works here.
func RSAPrivateKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	pemBytes := RSAKeyPEM(t, name)
	if name == RSA1024 {
		k, err := parseRSAUnchecked(pemBytes)
		if err != nil {
			t.Fatalf("signtest: RSA test key %q: %v", name, err)
		}
		return k
	}
	k, err := sign.LoadPrivateKey(pemBytes, nil)
	if err != nil {
		t.Fatalf("signtest: RSA test key %q: %v", name, err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("signtest: RSA test key %q is a %T", name, k)
	}
	return rk
}

// Key returns a signer for the P-256 key derived from name, the usual key
// of a test ("alice", "bob").
func Key(t testing.TB, name string, opts ...sign.SignerOption) *sign.KeySigner {
	t.Helper()
	return ECDSAKey(t, elliptic.P256(), name, opts...)
}

// ECDSAKey returns a signer for the ECDSA key on curve derived from name.
func ECDSAKey(t testing.TB, curve elliptic.Curve, name string, opts ...sign.SignerOption) *sign.KeySigner {
	t.Helper()
	return newSigner(t, ECDSAPrivateKey(t, curve, name), name, opts)
}

// Ed25519Key returns a signer for the Ed25519 key derived from name.
func Ed25519Key(t testing.TB, name string, opts ...sign.SignerOption) *sign.KeySigner {
	t.Helper()
	return newSigner(t, Ed25519PrivateKey(t, name), name, opts)
}

// RSAKey returns a signer for the committed RSA test key name (RSA2048,
// RSA2048B, RSA3072 or RSA4096); sign.WithRSAPSS makes it sign with PSS.
func RSAKey(t testing.TB, name string, opts ...sign.SignerOption) *sign.KeySigner {
	t.Helper()
	return newSigner(t, RSAPrivateKey(t, name), name, opts)
}

func newSigner(t testing.TB, key crypto.Signer, name string, opts []sign.SignerOption) *sign.KeySigner {
	t.Helper()
	s, err := sign.NewSigner(key, opts...)
	if err != nil {
		t.Fatalf("signtest: signer for key %q: %v", name, err)
	}
	return s
}

// parseRSAUnchecked parses a PKCS#8 RSA key without the allow-list.
func parseRSAUnchecked(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key of type %T", k)
	}
	return rk, nil
}

// PublicKey returns the trusted verification key of s. A KeySigner that
// signs with RSA-PSS gets a PSS key (verify.RSAPSS) unless opts say
// otherwise.
func PublicKey(t testing.TB, s sign.Signer, opts ...verify.KeyOption) *verify.PublicKey {
	t.Helper()
	if s == nil {
		t.Fatal("signtest: PublicKey of a nil signer")
	}
	if ks, ok := s.(*sign.KeySigner); ok && ks.Scheme() == string(keys.RSAPSSSHA256) {
		opts = append([]verify.KeyOption{verify.RSAPSS()}, opts...)
	}
	k, err := verify.NewPublicKey(s.Public(), opts...)
	if err != nil {
		t.Fatalf("signtest: public key: %v", err)
	}
	return k
}

// Verifier returns a verifier trusting the public keys of signers.
func Verifier(t testing.TB, signers []sign.Signer, opts ...verify.Option) *verify.Verifier {
	t.Helper()
	ks := make([]*verify.PublicKey, len(signers))
	for i, s := range signers {
		ks[i] = PublicKey(t, s)
	}
	v, err := verify.NewVerifier(ks, opts...)
	if err != nil {
		t.Fatalf("signtest: verifier: %v", err)
	}
	return v
}

// Statement returns an in-toto v1 statement with one subject, name, whose
// sha256 digest is that of artifact, and a small custom predicate.
func Statement(t testing.TB, name string, artifact []byte) *attest.Statement {
	t.Helper()
	d, err := digest.FromBytes(artifact, digest.SHA256)
	if err != nil {
		t.Fatalf("signtest: %v", err)
	}
	st, err := attest.NewStatement("https://chainmail.dev/signtest/v1", map[string]any{"test": name}, attest.Subject(name, d))
	if err != nil {
		t.Fatalf("signtest: statement: %v", err)
	}
	return st
}
