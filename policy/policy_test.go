package policy_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/verify"
)

var errBroken = errors.New("broken")

// fixed is a rule with a fixed outcome.
func fixed(o policy.Outcome) policy.Rule[policy.Evidence] {
	return policy.Func("fixed-"+o.String(), "whatever", func(*policy.Context, *policy.Evidence) (bool, error) {
		switch o {
		case policy.Pass:
			return true, nil
		case policy.Error:
			return false, errBroken
		}
		return false, nil
	})
}

var (
	P = fixed(policy.Pass)
	F = fixed(policy.Fail)
	E = fixed(policy.Error)
)

// TestCombinators checks the three-valued logic of every combinator, on
// the fast path and in the explanation, which must agree.
func TestCombinators(t *testing.T) {
	type R = policy.Rule[policy.Evidence]
	list := func(n int) func(*policy.Evidence) []int {
		return func(*policy.Evidence) []int { return make([]int, n) }
	}
	intRule := func(o policy.Outcome) policy.Rule[int] {
		return policy.Func("int", "", func(*policy.Context, *int) (bool, error) {
			return o == policy.Pass, map[bool]error{true: errBroken}[o == policy.Error]
		})
	}
	for _, tc := range []struct {
		name string
		rule R
		want policy.Outcome
	}{
		{"all pass", policy.All(P, P), policy.Pass},
		{"all fail", policy.All(P, F), policy.Fail},
		{"all error", policy.All(P, E), policy.Error},
		{"all fail beats error", policy.All(E, F), policy.Fail},
		{"any pass", policy.Any(F, P), policy.Pass},
		{"any pass despite error", policy.Any(E, P), policy.Pass},
		{"any error", policy.Any(F, E), policy.Error},
		{"any fail", policy.Any(F, F), policy.Fail},
		{"not pass", policy.Not(P), policy.Fail},
		{"not fail", policy.Not(F), policy.Pass},
		{"not error stays error", policy.Not(E), policy.Error},
		{"at-least 2 of 3", policy.AtLeast(2, P, F, P), policy.Pass},
		{"at-least 2 short", policy.AtLeast(2, P, F, F), policy.Fail},
		{"at-least 2 with error", policy.AtLeast(2, P, E, F), policy.Error},
		{"when applies", policy.When(P, F), policy.Fail},
		{"when does not apply", policy.When(F, F), policy.Pass},
		{"when cond errs", policy.When(E, P), policy.Error},
		{"some pass", policy.Some("xs", list(3), intRule(policy.Pass)), policy.Pass},
		{"some empty", policy.Some("xs", list(0), intRule(policy.Pass)), policy.Fail},
		{"every pass", policy.Every("xs", list(2), intRule(policy.Pass)), policy.Pass},
		{"every empty fails", policy.Every("xs", list(0), intRule(policy.Pass)), policy.Fail},
		{"every-or-none empty", policy.EveryOrNone("xs", list(0), intRule(policy.Fail)), policy.Pass},
		{"every error", policy.Every("xs", list(2), intRule(policy.Error)), policy.Error},
		{"named", policy.Named("n", "msg", F), policy.Fail},
		{"named warn", policy.Named("n", "msg", F).Warn(), policy.Pass},
		{"nested", policy.All(policy.Any(F, policy.Not(F)), policy.AtLeast(1, E, P)), policy.Pass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &policy.Context{Now: t0}
			if got := tc.rule.Eval(c, &policy.Evidence{}); got != tc.want {
				t.Errorf("Eval = %v, want %v", got, tc.want)
			}
			f := tc.rule.Explain(&policy.Context{Now: t0}, &policy.Evidence{})
			if f.Outcome != tc.want && !strings.Contains(tc.name, "warn") {
				t.Errorf("Explain = %v, want %v", f.Outcome, tc.want)
			}
		})
	}
}

