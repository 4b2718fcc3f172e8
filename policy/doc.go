// Package policy decides whether an artifact may go on, from verified
// evidence, and says why.
//
// A policy is a typed Go value: rules over the verified attestations of
// one artifact, composed with All, Any, Not, AtLeast, When, Some and
// Every. Deciding returns a Decision with a tree of findings (which rule,
// which attestation, which field, what was found and what was wanted)
// and, unless it allows, an error matching ErrDenied and the kind of
// every rule that failed (ErrBuilder, ErrSigner, ErrNoEvidence, ...).
//
// # Evidence
//
// Evidence is made only of what package verify returned: verify first,
// then build the evidence for the artifact whose digests you computed
// yourself.
//
//	res, err := verify.Verify(ctx, verify.FromJSON(bundleJSON), trust,
//		verify.WithArtifactFile("app.tar.gz"), identity)
//	// ...
//	artifact, err := digest.SetFromFile("app.tar.gz", digest.SHA256)
//	ev, err := policy.NewEvidence(artifact, []*verify.Result{res})
//
// NewEvidence refuses a Result that was not returned by a successful
// verification (a literal, or one decoded from JSON), one verified
// without an artifact, and one whose subject is another artifact, so a
// rule only ever reads signed fields of attestations about this artifact
// (SECURITY.md C77, C79, C89). Each predicate is decoded once, by its
// strict decoder: a predicate that does not decode is an error the rules
// see, never a value.
//
// # Rules
//
// A Rule[T] decides a T: the whole Evidence, one attestation (Item), or a
// typed predicate. Require bridges from the evidence to the attestations
// of a predicate type; Predicate from an attestation to its typed
// predicate; package policy/slsa has the SLSA provenance rules.
//
//	rule := policy.All(
//		slsa.Require(
//			slsa.BuilderID("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml"),
//			slsa.SourceRepo("github.com/org/repo"),
//		),
//		policy.Require(attest.PredicateTestResult,
//			policy.Predicate(policy.TestsPassed())),
//		policy.Named("fresh", "signed in the last 30 days",
//			policy.Require(attest.PredicateSLSAProvenanceV1, policy.FreshWithin(30*24*time.Hour))).Warn(),
//	)
//	p, err := policy.New("release", rule, policy.WithVersion("3"))
//	d, err := p.Decide(ev, time.Now())
//	if errors.Is(err, policy.ErrDenied) {
//		fmt.Print(d.Text()) // every failing rule, with got and want
//	}
//
// # Semantics
//
// Outcomes are Pass, Fail or Error, combined by Kleene's strong
// three-valued logic: an Error never becomes a Pass, not even under Not.
// The decision allows only when the policy's rule passes. What fails
// closed:
//
//   - empty evidence, and a Require whose predicate type is absent, are
//     denied with ErrNoEvidence (SECURITY.md C80);
//   - every attestation of a required type is evaluated, and all must
//     pass, so a failing one cannot hide behind a passing duplicate, in
//     any order (C81);
//   - a predicate that does not decode, a rule that errs, a rule whose
//     explanation disagrees with its evaluation: denied (C82);
//   - an empty All or Any, an empty signer list, an identity without SAN
//     or issuer, a threshold of zero: New fails with ErrInvalidPolicy,
//     since an empty constraint is never a wildcard (C83);
//   - identity expressions are RE2, anchored, and length-capped (C87);
//   - freshness reads the verified signing time (transparency log,
//     timestamp authority, or a time the caller vouched for), never a
//     predicate's own dates; the decision time is the caller's, and an
//     expired policy or rule denies (C90).
//
// All reports every failing rule, not only the first. Decide does not
// build the explanation when the policy allows without warnings, so the
// pass path does not allocate; Explain always builds it.
//
// # Rendering
//
// A Decision's JSON encoding (encoding/json) is stable; Text renders it
// for a person; Reasons lists the failing rules one line each.
//
// SARIF renders it as a SARIF 2.1.0 log for code-scanning tools: one
// run, the named rules as the driver's rules (message as description,
// remediation as help), and one result per reason, of level "error" for
// an enforced rule and "warning" for an advisory one; an allow without
// warnings has no results, a denial always has some.
//
//	log, err := d.SARIF(policy.ToolInfo{Name: "release-gate", Version: "1.4.0"})
//
// VSA renders it as a SLSA Verification Summary Attestation v1 about the
// artifact, for the verifier to sign: PASSED or FAILED, the decision
// time, one input attestation per verified envelope or bundle, and the
// verifier, resource, policy and SLSA levels the caller states (no rule
// can infer which levels a policy establishes).
//
//	st, err := d.VSA(policy.VSAOptions{
//		VerifierID:     "https://example.com/release-gate",
//		ResourceURI:    "pkg:generic/app@1.0",
//		PolicyURI:      "https://example.com/policies/release",
//		VerifiedLevels: []string{"SLSA_BUILD_LEVEL_3"},
//	})
//	env, err := sign.Statement(ctx, st, verifierKey)
//
// Both are deterministic: the same decision gives the same bytes.
package policy
