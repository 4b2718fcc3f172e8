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
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

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
		return decodeError(err)
	}
	return nil
}

// decodeError converts an error of encoding/json's Decode.
func decodeError(err error) error {
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
	// MaxElements bounds the total number of array elements in the
	// document, all arrays together; 0 means no bound. Bounding each array
	// does not bound their sum (many arrays each under MaxArrayLen), and a
	// decoder allocates for every element.
	MaxElements int
	// MaxLen bounds the arrays and objects at the given paths: the number
	// of elements of an array, or of members of an object. A path joins
	// object keys with "." and writes the elements of an array as "[]":
	// "subject" is the top-level member "subject", "subject[].digest" the
	// "digest" member of each of its elements, and "" the top-level value.
	// Bounds are checked while scanning, so an oversized array is
	// rejected before anything is allocated for it.
	MaxLen map[string]int
	// Lengths, when not nil, receives the number of elements of the
	// arrays at the paths that are its keys (path syntax as MaxLen; the
	// last such array when the path matches several), so that a decoder
	// can allocate for them once instead of growing slices element by
	// element. A path whose array is absent keeps its value. CheckWith
	// fills it; a Decoder does not (its caller sees each array).
	Lengths map[string]int
}

// CheckWith is Check with explicit bounds.
func CheckWith(data []byte, t reflect.Type, o Options) error {
	if err := checkSize(data, o); err != nil {
		return err
	}
	d := getDecoder(data, o)
	err := d.s.value(typeShape(t), 0, d.s.rootPattern())
	if err == nil {
		err = d.s.end()
	}
	putDecoder(d)
	return err
}

// checkSize applies Options.MaxBytes.
func checkSize(data []byte, o Options) error {
	maxBytes := o.MaxBytes
	if maxBytes <= 0 {
		maxBytes = limits.MaxEnvelopeBytes
	}
	if len(data) > maxBytes {
		return &Error{Kind: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, limit %d", len(data), maxBytes)}
	}
	return nil
}

// Valid reports whether data passes Check with no type guidance.
func Valid(data []byte, maxBytes int) bool { return Check(data, nil, maxBytes) == nil }
