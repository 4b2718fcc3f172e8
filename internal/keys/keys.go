// Package keys holds the key mechanics shared by package sign (private
// keys) and package verify (public keys): the allow-list of key types,
// signature schemes, key ids, and PEM parsing. Its errors are re-exported
// by both packages.
package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/chainmail-dev/chainmail/digest"
)

// Errors. Every error of this package wraps one of them.
var (
	// ErrUnsupported: a key type, size or curve outside the allow-list.
	ErrUnsupported = errors.New("unsupported key")
	// ErrMalformed: key bytes that do not parse.
	ErrMalformed = errors.New("malformed key")
	// ErrPassword: an encrypted key that the password does not open.
	ErrPassword = errors.New("wrong password or corrupted encrypted key")
)

// Scheme is a signature scheme: a key type with its hash and padding.
// The names are those of Sigstore's PublicKeyDetails.
type Scheme string

// The allowed schemes. RSA keys of 2048 to 4096 bits use SHA-256, as in
// Sigstore.
const (
	ECDSAP256SHA256   Scheme = "PKIX_ECDSA_P256_SHA_256"
	ECDSAP384SHA384   Scheme = "PKIX_ECDSA_P384_SHA_384"
	ECDSAP521SHA512   Scheme = "PKIX_ECDSA_P521_SHA_512"
	Ed25519           Scheme = "PKIX_ED25519"
	RSAPKCS1v15SHA256 Scheme = "PKIX_RSA_PKCS1V15_SHA256"
	RSAPSSSHA256      Scheme = "PKIX_RSA_PSS_SHA256"

	// ECDSAP384SHA256 and ECDSAP521SHA256 are in Sigstore's algorithm
	// registry (deprecated there): sigstore-python and other clients
	// signed with P-384 Fulcio keys over SHA-256 for years, and
	// sigstore-go still accepts them. A key never defaults to them; they
	// are accepted only through Compatible.
	ECDSAP384SHA256 Scheme = "PKIX_ECDSA_P384_SHA_256"
	ECDSAP521SHA256 Scheme = "PKIX_ECDSA_P521_SHA_256"
)

// Compatible returns the schemes a signature by a key of scheme s may
// use, s first: the other (key, hash) pairs of Sigstore's algorithm
// registry for the same key, never a hash weaker than SHA-256. Only
// ECDSA P-384 and P-521 keys have another (SHA-256).
func (s Scheme) Compatible() []Scheme {
	switch s {
	case ECDSAP384SHA384:
		return []Scheme{ECDSAP384SHA384, ECDSAP384SHA256}
	case ECDSAP521SHA512:
		return []Scheme{ECDSAP521SHA512, ECDSAP521SHA256}
	}
	return []Scheme{s}
}

// RSA key sizes accepted. Below 2048 bits is weak; above 8192 makes
// verification a denial-of-service lever.
const (
	MinRSABits = 2048
	MaxRSABits = 8192
)

// Hash returns the hash a scheme signs with; 0 for Ed25519, which signs
// the message itself.
func (s Scheme) Hash() crypto.Hash {
	switch s {
	case ECDSAP256SHA256, RSAPKCS1v15SHA256, RSAPSSSHA256, ECDSAP384SHA256, ECDSAP521SHA256:
		return crypto.SHA256
	case ECDSAP384SHA384:
		return crypto.SHA384
	case ECDSAP521SHA512:
		return crypto.SHA512
	}
	return 0
}

// SchemeFor returns the scheme for pub, checking it against the
// allow-list. RSA keys get PKCS#1 v1.5 unless pss is set; pss is an error
// for other keys.
func SchemeFor(pub crypto.PublicKey, pss bool) (Scheme, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if pss {
			return "", fmt.Errorf("%w: PSS applies to RSA keys, not ECDSA", ErrUnsupported)
		}
		if k == nil || k.Curve == nil {
			return "", fmt.Errorf("%w: nil ECDSA key", ErrMalformed)
		}
		switch k.Curve {
		case elliptic.P256():
			return ECDSAP256SHA256, nil
		case elliptic.P384():
			return ECDSAP384SHA384, nil
		case elliptic.P521():
			return ECDSAP521SHA512, nil
		}
		return "", fmt.Errorf("%w: ECDSA curve %s (want P-256, P-384 or P-521)", ErrUnsupported, k.Curve.Params().Name)
	case ed25519.PublicKey:
		if pss {
			return "", fmt.Errorf("%w: PSS applies to RSA keys, not Ed25519", ErrUnsupported)
		}
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: Ed25519 key of %d bytes", ErrMalformed, len(k))
		}
		return Ed25519, nil
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return "", fmt.Errorf("%w: nil RSA key", ErrMalformed)
		}
		if bits := k.N.BitLen(); bits < MinRSABits || bits > MaxRSABits {
			return "", fmt.Errorf("%w: RSA key of %d bits (want %d to %d)", ErrUnsupported, bits, MinRSABits, MaxRSABits)
		}
		if pss {
			return RSAPSSSHA256, nil
		}
		return RSAPKCS1v15SHA256, nil
	case nil:
		return "", fmt.Errorf("%w: nil key", ErrMalformed)
	}
	return "", fmt.Errorf("%w: key type %T", ErrUnsupported, pub)
}

// ID returns the key id of pub: the lowercase hex SHA-256 of its PKIX
// (SubjectPublicKeyInfo) DER encoding, the way Sigstore names log and
// authority keys. Equal keys have equal ids, whatever they are called.
func ID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:]), nil
}

// DigestAlgorithm returns the digest recorded for a message signed under
// s: the scheme's hash, and SHA-512 for Ed25519 (which signs the message
// itself), as Sigstore clients record it.
func (s Scheme) DigestAlgorithm() digest.Algorithm {
	switch s.Hash() {
	case crypto.SHA256:
		return digest.SHA256
	case crypto.SHA384:
		return digest.SHA384
	}
	return digest.SHA512
}

// Hint returns the key hint Sigstore clients (cosign, sigstore-go) write
// into a bundle for pub: the standard base64 of the SHA-256 of its PKIX DER
// encoding. It names the same key as ID, in their spelling.
func Hint(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

// Digest hashes message for scheme s. For Ed25519 it returns the message.
func (s Scheme) Digest(message []byte) []byte {
	h := s.Hash()
	if h == 0 {
		return message
	}
	hh := h.New()
	hh.Write(message)
	return hh.Sum(nil)
}
