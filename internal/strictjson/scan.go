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

	maxArray    int
	maxElements int            // Options.MaxElements
	elements    int            // array elements seen so far
	boundPaths  []string       // the paths of Options.MaxLen
	boundVals   []int          // and their bounds (-1: counted only, Options.Lengths)
	lengths     map[string]int // Options.Lengths
	pat         []byte         // path patterns (Options.MaxLen), a stack of prefixes

	scratch []byte // unescaped string values, reused

	slow bool // a quick scan failed: scan everything below with paths
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

// Decoders, and with them the scanners Check uses, come from a pool.
var decoders = sync.Pool{New: func() any { return new(Decoder) }}

// getDecoder returns a Decoder from the pool, its scanner set up for data.
func getDecoder(data []byte, o Options) *Decoder {
	d := decoders.Get().(*Decoder)
	d.s.init(data, o)
	return d
}

// putDecoder returns d to the pool, keeping its scanner's buffers unless
// they grew large, and nothing of the input.
func putDecoder(d *Decoder) {
	const maxKeep = 64 << 10
	s := &d.s
	*d = Decoder{s: scanner{
		boundPaths: s.boundPaths[:0],
		boundVals:  s.boundVals[:0],
		path:       s.path[:0],
		keys:       s.keys[:0],
		keyText:    s.keyText[:0],
		pat:        s.pat[:0],
		scratch:    s.scratch[:0],
	}}
	s = &d.s
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
	decoders.Put(d)
}

func (s *scanner) init(data []byte, o Options) {
	s.data = data
	s.pos = 0
	s.maxArray = o.MaxArrayLen
	s.maxElements, s.elements = o.MaxElements, 0
	s.boundPaths = s.boundPaths[:0]
	s.boundVals = s.boundVals[:0]
	s.path = s.path[:0]
	s.keys = s.keys[:0]
	s.keyText = s.keyText[:0]
	s.pat = s.pat[:0]
	for p, n := range o.MaxLen {
		s.boundPaths = append(s.boundPaths, p)
		s.boundVals = append(s.boundVals, n)
	}
	s.lengths = o.Lengths
	for p := range o.Lengths {
		if _, bounded := o.MaxLen[p]; !bounded {
			s.boundPaths = append(s.boundPaths, p)
			s.boundVals = append(s.boundVals, -1)
		}
	}
	s.skipSpace()
}

// rootPattern is the path pattern of the top-level value: "" if there are
// bounds, else none (-1).
func (s *scanner) rootPattern() int {
	if len(s.boundPaths) == 0 {
		return -1
	}
	return 0
}

// end checks that nothing but white space follows the top-level value.
func (s *scanner) end() error {
	s.skipSpace()
	if s.pos != len(s.data) {
		return s.fail(ErrTrailingData, "")
	}
	return nil
}

// limit returns the bound on the elements or members of the container
// whose path pattern is s.pat[:pat], if there is one. Patterns are not
// tracked (pat < 0) below a pattern that begins no bound's path.
func (s *scanner) limit(pat int) (int, bool) {
	if pat < 0 {
		return 0, false
	}
	for i, p := range s.boundPaths {
		if p == string(s.pat[:pat]) {
			return s.boundVals[i], true
		}
	}
	return 0, false
}

// childPattern makes the path pattern of a value reached from the pattern
// s.pat[:pat] by seg ("[]" for an array element) and returns its length,
// or -1 when no bound can apply to the value or below it. The patterns of
// the values being scanned are prefixes of each other, so one buffer holds
// them all.
func (s *scanner) childPattern(pat int, seg []byte) int {
	if pat < 0 {
		return -1
	}
	s.pat = s.pat[:pat]
	if pat != 0 && string(seg) != "[]" {
		s.pat = append(s.pat, '.')
	}
	s.pat = append(s.pat, seg...)
	for _, p := range s.boundPaths {
		if len(p) >= len(s.pat) && p[:len(s.pat)] == string(s.pat) {
			return len(s.pat)
		}
	}
	return -1 // no bound's path begins so: none applies below
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
	if s.pos < len(s.data) && s.data[s.pos] > ' ' {
		return // compact JSON: nothing to skip
	}
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
	if sh == nil && pat < 0 && s.maxArray == 0 && s.maxElements == 0 && !s.slow && s.pos < len(s.data) && (s.data[s.pos] == '{' || s.data[s.pos] == '[') {
		// No case check, no bound: the quick scan decides, and only a
		// value it refuses is scanned again, once, to say why (nothing
		// below is tried quickly again, so no byte is scanned more than
		// twice).
		start, keys, text := s.pos, len(s.keys), len(s.keyText)
		if s.skip(depth) {
			return nil
		}
		s.pos, s.keys, s.keyText = start, s.keys[:keys], s.keyText[:text]
		s.slow = true
		err := s.checked(sh, depth, pat)
		s.slow = false
		return err
	}
	return s.checked(sh, depth, pat)
}

