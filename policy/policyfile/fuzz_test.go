package policyfile_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/policyfile"
	"github.com/chainmail-dev/chainmail/policy/policytest"
)

// FuzzParse: any bytes load into a policy or fail with a load error,
// never panic; a policy that loads decides without panicking.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/release.yaml", "testdata/release.json"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("apiVersion: chainmail.dev/policy/v1\nname: p\nrule: {not: {artifactIn: [sha256:" + strings.Repeat("0", 64) + "]}}\n"))
	ev := evidence(f, goBuilder, "refs/tags/v1.2.3", "PASSED", time.Hour)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := policyfile.Parse(data, policyfile.Options{})
		if err != nil {
			if !errors.Is(err, policy.ErrInvalidPolicy) && !errors.Is(err, policyfile.ErrReplay) {
				t.Fatalf("error %v matches neither ErrInvalidPolicy nor ErrReplay", err)
			}
			return
		}
		d, err := file.Policy.Decide(ev, policytest.T0)
		if d.Allowed != (err == nil) {
			t.Fatalf("allowed=%v with err=%v", d.Allowed, err)
		}
	})
}

// FuzzCEL: any expression compiles or fails to load; one that loads
// evaluates within its budget or errs, never panics, never allows on an
// error.
func FuzzCEL(f *testing.F) {
	for _, e := range []string{
		`predicate.runDetails.builder.id.startsWith("https://")`,
		`signers.exists(s, s.kind == "key")`,
		`[1,2,3].all(a, [1,2,3].all(b, a + b > 0))`,
		`times.exists(t, now - t.time < duration("1h"))`,
		`predicate.buildDefinition.externalParameters.workflow.ref.matches("^refs/tags/")`,
	} {
		f.Add(e)
	}
	ev := evidence(f, goBuilder, "refs/tags/v1.2.3", "PASSED", time.Hour)
	f.Fuzz(func(t *testing.T, expr string) {
		file := "apiVersion: chainmail.dev/policy/v1\nname: p\nrule:\n  slsa:\n    - cel: '" + strings.ReplaceAll(expr, "'", "''") + "'\n"
		pf, err := policyfile.Parse([]byte(file), policyfile.Options{CELCostLimit: 10000})
		if err != nil {
			return
		}
		d, err := pf.Policy.Decide(ev, policytest.T0)
		if d.Allowed != (err == nil) || (d.Outcome == policy.Error && d.Allowed) {
			t.Fatalf("allowed=%v outcome=%v err=%v", d.Allowed, d.Outcome, err)
		}
	})
}
