package attest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// paeRef is the DSSE reference definition of PAE, written independently.
func paeRef(typ string, payload []byte) []byte {
	return []byte(fmt.Sprintf("DSSEv1 %d %s %d %s", len(typ), typ, len(payload), payload))
}

func TestPAE(t *testing.T) {
	tests := []struct {
		typ, payload, want string
	}{
		// The DSSE spec test vector (protocol.md).
		{"http://example.com/HelloWorld", "hello world", "DSSEv1 29 http://example.com/HelloWorld 11 hello world"},
		{"", "", "DSSEv1 0  0 "},
		{PayloadType, "{}", "DSSEv1 28 application/vnd.in-toto+json 2 {}"},
		// Lengths are in bytes, not runes.
		{"application/vnd.ñ+json", "héllo", "DSSEv1 23 application/vnd.ñ+json 6 héllo"},
		{"類型", "😀", "DSSEv1 6 類型 4 😀"},
		// Spaces and digits inside the fields do not confuse the framing.
		{"a 1", "b", "DSSEv1 3 a 1 1 b"},
		{"a", "1 b", "DSSEv1 1 a 3 1 b"},
		{"t", "\x00\xff\n", "DSSEv1 1 t 3 \x00\xff\n"},
	}
	for _, tt := range tests {
		got := PAE(tt.typ, []byte(tt.payload))
		if string(got) != tt.want {
			t.Errorf("PAE(%q, %q) = %q, want %q", tt.typ, tt.payload, got, tt.want)
		}
		if ref := paeRef(tt.typ, []byte(tt.payload)); !bytes.Equal(got, ref) {
			t.Errorf("PAE(%q, %q) = %q, reference %q", tt.typ, tt.payload, got, ref)
		}
		e := &Envelope{PayloadType: tt.typ, Payload: []byte(tt.payload)}
		if !bytes.Equal(e.PAE(), got) {
			t.Errorf("Envelope.PAE differs")
		}
		prefix := []byte("prefix")
		if out := AppendPAE(prefix, tt.typ, []byte(tt.payload)); string(out) != "prefix"+tt.want {
			t.Errorf("AppendPAE = %q", out)
		}
	}
	// The ambiguity that PAE exists to prevent.
	if bytes.Equal(PAE("a 1", []byte("b")), PAE("a", []byte("1 b"))) {
		t.Fatal(`PAE("a 1","b") == PAE("a","1 b")`)
	}
	// Against the reference for longer inputs (multi-digit lengths).
	for _, n := range []int{9, 10, 99, 100, 1000, 1 << 16} {
		p := bytes.Repeat([]byte("x"), n)
		typ := strings.Repeat("t", n%300)
		if !bytes.Equal(PAE(typ, p), paeRef(typ, p)) {
			t.Errorf("PAE with %d-byte payload differs from the reference", n)
		}
	}
}

type dsseVectors struct {
	PAE struct {
		PayloadType string `json:"payloadType"`
		Payload     string `json:"payload_utf8"`
		Expected    string `json:"expected_pae_utf8"`
	} `json:"pae"`
	Cases []struct {
		Name     string          `json:"name"`
		Envelope json.RawMessage `json:"envelope"`
	} `json:"cases"`
}

func loadDSSEVectors(t testing.TB) dsseVectors {
	t.Helper()
	var v dsseVectors
	if err := json.Unmarshal(readVector(t, "dsse/spec-test-vectors.json"), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) != 7 {
		t.Fatalf("%d cases in dsse/spec-test-vectors.json, want 7", len(v.Cases))
	}
	return v
}

