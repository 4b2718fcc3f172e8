package policyfile_test

import (
	"os"
	"testing"

	"github.com/chainmail-dev/chainmail/policy/policyfile"
)

// TestDogfoodPolicyLoads: the policy CI gates the project's own binaries
// with (.ci/policy/dogfood.yaml) loads, so a typo fails here and not in
// the end-to-end run.
func TestDogfoodPolicyLoads(t *testing.T) {
	data, err := os.ReadFile("../../.ci/policy/dogfood.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := policyfile.Parse(data, policyfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "chainmail-dogfood" {
		t.Errorf("name %q", f.Name)
	}
}
