package sbom

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

// ErrPURL is wrapped by ParsePURL errors.
var ErrPURL = errors.New("sbom: invalid package URL")

// PURL is a parsed package URL (https://github.com/package-url/purl-spec):
// pkg:type/namespace/name@version?qualifiers#subpath. Fields hold decoded
// text.
type PURL struct {
	Type       string
	Namespace  string // "/"-separated segments, decoded
	Name       string
	Version    string
	Qualifiers []Property // sorted by name
	Subpath    string
}

// ParsePURL parses and checks a package URL: the "pkg:" scheme, a type
// of letters, digits, '.', '+' and '-' starting with a letter, a non-empty
// name, valid percent-encoding, no "." or ".." path segments, no raw
// non-ASCII or control characters (a look-alike name must be
// percent-encoded to be accepted), unique qualifier keys, and at most
// limits.MaxPURL bytes (SECURITY.md C94).
func ParsePURL(s string) (PURL, error) {
	var p PURL
	fail := func(format string, args ...any) (PURL, error) {
		return PURL{}, fmt.Errorf("%w %q: %s", ErrPURL, truncate(s), fmt.Sprintf(format, args...))
	}
	if len(s) > limits.MaxPURL {
		return PURL{}, fmt.Errorf("%w: %w: %d bytes, limit %d", ErrPURL, ErrTooLarge, len(s), limits.MaxPURL)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return fail("raw character %q at %d (must be percent-encoded)", c, i)
		}
	}
	rest, ok := strings.CutPrefix(s, "pkg:")
	if !ok {
		return fail("scheme is not pkg:")
	}
	rest = strings.TrimLeft(rest, "/")
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		sub, err := decodeSegments(strings.Trim(rest[i+1:], "/"), true)
		if err != nil {
			return fail("subpath: %v", err)
		}
		p.Subpath, rest = sub, rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		seen := map[string]bool{}
		for _, kv := range strings.Split(rest[i+1:], "&") {
			if kv == "" {
				continue
			}
			k, v, ok := strings.Cut(kv, "=")
			k = strings.ToLower(k)
			if !ok || k == "" || !validQualifierKey(k) {
				return fail("bad qualifier %q", truncate(kv))
			}
			dv, err := url.PathUnescape(v)
			if err != nil {
				return fail("qualifier %s: %v", k, err)
			}
			if seen[k] {
				return fail("duplicate qualifier %s", k)
			}
			seen[k] = true
			if dv != "" {
				p.Qualifiers = append(p.Qualifiers, Property{k, dv})
			}
		}
		slices.SortFunc(p.Qualifiers, func(a, b Property) int { return strings.Compare(a.Name, b.Name) })
		rest = rest[:i]
	}
	typ, path, ok := strings.Cut(rest, "/")
	if !ok || typ == "" {
		return fail("no type")
	}
	if !validType(typ) {
		return fail("bad type %q", truncate(typ))
	}
	p.Type = strings.ToLower(typ)
	path = strings.TrimRight(path, "/")
	if i := strings.LastIndexByte(path, '@'); i >= 0 && i > strings.LastIndexByte(path, '/') {
		v, err := url.PathUnescape(path[i+1:])
		if err != nil || v == "" {
			return fail("bad version")
		}
		p.Version, path = v, path[:i]
	}
	segs := strings.Split(path, "/")
	name, err := decodeSegments(segs[len(segs)-1], false)
	if err != nil {
		return fail("name: %v", err)
	}
	if name == "" {
		return fail("empty name")
	}
	p.Name = name
	if len(segs) > 1 {
		ns, err := decodeSegments(strings.Join(segs[:len(segs)-1], "/"), false)
		if err != nil {
			return fail("namespace: %v", err)
		}
		p.Namespace = ns
	}
	return p, nil
}

func validType(t string) bool {
	for i, c := range t {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case (c >= '0' && c <= '9' || c == '.' || c == '+' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

func validQualifierKey(k string) bool {
	for i, c := range k {
		switch {
		case c >= 'a' && c <= 'z':
		case (c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

// decodeSegments percent-decodes "/"-separated segments, rejecting empty
// (unless skipEmpty), "." and ".." segments and decoded '/'.
func decodeSegments(s string, skipEmpty bool) (string, error) {
	if s == "" {
		return "", nil
	}
	parts := strings.Split(s, "/")
	out := make([]string, 0, len(parts))
	for _, seg := range parts {
		if seg == "" {
			if skipEmpty {
				continue
			}
			return "", errors.New("empty segment")
		}
		d, err := url.PathUnescape(seg)
		if err != nil {
			return "", err
		}
		if d == "." || d == ".." {
			return "", fmt.Errorf("segment %q", d)
		}
		if strings.ContainsRune(d, '/') {
			return "", errors.New("encoded '/' in a segment")
		}
		out = append(out, d)
	}
	return strings.Join(out, "/"), nil
}

// String returns the canonical form: lower-case type, percent-encoded
// segments, sorted qualifiers.
func (p PURL) String() string {
	var b strings.Builder
	b.WriteString("pkg:")
	b.WriteString(p.Type)
	b.WriteByte('/')
	if p.Namespace != "" {
		for _, seg := range strings.Split(p.Namespace, "/") {
			b.WriteString(purlEscape(seg))
			b.WriteByte('/')
		}
	}
	b.WriteString(purlEscape(p.Name))
	if p.Version != "" {
		b.WriteByte('@')
		b.WriteString(purlEscape(p.Version))
	}
	for i, q := range p.Qualifiers {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(q.Name)
		b.WriteByte('=')
		b.WriteString(purlEscape(q.Value))
	}
	if p.Subpath != "" {
		b.WriteByte('#')
		for i, seg := range strings.Split(p.Subpath, "/") {
			if i > 0 {
				b.WriteByte('/')
			}
			b.WriteString(purlEscape(seg))
		}
	}
	return b.String()
}

func purlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~+!", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// CanonicalPURL returns the canonical form of a package URL, or s itself
// when it does not parse.
func CanonicalPURL(s string) string {
	p, err := ParsePURL(s)
	if err != nil {
		return s
	}
	return p.String()
}

// GoPURL returns the package URL of a Go module version:
// "pkg:golang/golang.org/x/mod@v0.20.0". The standard library is
// "pkg:golang/stdlib@1.26.8" (a Go version without the "go" prefix, as
// syft, trivy and osv spell it).
func GoPURL(modulePath, version string) string {
	p := PURL{Type: "golang", Version: version}
	if i := strings.LastIndexByte(modulePath, '/'); i >= 0 {
		p.Namespace, p.Name = modulePath[:i], modulePath[i+1:]
	} else {
		p.Name = modulePath
	}
	return p.String()
}