// TestAllReportsEveryFailure: All explains every failing clause.
func TestAllReportsEveryFailure(t *testing.T) {
	f := newFixture(t, 1)
	ev := f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult("PASSED")), time.Time{}, 0))
	d, err := decide(t, policy.All(
		policy.Named("one", "first", F), P,
		policy.Named("two", "second", E),
		policy.Named("three", "third", policy.Not(P)),
	), ev)
	if !errors.Is(err, policy.ErrDenied) || d.Allowed {
		t.Fatalf("allowed: %v", err)
	}
	if got := d.Reasons(); len(got) != 3 {
		t.Fatalf("reasons = %q, want 3", got)
	}
	for _, id := range []string{"one", "two", "three"} {
		if !strings.Contains(err.Error(), id+": ") {
			t.Errorf("error %q does not name rule %s", err, id)
		}
	}
	if !errors.Is(err, policy.ErrRule) {
		t.Errorf("error %v does not match ErrRule", err)
	}
}

// TestAdversarial_C80_VacuousTruth: empty evidence, a required type that
// is absent, an empty list, an empty constraint: none passes.
func TestAdversarial_C80_VacuousTruth(t *testing.T) {
	f := newFixture(t, 1)
	empty := f.Evidence(t)
	tests := f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult("PASSED")), time.Time{}, 0))

	d, err := decide(t, P, empty)
	if !errors.Is(err, policy.ErrNoEvidence) || d.Allowed {
		t.Errorf("empty evidence: allowed=%v err=%v", d.Allowed, err)
	}
	if _, err := decide(t, P, empty, policy.AllowEmptyEvidence()); err != nil {
		t.Errorf("empty evidence with AllowEmptyEvidence and a rule that passes: %v", err)
	}
	_, err = decide(t, slsa.Require(slsa.BuilderID("https://builder.example/b")), tests)
	if !errors.Is(err, policy.ErrNoEvidence) {
		t.Errorf("required provenance absent: %v", err)
	}
	if !strings.Contains(err.Error(), attest.PredicateTestResult) {
		t.Errorf("the error %q does not say which predicate types there were", err)
	}
	_, err = decide(t, policy.Require(attest.PredicateTestResult, policy.Predicate(policy.TestsPassed())), empty, policy.AllowEmptyEvidence())
	if !errors.Is(err, policy.ErrNoEvidence) {
		t.Errorf("required type on empty evidence allowed by option: %v", err)
	}
	if _, err := policy.New("p", policy.All[policy.Evidence]()); !errors.Is(err, policy.ErrInvalidPolicy) {
		t.Errorf("All(): %v", err)
	}
	if _, err := policy.New("p", policy.Any[policy.Evidence]()); !errors.Is(err, policy.ErrInvalidPolicy) {
		t.Errorf("Any(): %v", err)
	}
	if _, err := policy.New("p", slsa.Require()); !errors.Is(err, policy.ErrInvalidPolicy) {
		t.Errorf("slsa.Require(): %v", err)
	}
	var nilPolicy *policy.Policy
	if d, err := nilPolicy.Decide(tests, t0); !errors.Is(err, policy.ErrDenied) || d.Allowed {
		t.Errorf("nil policy allowed: %v", err)
	}
	p, _ := policy.New("p", P)
	if d, err := p.Decide(nil, t0); !errors.Is(err, policy.ErrNoEvidence) || d.Allowed {
		t.Errorf("nil evidence allowed: %v", err)
	}
}

// TestAdversarial_C81_DuplicateShadowing: a failing attestation of a type
// is not hidden by a passing one, in either order.
func TestAdversarial_C81_DuplicateShadowing(t *testing.T) {
	f := newFixture(t, 1)
	pass := f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult("PASSED")), time.Time{}, 0)
	fail := f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult("FAILED", "TestB")), time.Time{}, 0)
	rule := policy.Require(attest.PredicateTestResult, policy.Predicate(policy.TestsPassed()))
	for _, order := range [][]*verify.Result{{pass, fail}, {fail, pass}} {
		d, err := decide(t, rule, f.Evidence(t, order...))
		if !errors.Is(err, policy.ErrTests) || d.Allowed {
			t.Errorf("a failing test result was shadowed: %v", err)
		}
		if n := len(d.Finding.Children); n != 2 {
			t.Errorf("%d attestations explained, want 2", n)
		}
	}
	// RequireAny is the explicit opt-in to "one suffices".
	if _, err := decide(t, policy.RequireAny(attest.PredicateTestResult, policy.Predicate(policy.TestsPassed())), f.Evidence(t, fail, pass)); err != nil {
		t.Errorf("RequireAny: %v", err)
	}
	// The same result twice counts once.
	ev := f.Evidence(t, pass, pass)
	if ev.Len() != 1 {
		t.Errorf("the same result twice gave %d items", ev.Len())
	}
}

