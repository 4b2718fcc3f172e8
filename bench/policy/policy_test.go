// Package policy compares package policy's typed rules with the two
// policy engines of the field, on the same release policy and the same
// signed SLSA v1 provenance statement:
//
//   - dsl:  policy.Policy.Decide on policy.Evidence (chainmail);
//   - cel:  a cel-go program compiled once (cel.Env.Program outside the
//     loop), evaluated on the statement decoded into map[string]any, as
//     ampel and Kyverno do;
//   - rego: an OPA prepared query (rego.PrepareForEval outside the loop),
//     as go-witness and cosign's policy-controller do, with the input
//     given as a Go value (converted by OPA on each evaluation), and as
//     a value parsed once into ast.Value (rego-parsed, OPA's best case).
//
// The policy: the attestation is SLSA provenance v1 about the artifact's
// SHA-256, built by one builder id (exact), from one source repository,
// at a semantic-version tag, signed by one key. Each benchmark has three
// scopes:
//
//   - allow: decide on evidence already decoded (the pass path);
//   - deny: the same with a wrong builder id, producing each engine's
//     explanation (dsl: the findings tree rendered by the error; cel: the
//     names of failing checks, one program per check; rego: a deny set
//     of messages with the values found);
//   - bytes: from the DSSE envelope's JSON bytes: verify the signature,
//     decode the statement, decide. Signature verification is the same
//     code for all three and dominates.
//
// This is a module of its own so that the SDK never imports OPA. Run it
// with bash bench/policy.sh (alternated rounds and ratios).
package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/policytest"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/verify"
)

const (
	builder  = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v2.1.0"
	repo     = "https://github.com/org/repo"
	ref      = "refs/tags/v1.2.3"
	semverRE = `^refs/tags/v[0-9]+\.[0-9]+\.[0-9]+$`
)

// fixture is one signed provenance statement and what each engine reads.
type fixture struct {
	f        *policytest.Fixture
	envelope []byte // the DSSE envelope's JSON
	trust    *verify.Trust
	ev       *policy.Evidence
	keyID    string
	input    map[string]any // {"statement": ..., "keyid": ..., "artifact": ...}
}

func newFixture(b testing.TB) *fixture {
	b.Helper()
	f := policytest.New(b, 1)
	st := f.Statement(b, attest.PredicateSLSAProvenanceV1, policytest.Provenance(builder, repo, ref))
	env := f.Sign(b, st, 0)
	raw, err := json.Marshal(env)
	if err != nil {
		b.Fatal(err)
	}
	trust, err := verify.NewTrust(verify.WithKeys(f.Pubs...))
	if err != nil {
		b.Fatal(err)
	}
	fx := &fixture{f: f, envelope: raw, trust: trust, keyID: f.Pubs[0].ID()}
	res := fx.verify(b)
	fx.ev, err = policy.NewEvidence(digest.NewSet(f.Artifact), []*verify.Result{res})
	if err != nil {
		b.Fatal(err)
	}
	fx.input, err = fx.decode(res)
	if err != nil {
		b.Fatal(err)
	}
	return fx
}

