package keys_test

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	encasn1 "encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secure-systems-lab/go-securesystemslib/encrypted"

	"github.com/chainmail-dev/chainmail/internal/keys"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/sign/signtest"
)

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// must is for test setup that cannot fail; a failure is a bug in the test.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func pkcs8(t testing.TB, k crypto.Signer) []byte {
	return pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(k)))
}

func pkixPEM(t testing.TB, pub crypto.PublicKey) []byte {
	return pemOf("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(pub)))
}

type equaler interface{ Equal(crypto.PublicKey) bool }

// TestParsePrivateFormats parses every supported private key encoding and
// checks the key is the one encoded and that it signs what its public key
// verifies.
func TestParsePrivateFormats(t *testing.T) {
	p256 := signtest.ECDSAPrivateKey(t, elliptic.P256(), "k")
	p384 := signtest.ECDSAPrivateKey(t, elliptic.P384(), "k")
	p521 := signtest.ECDSAPrivateKey(t, elliptic.P521(), "k")
	ed := signtest.Ed25519PrivateKey(t, "k")
	r2048 := signtest.RSAPrivateKey(t, signtest.RSA2048)
	r3072 := signtest.RSAPrivateKey(t, signtest.RSA3072)
	r4096 := signtest.RSAPrivateKey(t, signtest.RSA4096)
	for _, tc := range []struct {
		name   string
		key    crypto.Signer
		pem    []byte
		scheme keys.Scheme
	}{
		{"PKCS8 P-256", p256, pkcs8(t, p256), keys.ECDSAP256SHA256},
		{"PKCS8 P-384", p384, pkcs8(t, p384), keys.ECDSAP384SHA384},
		{"PKCS8 P-521", p521, pkcs8(t, p521), keys.ECDSAP521SHA512},
		{"SEC1 P-256", p256, pemOf("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(p256))), keys.ECDSAP256SHA256},
		{"SEC1 P-384", p384, pemOf("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(p384))), keys.ECDSAP384SHA384},
		{"SEC1 P-521", p521, pemOf("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(p521))), keys.ECDSAP521SHA512},
		{"PKCS8 Ed25519", ed, pkcs8(t, ed), keys.Ed25519},
		{"PKCS8 RSA-2048", r2048, pkcs8(t, r2048), keys.RSAPKCS1v15SHA256},
		{"PKCS8 RSA-3072", r3072, pkcs8(t, r3072), keys.RSAPKCS1v15SHA256},
		{"PKCS8 RSA-4096", r4096, pkcs8(t, r4096), keys.RSAPKCS1v15SHA256},
		{"PKCS1 RSA-2048", r2048, pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(r2048)), keys.RSAPKCS1v15SHA256},
		{"PKCS1 RSA-4096", r4096, pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(r4096)), keys.RSAPKCS1v15SHA256},
		{"committed PEM file", r3072, signtest.RSAKeyPEM(t, signtest.RSA3072), keys.RSAPKCS1v15SHA256},
		{"surrounding white space", p256, append(append([]byte("\r\n\n"), pkcs8(t, p256)...), " \r\n\t"...), keys.ECDSAP256SHA256},
		{"MarshalPrivate", ed, must(keys.MarshalPrivate(ed)), keys.Ed25519},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := keys.ParsePrivate(tc.pem, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Public().(equaler).Equal(tc.key.Public()) {
				t.Fatal("parsed a different key")
			}
			scheme, err := keys.SchemeFor(got.Public(), false)
			if err != nil || scheme != tc.scheme {
				t.Fatalf("scheme %s, %v; want %s", scheme, err, tc.scheme)
			}
			msg := []byte("message " + tc.name)
			sig, err := keys.Sign(got, scheme, msg, false)
			if err != nil {
				t.Fatal(err)
			}
			if err := keys.Verify(tc.key.Public(), scheme, msg, sig); err != nil {
				t.Fatalf("signature does not verify: %v", err)
			}
			if err := keys.Verify(tc.key.Public(), scheme, append(msg, '!'), sig); !errors.Is(err, keys.ErrSignature) {
				t.Fatalf("signature over another message: %v", err)
			}
		})
	}
}

func TestParsePublicFormats(t *testing.T) {
	p256 := signtest.ECDSAPrivateKey(t, elliptic.P256(), "k").Public()
	p384 := signtest.ECDSAPrivateKey(t, elliptic.P384(), "k").Public()
	p521 := signtest.ECDSAPrivateKey(t, elliptic.P521(), "k").Public()
	ed := signtest.Ed25519PrivateKey(t, "k").Public()
	r2048 := signtest.RSAPrivateKey(t, signtest.RSA2048).Public()
	r4096 := signtest.RSAPrivateKey(t, signtest.RSA4096).Public()
	for _, tc := range []struct {
		name string
		key  crypto.PublicKey
		pem  []byte
	}{
		{"PKIX P-256", p256, pkixPEM(t, p256)},
		{"PKIX P-384", p384, pkixPEM(t, p384)},
		{"PKIX P-521", p521, pkixPEM(t, p521)},
		{"PKIX Ed25519", ed, pkixPEM(t, ed)},
		{"PKIX RSA-2048", r2048, pkixPEM(t, r2048)},
		{"PKIX RSA-4096", r4096, pkixPEM(t, r4096)},
		{"PKCS1 RSA-2048", r2048, pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(r2048.(*rsa.PublicKey)))},
		{"PKCS1 RSA-4096", r4096, pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(r4096.(*rsa.PublicKey)))},
		{"MarshalPublic", p384, must(keys.MarshalPublic(p384))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := keys.ParsePublic(tc.pem)
			if err != nil {
				t.Fatal(err)
			}
			if !got.(equaler).Equal(tc.key) {
				t.Fatal("parsed a different key")
			}
			id1, err1 := keys.ID(got)
			id2, err2 := keys.ID(tc.key)
			if err1 != nil || err2 != nil || id1 != id2 {
				t.Fatalf("ids %s, %s (%v, %v)", id1, id2, err1, err2)
			}
		})
	}
}

// TestInTotoKeyMatrix runs the key files of in-toto-golang's test data
// through ParsePublic: the allowed types parse, P-224 and secp256k1 are
// refused as unsupported.
func TestInTotoKeyMatrix(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "vectors", "attest", "in-toto-golang", "test-data")
	for _, tc := range []struct {
		file   string
		scheme keys.Scheme
		err    error
	}{
		{"alice.pub", keys.RSAPKCS1v15SHA256, nil},
		{"carol.pub", keys.Ed25519, nil},
		{"dan.pub", keys.RSAPKCS1v15SHA256, nil},
		{"frank.pub", keys.ECDSAP521SHA512, nil},
		{"grace.pub", keys.ECDSAP384SHA384, nil},
		{"heidi.pub", "", keys.ErrUnsupported}, // P-224
		{"erin.pub", "", keys.ErrUnsupported},  // secp256k1
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			pub, err := keys.ParsePublic(data)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("got %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s, err := keys.SchemeFor(pub, false); s != tc.scheme || err != nil {
				t.Fatalf("scheme %s, %v; want %s", s, err, tc.scheme)
			}
		})
	}
}

