package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// Decoder decodes one document in a single pass, for hand-written decoders
// of hot, fixed shapes: it applies every check of [Check], in the same
// order and with the same errors, while the caller takes the values it
// wants. It is what [Unmarshal] does, without encoding/json reading the
// document again.
//
// The caller reads the top-level value with one of the value methods
// (Object, Array, String, StringBytes, Null, Raw, Skip, Decode), nesting
// them in Object and Array callbacks, and then calls Finish. Each value
// method reads exactly one value.
//
// Errors come in two kinds, as with Unmarshal:
//   - a document that fails a check (syntax, UTF-8, duplicate or
//     case-variant key, depth, size or length bound) stops decoding: the
//     method returns the *Error, and the caller returns it;
//   - a value of the wrong type for the method that reads it is skipped
//     (still checked, with the shape of the type the Decoder was made
//     for) and remembered: Finish reports the first one, as an ErrType
//     *Error, once the whole document has passed the checks. So a
//     document with both reports the check failure, as Unmarshal does.
//
// The key case check follows the type given to NewDecoder, exactly as
// Check does: a callback that binds a key must be for a type whose JSON
// field of that name it fills.
type Decoder struct {
	s        scanner
	cur      valueCtx // the next value
	start    int      // offset of the top-level value
	deferred error    // the first type error
}

// valueCtx is what the checks need to know of the value being read.
type valueCtx struct {
	sh    *shape
	depth int
	pat   int
}

// NewDecoder returns a Decoder for data, whose case checks follow t (nil:
// none) and whose bounds are o's. It fails only for input over o.MaxBytes.
func NewDecoder(data []byte, t reflect.Type, o Options) (*Decoder, error) {
	if err := checkSize(data, o); err != nil {
		return nil, err
	}
	d := getDecoder(data, o)
	d.cur = valueCtx{sh: typeShape(t), pat: d.s.rootPattern()}
	d.start = d.s.pos
	return d, nil
}

// Kind is the JSON type of a value, as Decoder.Kind reports it.
type Kind uint8

// Kinds of JSON values.
const (
	KindInvalid Kind = iota // end of input, or a byte that starts no value
	KindNull
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

var kindNames = [...]string{"invalid", "null", "bool", "number", "string", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Kind returns the type of the next value, judged by its first byte; the
// value itself is checked when it is read.
func (d *Decoder) Kind() Kind {
	s := &d.s
	if s.pos >= len(s.data) {
		return KindInvalid
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return KindObject
	case c == '[':
		return KindArray
	case c == '"':
		return KindString
	case c == 'n':
		return KindNull
	case c == 't' || c == 'f':
		return KindBool
	case c == '-' || (c >= '0' && c <= '9'):
		return KindNumber
	}
	return KindInvalid
}

// Offset returns the offset of the next value in the input.
func (d *Decoder) Offset() int { return d.s.pos }

// mismatch skips a value that is not of the type wanted and remembers the
// type error, unless the value fails a check.
func (d *Decoder) mismatch(want string) error {
	k := d.Kind()
	if k == KindInvalid {
		return d.Skip() // the syntax error
	}
	te := &Error{Kind: ErrType, Offset: d.s.pos, Path: d.s.pathString(), Detail: fmt.Sprintf("%s where %s expected", k, want)}
	if err := d.Skip(); err != nil {
		return err
	}
	d.deferType(te)
	return nil
}

func (d *Decoder) deferType(err error) {
	if d.deferred == nil {
		d.deferred = err
	}
}

// Skip checks the next value and discards it.
func (d *Decoder) Skip() error {
	c := d.cur
	return d.s.value(c.sh, c.depth, c.pat)
}

// Raw checks the next value and returns its text, a sub-slice of the
// input (copy it to keep it).
func (d *Decoder) Raw() ([]byte, error) {
	start := d.s.pos
	if err := d.Skip(); err != nil {
		return nil, err
	}
	return d.s.data[start:d.s.pos], nil
}

// Null reads the next value if it is null, and reports whether it was.
func (d *Decoder) Null() (bool, error) {
	s := &d.s
	if s.pos >= len(s.data) || s.data[s.pos] != 'n' {
		return false, nil
	}
	return true, s.literal("null")
}

// String reads a string value. A value of another type (null included) is
// a type error: "" is returned, and Finish reports it.
func (d *Decoder) String() (string, error) {
	s := &d.s
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return "", d.mismatch("string")
	}
	start, escaped, err := s.str()
	if err != nil {
		return "", err
	}
	raw := s.data[start : s.pos-1]
	if !escaped {
		return string(raw), nil
	}
	if s.scratch, err = unescape(s.scratch[:0], raw); err != nil {
		return "", err
	}
	return string(s.scratch), nil
}

// StringBytes is String without the copy: the string's bytes are a
// sub-slice of the input when it has no escapes, else a new buffer. Do not
// modify them, and copy them to keep them. A value of another type is a
// type error: nil is returned, and Finish reports it.
func (d *Decoder) StringBytes() ([]byte, error) {
	s := &d.s
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, d.mismatch("string")
	}
	start, escaped, err := s.str()
	if err != nil {
		return nil, err
	}
	raw := s.data[start : s.pos-1]
	if !escaped {
		return raw, nil
	}
	return unescape(nil, raw)
}