// TestAdversarial_C82_ErrorsNeverPass: a predicate that does not decode,
// or a rule that errs, never leads to an allow, not even negated.
func TestAdversarial_C82_ErrorsNeverPass(t *testing.T) {
	f := newFixture(t, 1)
	prov := provenance("https://builder.example/b", "https://github.com/org/repo", "refs/heads/main")
	// Both runDetails and RunDetails: the strict decoder refuses it.
	prov["RunDetails"] = map[string]any{"builder": map[string]any{"id": "https://other.example"}}
	dup := f.Result(t, f.Statement(t, attest.PredicateSLSAProvenanceV1, prov), time.Time{}, 0)
	// A v0.2 body under the v1 type (C78).
	v02 := f.Result(t, f.Statement(t, attest.PredicateSLSAProvenanceV1, map[string]any{
		"builder": map[string]any{"id": "https://builder.example/b"}, "buildType": "x"}), time.Time{}, 0)
	// A v1 body under the v0.2 type, and a v1 body without
	// externalParameters (C78).
	v1as02 := f.Result(t, f.Statement(t, attest.PredicateSLSAProvenanceV02, provenance("https://builder.example/b", "https://github.com/org/repo", "refs/heads/main")), time.Time{}, 0)
	noParams := provenance("https://builder.example/b", "https://github.com/org/repo", "refs/heads/main")
	delete(noParams["buildDefinition"].(map[string]any), "externalParameters")
	noExt := f.Result(t, f.Statement(t, attest.PredicateSLSAProvenanceV1, noParams), time.Time{}, 0)
	for _, tc := range []struct {
		name string
		res  *verify.Result
	}{
		{"C82 case-variant duplicate key", dup},
		{"C78 v0.2 body under the v1 type", v02},
		{"C78 v1 body under the v0.2 type", v1as02},
		{"C78 externalParameters missing", noExt},
	} {
		name, res := tc.name, tc.res
		ev := f.Evidence(t, res)
		it := ev.Items()[0]
		if _, err := it.Predicate(); !errors.Is(err, policy.ErrPredicate) {
			t.Errorf("%s: predicate decoded: %v", name, err)
		}
		for rname, rule := range map[string]policy.Rule[policy.Evidence]{
			"builder":      slsa.Require(slsa.BuilderID("https://builder.example/b")),
			"not builder":  policy.Not(slsa.Require(slsa.BuilderID("https://other.example"))),
			"any of error": policy.Any(F, slsa.Require(slsa.BuilderID("https://builder.example/b"))),
		} {
			d, err := decide(t, rule, ev)
			if err == nil || d.Allowed {
				t.Errorf("%s, %s: allowed", name, rname)
				continue
			}
			if d.Outcome != policy.Error && rname != "any of error" {
				t.Errorf("%s, %s: outcome %v, want error", name, rname, d.Outcome)
			}
		}
	}
	// A rule whose explanation passes where its evaluation failed.
	flip := false
	liar := policy.Func("liar", "", func(*policy.Context, *policy.Evidence) (bool, error) { flip = !flip; return !flip, nil })
	ev := f.Evidence(t, dup)
	if d, err := decide(t, liar, ev); err == nil || d.Allowed {
		t.Error("an inconsistent rule allowed")
	}
}

