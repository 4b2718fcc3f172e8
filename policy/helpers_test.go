package policy_test

import (
	"testing"

	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/policytest"
)

var (
	t0         = policytest.T0
	newFixture = policytest.New
	sum        = policytest.Sum
	provenance = policytest.Provenance
	testResult = policytest.TestResult
)

// decide builds a policy of rule and decides ev at t0.
func decide(t testing.TB, rule policy.Rule[policy.Evidence], ev *policy.Evidence, opts ...policy.Option) (policy.Decision, error) {
	t.Helper()
	p, err := policy.New("test", rule, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p.Decide(ev, t0)
}
