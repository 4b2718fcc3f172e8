package strictjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

// Test types, shaped like the ones the module decodes.
type digestSet map[string]string

type descriptor struct {
	Name   string    `json:"name,omitempty"`
	Digest digestSet `json:"digest,omitempty"`
}

type statement struct {
	Type          string          `json:"_type"`
	Subject       []descriptor    `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate,omitempty"`
}

type nested struct {
	Ptr   *descriptor             `json:"ptr"`
	Slice []*descriptor           `json:"slice"`
	Map   map[string]descriptor   `json:"map"`
	Arr   [2]descriptor           `json:"arr"`
	Deep  map[string][]descriptor `json:"deep"`
	Any   any                     `json:"any"`
	Self  *nested                 `json:"self"`
	Plain string                  // untagged: JSON name "Plain"
	Skip  string                  `json:"-"`
	inner string
}

type Embedded struct {
	Kind string `json:"kind"`
	Note string `json:"note"`
}

type withEmbedded struct {
	Embedded
	Note int `json:"note"` // shallower: wins over Embedded.Note
}

type textValue struct{ v string }

func (t *textValue) UnmarshalText(b []byte) error { t.v = string(b); return nil }

type withText struct {
	T textValue `json:"t"`
}

var statementT = reflect.TypeFor[statement]()

func kindOf(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return nil
}

// check runs Check and Unmarshal (into a fresh value of t) and requires
// both to agree with want.
func check(t *testing.T, in string, typ reflect.Type, want error) {
	t.Helper()
	err := Check([]byte(in), typ, 0)
	if want == nil {
		if err != nil {
			t.Fatalf("Check(%.60q) = %v, want success", in, err)
		}
	} else if !errors.Is(err, want) {
		t.Fatalf("Check(%.60q) = %v, want %v", in, err, want)
	}
	if typ == nil {
		typ = reflect.TypeFor[any]()
	}
	v := reflect.New(typ)
	uerr := Unmarshal([]byte(in), v.Interface(), 0)
	if want == nil && uerr != nil {
		t.Fatalf("Unmarshal(%.60q) = %v, want success", in, uerr)
	}
	if want != nil && !errors.Is(uerr, want) {
		t.Fatalf("Unmarshal(%.60q) = %v, want %v", in, uerr, want)
	}
}

func TestDuplicateKeys(t *testing.T) {
	tests := []struct {
		name string
		in   string
		typ  reflect.Type
		path string
	}{
		{"top level", `{"a":1,"a":2}`, nil, "a"},
		{"same value", `{"a":1,"a":1}`, nil, "a"},
		{"escaped duplicate", `{"a":1,"\u0061":2}`, nil, "a"},
		{"escaped both", `{"\u0061":1,"\u0061":2}`, nil, "a"},
		{"escaped slash", `{"a/b":1,"a\/b":2}`, nil, "a/b"},
		{"uppercase hex escape", `{"ab":1,"\u0061\u0062":2}`, nil, "ab"},
		{"escape then plain tail", `{"xay":1,"x\u0061y":2}`, nil, "xay"},
		{"non-adjacent", `{"a":1,"b":2,"c":3,"a":4}`, nil, "a"},
		{"nested object", `{"x":{"y":[{"k":1,"k":2}]}}`, nil, "x.y[0].k"},
		{"subject", `{"_type":"t","subject":[{"name":"a"}],"subject":[{"name":"b"}],"predicateType":"p"}`, statementT, "subject"},
		{"predicateType", `{"_type":"t","subject":[],"predicateType":"A","predicateType":"B"}`, statementT, "predicateType"},
		{"digest algorithm", `{"subject":[{"digest":{"sha256":"aa","sha256":"bb"}}]}`, statementT, "subject[0].digest.sha256"},
		{"unknown key", `{"x-unknown":1,"x-unknown":2}`, statementT, "x-unknown"},
		{"inside predicate", `{"predicate":{"p":{"q":1,"q":2}}}`, statementT, "predicate.p.q"},
		{"multibyte key", `{"é":1,"\u00e9":2}`, nil, "é"},
		{"surrogate pair key", `{"😀":1,"\ud83d\ude00":2}`, nil, "😀"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, tt.in, tt.typ, ErrDuplicateKey)
			var e *Error
			if !errors.As(Check([]byte(tt.in), tt.typ, 0), &e) {
				t.Fatal("not a *Error")
			}
			if e.Path != tt.path {
				t.Errorf("Path = %q, want %q", e.Path, tt.path)
			}
			// The offset points at the second occurrence of the key.
			if e.Offset <= 0 || e.Offset >= len(tt.in) || tt.in[e.Offset] != '"' {
				t.Errorf("Offset = %d, not at a key in %q", e.Offset, tt.in)
			}
		})
	}
	// Many keys (past the switch from slice to map) still find duplicates.
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 100; i++ {
		b.WriteString(`"k` + strings.Repeat("x", i) + `":0,`)
	}
	ok := b.String() + `"end":0}`
	check(t, ok, nil, nil)
	for _, dup := range []string{`"k":1}`, `"k` + strings.Repeat("x", 50) + `":1}`, `"k` + strings.Repeat("x", 99) + `":1}`} {
		check(t, b.String()+dup, nil, ErrDuplicateKey)
	}
	// Equal keys in different objects are fine.
	check(t, `{"a":{"a":1},"b":[{"a":1},{"a":2}]}`, nil, nil)
	check(t, `{"a":1,"A":2,"a ":3}`, nil, nil) // no type: no case check
}

