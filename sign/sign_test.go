package sign_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

var ctx = context.Background()

// verifyEnv checks env against the signers with threshold len(signers).
func verifyEnv(t *testing.T, env *attest.Envelope, signers ...sign.Signer) *verify.Result {
	t.Helper()
	v := signtest.Verifier(t, signers, verify.WithThreshold(len(signers)), verify.WithPayloadTypes(env.PayloadType))
	res, err := v.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return res
}

func TestGenerateKey(t *testing.T) {
	for _, tc := range []struct {
		typ    sign.KeyType
		scheme string
	}{
		{sign.ECDSAP256, "PKIX_ECDSA_P256_SHA_256"},
		{sign.ECDSAP384, "PKIX_ECDSA_P384_SHA_384"},
		{sign.ECDSAP521, "PKIX_ECDSA_P521_SHA_512"},
		{sign.Ed25519, "PKIX_ED25519"},
		{sign.RSA2048, "PKIX_RSA_PKCS1V15_SHA256"},
		{sign.RSA3072, "PKIX_RSA_PKCS1V15_SHA256"},
		{sign.RSA4096, "PKIX_RSA_PKCS1V15_SHA256"},
	} {
		t.Run(string(tc.typ), func(t *testing.T) {
			t.Parallel()
			k, err := sign.GenerateKey(tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			s, err := sign.NewSigner(k)
			if err != nil {
				t.Fatal(err)
			}
			if s.Scheme() != tc.scheme {
				t.Fatalf("scheme %s, want %s", s.Scheme(), tc.scheme)
			}
			env, err := sign.Envelope(ctx, "text/plain", []byte("generated"), s)
			if err != nil {
				t.Fatal(err)
			}
			verifyEnv(t, env, s)
			// The PEM forms round-trip.
			priv, err := sign.MarshalPrivateKey(k)
			if err != nil {
				t.Fatal(err)
			}
			back, err := sign.LoadPrivateKey(priv, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !back.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()) {
				t.Fatal("private key PEM round trip changed the key")
			}
			pub, err := sign.MarshalPublicKey(k.Public())
			if err != nil {
				t.Fatal(err)
			}
			pk, err := verify.ParsePublicKey(pub)
			if err != nil {
				t.Fatal(err)
			}
			if pk.ID() != s.ID() {
				t.Fatalf("public key id %s, signer %s", pk.ID(), s.ID())
			}
		})
	}
	for _, typ := range []sign.KeyType{"", "rsa-1024", "ecdsa-p224", "ECDSA-P256", "dsa"} {
		if k, err := sign.GenerateKey(typ); !errors.Is(err, sign.ErrUnsupportedKey) || k != nil {
			t.Errorf("GenerateKey(%q): %v", typ, err)
		}
	}
	// Two generated keys differ.
	a, _ := sign.GenerateKey(sign.ECDSAP256)
	b, _ := sign.GenerateKey(sign.ECDSAP256)
	if a.Public().(*ecdsa.PublicKey).Equal(b.Public()) {
		t.Fatal("GenerateKey returned the same key twice")
	}
}

func TestNewSigner(t *testing.T) {
	p256 := signtest.ECDSAPrivateKey(t, elliptic.P256(), "k")
	rk := signtest.RSAPrivateKey(t, signtest.RSA2048)
	ed := signtest.Ed25519PrivateKey(t, "k")
	for _, tc := range []struct {
		name string
		key  crypto.Signer
		opts []sign.SignerOption
		err  error
	}{
		{"nil", nil, nil, sign.ErrNoSigner},
		{"RSA-1024", signtest.RSAPrivateKey(t, signtest.RSA1024), nil, sign.ErrUnsupportedKey},
		{"RSA-1024 PSS", signtest.RSAPrivateKey(t, signtest.RSA1024), []sign.SignerOption{sign.WithRSAPSS()}, sign.ErrUnsupportedKey},
		{"P-224", signtest.ECDSAPrivateKey(t, elliptic.P224(), "k"), nil, sign.ErrUnsupportedKey},
		{"PSS on ECDSA", p256, []sign.SignerOption{sign.WithRSAPSS()}, sign.ErrUnsupportedKey},
		{"PSS on Ed25519", ed, []sign.SignerOption{sign.WithRSAPSS()}, sign.ErrUnsupportedKey},
		{"raw on RSA", rk, []sign.SignerOption{sign.WithRawECDSA()}, sign.ErrUnsupportedKey},
		{"raw on Ed25519", ed, []sign.SignerOption{sign.WithRawECDSA()}, sign.ErrUnsupportedKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sign.NewSigner(tc.key, tc.opts...)
			if !errors.Is(err, tc.err) || s != nil {
				t.Fatalf("got %v, want %v", err, tc.err)
			}
		})
	}

	s, err := sign.NewSigner(p256)
	if err != nil {
		t.Fatal(err)
	}
	id, err := sign.KeyID(p256.Public())
	if err != nil || s.ID() != id || s.KeyID() != "" {
		t.Fatalf("default id %q, want %q, and keyid %q, want none (%v)", s.ID(), id, s.KeyID(), err)
	}
	s, err = sign.NewSigner(p256, sign.WithKeyID("my-kms-key"))
	if err != nil || s.KeyID() != "my-kms-key" {
		t.Fatalf("WithKeyID: %q, %v", s.KeyID(), err)
	}
	env, err := sign.Envelope(ctx, "t", []byte("p"), s)
	if err != nil || env.Signatures[0].KeyID != "my-kms-key" {
		t.Fatalf("keyid in envelope: %+v, %v", env, err)
	}
	// The hint is only a hint: the verifier reports the key's real id.
	if res := verifyEnv(t, env, s); res.Signers[0].KeyID != id || res.Signers[0].KeyIDHint != "my-kms-key" {
		t.Fatalf("result signer %+v", res.Signers[0])
	}
	s, _ = sign.NewSigner(p256, sign.WithKeyID(""))
	env, _ = sign.Envelope(ctx, "t", []byte("p"), s)
	if env.Signatures[0].KeyID != "" {
		t.Fatalf("empty WithKeyID wrote %q", env.Signatures[0].KeyID)
	}
	if _, err := sign.KeyID("not a key"); !errors.Is(err, sign.ErrUnsupportedKey) {
		t.Fatalf("KeyID of a string: %v", err)
	}
}

