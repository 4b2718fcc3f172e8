package attest

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseStatement(f *testing.F) {
	n := 0
	for _, b := range readTree(f, vectorDir, 50, ".json", ".intoto", ".jsonl", ".sigstore", ".slsa", ".link", ".layout") {
		f.Add(b)
		n++
	}
	for _, b := range allStatements(f) {
		f.Add(b)
		n++
	}
	for _, s := range []string{
		string(statementJSON(mType, mSubject, mPT, mPred)),
		string(statementJSON(mType, mSubject, mSubject, mPT)),
		string(statementJSON(mType, strings.Replace(mSubject, `"subject"`, `"Subject"`, 1), mPT)),
		string(statementJSON(`"_type":"https://in-toto.io/Statement/v0.1"`, mSubject, mPT, `"predicate":null`)),
		string(statementJSON(mType, `"subject":[{"name":"a\u0000","digest":{"sha256":"x"}}]`, mPT)),
		string(statementJSON(mType, mSubject, mPT)) + "garbage",
		`[]`, `{}`, ``,
	} {
		f.Add([]byte(s))
		n++
	}
	if n == 0 {
		f.Fatal("no seeds")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseStatement(data)
		if err != nil {
			if st != nil {
				t.Fatal("statement returned with an error")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		m1, err := st.Marshal()
		if err != nil {
			t.Fatalf("parsed statement does not marshal: %v", err)
		}
		st2, err := ParseStatement(m1)
		if err != nil {
			t.Fatalf("Marshal output does not parse: %v\n%s", err, m1)
		}
		if !equalStatements(t, st, st2) {
			t.Fatalf("round trip changed the statement:\n%#v\n%#v", st, st2)
		}
		m2, err := st2.Marshal()
		if err != nil || !bytes.Equal(m1, m2) {
			t.Fatalf("Marshal not stable: %v\n%s\n%s", err, m1, m2)
		}
		// Decoding the predicate never panics, and fails only with a
		// typed error.
		if _, err := DecodePredicate(st); err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownPredicateType) {
			t.Fatalf("DecodePredicate: untyped error %v", err)
		}
	})
}

func FuzzParseEnvelope(f *testing.F) {
	n := 0
	for _, b := range readTree(f, vectorDir, 50, ".json", ".intoto", ".jsonl", ".sigstore", ".slsa", ".link", ".layout") {
		f.Add(b)
		n++
	}
	for _, rel := range envelopeVectors {
		f.Add(bundleEnvelope(f, rel))
		n++
	}
	for _, c := range loadDSSEVectors(f).Cases {
		f.Add([]byte(c.Envelope))
		n++
	}
	for _, s := range []string{
		`{"payload":"QR==","payloadType":"t","signatures":[]}`,
		`{"payload":"-_+/","payloadType":"t"}`,
		`{"payload":"aGVs\nbG8=","payloadType":"t"}`,
		`{"payload":"","payloadType":"t","signatures":[{"keyid":"k","sig":"QQ"},{"sig":"_-8="}]}`,
		`{"payload":"","payloadType":"","signatures":null}`,
		`{"payload":"","PayloadType":"t"}`,
		`{"payload":"","payloadType":"t"}{}`,
	} {
		f.Add([]byte(s))
		n++
	}
	if n == 0 {
		f.Fatal("no seeds")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := ParseEnvelope(data)
		if err != nil {
			if env != nil {
				t.Fatal("envelope returned with an error")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		m1, err := env.Marshal()
		if err != nil {
			t.Fatalf("parsed envelope does not marshal: %v", err)
		}
		env2, err := ParseEnvelope(m1)
		if err != nil {
			t.Fatalf("Marshal output does not parse: %v\n%s", err, m1)
		}
		if !equalEnvelopes(env, env2) {
			t.Fatalf("round trip changed the envelope:\n%#v\n%#v", env, env2)
		}
		m2, err := env2.Marshal()
		if err != nil || !bytes.Equal(m1, m2) {
			t.Fatalf("Marshal not stable: %v", err)
		}
		if !bytes.Equal(env.PAE(), paeRef(env.PayloadType, env.Payload)) {
			t.Fatal("PAE differs from the reference")
		}
		if c := env.Clone(); !equalEnvelopes(env, c) {
			t.Fatal("Clone differs")
		}
		if _, err := env.Statement(); err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("Statement: untyped error %v", err)
		}
	})
}

func BenchmarkParseStatement(b *testing.B) {
	for _, rel := range []string{
		specDir + "test-result-example1.json",
		"slsa-github-generator/actions_sign-attestations_testdata_attestations_attestation1.intoto",
	} {
		data := readVector(b, rel)
		b.Run(filepath.Base(rel), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseStatement(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	data := manySubjects(1000, 1)
	b.Run("1000-subjects", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseStatement(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkParseEnvelope(b *testing.B) {
	for _, rel := range []string{
		"slsa-github-generator/internal_builders_go_testdata_binary-linux-amd64.intoto.jsonl",
		"slsa-verifier/vsa/gce/v1/gke-gce-pre.bcid-vsa.jsonl",
	} {
		data := bundleEnvelope(b, rel)
		b.Run(filepath.Base(rel), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseEnvelope(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	big := &Envelope{PayloadType: PayloadType, Payload: bytes.Repeat([]byte("x"), 1<<20), Signatures: []Signature{{KeyID: "k", Sig: make([]byte, 64)}}}
	data, err := big.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("1MiB-payload", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseEnvelope(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPAE(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"64B", 64}, {"4KiB", 4 << 10}, {"1MiB", 1 << 20}} {
		payload := bytes.Repeat([]byte("x"), size.n)
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				_ = PAE(PayloadType, payload)
			}
		})
	}
	payload := bytes.Repeat([]byte("x"), 4<<10)
	buf := make([]byte, 0, 8<<10)
	b.Run("append-4KiB", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendPAE(buf[:0], PayloadType, payload)
		}
	})
}
