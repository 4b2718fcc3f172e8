package verify_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
)

// Fixed keys, so the output is stable. Never use keys from source code
// outside tests.
var (
	alice = ed25519.NewKeyFromSeed([]byte("alice: chainmail example key ###"))
	bob   = ed25519.NewKeyFromSeed([]byte("bob: chainmail example key #####"))
)

// exampleEnvelope returns an envelope over a statement about "hello\n".
func exampleEnvelope(keys ...ed25519.PrivateKey) *attest.Envelope {
	d, _ := digest.FromReader(strings.NewReader("hello\n"), digest.SHA256)
	st, _ := attest.NewPredicateStatement(&attest.TestResult{Result: "PASSED"}, attest.Subject("hello.txt", d))
	var signers []sign.Signer
	for _, k := range keys {
		s, _ := sign.NewSigner(k)
		signers = append(signers, s)
	}
	env, err := sign.Statement(context.Background(), st, signers...)
	if err != nil {
		panic(err)
	}
	return env
}

func ExampleVerifier_VerifyEnvelope() {
	pub, _ := verify.NewPublicKey(alice.Public())
	v, err := verify.NewVerifier([]*verify.PublicKey{pub})
	if err != nil {
		panic(err)
	}
	res, err := v.VerifyEnvelope(context.Background(), exampleEnvelope(alice), verify.WithArtifact(strings.NewReader("hello\n")))
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Subject.Name, res.Statement.PredicateType)
	fmt.Println(res.Checks)

	// The same attestation does not vouch for another artifact.
	_, err = v.VerifyEnvelope(context.Background(), exampleEnvelope(alice), verify.WithArtifact(strings.NewReader("hello!\n")))
	fmt.Println(errors.Is(err, verify.ErrUnverified), errors.Is(err, verify.ErrSubjectMismatch))
	// Output:
	// hello.txt https://in-toto.io/attestation/test-result/v0.1
	// [payload-type signatures threshold statement subject]
	// true true
}

func ExampleWithThreshold() {
	a, _ := verify.NewPublicKey(alice.Public())
	b, _ := verify.NewPublicKey(bob.Public())
	v, _ := verify.NewVerifier([]*verify.PublicKey{a, b}, verify.WithThreshold(2))
	ctx := context.Background()

	_, err := v.VerifyEnvelope(ctx, exampleEnvelope(alice, bob), verify.WithArtifact(strings.NewReader("hello\n")))
	fmt.Println("alice and bob:", err)

	// Alice signing twice is still one key.
	_, err = v.VerifyEnvelope(ctx, exampleEnvelope(alice, alice), verify.WithArtifact(strings.NewReader("hello\n")))
	var te *verify.ThresholdError
	if errors.As(err, &te) {
		fmt.Printf("alice twice: %d of %d keys\n", te.Got, te.Want)
	}
	// Output:
	// alice and bob: <nil>
	// alice twice: 1 of 2 keys
}

func ExampleNewVerifier() {
	a, _ := verify.NewPublicKey(alice.Public())
	_, err := verify.NewVerifier([]*verify.PublicKey{a}, verify.WithThreshold(0))
	fmt.Println(errors.Is(err, verify.ErrInvalidOptions))
	_, err = verify.NewVerifier([]*verify.PublicKey{a, a}, verify.WithThreshold(2))
	fmt.Println(errors.Is(err, verify.ErrInvalidOptions))
	// Output:
	// true
	// true
}
