package strictjson

// The scanner as it was before the single-pass Decoder, kept as the
// reference that FuzzCheckDifferential holds the current one to: for any
// input, type and bounds, both must give the same verdict and the same
// error (kind, offset, path, detail).

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

func oldCheckWith(data []byte, t reflect.Type, o Options) error {
	maxBytes := o.MaxBytes
	if maxBytes <= 0 {
		maxBytes = limits.MaxEnvelopeBytes
	}
	if len(data) > maxBytes {
		return &Error{Kind: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, limit %d", len(data), maxBytes)}
	}
	s := oldScanner{data: data, maxArray: o.MaxArrayLen, bounds: o.MaxLen}
	for p := range o.MaxLen {
		if n := strings.Count(p, ".") + strings.Count(p, "[]") + 1; n > s.boundDepth {
			s.boundDepth = n
		}
	}
	s.skipSpace()
	if err := s.value(typeShape(t), 0, ""); err != nil {
		return err
	}
	s.skipSpace()
	if s.pos != len(s.data) {
		return s.fail(ErrTrailingData, "")
	}
	return nil
}

func oldMember(sh *shape, key string) (*shape, error) {
	if sh == nil {
		return nil, nil
	}
	if sh.fields == nil {
		return sh.elem.get(), nil
	}
	if f, ok := sh.fields[key]; ok {
		return f.get(), nil
	}
	for _, n := range sh.names {
		if strings.EqualFold(n, key) {
			return nil, fmt.Errorf("%q is not %q", key, n)
		}
	}
	return nil, nil
}

type oldScanner struct {
	data       []byte
	pos        int
	path       []oldPathElem
	maxArray   int
	bounds     map[string]int // Options.MaxLen
	boundDepth int            // no bound applies below this depth
}

// limit returns the bound on the elements or members of the container at
// nesting depth depth whose path pattern is pat, if there is one. Below
// boundDepth patterns are not tracked (childPattern leaves them empty),
// so no bound applies there.
func (s *oldScanner) limit(pat string, depth int) (int, bool) {
	if s.bounds == nil || depth > s.boundDepth {
		return 0, false
	}
	n, ok := s.bounds[pat]
	return n, ok
}

// childPattern returns the path pattern of a value at depth reached from
// pat by seg, or "" when no bound can apply that deep.
func (s *oldScanner) childPattern(pat, seg string, depth int) string {
	if s.bounds == nil || depth > s.boundDepth {
		return ""
	}
	if seg == "[]" || pat == "" {
		return pat + seg
	}
	return pat + "." + seg
}

type oldPathElem struct {
	key   string
	index int // -1 for object members
}

func (s *oldScanner) fail(kind error, detail string) error {
	var b strings.Builder
	for _, p := range s.path {
		if p.index >= 0 {
			b.WriteString("[")
			b.WriteString(strconv.Itoa(p.index))
			b.WriteString("]")
			continue
		}
		if b.Len() > 0 {
			b.WriteString(".")
		}
		b.WriteString(p.key)
	}
	return &Error{Kind: kind, Offset: s.pos, Path: b.String(), Detail: detail}
}

func (s *oldScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value scans one value at nesting depth depth whose path pattern (see
// Options.MaxLen) is pat.
func (s *oldScanner) value(sh *shape, depth int, pat string) error {
	if s.pos >= len(s.data) {
		return s.fail(ErrSyntax, "unexpected end of input")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		if depth >= limits.MaxJSONDepth {
			return s.fail(ErrDepth, fmt.Sprintf("limit %d", limits.MaxJSONDepth))
		}
		return s.object(sh, depth+1, pat)
	case c == '[':
		if depth >= limits.MaxJSONDepth {
			return s.fail(ErrDepth, fmt.Sprintf("limit %d", limits.MaxJSONDepth))
		}
		return s.array(sh, depth+1, pat)
	case c == '"':
		_, err := s.str(false)
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	default:
		return s.fail(ErrSyntax, fmt.Sprintf("unexpected character %q", c))
	}
}

func (s *oldScanner) literal(lit string) error {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		return s.fail(ErrSyntax, "invalid literal")
	}
	s.pos += len(lit)
	return nil
}

func (s *oldScanner) number() error {
	d := s.data
	i := s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		return s.fail(ErrSyntax, "invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		start := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == start {
			s.pos = i
			return s.fail(ErrSyntax, "invalid number")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		start := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == start {
			s.pos = i
			return s.fail(ErrSyntax, "invalid number")
		}
	}
	s.pos = i
	return nil
}

// str scans a string starting at the opening quote. With decode it returns
// the unescaped text (used for object keys); otherwise it only validates.
func (s *oldScanner) str(decode bool) (string, error) {
	d := s.data
	s.pos++ // opening quote
	start := s.pos
	var buf []byte
	escaped := false
	for s.pos < len(d) {
		c := d[s.pos]
		switch {
		case c == '"':
			var out string
			if decode {
				if escaped {
					out = string(buf)
				} else {
					out = string(d[start:s.pos])
				}
			}
			s.pos++
			return out, nil
		case c == '\\':
			if decode && !escaped {
				buf = append(buf[:0], d[start:s.pos]...)
			}
			escaped = true
			r, err := s.escape()
			if err != nil {
				return "", err
			}
			if decode {
				buf = utf8.AppendRune(buf, r)
			}
		case c < 0x20:
			return "", s.fail(ErrSyntax, "control character in string")
		case c < utf8.RuneSelf:
			if decode && escaped {
				buf = append(buf, c)
			}
			s.pos++
		default:
			r, n := utf8.DecodeRune(d[s.pos:])
			if r == utf8.RuneError && n == 1 {
				return "", s.fail(ErrInvalidUTF8, "")
			}
			if decode && escaped {
				buf = append(buf, d[s.pos:s.pos+n]...)
			}
			s.pos += n
		}
	}
	return "", s.fail(ErrSyntax, "unterminated string")
}

// escape scans one escape sequence starting at the backslash.
func (s *oldScanner) escape() (rune, error) {
	d := s.data
	if s.pos+1 >= len(d) {
		return 0, s.fail(ErrSyntax, "unterminated escape")
	}
	c := d[s.pos+1]
	s.pos += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, ok := s.hex4()
		if !ok {
			return 0, s.fail(ErrSyntax, "invalid \\u escape")
		}
		if !utf16.IsSurrogate(r) {
			return r, nil
		}
		// A high surrogate must be followed by an escaped low surrogate.
		if r >= 0xDC00 || s.pos+1 >= len(d) || d[s.pos] != '\\' || d[s.pos+1] != 'u' {
			return 0, s.fail(ErrInvalidUTF8, "lone surrogate escape")
		}
		s.pos += 2
		r2, ok := s.hex4()
		if !ok {
			return 0, s.fail(ErrSyntax, "invalid \\u escape")
		}
		combined := utf16.DecodeRune(r, r2)
		if combined == utf8.RuneError {
			return 0, s.fail(ErrInvalidUTF8, "lone surrogate escape")
		}
		return combined, nil
	default:
		return 0, s.fail(ErrSyntax, fmt.Sprintf("invalid escape \\%c", c))
	}
}

func (s *oldScanner) hex4() (rune, bool) {
	if len(s.data)-s.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.pos : s.pos+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	s.pos += 4
	return r, true
}

func (s *oldScanner) object(sh *shape, depth int, pat string) error {
	s.pos++ // '{'
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	bound, bounded := s.limit(pat, depth-1)
	// Small objects are the rule: a slice scan beats a map up to a few
	// dozen keys and allocates less.
	var seen []string
	var seenSet map[string]struct{}
	members := 0
	s.path = append(s.path, oldPathElem{index: -1})
	defer func() { s.path = s.path[:len(s.path)-1] }()
	for {
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.fail(ErrSyntax, "expected object key")
		}
		keyPos := s.pos
		key, err := s.str(true)
		if err != nil {
			return err
		}
		s.path[len(s.path)-1].key = key
		if bounded && members >= bound {
			s.pos = keyPos
			return s.fail(ErrTooLarge, fmt.Sprintf("object with more than %d members", bound))
		}
		members++
		if seenSet != nil {
			if _, dup := seenSet[key]; dup {
				s.pos = keyPos
				return s.fail(ErrDuplicateKey, strconv.Quote(key))
			}
			seenSet[key] = struct{}{}
		} else {
			for _, k := range seen {
				if k == key {
					s.pos = keyPos
					return s.fail(ErrDuplicateKey, strconv.Quote(key))
				}
			}
			seen = append(seen, key)
			if len(seen) > 32 {
				seenSet = make(map[string]struct{}, 64)
				for _, k := range seen {
					seenSet[k] = struct{}{}
				}
			}
		}
		child, err := oldMember(sh, key)
		if err != nil {
			s.pos = keyPos
			return s.fail(ErrKeyCase, err.Error())
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.fail(ErrSyntax, "expected ':'")
		}
		s.pos++
		s.skipSpace()
		if err := s.value(child, depth, s.childPattern(pat, key, depth)); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail(ErrSyntax, "unterminated object")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.skipSpace()
		case '}':
			s.pos++
			return nil
		default:
			return s.fail(ErrSyntax, "expected ',' or '}'")
		}
	}
}

func (s *oldScanner) array(sh *shape, depth int, pat string) error {
	s.pos++ // '['
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	bound := s.maxArray
	if n, ok := s.limit(pat, depth-1); ok && (bound <= 0 || n < bound) {
		bound = n
		if bound <= 0 {
			return s.fail(ErrTooLarge, "array must be empty")
		}
	}
	elemPat := s.childPattern(pat, "[]", depth)
	elem := sh.element()
	s.path = append(s.path, oldPathElem{index: 0})
	defer func() { s.path = s.path[:len(s.path)-1] }()
	for i := 0; ; i++ {
		s.path[len(s.path)-1].index = i
		if bound > 0 && i >= bound {
			return s.fail(ErrTooLarge, fmt.Sprintf("array longer than %d elements", bound))
		}
		if err := s.value(elem, depth, elemPat); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail(ErrSyntax, "unterminated array")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.skipSpace()
		case ']':
			s.pos++
			return nil
		default:
			return s.fail(ErrSyntax, "expected ',' or ']'")
		}
	}
}
