package digest

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// Errors returned by this package. Each error wraps exactly one of them.
var (
	// ErrMalformed: a digest or digest set is not in canonical form.
	ErrMalformed = errors.New("digest: malformed")
	// ErrUnsupportedAlgorithm: the algorithm is not one this package computes.
	ErrUnsupportedAlgorithm = errors.New("digest: unsupported algorithm")
	// ErrMismatch: an artifact does not have the digest that was claimed.
	ErrMismatch = errors.New("digest: mismatch")
	// ErrNoAcceptedAlgorithm: a digest set names no algorithm this package
	// accepts for matching (sha256, sha384, sha512).
	ErrNoAcceptedAlgorithm = errors.New("digest: no accepted algorithm")
)

// Algorithm names a hash function, spelled as in an in-toto DigestSet.
type Algorithm string

// The algorithms this package computes and accepts for matching.
const (
	// SHA256 is SHA-256, the usual in-toto digest; sums are 32 bytes.
	SHA256 Algorithm = "sha256"
	// SHA384 is SHA-384, of the SHA-512 family; sums are 48 bytes.
	SHA384 Algorithm = "sha384"
	// SHA512 is SHA-512; sums are 64 bytes.
	SHA512 Algorithm = "sha512"
)

// Algorithms lists the supported algorithms from weakest to strongest.
func Algorithms() []Algorithm { return []Algorithm{SHA256, SHA384, SHA512} }

// Supported reports whether a is one of the algorithms this package computes.
func (a Algorithm) Supported() bool { return a.Size() != 0 }

// Size returns the length in bytes of a's sums, or 0 for an unsupported
// algorithm.
func (a Algorithm) Size() int {
	switch a {
	case SHA256:
		return sha256.Size
	case SHA384:
		return sha512.Size384
	case SHA512:
		return sha512.Size
	}
	return 0
}

// New returns a new hash.Hash computing a. It returns nil for an
// unsupported algorithm.
func (a Algorithm) New() hash.Hash {
	switch a {
	case SHA256:
		return sha256.New()
	case SHA384:
		return sha512.New384()
	case SHA512:
		return sha512.New()
	}
	return nil
}

// String returns the algorithm's name.
func (a Algorithm) String() string { return string(a) }

// strength orders the supported algorithms; 0 means unsupported.
func (a Algorithm) strength() int {
	switch a {
	case SHA256:
		return 1
	case SHA384:
		return 2
	case SHA512:
		return 3
	}
	return 0
}

// Digest is the output of one supported hash function, as a comparable
// value: two Digests are == exactly when they name the same algorithm and
// the same bytes, so a Digest works as a map key. The zero Digest is
// invalid: it prints as "" and marshals to an error.
//
// Its text form is "alg:hex" with lowercase hex, e.g.
// "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".
type Digest struct {
	alg Algorithm
	hex string // lowercase, exactly 2*alg.Size() characters
}

// New returns the Digest of algorithm alg with the given sum.
func New(alg Algorithm, sum []byte) (Digest, error) {
	if !alg.Supported() {
		return Digest{}, fmt.Errorf("%w %q", ErrUnsupportedAlgorithm, truncate(string(alg)))
	}
	if len(sum) != alg.Size() {
		return Digest{}, fmt.Errorf("%w: %s sum is %d bytes, want %d", ErrMalformed, alg, len(sum), alg.Size())
	}
	return Digest{alg: alg, hex: hex.EncodeToString(sum)}, nil
}

// FromBytes returns the Digest of data under alg.
func FromBytes(data []byte, alg Algorithm) (Digest, error) {
	h := alg.New()
	if h == nil {
		return Digest{}, fmt.Errorf("%w %q", ErrUnsupportedAlgorithm, truncate(string(alg)))
	}
	h.Write(data)
	return Digest{alg: alg, hex: hex.EncodeToString(h.Sum(nil))}, nil
}

// Parse parses the canonical text form "alg:hex". The hex must be
// lowercase and of exactly the algorithm's length: prefixes, upper case,
// white space and unknown algorithms are rejected.
func Parse(s string) (Digest, error) {
	algName, hx, ok := strings.Cut(s, ":")
	if !ok {
		return Digest{}, fmt.Errorf("%w: %q has no algorithm prefix", ErrMalformed, truncate(s))
	}
	return FromHex(Algorithm(algName), hx)
}

// FromHex returns the Digest of algorithm alg whose sum is the lowercase
// hex string hx.
func FromHex(alg Algorithm, hx string) (Digest, error) {
	if !alg.Supported() {
		return Digest{}, fmt.Errorf("%w %q", ErrUnsupportedAlgorithm, truncate(string(alg)))
	}
	if err := checkHex(hx, alg.Size()); err != nil {
		return Digest{}, fmt.Errorf("%w: %s value: %v", ErrMalformed, alg, err)
	}
	return Digest{alg: alg, hex: hx}, nil
}

// Algorithm returns the digest's algorithm.
func (d Digest) Algorithm() Algorithm { return d.alg }

// Hex returns the sum as lowercase hex.
func (d Digest) Hex() string { return d.hex }

// Bytes returns a copy of the sum.
func (d Digest) Bytes() []byte {
	b, _ := hex.DecodeString(d.hex)
	return b
}

// IsZero reports whether d is the zero Digest.
func (d Digest) IsZero() bool { return d.alg == "" }

// String returns "alg:hex", or "" for the zero Digest.
func (d Digest) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.alg) + ":" + d.hex
}

// MarshalText implements encoding.TextMarshaler; JSON uses it too.
func (d Digest) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return nil, fmt.Errorf("%w: zero Digest", ErrMalformed)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with the rules of Parse.
func (d *Digest) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// checkHex accepts exactly 2*size lowercase hex characters.
func checkHex(hx string, size int) error {
	if len(hx) != 2*size {
		return fmt.Errorf("%d hex characters, want %d", len(hx), 2*size)
	}
	for i := 0; i < len(hx); i++ {
		c := hx[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("character %d is not lowercase hex", i)
		}
	}
	return nil
}

// truncate keeps untrusted text short in error messages.
func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
