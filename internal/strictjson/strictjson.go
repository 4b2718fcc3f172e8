// Package strictjson decodes untrusted JSON the way a security decision
// needs it decoded: one reading, the same as any other strict parser's.
//
// encoding/json is lenient in ways that let two parsers disagree about the
// same signed bytes (SECURITY.md C19-C21): it keeps the last of duplicate
// keys, binds keys to struct fields case-insensitively, replaces invalid
// UTF-8 with U+FFFD, and has no nesting bound. [Unmarshal] first checks the
// document in one pass with a scanner of its own, guided by the target
// type, and only then hands it to encoding/json:
//
//   - the input is at most the caller's byte limit;
//   - it is exactly one JSON value, with nothing but white space after it;
//   - it is valid UTF-8, and \u escapes never leave a lone surrogate;
//   - arrays and objects nest at most [limits.MaxJSONDepth] deep;
//   - no object has the same key twice (compared after unescaping);
//   - a key that is not exactly a field's name never differs from one only
//     in case: such a key is rejected rather than silently bound.
//
// Keys that match no field are allowed (in-toto parsers must ignore
// unknown fields), and they are still checked for duplicates.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

// Categories of rejection. Every error from this package wraps exactly one.
var (
	ErrSyntax       = errors.New("json: syntax error")
	ErrTooLarge     = errors.New("json: input too large")
	ErrDepth        = errors.New("json: nesting too deep")
	ErrInvalidUTF8  = errors.New("json: invalid UTF-8")
	ErrDuplicateKey = errors.New("json: duplicate key")
	ErrKeyCase      = errors.New("json: key differs from a field name only in case")
	ErrTrailingData = errors.New("json: data after the top-level value")
	ErrType         = errors.New("json: value of the wrong type")
)

// Error reports where a document was rejected. Kind is one of the
// package's sentinels; errors.Is matches it.
type Error struct {
	Kind   error  // one of the Err* sentinels
	Offset int    // byte offset of the problem in the input
	Path   string // location in JSONPath-like form, e.g. "subject[0].digest"
	Detail string // extra facts, e.g. the offending key
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Path != "" {
		b.WriteString(" at ")
		b.WriteString(e.Path)
	}
	b.WriteString(" (offset ")
	b.WriteString(strconv.Itoa(e.Offset))
	b.WriteString(")")
	return b.String()
}

func (e *Error) Unwrap() error { return e.Kind }

// Unmarshal checks data as described in the package documentation and then
// decodes it into v, which must be a non-nil pointer. Numbers decoded into
// interface values are json.Number, so they keep their exact text. maxBytes <= 0 means
// [limits.MaxEnvelopeBytes].
func Unmarshal(data []byte, v any, maxBytes int) error {
	return UnmarshalWith(data, v, Options{MaxBytes: maxBytes})
}

// UnmarshalWith is Unmarshal with the bounds of o.
//
// A type whose UnmarshalJSON method calls Unmarshal itself (to decode an
// alternative spelling, say) gets its errors through unchanged: a *Error
// returned by an UnmarshalJSON method is returned as it is, with an
// offset relative to that method's input.
func UnmarshalWith(data []byte, v any, o Options) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("strictjson: Unmarshal needs a non-nil pointer, got %T", v)
	}
	if err := CheckWith(data, rv.Type().Elem(), o); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers in untyped fields keep their exact text
	if err := dec.Decode(v); err != nil {
		var se *Error
		if errors.As(err, &se) {
			return se
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &Error{Kind: ErrType, Offset: int(te.Offset), Path: te.Field, Detail: fmt.Sprintf("%s into %s", te.Value, te.Type)}
		}
		return &Error{Kind: ErrType, Detail: err.Error()}
	}
	return nil
}

// Check runs the checks of [Unmarshal] without decoding. t guides the key
// case check; a nil t checks everything else.
func Check(data []byte, t reflect.Type, maxBytes int) error {
	return CheckWith(data, t, Options{MaxBytes: maxBytes})
}

// Options are the bounds of CheckWith.
type Options struct {
	// MaxBytes bounds the input; <= 0 means limits.MaxEnvelopeBytes.
	MaxBytes int
	// MaxArrayLen bounds every array in the document; 0 means no bound
	// beyond MaxBytes. Formats whose arrays are all short (a Sigstore
	// bundle's are) set it so that a decoder never allocates for a million
	// empty elements.
	MaxArrayLen int
	// MaxLen bounds the arrays and objects at the given paths: the number
	// of elements of an array, or of members of an object. A path joins
	// object keys with "." and writes the elements of an array as "[]":
	// "subject" is the top-level member "subject", "subject[].digest" the
	// "digest" member of each of its elements, and "" the top-level value.
	// Bounds are checked while scanning, so an oversized array is
	// rejected before anything is allocated for it.
	MaxLen map[string]int
}