func TestDSSESpecVectors(t *testing.T) {
	v := loadDSSEVectors(t)
	if got := PAE(v.PAE.PayloadType, []byte(v.PAE.Payload)); string(got) != v.PAE.Expected {
		t.Fatalf("PAE = %q, want %q", got, v.PAE.Expected)
	}
	specSig, _ := base64.StdEncoding.DecodeString("A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==")
	want := map[string]struct {
		payload, typ string
		sigs         int
		keyid        string
	}{
		"spec-valid":                              {"hello world", "http://example.com/HelloWorld", 1, ""},
		"spec-valid-with-keyid":                   {"hello world", "http://example.com/HelloWorld", 1, "66301bbf"},
		"derived-tampered-payload":                {"hello world!", "http://example.com/HelloWorld", 1, ""},
		"derived-tampered-payloadType":            {"hello world", "http://example.com/HelloWorlD", 1, ""},
		"derived-no-signatures":                   {"hello world", "http://example.com/HelloWorld", 0, ""},
		"derived-duplicate-signature-threshold-2": {"hello world", "http://example.com/HelloWorld", 2, ""},
		"derived-urlsafe-b64-sig":                 {"hello world", "http://example.com/HelloWorld", 1, ""},
	}
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			w, ok := want[c.Name]
			if !ok {
				t.Fatal("unknown case")
			}
			env, err := ParseEnvelope(c.Envelope)
			if err != nil {
				t.Fatal(err)
			}
			if string(env.Payload) != w.payload || env.PayloadType != w.typ || len(env.Signatures) != w.sigs {
				t.Fatalf("parsed %q %q with %d signatures", env.Payload, env.PayloadType, len(env.Signatures))
			}
			for _, s := range env.Signatures {
				// Raw r||s, 64 bytes; the URL-safe text decodes to the
				// same bytes as the standard one.
				if !bytes.Equal(s.Sig, specSig) || s.KeyID != w.keyid {
					t.Fatalf("signature %x keyid %q", s.Sig, s.KeyID)
				}
			}
			if c.Name == "spec-valid" && string(env.PAE()) != v.PAE.Expected {
				t.Fatalf("PAE = %q", env.PAE())
			}
		})
	}
}

func TestParseEnvelopeVectors(t *testing.T) {
	for _, rel := range envelopeVectors {
		t.Run(rel, func(t *testing.T) {
			data := bundleEnvelope(t, rel)
			env, err := ParseEnvelope(data)
			if err != nil {
				t.Fatal(err)
			}
			if env.PayloadType == "" || len(env.Payload) == 0 || len(env.Signatures) == 0 {
				t.Fatalf("parsed %+v", env)
			}
			// The decoded bytes are exactly what the JSON said.
			var w struct {
				Payload string
			}
			if err := json.Unmarshal(data, &w); err != nil {
				t.Fatal(err)
			}
			if enc := base64.StdEncoding.EncodeToString(env.Payload); enc != w.Payload && base64.URLEncoding.EncodeToString(env.Payload) != w.Payload {
				t.Fatal("payload does not re-encode to its text")
			}
			checkEnvelopeRoundTrip(t, env)
		})
	}
	// slsa-verifier's invalid-dsse-sig vector changes the last character of
	// a padded signature to one with non-zero trailing bits: a second text
	// form of nearly the same bytes, refused at parse time (C07).
	_, err := ParseEnvelope(bundleEnvelope(t, "slsa-verifier/bundle/invalid-dsse-sig.intoto.sigstore"))
	wantErr(t, err, ErrMalformed)
	if !strings.Contains(err.Error(), "signatures[0].sig") {
		t.Fatalf("error %q does not name the field", err)
	}
}

func checkEnvelopeRoundTrip(t *testing.T, env *Envelope) {
	t.Helper()
	m1, err := env.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	env2, err := ParseEnvelope(m1)
	if err != nil {
		t.Fatalf("Marshal output does not parse: %v", err)
	}
	if !equalEnvelopes(env, env2) {
		t.Fatal("round trip changed the envelope")
	}
	m2, err := env2.Marshal()
	if err != nil || !bytes.Equal(m1, m2) {
		t.Fatal("Marshal not stable")
	}
	j, err := json.Marshal(env)
	if err != nil || !bytes.Equal(j, m1) {
		t.Fatalf("json.Marshal = %s, %v", j, err)
	}
	var env3 Envelope
	if err := json.Unmarshal(m1, &env3); err != nil || !equalEnvelopes(env, &env3) {
		t.Fatalf("json.Unmarshal = %v", err)
	}
}