func TestWithRSAPSS(t *testing.T) {
	s := signtest.RSAKey(t, signtest.RSA2048, sign.WithRSAPSS())
	if s.Scheme() != "PKIX_RSA_PSS_SHA256" {
		t.Fatalf("scheme %s", s.Scheme())
	}
	env, err := sign.Envelope(ctx, "t", []byte("p"), s)
	if err != nil {
		t.Fatal(err)
	}
	verifyEnv(t, env, s) // signtest.PublicKey picks verify.RSAPSS for a PSS signer
	// The same key trusted for PKCS#1 v1.5 refuses PSS signatures (C54).
	pk, err := verify.NewPublicKey(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	v, _ := verify.NewVerifier([]*verify.PublicKey{pk}, verify.WithPayloadTypes("t"))
	if _, err := v.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe()); !errors.Is(err, verify.ErrSignature) {
		t.Fatalf("PSS signature verified as PKCS#1 v1.5: %v", err)
	}
}

func TestWithRawECDSA(t *testing.T) {
	for _, tc := range []struct {
		curve elliptic.Curve
		size  int
	}{{elliptic.P256(), 64}, {elliptic.P384(), 96}, {elliptic.P521(), 132}} {
		t.Run(tc.curve.Params().Name, func(t *testing.T) {
			s := signtest.ECDSAKey(t, tc.curve, "raw", sign.WithRawECDSA())
			for i := 0; i < 20; i++ { // r or s with leading zero bytes must still fill the size
				env, err := sign.Envelope(ctx, "t", []byte{byte(i)}, s)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(env.Signatures[0].Sig); n != tc.size {
					t.Fatalf("raw signature of %d bytes, want %d", n, tc.size)
				}
				verifyEnv(t, env, s)
			}
		})
	}
	s := signtest.Key(t, "raw", sign.WithRawECDSA())
	sum := sha256.Sum256([]byte("x"))
	sig, err := s.SignDigest(ctx, crypto.SHA256, sum[:])
	if err != nil || len(sig) != 64 {
		t.Fatalf("raw SignDigest: %d bytes, %v", len(sig), err)
	}
	// Default is DER.
	der, err := signtest.Key(t, "raw").Sign(ctx, []byte("x"))
	if err != nil || der[0] != 0x30 {
		t.Fatalf("default signature is not DER: %x, %v", der, err)
	}
}

