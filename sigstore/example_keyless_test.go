package sigstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
)

// exampleSigstore starts an in-process virtual Sigstore (see
// virtual_test.go) for the examples; a real program points Services at
// Fulcio, Rekor and a timestamp authority instead.
func exampleSigstore() (*virtualSigstore, func()) {
	t := &exampleT{}
	v := newVirtualSigstore(t)
	return v, t.cleanup
}

// exampleT is the part of testing.TB the virtual Sigstore uses.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (e *exampleT) Helper()                   {}
func (e *exampleT) Cleanup(f func())          { e.cleanups = append(e.cleanups, f) }
func (e *exampleT) Fatal(args ...any)         { panic(fmt.Sprint(args...)) }
func (e *exampleT) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (e *exampleT) cleanup() {
	for _, f := range e.cleanups {
		f()
	}
}

func ExampleNewKeyless() {
	v, stop := exampleSigstore()
	defer stop()

	k, err := sigstore.NewKeyless(sigstore.KeylessConfig{
		Token:       sigstore.StaticToken(v.Token("alice@example.test")), // or sigstore.AmbientToken{} in CI
		Services:    v.Services(),                                        // Fulcio, Rekor v2, a timestamp authority
		TrustedRoot: v.Root(),                                            // every new bundle is verified against it
	})
	if err != nil {
		panic(err)
	}
	b, err := k.SignBlob(context.Background(), strings.NewReader("release.tar.gz contents"))
	if err != nil {
		panic(err)
	}
	ms, _ := b.MessageSignature()
	fmt.Println(b.MediaType())
	fmt.Println("certificate:", b.HasCertificate(), "log entries:", b.TlogEntryCount(), "timestamps:", b.TimestampCount())
	fmt.Println("digest:", ms.Digest)
	// Output:
	// application/vnd.dev.sigstore.bundle.v0.3+json
	// certificate: true log entries: 1 timestamps: 1
	// digest: sha256:cf4d7833c83f38d16ebe2807b502e7fccd7661b60714f1fd8a762fc72c2c1391
}

func ExampleKeyless_SignStatement() {
	v, stop := exampleSigstore()
	defer stop()
	k, err := sigstore.NewKeyless(sigstore.KeylessConfig{Token: sigstore.StaticToken(v.Token("alice@example.test")), Services: v.Services(), TrustedRoot: v.Root()})
	if err != nil {
		panic(err)
	}
	b, err := k.SignStatement(context.Background(), sigstoretest.NewStatement(&exampleT{}, "artifact", []byte("app binary")))
	if err != nil {
		panic(err)
	}
	env, _ := b.Envelope()
	fmt.Println(env.PayloadType, len(env.Signatures))
	// Output: application/vnd.in-toto+json 1
}

func ExampleServicesFromSigningConfig() {
	sc, err := sigstore.ParseSigningConfig([]byte(`{
		"mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
		"caUrls": [{"url": "https://fulcio.example", "majorApiVersion": 1, "validFor": {"start": "2024-01-01T00:00:00Z"}}],
		"rekorTlogUrls": [
			{"url": "https://rekor.example", "majorApiVersion": 1, "validFor": {"start": "2024-01-01T00:00:00Z"}, "operator": "example"},
			{"url": "https://log2025.rekor.example", "majorApiVersion": 2, "validFor": {"start": "2025-01-01T00:00:00Z"}, "operator": "example"}],
		"rekorTlogConfig": {"selector": "ANY"},
		"tsaUrls": [{"url": "https://tsa.example/api/v1/timestamp", "majorApiVersion": 1, "validFor": {"start": "2024-01-01T00:00:00Z"}, "operator": "example"}],
		"tsaConfig": {"selector": "ANY"}}`))
	if err != nil {
		panic(err)
	}
	s, err := sigstore.ServicesFromSigningConfig(sc, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	fmt.Println(s)
	// Output: fulcio=https://fulcio.example rekor.v2=https://log2025.rekor.example tsa=https://tsa.example/api/v1/timestamp
}

func ExampleAmbientToken_Detect() {
	// In GitHub Actions with `permissions: id-token: write`:
	env := map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   "https://pipelines.actions.example/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-credential",
	}
	a := sigstore.AmbientToken{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, TokenFile: "/nonexistent"}
	_, provider, err := a.Detect()
	fmt.Println(provider, err)

	// Nowhere in particular:
	a.LookupEnv = func(string) (string, bool) { return "", false }
	_, _, err = a.Detect()
	fmt.Println(errors.Is(err, sigstore.ErrNoToken))
	// Output:
	// github-actions <nil>
	// true
}

func ExampleParseIDToken() {
	// Claims are read without checking the signature: Fulcio does that.
	tok, err := sigstore.ParseIDToken(jwt(`{"iss":"https://token.actions.githubusercontent.com","sub":"repo:octo/app:ref:refs/heads/main","aud":"sigstore","exp":1900000000}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(tok.Issuer, tok.Identity(), tok.Expiry.Format(time.RFC3339))

	_, err = sigstore.ParseIDToken(strings.Repeat(".", 1_000_000))
	fmt.Println(errors.Is(err, sigstore.ErrToken))
	// Output:
	// https://token.actions.githubusercontent.com repo:octo/app:ref:refs/heads/main 2030-03-17T17:46:40Z
	// true
}

func ExampleServiceError() {
	v, stop := exampleSigstore()
	defer stop()
	v.Fail(vTSA, fault{Status: 503}, fault{Status: 503}) // the timestamp authority is down
	k, err := sigstore.NewKeyless(sigstore.KeylessConfig{
		Token:    sigstore.StaticToken(v.Token("alice@example.test")),
		Services: v.Services(),
		Retry:    sigstore.RetryPolicy{Attempts: 2, Backoff: time.Millisecond},
	})
	if err != nil {
		panic(err)
	}
	_, err = k.SignBlob(context.Background(), strings.NewReader("x"))
	var se *sigstore.ServiceError
	if errors.As(err, &se) {
		fmt.Println(se.Service, se.StatusCode, se.Attempts, errors.Is(err, sigstore.ErrUnavailable))
	}
	// Output: tsa 503 2 true
}
