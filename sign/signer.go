package sign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/chainmail-dev/chainmail/internal/keys"
)

// Signer signs messages with one key. It is all an adapter for a KMS, an
// HSM or a remote signing service has to implement.
//
// Sign receives the whole message (for DSSE, the PAE encoding) and
// returns the signature; hashing, if the key's scheme hashes, is the
// signer's job. Public returns the key that verifies the signatures.
type Signer interface {
	// Public returns the public key that verifies the signatures.
	Public() crypto.PublicKey
	// Sign returns the signature of message, hashing it first if the
	// key's scheme hashes.
	Sign(ctx context.Context, message []byte) ([]byte, error)
}

// DigestSigner is an optional interface of a Signer that can sign a
// digest it did not compute, so large artifacts are hashed as a stream
// instead of being held in memory. hash is the key's scheme hash.
type DigestSigner interface {
	Signer
	// SignDigest returns the signature of the message whose hash sum,
	// computed by the caller, is digest.
	SignDigest(ctx context.Context, hash crypto.Hash, digest []byte) ([]byte, error)
}

// KeyIDer is an optional interface of a Signer that names its key. A
// non-empty id goes into DSSE signatures as their keyid and into bundles
// as the key hint; it is a hint for the verifier, never a trust decision.
// Without one, DSSE signatures carry no keyid (as cosign writes them:
// verifiers built on go-securesystemslib skip a signature whose keyid is
// not the one they compute) and bundles carry the Sigstore hint,
// base64(SHA-256(PKIX DER)), as cosign and sigstore-go write it.
type KeyIDer interface {
	// KeyID returns the key's id; "" means none, as if the signer did not
	// implement KeyIDer.
	KeyID() string
}

// Errors. Key errors are shared with package verify.
var (
	// ErrUnsupportedKey: a key type, curve or size outside the allow-list
	// (ECDSA P-256/P-384/P-521, Ed25519, RSA of 2048 to 8192 bits).
	ErrUnsupportedKey = keys.ErrUnsupported
	// ErrMalformedKey: key bytes that do not parse.
	ErrMalformedKey = keys.ErrMalformed
	// ErrPassword: an encrypted key the password does not open.
	ErrPassword = keys.ErrPassword
	// ErrNoSigner: a signing call without a usable signer.
	ErrNoSigner = errors.New("sign: no signer")
	// ErrSigner: the signer failed; the error wraps its cause.
	ErrSigner = errors.New("sign: signer failed")
)

// KeySigner is a Signer backed by a crypto.Signer whose key is on the
// allow-list. It is safe for concurrent use. It implements DigestSigner
// (except for Ed25519 keys, which sign messages) and KeyIDer.
type KeySigner struct {
	key    crypto.Signer
	scheme keys.Scheme
	id     string // canonical: hex SHA-256 of the PKIX DER
	keyID  string // the hint to write, "" for none
	raw    bool
}

// SignerOption configures NewSigner.
type SignerOption func(*KeySigner) error

// WithRSAPSS makes an RSA key sign with PSS instead of PKCS#1 v1.5.
func WithRSAPSS() SignerOption {
	return func(s *KeySigner) error {
		scheme, err := keys.SchemeFor(s.key.Public(), true)
		if err != nil {
			return err
		}
		s.scheme = scheme
		return nil
	}
}

// WithRawECDSA makes an ECDSA key emit raw r||s signatures instead of
// ASN.1 DER, as the DSSE reference implementation does. Verifiers of this
// module accept both.
func WithRawECDSA() SignerOption {
	return func(s *KeySigner) error {
		if _, ok := s.key.Public().(*ecdsa.PublicKey); !ok {
			return fmt.Errorf("%w: raw signatures apply to ECDSA keys", ErrUnsupportedKey)
		}
		s.raw = true
		return nil
	}
}

// WithKeyID sets the key id written into DSSE signatures and bundle
// hints, for verifiers that look keys up by id (a KMS key name, say). By
// default DSSE signatures carry none (see KeyIDer).
func WithKeyID(id string) SignerOption {
	return func(s *KeySigner) error {
		s.keyID = id
		return nil
	}
}

// NewSigner returns a Signer for key. The key must be on the allow-list.
func NewSigner(key crypto.Signer, opts ...SignerOption) (*KeySigner, error) {
	if key == nil {
		return nil, ErrNoSigner
	}
	scheme, err := keys.SchemeFor(key.Public(), false)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	id, err := keys.ID(key.Public())
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	s := &KeySigner{key: key, scheme: scheme, id: id}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
	}
	return s, nil
}

// Public returns the public key.
func (s *KeySigner) Public() crypto.PublicKey { return s.key.Public() }

// KeyID returns the key id hint set by WithKeyID, "" by default.
func (s *KeySigner) KeyID() string { return s.keyID }

// ID returns the key's canonical id: the lowercase hex SHA-256 of its PKIX
// DER encoding, the id package verify reports (see KeyID, the function).
func (s *KeySigner) ID() string { return s.id }