// selfSignedCert returns a PEM certificate for key.
func selfSignedCert(t testing.TB, key *ecdsa.PrivateKey) []byte {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(1<<31, 0),
	}
	der := must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key))
	return pemOf("CERTIFICATE", der)
}

func TestParseRejects(t *testing.T) {
	p256 := signtest.ECDSAPrivateKey(t, elliptic.P256(), "k")
	p224 := signtest.ECDSAPrivateKey(t, elliptic.P224(), "k")
	r1024 := signtest.RSAPrivateKey(t, signtest.RSA1024)
	x25519 := must(ecdh.X25519().NewPrivateKey(bytes.Repeat([]byte{7}, 32)))
	good := pkcs8(t, p256)
	goodPub := pkixPEM(t, p256.Public())
	withHeaders := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00000000000000000000000000000000"}, Bytes: must(x509.MarshalECPrivateKey(p256))})
	pubHeaders := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Headers: map[string]string{"Comment": "x"}, Bytes: must(x509.MarshalPKIXPublicKey(p256.Public()))})
	// An RSA key too large for the allow-list: a public modulus is enough.
	huge := &rsa.PublicKey{N: new(big.Int).SetBit(big.NewInt(1), 8200, 1), E: 65537}
	huge.N.SetBit(huge.N, 0, 1)
	corruptRSA := x509.MarshalPKCS1PrivateKey(signtest.RSAPrivateKey(t, signtest.RSA2048))
	corruptRSA[len(corruptRSA)-10] ^= 0xff // damages a CRT value
	cert := selfSignedCert(t, p256)
	oversize := append(bytes.Repeat([]byte(" "), limits.MaxKeyBytes), good...)

	for _, tc := range []struct {
		name    string
		data    []byte
		private bool
		want    error
	}{
		{"empty private", nil, true, keys.ErrMalformed},
		{"empty public", nil, false, keys.ErrMalformed},
		{"not PEM", []byte("hello"), true, keys.ErrMalformed},
		{"raw DER", must(x509.MarshalPKCS8PrivateKey(p256)), true, keys.ErrMalformed},
		{"text before the block", append([]byte("Bag Attributes\n"), good...), true, keys.ErrMalformed},
		{"text before the public block", append([]byte("x\n"), goodPub...), false, keys.ErrMalformed},
		{"broken block before a good one", append([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n"), goodPub...), false, keys.ErrMalformed},
		{"text after the block", append(append([]byte{}, good...), "trailer"...), true, keys.ErrMalformed},
		{"second block (private)", append(append([]byte{}, good...), good...), true, keys.ErrMalformed},
		{"second block (public)", append(append([]byte{}, goodPub...), goodPub...), false, keys.ErrMalformed},
		{"text after the public block", append(append([]byte{}, goodPub...), "x"...), false, keys.ErrMalformed},
		{"legacy encrypted PEM headers", withHeaders, true, keys.ErrUnsupported},
		{"public PEM headers", pubHeaders, false, keys.ErrUnsupported},
		{"oversized private", oversize, true, keys.ErrMalformed},
		{"oversized public", append(bytes.Repeat([]byte(" "), limits.MaxKeyBytes), goodPub...), false, keys.ErrMalformed},
		{"C40 certificate as public key", cert, false, keys.ErrMalformed},
		{"certificate as private key", cert, true, keys.ErrMalformed},
		{"private key as public key", good, false, keys.ErrMalformed},
		{"public key as private key", goodPub, true, keys.ErrMalformed},
		{"PKCS1 body under PUBLIC KEY", pemOf("PUBLIC KEY", x509.MarshalPKCS1PublicKey(&signtest.RSAPrivateKey(t, signtest.RSA2048).PublicKey)), false, keys.ErrMalformed},
		{"SEC1 body under PRIVATE KEY", pemOf("PRIVATE KEY", must(x509.MarshalECPrivateKey(p256))), true, keys.ErrMalformed},
		{"truncated PKCS8", pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(p256))[:40]), true, keys.ErrMalformed},
		{"corrupted RSA CRT value", pemOf("RSA PRIVATE KEY", corruptRSA), true, keys.ErrMalformed},
		{"encrypted PKCS8", pemOf("ENCRYPTED PRIVATE KEY", []byte{0x30, 0}), true, keys.ErrUnsupported},
		{"RSA-1024 PKCS8", pkcs8(t, r1024), true, keys.ErrUnsupported},
		{"RSA-1024 PKCS1", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(r1024)), true, keys.ErrUnsupported},
		{"RSA-1024 public", pkixPEM(t, r1024.Public()), false, keys.ErrUnsupported},
		{"RSA-1024 PKCS1 public", pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&r1024.PublicKey)), false, keys.ErrUnsupported},
		{"RSA-8201 public", pkixPEM(t, huge), false, keys.ErrUnsupported},
		{"P-224 PKCS8", pkcs8(t, p224), true, keys.ErrUnsupported},
		{"P-224 SEC1", pemOf("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(p224))), true, keys.ErrUnsupported},
		{"P-224 public", pkixPEM(t, p224.Public()), false, keys.ErrUnsupported},
		{"X25519 private", pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(x25519))), true, keys.ErrUnsupported},
		{"X25519 public", pkixPEM(t, x25519.PublicKey()), false, keys.ErrUnsupported},
		{"unknown algorithm OID, public", pemOf("PUBLIC KEY", spki(encasn1.ObjectIdentifier{1, 2, 3, 4}, nil)), false, keys.ErrUnsupported},
		{"secp256k1 public", pemOf("PUBLIC KEY", spki(oidEC, encasn1.ObjectIdentifier{1, 3, 132, 0, 10})), false, keys.ErrUnsupported},
		{"P-256 OID with a bad point", pemOf("PUBLIC KEY", spki(oidEC, encasn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})), false, keys.ErrMalformed},
		{"RSA OID with a bad key", pemOf("PUBLIC KEY", spki(encasn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}, nil)), false, keys.ErrMalformed},
		{"secp256k1 PKCS8", pemOf("PRIVATE KEY", pkcs8Info(oidEC, encasn1.ObjectIdentifier{1, 3, 132, 0, 10})), true, keys.ErrUnsupported},
		{"unknown algorithm OID, PKCS8", pemOf("PRIVATE KEY", pkcs8Info(encasn1.ObjectIdentifier{1, 2, 3, 4}, nil)), true, keys.ErrUnsupported},
		{"unknown block type", pemOf("OPENSSH PRIVATE KEY", []byte("x")), true, keys.ErrMalformed},
		{"unknown public block type", pemOf("SSH2 PUBLIC KEY", []byte("x")), false, keys.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.private {
				var k crypto.Signer
				k, err = keys.ParsePrivate(tc.data, func() ([]byte, error) { t.Error("password asked for"); return nil, nil })
				if k != nil {
					t.Error("returned a key with an error")
				}
			} else {
				var k crypto.PublicKey
				k, err = keys.ParsePublic(tc.data)
				if k != nil {
					t.Error("returned a key with an error")
				}
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY-----") {
				t.Errorf("error quotes the key: %v", err)
			}
		})
	}
}