func TestEnvelopeMarshalFormat(t *testing.T) {
	env, err := ParseEnvelope([]byte(`{"payload":"_-8","payloadType":"t","signatures":[{"sig":"-_-_"},{"keyid":"k","sig":""}]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := env.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	// Standard padded base64, fixed member order, keyid omitted when empty,
	// an empty signature kept.
	want := `{"payload":"/+8=","payloadType":"t","signatures":[{"sig":"+/+/"},{"keyid":"k","sig":""}]}`
	if string(b) != want {
		t.Fatalf("Marshal = %s, want %s", b, want)
	}
	b, _ = (&Envelope{PayloadType: "a<b>&c"}).Marshal()
	if string(b) != `{"payload":"","payloadType":"a<b>&c","signatures":[]}` {
		t.Fatalf("Marshal = %s", b)
	}
}

// C07: the base64 table of ParseEnvelope.
func TestAdversarial_C07_Base64(t *testing.T) {
	tests := []struct {
		name string
		text string // the content of the JSON string
		want []byte // nil: rejected
	}{
		{"standard padded", "aGVsbG8gd29ybGQ=", []byte("hello world")},
		{"standard unpadded", "aGVsbG8gd29ybGQ", []byte("hello world")},
		{"standard with + and /", "+/+/", []byte{0xfb, 0xff, 0xbf}},
		{"url-safe", "-_-_", []byte{0xfb, 0xff, 0xbf}},
		{"url-safe padded", "_-8=", []byte{0xff, 0xef}},
		{"url-safe unpadded", "_-8", []byte{0xff, 0xef}},
		{"two pad", "QQ==", []byte("A")},
		{"two pad unpadded", "QQ", []byte("A")},
		{"one pad", "QUI=", []byte("AB")},
		{"empty", "", []byte{}},
		{"JSON escapes decode first", `\u0051\u0051==`, []byte("A")},
		{"escaped slash", `\/w==`, []byte{0xff}},

		{"mixed alphabets", "+_", nil},
		{"mixed alphabets padded", "a+b-", nil},
		{"non-zero trailing bits, two pad", "QR==", nil},
		{"non-zero trailing bits, unpadded", "QR", nil},
		{"non-zero trailing bits, one pad", "QUJ=", nil},
		{"non-zero trailing bits, url-safe", "_-9=", nil},
		{"embedded newline", `aGVs\nbG8=`, nil},
		{"trailing newline", `aGVsbG8=\n`, nil},
		{"embedded CR", `aGVs\rbG8=`, nil},
		{"CRLF line wrap", `aGVs\r\nbG8=`, nil},
		{"embedded space", "aGVs bG8=", nil},
		{"leading space", " aGVsbG8=", nil},
		{"trailing space", "aGVsbG8= ", nil},
		{"tab", `aGVs\tbG8=`, nil},
		{"invalid character", "aGVs*G8=", nil},
		{"non-ASCII", "aGVsé", nil},
		{"NUL", `aGVs\u0000bG8=`, nil},
		{"too much padding", "QQ===", nil},
		{"one pad where two are needed", "QQ=", nil},
		{"pad in the middle", "QQ==QQ==", nil},
		{"only padding", "====", nil},
		{"impossible length", "QUJDR", nil},
		{"data URL", "data:;base64,QQ==", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var text string
			if err := json.Unmarshal([]byte(`"`+tt.text+`"`), &text); err != nil {
				t.Fatal(err)
			}
			got, err := DecodeBase64(text)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("DecodeBase64(%q) = %x, want an error", text, got)
				}
			} else if err != nil || !bytes.Equal(got, tt.want) {
				t.Fatalf("DecodeBase64(%q) = %x, %v; want %x", text, got, err, tt.want)
			}
			// The same rules for the payload and for each signature.
			for _, doc := range []string{
				`{"payload":"` + tt.text + `","payloadType":"t","signatures":[]}`,
				`{"payload":"","payloadType":"t","signatures":[{"sig":"QQ=="},{"sig":"` + tt.text + `"}]}`,
			} {
				env, err := ParseEnvelope([]byte(doc))
				if tt.want == nil {
					wantErr(t, err, ErrMalformed)
					if env != nil {
						t.Fatal("envelope returned with an error")
					}
					continue
				}
				if err != nil {
					t.Fatalf("ParseEnvelope: %v", err)
				}
				if !bytes.Equal(env.Payload, tt.want) && !(len(env.Signatures) == 2 && bytes.Equal(env.Signatures[1].Sig, tt.want)) {
					t.Fatalf("decoded %x / %+v", env.Payload, env.Signatures)
				}
			}
		})
	}
	// Every accepted text form of the same bytes parses to the same
	// envelope, and marshals to one canonical form.
	var forms [][]byte
	for _, p := range []string{"+/8=", "+/8", "-_8=", "-_8"} {
		env, err := ParseEnvelope([]byte(`{"payload":"` + p + `","payloadType":"t","signatures":[{"sig":"` + p + `"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := env.Marshal()
		forms = append(forms, b)
	}
	for _, f := range forms[1:] {
		if !bytes.Equal(f, forms[0]) {
			t.Fatalf("text forms marshal differently: %s vs %s", f, forms[0])
		}
	}
}

func signaturesJSON(n int, sig string) string {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"sig":"` + sig + `"}`)
	}
	b.WriteString("]")
	return b.String()
}

// C12: counts and sizes are bounded before anything is decoded.
func TestAdversarial_C12_Limits(t *testing.T) {
	t.Run("100 signatures", func(t *testing.T) {
		env, err := ParseEnvelope([]byte(`{"payload":"","payloadType":"t","signatures":` + signaturesJSON(limits.MaxSignatures, "QQ==") + `}`))
		if err != nil || len(env.Signatures) != limits.MaxSignatures {
			t.Fatal(err)
		}
	})
	t.Run("101 signatures", func(t *testing.T) {
		_, err := ParseEnvelope([]byte(`{"payload":"","payloadType":"t","signatures":` + signaturesJSON(limits.MaxSignatures+1, "QQ==") + `}`))
		wantErr(t, err, ErrMalformed, ErrTooLarge)
	})
	t.Run("101 signatures rejected before anything else", func(t *testing.T) {
		// Invalid base64 everywhere and no payloadType: the count is what
		// is reported.
		_, err := ParseEnvelope([]byte(`{"payload":"*","signatures":` + signaturesJSON(limits.MaxSignatures+1, "*") + `}`))
		wantErr(t, err, ErrMalformed, ErrTooLarge)
		// With the signatures first in the document, the count is hit
		// while scanning, before the rest of the document is looked at.
		_, err = ParseEnvelope([]byte(`{"signatures":` + signaturesJSON(limits.MaxSignatures+1, "*") + `,"payload":1,"payloadType":[]}`))
		wantErr(t, err, ErrMalformed, ErrTooLarge)
	})
	t.Run("100000 signatures bounded", func(t *testing.T) {
		doc := []byte(`{"payload":"","payloadType":"t","signatures":[` + strings.Repeat("{},", 1e5) + `{}]}`)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := ParseEnvelope(doc)
		runtime.ReadMemStats(&after)
		wantErr(t, err, ErrMalformed, ErrTooLarge)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
			t.Fatalf("allocated %d KiB for a rejected envelope", grew>>10)
		}
	})
	t.Run("33 MiB envelope", func(t *testing.T) {
		doc := []byte(`{"payload":"` + strings.Repeat("A", 33<<20) + `","payloadType":"t","signatures":[]}`)
		_, err := ParseEnvelope(doc)
		wantErr(t, err, ErrMalformed, ErrTooLarge, strictjson.ErrTooLarge)
		var se *strictjson.Error
		if !errors.As(err, &se) || se.Offset != 0 {
			t.Fatalf("size rejected late: %v", err)
		}
	})
	t.Run("largest envelope", func(t *testing.T) {
		n := (limits.MaxEnvelopeBytes - len(`{"payload":"","payloadType":"t","signatures":[]}`)) / 4 * 4
		doc := []byte(`{"payload":"` + strings.Repeat("A", n) + `","payloadType":"t","signatures":[]}`)
		env, err := ParseEnvelope(doc)
		if err != nil || len(env.Payload) != n/4*3 {
			t.Fatal(err)
		}
		b, err := env.Marshal()
		if err != nil || len(b) != len(doc) {
			t.Fatalf("Marshal of the largest envelope: %v", err)
		}
		env.Payload = append(env.Payload, 0, 0, 0)
		_, err = env.Marshal()
		wantErr(t, err, ErrMalformed, ErrTooLarge)
	})
	for _, tt := range []struct {
		name string
		doc  string
		ok   bool
	}{
		{"keyid 1 KiB", `{"payload":"","payloadType":"t","signatures":[{"keyid":"` + strings.Repeat("k", 1024) + `","sig":""}]}`, true},
		{"keyid over 1 KiB", `{"payload":"","payloadType":"t","signatures":[{"keyid":"` + strings.Repeat("k", 1025) + `","sig":""}]}`, false},
		{"keyid 1 MiB", `{"payload":"","payloadType":"t","signatures":[{"keyid":"` + strings.Repeat("k", 1<<20) + `","sig":""}]}`, false},
		{"signature 64 KiB", `{"payload":"","payloadType":"t","signatures":[{"sig":"` + base64.StdEncoding.EncodeToString(make([]byte, 64<<10)) + `"}]}`, true},
		{"signature over 64 KiB", `{"payload":"","payloadType":"t","signatures":[{"sig":"` + base64.StdEncoding.EncodeToString(make([]byte, 64<<10+1)) + `"}]}`, false},
		{"signature over 64 KiB unpadded", `{"payload":"","payloadType":"t","signatures":[{"sig":"` + base64.RawStdEncoding.EncodeToString(make([]byte, 64<<10+2)) + `"}]}`, false},
		{"payloadType 1 KiB", `{"payload":"","payloadType":"` + strings.Repeat("t", 1024) + `","signatures":[]}`, true},
		{"payloadType over 1 KiB", `{"payload":"","payloadType":"` + strings.Repeat("t", 1025) + `","signatures":[]}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env, err := ParseEnvelope([]byte(tt.doc))
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				checkEnvelopeRoundTrip(t, env)
				return
			}
			wantErr(t, err, ErrMalformed, ErrTooLarge)
		})
	}
}

