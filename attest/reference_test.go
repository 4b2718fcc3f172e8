package attest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// The generic decoding path ParseStatement and ParseEnvelope took before
// their single-pass decoders (decode.go), kept as the reference: for any
// input, the two must both reject it, for the same reason, or both
// accept it with deeply equal results.

// refParseStatement is ParseStatement on the generic path.
func refParseStatement(data []byte) (*Statement, error) {
	var st Statement
	if err := strictjson.UnmarshalWith(data, &st, statementOptions); err != nil {
		return nil, malformed("statement", err)
	}
	if err := st.Validate(); err != nil {
		return nil, err
	}
	return &st, nil
}

// refParseEnvelope is ParseEnvelope on the generic path.
func refParseEnvelope(data []byte) (*Envelope, error) {
	var w envelopeJSON
	if err := strictjson.UnmarshalWith(data, &w, envelopeOptions); err != nil {
		return nil, malformed("envelope", err)
	}
	return refDecodeEnvelope(&w)
}

// refDecodeEnvelope hands the generic path's result to the same checks
// and base64 decoding ParseEnvelope uses: the two paths differ in how
// they read the JSON, which is what the differential tests compare.
// (decodeBase64 is held to DecodeBase64 by FuzzParseEnvelopeDifferential
// and TestDecodeBase64Bytes.)
func refDecodeEnvelope(w *envelopeJSON) (*Envelope, error) {
	wire := &wireEnvelope{payload: []byte(w.Payload), payloadType: w.PayloadType}
	for _, s := range w.Signatures {
		wire.signatures = append(wire.signatures, wireSignature{keyID: s.KeyID, sig: []byte(s.Sig)})
	}
	return wire.decode()
}

// sentinels are the error categories callers test with errors.Is.
var sentinels = []error{
	ErrMalformed, ErrTooLarge, ErrNoSubject, ErrDuplicateKey, ErrKeyCase, digest.ErrMalformed,
	strictjson.ErrSyntax, strictjson.ErrTooLarge, strictjson.ErrDepth, strictjson.ErrInvalidUTF8,
	strictjson.ErrDuplicateKey, strictjson.ErrKeyCase, strictjson.ErrTrailingData, strictjson.ErrType,
}

// sameOutcome fails unless got and want (the reference) agree: both
// rejected with the same categories and, for everything but type errors
// (whose wording is encoding/json's), the same message, offset and path;
// or both accepted with deeply equal values.
func sameOutcome[T any](t testing.TB, what string, data []byte, got *T, gerr error, want *T, werr error) {
	t.Helper()
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("%s(%.200q):\n got       %v\n reference %v", what, data, gerr, werr)
	}
	if gerr == nil {
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s(%.200q) decoded differently:\n got       %#v\n reference %#v", what, data, got, want)
		}
		return
	}
	if got != nil || want != nil {
		t.Fatalf("%s(%.200q): value returned with an error", what, data)
	}
	for _, s := range sentinels {
		if errors.Is(gerr, s) != errors.Is(werr, s) {
			t.Fatalf("%s(%.200q): errors.Is(_, %v) differs:\n got       %v\n reference %v", what, data, s, gerr, werr)
		}
	}
	if errors.Is(werr, strictjson.ErrType) {
		return
	}
	if gerr.Error() != werr.Error() {
		t.Fatalf("%s(%.200q):\n got       %v\n reference %v", what, data, gerr, werr)
	}
}

func statementDifferential(t testing.TB, data []byte) {
	got, gerr := ParseStatement(data)
	want, werr := refParseStatement(data)
	sameOutcome(t, "ParseStatement", data, got, gerr, want, werr)
}

func envelopeDifferential(t testing.TB, data []byte) {
	got, gerr := ParseEnvelope(data)
	want, werr := refParseEnvelope(data)
	sameOutcome(t, "ParseEnvelope", data, got, gerr, want, werr)
}

