package strictjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// decodeAny reads any value with the Decoder's methods into the values
// encoding/json makes for an interface (json.Number for numbers).
func decodeAny(d *Decoder) (any, error) {
	switch d.Kind() {
	case KindObject:
		m := map[string]any{}
		err := d.Object(func(key []byte) error {
			v, err := decodeAny(d)
			m[string(key)] = v
			return err
		})
		return m, err
	case KindArray:
		s := []any{}
		err := d.Array(func(int) error {
			v, err := decodeAny(d)
			s = append(s, v)
			return err
		})
		return s, err
	case KindString:
		return d.String()
	case KindNumber:
		raw, err := d.Raw()
		return json.Number(raw), err
	case KindBool:
		raw, err := d.Raw()
		return string(raw) == "true", err
	case KindNull:
		_, err := d.Null()
		return nil, err
	}
	return nil, d.Skip() // the syntax error
}

func decodeAll(data []byte, t reflect.Type, o Options) (any, error) {
	d, err := NewDecoder(data, t, o)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	v, err := decodeAny(d)
	if err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	return v, nil
}

// sameError requires two errors to be the same *Error, field for field.
func sameError(t *testing.T, what string, in []byte, got, want error) {
	t.Helper()
	if (got == nil) != (want == nil) {
		t.Fatalf("%s(%q): got %v, reference %v", what, in, got, want)
	}
	if got == nil {
		return
	}
	var g, w *Error
	if !errors.As(got, &g) || !errors.As(want, &w) {
		t.Fatalf("%s(%q): not *Error: %v / %v", what, in, got, want)
	}
	if *g != *w {
		t.Fatalf("%s(%q):\n got       %#v\n reference %#v", what, in, *g, *w)
	}
}

// checkCases are the types and bounds FuzzCheckDifferential tries.
var checkCases = []struct {
	t reflect.Type
	o Options
}{
	{nil, Options{}},
	{statementT, Options{MaxLen: map[string]int{"subject": 2, "subject[].digest": 1, "": 5, "list": 0}}},
	{reflect.TypeFor[nested](), Options{MaxArrayLen: 3, MaxLen: map[string]int{"map": 2, "deep.k": 1, "slice[]": 1}}},
	{reflect.TypeFor[withEmbedded](), Options{MaxBytes: 64}},
}

// checkDifferential holds Check to the scanner it replaced, and the
// Decoder (reading every value with its own methods) to Unmarshal.
func checkDifferential(t *testing.T, data []byte) {
	for _, c := range checkCases {
		sameError(t, "CheckWith", data, CheckWith(data, c.t, c.o), oldCheckWith(data, c.t, c.o))
	}
	got, gerr := decodeAll(data, nil, Options{MaxBytes: 1 << 20})
	var want any
	werr := UnmarshalWith(data, &want, Options{MaxBytes: 1 << 20})
	sameError(t, "Decoder", data, gerr, werr)
	if gerr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("Decoder(%q) = %#v, Unmarshal = %#v", data, got, want)
	}
}

var checkSeeds = []string{
	`{}`, `[]`, `{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"Subject":[]}`, `{"subject":[{"digest":{"sha256":"x"}}]}`,
	`"\ud800"`, `"\ud83d\ude00"`, "\"\xff\"", `{}garbage`, `{}{}`, `01`, `1.`, `-`, `1e`, `1e999999`,
	`[[[[[[[[[[]]]]]]]]]]`, `{"a":[1,2,{"b":null,"c":true,"d":false}]}`, "\"\x01\"", `"\u0000"`, ` 1 `,
	`{"predicate":{"Subject":1}}`, `{"ſubject":[]}`, `{"subject":[{},{},{}]}`, `{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}`,
	`{"":[1,2,3,4,5,6]}`, `{"list":[1]}`, `{"subject[].digest":{"a":1,"b":2}}`, `{"map":{"a":{},"b":{},"c":{}}}`,
	`{"slice":[{},{}],"deep":{"k":[1,2]}}`, `{"arr":[1,2,3,4]}`, `{"KIND":"x"}`, `{"a":"x\"y\\z\u00e9\ud83d\ude00","b":"0123456789abcdef0123456789abcdef"}`,
	"{\"a\":\"abcdefgh\xc3\xa9ijklmnop\"}", "{\"abcdefghijklmnopqrstu\x00\":1}", `{"x":"abcdefghij\u12"}`,
	strings.Repeat(`{"a":`, 300) + "1" + strings.Repeat("}", 300),
}

func FuzzCheckDifferential(f *testing.F) {
	for _, s := range checkSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDifferential(t, data) })
}

func TestCheckDifferential(t *testing.T) {
	for _, s := range checkSeeds {
		checkDifferential(t, []byte(s))
	}
	// Every key of a long object, each escaped and not, and many keys.
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 40; i++ {
		b.WriteString(`"k` + strings.Repeat("x", i) + `":0,"\u006b` + strings.Repeat("y", i) + `":[{"a":1}],`)
	}
	checkDifferential(t, []byte(b.String()+`"end":0}`))
	checkDifferential(t, []byte(b.String()+`"k":0}`))
	checkDifferential(t, []byte(b.String()+`"\u006byy":0}`))
}

