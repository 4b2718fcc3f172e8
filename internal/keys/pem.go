package keys

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/encrypted"

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
// scrypt (whose parameters it also pins).
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
	if password == nil {
		return nil, fmt.Errorf("%w: the key is encrypted and no password was given", ErrPassword)
	}
	pw, err := password()
	if err != nil {
		return nil, fmt.Errorf("%w: reading password: %v", ErrPassword, err)
	}
	der, err := encrypted.Decrypt(body, pw)
	if err != nil {
		if err.Error() == "unsupported scrypt parameters" {
			return nil, fmt.Errorf("%w: scrypt parameters N=%d r=%d p=%d", ErrUnsupported, ck.KDF.Params.N, ck.KDF.Params.R, ck.KDF.Params.P)
		}
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