func TestEncryptedCosignRoundTrip(t *testing.T) {
	pw := []byte("correct horse")
	for _, k := range []crypto.Signer{
		signtest.ECDSAPrivateKey(t, elliptic.P256(), "enc"),
		signtest.Ed25519PrivateKey(t, "enc"),
		signtest.RSAPrivateKey(t, signtest.RSA2048),
	} {
		t.Run(fmt.Sprintf("%T", k), func(t *testing.T) {
			t.Parallel() // scrypt is slow
			enc, err := keys.EncryptCosign(k, pw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(enc, []byte("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n")) {
				t.Fatalf("not cosign's PEM type:\n%s", enc)
			}
			// cosign's parameters: scrypt N=2^16, r=8, p=1 with NaCl secretbox.
			m := cosignBody(t, enc)
			if kdf := m["kdf"].(map[string]any); kdf["name"] != "scrypt" || fmt.Sprint(kdf["params"]) != "map[N:65536 p:1 r:8]" {
				t.Errorf("kdf %v", kdf)
			}
			if c := m["cipher"].(map[string]any); c["name"] != "nacl/secretbox" {
				t.Errorf("cipher %v", c)
			}
			calls := 0
			got, err := keys.ParsePrivate(enc, func() ([]byte, error) { calls++; return pw, nil })
			if err != nil {
				t.Fatal(err)
			}
			if calls != 1 {
				t.Errorf("password asked for %d times", calls)
			}
			if !got.Public().(equaler).Equal(k.Public()) {
				t.Fatal("decrypted a different key")
			}
		})
	}
}

// TestEncryptedCosignIsRandomized checks salt and nonce are fresh.
func TestEncryptedCosignIsRandomized(t *testing.T) {
	t.Parallel()
	k := signtest.Ed25519PrivateKey(t, "enc")
	a, b := cosignBody(t, must(keys.EncryptCosign(k, nil))), cosignBody(t, must(keys.EncryptCosign(k, nil)))
	if fmt.Sprint(a["kdf"]) == fmt.Sprint(b["kdf"]) || fmt.Sprint(a["cipher"]) == fmt.Sprint(b["cipher"]) {
		t.Fatal("two encryptions share a salt or nonce")
	}
}

// legacyEncrypt is EncryptCosign with scrypt N=2^15, which ParsePrivate
// also reads: half the cost, for tests about other things.
func legacyEncrypt(t testing.TB, k crypto.Signer, pw []byte) []byte {
	der := must(x509.MarshalPKCS8PrivateKey(k))
	return pemOf("ENCRYPTED SIGSTORE PRIVATE KEY", must(encrypted.EncryptWithCustomKDFParameters(der, pw, encrypted.Legacy)))
}

// cosignBody decodes the JSON inside an encrypted key.
func cosignBody(t testing.TB, enc []byte) map[string]any {
	block, _ := pem.Decode(enc)
	var m map[string]any
	if err := json.Unmarshal(block.Bytes, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func cosignPEM(t testing.TB, typ string, m map[string]any) []byte {
	return pemOf(typ, must(json.Marshal(m)))
}

func TestEncryptedCosignRejects(t *testing.T) {
	pw := []byte("pw")
	k := signtest.ECDSAPrivateKey(t, elliptic.P256(), "enc")
	enc := legacyEncrypt(t, k, pw)
	edit := func(f func(m map[string]any)) []byte {
		m := cosignBody(t, enc)
		f(m)
		return cosignPEM(t, "ENCRYPTED SIGSTORE PRIVATE KEY", m)
	}
	params := func(n, r, p float64) []byte {
		return edit(func(m map[string]any) {
			m["kdf"].(map[string]any)["params"] = map[string]any{"N": n, "r": r, "p": p}
		})
	}
	flipCiphertext := edit(func(m map[string]any) {
		ct := []byte(m["ciphertext"].(string)) // base64 text
		if ct[5] == 'A' {
			ct[5] = 'B'
		} else {
			ct[5] = 'A'
		}
		m["ciphertext"] = string(ct)
	})
	p224 := legacyEncrypt(t, signtest.ECDSAPrivateKey(t, elliptic.P224(), "x"), pw)
	// A well-formed encrypted body whose plaintext is not a key.
	notPKCS8 := pemOf("ENCRYPTED SIGSTORE PRIVATE KEY", must(encrypted.EncryptWithCustomKDFParameters([]byte("not a key"), pw, encrypted.Legacy)))

	type pwMode int
	const (
		right pwMode = iota
		wrong
		nilFunc
		failing
		mustNotAsk
	)
	for _, tc := range []struct {
		name string
		data []byte
		pw   pwMode
		want error
	}{
		{"wrong password", enc, wrong, keys.ErrPassword},
		{"nil password func", enc, nilFunc, keys.ErrPassword},
		{"password func fails", enc, failing, keys.ErrPassword},
		{"tampered ciphertext", flipCiphertext, right, keys.ErrPassword},
		{"scrypt N=2^30", params(1<<30, 8, 1), mustNotAsk, keys.ErrUnsupported},
		{"scrypt N=2^20", params(1<<20, 8, 1), mustNotAsk, keys.ErrUnsupported},
		{"scrypt r=1024", params(1<<16, 1024, 1), mustNotAsk, keys.ErrUnsupported},
		{"scrypt p=64", params(1<<16, 8, 64), mustNotAsk, keys.ErrUnsupported},
		{"scrypt N=0", params(0, 0, 0), mustNotAsk, keys.ErrUnsupported},
		{"kdf pbkdf2", edit(func(m map[string]any) { m["kdf"].(map[string]any)["name"] = "pbkdf2" }), mustNotAsk, keys.ErrUnsupported},
		{"cipher aes", edit(func(m map[string]any) { m["cipher"].(map[string]any)["name"] = "aes-gcm" }), mustNotAsk, keys.ErrUnsupported},
		{"short nonce", edit(func(m map[string]any) { m["cipher"].(map[string]any)["nonce"] = "AAAA" }), mustNotAsk, keys.ErrMalformed},
		{"no salt", edit(func(m map[string]any) { delete(m["kdf"].(map[string]any), "salt") }), mustNotAsk, keys.ErrMalformed},
		{"no ciphertext", edit(func(m map[string]any) { delete(m, "ciphertext") }), mustNotAsk, keys.ErrMalformed},
		{"not JSON", pemOf("ENCRYPTED SIGSTORE PRIVATE KEY", []byte("{")), mustNotAsk, keys.ErrMalformed},
		{"JSON array", pemOf("ENCRYPTED SIGSTORE PRIVATE KEY", []byte("[]")), mustNotAsk, keys.ErrMalformed},
		{"oversized body", edit(func(m map[string]any) { m["padding"] = strings.Repeat("x", 20<<10) }), mustNotAsk, keys.ErrMalformed},
		{"P-224 inside", p224, right, keys.ErrUnsupported},
		{"plaintext is not PKCS8", notPKCS8, right, keys.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var fn keys.PasswordFunc
			switch tc.pw {
			case right:
				fn = func() ([]byte, error) { return pw, nil }
			case wrong:
				fn = func() ([]byte, error) { return []byte("nope"), nil }
			case failing:
				fn = func() ([]byte, error) { return nil, errors.New("no tty") }
			case mustNotAsk:
				// Asking would mean the input got as far as scrypt.
				fn = func() ([]byte, error) { t.Error("password asked for"); return pw, nil }
			}
			k, err := keys.ParsePrivate(tc.data, fn)
			if !errors.Is(err, tc.want) || k != nil {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), string(pw)+"\"") {
				t.Errorf("error quotes the password: %v", err)
			}
		})
	}
}

// TestEncryptedCosignLegacyType reads the older PEM type cosign wrote.
func TestEncryptedCosignLegacyType(t *testing.T) {
	pw := []byte("pw")
	k := signtest.Ed25519PrivateKey(t, "legacy")
	enc := legacyEncrypt(t, k, pw)
	block, _ := pem.Decode(enc)
	legacy := pemOf("ENCRYPTED COSIGN PRIVATE KEY", block.Bytes)
	got, err := keys.ParsePrivate(legacy, func() ([]byte, error) { return pw, nil })
	if err != nil {
		t.Fatal(err)
	}
	if !got.Public().(equaler).Equal(k.Public()) {
		t.Fatal("different key")
	}
}

func TestSchemeFor(t *testing.T) {
	ec := signtest.ECDSAPrivateKey(t, elliptic.P256(), "k")
	rk := signtest.RSAPrivateKey(t, signtest.RSA2048)
	ed := signtest.Ed25519PrivateKey(t, "k")
	for _, tc := range []struct {
		name string
		pub  crypto.PublicKey
		pss  bool
		want keys.Scheme
		err  error
	}{
		{"P-256", ec.Public(), false, keys.ECDSAP256SHA256, nil},
		{"RSA", rk.Public(), false, keys.RSAPKCS1v15SHA256, nil},
		{"RSA PSS", rk.Public(), true, keys.RSAPSSSHA256, nil},
		{"Ed25519", ed.Public(), false, keys.Ed25519, nil},
		{"PSS on ECDSA", ec.Public(), true, "", keys.ErrUnsupported},
		{"PSS on Ed25519", ed.Public(), true, "", keys.ErrUnsupported},
		{"nil", nil, false, "", keys.ErrMalformed},
		{"nil ECDSA", (*ecdsa.PublicKey)(nil), false, "", keys.ErrMalformed},
		{"ECDSA without curve", &ecdsa.PublicKey{}, false, "", keys.ErrMalformed},
		{"nil RSA", (*rsa.PublicKey)(nil), false, "", keys.ErrMalformed},
		{"RSA without modulus", &rsa.PublicKey{}, false, "", keys.ErrMalformed},
		{"short Ed25519", ed25519.PublicKey(make([]byte, 31)), false, "", keys.ErrMalformed},
		{"RSA-1024", signtest.RSAPrivateKey(t, signtest.RSA1024).Public(), false, "", keys.ErrUnsupported},
		{"P-224", signtest.ECDSAPrivateKey(t, elliptic.P224(), "k").Public(), false, "", keys.ErrUnsupported},
		{"private key", ec, false, "", keys.ErrUnsupported},
		{"string", "key", false, "", keys.ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := keys.SchemeFor(tc.pub, tc.pss)
			if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
}

func TestSchemeHash(t *testing.T) {
	for s, h := range map[keys.Scheme]crypto.Hash{
		keys.ECDSAP256SHA256: crypto.SHA256, keys.ECDSAP384SHA384: crypto.SHA384,
		keys.ECDSAP521SHA512: crypto.SHA512, keys.RSAPKCS1v15SHA256: crypto.SHA256,
		keys.RSAPSSSHA256: crypto.SHA256, keys.Ed25519: 0, "bogus": 0,
	} {
		if s.Hash() != h {
			t.Errorf("%s: hash %v, want %v", s, s.Hash(), h)
		}
	}
	if got := keys.Ed25519.Digest([]byte("m")); string(got) != "m" {
		t.Error("Ed25519 digest is not the message")
	}
	sum := sha256.Sum256([]byte("m"))
	if got := keys.ECDSAP256SHA256.Digest([]byte("m")); !bytes.Equal(got, sum[:]) {
		t.Error("P-256 digest is not SHA-256")
	}
}

// TestID checks the key id against an independent computation: SHA-256 of
// the PKIX DER.
func TestID(t *testing.T) {
	pub := signtest.ECDSAPrivateKey(t, elliptic.P256(), "k").Public()
	sum := sha256.Sum256(must(x509.MarshalPKIXPublicKey(pub)))
	if id := must(keys.ID(pub)); id != hex.EncodeToString(sum[:]) {
		t.Fatalf("id %s", id)
	}
	if _, err := keys.ID("not a key"); !errors.Is(err, keys.ErrUnsupported) {
		t.Fatalf("ID of a string: %v", err)
	}
}

// TestVerifySchemes covers the verification primitives: both ECDSA
// encodings, the digest form, the scheme/key consistency checks and the
// PKCS#1 v1.5 / PSS separation (SECURITY.md C54).
func TestVerifySchemes(t *testing.T) {
	msg := []byte("message")
	ec := signtest.ECDSAPrivateKey(t, elliptic.P256(), "k")
	ec384 := signtest.ECDSAPrivateKey(t, elliptic.P384(), "k")
	ed := signtest.Ed25519PrivateKey(t, "k")
	rk := signtest.RSAPrivateKey(t, signtest.RSA2048)

	der := must(keys.Sign(ec, keys.ECDSAP256SHA256, msg, false))
	raw := must(keys.Sign(ec, keys.ECDSAP256SHA256, msg, true))
	if len(raw) != 64 {
		t.Fatalf("raw P-256 signature of %d bytes", len(raw))
	}
	raw384 := must(keys.Sign(ec384, keys.ECDSAP384SHA384, msg, true))
	if len(raw384) != 96 {
		t.Fatalf("raw P-384 signature of %d bytes", len(raw384))
	}
	edSig := must(keys.Sign(ed, keys.Ed25519, msg, false))
	pkcs1 := must(keys.Sign(rk, keys.RSAPKCS1v15SHA256, msg, false))
	pss := must(keys.Sign(rk, keys.RSAPSSSHA256, msg, false))
	rsaRaw := must(keys.Sign(rk, keys.RSAPKCS1v15SHA256, msg, true)) // raw is ignored for RSA
	digest := sha256.Sum256(msg)

	for _, tc := range []struct {
		name   string
		pub    crypto.PublicKey
		scheme keys.Scheme
		sig    []byte
		err    error
	}{
		{"ECDSA DER", ec.Public(), keys.ECDSAP256SHA256, der, nil},
		{"ECDSA raw", ec.Public(), keys.ECDSAP256SHA256, raw, nil},
		{"ECDSA P-384 raw", ec384.Public(), keys.ECDSAP384SHA384, raw384, nil},
		{"ECDSA DER with trailing byte", ec.Public(), keys.ECDSAP256SHA256, append(bytes.Clone(der), 0), keys.ErrSignature},
		{"ECDSA raw one byte short", ec.Public(), keys.ECDSAP256SHA256, raw[:63], keys.ErrSignature},
		{"ECDSA empty", ec.Public(), keys.ECDSAP256SHA256, nil, keys.ErrSignature},
		{"ECDSA other key", ec384.Public(), keys.ECDSAP384SHA384, der, keys.ErrSignature},
		{"ECDSA key, P-384 scheme", ec.Public(), keys.ECDSAP384SHA384, der, keys.ErrSignature},
		{"Ed25519", ed.Public(), keys.Ed25519, edSig, nil},
		{"Ed25519 short", ed.Public(), keys.Ed25519, edSig[:63], keys.ErrSignature},
		{"Ed25519 scheme with ECDSA key", ec.Public(), keys.Ed25519, edSig, keys.ErrUnsupported},
		{"ECDSA scheme with Ed25519 key", ed.Public(), keys.ECDSAP256SHA256, der, keys.ErrUnsupported},
		{"RSA PKCS1", rk.Public(), keys.RSAPKCS1v15SHA256, pkcs1, nil},
		{"RSA raw option ignored", rk.Public(), keys.RSAPKCS1v15SHA256, rsaRaw, nil},
		{"RSA PSS", rk.Public(), keys.RSAPSSSHA256, pss, nil},
		{"C54 PSS signature, PKCS1 scheme", rk.Public(), keys.RSAPKCS1v15SHA256, pss, keys.ErrSignature},
		{"C54 PKCS1 signature, PSS scheme", rk.Public(), keys.RSAPSSSHA256, pkcs1, keys.ErrSignature},
		{"RSA scheme with ECDSA key", ec.Public(), keys.RSAPKCS1v15SHA256, pkcs1, keys.ErrUnsupported},
		{"PSS scheme with ECDSA key", ec.Public(), keys.RSAPSSSHA256, pkcs1, keys.ErrUnsupported},
		{"unknown scheme", ec.Public(), "PKIX_ECDSA_P256_SHA_1", der, keys.ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := keys.Verify(tc.pub, tc.scheme, msg, tc.sig)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tc.err)
			}
		})
	}

	// The digest form.
	if err := keys.VerifyDigest(ec.Public(), keys.ECDSAP256SHA256, digest[:], der); err != nil {
		t.Errorf("VerifyDigest: %v", err)
	}
	if err := keys.VerifyDigest(ec.Public(), keys.ECDSAP256SHA256, digest[:31], der); !errors.Is(err, keys.ErrSignature) {
		t.Errorf("short digest: %v", err)
	}
	if err := keys.VerifyDigest(ed.Public(), keys.Ed25519, digest[:], edSig); !errors.Is(err, keys.ErrUnsupported) {
		t.Errorf("Ed25519 digest: %v", err)
	}
	if _, err := keys.SignDigest(ed, keys.Ed25519, digest[:], false); !errors.Is(err, keys.ErrUnsupported) {
		t.Errorf("Ed25519 SignDigest: %v", err)
	}
	sig := must(keys.SignDigest(rk, keys.RSAPSSSHA256, digest[:], false))
	if err := keys.VerifyDigest(rk.Public(), keys.RSAPSSSHA256, digest[:], sig); err != nil {
		t.Errorf("PSS SignDigest: %v", err)
	}
}