// CheckWith is Check with explicit bounds.
func CheckWith(data []byte, t reflect.Type, o Options) error {
	maxBytes := o.MaxBytes
	if maxBytes <= 0 {
		maxBytes = limits.MaxEnvelopeBytes
	}
	if len(data) > maxBytes {
		return &Error{Kind: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, limit %d", len(data), maxBytes)}
	}
	s := scanner{data: data, maxArray: o.MaxArrayLen, bounds: o.MaxLen}
	for p := range o.MaxLen {
		// A path of n segments names a value at nesting depth n; this
		// count may be one too high, which only costs a little work.
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

// Valid reports whether data passes Check with no type guidance.
func Valid(data []byte, maxBytes int) bool { return Check(data, nil, maxBytes) == nil }

type scanner struct {
	data       []byte
	pos        int
	path       []pathElem
	maxArray   int
	bounds     map[string]int // Options.MaxLen
	boundDepth int            // no bound applies below this depth
}

// limit returns the bound on the elements or members of the container at
// nesting depth depth whose path pattern is pat, if there is one. Below
// boundDepth patterns are not tracked (childPattern leaves them empty),
// so no bound applies there.
func (s *scanner) limit(pat string, depth int) (int, bool) {
	if s.bounds == nil || depth > s.boundDepth {
		return 0, false
	}
	n, ok := s.bounds[pat]
	return n, ok
}

// childPattern returns the path pattern of a value at depth reached from
// pat by seg, or "" when no bound can apply that deep.
func (s *scanner) childPattern(pat, seg string, depth int) string {
	if s.bounds == nil || depth > s.boundDepth {
		return ""
	}
	if seg == "[]" || pat == "" {
		return pat + seg
	}
	return pat + "." + seg
}

type pathElem struct {
	key   string
	index int // -1 for object members
}

func (s *scanner) fail(kind error, detail string) error {
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

func (s *scanner) skipSpace() {
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
func (s *scanner) value(sh *shape, depth int, pat string) error {
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

func (s *scanner) literal(lit string) error {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		return s.fail(ErrSyntax, "invalid literal")
	}
	s.pos += len(lit)
	return nil
}

func (s *scanner) number() error {
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
func (s *scanner) str(decode bool) (string, error) {
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
func (s *scanner) escape() (rune, error) {
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

func (s *scanner) hex4() (rune, bool) {
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

func (s *scanner) object(sh *shape, depth int, pat string) error {
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
	s.path = append(s.path, pathElem{index: -1})
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
		child, err := sh.member(key)
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

func (s *scanner) array(sh *shape, depth int, pat string) error {
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
	s.path = append(s.path, pathElem{index: 0})
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

// shape is what the key check needs to know of a Go type: the exact field
// names of a struct, or the element type of a map, slice or array. A nil
// shape means "anything": no case check below it.
type shape struct {
	fields map[string]*shapeRef // struct: exact JSON name -> field shape
	names  []string             // struct: the same names, for the fold check
	elem   *shapeRef            // map, slice, array
}

// shapeRef defers building a shape until a document reaches it, which
// also makes recursive types work.
type shapeRef struct {
	t    reflect.Type
	once sync.Once
	sh   *shape
}

func (r *shapeRef) get() *shape {
	if r == nil {
		return nil
	}
	r.once.Do(func() { r.sh = typeShape(r.t) })
	return r.sh
}

func (sh *shape) member(key string) (*shape, error) {
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
	return nil, nil // unknown key: ignored by the decoder
}

func (sh *shape) element() *shape {
	if sh == nil {
		return nil
	}
	return sh.elem.get()
}

var (
	shapes          sync.Map // reflect.Type -> *shape
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessage      = reflect.TypeFor[json.RawMessage]()
)

func typeShape(t reflect.Type) *shape {
	if t == nil {
		return nil
	}
	if v, ok := shapes.Load(t); ok {
		return v.(*shape)
	}
	sh := buildShape(t)
	v, _ := shapes.LoadOrStore(t, sh)
	return v.(*shape)
}

func buildShape(t reflect.Type) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessage || t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return nil // decodes itself: only the generic checks apply
	}
	switch t.Kind() {
	case reflect.Struct:
		found := map[string]*fieldInfo{}
		addFields(found, t, 0)
		sh := &shape{fields: make(map[string]*shapeRef, len(found))}
		for name, f := range found {
			if f.ambiguous {
				continue // encoding/json ignores the name: an unknown key
			}
			sh.fields[name] = &shapeRef{t: f.t}
			sh.names = append(sh.names, name)
		}
		sort.Strings(sh.names) // deterministic error messages
		return sh
	case reflect.Map, reflect.Slice, reflect.Array:
		return &shape{elem: &shapeRef{t: t.Elem()}}
	default:
		return nil
	}
}

// fieldInfo is a candidate field for one JSON name.
type fieldInfo struct {
	t         reflect.Type
	depth     int  // embedding depth
	tagged    bool // the name comes from a json tag
	ambiguous bool // another field has the same name, depth and taggedness
}

// addFields collects the JSON names of t's fields with encoding/json's
// rules: json tags, exported fields, and the fields of untagged embedded
// structs, promoted. Of several fields with one name the shallowest wins,
// then a tagged one; a tie hides the name altogether.
func addFields(found map[string]*fieldInfo, t reflect.Type, depth int) {
	if depth > 8 {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !f.IsExported() && ft.Kind() != reflect.Struct {
				continue // encoding/json ignores these
			}
			if name == "" && ft.Kind() == reflect.Struct {
				addFields(found, ft, depth+1)
				continue
			}
		} else if !f.IsExported() {
			continue
		}
		tagged := name != ""
		if !tagged {
			name = f.Name
		}
		cur, ok := found[name]
		switch {
		case !ok || depth < cur.depth || (depth == cur.depth && tagged && !cur.tagged):
			found[name] = &fieldInfo{t: f.Type, depth: depth, tagged: tagged}
		case depth == cur.depth && tagged == cur.tagged:
			cur.ambiguous = true
		}
	}
}
