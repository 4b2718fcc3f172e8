package policy_test

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

// t0 is the time of the test decisions.
var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// fixture signs statements with test keys and verifies them, so the
// tests build evidence the only way there is: from verified results.
type fixture struct {
	signers  []*sign.KeySigner
	pubs     []*verify.PublicKey
	artifact digest.Digest
}

func newFixture(t testing.TB, keys int) *fixture {
	t.Helper()
	f := &fixture{artifact: sum(t, "app-1.0.tar.gz contents")}
	for range keys {
		s, pub, err := newKey()
		if err != nil {
			t.Fatal(err)
		}
		f.signers = append(f.signers, s)
		f.pubs = append(f.pubs, pub)
	}
	return f
}

// newKey generates an ECDSA P-256 signing key and its public key.
func newKey() (*sign.KeySigner, *verify.PublicKey, error) {
	k, err := sign.GenerateKey(sign.ECDSAP256)
	if err != nil {
		return nil, nil, err
	}
	s, err := sign.NewSigner(k)
	if err != nil {
		return nil, nil, err
	}
	pub, err := verify.NewPublicKey(k.Public())
	if err != nil {
		return nil, nil, err
	}
	return s, pub, nil
}

func sum(t testing.TB, s string) digest.Digest {
	t.Helper()
	d, err := digest.FromBytes([]byte(s), digest.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// statement returns a statement of predicateType about the artifact,
// with predicate as its JSON.
func (f *fixture) statement(t testing.TB, predicateType string, predicate any) *attest.Statement {
	t.Helper()
	raw, err := json.Marshal(predicate)
	if err != nil {
		t.Fatal(err)
	}
	return &attest.Statement{Type: attest.StatementTypeV1, PredicateType: predicateType, Predicate: raw,
		Subject: []attest.ResourceDescriptor{attest.Subject("app-1.0.tar.gz", f.artifact)}}
}

// result signs st with the given keys and verifies it against the
// artifact; signedAt, when not zero, is the signing time the caller
// vouches for.
func (f *fixture) result(t testing.TB, st *attest.Statement, signedAt time.Time, keys ...int) *verify.Result {
	t.Helper()
	env := f.sign(t, st, keys...)
	opts := []verify.Option{verify.WithKeys(f.pubs...)}
	if !signedAt.IsZero() {
		opts = append(opts, verify.WithSigningTime(signedAt))
	}
	trust, err := verify.NewTrust(opts...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := verify.Verify(t.Context(), verify.FromEnvelope(env), trust, verify.WithArtifactDigest(f.artifact), verify.TrustedKeys())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sign signs st with the given keys.
func (f *fixture) sign(t testing.TB, st *attest.Statement, keys ...int) *attest.Envelope {
	t.Helper()
	var signers []sign.Signer
	for _, k := range keys {
		signers = append(signers, f.signers[k])
	}
	env, err := sign.Statement(t.Context(), st, signers...)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func (f *fixture) evidence(t testing.TB, results ...*verify.Result) *policy.Evidence {
	t.Helper()
	ev, err := policy.NewEvidence(digest.NewSet(f.artifact), results)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// provenance returns a SLSA v1 predicate built by builder from repo at
// ref.
func provenance(builder, repo, ref string) map[string]any {
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

func testResult(result string, failed ...string) map[string]any {
	m := map[string]any{"result": result, "passedTests": []string{"TestA"}}
	if len(failed) > 0 {
		m["failedTests"] = failed
	}
	return m
}

// decide builds a policy of rule and decides ev at t0.
func decide(t testing.TB, rule policy.Rule[policy.Evidence], ev *policy.Evidence, opts ...policy.Option) (policy.Decision, error) {
	t.Helper()
	p, err := policy.New("test", rule, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p.Decide(ev, t0)
}
