package verify_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

var ctx = context.Background()

var (
	vectors   = filepath.Join("..", "testdata", "vectors", "attest")
	cosignDir = filepath.Join("..", "testdata", "cosign")
)

// testType is the payload type of non-statement test envelopes.
const testType = "application/vnd.chainmail.test+json"

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// signed returns an envelope of payloadType over payload signed by each
// signer.
func signed(t testing.TB, payloadType string, payload []byte, signers ...sign.Signer) *attest.Envelope {
	t.Helper()
	env, err := sign.Envelope(ctx, payloadType, payload, signers...)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// statementEnv returns an in-toto envelope about artifact signed by s.
func statementEnv(t testing.TB, artifact []byte, signers ...sign.Signer) *attest.Envelope {
	t.Helper()
	env, err := sign.Statement(ctx, signtest.Statement(t, "artifact", artifact), signers...)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func newVerifier(t testing.TB, keys []*verify.PublicKey, opts ...verify.Option) *verify.Verifier {
	t.Helper()
	v, err := verify.NewVerifier(keys, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func keysOf(t testing.TB, signers ...sign.Signer) []*verify.PublicKey {
	t.Helper()
	out := make([]*verify.PublicKey, len(signers))
	for i, s := range signers {
		out[i] = signtest.PublicKey(t, s)
	}
	return out
}

func artifactOf(data []byte) verify.ArtifactPolicy {
	return verify.WithArtifact(bytes.NewReader(data))
}

// wantErr fails unless err matches every target (and ErrUnverified, which
// every rejection must match) and res is nil.
func wantErr(t testing.TB, res *verify.Result, err error, targets ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("verified; want %v", targets)
	}
	if res != nil {
		t.Errorf("a result came with the error %v", err)
	}
	if !errors.Is(err, verify.ErrUnverified) {
		t.Errorf("%v does not match ErrUnverified", err)
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("%v does not match %v", err, target)
		}
	}
}

// parseBundle parses a bundle from JSON.
func parseBundle(t testing.TB, data []byte) *bundle.Bundle {
	t.Helper()
	b, err := bundle.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func marshalBundle(t testing.TB, b *bundle.Bundle) []byte {
	t.Helper()
	data, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return data
}
