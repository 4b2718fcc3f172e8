package keys

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	encasn1 "encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/encrypted"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

// PEM block types.
const (
	pemPublic         = "PUBLIC KEY"
	pemRSAPublic      = "RSA PUBLIC KEY"
	pemPKCS8          = "PRIVATE KEY"
	pemSEC1           = "EC PRIVATE KEY"
	pemPKCS1          = "RSA PRIVATE KEY"
	pemPKCS8Encrypted = "ENCRYPTED PRIVATE KEY"
	pemSigstoreEncKey = "ENCRYPTED SIGSTORE PRIVATE KEY"
	pemCosignEncKey   = "ENCRYPTED COSIGN PRIVATE KEY"
	pemCertificate    = "CERTIFICATE"
	maxCosignKeyJSON  = 16 << 10
)

// PasswordFunc returns the password of an encrypted key. It is called only
// for encrypted keys.
type PasswordFunc func() ([]byte, error)

// onePEM decodes exactly one PEM block with nothing but white space
// around it and no headers.
func onePEM(data []byte) (*pem.Block, error) {
	if len(data) > limits.MaxKeyBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrMalformed, len(data), limits.MaxKeyBytes)
	}
	// pem.Decode skips anything before a block, broken blocks included; a
	// key file is one block and nothing else.
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("-----BEGIN ")) {
		return nil, fmt.Errorf("%w: no PEM block at the start of the data", ErrMalformed)
	}
	if bytes.Count(data, []byte("-----BEGIN ")) != 1 {
		return nil, fmt.Errorf("%w: more than one PEM block", ErrMalformed)
	}
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block found", ErrMalformed)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("%w: data after the PEM block", ErrMalformed)
	}
	if len(block.Headers) != 0 {
		return nil, fmt.Errorf("%w: PEM headers (legacy OpenSSL encryption) are not supported", ErrUnsupported)
	}
	return block, nil
}