// checked is value with the path kept for error messages.
func (s *scanner) checked(sh *shape, depth, pat int) error {
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

// skip is the quick scan of a value with no shape and no bound: the
// checks of value (syntax, strings, depth, duplicate keys), without
// keeping the path. It reports whether the value passed; when it did not,
// value scans it again to report the error. (It also gives up, to the
// same effect, on what it does not handle: keys with escapes and objects
// of more than 32 members.)
func (s *scanner) skip(depth int) bool {
	d := s.data
	if s.pos >= len(d) {
		return false
	}
	switch c := d[s.pos]; {
	case c == '{':
		if depth >= limits.MaxJSONDepth {
			return false
		}
		s.pos++
		s.skipSpace()
		if s.pos < len(d) && d[s.pos] == '}' {
			s.pos++
			return true
		}
		base := len(s.keys)
		for {
			if s.pos >= len(d) || d[s.pos] != '"' || len(s.keys)-base >= 32 {
				return false
			}
			start := s.pos + 1
			if !s.plain() { // a key with escapes, or not ASCII: the slow way
				return false
			}
			n := s.pos - 1 - start
			for _, k := range s.keys[base:] {
				if k.n == n && string(d[k.off:k.off+n]) == string(d[start:start+n]) {
					return false
				}
			}
			s.keys = append(s.keys, keyRef{off: start, n: n})
			s.skipSpace()
			if s.pos >= len(d) || d[s.pos] != ':' {
				return false
			}
			s.pos++
			s.skipSpace()
			if s.pos < len(d) && d[s.pos] == '"' {
				if _, _, err := s.str(); err != nil {
					return false
				}
			} else if !s.skip(depth + 1) {
				return false
			}
			s.skipSpace()
			if s.pos >= len(d) {
				return false
			}
			switch d[s.pos] {
			case ',':
				s.pos++
				s.skipSpace()
			case '}':
				s.pos++
				s.keys = s.keys[:base]
				return true
			default:
				return false
			}
		}
	case c == '[':
		if depth >= limits.MaxJSONDepth {
			return false
		}
		s.pos++
		s.skipSpace()
		if s.pos < len(d) && d[s.pos] == ']' {
			s.pos++
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			s.skipSpace()
			if s.pos >= len(d) {
				return false
			}
			switch d[s.pos] {
			case ',':
				s.pos++
				s.skipSpace()
			case ']':
				s.pos++
				return true
			default:
				return false
			}
		}
	case c == '"':
		_, _, err := s.str()
		return err == nil
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number() == nil
	case c == 't':
		return s.literal("true") == nil
	case c == 'f':
		return s.literal("false") == nil
	case c == 'n':
		return s.literal("null") == nil
	}
	return false
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
	ctl := (x - lsb*0x20) | x // high bit: a byte < 0x20 or >= 0x80
	q := x ^ lsb*'"'
	b := x ^ lsb*'\\'
	quote := (q - lsb) &^ q  // high bit: a byte == '"'
	bslash := (b - lsb) &^ b // high bit: a byte == '\\'
	return (ctl | quote | bslash) & msb
}

// str scans a string starting at its opening quote, leaving s.pos after
// its closing quote, and returns where its raw content (escapes not
// decoded) starts, data[start:s.pos-1], and whether it has escapes. Runs
// of plain ASCII are skipped 8 bytes at a time.
func (s *scanner) str() (start int, escaped bool, err error) {
	start = s.pos + 1
	if s.plain() {
		return start, false, nil
	}
	d := s.data
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
			return 0, false, s.fail(ErrSyntax, "unterminated string")
		}
		c := d[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return start, escaped, nil
		case c == '\\':
			escaped = true
			s.pos = i
			if _, err := s.escape(); err != nil {
				return 0, false, err
			}
			i = s.pos
		case c < 0x20:
			s.pos = i
			return 0, false, s.fail(ErrSyntax, "control character in string")
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n == 1 {
				s.pos = i
				return 0, false, s.fail(ErrInvalidUTF8, "")
			}
			i += n
		}
	}
}