// Scheme returns the signature scheme, named as in Sigstore's
// PublicKeyDetails, e.g. "PKIX_ECDSA_P256_SHA_256".
func (s *KeySigner) Scheme() string { return string(s.scheme) }

// Sign signs message. The context is not used: local keys do no I/O.
func (s *KeySigner) Sign(_ context.Context, message []byte) ([]byte, error) {
	sig, err := keys.Sign(s.key, s.scheme, message, s.raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSigner, err)
	}
	return sig, nil
}

// SignDigest signs a digest made with the scheme's hash.
func (s *KeySigner) SignDigest(_ context.Context, hash crypto.Hash, digest []byte) ([]byte, error) {
	if hash != s.scheme.Hash() {
		return nil, fmt.Errorf("%w: %s signs %v digests, not %v", ErrSigner, s.scheme, s.scheme.Hash(), hash)
	}
	sig, err := keys.SignDigest(s.key, s.scheme, digest, s.raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSigner, err)
	}
	return sig, nil
}

// KeyID returns the key id of a public key: the lowercase hex SHA-256 of
// its PKIX DER encoding, the way Sigstore names keys. It is the id
// package verify reports for the keys that signed.
func KeyID(pub crypto.PublicKey) (string, error) {
	id, err := keys.ID(pub)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return id, nil
}

// keyIDOf returns the DSSE keyid a signer writes: its own, or none.
func keyIDOf(s Signer) string {
	if k, ok := s.(KeyIDer); ok {
		return k.KeyID()
	}
	return ""
}

// bundleHint returns the key hint a signer's bundles carry: its own id, or
// the Sigstore hint of its public key.
func bundleHint(s Signer) string {
	if id := keyIDOf(s); id != "" {
		return id
	}
	h, _ := keys.Hint(s.Public())
	return h
}

// KeyType names a kind of key for GenerateKey.
type KeyType string

// Key types for GenerateKey.
const (
	// ECDSAP256 is ECDSA on NIST P-256, the key cosign generates.
	ECDSAP256 KeyType = "ecdsa-p256"
	// ECDSAP384 is ECDSA on NIST P-384.
	ECDSAP384 KeyType = "ecdsa-p384"
	// ECDSAP521 is ECDSA on NIST P-521.
	ECDSAP521 KeyType = "ecdsa-p521"
	// Ed25519 is an Ed25519 key.
	Ed25519 KeyType = "ed25519"
	// RSA2048 is a 2048-bit RSA key.
	RSA2048 KeyType = "rsa-2048"
	// RSA3072 is a 3072-bit RSA key.
	RSA3072 KeyType = "rsa-3072"
	// RSA4096 is a 4096-bit RSA key.
	RSA4096 KeyType = "rsa-4096"
)

// GenerateKey returns a new private key of type t from crypto/rand.
// ECDSAP256 is the usual choice; it is what cosign generates.
func GenerateKey(t KeyType) (crypto.Signer, error) {
	switch t {
	case ECDSAP256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case ECDSAP384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case ECDSAP521:
		return ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case Ed25519:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case RSA4096:
		return rsa.GenerateKey(rand.Reader, 4096)
	}
	return nil, fmt.Errorf("sign: %w: key type %q", ErrUnsupportedKey, string(t))
}

// PasswordFunc returns the password of an encrypted key; it is called only
// when the key is encrypted.
type PasswordFunc = func() ([]byte, error)

// LoadPrivateKey parses a PEM private key: PKCS#8, SEC1 ("EC PRIVATE
// KEY"), PKCS#1 ("RSA PRIVATE KEY"), or cosign's encrypted format
// ("ENCRYPTED SIGSTORE PRIVATE KEY", also the older "ENCRYPTED COSIGN
// PRIVATE KEY"), whose password comes from password (which may be nil for
// unencrypted keys).
func LoadPrivateKey(pemBytes []byte, password PasswordFunc) (crypto.Signer, error) {
	k, err := keys.ParsePrivate(pemBytes, password)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return k, nil
}

// MarshalPrivateKey returns key as unencrypted PKCS#8 PEM.
func MarshalPrivateKey(key crypto.Signer) ([]byte, error) {
	b, err := keys.MarshalPrivate(key)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return b, nil
}

// EncryptPrivateKey returns key in cosign's encrypted format (scrypt and
// NaCl secretbox), which cosign and LoadPrivateKey read.
func EncryptPrivateKey(key crypto.Signer, password []byte) ([]byte, error) {
	b, err := keys.EncryptCosign(key, password)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return b, nil
}

// MarshalPublicKey returns pub as PKIX PEM ("PUBLIC KEY"), the format
// verify.ParsePublicKey and cosign read.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	b, err := keys.MarshalPublic(pub)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return b, nil
}

var (
	_ DigestSigner = (*KeySigner)(nil)
	_ KeyIDer      = (*KeySigner)(nil)
)