func TestSpecial8(t *testing.T) {
	// special8 must find the first special byte of every 8-byte word
	// exactly: try each special byte at each position among plain ones.
	for _, c := range []byte{0x00, 0x01, 0x1f, '"', '\\', 0x80, 0xc3, 0xff} {
		for i := 0; i < 8; i++ {
			for _, fill := range []byte{' ', '!', '#', '[', ']', 'a', '~', 0x7f} {
				w := []byte(strings.Repeat(string(fill), 8))
				w[i] = c
				if i < 7 {
					w[7] = c // a second one above must not hide the first
				}
				var x uint64
				for j := 7; j >= 0; j-- {
					x = x<<8 | uint64(w[j])
				}
				m := special8(x)
				if m == 0 {
					t.Fatalf("special8(%q) missed %#x", w, c)
				}
				first := 0
				for m&0xff == 0 {
					m >>= 8
					first++
				}
				if first != i {
					t.Fatalf("special8(%q): first special byte at %d, want %d", w, first, i)
				}
			}
		}
	}
	for c := 0x20; c < 0x80; c++ {
		if c == '"' || c == '\\' {
			continue
		}
		x := uint64(c) * lsb
		if special8(x) != 0 {
			t.Fatalf("special8 marks plain byte %#x", c)
		}
	}
}

func TestDecoderTypeErrors(t *testing.T) {
	// A type error is reported only when the document passes every
	// check; a later check failure wins, as with Unmarshal.
	read := func(in string) error {
		d, err := NewDecoder([]byte(in), statementT, Options{})
		if err != nil {
			return err
		}
		err = d.Object(func(key []byte) error {
			switch string(key) {
			case "_type":
				_, err := d.String()
				return err
			case "subject":
				return d.Array(func(int) error { return nil })
			}
			return nil
		})
		if err != nil {
			return err
		}
		return d.Finish()
	}
	for _, tt := range []struct {
		in   string
		want error
		path string
	}{
		{`{"_type":5}`, ErrType, "_type"},
		{`{"_type":null}`, ErrType, "_type"},
		{`{"_type":{"a":1}}`, ErrType, "_type"},
		{`{"_type":5,"x":1,"x":2}`, ErrDuplicateKey, "x"},
		{`{"_type":5}x`, ErrTrailingData, ""},
		{`{"_type":[` + strings.Repeat("[", 300) + `]}`, ErrDepth, "_type[0]" + strings.Repeat("[0]", 254)},
		// A mismatched value is still checked with the field's shape:
		// the subject list's elements are descriptors even in an object.
		{`{"subject":{"k":{"Name":1}}}`, ErrKeyCase, "subject.k.Name"},
		{`{"subject":"s","Subject":1}`, ErrKeyCase, "Subject"},
		{`{"subject":[{"Digest":{}}]}`, ErrKeyCase, "subject[0].Digest"}, // skipped elements too
		{`{"subject":[1,"x"]}`, nil, ""},
		{`{"_type":"t","subject":[]}`, nil, ""},
		{`{"_type":"a\u00e9\ud83d\ude00"}`, nil, ""},
		{`{"_type":"\ud800"}`, ErrInvalidUTF8, "_type"},
		{``, ErrSyntax, ""},
		{`@`, ErrSyntax, ""},
		{`[1]`, ErrType, ""},
	} {
		err := read(tt.in)
		if tt.want == nil {
			if err != nil {
				t.Errorf("%.40q: %v", tt.in, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != tt.want || e.Path != tt.path {
			t.Errorf("%.40q: got %v, want %v at %q", tt.in, err, tt.want, tt.path)
		}
		// Check agrees on the check failures.
		if tt.want != ErrType {
			sameError(t, "Check", []byte(tt.in), err, Check([]byte(tt.in), statementT, 0))
		}
	}
}

func TestDecoderValues(t *testing.T) {
	in := []byte(` {"a":"plain","b":"esc\"aped\u00e9","c":{"x":[1,2]},"d":null,"e":"x","f":[true]} `)
	d, err := NewDecoder(in, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	err = d.Object(func(key []byte) error {
		switch k := string(key); k {
		case "a":
			b, err := d.StringBytes()
			if &b[0] != &in[7] {
				t.Error("StringBytes copied a string without escapes")
			}
			got[k] = string(b)
			return err
		case "b":
			s, err := d.String()
			got[k] = s
			return err
		case "c":
			raw, err := d.Raw()
			got[k] = string(raw)
			return err
		case "d":
			null, err := d.Null()
			got[k] = null
			return err
		case "e":
			var v string
			return d.Decode(&v)
		}
		return nil // "f": skipped
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Finish(); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": "plain", "b": "esc\"aped\u00e9", "c": `{"x":[1,2]}`, "d": true}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
	d.Release()

	// Decode reports encoding/json's type errors at the value's path and
	// offset in the whole document.
	in = []byte(`{"subject":[{"name":"n"},{"name":7}]}`)
	d, _ = NewDecoder(in, statementT, Options{})
	err = d.Object(func(key []byte) error {
		var v []descriptor
		return d.Decode(&v)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Finish()
	var e *Error
	if !errors.As(err, &e) || e.Kind != ErrType || !strings.HasPrefix(e.Path, "subject") || e.Offset <= 11 || e.Offset > len(in) {
		t.Fatalf("Decode type error = %#v", err)
	}

	// Finish reads a top-level value nobody read.
	for in, want := range map[string]error{`{"a":1}`: nil, `{"a":1,"a":1}`: ErrDuplicateKey, ``: ErrSyntax, `1 2`: ErrTrailingData} {
		d, _ := NewDecoder([]byte(in), nil, Options{})
		if err := d.Finish(); !errors.Is(err, want) && (want != nil || err != nil) {
			t.Errorf("Finish(%q) = %v, want %v", in, err, want)
		}
	}

	// Oversize input is refused up front.
	if _, err := NewDecoder([]byte(`"abc"`), nil, Options{MaxBytes: 4}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("NewDecoder over MaxBytes = %v", err)
	}
}

func BenchmarkDecoder(b *testing.B) {
	in := []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}],"predicateType":"p","predicate":{"a":[1,2,{"b":"c"}]}}`)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeAll(in, statementT, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
