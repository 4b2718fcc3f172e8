package policy_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
)

// release signs predicates about an artifact (named name) with a fresh key and
// verifies them, as a release pipeline and its gate would: the results
// are what evidence is made of.
func release(name string, artifact []byte, preds ...attest.Predicate) (digest.Set, *verify.PublicKey, []*verify.Result) {
	ctx := context.Background()
	key, _ := sign.GenerateKey(sign.ECDSAP256)
	signer, _ := sign.NewSigner(key)
	pub, _ := verify.NewPublicKey(key.Public())
	trust, _ := verify.NewTrust(verify.WithKeys(pub))
	d, _ := digest.FromBytes(artifact, digest.SHA256)
	var results []*verify.Result
	for _, p := range preds {
		st, _ := attest.NewPredicateStatement(p, attest.Subject(name, d))
		env, _ := sign.Statement(ctx, st, signer)
		res, err := verify.Verify(ctx, verify.FromEnvelope(env), trust, verify.WithArtifactDigest(d), verify.TrustedKeys())
		if err != nil {
			panic(err)
		}
		results = append(results, res)
	}
	return digest.NewSet(d), pub, results
}

// A typed policy: SLSA provenance from the right repository at a release
// tag, passing tests, signed by the release key.
func ExampleNew() {
	prov := &attest.ProvenanceV1{
		BuildDefinition: attest.BuildDefinition{
			BuildType: "https://actions.github.io/buildtypes/workflow/v1",
			ExternalParameters: map[string]any{"workflow": map[string]any{
				"repository": "https://github.com/org/app", "ref": "refs/tags/v1.4.0", "path": ".github/workflows/release.yml"}},
		},
		RunDetails: attest.RunDetails{Builder: attest.Builder{ID: "https://github.com/org/app/.github/workflows/release.yml@refs/tags/v1.4.0"}},
	}
	tests := &attest.TestResult{Result: "PASSED", PassedTests: []string{"TestApp"}}
	artifact, releaseKey, results := release("app.tar.gz", []byte("app 1.4.0"), prov, tests)

	ev, err := policy.NewEvidence(artifact, results)
	if err != nil {
		panic(err)
	}
	p, err := policy.New("release", policy.All(
		policy.Named("provenance", "built from org/app at a release tag", slsa.Require(
			slsa.SourceRepo("github.com/org/app"),
			slsa.SemverTag(),
		)),
		policy.Named("tests", "all tests passed",
			policy.Require(attest.PredicateTestResult, policy.Predicate(policy.TestsPassed()))),
		policy.Named("signer", "signed by the release key",
			policy.Require(attest.PredicateSLSAProvenanceV1, policy.SignedBy(policy.KeyOf(releaseKey)))),
	), policy.WithVersion("1"))
	if err != nil {
		panic(err)
	}
	d, err := p.Decide(ev, time.Now())
	fmt.Println("allowed:", d.Allowed, err)

	// The same policy on evidence without the test result: denied, with
	// the reason.
	ev, _ = policy.NewEvidence(artifact, results[:1])
	d, err = p.Decide(ev, time.Now())
	fmt.Println("allowed:", d.Allowed, errors.Is(err, policy.ErrNoEvidence))
	for _, r := range d.Reasons() {
		fmt.Println(r)
	}
	// Output:
	// allowed: true <nil>
	// allowed: false true
	// tests: predicateType is "https://slsa.dev/provenance/v1", want "https://in-toto.io/attestation/test-result/v0.1" (no matching evidence)
}

// A rule across two attestations: no high or critical vulnerability in
// the scan, unless a verified VEX statement for the product says it is
// not affected.
func ExampleNoVulnsAtOrAbove() {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	scan := &attest.Vulns{Scanner: attest.VulnScanner{URI: "pkg:github/anchore/grype", Result: []attest.VulnResult{
		{ID: "CVE-2026-1234", Severity: []attest.VulnSeverity{{Method: "cvss_v3", Score: "9.8"}}},
		{ID: "CVE-2026-0042", Severity: []attest.VulnSeverity{{Method: "cvss_v3", Score: "3.1"}}},
	}}}
	vex := &attest.OpenVEX{
		Context: "https://openvex.dev/ns/v0.2.0", ID: "https://example.com/vex/1", Author: "security@example.com",
		Timestamp: &now, Version: 1,
		Statements: []attest.VEXStatement{{
			Vulnerability: attest.VEXVulnerability{Name: "CVE-2026-1234"},
			Products:      []attest.VEXProduct{{ID: "pkg:oci/app"}},
			Status:        attest.VEXNotAffected, Justification: "vulnerable_code_not_in_execute_path",
		}},
	}
	rule := policy.NoVulnsAtOrAbove(policy.LevelHigh, policy.AfterVEX(), policy.ForProducts("pkg:oci/app"))
	p, _ := policy.New("vulns", rule)

	artifact, _, results := release("app.tar.gz", []byte("app"), scan, vex)
	ev, _ := policy.NewEvidence(artifact, results)
	d, err := p.Decide(ev, now)
	fmt.Println("scan and VEX:", d.Allowed, err)

	ev, _ = policy.NewEvidence(artifact, results[:1])
	d, err = p.Decide(ev, now)
	fmt.Println("scan alone:", d.Allowed, errors.Is(err, policy.ErrVulnerable))
	fmt.Println(d.Reasons()[0])
	// Output:
	// scan and VEX: true <nil>
	// scan alone: false true
	// predicate.scanner.result is CVE-2026-1234 (critical), want no finding at or above high, after VEX
}