// ParsePublic parses a PEM public key: PKIX "PUBLIC KEY" or PKCS#1 "RSA
// PUBLIC KEY". A certificate is refused: a key and a certificate carry
// different trust, and one is never taken for the other (SECURITY.md
// C40). The key must be on the allow-list (see SchemeFor).
func ParsePublic(data []byte) (crypto.PublicKey, error) {
	block, err := onePEM(data)
	if err != nil {
		return nil, err
	}
	var pub crypto.PublicKey
	switch block.Type {
	case pemPublic:
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case pemRSAPublic:
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case pemCertificate:
		return nil, fmt.Errorf("%w: PEM block is a certificate, not a public key", ErrMalformed)
	default:
		return nil, fmt.Errorf("%w: PEM block type %q is not a public key", ErrMalformed, truncate(block.Type))
	}
	if err != nil {
		if block.Type == pemPublic {
			if alg, ok := offListAlgorithm(block.Bytes, false); ok {
				return nil, fmt.Errorf("%w: public key algorithm %s", ErrUnsupported, alg)
			}
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := SchemeFor(pub, false); err != nil {
		return nil, err
	}
	return pub, nil
}

// ParsePrivate parses a PEM private key: PKCS#8, SEC1 or PKCS#1, or
// cosign's encrypted format (scrypt + NaCl secretbox around PKCS#8, PEM
// type "ENCRYPTED SIGSTORE PRIVATE KEY" or "ENCRYPTED COSIGN PRIVATE KEY"),
// whose password comes from password. The key must be on the allow-list.
func ParsePrivate(data []byte, password PasswordFunc) (crypto.Signer, error) {
	block, err := onePEM(data)
	if err != nil {
		return nil, err
	}
	var key any
	switch block.Type {
	case pemPKCS8:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case pemSEC1:
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case pemPKCS1:
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case pemSigstoreEncKey, pemCosignEncKey:
		if key, err = decryptCosign(block.Bytes, password); err != nil {
			return nil, err // already categorized
		}
	case pemPKCS8Encrypted:
		return nil, fmt.Errorf("%w: encrypted PKCS#8 keys; decrypt with openssl, or use cosign's format", ErrUnsupported)
	default:
		return nil, fmt.Errorf("%w: PEM block type %q is not a private key", ErrMalformed, truncate(block.Type))
	}
	if err != nil {
		if block.Type == pemPKCS8 {
			if alg, ok := offListAlgorithm(block.Bytes, true); ok {
				return nil, fmt.Errorf("%w: private key algorithm %s", ErrUnsupported, alg)
			}
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: key type %T", ErrUnsupported, key)
	}
	if _, err := SchemeFor(signer.Public(), false); err != nil {
		return nil, err
	}
	if k, ok := key.(*rsa.PrivateKey); ok {
		if err := k.Validate(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	return signer, nil
}

// cosignKey is the JSON inside cosign's encrypted PEM, checked before
// go-securesystemslib sees it so that oversized or odd input never reaches
// scrypt, and tampered scrypt parameters are refused before the password
// is even asked for.
type cosignKey struct {
	KDF struct {
		Name   string `json:"name"`
		Params struct {
			N int `json:"N"`
			R int `json:"r"`
			P int `json:"p"`
		} `json:"params"`
		Salt []byte `json:"salt"`
	} `json:"kdf"`
	Cipher struct {
		Name  string `json:"name"`
		Nonce []byte `json:"nonce"`
	} `json:"cipher"`
	Ciphertext []byte `json:"ciphertext"`
}

func decryptCosign(body []byte, password PasswordFunc) (any, error) {
	if len(body) > maxCosignKeyJSON {
		return nil, fmt.Errorf("%w: encrypted key of %d bytes, limit %d", ErrMalformed, len(body), maxCosignKeyJSON)
	}
	var ck cosignKey
	if err := json.Unmarshal(body, &ck); err != nil {
		return nil, fmt.Errorf("%w: encrypted key: %v", ErrMalformed, err)
	}
	if ck.KDF.Name != "scrypt" || ck.Cipher.Name != "nacl/secretbox" {
		return nil, fmt.Errorf("%w: encrypted key uses kdf %q and cipher %q (want scrypt, nacl/secretbox)", ErrUnsupported, truncate(ck.KDF.Name), truncate(ck.Cipher.Name))
	}
	// Pin the scrypt cost before asking for a password: tampered
	// parameters (N=2^30) would otherwise cost gigabytes and minutes.
	// These are the three parameter sets go-securesystemslib writes.
	switch p := ck.KDF.Params; {
	case p.R == 8 && p.P == 1 && (p.N == 1<<15 || p.N == 1<<16 || p.N == 1<<17):
	default:
		return nil, fmt.Errorf("%w: scrypt parameters N=%d r=%d p=%d", ErrUnsupported, p.N, p.R, p.P)
	}
	if len(ck.KDF.Salt) == 0 || len(ck.Cipher.Nonce) != 24 || len(ck.Ciphertext) == 0 {
		return nil, fmt.Errorf("%w: encrypted key has a salt of %d bytes, a nonce of %d bytes and %d bytes of ciphertext", ErrMalformed, len(ck.KDF.Salt), len(ck.Cipher.Nonce), len(ck.Ciphertext))
	}
	if password == nil {
		return nil, fmt.Errorf("%w: the key is encrypted and no password was given", ErrPassword)
	}
	pw, err := password()
	if err != nil {
		return nil, fmt.Errorf("%w: reading password: %v", ErrPassword, err)
	}
	der, err := encrypted.Decrypt(body, pw)
	if err != nil {
		// The structure was checked above: what is left is a wrong
		// password or a corrupted ciphertext, which secretbox cannot tell
		// apart.
		return nil, fmt.Errorf("%w", ErrPassword)
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: decrypted key: %v", ErrMalformed, err)
	}
	return key, nil
}

// MarshalPrivate returns a PKCS#8 PEM encoding of key.
func MarshalPrivate(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPKCS8, Bytes: der}), nil
}

// EncryptCosign returns key in cosign's encrypted format, readable by
// cosign and by ParsePrivate.
func EncryptCosign(key crypto.Signer, password []byte) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	body, err := encrypted.Encrypt(der, password)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemSigstoreEncKey, Bytes: body}), nil
}

// MarshalPublic returns a PKIX PEM encoding of pub.
func MarshalPublic(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: der}), nil
}

func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// Object identifiers of the allow-list's key algorithms and curves.
var (
	oidRSA     = encasn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidEd25519 = encasn1.ObjectIdentifier{1, 3, 101, 112}
	oidEC      = encasn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidP256    = encasn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384    = encasn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidP521    = encasn1.ObjectIdentifier{1, 3, 132, 0, 35}
)

// offListAlgorithm tells a well-formed key of an algorithm or curve outside
// the allow-list (secp256k1, DSA, X25519, ...) from a malformed one, after
// crypto/x509 failed to parse it, so that the caller gets ErrUnsupported
// rather than ErrMalformed. der is a SubjectPublicKeyInfo or, with
// private set, a PKCS#8 PrivateKeyInfo. It returns the OID it objects to.
func offListAlgorithm(der []byte, private bool) (string, bool) {
	in := cryptobyte.String(der)
	var info, alg cryptobyte.String
	if !in.ReadASN1(&info, asn1.SEQUENCE) || !in.Empty() {
		return "", false
	}
	if private {
		var version int
		if !info.ReadASN1Integer(&version) {
			return "", false
		}
	}
	var oid encasn1.ObjectIdentifier
	if !info.ReadASN1(&alg, asn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
		return "", false
	}
	switch {
	case oid.Equal(oidRSA), oid.Equal(oidEd25519):
		return "", false // on the list: the failure is malformation
	case oid.Equal(oidEC):
		var curve encasn1.ObjectIdentifier
		if !alg.ReadASN1ObjectIdentifier(&curve) {
			return "", false
		}
		if curve.Equal(oidP256) || curve.Equal(oidP384) || curve.Equal(oidP521) {
			return "", false
		}
		return "EC curve " + curve.String(), true
	}
	return oid.String(), true
}
