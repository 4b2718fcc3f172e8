package attestpb_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/attest/attestpb"
)

// TestRoundTripVectors converts every valid in-toto spec example to the
// protobuf type and back, and checks the result with in-toto's own
// Validate as well as ours.
func TestRoundTripVectors(t *testing.T) {
	files, err := filepath.Glob("../../testdata/vectors/attest/in-toto-attestation-spec/predicates/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	converted := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		st, err := attest.ParseStatement(data)
		if err != nil {
			continue // the invalid examples are attest's to test
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			p, err := attestpb.ToProto(st)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("in-toto Validate rejects the converted statement: %v", err)
			}
			back, err := attestpb.FromProto(p)
			if err != nil {
				t.Fatal(err)
			}
			if back.Type != st.Type || back.PredicateType != st.PredicateType || !reflect.DeepEqual(back.Subject, st.Subject) {
				t.Fatalf("round trip changed the statement:\n%+v\n%+v", st, back)
			}
			var a, b any
			if err := jsonUnmarshal(st.Predicate, &a); err != nil {
				t.Fatal(err)
			}
			if err := jsonUnmarshal(back.Predicate, &b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("round trip changed the predicate:\n%s\n%s", st.Predicate, back.Predicate)
			}
		})
		converted++
	}
	if converted < 4 { // the other examples use placeholder digests, which in-toto's Validate also rejects
		t.Fatalf("only %d vectors converted", converted)
	}
}

func TestFromProtoValidates(t *testing.T) {
	_, err := attestpb.FromProto(nil)
	if !errors.Is(err, attest.ErrMalformed) {
		t.Fatalf("nil: %v", err)
	}
	st, _ := attest.ParseStatement([]byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}}],"predicateType":"https://example.com/p/v1"}`))
	p, err := attestpb.ToProto(st)
	if err != nil {
		t.Fatal(err)
	}
	p.Subject = nil
	if _, err := attestpb.FromProto(p); !errors.Is(err, attest.ErrNoSubject) {
		t.Fatalf("no subject: %v", err)
	}
}