// statementEdgeCases are statements that take every branch of the
// single-pass decoder: each field's null, wrong types, escapes, and the
// irregular values encoding/json decodes itself.
func statementEdgeCases() []string {
	sub := func(rd string) string { return string(statementJSON(mType, `"subject":[`+rd+`]`, mPT)) }
	dg := `"digest":{"sha256":"` + sha256Of("a").Hex() + `"}`
	cases := []string{
		string(statementJSON(mType, mSubject, mPT, mPred)),
		string(statementJSON(mType, mSubject, mPT, `"predicate":null`)),
		string(statementJSON(mType, mSubject, mPT, `"predicate":[1]`)),
		string(statementJSON(mType, mSubject, mPT, `"predicate":"x"`)),
		string(statementJSON(mType, mSubject, mPT, `"predicate":{"a":{"a":1,"a":2}}`)),
		string(statementJSON(mType, mSubject, mPT, `"predicate": { "x" : [ 1 , 2.50e3 ] } `)),
		string(statementJSON(`"_type":null`, mSubject, mPT)),
		string(statementJSON(`"_type":5`, mSubject, mPT)),
		string(statementJSON(`"_type":{"a":1}`, mSubject, mPT)),
		string(statementJSON(`"_type":["https://in-toto.io/Statement/v1"]`, mSubject, mPT)),
		string(statementJSON(`"\u005ftype":"https:\/\/in-toto.io\/Statement\/v1"`, mSubject, mPT)),
		string(statementJSON(`"_Type":"x"`, mType, mSubject, mPT)),
		string(statementJSON(mType, `"subject":null`, mPT)),
		string(statementJSON(mType, `"subject":[]`, mPT)),
		string(statementJSON(mType, `"subject":{}`, mPT)),
		string(statementJSON(mType, `"subject":{"a":{"Name":1}}`, mPT)),
		string(statementJSON(mType, `"subject":"x"`, mPT)),
		string(statementJSON(mType, `"subject":true`, mPT)),
		string(statementJSON(mType, `"subject":[null]`, mPT)),
		string(statementJSON(mType, `"subject":[1,{"Digest":{}}]`, mPT)),
		string(statementJSON(mType, mSubject, `"predicateType":7`)),
		string(statementJSON(mType, mSubject, `"predicateType":null`)),
		string(statementJSON(mType, mSubject, mPT, `"x":{"subject":[{"Name":1}]}`)),
		sub(`{"name":"a",` + dg + `}`),
		sub(`{"name":"a\u0000",` + dg + `}`),
		sub(`{"name":"a\"b\\c\u00e9\ud83d\ude00",` + dg + `}`),
		sub(`{"name":null,` + dg + `}`),
		sub(`{"name":1,` + dg + `}`),
		sub(`{"uri":"https://x/y","downloadLocation":"https://z","mediaType":"text/plain",` + dg + `}`),
		sub(`{"uri":null,"downloadLocation":1,` + dg + `}`),
		sub(`{"digest":null}`),
		sub(`{"digest":[]}`),
		sub(`{"digest":"x"}`),
		sub(`{"digest":{}}`),
		sub(`{"digest":{"sha256":null}}`),
		sub(`{"digest":{"sha256":1}}`),
		sub(`{"digest":{"sha256":{"a":1}}}`),
		sub(`{"digest":{"sha256":"` + sha256Of("a").Hex() + `","SHA256":"x","gitCommit":"` + hexOf("c", 20) + `"}}`),
		sub(`{"digest":{"\u0073ha256":"` + sha256Of("a").Hex() + `"}}`),
		sub(`{"content":"QQ==",` + dg + `}`),
		sub(`{"content":"QQ",` + dg + `}`),
		sub(`{"content":"Q\nQ==",` + dg + `}`),
		sub(`{"content":"Q\u0051==",` + dg + `}`),
		sub(`{"content":"",` + dg + `}`),
		sub(`{"content":null,` + dg + `}`),
		sub(`{"content":[1,2,255],` + dg + `}`),
		sub(`{"content":[256],` + dg + `}`),
		sub(`{"content":[],` + dg + `}`),
		sub(`{"content":{},` + dg + `}`),
		sub(`{"content":5,` + dg + `}`),
		sub(`{"annotations":{"a":1.50,"b":[{},[],null,true,"x"],"c":{"d":12345678901234567890}},` + dg + `}`),
		sub(`{"annotations":{},` + dg + `}`),
		sub(`{"annotations":null,` + dg + `}`),
		sub(`{"annotations":[],` + dg + `}`),
		sub(`{"annotations":"x",` + dg + `}`),
		sub(`{"annotations":{"a":1,"a":2},` + dg + `}`),
		sub(`{"annotations":{"A":1,"a":2},` + dg + `}`),
		sub(`{"Annotations":{},` + dg + `}`),
		sub(`{"x":[{"y":1}],` + dg + `}`),
		`null`, `[]`, `[{}]`, `"x"`, `1`, `true`, ``, ` `, `{`, `{}`, `{"_type":5}x`, `{"_type":5,"a":1,"a":2}`,
		string(statementJSON(mType, mSubject, mPT)) + " \n\t",
		string(statementJSON(mType, mSubject, mPT)) + "x",
		string(manySubjects(3, 2)),
		string(manySubjects(limits.MaxSubjects+1, 1)),
		string(manySubjects(1, limits.MaxDigestsPerSubject+1)),
		`{"subject":[` + strings.Repeat("{},", 1100) + `{}]}`,
		`{"subject":{` + strings.Repeat(`"a":{},`, 3) + `"b":{}}}`,
		`{"predicate":` + strings.Repeat("[", 260) + strings.Repeat("]", 260) + `}`,
	}
	return cases
}