// TestAdversarial_C83_EmptyConstraint: empty identities, signer lists
// and digests are configuration errors, never wildcards.
func TestAdversarial_C83_EmptyConstraint(t *testing.T) {
	for name, rule := range map[string]policy.Rule[policy.Evidence]{
		"signed-by nobody":    policy.Require(attest.PredicateTestResult, policy.SignedBy()),
		"empty identity":      policy.Require(attest.PredicateTestResult, policy.SignedBy(policy.Identity(verify.CertificateIdentity{}))),
		"identity no issuer":  policy.Require(attest.PredicateTestResult, policy.SignedBy(policy.Identity(verify.CertificateIdentity{SAN: "a@example.com"}))),
		"empty key id":        policy.Require(attest.PredicateTestResult, policy.SignedBy(policy.Key(""))),
		"zero signer match":   policy.Require(attest.PredicateTestResult, policy.SignedBy(policy.SignerMatch{})),
		"0 distinct signers":  policy.DistinctSigners(0, attest.PredicateTestResult, policy.Key("ab")),
		"2 of 1 keys":         policy.DistinctSigners(2, attest.PredicateTestResult, policy.Key("ab")),
		"artifact in nothing": policy.ArtifactIn(),
		"empty builder":       slsa.Require(slsa.BuilderID("")),
		"empty repo":          slsa.Require(slsa.SourceRepo("")),
		"zero ref matcher":    slsa.Require(slsa.Ref(verify.StringMatcher{})),
		"empty type":          policy.Require("", policy.SignedBy(policy.Key("ab"))),
		"fresh within 0":      policy.Require(attest.PredicateTestResult, policy.FreshWithin(0)),
		"at-least 0":          policy.AtLeast(0, P),
		"named without id":    policy.Named("", "", P),
		"nil rule":            policy.Not[policy.Evidence](nil),
		"zero leaf":           &policy.Leaf[policy.Evidence]{},
		"no builders":         slsa.Require(slsa.BuildLevel(3, nil)),
	} {
		if _, err := policy.New("p", rule); !errors.Is(err, policy.ErrInvalidPolicy) {
			t.Errorf("%s: New = %v, want ErrInvalidPolicy", name, err)
		}
	}
}

// TestAdversarial_C77_C79_C89_OnlyVerifiedEvidence: only results of a
// successful verification, about this artifact, enter the evidence.
func TestAdversarial_C77_C79_C89_OnlyVerifiedEvidence(t *testing.T) {
	f := newFixture(t, 1)
	res := f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult("PASSED")), time.Time{}, 0)
	art := digest.NewSet(f.Artifact)

	// A Result literal claiming anything.
	forged := verify.Result{Statement: res.Statement, Signers: res.Signers, Subject: res.Subject, ArtifactDigests: res.ArtifactDigests, Times: res.Times}
	// A Result read back from JSON (another process, a cache, a file).
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var decoded verify.Result
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatal(err)
	}
	// Verified without an artifact.
	env := f.Sign(t, res.Statement, 0)
	trust, _ := verify.NewTrust(verify.WithKeys(f.Pubs...))
	noArtifact, err := verify.Verify(t.Context(), verify.FromEnvelope(env), trust, verify.WithoutArtifactUnsafe(), verify.TrustedKeys())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		res  *verify.Result
	}{
		// Caller-supplied data posing as signed data (C79) or unverified
		// fields (C89) never reach a rule.
		{"C79 a Result literal", &forged},
		{"C89 a Result decoded from JSON", &decoded},
		{"C89 verified without the artifact", noArtifact},
		{"C89 nil", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := policy.NewEvidence(art, []*verify.Result{res, tc.res}); !errors.Is(err, policy.ErrEvidence) {
				t.Errorf("NewEvidence = %v, want ErrEvidence", err)
			}
		})
	}
	// A verified result about another artifact: a sibling attestation
	// whose subject is not this artifact cannot be used (C77).
	t.Run("C77 a sibling attestation about another artifact", func(t *testing.T) {
		other := sum(t, "another artifact")
		if _, err := policy.NewEvidence(digest.NewSet(other), []*verify.Result{res}); !errors.Is(err, policy.ErrEvidence) {
			t.Errorf("another artifact: %v", err)
		}
	})
	if _, err := policy.NewEvidence(nil, []*verify.Result{res}); !errors.Is(err, policy.ErrEvidence) {
		t.Errorf("no artifact digests: %v", err)
	}
	if _, err := policy.NewEvidence(art, []*verify.Result{res}); err != nil {
		t.Errorf("the verified result: %v", err)
	}
}