// verify verifies the envelope bytes: the common first step of all three.
func (fx *fixture) verify(b testing.TB) *verify.Result {
	res, err := verify.Verify(b.Context(), verify.FromJSON(fx.envelope), fx.trust,
		verify.WithArtifactDigest(fx.f.Artifact), verify.TrustedKeys())
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// decode is what CEL and Rego need beyond verification: the verified
// payload as a generic JSON value, with the verified signer beside it.
func (fx *fixture) decode(res *verify.Result) (map[string]any, error) {
	var st map[string]any
	if err := json.Unmarshal(res.Payload, &st); err != nil {
		return nil, err
	}
	return map[string]any{
		"statement": st,
		"keyid":     res.Signers[0].KeyID,
		"artifact":  fx.f.Artifact.Hex(),
	}, nil
}

// dslPolicy is the release policy in package policy.
func dslPolicy(b testing.TB, fx *fixture, builderID string) *policy.Policy {
	p, err := policy.New("release", policy.All(
		slsa.Require(slsa.BuilderID(builderID), slsa.SourceRepo("github.com/org/repo"), slsa.SemverTag()),
		policy.Named("signer", "signed by the release key",
			policy.Require(attest.PredicateSLSAProvenanceV1, policy.SignedBy(policy.Key(fx.keyID)))),
	))
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// celChecks are the release policy's checks as CEL, by name.
func celChecks(fx *fixture, builderID string) [][2]string {
	return [][2]string{
		{"predicateType", `statement.predicateType == "https://slsa.dev/provenance/v1"`},
		{"subject", `statement.subject.exists(s, s.digest.sha256 == artifact)`},
		{"builder", fmt.Sprintf(`statement.predicate.runDetails.builder.id == %q`, builderID)},
		{"source", fmt.Sprintf(`statement.predicate.buildDefinition.externalParameters.workflow.repository == %q`, repo)},
		{"ref", fmt.Sprintf(`statement.predicate.buildDefinition.externalParameters.workflow.ref.matches(%q)`, semverRE)},
		{"signer", fmt.Sprintf(`keyid == %q`, fx.keyID)},
	}
}

func celEnv(b testing.TB) *cel.Env {
	env, err := cel.NewEnv(
		cel.Variable("statement", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("keyid", cel.StringType),
		cel.Variable("artifact", cel.StringType),
	)
	if err != nil {
		b.Fatal(err)
	}
	return env
}

func celProgram(b testing.TB, env *cel.Env, expr string) cel.Program {
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		b.Fatal(iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		b.Fatal(err)
	}
	return prg
}

// celAll is the whole policy as one CEL program (the pass path).
func celAll(b testing.TB, fx *fixture, builderID string) cel.Program {
	var all []string
	for _, c := range celChecks(fx, builderID) {
		all = append(all, "("+c[1]+")")
	}
	return celProgram(b, celEnv(b), strings.Join(all, " && "))
}

type namedProgram struct {
	name string
	prg  cel.Program
}

// celEach is one CEL program per check, so a denial can name them all.
func celEach(b testing.TB, fx *fixture, builderID string) []namedProgram {
	env := celEnv(b)
	var out []namedProgram
	for _, c := range celChecks(fx, builderID) {
		out = append(out, namedProgram{c[0], celProgram(b, env, c[1])})
	}
	return out
}

func celAllows(b testing.TB, prg cel.Program, input map[string]any) bool {
	v, _, err := prg.Eval(input)
	if err != nil {
		b.Fatal(err)
	}
	ok, isBool := v.Value().(bool)
	return isBool && ok
}

// celDeny returns a message per failing (or erring) check.
func celDeny(progs []namedProgram, input map[string]any) []string {
	var failed []string
	for _, p := range progs {
		v, _, err := p.prg.Eval(input)
		if err != nil {
			failed = append(failed, p.name+": "+err.Error())
			continue
		}
		if ok, isBool := v.Value().(bool); !isBool || !ok {
			failed = append(failed, p.name)
		}
	}
	return failed
}

// regoModule is the release policy in Rego v1: allow, and a deny set
// whose messages carry the values found.
func regoModule(fx *fixture, builderID string) string {
	return fmt.Sprintf(`package release

st := input.statement
pred := st.predicate
wf := pred.buildDefinition.externalParameters.workflow

default allow := false

allow if {
	st.predicateType == "https://slsa.dev/provenance/v1"
	some s in st.subject
	s.digest.sha256 == input.artifact
	pred.runDetails.builder.id == %[1]q
	wf.repository == %[2]q
	regex.match(%[3]q, wf.ref)
	input.keyid == %[4]q
}

deny contains msg if {
	st.predicateType != "https://slsa.dev/provenance/v1"
	msg := sprintf("predicateType: got %%q", [st.predicateType])
}

deny contains "subject: no subject has the artifact's sha256" if {
	not subject_ok
}

subject_ok if {
	some s in st.subject
	s.digest.sha256 == input.artifact
}

deny contains msg if {
	pred.runDetails.builder.id != %[1]q
	msg := sprintf("builder: got %%q, want %%q", [pred.runDetails.builder.id, %[1]q])
}

deny contains msg if {
	wf.repository != %[2]q
	msg := sprintf("source: got %%q, want %%q", [wf.repository, %[2]q])
}

deny contains msg if {
	not regex.match(%[3]q, wf.ref)
	msg := sprintf("ref: got %%q, want a semantic-version tag", [wf.ref])
}

deny contains msg if {
	input.keyid != %[4]q
	msg := sprintf("signer: got %%q", [input.keyid])
}
`, builderID, repo, semverRE, fx.keyID)
}

func regoQuery(b testing.TB, fx *fixture, builderID, query string) rego.PreparedEvalQuery {
	pq, err := rego.New(
		rego.Query(query),
		rego.Module("release.rego", regoModule(fx, builderID)),
	).PrepareForEval(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return pq
}

func regoAllows(b testing.TB, pq rego.PreparedEvalQuery, opt rego.EvalOption) bool {
	rs, err := pq.Eval(context.Background(), opt)
	if err != nil {
		b.Fatal(err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return false
	}
	ok, isBool := rs[0].Expressions[0].Value.(bool)
	return isBool && ok
}

func regoDeny(b testing.TB, pq rego.PreparedEvalQuery, opt rego.EvalOption) []any {
	rs, err := pq.Eval(context.Background(), opt)
	if err != nil {
		b.Fatal(err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		b.Fatalf("deny query: %v", rs)
	}
	msgs, _ := rs[0].Expressions[0].Value.([]any)
	return msgs
}

func parsedInput(b testing.TB, input map[string]any) ast.Value {
	v, err := ast.InterfaceToValue(input)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// TestEnginesAgree checks that the three engines decide the same on the
// fixture, both ways, so that the benchmarks compare like with like.
func TestEnginesAgree(t *testing.T) {
	var b testing.TB = t
	{
		fx := newFixture(b)
		wrong := builder + ".evil"
		if _, err := dslPolicy(b, fx, builder).Decide(fx.ev, policytest.T0); err != nil {
			b.Fatalf("dsl denied: %v", err)
		}
		if _, err := dslPolicy(b, fx, wrong).Decide(fx.ev, policytest.T0); err == nil {
			b.Fatal("dsl allowed the wrong builder")
		}
		if !celAllows(b, celAll(b, fx, builder), fx.input) {
			b.Fatal("cel denied")
		}
		if celAllows(b, celAll(b, fx, wrong), fx.input) {
			b.Fatal("cel allowed the wrong builder")
		}
		if got := celDeny(celEach(b, fx, wrong), fx.input); len(got) != 1 || got[0] != "builder" {
			b.Fatalf("cel deny = %q, want [builder]", got)
		}
		if got := celDeny(celEach(b, fx, builder), fx.input); len(got) != 0 {
			b.Fatalf("cel deny = %q, want none", got)
		}
		in := rego.EvalInput(fx.input)
		if !regoAllows(b, regoQuery(b, fx, builder, "data.release.allow"), in) {
			b.Fatal("rego denied")
		}
		if regoAllows(b, regoQuery(b, fx, wrong, "data.release.allow"), in) {
			b.Fatal("rego allowed the wrong builder")
		}
		if got := regoDeny(b, regoQuery(b, fx, wrong, "data.release.deny"), in); len(got) != 1 ||
			!strings.HasPrefix(fmt.Sprint(got[0]), "builder: got") {
			b.Fatalf("rego deny = %v, want one builder message", got)
		}
		if got := regoDeny(b, regoQuery(b, fx, builder, "data.release.deny"), in); len(got) != 0 {
			b.Fatalf("rego deny = %v, want none", got)
		}
		// Every engine must also reject a statement about another
		// artifact and a wrong signer.
		other := map[string]any{"statement": fx.input["statement"], "keyid": fx.input["keyid"], "artifact": strings.Repeat("0", 64)}
		if celAllows(b, celAll(b, fx, builder), other) || regoAllows(b, regoQuery(b, fx, builder, "data.release.allow"), rego.EvalInput(other)) {
			b.Fatal("an engine allowed another artifact")
		}
		other = map[string]any{"statement": fx.input["statement"], "keyid": "00", "artifact": fx.input["artifact"]}
		if celAllows(b, celAll(b, fx, builder), other) || regoAllows(b, regoQuery(b, fx, builder, "data.release.allow"), rego.EvalInput(other)) {
			b.Fatal("an engine allowed another signer")
		}
	}
}

func BenchmarkAllow(b *testing.B) {
	fx := newFixture(b)
	b.Run("dsl", func(b *testing.B) {
		p := dslPolicy(b, fx, builder)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Decide(fx.ev, policytest.T0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cel", func(b *testing.B) {
		prg := celAll(b, fx, builder)
		b.ReportAllocs()
		for b.Loop() {
			if !celAllows(b, prg, fx.input) {
				b.Fatal("denied")
			}
		}
	})
	b.Run("rego", func(b *testing.B) {
		pq := regoQuery(b, fx, builder, "data.release.allow")
		b.ReportAllocs()
		for b.Loop() {
			if !regoAllows(b, pq, rego.EvalInput(fx.input)) {
				b.Fatal("denied")
			}
		}
	})
	b.Run("rego-parsed", func(b *testing.B) {
		pq := regoQuery(b, fx, builder, "data.release.allow")
		in := parsedInput(b, fx.input)
		b.ReportAllocs()
		for b.Loop() {
			if !regoAllows(b, pq, rego.EvalParsedInput(in)) {
				b.Fatal("denied")
			}
		}
	})
}

func BenchmarkDeny(b *testing.B) {
	fx := newFixture(b)
	wrong := builder + ".evil"
	b.Run("dsl", func(b *testing.B) {
		p := dslPolicy(b, fx, wrong)
		b.ReportAllocs()
		for b.Loop() {
			_, err := p.Decide(fx.ev, policytest.T0)
			if err == nil {
				b.Fatal("allowed")
			}
			_ = err.Error()
		}
	})
	b.Run("cel", func(b *testing.B) {
		progs := celEach(b, fx, wrong)
		b.ReportAllocs()
		for b.Loop() {
			if len(celDeny(progs, fx.input)) == 0 {
				b.Fatal("allowed")
			}
		}
	})
	b.Run("rego", func(b *testing.B) {
		pq := regoQuery(b, fx, wrong, "data.release.deny")
		b.ReportAllocs()
		for b.Loop() {
			if len(regoDeny(b, pq, rego.EvalInput(fx.input))) == 0 {
				b.Fatal("allowed")
			}
		}
	})
	b.Run("rego-parsed", func(b *testing.B) {
		pq := regoQuery(b, fx, wrong, "data.release.deny")
		in := parsedInput(b, fx.input)
		b.ReportAllocs()
		for b.Loop() {
			if len(regoDeny(b, pq, rego.EvalParsedInput(in))) == 0 {
				b.Fatal("allowed")
			}
		}
	})
}

func BenchmarkBytes(b *testing.B) {
	fx := newFixture(b)
	artifact := digest.NewSet(fx.f.Artifact)
	b.Run("dsl", func(b *testing.B) {
		p := dslPolicy(b, fx, builder)
		b.ReportAllocs()
		for b.Loop() {
			ev, err := policy.NewEvidence(artifact, []*verify.Result{fx.verify(b)})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := p.Decide(ev, policytest.T0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cel", func(b *testing.B) {
		prg := celAll(b, fx, builder)
		b.ReportAllocs()
		for b.Loop() {
			in, err := fx.decode(fx.verify(b))
			if err != nil {
				b.Fatal(err)
			}
			if !celAllows(b, prg, in) {
				b.Fatal("denied")
			}
		}
	})
	b.Run("rego", func(b *testing.B) {
		pq := regoQuery(b, fx, builder, "data.release.allow")
		b.ReportAllocs()
		for b.Loop() {
			in, err := fx.decode(fx.verify(b))
			if err != nil {
				b.Fatal(err)
			}
			if !regoAllows(b, pq, rego.EvalInput(in)) {
				b.Fatal("denied")
			}
		}
	})
}