// TestECDSAMalleatedSignatureVerifies documents that (r, n-s) is valid
// too: ECDSA signatures are malleable, which is why thresholds count keys,
// never signatures (see verify's C05 tests).
func TestECDSAMalleatedSignatureVerifies(t *testing.T) {
	k := signtest.ECDSAPrivateKey(t, elliptic.P256(), "k")
	msg := []byte("m")
	raw := must(keys.Sign(k, keys.ECDSAP256SHA256, msg, true))
	s := new(big.Int).SetBytes(raw[32:])
	s.Sub(elliptic.P256().Params().N, s)
	mall := append(bytes.Clone(raw[:32]), s.FillBytes(make([]byte, 32))...)
	if bytes.Equal(mall, raw) {
		t.Fatal("no change")
	}
	if err := keys.Verify(k.Public(), keys.ECDSAP256SHA256, msg, mall); err != nil {
		t.Fatalf("malleated signature: %v", err)
	}
}

// badSigner returns a malformed signature.
type badSigner struct{ crypto.Signer }

func (b badSigner) Sign(_ io.Reader, _ []byte, _ crypto.SignerOpts) ([]byte, error) {
	return []byte{1, 2, 3}, nil
}

func TestSignRawRejectsMalformedSignerOutput(t *testing.T) {
	k := signtest.ECDSAPrivateKey(t, elliptic.P256(), "k")
	if _, err := keys.Sign(badSigner{k}, keys.ECDSAP256SHA256, []byte("m"), true); err == nil {
		t.Fatal("raw conversion of a malformed DER signature succeeded")
	}
}

var oidEC = encasn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}

type algorithmIdentifier struct {
	Algorithm  encasn1.ObjectIdentifier
	Parameters encasn1.RawValue `asn1:"optional"`
}

func algID(alg, param encasn1.ObjectIdentifier) algorithmIdentifier {
	a := algorithmIdentifier{Algorithm: alg}
	if param != nil {
		a.Parameters.FullBytes = must(encasn1.Marshal(param))
	}
	return a
}

// spki builds a SubjectPublicKeyInfo with a junk key, for algorithms
// crypto/x509 cannot parse.
func spki(alg, param encasn1.ObjectIdentifier) []byte {
	return must(encasn1.Marshal(struct {
		Algorithm algorithmIdentifier
		PublicKey encasn1.BitString
	}{algID(alg, param), encasn1.BitString{Bytes: []byte{4, 1, 2}, BitLength: 24}}))
}

// pkcs8Info builds a PKCS#8 PrivateKeyInfo with a junk key.
func pkcs8Info(alg, param encasn1.ObjectIdentifier) []byte {
	return must(encasn1.Marshal(struct {
		Version    int
		Algorithm  algorithmIdentifier
		PrivateKey []byte
	}{0, algID(alg, param), []byte{1, 2, 3}}))
}