// C04: envelopes without signatures parse (verification rejects them).
func TestAdversarial_C04_NoSignatureShapes(t *testing.T) {
	for _, tt := range []struct {
		name, sigs string
		n          int
	}{
		{"signatures null", `,"signatures":null`, 0},
		{"signatures missing", ``, 0},
		{"signatures empty", `,"signatures":[]`, 0},
		{"sig empty", `,"signatures":[{"sig":""}]`, 1},
		{"sig missing", `,"signatures":[{"keyid":"k"}]`, 1},
		{"sig null", `,"signatures":[{"sig":null}]`, 1},
		{"signature null", `,"signatures":[null]`, 1},
		{"signature empty object", `,"signatures":[{}]`, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env, err := ParseEnvelope([]byte(`{"payload":"aGVsbG8=","payloadType":"t"` + tt.sigs + `}`))
			if err != nil {
				t.Fatal(err)
			}
			if len(env.Signatures) != tt.n {
				t.Fatalf("%d signatures", len(env.Signatures))
			}
			for _, s := range env.Signatures {
				if len(s.Sig) != 0 {
					t.Fatalf("sig = %x", s.Sig)
				}
			}
			checkEnvelopeRoundTrip(t, env)
		})
	}
}

func TestParseEnvelopeErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		kind error
	}{
		{"empty payloadType", `{"payload":"","payloadType":"","signatures":[]}`, ErrMalformed},
		{"missing payloadType", `{"payload":"","signatures":[]}`, ErrMalformed},
		{"null payloadType", `{"payload":"","payloadType":null}`, ErrMalformed},
		{"payloadType number", `{"payload":"","payloadType":1}`, strictjson.ErrType},
		{"payload number", `{"payload":1,"payloadType":"t"}`, strictjson.ErrType},
		{"signatures object", `{"payload":"","payloadType":"t","signatures":{}}`, strictjson.ErrType},
		{"sig number", `{"payload":"","payloadType":"t","signatures":[{"sig":1}]}`, strictjson.ErrType},
		{"duplicate payload", `{"payload":"","payload":"QQ==","payloadType":"t"}`, ErrDuplicateKey},
		{"duplicate payloadType", `{"payload":"","payloadType":"a","payloadType":"b"}`, ErrDuplicateKey},
		{"duplicate signatures", `{"payload":"","payloadType":"t","signatures":[],"signatures":[{"sig":""}]}`, ErrDuplicateKey},
		{"duplicate sig", `{"payload":"","payloadType":"t","signatures":[{"sig":"","sig":"QQ=="}]}`, ErrDuplicateKey},
		{"duplicate keyid", `{"payload":"","payloadType":"t","signatures":[{"keyid":"a","keyid":"b","sig":""}]}`, ErrDuplicateKey},
		{"Payload", `{"Payload":"QQ==","payload":"","payloadType":"t"}`, ErrKeyCase},
		{"PayloadType", `{"payload":"","PayloadType":"t"}`, ErrKeyCase},
		{"Signatures", `{"payload":"","payloadType":"t","Signatures":[]}`, ErrKeyCase},
		{"KeyID", `{"payload":"","payloadType":"t","signatures":[{"KeyID":"k","sig":""}]}`, ErrKeyCase},
		{"Sig", `{"payload":"","payloadType":"t","signatures":[{"Sig":""}]}`, ErrKeyCase},
		{"kelvin keyid", `{"payload":"","payloadType":"t","signatures":[{"\u212Aeyid":"k","sig":""}]}`, ErrKeyCase},
		{"invalid UTF-8 payloadType", "{\"payload\":\"\",\"payloadType\":\"t\xff\"}", strictjson.ErrInvalidUTF8},
		{"lone surrogate keyid", `{"payload":"","payloadType":"t","signatures":[{"keyid":"\ud800","sig":""}]}`, strictjson.ErrInvalidUTF8},
		{"trailing data", `{"payload":"","payloadType":"t"}x`, strictjson.ErrTrailingData},
		{"two envelopes", `{"payload":"","payloadType":"t"}{"payload":"","payloadType":"t"}`, strictjson.ErrTrailingData},
		{"array", `[{"payload":"","payloadType":"t"}]`, strictjson.ErrType},
		{"null", `null`, ErrMalformed},
		{"empty", ``, strictjson.ErrSyntax},
		{"too deep", `{"payload":"","payloadType":"t","x":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`, strictjson.ErrDepth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := ParseEnvelope([]byte(tt.doc))
			wantErr(t, err, ErrMalformed, tt.kind)
			if env != nil {
				t.Fatal("envelope returned with an error")
			}
			var e Envelope
			if err := json.Unmarshal([]byte(tt.doc), &e); err == nil {
				t.Fatal("json.Unmarshal into Envelope accepted it")
			}
		})
	}
	// Unknown members are ignored.
	env, err := ParseEnvelope([]byte(`{"payload":"QQ==","payloadType":"t","signatures":[{"sig":"QQ==","extra":1}],"x":{"y":[1]}}`))
	if err != nil || string(env.Payload) != "A" {
		t.Fatalf("unknown members: %v", err)
	}
}

