// Package policytest builds policy evidence for tests the only way there
// is: by signing statements with generated keys and verifying them. It is
// for tests of package policy and of the code that uses it.
package policytest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
)

// T0 is a fixed decision time for tests.
var T0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// ArtifactName is the name of the fixture's artifact in its statements.
const ArtifactName = "app-1.0.tar.gz"

// Fixture signs statements with test keys and verifies them.
type Fixture struct {
	// Signers sign; Pubs are their public keys, in the same order.
	Signers []*sign.KeySigner
	Pubs    []*verify.PublicKey
	// Artifact is the SHA-256 of the fixture's artifact.
	Artifact digest.Digest
}

// New returns a fixture with keys ECDSA P-256 keys.
func New(t testing.TB, keys int) *Fixture {
	t.Helper()
	f := &Fixture{Artifact: Sum(t, "app-1.0.tar.gz contents")}
	for range keys {
		k, err := sign.GenerateKey(sign.ECDSAP256)
		if err != nil {
			t.Fatal(err)
		}
		s, err := sign.NewSigner(k)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := verify.NewPublicKey(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		f.Signers = append(f.Signers, s)
		f.Pubs = append(f.Pubs, pub)
	}
	return f
}

// Sum returns the SHA-256 of s.
func Sum(t testing.TB, s string) digest.Digest {
	t.Helper()
	d, err := digest.FromBytes([]byte(s), digest.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Statement returns a statement of predicateType about the artifact,
// with predicate encoded as its JSON.
func (f *Fixture) Statement(t testing.TB, predicateType string, predicate any) *attest.Statement {
	t.Helper()
	raw, err := json.Marshal(predicate)
	if err != nil {
		t.Fatal(err)
	}
	return &attest.Statement{Type: attest.StatementTypeV1, PredicateType: predicateType, Predicate: raw,
		Subject: []attest.ResourceDescriptor{attest.Subject(ArtifactName, f.Artifact)}}
}

// Result signs st with the keys of the given indexes and verifies it
// against the artifact; signedAt, when not zero, is the signing time the
// caller vouches for (verify.WithSigningTime).
func (f *Fixture) Result(t testing.TB, st *attest.Statement, signedAt time.Time, keys ...int) *verify.Result {
	t.Helper()
	env := f.Sign(t, st, keys...)
	opts := []verify.Option{verify.WithKeys(f.Pubs...)}
	if !signedAt.IsZero() {
		opts = append(opts, verify.WithSigningTime(signedAt))
	}
	trust, err := verify.NewTrust(opts...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := verify.Verify(t.Context(), verify.FromEnvelope(env), trust, verify.WithArtifactDigest(f.Artifact), verify.TrustedKeys())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Sign signs st with the keys of the given indexes.
func (f *Fixture) Sign(t testing.TB, st *attest.Statement, keys ...int) *attest.Envelope {
	t.Helper()
	var signers []sign.Signer
	for _, k := range keys {
		signers = append(signers, f.Signers[k])
	}
	env, err := sign.Statement(t.Context(), st, signers...)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// Evidence returns the evidence about the artifact made of results.
func (f *Fixture) Evidence(t testing.TB, results ...*verify.Result) *policy.Evidence {
	t.Helper()
	ev, err := policy.NewEvidence(digest.NewSet(f.Artifact), results)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// Provenance returns a SLSA v1 predicate of a GitHub Actions workflow
// build by builder from repo at ref.
func Provenance(builder, repo, ref string) map[string]any {
	return map[string]any{
		"buildDefinition": map[string]any{
			"buildType": "https://actions.github.io/buildtypes/workflow/v1",
			"externalParameters": map[string]any{
				"workflow": map[string]any{"repository": repo, "ref": ref, "path": ".github/workflows/release.yml"},
			},
			"resolvedDependencies": []any{map[string]any{
				"uri":    "git+" + repo + "@" + ref,
				"digest": map[string]any{"gitCommit": "8f70009fde0c94ade6ce2a054b94718c819126ec"},
			}},
		},
		"runDetails": map[string]any{"builder": map[string]any{"id": builder}},
	}
}

// TestResult returns an in-toto test-result predicate with result and
// the failed tests.
func TestResult(result string, failed ...string) map[string]any {
	m := map[string]any{"result": result, "passedTests": []string{"TestA"}}
	if len(failed) > 0 {
		m["failedTests"] = failed
	}
	return m
}
