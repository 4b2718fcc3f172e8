package attest_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
)

func ExampleNewPredicateStatement() {
	d, _ := digest.FromReader(strings.NewReader("hello\n"), digest.SHA256)
	result := &attest.TestResult{Result: "PASSED", PassedTests: []string{"TestHello"}}
	st, err := attest.NewPredicateStatement(result, attest.Subject("hello.txt", d))
	if err != nil {
		panic(err)
	}
	payload, _ := st.Marshal()
	fmt.Println(string(payload))
	// Output: {"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"hello.txt","digest":{"sha256":"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}}],"predicateType":"https://in-toto.io/attestation/test-result/v0.1","predicate":{"result":"PASSED","passedTests":["TestHello"]}}
}

func ExampleParseStatement() {
	// A repeated key would make two parsers read two different statements
	// from the same signed bytes; it is rejected.
	_, err := attest.ParseStatement([]byte(`{"_type":"https://in-toto.io/Statement/v1",
		"subject":[{"digest":{"sha256":"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}}],
		"predicateType":"https://example.com/a/v1","predicateType":"https://example.com/b/v1"}`))
	fmt.Println(errors.Is(err, attest.ErrMalformed), errors.Is(err, attest.ErrDuplicateKey))
	// Output: true true
}

func ExamplePredicateAs() {
	st, _ := attest.ParseStatement([]byte(`{"_type":"https://in-toto.io/Statement/v1",
		"subject":[{"digest":{"sha256":"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}}],
		"predicateType":"https://slsa.dev/provenance/v1",
		"predicate":{"buildDefinition":{"buildType":"https://example.com/build/v1","externalParameters":{"ref":"v1.2.3"}},
		             "runDetails":{"builder":{"id":"https://example.com/builder"}}}}`))
	prov, err := attest.PredicateAs[attest.ProvenanceV1](st)
	fmt.Println(prov.RunDetails.Builder.ID, err)

	// Asking for another type is an error, never a silent partial decode.
	_, err = attest.PredicateAs[attest.VSA](st)
	fmt.Println(errors.Is(err, attest.ErrPredicateType))
	// Output:
	// https://example.com/builder <nil>
	// true
}

// releaseNote is a predicate type of one's own.
type releaseNote struct {
	Version string `json:"version"`
	Notes   string `json:"notes"`
}

// Validate is called after decoding: a predicate that fails it is an error.
func (r *releaseNote) Validate() error {
	if r.Version == "" {
		return errors.New("missing required field version")
	}
	return nil
}

func ExampleRegister() {
	// A registry of one's own: the built-in types plus releaseNote.
	preds := attest.DefaultPredicates()
	if err := attest.Register[releaseNote](preds, "https://example.com/release-note/v1"); err != nil {
		panic(err)
	}

	st, _ := attest.ParseStatement([]byte(`{"_type":"https://in-toto.io/Statement/v1",
		"subject":[{"digest":{"sha256":"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}}],
		"predicateType":"https://example.com/release-note/v1.2",
		"predicate":{"version":"v1.2.3","notes":"Fixes the frobnicator."}}`))
	v, err := preds.Decode(st) // v1.2 decodes with the type registered for v1
	if err != nil {
		panic(err)
	}
	note := v.(*releaseNote)
	fmt.Println(note.Version, note.Notes)

	// The registration is in preds only: the built-in decoders, and every
	// other registry, do not know the type.
	_, err = attest.DecodePredicate(st)
	fmt.Println(errors.Is(err, attest.ErrUnknownPredicateType))
	_, known := attest.DefaultPredicates().Lookup(st.PredicateType)
	fmt.Println(known)
	// Output:
	// v1.2.3 Fixes the frobnicator.
	// true
	// false
}

func ExamplePAE() {
	fmt.Printf("%s\n", attest.PAE("http://example.com/HelloWorld", []byte("hello world")))
	// Output: DSSEv1 29 http://example.com/HelloWorld 11 hello world
}

func ExampleParseEnvelope() {
	env, err := attest.ParseEnvelope([]byte(`{"payload":"aGVsbG8gd29ybGQ=","payloadType":"http://example.com/HelloWorld",
		"signatures":[{"sig":"A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}`))
	fmt.Println(string(env.Payload), len(env.Signatures[0].Sig), err)
	// Output: hello world 64 <nil>
}