func TestKeyCase(t *testing.T) {
	nestedT := reflect.TypeFor[nested]()
	tests := []struct {
		name string
		in   string
		typ  reflect.Type
		want error
		path string
	}{
		{"Subject", `{"Subject":[{"name":"x"}]}`, statementT, ErrKeyCase, "Subject"},
		{"SUBJECT", `{"SUBJECT":[]}`, statementT, ErrKeyCase, "SUBJECT"},
		{"PredicateType after predicateType", `{"predicateType":"A","PredicateType":"B"}`, statementT, ErrKeyCase, "PredicateType"},
		{"_TYPE", `{"_TYPE":"x"}`, statementT, ErrKeyCase, "_TYPE"},
		{"escaped capital", `{"\u0053ubject":[]}`, statementT, ErrKeyCase, "Subject"},
		// encoding/json folds with Unicode simple folding: the long s and
		// the Kelvin sign bind to "s" and "k". They must be caught too.
		{"long s", `{"ſubject":[]}`, statementT, ErrKeyCase, "ſubject"},
		{"kelvin sign", `{"\u212Aind":"x"}`, reflect.TypeFor[withEmbedded](), ErrKeyCase, "\u212Aind"},
		{"in slice element", `{"subject":[{"Name":"x"}]}`, statementT, ErrKeyCase, "subject[0].Name"},
		{"in second slice element", `{"subject":[{"name":"x"},{"DIGEST":{}}]}`, statementT, ErrKeyCase, "subject[1].DIGEST"},
		{"through pointer", `{"ptr":{"NAME":"x"}}`, nestedT, ErrKeyCase, "ptr.NAME"},
		{"pointer slice", `{"slice":[null,{"Digest":{}}]}`, nestedT, ErrKeyCase, "slice[1].Digest"},
		{"map value", `{"map":{"k":{"nAme":"x"}}}`, nestedT, ErrKeyCase, "map.k.nAme"},
		{"array element", `{"arr":[{},{"Name":"x"}]}`, nestedT, ErrKeyCase, "arr[1].Name"},
		{"map of slices", `{"deep":{"k":[{"name":"a","Name":"b"}]}}`, nestedT, ErrKeyCase, "deep.k[0].Name"},
		{"recursive type", `{"self":{"self":{"PTR":null}}}`, nestedT, ErrKeyCase, "self.self.PTR"},
		{"untagged field", `{"plain":"x"}`, nestedT, ErrKeyCase, "plain"},
		{"embedded promoted", `{"KIND":"x"}`, reflect.TypeFor[withEmbedded](), ErrKeyCase, "KIND"},
		{"shadowing field", `{"Note":1}`, reflect.TypeFor[withEmbedded](), ErrKeyCase, "Note"},

		// Exact names, unknown keys and untyped subtrees are fine.
		{"exact", `{"_type":"t","subject":[{"name":"x","digest":{"SHA256":"a","sha256":"b"}}],"predicateType":"p"}`, statementT, nil, ""},
		{"unknown keys", `{"subjects":[],"x":{"Subject":1},"predicate_type":"p"}`, statementT, nil, ""},
		{"raw message not checked", `{"predicate":{"Subject":1,"subject":2}}`, statementT, nil, ""},
		{"any not checked", `{"any":{"Ptr":1,"ptr":2}}`, nestedT, nil, ""},
		{"map keys not checked", `{"map":{"Name":{"name":"x"},"NAME":{}}}`, nestedT, nil, ""},
		{"json:\"-\" is unknown", `{"Skip":"x","skip":"y"}`, nestedT, nil, ""},
		{"unexported is unknown", `{"inner":"x","Inner":"y"}`, nestedT, nil, ""},
		{"embedded exact", `{"kind":"k","note":1}`, reflect.TypeFor[withEmbedded](), nil, ""},
		{"text unmarshaler not checked", `{"t":"x"}`, reflect.TypeFor[withText](), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, tt.in, tt.typ, tt.want)
			if tt.want == nil {
				return
			}
			var e *Error
			errors.As(Check([]byte(tt.in), tt.typ, 0), &e)
			if e.Path != tt.path {
				t.Errorf("Path = %q, want %q", e.Path, tt.path)
			}
			if !strings.Contains(e.Error(), tt.path) {
				t.Errorf("message %q does not name the path", e.Error())
			}
		})
	}

	// An unexported field binds nothing: "inner" stays unset.
	var n nested
	if err := Unmarshal([]byte(`{"inner":"x"}`), &n, 0); err != nil || n.inner != "" {
		t.Fatalf("unexported field: %q, %v", n.inner, err)
	}

	// The key check never rejects what the struct would bind exactly, and
	// with no type guidance nothing is case checked.
	check(t, `{"Subject":[]}`, nil, nil)

	// A statement whose only subject key is "Subject" must not decode a
	// subject through encoding/json's case folding.
	var st statement
	err := Unmarshal([]byte(`{"_type":"t","Subject":[{"name":"x"}],"predicateType":"p"}`), &st, 0)
	if !errors.Is(err, ErrKeyCase) || st.Subject != nil {
		t.Fatalf("Unmarshal = %v, subject %v", err, st.Subject)
	}
}

