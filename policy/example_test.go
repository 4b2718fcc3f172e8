package policy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/sign"
)

// exampleDecision signs a test result (result "PASSED" or "FAILED")
// about an artifact with a new key, verifies it against the artifact,
// and decides the release policy on the evidence.
func exampleDecision(ctx context.Context, result string) policy.Decision {
	artifact, _, results := release("app-1.0.tar.gz", []byte("app-1.0.tar.gz contents"),
		&attest.TestResult{Result: result, PassedTests: []string{"TestA"}})
	ev, err := policy.NewEvidence(artifact, results)
	if err != nil {
		log.Fatal(err)
	}

	p, err := policy.New("release", policy.Named("tests", "the tests passed",
		policy.Require(attest.PredicateTestResult, policy.Predicate(policy.TestsPassed()))).
		Remediate("fix the failing tests"))
	if err != nil {
		log.Fatal(err)
	}
	d, _ := p.Decide(ev, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	return d
}

func ExampleDecision_SARIF() {
	d := exampleDecision(context.Background(), "FAILED")
	out, err := d.SARIF(policy.ToolInfo{Name: "release-gate", Version: "1.0.0"})
	if err != nil {
		log.Fatal(err)
	}

	// Read back the verdict of each result.
	var sarif struct {
		Version string
		Runs    []struct {
			Results []struct{ RuleID, Level string }
		}
	}
	if err := json.Unmarshal(out, &sarif); err != nil {
		log.Fatal(err)
	}
	fmt.Println("SARIF", sarif.Version)
	for _, r := range sarif.Runs[0].Results {
		fmt.Println(r.Level, r.RuleID)
	}
	// Output:
	// SARIF 2.1.0
	// error tests
}

func ExampleDecision_VSA() {
	ctx := context.Background()
	d := exampleDecision(ctx, "PASSED")
	policyFile, err := digest.FromBytes([]byte("the policy's source"), digest.SHA256)
	if err != nil {
		log.Fatal(err)
	}
	st, err := d.VSA(policy.VSAOptions{
		VerifierID:     "https://verifier.example/release-gate",
		ResourceURI:    "pkg:generic/app@1.0",
		PolicyURI:      "https://example.com/policies/release",
		PolicyDigest:   digest.NewSet(policyFile),
		VerifiedLevels: []string{"SLSA_BUILD_LEVEL_2"},
	})
	if err != nil {
		log.Fatal(err)
	}

	// The verifier signs the VSA with its own key.
	key, err := sign.GenerateKey(sign.ECDSAP256)
	if err != nil {
		log.Fatal(err)
	}
	verifierKey, err := sign.NewSigner(key)
	if err != nil {
		log.Fatal(err)
	}
	env, err := sign.Statement(ctx, st, verifierKey)
	if err != nil {
		log.Fatal(err)
	}

	vsa, err := attest.PredicateAs[attest.VSA](st)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(env.PayloadType)
	fmt.Println(st.PredicateType)
	fmt.Println("subject:", st.Subject[0].Name)
	fmt.Println("verified at:", vsa.TimeVerified.Format(time.RFC3339))
	fmt.Println(vsa.VerificationResult, vsa.VerifiedLevels)
	fmt.Println("input attestations:", len(vsa.InputAttestations))
	// Output:
	// application/vnd.in-toto+json
	// https://slsa.dev/verification_summary/v1
	// subject: app-1.0.tar.gz
	// verified at: 2026-06-01T12:00:00Z
	// PASSED [SLSA_BUILD_LEVEL_2]
	// input attestations: 1
}