func TestSignDigest(t *testing.T) {
	s := signtest.ECDSAKey(t, elliptic.P384(), "d")
	sum := sha256.Sum256([]byte("x"))
	if _, err := s.SignDigest(ctx, crypto.SHA256, sum[:]); !errors.Is(err, sign.ErrSigner) {
		t.Fatalf("SHA-256 digest for a P-384 key: %v", err)
	}
	s384 := sha512.Sum384([]byte("x"))
	if _, err := s.SignDigest(ctx, crypto.SHA384, s384[:]); err != nil {
		t.Fatal(err)
	}
	ed := signtest.Ed25519Key(t, "d")
	if _, err := ed.SignDigest(ctx, crypto.SHA512, make([]byte, 64)); !errors.Is(err, sign.ErrSigner) {
		t.Fatalf("Ed25519 SignDigest: %v", err)
	}
}

// failingKey is a crypto.Signer on the allow-list whose Sign fails.
type failingKey struct{ crypto.Signer }

var errBoom = errors.New("hsm unplugged")

func (failingKey) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) { return nil, errBoom }

// funcSigner is a sign.Signer made of functions.
type funcSigner struct {
	pub  crypto.PublicKey
	sign func([]byte) ([]byte, error)
}

func (f funcSigner) Public() crypto.PublicKey { return f.pub }
func (f funcSigner) Sign(_ context.Context, m []byte) ([]byte, error) {
	return f.sign(m)
}

func TestSignerFailure(t *testing.T) {
	key := signtest.ECDSAPrivateKey(t, elliptic.P256(), "f")
	ks, err := sign.NewSigner(failingKey{key})
	if err != nil {
		t.Fatal(err)
	}
	good := signtest.Key(t, "good")
	st := signtest.Statement(t, "a", []byte("a"))
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name string
		s    sign.Signer
		ctx  context.Context
		err  error
	}{
		{"crypto.Signer fails", ks, ctx, sign.ErrSigner},
		{"Signer fails", funcSigner{key.Public(), func([]byte) ([]byte, error) { return nil, errBoom }}, ctx, sign.ErrSigner},
		{"empty signature", funcSigner{key.Public(), func([]byte) ([]byte, error) { return nil, nil }}, ctx, sign.ErrSigner},
		{"key off the allow-list", funcSigner{signtest.ECDSAPrivateKey(t, elliptic.P224(), "x").Public(), func([]byte) ([]byte, error) { return []byte{1}, nil }}, ctx, sign.ErrUnsupportedKey},
		{"nil public key", funcSigner{nil, func([]byte) ([]byte, error) { return []byte{1}, nil }}, ctx, sign.ErrMalformedKey},
		{"nil signer", nil, ctx, sign.ErrNoSigner},
		{"canceled context", good, canceled, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, tc.err) {
					t.Errorf("%s: got %v, want %v", what, err, tc.err)
				}
				if err != nil && strings.Count(err.Error(), "sign: ") > 1 {
					t.Errorf("%s: error repeats its prefix: %v", what, err)
				}
			}
			env, err := sign.Envelope(tc.ctx, "t", []byte("p"), tc.s)
			check("Envelope", err)
			if env != nil {
				t.Error("Envelope returned an envelope with an error")
			}
			_, err = sign.Statement(tc.ctx, st, tc.s)
			check("Statement", err)
			_, err = sign.StatementBundle(tc.ctx, st, tc.s)
			check("StatementBundle", err)
			_, err = sign.BlobBundle(tc.ctx, tc.s, strings.NewReader("blob"))
			check("BlobBundle", err)
			// AddSignature leaves the envelope as it was.
			env = &attest.Envelope{PayloadType: "t", Payload: []byte("p")}
			if err := sign.AddSignature(ctx, env, good); err != nil {
				t.Fatal(err)
			}
			before := env.Clone()
			check("AddSignature", sign.AddSignature(tc.ctx, env, tc.s))
			if len(env.Signatures) != 1 || !bytes.Equal(env.Signatures[0].Sig, before.Signatures[0].Sig) {
				t.Error("failed AddSignature changed the envelope")
			}
		})
	}
	if _, err := ks.Sign(ctx, []byte("m")); !errors.Is(err, errBoom) || !errors.Is(err, sign.ErrSigner) {
		t.Fatalf("KeySigner.Sign: %v", err)
	}
	if _, err := ks.SignDigest(ctx, crypto.SHA256, make([]byte, 32)); !errors.Is(err, errBoom) {
		t.Fatalf("KeySigner.SignDigest: %v", err)
	}
	// One of several signers failing fails the whole envelope.
	if _, err := sign.Envelope(ctx, "t", []byte("p"), good, ks); !errors.Is(err, sign.ErrSigner) {
		t.Fatalf("second signer failing: %v", err)
	}
	if _, err := sign.Envelope(ctx, "t", []byte("p")); !errors.Is(err, sign.ErrNoSigner) {
		t.Fatalf("no signers: %v", err)
	}
	var nilCtx context.Context // a nil context must be an error, not a panic
	if _, err := sign.Envelope(nilCtx, "t", []byte("p"), good); err == nil {
		t.Fatal("nil context accepted")
	}
}