type ambiguousA struct {
	X string
}
type ambiguousB struct {
	X int
}
type ambiguous struct {
	ambiguousA
	ambiguousB
}

func TestFieldRules(t *testing.T) {
	// Two embedded fields named "X" at the same depth: encoding/json
	// ignores both, so "X" is an unknown key and "x" is not a case variant.
	check(t, `{"X":"s","x":1}`, reflect.TypeFor[ambiguous](), nil)
	var a ambiguous
	if err := Unmarshal([]byte(`{"X":"s"}`), &a, 0); err != nil || a.ambiguousA.X != "" || a.ambiguousB.X != 0 {
		t.Fatalf("ambiguous field decoded: %+v, %v", a, err)
	}
	// The shallower "note" (an int) shadows the embedded string: a string
	// value is a type error, as encoding/json reports it.
	var w withEmbedded
	if err := Unmarshal([]byte(`{"note":"s"}`), &w, 0); !errors.Is(err, ErrType) {
		t.Fatalf("string into the shadowing int = %v, want ErrType", err)
	}
	if err := Unmarshal([]byte(`{"kind":"k","note":3}`), &w, 0); err != nil || w.Kind != "k" || w.Note != 3 || w.Embedded.Note != "" {
		t.Fatalf("Unmarshal = %+v, %v", w, err)
	}
}