func TestEnvelopeMarshalErrors(t *testing.T) {
	tests := []struct {
		name string
		env  *Envelope
		kind error
	}{
		{"nil", nil, ErrMalformed},
		{"empty payloadType", &Envelope{}, ErrMalformed},
		{"invalid UTF-8 payloadType", &Envelope{PayloadType: "t\xff"}, ErrMalformed},
		{"long payloadType", &Envelope{PayloadType: strings.Repeat("t", 1025)}, ErrTooLarge},
		{"invalid UTF-8 keyid", &Envelope{PayloadType: "t", Signatures: []Signature{{KeyID: "\xff"}}}, ErrMalformed},
		{"long keyid", &Envelope{PayloadType: "t", Signatures: []Signature{{KeyID: strings.Repeat("k", 1025)}}}, ErrTooLarge},
		{"long sig", &Envelope{PayloadType: "t", Signatures: []Signature{{Sig: make([]byte, 64<<10+1)}}}, ErrTooLarge},
		{"101 signatures", &Envelope{PayloadType: "t", Signatures: make([]Signature, 101)}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.env.Marshal()
			if b != nil {
				t.Fatal("output on failure")
			}
			wantErr(t, err, ErrMalformed, tt.kind)
			if tt.env != nil {
				if _, err := json.Marshal(tt.env); err == nil {
					t.Fatal("json.Marshal succeeded")
				}
			}
		})
	}
}

