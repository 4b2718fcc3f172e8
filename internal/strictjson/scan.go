package strictjson

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

// scanner walks a document once and applies every check of the package.
// Check drives it through value; a Decoder drives it value by value.
//
// Nothing is allocated per key or per value on the way: keys are held as
// offsets into the input (a key with escapes, rare, is decoded into a
// buffer of the scanner's), the path to the current value is kept as
// those offsets and spelled out only when an error is reported, and the
// path pattern Options.MaxLen matches against lives in one reused buffer.
// The buffers hold no pointers and are reused from a pool, so a scan
// allocates nothing and leaves the garbage collector nothing to scan.
type scanner struct {
	data []byte
	pos  int

	path    []pathElem // the members and elements leading to the current value
	keys    []keyRef   // keys of the objects being scanned, innermost last
	keyText []byte     // decoded keys that had escapes

	maxArray   int
	bounds     map[string]int // Options.MaxLen
	boundDepth int            // no bound applies below this depth
	pat        []byte         // path patterns (Options.MaxLen), a stack of prefixes

	scratch []byte // unescaped string values, reused
}

// keyRef locates a key's text: data[off:off+n], or keyText[off:off+n] for
// a key that had escapes.
type keyRef struct {
	off, n  int
	decoded bool
}

type pathElem struct {
	key   keyRef
	index int // -1 for object members
}

// keyBytes returns the text of a key.
func (s *scanner) keyBytes(k keyRef) []byte {
	if k.decoded {
		return s.keyText[k.off : k.off+k.n]
	}
	return s.data[k.off : k.off+k.n]
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

// getScanner returns a scanner from the pool, set up for data.
func getScanner(data []byte, o Options) *scanner {
	s := scanners.Get().(*scanner)
	s.init(data, o)
	return s
}

// putScanner returns s to the pool, keeping its buffers unless they grew
// large, and nothing of the input.
func putScanner(s *scanner) {
	const maxKeep = 64 << 10
	*s = scanner{
		path:    s.path[:0],
		keys:    s.keys[:0],
		keyText: s.keyText[:0],
		pat:     s.pat[:0],
		scratch: s.scratch[:0],
	}
	if cap(s.keyText) > maxKeep {
		s.keyText = nil
	}
	if cap(s.scratch) > maxKeep {
		s.scratch = nil
	}
	if cap(s.path) > maxKeep/16 {
		s.path = nil
	}
	if cap(s.keys) > maxKeep/16 {
		s.keys = nil
	}
	scanners.Put(s)
}

func (s *scanner) init(data []byte, o Options) {
	s.data = data
	s.pos = 0
	s.maxArray = o.MaxArrayLen
	s.bounds = o.MaxLen
	s.boundDepth = 0
	s.path = s.path[:0]
	s.keys = s.keys[:0]
	s.keyText = s.keyText[:0]
	s.pat = s.pat[:0]
	for p := range o.MaxLen {
		// A path of n segments names a value at nesting depth n; this
		// count may be one too high, which only costs a little work.
		if n := strings.Count(p, ".") + strings.Count(p, "[]") + 1; n > s.boundDepth {
			s.boundDepth = n
		}
	}
	s.skipSpace()
}

// end checks that nothing but white space follows the top-level value.
func (s *scanner) end() error {
	s.skipSpace()
	if s.pos != len(s.data) {
		return s.fail(ErrTrailingData, "")
	}
	return nil
}

// limit returns the bound on the elements or members of the container at
// nesting depth depth whose path pattern is s.pat[:pat], if there is one.
// Below boundDepth patterns are not tracked (childPattern leaves them
// empty), so no bound applies there.
func (s *scanner) limit(pat, depth int) (int, bool) {
	if s.bounds == nil || depth > s.boundDepth {
		return 0, false
	}
	n, ok := s.bounds[string(s.pat[:pat])]
	return n, ok
}

// childPattern makes the path pattern of a value at depth reached from
// the pattern s.pat[:pat] by seg ("[]" for an array element) and returns
// its length, or 0 (the empty pattern) when no bound can apply that deep.
// The patterns of the values being scanned are prefixes of each other, so
// one buffer holds them all.
func (s *scanner) childPattern(pat int, seg []byte, depth int) int {
	if s.bounds == nil || depth > s.boundDepth {
		return 0
	}
	s.pat = s.pat[:pat]
	if pat != 0 && string(seg) != "[]" {
		s.pat = append(s.pat, '.')
	}
	s.pat = append(s.pat, seg...)
	return len(s.pat)
}

var elemSeg = []byte("[]")

// pathString spells out the path to the current value.
func (s *scanner) pathString() string {
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
		b.Write(s.keyBytes(p.key))
	}
	return b.String()
}