// TestAdversarial_C90_TimeFromVerification: freshness reads verified
// signing times, never the predicate's own dates; expiry denies.
func TestAdversarial_C90_TimeFromVerification(t *testing.T) {
	f := newFixture(t, 1)
	p := provenance(goBuilder, repo, "refs/heads/main")
	// The signer claims the build finished in the future.
	p["runDetails"].(map[string]any)["metadata"] = map[string]any{"finishedOn": "2099-01-01T00:00:00Z"}
	st := f.Statement(t, attest.PredicateSLSAProvenanceV1, p)
	fresh := policy.Require(attest.PredicateSLSAProvenanceV1, policy.FreshWithin(24*time.Hour))

	// A bare key signature: no verified time at all.
	_, err := decide(t, fresh, f.Evidence(t, f.Result(t, st, time.Time{}, 0)))
	if !errors.Is(err, policy.ErrStale) {
		t.Errorf("no verified time: %v", err)
	}
	// A time the caller vouched for, old and recent.
	if _, err := decide(t, fresh, f.Evidence(t, f.Result(t, st, t0.Add(-48*time.Hour), 0))); !errors.Is(err, policy.ErrStale) {
		t.Errorf("signed 48 h ago: %v", err)
	}
	if _, err := decide(t, fresh, f.Evidence(t, f.Result(t, st, t0.Add(-time.Hour), 0))); err != nil {
		t.Errorf("signed 1 h ago: %v", err)
	}
	if _, err := decide(t, fresh, f.Evidence(t, f.Result(t, st, t0.Add(time.Hour), 0))); !errors.Is(err, policy.ErrStale) {
		t.Errorf("signed 1 h in the future: %v", err)
	}
	// No decision time: the rule errs, never passes.
	pol, _ := policy.New("p", fresh)
	d, err := pol.Decide(f.Evidence(t, f.Result(t, st, t0.Add(-time.Hour), 0)), time.Time{})
	if !errors.Is(err, policy.ErrNoClock) || d.Outcome != policy.Error {
		t.Errorf("no decision time: %v, %v", d.Outcome, err)
	}
	// An expired policy, and an expired rule.
	ev := f.Evidence(t, f.Result(t, st, time.Time{}, 0))
	if _, err := decide(t, P, ev, policy.ExpiresAt(t0)); !errors.Is(err, policy.ErrExpired) {
		t.Errorf("expired policy: %v", err)
	}
	if _, err := decide(t, P, ev, policy.ExpiresAt(t0.Add(time.Second))); err != nil {
		t.Errorf("policy before expiry: %v", err)
	}
	waiver := policy.Any(F, policy.Named("waiver", "until the fix ships", P).Expires(t0))
	if _, err := decide(t, waiver, ev); !errors.Is(err, policy.ErrExpired) {
		t.Errorf("expired waiver: %v", err)
	}
	if _, err := pol.Decide(ev, time.Time{}); err == nil {
		t.Error("decided without a time")
	}
}

// TestAdversarial_C87_IdentityPatterns: identity expressions are RE2,
// anchored and capped.
func TestAdversarial_C87_IdentityPatterns(t *testing.T) {
	for _, expr := range []string{`(a+)+\1`, strings.Repeat("(", 10000), strings.Repeat("a", verify.MaxIdentityPatternBytes+1), `a{1000}{1000}`} {
		rule := policy.Require(attest.PredicateTestResult, policy.SignedBy(policy.Identity(verify.CertificateIdentity{SANRegexp: expr, Issuer: "https://issuer.example"})))
		if _, err := policy.New("p", rule); !errors.Is(err, policy.ErrInvalidPolicy) {
			t.Errorf("pattern %.20q…: %v", expr, err)
		}
	}
}

// TestSignedByAndDistinctSigners: key signers, m of n.
func TestSignedByAndDistinctSigners(t *testing.T) {
	f := newFixture(t, 3)
	st := f.Statement(t, attest.PredicateTestResult, testResult("PASSED"))
	a, b := f.Result(t, st, time.Time{}, 0), f.Result(t, st, time.Time{}, 1)
	ab := f.Result(t, st, time.Time{}, 0, 1)
	k := func(i int) policy.SignerMatch { return policy.KeyOf(f.Pubs[i]) }
	for _, tc := range []struct {
		name    string
		rule    policy.Rule[policy.Evidence]
		results []*verify.Result
		ok      bool
	}{
		{"signed by a", policy.Require(attest.PredicateTestResult, policy.SignedBy(k(0))), []*verify.Result{a}, true},
		{"signed by c", policy.Require(attest.PredicateTestResult, policy.SignedBy(k(2))), []*verify.Result{a}, false},
		{"every attestation signed by a", policy.Require(attest.PredicateTestResult, policy.SignedBy(k(0))), []*verify.Result{a, b}, false},
		{"2 of 3, a and b", policy.DistinctSigners(2, attest.PredicateTestResult, k(0), k(1), k(2)), []*verify.Result{a, b}, true},
		{"2 of 3, a and b in one envelope", policy.DistinctSigners(2, attest.PredicateTestResult, k(0), k(1), k(2)), []*verify.Result{ab}, true},
		{"2 of 3, a twice", policy.DistinctSigners(2, attest.PredicateTestResult, k(0), k(1), k(2)), []*verify.Result{a, a}, false},
		{"2 of 3, b outside the list", policy.DistinctSigners(2, attest.PredicateTestResult, k(0), k(2)), []*verify.Result{a, b}, false},
		{"2 of 3, another type", policy.DistinctSigners(2, attest.PredicateSLSAProvenanceV1, k(0), k(1)), []*verify.Result{a, b}, false},
	} {
		_, err := decide(t, tc.rule, f.Evidence(t, tc.results...))
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, policy.ErrSigner) {
			t.Errorf("%s: %v does not match ErrSigner", tc.name, err)
		}
	}
}