func TestEnvelopeClone(t *testing.T) {
	env, err := ParseEnvelope(loadDSSEVectors(t).Cases[1].Envelope)
	if err != nil {
		t.Fatal(err)
	}
	c := env.Clone()
	if !equalEnvelopes(env, c) {
		t.Fatal("clone differs")
	}
	c.Payload[0] = 'X'
	c.Signatures[0].Sig[0] ^= 0xff
	c.Signatures[0].KeyID = "other"
	c.Signatures = append(c.Signatures, Signature{})
	if env.Payload[0] == 'X' || env.Signatures[0].Sig[0] == c.Signatures[0].Sig[0] || env.Signatures[0].KeyID != "66301bbf" || len(env.Signatures) != 1 {
		t.Fatal("clone shares memory with the original")
	}
	if (*Envelope)(nil).Clone() != nil {
		t.Error("Clone(nil) != nil")
	}
	if c := (&Envelope{PayloadType: "t"}).Clone(); c.Signatures != nil || len(c.Payload) != 0 {
		t.Errorf("Clone of an empty envelope = %+v", c)
	}
}

func TestAddSignature(t *testing.T) {
	env := &Envelope{PayloadType: "t", Payload: []byte("p")}
	sig := []byte{1, 2, 3}
	if err := env.AddSignature(Signature{KeyID: "a", Sig: sig}); err != nil {
		t.Fatal(err)
	}
	sig[0] = 9 // the envelope keeps its own copy
	if err := env.AddSignature(Signature{KeyID: "b", Sig: []byte{4}}); err != nil {
		t.Fatal(err)
	}
	if len(env.Signatures) != 2 || env.Signatures[0].KeyID != "a" || env.Signatures[0].Sig[0] != 1 || env.Signatures[1].KeyID != "b" {
		t.Fatalf("signatures = %+v", env.Signatures)
	}
	for len(env.Signatures) < limits.MaxSignatures {
		if err := env.AddSignature(Signature{Sig: []byte{byte(len(env.Signatures))}}); err != nil {
			t.Fatalf("signature %d: %v", len(env.Signatures)+1, err)
		}
	}
	before := env.Clone()
	err := env.AddSignature(Signature{KeyID: "too many"})
	wantErr(t, err, ErrMalformed, ErrTooLarge)
	if !equalEnvelopes(env, before) {
		t.Fatal("failed AddSignature changed the envelope")
	}
	checkEnvelopeRoundTrip(t, env)
}