// envelopeEdgeCases do the same for envelopes.
func envelopeEdgeCases() []string {
	return []string{
		`{"payload":"aGVsbG8=","payloadType":"t","signatures":[{"keyid":"k","sig":"QQ=="}]}`,
		`{"payload":"aGVsbG8","payloadType":"t","signatures":[{"sig":"_-8"},{"sig":"+/8="}]}`,
		`{"payload":"aGVs\u0062G8=","payloadType":"t\u00e9"}`,
		`{"payload":"a\/8=","payloadType":"t"}`,
		`{"payload":"a-8=","payloadType":"t"}`,
		`{"payload":"a-/8","payloadType":"t"}`,
		`{"payload":"QR==","payloadType":"t"}`,
		`{"payload":"QQ=","payloadType":"t"}`,
		`{"payload":"Q","payloadType":"t"}`,
		`{"payload":"aGVs\nbG8=","payloadType":"t"}`,
		`{"payload":"aGVs\rbG8=","payloadType":"t"}`,
		`{"payload":"aGVs bG8=","payloadType":"t"}`,
		`{"payload":"","payloadType":"t"}`,
		`{"payload":null,"payloadType":"t","signatures":null}`,
		`{"payloadType":"t"}`,
		`{"payload":"","payloadType":"t","signatures":[]}`,
		`{"payload":"","payloadType":"t","signatures":[null]}`,
		`{"payload":"","payloadType":"t","signatures":[{}]}`,
		`{"payload":"","payloadType":"t","signatures":[{"keyid":null,"sig":null}]}`,
		`{"payload":"","payloadType":"t","signatures":[{"keyid":5,"sig":""}]}`,
		`{"payload":"","payloadType":"t","signatures":[1]}`,
		`{"payload":"","payloadType":"t","signatures":["x"]}`,
		`{"payload":"","payloadType":"t","signatures":{}}`,
		`{"payload":"","payloadType":"t","signatures":{"a":{"Sig":1}}}`,
		`{"payload":"","payloadType":"t","signatures":"x"}`,
		`{"payload":"","payloadType":"t","signatures":[{"sig":"QQ==","extra":{"a":[1]}}],"x":null}`,
		`{"payload":"","payloadType":"t","signatures":[` + strings.Repeat(`{"sig":""},`, limits.MaxSignatures) + `{"sig":""}]}`,
		`{"payload":"","payloadType":"t","signatures":[{"keyid":"` + strings.Repeat("k", maxKeyIDBytes+1) + `","sig":""}]}`,
		`{"payload":"","payloadType":"t","signatures":[{"sig":"` + strings.Repeat("A", base64.StdEncoding.EncodedLen(maxSignatureBytes)+1) + `"}]}`,
		`{"payload":"","payloadType":"t","signatures":[{"sig":"` + strings.Repeat("A", base64.StdEncoding.EncodedLen(maxSignatureBytes)-1) + `"}]}`,
		`{"payload":"","payloadType":"` + strings.Repeat("t", maxPayloadTypeBytes+1) + `"}`,
		`{"payload":"","payloadType":""}`,
		`{"payload":"","payloadType":null}`,
		`{"payload":"","payloadType":1}`,
		`{"payload":1,"payloadType":"t"}`,
		`{"payload":[],"payloadType":"t"}`,
		`{"payload":"","payload":"QQ==","payloadType":"t"}`,
		`{"Payload":"QQ==","payload":"","payloadType":"t"}`,
		`{"payload":"","payloadType":"t","signatures":[{"\u212Aeyid":"k","sig":""}]}`,
		"{\"payload\":\"\",\"payloadType\":\"t\xff\"}",
		`{"payload":"","payloadType":"t","signatures":[{"keyid":"\ud800","sig":""}]}`,
		`{"payload":"","payloadType":"t"}x`,
		`{"payload":"","payloadType":5}x`,
		`[{"payload":"","payloadType":"t"}]`, `null`, ``, `"x"`, `{}`,
		`{"payload":"","payloadType":"t","x":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`,
	}
}

// statementSeeds and envelopeSeeds are the fuzz seeds and the inputs of
// the differential tests: every file under testdata/, the envelopes
// inside the vector bundles and their payloads, and the edge cases.
func statementSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, b := range readTree(t, "../testdata", 100) {
		out = append(out, b)
	}
	for _, b := range allStatements(t) {
		out = append(out, b)
	}
	for _, s := range statementEdgeCases() {
		out = append(out, []byte(s))
	}
	return out
}

func envelopeSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, b := range readTree(t, "../testdata", 100) {
		out = append(out, b)
	}
	for _, rel := range envelopeVectors {
		out = append(out, bundleEnvelope(t, rel))
	}
	for _, c := range loadDSSEVectors(t).Cases {
		out = append(out, []byte(c.Envelope))
	}
	for _, s := range envelopeEdgeCases() {
		out = append(out, []byte(s))
	}
	return out
}

func TestParseStatementDifferential(t *testing.T) {
	seeds := statementSeeds(t)
	for _, b := range seeds {
		statementDifferential(t, b)
	}
	// Every one-byte change of a few good statements (the mutation test's
	// inputs) and every truncation.
	for _, rel := range []string{specDir + "test-result-example1.json", "ampel/link1.json"} {
		forEachMutation(readVector(t, rel), func(m []byte) { statementDifferential(t, m) })
	}
	forEachMutation(statementJSON(mType, mSubject, mPT, mPred), func(m []byte) { statementDifferential(t, m) })
}

func TestParseEnvelopeDifferential(t *testing.T) {
	for _, b := range envelopeSeeds(t) {
		envelopeDifferential(t, b)
	}
	for _, rel := range []string{envelopeVectors[0], envelopeVectors[3]} {
		forEachMutation(bundleEnvelope(t, rel), func(m []byte) { envelopeDifferential(t, m) })
	}
}

// forEachMutation calls fn with data changed in each byte (to a few
// interesting values), and truncated at each length. Inside a long base64
// run (the body of a payload or signature), where every position takes
// the same path through both decoders, it samples one position in 61 so
// that the test stays fast under -race; the fuzz targets cover the rest.
func forEachMutation(data []byte, fn func([]byte)) {
	m := bytes.Clone(data)
	for i := range data {
		if inBase64Run(data, i) && i%61 != 0 {
			continue
		}
		for _, c := range []byte{data[i] ^ 0x01, data[i] ^ 0x20, '"', '\\', 0, 0xff, '}', ',', 'n'} {
			m[i] = c
			fn(m)
		}
		m[i] = data[i]
		fn(data[:i])
	}
}

// inBase64Run reports whether data[i] lies at least 16 bytes inside a run
// of base64 alphabet bytes.
func inBase64Run(data []byte, i int) bool {
	const margin = 16
	if i < margin || i+margin >= len(data) {
		return false
	}
	for _, c := range data[i-margin : i+margin+1] {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

func FuzzParseStatementDifferential(f *testing.F) {
	for _, b := range statementSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) { statementDifferential(t, data) })
}

func FuzzParseEnvelopeDifferential(f *testing.F) {
	for _, b := range envelopeSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		envelopeDifferential(t, data)
		// The base64 decoder of the single pass against DecodeBase64,
		// on the input itself as a base64 text.
		got, gerr := decodeBase64(data)
		want, werr := DecodeBase64(string(data))
		if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) || !bytes.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("decodeBase64(%q) = %x, %v; DecodeBase64 = %x, %v", data, got, gerr, want, werr)
		}
	})
}

func TestDecodeBase64Bytes(t *testing.T) {
	for _, s := range []string{
		"", "QQ==", "QQ", "QR==", "Q", "QQ=", "-_8=", "-_8", "+/8=", "+/8", "-/8=", "_+8", "aGVs\nbG8=", "aGVs\rbG8=",
		"aGVs bG8=", "aGVsbG8=x", "=", "==", "QQ==QQ==", "\x00", "é", strings.Repeat("A", 4096),
	} {
		got, gerr := decodeBase64([]byte(s))
		want, werr := DecodeBase64(s)
		if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) || !bytes.Equal(got, want) || (got == nil) != (want == nil) {
			t.Errorf("decodeBase64(%q) = %x, %v; DecodeBase64 = %x, %v", s, got, gerr, want, werr)
		}
	}
}

// The single-pass decoders bind exactly the fields of the Go types they
// stand for: the same JSON names, so the key case check (which follows
// the Go type) and the decoder agree on which keys are fields.
func TestDecoderFieldsMatchTypes(t *testing.T) {
	names := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
		return out
	}
	for _, tc := range []struct {
		v    any
		want []string
	}{
		{Statement{}, []string{"_type", "subject", "predicateType", "predicate"}},
		{ResourceDescriptor{}, []string{"name", "uri", "digest", "content", "downloadLocation", "mediaType", "annotations"}},
		{envelopeJSON{}, []string{"payload", "payloadType", "signatures"}},
		{signatureJSON{}, []string{"keyid", "sig"}},
	} {
		if got := names(tc.v); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%T fields %q, the decoder reads %q: update decode.go", tc.v, got, tc.want)
		}
	}
}
