package verify

import (
	"crypto"
	"fmt"

	"github.com/chainmail-dev/chainmail/internal/keys"
	"github.com/chainmail-dev/chainmail/internal/limits"
)

// PublicKey is a trusted verification key with its signature scheme. Its
// ID is derived from the key material, so the same key always has the
// same id, whatever a signature's keyid hint says.
type PublicKey struct {
	pub    crypto.PublicKey
	scheme keys.Scheme
	id     string
	hint   string // the Sigstore spelling of id: base64(SHA-256(PKIX DER))
}

// KeyOption configures a PublicKey.
type KeyOption func(*keyConfig)

type keyConfig struct{ pss bool }

// RSAPSS makes an RSA key verify PSS signatures instead of PKCS#1 v1.5. A
// key verifies one scheme only, so the two paddings are never confused
// (SECURITY.md C54).
func RSAPSS() KeyOption { return func(c *keyConfig) { c.pss = true } }

// NewPublicKey returns a trusted key for pub, which must be on the
// allow-list: ECDSA P-256/P-384/P-521, Ed25519, or RSA of 2048 to 8192
// bits.
func NewPublicKey(pub crypto.PublicKey, opts ...KeyOption) (*PublicKey, error) {
	var c keyConfig
	for _, o := range opts {
		o(&c)
	}
	scheme, err := keys.SchemeFor(pub, c.pss)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	id, err := keys.ID(pub)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	hint, err := keys.Hint(pub)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return &PublicKey{pub: pub, scheme: scheme, id: id, hint: hint}, nil
}

// ParsePublicKey parses a PEM public key (PKIX "PUBLIC KEY", or PKCS#1
// "RSA PUBLIC KEY"). Certificates are refused: a key is trusted as a key.
func ParsePublicKey(pemBytes []byte, opts ...KeyOption) (*PublicKey, error) {
	pub, err := keys.ParsePublic(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return NewPublicKey(pub, opts...)
}

// LoadPublicKey reads and parses a PEM public key file.
func LoadPublicKey(path string, opts ...KeyOption) (*PublicKey, error) {
	data, err := limits.ReadFile(path, 64<<10)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	k, err := ParsePublicKey(data, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return k, nil
}

// ID returns the key id: the lowercase hex SHA-256 of the PKIX DER
// encoding of the key.
func (k *PublicKey) ID() string { return k.id }

// Public returns the key.
func (k *PublicKey) Public() crypto.PublicKey { return k.pub }

// Scheme returns the signature scheme, named as in Sigstore's
// PublicKeyDetails, e.g. "PKIX_ECDSA_P256_SHA_256".
func (k *PublicKey) Scheme() string { return string(k.scheme) }

// verify checks sig over message.
func (k *PublicKey) verify(message, sig []byte) error {
	return keys.Verify(k.pub, k.scheme, message, sig)
}

// plausible reports whether a signature of this length could come from k,
// so hopeless verifications are skipped.
func (k *PublicKey) plausible(sigLen int) bool {
	switch k.scheme {
	case keys.Ed25519:
		return sigLen == 64
	case keys.RSAPKCS1v15SHA256, keys.RSAPSSSHA256:
		return sigLen == (k.bits()+7)/8
	case keys.ECDSAP256SHA256:
		return sigLen >= 8 && sigLen <= 72
	case keys.ECDSAP384SHA384:
		return sigLen >= 8 && sigLen <= 104
	case keys.ECDSAP521SHA512:
		return sigLen >= 8 && sigLen <= 139
	}
	return false
}

func (k *PublicKey) bits() int {
	type sizer interface{ Size() int }
	if s, ok := k.pub.(sizer); ok {
		return s.Size() * 8
	}
	return 0
}