// plain scans the string at s.pos if it is plain ASCII text (no escapes,
// no control characters, no byte >= 0x80) and reports whether it was; if
// not, s.pos is left as it was. It is the common case of str, with
// nothing to report.
func (s *scanner) plain() bool {
	d := s.data
	i := s.pos + 1
	for i+8 <= len(d) {
		if m := special8(binary.LittleEndian.Uint64(d[i:])); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			if d[i] == '"' {
				s.pos = i + 1
				return true
			}
			return false
		}
		i += 8
	}
	for ; i < len(d); i++ {
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			return true
		case c < 0x20 || c == '\\' || c >= utf8.RuneSelf:
			return false
		}
	}
	return false
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

// decodeKey decodes the text of a key with escapes, data[start:end], into
// keyText.
func (s *scanner) decodeKey(start, end int) (keyRef, error) {
	off := len(s.keyText)
	var err error
	if s.keyText, err = unescape(s.keyText, s.data[start:end]); err != nil {
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

// openObject consumes the '{' of an object at nesting depth depth and
// sets o up for its members. It reports empty, and consumes the whole
// object, for "{}".
func (s *scanner) openObject(o *objScan, sh *shape, depth, pat int) (empty bool, err error) {
	if depth >= limits.MaxJSONDepth {
		return false, s.fail(ErrDepth, fmt.Sprintf("limit %d", limits.MaxJSONDepth))
	}
	s.pos++ // '{'
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return true, nil
	}
	o.sh, o.depth, o.pat = sh, depth+1, pat
	o.keysBase, o.textBase = len(s.keys), len(s.keyText)
	o.bound, o.bounded = s.limit(pat)
	s.path = append(s.path, pathElem{index: -1})
	return false, nil
}

// memberKey scans a member's key and the ':' after it, and returns the
// key, the shape of its value and the value's path pattern.
func (s *scanner) memberKey(o *objScan) (key []byte, child *shape, childPat int, err error) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, nil, 0, s.fail(ErrSyntax, "expected object key")
	}
	keyPos := s.pos
	start, escaped, err := s.str()
	if err != nil {
		return nil, nil, 0, err
	}
	ref := keyRef{off: start, n: s.pos - 1 - start}
	if escaped {
		if ref, err = s.decodeKey(start, s.pos-1); err != nil {
			return nil, nil, 0, err
		}
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
	if o.sh != nil {
		if child, err = o.sh.member(key); err != nil {
			s.pos = keyPos
			return nil, nil, 0, s.fail(ErrKeyCase, err.Error())
		}
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return nil, nil, 0, s.fail(ErrSyntax, "expected ':'")
	}
	s.pos++
	s.skipSpace()
	childPat = -1
	if o.pat >= 0 {
		childPat = s.childPattern(o.pat, key)
	}
	return key, child, childPat, nil
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
	var o objScan
	empty, err := s.openObject(&o, sh, depth, pat)
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

// openArray consumes the '[' of an array at nesting depth depth and sets
// a up for its elements. It reports empty, and consumes the whole array,
// for "[]".
func (s *scanner) openArray(a *arrScan, sh *shape, depth, pat int) (empty bool, err error) {
	if depth >= limits.MaxJSONDepth {
		return false, s.fail(ErrDepth, fmt.Sprintf("limit %d", limits.MaxJSONDepth))
	}
	s.pos++ // '['
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return true, nil
	}
	bound := s.maxArray
	if n, ok := s.limit(pat); ok && n >= 0 && (bound <= 0 || n < bound) {
		bound = n
		if bound <= 0 {
			return false, s.fail(ErrTooLarge, "array must be empty")
		}
	}
	*a = arrScan{elem: sh.element(), depth: depth + 1, bound: bound}
	a.pat = s.childPattern(pat, elemSeg)
	s.path = append(s.path, pathElem{index: 0})
	return false, nil
}

// startElem is called before each element.
func (s *scanner) startElem(a *arrScan) error {
	s.path[len(s.path)-1].index = a.i
	if a.bound > 0 && a.i >= a.bound {
		return s.fail(ErrTooLarge, fmt.Sprintf("array longer than %d elements", a.bound))
	}
	s.elements++
	if s.maxElements > 0 && s.elements > s.maxElements {
		return s.fail(ErrTooLarge, fmt.Sprintf("more than %d array elements in all", s.maxElements))
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
	var a arrScan
	empty, err := s.openArray(&a, sh, depth, pat)
	if err != nil || empty {
		if empty {
			s.setLength(pat, 0)
		}
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
			if done {
				s.setLength(pat, a.i+1)
			}
			return err
		}
	}
}

// setLength records the length of the array whose path pattern is
// s.pat[:pat] when Options.Lengths asks for it.
func (s *scanner) setLength(pat, n int) {
	if s.lengths == nil || pat < 0 {
		return
	}
	if _, ok := s.lengths[string(s.pat[:pat])]; ok {
		s.lengths[string(s.pat[:pat])] = n
	}
}