func TestEnvelopeStatement(t *testing.T) {
	st := vectorStatement(t, "slsa-verifier/vsa/gce/v1/gke-gce-pre.bcid-vsa.jsonl")
	if st.PredicateType != PredicateVSAV1 || st.Subject[0].Digest["gce_image_id"] != "8970095005306000053" {
		t.Fatalf("statement = %+v", st)
	}
	env := &Envelope{PayloadType: "http://example.com/HelloWorld", Payload: []byte("hello world")}
	_, err := env.Statement()
	wantErr(t, err, ErrMalformed)
}

// Every single-bit mutation of an envelope either fails to parse or
// parses to a different envelope.
func TestEnvelopeMutations(t *testing.T) {
	v := loadDSSEVectors(t)
	for _, c := range v.Cases[:2] {
		data := []byte(c.Envelope)
		orig, err := ParseEnvelope(data)
		if err != nil {
			t.Fatal(err)
		}
		for i := range data {
			for _, mask := range []byte{0x01, 0x02, 0x20, 0x80} {
				m := bytes.Clone(data)
				m[i] ^= mask
				env, err := ParseEnvelope(m)
				if err != nil {
					if !errors.Is(err, ErrMalformed) {
						t.Fatalf("byte %d ^%#x: untyped error %v", i, mask, err)
					}
					continue
				}
				if equalEnvelopes(env, orig) {
					t.Fatalf("%s byte %d ^%#x (%q -> %q): mutation not detected", c.Name, i, mask, data[i], m[i])
				}
			}
		}
	}
}
