package verify_test

import (
	"bytes"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

var fuzzArtifact = []byte("fuzz artifact")

// fuzzSigners are the trusted keys of the fuzz targets: fixed keys, so the
// seed envelopes verify on every run.
func fuzzSigners(t testing.TB) []sign.Signer {
	return []sign.Signer{signtest.Key(t, "fuzz"), signtest.Ed25519Key(t, "fuzz")}
}

// FuzzVerifyEnvelope parses and verifies arbitrary bytes against fixed
// keys. It must never panic, every error must be ErrUnverified (or a parse
// error), and success implies the bytes decode to the one statement the
// seeds signed: payloadType and payload equal the original.
func FuzzVerifyEnvelope(f *testing.F) {
	signers := fuzzSigners(f)
	p256raw := signtest.Key(f, "fuzz", sign.WithRawECDSA())
	st := signtest.Statement(f, "fuzz", fuzzArtifact)
	orig, err := st.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	for _, ss := range [][]sign.Signer{{signers[0]}, {p256raw}, {signers[1]}, signers} {
		env, err := sign.Statement(ctx, st, ss...)
		if err != nil {
			f.Fatal(err)
		}
		data, err := env.Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"payload":"","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":""}]}`))
	f.Add([]byte(`{}`))
	v := newVerifier(f, keysOf(f, signers...))
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := attest.ParseEnvelope(data)
		if err != nil {
			if !errors.Is(err, attest.ErrMalformed) {
				t.Fatalf("parse error not ErrMalformed: %v", err)
			}
			return
		}
		res, err := v.VerifyEnvelope(ctx, env, verify.WithArtifact(bytes.NewReader(fuzzArtifact)))
		if err != nil {
			if res != nil || !errors.Is(err, verify.ErrUnverified) {
				t.Fatalf("bad rejection: %v", err)
			}
			return
		}
		if env.PayloadType != attest.PayloadType || !bytes.Equal(env.Payload, orig) || !bytes.Equal(res.Payload, orig) {
			t.Fatalf("verified a different envelope:\n%s", data)
		}
		for _, s := range res.Signers {
			if s.Signature < 0 || s.Signature >= len(env.Signatures) {
				t.Fatalf("signer index %d", s.Signature)
			}
		}
	})
}

// FuzzVerifyBundle does the same for bundles: success implies the bundle
// holds the signed statement, or a message signature over the artifact.
func FuzzVerifyBundle(f *testing.F) {
	signers := fuzzSigners(f)
	st := signtest.Statement(f, "fuzz", fuzzArtifact)
	orig, err := st.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	addBundleSeeds(f, st, signers)
	v := newVerifier(f, keysOf(f, signers...))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := bundle.Parse(data)
		if err != nil {
			return
		}
		res, err := v.VerifyBundle(ctx, b, verify.WithArtifact(bytes.NewReader(fuzzArtifact)))
		if err != nil {
			if res != nil || !errors.Is(err, verify.ErrUnverified) {
				t.Fatalf("bad rejection: %v", err)
			}
			return
		}
		if b.IsDSSE() {
			env, _ := b.Envelope()
			if env.PayloadType != attest.PayloadType || !bytes.Equal(env.Payload, orig) {
				t.Fatalf("verified a different bundle:\n%s", data)
			}
			return
		}
		if !res.MessageSignature || len(res.Signers) != 1 {
			t.Fatalf("result %+v", res)
		}
	})
}

// FuzzParsePublicKey: ParsePublicKey never panics, every error is a key
// error, and a parsed key has a scheme and the id of its PKIX encoding.
func FuzzParsePublicKey(f *testing.F) {
	dir := filepath.Join(vectors, "in-toto-golang", "test-data")
	for _, name := range []string{"alice.pub", "carol.pub", "dan.pub", "erin.pub", "frank.pub", "grace.pub", "heidi.pub", "root.cert.pem"} {
		f.Add(readFile(f, filepath.Join(dir, name)))
	}
	f.Add(readFile(f, filepath.Join(vectors, "slsa-verifier", "vsa", "gce", "v1", "vsa_signing_public_key.pem")))
	f.Add(readFile(f, filepath.Join(cosignDir, "cosign.pub")))
	rk := signtest.RSAPrivateKey(f, signtest.RSA2048)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rk.PublicKey)}))
	pub, _ := sign.MarshalPublicKey(signtest.ECDSAPrivateKey(f, elliptic.P521(), "f").Public())
	f.Add(pub)
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := verify.ParsePublicKey(data)
		if err != nil {
			if k != nil {
				t.Fatal("key and error")
			}
			if !errors.Is(err, verify.ErrMalformedKey) && !errors.Is(err, verify.ErrUnsupportedKey) {
				t.Fatalf("uncategorized error: %v", err)
			}
			return
		}
		der, err := x509.MarshalPKIXPublicKey(k.Public())
		if err != nil {
			t.Fatalf("parsed key does not marshal: %v", err)
		}
		sum := sha256.Sum256(der)
		if k.ID() != hex.EncodeToString(sum[:]) || k.Scheme() == "" {
			t.Fatalf("id %s scheme %q", k.ID(), k.Scheme())
		}
		// It can be trusted.
		if _, err := verify.NewVerifier([]*verify.PublicKey{k}); err != nil {
			t.Fatalf("parsed key refused: %v", err)
		}
	})
}

// TestLoadPublicKey covers the file form of ParsePublicKey.
func TestLoadPublicKey(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.pem")
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(good, readFile(t, filepath.Join(cosignDir, "cosign.pub")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 65<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := verify.LoadPublicKey(good); err != nil {
		t.Fatal(err)
	}
	if _, err := verify.LoadPublicKey(big); err == nil {
		t.Fatal("oversized key file accepted")
	}
	if _, err := verify.LoadPublicKey(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing file accepted")
	}
	if _, err := verify.LoadPublicKey(good, verify.RSAPSS()); !errors.Is(err, verify.ErrUnsupportedKey) {
		t.Fatalf("PSS on an ECDSA key: %v", err)
	}
}

// FuzzVerify feeds arbitrary bytes to Verify through FromJSON, which tells
// envelopes from bundles itself: it never panics, every error is
// ErrUnverified with no result, and success implies the signed statement
// (or a message signature over the artifact) and a result naming the
// input's SHA-256.
func FuzzVerify(f *testing.F) {
	signers := fuzzSigners(f)
	st := signtest.Statement(f, "fuzz", fuzzArtifact)
	orig, err := st.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	env, err := sign.Statement(ctx, st, signers...)
	if err != nil {
		f.Fatal(err)
	}
	data, err := env.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	addBundleSeeds(f, st, signers)
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`))
	f.Add([]byte(`{}`))
	trust, err := verify.NewTrust(verify.WithKeys(keysOf(f, signers...)...))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := verify.Verify(ctx, verify.FromJSON(data), trust, verify.WithArtifact(bytes.NewReader(fuzzArtifact)), verify.TrustedKeys())
		if err != nil {
			if res != nil || !errors.Is(err, verify.ErrUnverified) {
				t.Fatalf("bad rejection: %v", err)
			}
			return
		}
		if sum := sha256.Sum256(data); res.Input.Hex() != hex.EncodeToString(sum[:]) {
			t.Fatalf("input digest %v is not the sha256 of the input", res.Input)
		}
		if res.MessageSignature {
			return
		}
		if res.PayloadType != attest.PayloadType || !bytes.Equal(res.Payload, orig) {
			t.Fatalf("verified a different statement:\n%s", data)
		}
	})
}

// addBundleSeeds adds, for each signer, a bundle of st and a message
// signature bundle over fuzzArtifact to f's corpus.
func addBundleSeeds(f *testing.F, st *attest.Statement, signers []sign.Signer) {
	for _, s := range signers {
		b, err := sign.StatementBundle(ctx, st, s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(marshalBundle(f, b))
		b, err = sign.BlobBundle(ctx, s, bytes.NewReader(fuzzArtifact))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(marshalBundle(f, b))
	}
}
