package sign_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sign"
)

// exampleKey is a fixed Ed25519 key, so the examples' output is stable.
// Never use a key from source code outside tests.
var exampleKey = ed25519.NewKeyFromSeed([]byte("chainmail example key, not secret"[:32]))

func ExampleStatement() {
	signer, err := sign.NewSigner(exampleKey)
	if err != nil {
		panic(err)
	}
	d, _ := digest.FromReader(strings.NewReader("hello\n"), digest.SHA256)
	st, _ := attest.NewPredicateStatement(&attest.TestResult{Result: "PASSED"}, attest.Subject("hello.txt", d))

	env, err := sign.Statement(context.Background(), st, signer)
	if err != nil {
		panic(err)
	}
	fmt.Println(env.PayloadType, len(env.Signatures), signer.Scheme())
	fmt.Printf("keyid: %q\n", env.Signatures[0].KeyID)
	// Output:
	// application/vnd.in-toto+json 1 PKIX_ED25519
	// keyid: ""
}

func ExampleBlobBundle() {
	signer, _ := sign.NewSigner(exampleKey)
	b, err := sign.BlobBundle(context.Background(), signer, strings.NewReader("release notes\n"))
	if err != nil {
		panic(err)
	}
	ms, _ := b.MessageSignature()
	fmt.Println(b.MediaType())
	fmt.Println(ms.Digest.Algorithm(), len(ms.Signature))
	// Output:
	// application/vnd.dev.sigstore.bundle.v0.3+json
	// sha512 64
}

func ExampleEncryptPrivateKey() {
	pemBytes, err := sign.EncryptPrivateKey(exampleKey, []byte("correct horse"))
	if err != nil {
		panic(err)
	}
	key, err := sign.LoadPrivateKey(pemBytes, func() ([]byte, error) { return []byte("correct horse"), nil })
	fmt.Println(strings.SplitN(string(pemBytes), "\n", 2)[0], err == nil, key.Public().(ed25519.PublicKey).Equal(exampleKey.Public()))
	// Output: -----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY----- true true
}