func TestUTF8(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"valid multibyte", `{"k":"é€😀"}`, nil},
		{"valid escapes", `"\u00e9\u20ac\ud83d\ude00\"\\\/\b\f\n\r\t"`, nil},
		{"valid pair uppercase hex", `"\uD83D\uDE00"`, nil},
		{"escaped NUL", `"\u0000"`, nil},
		{"escaped U+FFFD", `"\ufffd"`, nil},
		{"noncharacter", `"\uffff"`, nil},
		{"DEL raw", "\"\x7f\"", nil},

		{"invalid byte", "\"foo\xff\"", ErrInvalidUTF8},
		{"invalid byte in key", "{\"foo\xff\":1}", ErrInvalidUTF8},
		{"continuation byte alone", "\"\x80\"", ErrInvalidUTF8},
		{"truncated sequence", "\"\xe2\x82\"", ErrInvalidUTF8},
		{"truncated at end", "\"\xe2\x82", ErrInvalidUTF8},
		{"overlong slash", "\"\xc0\xaf\"", ErrInvalidUTF8},
		{"overlong NUL", "\"\xc0\x80\"", ErrInvalidUTF8},
		{"raw surrogate", "\"\xed\xa0\x80\"", ErrInvalidUTF8},
		{"above U+10FFFF", "\"\xf4\x90\x80\x80\"", ErrInvalidUTF8},
		{"lone high surrogate", `"\ud800"`, ErrInvalidUTF8},
		{"lone high at end of string", `"x\udbff"`, ErrInvalidUTF8},
		{"lone low surrogate", `"\udc00"`, ErrInvalidUTF8},
		{"low then high", `"\udc00\ud800"`, ErrInvalidUTF8},
		{"high then non-low escape", `"\ud800\u0041"`, ErrInvalidUTF8},
		{"high then high", `"\ud800\ud800"`, ErrInvalidUTF8},
		{"high then U+FFFD", `"\ud800\ufffd"`, ErrInvalidUTF8},
		{"high then plain char", `"\ud800A"`, ErrInvalidUTF8},
		{"high then other escape", `"\ud800\n"`, ErrInvalidUTF8},
		{"lone surrogate in key", `{"\ud800":1}`, ErrInvalidUTF8},
		{"high then bad hex", `"\ud800\uzzzz"`, ErrSyntax},
		{"high then short", `"\ud800\u12"`, ErrSyntax},
		{"bad hex", `"\u12g4"`, ErrSyntax},
		{"short escape", `"\u12"`, ErrSyntax},
		{"unknown escape", `"\x41"`, ErrSyntax},
		{"escape at end", `"\`, ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, tt.in, nil, tt.want)
		})
	}
	// Invalid UTF-8 is never replaced by U+FFFD in a decoded value.
	var s string
	if err := Unmarshal([]byte("\"foo\xff\""), &s, 0); !errors.Is(err, ErrInvalidUTF8) || s != "" {
		t.Fatalf("Unmarshal = %q, %v", s, err)
	}
}

func TestControlCharacters(t *testing.T) {
	for c := 0; c < 0x20; c++ {
		in := "\"a" + string(rune(c)) + "b\""
		check(t, in, nil, ErrSyntax)
		check(t, "{"+in+":1}", nil, ErrSyntax)
	}
	check(t, "\"a\\u001fb\"", nil, nil)
}

func nest(open, close string, n int) string {
	return strings.Repeat(open, n) + strings.Repeat(close, n)
}

func TestDepth(t *testing.T) {
	max := limits.MaxJSONDepth
	check(t, nest("[", "]", max), nil, nil)
	check(t, nest("[", "]", max+1), nil, ErrDepth)
	obj := strings.Repeat(`{"a":`, max) + "1" + strings.Repeat("}", max)
	check(t, obj, nil, nil)
	obj = strings.Repeat(`{"a":`, max+1) + "1" + strings.Repeat("}", max+1)
	check(t, obj, nil, ErrDepth)
	mixed := strings.Repeat(`[{"a":`, max/2) + "1" + strings.Repeat("}]", max/2)
	check(t, mixed, nil, nil)
	mixed = strings.Repeat(`[{"a":`, max/2) + "[1]" + strings.Repeat("}]", max/2)
	check(t, mixed, nil, ErrDepth)

	// Depth counts nesting, not the number of containers.
	check(t, "["+strings.Repeat("[],", 10000)+"[]]", nil, nil)

	var e *Error
	errors.As(Check([]byte(nest("[", "]", max+1)), nil, 0), &e)
	if e.Offset != max || !strings.HasPrefix(e.Path, "[0]") {
		t.Errorf("depth error at offset %d path %q, want offset %d", e.Offset, e.Path, max)
	}
}

func TestDepthMillionBrackets(t *testing.T) {
	// 10^6 unclosed brackets: bounded recursion, a clear error.
	for _, in := range []string{strings.Repeat("[", 1e6), strings.Repeat(`{"a":`, 2e5), strings.Repeat("[", 1e6) + strings.Repeat("]", 1e6)} {
		err := Check([]byte(in), nil, 0)
		if !errors.Is(err, ErrDepth) {
			t.Fatalf("Check(%d bytes of nesting) = %v, want ErrDepth", len(in), err)
		}
		var v any
		if err := Unmarshal([]byte(in), &v, 0); !errors.Is(err, ErrDepth) || v != nil {
			t.Fatalf("Unmarshal = %v, %v", v, err)
		}
	}
}

func TestTrailingData(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{`{}`, nil},
		{" \t\r\n{} \t\r\n", nil},
		{`{}garbage`, ErrTrailingData},
		{`{}{}`, ErrTrailingData},
		{`{"a":1} {"a":1}`, ErrTrailingData},
		{`[] []`, ErrTrailingData},
		{`1 2`, ErrTrailingData},
		{`"a""b"`, ErrTrailingData},
		{`null,`, ErrTrailingData},
		{"{}\x00", ErrTrailingData},
		{"{}\v", ErrTrailingData},
		{"{}\u00a0", ErrTrailingData},
		{"\ufeff{}", ErrSyntax}, // byte order mark
		{"", ErrSyntax},
		{"   ", ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			check(t, tt.in, nil, tt.want)
			if tt.want == ErrTrailingData {
				var e *Error
				errors.As(Check([]byte(tt.in), nil, 0), &e)
				if e.Offset == 0 || e.Offset >= len(tt.in) {
					t.Errorf("Offset = %d", e.Offset)
				}
			}
		})
	}
}

func TestNumbers(t *testing.T) {
	good := []string{"0", "-0", "1", "-1", "10", "1.5", "-0.0", "0e0", "1E5", "1e+5", "1e-5", "1.25e-10",
		"123456789012345678901234567890", "1e999999", "-1e-999999", "0.000001"}
	bad := []string{"01", "-01", "00", "1.", "-", "+1", ".5", "1e", "1e+", "1E-", "1.e5", "--1", "0x10", "1_000",
		"NaN", "Infinity", "-Infinity", "1.5.5", "1e5e5", "- 1"}
	for _, n := range good {
		t.Run("ok/"+n, func(t *testing.T) {
			check(t, n, nil, nil)
			check(t, "["+n+"]", nil, nil)
			check(t, `{"n":`+n+`}`, nil, nil)
			if !json.Valid([]byte(n)) {
				t.Fatal("encoding/json disagrees")
			}
		})
	}
	for _, n := range bad {
		t.Run("bad/"+n, func(t *testing.T) {
			err := Check([]byte("["+n+"]"), nil, 0)
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Check([%s]) = %v, want ErrSyntax", n, err)
			}
			if Valid([]byte(n), 0) {
				t.Fatalf("Valid(%s) = true", n)
			}
			if json.Valid([]byte(n)) {
				t.Fatal("encoding/json disagrees")
			}
		})
	}
	// A huge exponent is kept as text (UseNumber), never as a big number.
	var v map[string]any
	if err := Unmarshal([]byte(`{"n":1e999999}`), &v, 0); err != nil || v["n"] != json.Number("1e999999") {
		t.Fatalf("Unmarshal = %v, %v", v, err)
	}
	var f struct{ N float64 }
	if err := Unmarshal([]byte(`{"N":1e999}`), &f, 0); !errors.Is(err, ErrType) {
		t.Fatalf("1e999 into float64 = %v, want ErrType", err)
	}
}

func TestSyntax(t *testing.T) {
	for _, in := range []string{
		`{`, `}`, `[`, `]`, `{"a"}`, `{"a":}`, `{"a" 1}`, `{"a":1,}`, `[1,]`, `[,1]`, `{,}`, `{1:2}`,
		`{'a':1}`, `{a:1}`, `"abc`, `tru`, `nul`, `fals`, `True`, `nan`, `[1 2]`, `{"a":1 "b":2}`,
		`{"a":1;"b":2}`, `[1;2]`, `/* c */ 1`, `// c` + "\n1", `@`,
	} {
		t.Run(in, func(t *testing.T) {
			check(t, in, nil, ErrSyntax)
			if json.Valid([]byte(in)) {
				t.Fatal("encoding/json accepts it")
			}
		})
	}
	for _, in := range []string{`true`, `false`, `null`, `"s"`, `[]`, `{}`, `[[],{},"",0,true,null]`, `{"":""}`} {
		check(t, in, nil, nil)
	}
}

func TestSizeLimits(t *testing.T) {
	in := []byte(`{"a":"` + strings.Repeat("x", 100) + `"}`)
	if err := Check(in, nil, len(in)); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	err := Check(in, nil, len(in)-1)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	var v any
	if err := Unmarshal(in, &v, len(in)-1); !errors.Is(err, ErrTooLarge) || v != nil {
		t.Fatalf("Unmarshal over the limit = %v, %v", v, err)
	}
	// <= 0 means limits.MaxEnvelopeBytes.
	big := make([]byte, limits.MaxEnvelopeBytes+1)
	copy(big, `"`)
	if err := Check(big, nil, 0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("default limit: %v", err)
	}
	if err := Check(big, nil, -1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("negative limit: %v", err)
	}
}

func TestMaxArrayLen(t *testing.T) {
	o := Options{MaxArrayLen: 3}
	for _, tt := range []struct {
		in   string
		want error
	}{
		{`[]`, nil},
		{`[1,2,3]`, nil},
		{`[1,2,3,4]`, ErrTooLarge},
		{`{"a":[[1,2,3],[1,2,3],[1,2,3]]}`, nil},
		{`{"a":[[1,2,3],[1,2,3,4]]}`, ErrTooLarge},
		{`{"a":[{},{},{},{}]}`, ErrTooLarge},
		{`{"a":1,"b":2,"c":3,"d":4}`, nil}, // objects are not arrays
	} {
		err := CheckWith([]byte(tt.in), nil, o)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("CheckWith(%s) = %v, want %v", tt.in, err, tt.want)
		}
	}
	// A million empty elements are rejected at the bound, with the path.
	in := "[" + strings.Repeat("{},", 1e6) + "{}]"
	err := CheckWith([]byte(in), nil, Options{MaxArrayLen: 100})
	var e *Error
	if !errors.As(err, &e) || e.Kind != ErrTooLarge || e.Path != "[100]" || e.Offset != 1+100*3 {
		t.Fatalf("CheckWith(10^6 elements) = %#v", err)
	}
	if err := CheckWith([]byte(in), nil, Options{}); err != nil {
		t.Fatalf("no bound: %v", err)
	}
}

func TestMaxLen(t *testing.T) {
	o := Options{MaxLen: map[string]int{
		"subject":          2,
		"subject[].digest": 1,
		"":                 5,
		"list":             0,
	}}
	tests := []struct {
		in   string
		want error
		path string
	}{
		{`{"subject":[{"digest":{"a":"1"}},{"digest":{"b":"2"}}]}`, nil, ""},
		{`{"subject":[{},{},{}]}`, ErrTooLarge, "subject[2]"},
		{`{"subject":[{"digest":{"a":"1","b":"2"}}]}`, ErrTooLarge, "subject[0].digest.b"},
		{`{"subject":[{"x":{"a":"1","b":"2"}}]}`, nil, ""},                // other members are unbounded
		{`{"other":[{},{},{},{}],"x":{"digest":{"a":1,"b":2}}}`, nil, ""}, // same names elsewhere
		{`{"a":1,"b":2,"c":3,"d":4,"e":5}`, nil, ""},
		{`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}`, ErrTooLarge, "f"},
		{`{"list":[]}`, nil, ""},
		{`{"list":[1]}`, ErrTooLarge, "list"},
		{`{"subject":[[1,2,3]]}`, nil, ""}, // "subject[]" has no bound
	}
	for _, tt := range tests {
		err := CheckWith([]byte(tt.in), statementT, o)
		if tt.want == nil {
			if err != nil {
				t.Errorf("CheckWith(%s) = %v", tt.in, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != tt.want || e.Path != tt.path {
			t.Errorf("CheckWith(%s) = %v, want %v at %q", tt.in, err, tt.want, tt.path)
		}
	}
	// The top-level bound does not leak to deep containers.
	deep := `{"subject":[{"digest":{"a":{"1":1,"2":2,"3":3,"4":4,"5":5,"6":6}}}],"x":{"y":{"z":[1,2,3,4,5,6,7]}}}`
	if err := CheckWith([]byte(deep), nil, o); err != nil {
		t.Errorf("deep containers bounded: %v", err)
	}
	// Bounds apply to arrays at the top level too.
	if err := CheckWith([]byte(`[1,2,3,4,5,6]`), nil, o); !errors.Is(err, ErrTooLarge) {
		t.Errorf("top-level bound: %v", err)
	}
	// The tighter of MaxArrayLen and MaxLen wins.
	o.MaxArrayLen = 1
	if err := CheckWith([]byte(`{"subject":[{},{}]}`), nil, o); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxArrayLen tighter: %v", err)
	}
	var st statement
	err := UnmarshalWith([]byte(`{"subject":[{},{},{}]}`), &st, Options{MaxLen: map[string]int{"subject": 2}})
	if !errors.Is(err, ErrTooLarge) || st.Subject != nil {
		t.Errorf("UnmarshalWith = %v, %v", st.Subject, err)
	}
}

func TestUnmarshal(t *testing.T) {
	var st statement
	in := `{"_type":"t","subject":[{"name":"n","digest":{"sha256":"ab"}}],"predicateType":"p","predicate":{"x": [1, 2.50]},"extra":1}`
	if err := Unmarshal([]byte(in), &st, 0); err != nil {
		t.Fatal(err)
	}
	if st.Type != "t" || len(st.Subject) != 1 || st.Subject[0].Digest["sha256"] != "ab" || string(st.Predicate) != `{"x": [1, 2.50]}` {
		t.Fatalf("decoded %+v", st)
	}
	// Numbers in interface values keep their text.
	var m map[string]any
	if err := Unmarshal([]byte(`{"a":2.50,"b":12345678901234567890}`), &m, 0); err != nil {
		t.Fatal(err)
	}
	if m["a"] != json.Number("2.50") || m["b"] != json.Number("12345678901234567890") {
		t.Fatalf("numbers: %#v", m)
	}
	// Non-pointer and nil targets are programming errors, not panics.
	for _, v := range []any{st, nil, (*statement)(nil)} {
		if err := Unmarshal([]byte(`{}`), v, 0); err == nil || kindOf(err) != nil {
			t.Errorf("Unmarshal(%T) = %v", v, err)
		}
	}
	// Type errors are ErrType with the field and offset.
	err := Unmarshal([]byte(`{"_type":5}`), &st, 0)
	var e *Error
	if !errors.As(err, &e) || e.Kind != ErrType || e.Path != "_type" || e.Offset == 0 {
		t.Fatalf("type error = %#v", err)
	}
	if !errors.Is(err, ErrType) || errors.Is(err, ErrSyntax) {
		t.Fatal("errors.Is does not match exactly one kind")
	}
	if !strings.Contains(err.Error(), "_type") || !strings.Contains(err.Error(), "offset") {
		t.Errorf("message %q", err)
	}
}

// strictInner decodes itself with Unmarshal, as attest's alternative
// spellings do; its errors must come through as they are.
type strictInner struct{ A string }

func (s *strictInner) UnmarshalJSON(b []byte) error {
	type plain strictInner
	return Unmarshal(b, (*plain)(s), 0)
}

type failing struct{}

func (failing) UnmarshalJSON([]byte) error { return errors.New("custom failure") }

func TestUnmarshalNestedErrors(t *testing.T) {
	var v struct{ In strictInner }
	err := Unmarshal([]byte(`{"In":{"a":"x"}}`), &v, 0)
	if !errors.Is(err, ErrKeyCase) {
		t.Fatalf("nested Unmarshal error = %v, want ErrKeyCase", err)
	}
	if err := Unmarshal([]byte(`{"In":{"A":"x","A":"y"}}`), &v, 0); !errors.Is(err, ErrDuplicateKey) {
		t.Fatalf("duplicate in nested = %v", err)
	}
	if err := Unmarshal([]byte(`{"In":{"A":"x"}}`), &v, 0); err != nil || v.In.A != "x" {
		t.Fatalf("nested ok = %v, %v", v, err)
	}
	var f struct{ F failing }
	if err := Unmarshal([]byte(`{"F":1}`), &f, 0); !errors.Is(err, ErrType) || !strings.Contains(err.Error(), "custom failure") {
		t.Fatalf("custom error = %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Kind: ErrDuplicateKey, Offset: 7, Path: "a.b[2]", Detail: `"k"`}
	if got, want := e.Error(), `json: duplicate key: "k" at a.b[2] (offset 7)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{Kind: ErrSyntax, Offset: 0}
	if got, want := e.Error(), `json: syntax error (offset 0)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, ErrSyntax) || errors.Unwrap(e) != ErrSyntax {
		t.Error("Unwrap")
	}
}

func TestValid(t *testing.T) {
	if !Valid([]byte(`{"a":[1,2]}`), 0) || Valid([]byte(`{"a":1,"a":2}`), 0) || Valid([]byte(`{}x`), 0) {
		t.Fatal("Valid disagrees with Check")
	}
}

func TestConcurrentShapes(t *testing.T) {
	// Shapes are built lazily and cached: concurrent first use of a type
	// must be race-free (run with -race).
	type fresh struct {
		A []struct {
			B map[string]struct{ C string }
		}
	}
	in := []byte(`{"A":[{"B":{"k":{"C":"x"}}}]}`)
	bad := []byte(`{"A":[{"B":{"k":{"c":"x"}}}]}`)
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			var v fresh
			if err := Unmarshal(in, &v, 0); err != nil {
				done <- err
				return
			}
			if err := Unmarshal(bad, &v, 0); !errors.Is(err, ErrKeyCase) {
				done <- errors.New("case variant accepted")
				return
			}
			done <- nil
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"_type":"https://in-toto.io/Statement/v1","subject":[`)
	for i := 0; i < 100; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"name":"artifact-` + strings.Repeat("x", i%10) + `","digest":{"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}`)
	}
	sb.WriteString(`],"predicateType":"https://slsa.dev/provenance/v1","predicate":{"buildDefinition":{"buildType":"x","externalParameters":{"a":[1,2,3,"\u00e9"]}}}}`)
	in := []byte(sb.String())
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Check(in, statementT, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"Subject":[]}`, `{"subject":[{"digest":{"sha256":"x"}}]}`,
		`"\ud800"`, `"\ud83d\ude00"`, "\"\xff\"", `{}garbage`, `{}{}`, `01`, `1.`, `-`, `1e`, `1e999999`,
		`[[[[[[[[[[]]]]]]]]]]`, `{"a":[1,2,{"b":null,"c":true,"d":false}]}`, "\"\x01\"", `"\u0000"`, ` 1 `,
		`{"predicate":{"Subject":1}}`, `{"ſubject":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Check(data, nil, 1<<20)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Offset < 0 || e.Offset > len(data) {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		// No false acceptance: strict implies valid.
		if !json.Valid(data) {
			t.Fatalf("Check accepted what encoding/json rejects: %q", data)
		}
		// And decoding what was accepted works, as any and as a struct.
		var v any
		if err := Unmarshal(data, &v, 1<<20); err != nil {
			t.Fatalf("Unmarshal(any) after Check: %v", err)
		}
		var st statement
		if err := Check(data, statementT, 1<<20); err == nil {
			if err := Unmarshal(data, &st, 1<<20); err != nil && !errors.Is(err, ErrType) {
				t.Fatalf("Unmarshal(statement) after Check: %v", err)
			}
		} else if !errors.Is(err, ErrKeyCase) {
			t.Fatalf("typed Check failed with %v after untyped Check passed", err)
		}
	})
}