// Object reads an object, calling fn for each member with its key
// (unescaped; valid only during the call). fn reads the member's value
// with a value method, or returns without reading it to have it skipped
// (and checked). A value that is not an object (null included) is a type
// error, reported by Finish. Members are checked as Check does before fn
// sees them: no duplicate, no case variant of a field name, the bounds.
func (d *Decoder) Object(fn func(key []byte) error) error {
	s := &d.s
	if s.pos >= len(s.data) || s.data[s.pos] != '{' {
		return d.mismatch("object")
	}
	var o objScan
	empty, err := s.openObject(&o, d.cur.sh, d.cur.depth, d.cur.pat)
	if err != nil || empty {
		return err
	}
	for {
		key, child, childPat, err := s.memberKey(&o)
		if err != nil {
			return err
		}
		d.cur = valueCtx{sh: child, depth: o.depth, pat: childPat}
		at := s.pos
		if err := fn(key); err != nil {
			return err
		}
		if s.pos == at {
			if err := s.value(child, o.depth, childPat); err != nil {
				return err
			}
		}
		if done, err := s.endMember(&o); done || err != nil {
			return err
		}
	}
}

// Array reads an array, calling fn for each element with its index. fn
// reads the element with a value method, or returns without reading it
// to have it skipped (and checked). A value that is not an array (null
// included) is a type error, reported by Finish. The bounds of Options
// apply before fn sees an element.
func (d *Decoder) Array(fn func(i int) error) error {
	s := &d.s
	if s.pos >= len(s.data) || s.data[s.pos] != '[' {
		return d.mismatch("array")
	}
	var a arrScan
	empty, err := s.openArray(&a, d.cur.sh, d.cur.depth, d.cur.pat)
	if err != nil || empty {
		return err
	}
	for {
		if err := s.startElem(&a); err != nil {
			return err
		}
		d.cur = valueCtx{sh: a.elem, depth: a.depth, pat: a.pat}
		at := s.pos
		if err := fn(a.i); err != nil {
			return err
		}
		if s.pos == at {
			if err := s.value(a.elem, a.depth, a.pat); err != nil {
				return err
			}
		}
		if done, err := s.endElem(&a); done || err != nil {
			return err
		}
	}
}

// Decode checks the next value and decodes it into v (a non-nil pointer)
// with encoding/json, as Unmarshal would decode it in place: numbers in
// interface values are json.Number. It is the way to read values of rare
// or irregular shapes exactly as Unmarshal reads them. A decoding error
// (a type error) is reported by Finish.
func (d *Decoder) Decode(v any) error {
	start := d.s.pos
	if err := d.Skip(); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(d.s.data[start:d.s.pos]))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && !errors.As(err, new(*Error)) {
			p := d.s.pathString() // the path of this value again, after Skip
			if te.Field != "" {
				if p != "" {
					p += "."
				}
				p += te.Field
			}
			err = &Error{Kind: ErrType, Offset: start + int(te.Offset), Path: p, Detail: fmt.Sprintf("%s into %s", te.Value, te.Type)}
		} else {
			err = decodeError(err)
		}
		d.deferType(err)
	}
	return nil
}

// Finish checks that nothing but white space follows the top-level value
// (reading it first if the caller did not) and returns the first type
// error, if any.
func (d *Decoder) Finish() error {
	if d.s.pos == d.start {
		d.cur = valueCtx{sh: d.cur.sh, pat: d.s.rootPattern()}
		if err := d.Skip(); err != nil {
			return err
		}
	}
	if err := d.s.end(); err != nil {
		return err
	}
	return d.deferred
}

// Release returns the Decoder's buffers to a pool. The Decoder must not
// be used afterwards. Calling it is optional.
func (d *Decoder) Release() { putDecoder(d) }
