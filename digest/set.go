package digest

import (
	"fmt"
	"sort"
	"strings"
)

// MaxSetSize bounds the entries of a Set accepted by [Set.Validate].
const MaxSetSize = 32

// maxEntryLen bounds the key and value of one Set entry.
const maxEntryLen = 512

// Set is an in-toto DigestSet: algorithm name to encoded digest, e.g.
// {"sha256": "e3b0…", "gitCommit": "7fd1…"}. It is the JSON object of the
// in-toto ResourceDescriptor "digest" field and marshals as such.
//
// A Set may hold algorithms this package does not compute (gitCommit,
// sha1, …). Only sha256, sha384 and sha512 take part in [Set.Match].
type Set map[string]string

// NewSet returns a Set holding the given digests. Zero digests are skipped.
func NewSet(ds ...Digest) Set {
	s := make(Set, len(ds))
	for _, d := range ds {
		if !d.IsZero() {
			s[string(d.alg)] = d.hex
		}
	}
	return s
}

// hexSizes gives the byte length of the algorithms the in-toto DigestSet
// spec names as lowercase hex (spec/v1/digest_set.md). Values of these
// algorithms must be canonical hex of exactly that length.
var hexSizes = map[string]int{
	"sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64,
	"sha512_224": 28, "sha512_256": 32,
	"sha3_224": 28, "sha3_256": 32, "sha3_384": 48, "sha3_512": 64,
	"shake128": 32, "shake256": 64,
	"blake2b": 64, "blake2s": 32,
	"ripemd160": 20, "sm3": 32, "gost": 32,
	"sha1": 20, "md5": 16,
}

// Validate checks that s is a well-formed DigestSet: non-empty, at most
// MaxSetSize entries, every key non-empty, and every value of a known hex
// algorithm lowercase hex of the algorithm's length. Values of other
// algorithms (gitCommit, dirHash, …) must be non-empty and printable.
func (s Set) Validate() error {
	if len(s) == 0 {
		return fmt.Errorf("%w: empty digest set", ErrMalformed)
	}
	if len(s) > MaxSetSize {
		return fmt.Errorf("%w: %d digests in one set, limit %d", ErrMalformed, len(s), MaxSetSize)
	}
	for _, k := range s.algorithms() {
		v := s[k]
		switch {
		case k == "":
			return fmt.Errorf("%w: empty algorithm name", ErrMalformed)
		case len(k) > maxEntryLen || len(v) > maxEntryLen:
			return fmt.Errorf("%w: digest entry longer than %d bytes", ErrMalformed, maxEntryLen)
		case v == "":
			return fmt.Errorf("%w: empty %q digest", ErrMalformed, truncate(k))
		}
		if n, ok := hexSizes[k]; ok {
			if err := checkHex(v, n); err != nil {
				return fmt.Errorf("%w: %s value: %v", ErrMalformed, k, err)
			}
			continue
		}
		if k == "gitCommit" || k == "gitTree" || k == "gitBlob" || k == "gitTag" {
			if err := checkHex(v, len(v)/2); err != nil || (len(v) != 40 && len(v) != 64) {
				return fmt.Errorf("%w: %s value is not a 40 or 64 character lowercase hex object id", ErrMalformed, k)
			}
			continue
		}
		for i := 0; i < len(v); i++ {
			if v[i] <= ' ' || v[i] >= 0x7f {
				return fmt.Errorf("%w: %q value has a non-printable character", ErrMalformed, truncate(k))
			}
		}
	}
	return nil
}

// Get returns the Digest for a supported algorithm, if s holds a canonical
// value for it.
func (s Set) Get(alg Algorithm) (Digest, bool) {
	v, ok := s[string(alg)]
	if !ok {
		return Digest{}, false
	}
	d, err := FromHex(alg, v)
	return d, err == nil
}

// Strongest returns the strongest supported algorithm in s, or "" if there
// is none.
func (s Set) Strongest() Algorithm {
	best := Algorithm("")
	for k := range s {
		if a := Algorithm(k); a.strength() > best.strength() {
			best = a
		}
	}
	return best
}

// Supported returns the supported algorithms present in s, weakest first.
func (s Set) Supported() []Algorithm {
	var out []Algorithm
	for _, a := range Algorithms() {
		if _, ok := s[string(a)]; ok {
			out = append(out, a)
		}
	}
	return out
}

// Contains reports whether s holds d.
func (s Set) Contains(d Digest) bool {
	return !d.IsZero() && s[string(d.alg)] == d.hex
}

// Match checks that the claimed set s (a statement subject, say) describes
// the artifact whose digests were computed locally as actual, and returns
// the entries that were compared. It is MatchWith without extra
// algorithms.
func (s Set) Match(actual Set) (Set, error) { return s.MatchWith(actual) }

// MatchWith is Match that also accepts the algorithms named in extra, for
// identifiers the caller vouches for, such as slsa-verifier's
// "gce_image_id". It returns the entries of s that were compared; all of
// them matched.
//
// The rules close the downgrade and confusion attacks of SECURITY.md
// C14-C16 (go-witness GHSA-pgpm):
//   - s must be valid (see Validate) and name at least one accepted
//     algorithm: sha256, sha384, sha512 or one of extra. Others (sha1, md5,
//     gitCommit, …) never count;
//   - every accepted algorithm present in both sets must match: one wrong
//     digest fails the match even if another is right;
//   - the strongest of sha256/sha384/sha512 in s, if any, must be present in
//     actual and match, so a claim can't be satisfied by checking a weaker
//     digest; with none of them, at least one extra algorithm must be
//     compared.
//
// Comparison is of the full canonical value, never a prefix.
func (s Set) MatchWith(actual Set, extra ...string) (Set, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	accepted := func(k string) bool {
		if Algorithm(k).Supported() {
			return true
		}
		for _, e := range extra {
			if k == e {
				return true
			}
		}
		return false
	}
	var claimed []string
	for _, k := range s.algorithms() {
		if accepted(k) {
			claimed = append(claimed, k)
		}
	}
	if len(claimed) == 0 {
		return nil, fmt.Errorf("%w: claimed set has only %s", ErrNoAcceptedAlgorithm, truncate(strings.Join(s.algorithms(), ", ")))
	}
	if strongest := s.Strongest(); strongest != "" {
		if _, ok := actual[string(strongest)]; !ok {
			return nil, fmt.Errorf("%w: the strongest claimed algorithm, %s, was not computed for the artifact", ErrMismatch, strongest)
		}
	}
	matched := Set{}
	for _, k := range claimed {
		got, ok := actual[k]
		if !ok {
			continue
		}
		if got != s[k] {
			return nil, &MismatchError{Algorithm: Algorithm(k), Claimed: s[k], Actual: got}
		}
		matched[k] = got
	}
	if len(matched) == 0 {
		return nil, fmt.Errorf("%w: no claimed algorithm (%s) was computed for the artifact", ErrMismatch, strings.Join(claimed, ", "))
	}
	return matched, nil
}

// algorithms returns the keys of s in sorted order.
func (s Set) algorithms() []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// MismatchError reports a digest that differs from the claimed one. It
// wraps ErrMismatch.
type MismatchError struct {
	Algorithm Algorithm // the algorithm whose sums differ
	Claimed   string    // hex
	Actual    string    // hex
}

// Error names the algorithm and both sums, each cut to 80 characters.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("digest: mismatch: %s is %s, claimed %s", e.Algorithm, truncate(e.Actual), truncate(e.Claimed))
}

// Unwrap returns ErrMismatch.
func (e *MismatchError) Unwrap() error { return ErrMismatch }