func TestEnvelope(t *testing.T) {
	a, b := signtest.Key(t, "a"), signtest.Ed25519Key(t, "b")
	payload := []byte("payload")
	env, err := sign.Envelope(ctx, "application/x", payload, a, b)
	if err != nil {
		t.Fatal(err)
	}
	payload[0] = 'X'
	if string(env.Payload) != "payload" {
		t.Fatal("envelope shares the caller's payload buffer")
	}
	if len(env.Signatures) != 2 || env.Signatures[0].KeyID != "" || env.Signatures[1].KeyID != "" {
		t.Fatalf("signatures %+v", env.Signatures)
	}
	res := verifyEnv(t, env, a, b)
	if got := res.SignerIDs(); len(got) != 2 || got[0] != a.ID() || got[1] != b.ID() {
		t.Fatalf("signers %v", got)
	}
	if _, err := sign.Envelope(ctx, "", []byte("p"), a); !errors.Is(err, attest.ErrMalformed) {
		t.Fatalf("empty payloadType: %v", err)
	}
	// The empty payload is a payload.
	env, err = sign.Envelope(ctx, "t", nil, a)
	if err != nil {
		t.Fatal(err)
	}
	verifyEnv(t, env, a)
}

func TestAddSignatureKeepsExisting(t *testing.T) {
	a, b, c := signtest.Key(t, "a"), signtest.RSAKey(t, signtest.RSA2048), signtest.Ed25519Key(t, "c")
	env, err := sign.Envelope(ctx, "t", []byte("p"), a)
	if err != nil {
		t.Fatal(err)
	}
	first := env.Clone()
	if err := sign.AddSignature(ctx, env, b); err != nil {
		t.Fatal(err)
	}
	if err := sign.AddSignature(ctx, env, c); err != nil {
		t.Fatal(err)
	}
	if len(env.Signatures) != 3 || !bytes.Equal(env.Signatures[0].Sig, first.Signatures[0].Sig) || env.Signatures[0].KeyID != first.Signatures[0].KeyID {
		t.Fatal("existing signature changed")
	}
	verifyEnv(t, env, a, b, c)

	// Round trip through JSON and add another: still all valid.
	data, err := env.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := attest.ParseEnvelope(data)
	if err != nil {
		t.Fatal(err)
	}
	d := signtest.Key(t, "d")
	if err := sign.AddSignature(ctx, parsed, d); err != nil {
		t.Fatal(err)
	}
	verifyEnv(t, parsed, a, b, c, d)

	if err := sign.AddSignature(ctx, nil, a); !errors.Is(err, attest.ErrMalformed) {
		t.Fatalf("nil envelope: %v", err)
	}
	full := &attest.Envelope{PayloadType: "t", Payload: []byte("p")}
	for i := 0; i < limits.MaxSignatures; i++ {
		full.Signatures = append(full.Signatures, attest.Signature{Sig: []byte{1}})
	}
	if err := sign.AddSignature(ctx, full, a); !errors.Is(err, attest.ErrTooLarge) || len(full.Signatures) != limits.MaxSignatures {
		t.Fatalf("envelope at the signature limit: %v", err)
	}
}