// TestSubjectNameAmbiguous: a statement naming one subject twice with
// different digests is an error for rules on names.
func TestSubjectNameAmbiguous(t *testing.T) {
	f := newFixture(t, 1)
	st := f.Statement(t, attest.PredicateTestResult, testResult("PASSED"))
	if _, err := decide(t, policy.Require(attest.PredicateTestResult, policy.SubjectName("app-1.0.tar.gz")), f.Evidence(t, f.Result(t, st, time.Time{}, 0))); err != nil {
		t.Errorf("one subject: %v", err)
	}
	st.Subject = append(st.Subject, attest.Subject("app-1.0.tar.gz", sum(t, "evil")))
	ev := f.Evidence(t, f.Result(t, st, time.Time{}, 0))
	if !ev.Items()[0].AmbiguousSubjects() {
		t.Error("not flagged")
	}
	d, err := decide(t, policy.Require(attest.PredicateTestResult, policy.SubjectName("app-1.0.tar.gz")), ev)
	if !errors.Is(err, policy.ErrSubjectName) || d.Outcome != policy.Error {
		t.Errorf("ambiguous subject: %v, %v", d.Outcome, err)
	}
}

// TestArtifactIn: digest allowlists.
func TestArtifactIn(t *testing.T) {
	f := newFixture(t, 1)
	ev := f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult("PASSED")), time.Time{}, 0))
	if _, err := decide(t, policy.ArtifactIn(sum(t, "x"), f.Artifact), ev); err != nil {
		t.Error(err)
	}
	if _, err := decide(t, policy.ArtifactIn(sum(t, "x")), ev); !errors.Is(err, policy.ErrDigest) {
		t.Error(err)
	}
}

// TestDecideDoesNotAllocate: the pass path is allocation-free.
func TestDecideDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	ev := provenanceEvidence(t, goBuilder+"@refs/tags/v2.1.0", repo, "refs/tags/v1.2.3")
	p, err := policy.New("release", policy.All(
		slsa.Require(slsa.BuilderID(goBuilder), slsa.SourceRepo("github.com/org/repo"), slsa.SemverTag(),
			slsa.BuildLevel(3, slsa.DefaultBuilders())),
		policy.Named("signer", "signed by the release key", policy.Require(attest.PredicateSLSAProvenanceV1, policy.SignedBy(policy.Key(ev.Items()[0].Signers[0].KeyID)))),
	))
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := p.Decide(ev, t0); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Decide allocates %.0f times on the pass path", allocs)
	}
}

// TestWarnRulesAllowWithFindings: a failing Warn rule is reported and
// does not deny.
func TestWarnRulesAllowWithFindings(t *testing.T) {
	f := newFixture(t, 1)
	ev := f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult("PASSED")), time.Time{}, 0))
	d, err := decide(t, policy.All(P, policy.Named("advice", "would be nice", F).Warn()), ev)
	if err != nil || !d.Allowed || !d.Warnings || !d.Explained {
		t.Fatalf("allowed=%v warnings=%v explained=%v err=%v", d.Allowed, d.Warnings, d.Explained, err)
	}
	if !strings.Contains(d.Text(), "[WARN] advice") {
		t.Errorf("text does not show the warning:\n%s", d.Text())
	}
}
