package bundle_test

import (
	"errors"
	"fmt"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
)

func ExampleParse() {
	b, err := bundle.Parse([]byte(`{
		"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
		"verificationMaterial": {"publicKey": {"hint": "release-key"}},
		"dsseEnvelope": {"payload": "aGVsbG8gd29ybGQ=", "payloadType": "http://example.com/HelloWorld",
			"signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}}`))
	if err != nil {
		panic(err)
	}
	env, _ := b.Envelope()
	hint, _ := b.PublicKeyHint()
	fmt.Println(b.Version(), hint, string(env.Payload))

	_, err = bundle.Parse([]byte(`{"mediaType": "application/vnd.dev.sigstore.bundle.v0.9+json"}`))
	fmt.Println(errors.Is(err, bundle.ErrUnsupportedVersion))
	// Output:
	// v0.3 release-key hello world
	// true
}

func ExampleFromEnvelope() {
	env := &attest.Envelope{PayloadType: "text/plain", Payload: []byte("hi"),
		Signatures: []attest.Signature{{Sig: []byte{1, 2, 3}}}}
	b, err := bundle.FromEnvelope(env, "my-key")
	if err != nil {
		panic(err)
	}
	out, _ := b.MarshalJSON()
	fmt.Println(string(out))
	// Output: {"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"my-key"}},"dsseEnvelope":{"payload":"aGk=","payloadType":"text/plain","signatures":[{"sig":"AQID"}]}}
}