func TestStatement(t *testing.T) {
	s := signtest.Key(t, "st")
	st := signtest.Statement(t, "file.txt", []byte("contents"))
	env, err := sign.Statement(ctx, st, s)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := st.Marshal()
	if env.PayloadType != attest.PayloadType || !bytes.Equal(env.Payload, want) {
		t.Fatalf("envelope %q %s", env.PayloadType, env.Payload)
	}
	v := signtest.Verifier(t, []sign.Signer{s})
	res, err := v.VerifyEnvelope(ctx, env, verify.WithArtifact(strings.NewReader("contents")))
	if err != nil {
		t.Fatal(err)
	}
	if res.Subject == nil || res.Subject.Name != "file.txt" {
		t.Fatalf("subject %+v", res.Subject)
	}
	if _, err := sign.Statement(ctx, &attest.Statement{Type: attest.StatementTypeV1}, s); !errors.Is(err, attest.ErrMalformed) {
		t.Fatalf("invalid statement: %v", err)
	}
	if _, err := sign.Statement(ctx, nil, s); !errors.Is(err, attest.ErrMalformed) {
		t.Fatalf("nil statement: %v", err)
	}
}

func TestStatementBundle(t *testing.T) {
	s := signtest.Key(t, "sb")
	st := signtest.Statement(t, "f", []byte("f"))
	b, err := sign.StatementBundle(ctx, st, s)
	if err != nil {
		t.Fatal(err)
	}
	if b.MediaType() != bundle.MediaTypeV03 || !b.IsDSSE() || b.HasCertificate() || b.TlogEntryCount() != 0 {
		t.Fatalf("bundle %s dsse=%v", b.MediaType(), b.IsDSSE())
	}
	// The hint is spelled as cosign and sigstore-go spell it.
	der, _ := x509.MarshalPKIXPublicKey(s.Public())
	sum := sha256.Sum256(der)
	if hint, ok := b.PublicKeyHint(); !ok || hint != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("hint %q %v", hint, ok)
	}
	env, err := b.Envelope()
	if err != nil || len(env.Signatures) != 1 {
		t.Fatalf("envelope %+v %v", env, err)
	}
	// It parses back and verifies.
	data, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	pb, err := bundle.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	v := signtest.Verifier(t, []sign.Signer{s})
	if _, err := v.VerifyBundle(ctx, pb, verify.WithArtifact(strings.NewReader("f"))); err != nil {
		t.Fatal(err)
	}
}

// digestless hides a KeySigner's SignDigest, so BlobBundle must read the
// artifact into memory and call Sign.
type digestless struct{ s *sign.KeySigner }

func (d digestless) Public() crypto.PublicKey { return d.s.Public() }
func (d digestless) Sign(ctx context.Context, m []byte) ([]byte, error) {
	return d.s.Sign(ctx, m)
}