func (s *scanner) fail(kind error, detail string) error {
	return &Error{Kind: kind, Offset: s.pos, Path: s.pathString(), Detail: detail}
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
// Options.MaxLen) is s.pat[:pat].
func (s *scanner) value(sh *shape, depth, pat int) error {
	if s.pos >= len(s.data) {
		return s.fail(ErrSyntax, "unexpected end of input")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(sh, depth, pat)
	case c == '[':
		return s.array(sh, depth, pat)
	case c == '"':
		_, _, err := s.str()
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

// SWAR constants: a byte of a uint64 is "plain" in a string when it is
// printable ASCII other than '"' and '\\'.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// special8 marks the bytes of x that end a run of plain string text:
// control characters, '"', '\\' and bytes >= 0x80. Only the lowest marked
// byte is sure to be one (a borrow may mark bytes above it), and it is:
// borrows only travel upwards, from a byte that really matched.
func special8(x uint64) uint64 {
	lt20 := (x - lsb*0x20) &^ x // bytes < 0x20 (below 0x80: x's own high bit clears the rest)
	q := x ^ lsb*'"'
	quote := (q - lsb) &^ q // bytes == '"'
	b := x ^ lsb*'\\'
	bslash := (b - lsb) &^ b // bytes == '\\'
	return (lt20 | quote | bslash | x) & msb
}

// str scans a string starting at its opening quote and returns its raw
// content (escapes not decoded) and whether it has escapes. Runs of plain
// ASCII are skipped 8 bytes at a time.
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	d := s.data
	start := s.pos + 1
	i := start
	for {
		for i+8 <= len(d) {
			if m := special8(binary.LittleEndian.Uint64(d[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(d) {
			s.pos = i
			return nil, false, s.fail(ErrSyntax, "unterminated string")
		}
		c := d[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return d[start:i], escaped, nil
		case c == '\\':
			escaped = true
			s.pos = i
			if _, err := s.escape(); err != nil {
				return nil, false, err
			}
			i = s.pos
		case c < 0x20:
			s.pos = i
			return nil, false, s.fail(ErrSyntax, "control character in string")
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n == 1 {
				s.pos = i
				return nil, false, s.fail(ErrInvalidUTF8, "")
			}
			i += n
		}
	}
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

// unescape appends the decoded text of raw, the content of a string that
// str accepted, to dst. (It fails only for text str would not accept.)
func unescape(dst, raw []byte) ([]byte, error) {
	t := scanner{data: raw}
	for t.pos < len(raw) {
		i := bytes.IndexByte(raw[t.pos:], '\\')
		if i < 0 {
			return append(dst, raw[t.pos:]...), nil
		}
		dst = append(dst, raw[t.pos:t.pos+i]...)
		t.pos += i
		r, err := t.escape()
		if err != nil {
			return nil, err
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst, nil
}

// key scans an object key and returns where its text is: in the input
// when it has no escapes, else decoded into keyText.
func (s *scanner) key() (keyRef, error) {
	start := s.pos + 1
	raw, escaped, err := s.str()
	if err != nil {
		return keyRef{}, err
	}
	if !escaped {
		return keyRef{off: start, n: len(raw)}, nil
	}
	off := len(s.keyText)
	if s.keyText, err = unescape(s.keyText, raw); err != nil {
		return keyRef{}, err
	}
	return keyRef{off: off, n: len(s.keyText) - off, decoded: true}, nil
}

// objScan is the state of one object being scanned.
type objScan struct {
	sh       *shape
	depth    int // nesting depth of the members' values
	pat      int // the object's path pattern, s.pat[:pat]
	bound    int // bound on the members, if bounded
	bounded  bool
	keysBase int                 // the object's keys are s.keys[keysBase:]
	textBase int                 // and their decoded text keyText[textBase:]
	set      map[string]struct{} // the keys, once there are many
	members  int
}

// openObject consumes the '{' of an object at nesting depth depth. It
// reports empty, and consumes the whole object, for "{}".
func (s *scanner) openObject(sh *shape, depth, pat int) (o objScan, empty bool, err error) {
	if depth >= limits.MaxJSONDepth {
		return o, false, s.fail(ErrDepth, fmt.Sprintf("limit %d", limits.MaxJSONDepth))
	}
	s.pos++ // '{'
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return o, true, nil
	}
	o = objScan{sh: sh, depth: depth + 1, pat: pat, keysBase: len(s.keys), textBase: len(s.keyText)}
	o.bound, o.bounded = s.limit(pat, depth)
	s.path = append(s.path, pathElem{index: -1})
	return o, false, nil
}

// memberKey scans a member's key and the ':' after it, and returns the
// key, the shape of its value and the value's path pattern.
func (s *scanner) memberKey(o *objScan) (key []byte, child *shape, childPat int, err error) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, nil, 0, s.fail(ErrSyntax, "expected object key")
	}
	keyPos := s.pos
	ref, err := s.key()
	if err != nil {
		return nil, nil, 0, err
	}
	key = s.keyBytes(ref)
	s.path[len(s.path)-1].key = ref
	if o.bounded && o.members >= o.bound {
		s.pos = keyPos
		return nil, nil, 0, s.fail(ErrTooLarge, fmt.Sprintf("object with more than %d members", o.bound))
	}
	o.members++
	// Small objects are the rule: a slice scan beats a map up to a few
	// dozen keys and allocates nothing.
	if o.set != nil {
		if _, dup := o.set[string(key)]; dup {
			s.pos = keyPos
			return nil, nil, 0, s.fail(ErrDuplicateKey, strconv.Quote(string(key)))
		}
		o.set[string(key)] = struct{}{}
	} else {
		for _, k := range s.keys[o.keysBase:] {
			if k.n == len(key) && string(s.keyBytes(k)) == string(key) {
				s.pos = keyPos
				return nil, nil, 0, s.fail(ErrDuplicateKey, strconv.Quote(string(key)))
			}
		}
		s.keys = append(s.keys, ref)
		if len(s.keys)-o.keysBase > 32 {
			o.set = make(map[string]struct{}, 64)
			for _, k := range s.keys[o.keysBase:] {
				o.set[string(s.keyBytes(k))] = struct{}{}
			}
			s.keys = s.keys[:o.keysBase]
		}
	}
	if child, err = o.sh.member(key); err != nil {
		s.pos = keyPos
		return nil, nil, 0, s.fail(ErrKeyCase, err.Error())
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return nil, nil, 0, s.fail(ErrSyntax, "expected ':'")
	}
	s.pos++
	s.skipSpace()
	return key, child, s.childPattern(o.pat, key, o.depth), nil
}

// endMember consumes the ',' or '}' after a member's value and reports
// whether the object ended.
func (s *scanner) endMember(o *objScan) (done bool, err error) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return false, s.fail(ErrSyntax, "unterminated object")
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		s.skipSpace()
		return false, nil
	case '}':
		s.pos++
		s.keys = s.keys[:o.keysBase]
		s.keyText = s.keyText[:o.textBase]
		s.path = s.path[:len(s.path)-1]
		return true, nil
	default:
		return false, s.fail(ErrSyntax, "expected ',' or '}'")
	}
}

func (s *scanner) object(sh *shape, depth, pat int) error {
	o, empty, err := s.openObject(sh, depth, pat)
	if err != nil || empty {
		return err
	}
	for {
		_, child, childPat, err := s.memberKey(&o)
		if err != nil {
			return err
		}
		if err := s.value(child, o.depth, childPat); err != nil {
			return err
		}
		if done, err := s.endMember(&o); done || err != nil {
			return err
		}
	}
}

// arrScan is the state of one array being scanned.
type arrScan struct {
	elem  *shape
	depth int // nesting depth of the elements
	pat   int // the elements' path pattern
	bound int // > 0: at most this many elements
	i     int // index of the current element
}

// openArray consumes the '[' of an array at nesting depth depth. It
// reports empty, and consumes the whole array, for "[]".
func (s *scanner) openArray(sh *shape, depth, pat int) (a arrScan, empty bool, err error) {
	if depth >= limits.MaxJSONDepth {
		return a, false, s.fail(ErrDepth, fmt.Sprintf("limit %d", limits.MaxJSONDepth))
	}
	s.pos++ // '['
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return a, true, nil
	}
	bound := s.maxArray
	if n, ok := s.limit(pat, depth); ok && (bound <= 0 || n < bound) {
		bound = n
		if bound <= 0 {
			return a, false, s.fail(ErrTooLarge, "array must be empty")
		}
	}
	a = arrScan{elem: sh.element(), depth: depth + 1, bound: bound}
	a.pat = s.childPattern(pat, elemSeg, depth+1)
	s.path = append(s.path, pathElem{index: 0})
	return a, false, nil
}

// startElem is called before each element.
func (s *scanner) startElem(a *arrScan) error {
	s.path[len(s.path)-1].index = a.i
	if a.bound > 0 && a.i >= a.bound {
		return s.fail(ErrTooLarge, fmt.Sprintf("array longer than %d elements", a.bound))
	}
	return nil
}

// endElem consumes the ',' or ']' after an element and reports whether
// the array ended.
func (s *scanner) endElem(a *arrScan) (done bool, err error) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return false, s.fail(ErrSyntax, "unterminated array")
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		s.skipSpace()
		a.i++
		return false, nil
	case ']':
		s.pos++
		s.path = s.path[:len(s.path)-1]
		return true, nil
	default:
		return false, s.fail(ErrSyntax, "expected ',' or ']'")
	}
}

func (s *scanner) array(sh *shape, depth, pat int) error {
	a, empty, err := s.openArray(sh, depth, pat)
	if err != nil || empty {
		return err
	}
	for {
		if err := s.startElem(&a); err != nil {
			return err
		}
		if err := s.value(a.elem, a.depth, a.pat); err != nil {
			return err
		}
		if done, err := s.endElem(&a); done || err != nil {
			return err
		}
	}
}
