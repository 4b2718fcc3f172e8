package verify_test

import (
	"errors"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

// TestAdversarial_C18_StatementTypeConfigured checks that the statement
// _type is compared exactly with the configured values: a v0.1 statement
// verifies by default and is refused when v1 is required.
func TestAdversarial_C18_StatementTypeConfigured(t *testing.T) {
	k := signtest.Key(t, "c18")
	art := []byte("c18 artifact")
	d, _ := digest.FromBytes(art, digest.SHA256)
	envOf := func(typ string) *attest.Envelope {
		st := &attest.Statement{Type: typ, Subject: []attest.ResourceDescriptor{attest.Subject("a", d)}, PredicateType: "https://example.com/p/v1"}
		payload, err := st.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		env, err := sign.Envelope(ctx, attest.PayloadType, payload, k)
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	v01, v1 := envOf(attest.StatementTypeV01), envOf(attest.StatementTypeV1)

	def := newVerifier(t, keysOf(t, k))
	for _, env := range []*attest.Envelope{v01, v1} {
		if _, err := def.VerifyEnvelope(ctx, env, artifactOf(art)); err != nil {
			t.Fatalf("default verifier: %v", err)
		}
	}
	onlyV1 := newVerifier(t, keysOf(t, k), verify.WithStatementTypes(attest.StatementTypeV1))
	if _, err := onlyV1.VerifyEnvelope(ctx, v1, artifactOf(art)); err != nil {
		t.Fatalf("v1 with v1 required: %v", err)
	}
	res, err := onlyV1.VerifyEnvelope(ctx, v01, artifactOf(art))
	wantErr(t, res, err, verify.ErrMalformed)

	for _, bad := range [][]string{nil, {""}, {"https://in-toto.io/Statement/v1 "}, {"https://in-toto.io/statement/v1"}} {
		if _, err := verify.NewVerifier(keysOf(t, k), verify.WithStatementTypes(bad...)); !errors.Is(err, verify.ErrInvalidOptions) {
			t.Errorf("WithStatementTypes(%q): %v", bad, err)
		}
	}
}