func TestBlobBundle(t *testing.T) {
	blob := []byte("the artifact")
	for _, tc := range []struct {
		name string
		s    sign.Signer
		alg  digest.Algorithm
	}{
		{"P-256", signtest.Key(t, "blob"), digest.SHA256},
		{"P-384", signtest.ECDSAKey(t, elliptic.P384(), "blob"), digest.SHA384},
		{"P-521", signtest.ECDSAKey(t, elliptic.P521(), "blob"), digest.SHA512},
		{"Ed25519", signtest.Ed25519Key(t, "blob"), digest.SHA512},
		{"RSA", signtest.RSAKey(t, signtest.RSA2048), digest.SHA256},
		{"RSA PSS", signtest.RSAKey(t, signtest.RSA2048, sign.WithRSAPSS()), digest.SHA256},
		{"raw P-256", signtest.Key(t, "blob", sign.WithRawECDSA()), digest.SHA256},
		{"P-256 without SignDigest", digestless{signtest.Key(t, "blob")}, digest.SHA256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := sign.BlobBundle(ctx, tc.s, bytes.NewReader(blob))
			if err != nil {
				t.Fatal(err)
			}
			if b.IsDSSE() || b.MediaType() != bundle.MediaTypeV03 {
				t.Fatal("not a v0.3 message-signature bundle")
			}
			ms, err := b.MessageSignature()
			if err != nil {
				t.Fatal(err)
			}
			want, _ := digest.FromBytes(blob, tc.alg)
			if ms.Digest != want {
				t.Fatalf("digest %s, want %s", ms.Digest, want)
			}
			var pk *verify.PublicKey
			if ks, ok := tc.s.(*sign.KeySigner); ok {
				pk = signtest.PublicKey(t, ks)
			} else {
				pk = signtest.PublicKey(t, tc.s)
			}
			v, _ := verify.NewVerifier([]*verify.PublicKey{pk})
			if _, err := v.VerifyBundle(ctx, b, verify.WithArtifact(bytes.NewReader(blob))); err != nil {
				t.Fatal(err)
			}
			if _, err := v.VerifyBundle(ctx, b, verify.WithArtifact(strings.NewReader("other"))); !errors.Is(err, verify.ErrUnverified) {
				t.Fatalf("other artifact: %v", err)
			}
		})
	}
	if _, err := sign.BlobBundle(ctx, signtest.Key(t, "x"), nil); err == nil {
		t.Fatal("nil reader accepted")
	}
	if _, err := sign.BlobBundle(ctx, signtest.Key(t, "x"), io.MultiReader(strings.NewReader("x"), errReader{})); err == nil {
		t.Fatal("read error ignored")
	}
	if _, err := sign.BlobBundle(ctx, signtest.Ed25519Key(t, "x"), errReader{}); err == nil {
		t.Fatal("read error ignored (Ed25519)")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestBlobBundleInMemoryBound checks that a signer without SignDigest
// cannot make BlobBundle read more than MaxInMemoryBlob.
func TestBlobBundleInMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 128 MiB")
	}
	n := 0
	r := countingZeros{&n}
	_, err := sign.BlobBundle(ctx, signtest.Ed25519Key(t, "big"), io.LimitReader(r, sign.MaxInMemoryBlob+10))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("oversized artifact: %v", err)
	}
	if n > sign.MaxInMemoryBlob+1+64<<10 {
		t.Fatalf("read %d bytes", n)
	}
}

type countingZeros struct{ n *int }

func (c countingZeros) Read(p []byte) (int, error) {
	clear(p)
	*c.n += len(p)
	return len(p), nil
}

func TestKeyPEMWrappers(t *testing.T) {
	k := signtest.ECDSAPrivateKey(t, elliptic.P256(), "w")
	enc, err := sign.EncryptPrivateKey(k, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sign.LoadPrivateKey(enc, func() ([]byte, error) { return []byte("no"), nil }); !errors.Is(err, sign.ErrPassword) || !strings.HasPrefix(err.Error(), "sign: ") {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := sign.LoadPrivateKey(enc, nil); !errors.Is(err, sign.ErrPassword) {
		t.Fatalf("nil password func: %v", err)
	}
	got, err := sign.LoadPrivateKey(enc, func() ([]byte, error) { return []byte("pw"), nil })
	if err != nil || !got.Public().(*ecdsa.PublicKey).Equal(k.Public()) {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := sign.LoadPrivateKey([]byte("junk"), nil); !errors.Is(err, sign.ErrMalformedKey) {
		t.Fatalf("junk: %v", err)
	}
	if _, err := sign.MarshalPublicKey("x"); !errors.Is(err, sign.ErrUnsupportedKey) {
		t.Fatalf("MarshalPublicKey(string): %v", err)
	}
	if _, err := sign.MarshalPrivateKey(failingKey{}); !errors.Is(err, sign.ErrUnsupportedKey) {
		t.Fatalf("MarshalPrivateKey(opaque signer): %v", err)
	}
	if _, err := sign.EncryptPrivateKey(failingKey{}, nil); !errors.Is(err, sign.ErrUnsupportedKey) {
		t.Fatalf("EncryptPrivateKey(opaque signer): %v", err)
	}
}
