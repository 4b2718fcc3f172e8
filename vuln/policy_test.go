package vuln_test

import (
	"errors"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/policytest"
	"github.com/chainmail-dev/chainmail/sbom"
	"github.com/chainmail-dev/chainmail/vuln"
)

// TestPredicateGatesInPolicy: a scan's vulns predicate, signed and
// verified, is evidence policy.NoVulnsAtOrAbove decides on: a finding
// without a computed score denies at every level (fail closed), and a
// scan with no finding allows.
func TestPredicateGatesInPolicy(t *testing.T) {
	db, err := vuln.Open("testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	f := policytest.New(t, 1)
	decide := func(purl string) (policy.Decision, error) {
		rep, err := db.ScanSBOM(&sbom.Document{Components: []*sbom.Component{{ID: "m", PURL: purl}}}, vuln.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := rep.Predicate(vuln.PredicateOptions{ScannerVersion: "test", StartedOn: now, FinishedOn: now})
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		res := f.Result(t, f.Statement(t, attest.PredicateVulns, p), now, 0)
		pol, err := policy.New("no critical vulns", policy.NoVulnsAtOrAbove(policy.LevelCritical))
		if err != nil {
			t.Fatal(err)
		}
		return pol.Decide(f.Evidence(t, res), now)
	}
	d, err := decide("pkg:golang/golang.org/x/net@v0.61.0") // two findings the Go database gives no score
	if d.Allowed || !errors.Is(err, policy.ErrVulnerable) {
		t.Errorf("vulnerable: allowed %v, %v", d.Allowed, err)
	}
	d, err = decide("pkg:golang/golang.org/x/net@v0.62.0")
	if !d.Allowed || err != nil {
		t.Errorf("fixed: allowed %v, %v", d.Allowed, err)
	}
}
