package policy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/verify"
)

func scan(findings ...[2]string) map[string]any {
	res := []any{}
	for _, f := range findings {
		res = append(res, map[string]any{"id": f[0], "severity": []any{map[string]any{"method": "cvss_v3", "score": f[1]}}})
	}
	return map[string]any{"scanner": map[string]any{"uri": "pkg:github/anchore/grype@0.80.0", "result": res}}
}

// vex is an OpenVEX document with one statement on vuln for product,
// issued at ts.
func vex(vuln, product, status string, ts time.Time) map[string]any {
	st := map[string]any{
		"vulnerability": map[string]any{"name": vuln},
		"products":      []any{map[string]any{"@id": product}},
		"status":        status,
	}
	switch status {
	case attest.VEXNotAffected:
		st["justification"] = "vulnerable_code_not_in_execute_path"
	case attest.VEXAffected:
		st["action_statement"] = "upgrade"
	}
	return map[string]any{
		"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "security@example.com",
		"timestamp": ts.Format(time.RFC3339), "version": 1, "statements": []any{st},
	}
}

// TestVulnsAfterVEX: a rule across two attestations, and C100.
func TestVulnsAfterVEX(t *testing.T) {
	f := newFixture(t, 2) // key 0 signs scans and trusted VEX; key 1 is another supplier
	const product = "pkg:oci/app"
	scanRes := f.Result(t, f.Statement(t, attest.PredicateVulns, scan([2]string{"CVE-2026-0001", "9.8"}, [2]string{"CVE-2026-0002", "3.1"})), time.Time{}, 0)
	cleanScan := f.Result(t, f.Statement(t, attest.PredicateVulns, scan([2]string{"CVE-2026-0002", "LOW"})), time.Time{}, 0)
	unknown := f.Result(t, f.Statement(t, attest.PredicateVulns, scan([2]string{"CVE-2026-0003", "CVSS:3.1/AV:N/AC:L"})), time.Time{}, 0)
	vexOf := func(key int, vuln, prod, status string, ts time.Time) *verify.Result {
		return f.Result(t, f.Statement(t, attest.PredicateOpenVEX, vex(vuln, prod, status, ts)), time.Time{}, key)
	}
	notAffected := vexOf(0, "CVE-2026-0001", product, attest.VEXNotAffected, t0)
	otherProduct := vexOf(0, "CVE-2026-0001", "pkg:oci/app-evil", attest.VEXNotAffected, t0)
	laterAffected := vexOf(0, "CVE-2026-0001", product, attest.VEXAffected, t0.Add(time.Hour))
	otherSupplier := vexOf(1, "CVE-2026-0001", product, attest.VEXNotAffected, t0)

	high := func(opts ...policy.VulnOption) policy.Rule[policy.Evidence] {
		return policy.NoVulnsAtOrAbove(policy.LevelHigh, opts...)
	}
	trusted := policy.AfterVEXFrom(policy.KeyOf(f.Pubs[0]))
	for _, tc := range []struct {
		name    string
		rule    policy.Rule[policy.Evidence]
		results []*verify.Result
		ok      bool
		kind    error
	}{
		{"critical finding", high(), []*verify.Result{scanRes}, false, policy.ErrVulnerable},
		{"only low findings", high(), []*verify.Result{cleanScan}, true, nil},
		{"low findings at low", policy.NoVulnsAtOrAbove(policy.LevelLow), []*verify.Result{cleanScan}, false, policy.ErrVulnerable},
		{"unreadable severity counts", high(), []*verify.Result{unknown}, false, policy.ErrVulnerable},
		{"no scan", high(), []*verify.Result{notAffected}, false, policy.ErrNoEvidence},
		{"VEX ignored without AfterVEX", high(), []*verify.Result{scanRes, notAffected}, false, policy.ErrVulnerable},
		{"VEX waives", high(policy.AfterVEX(), policy.ForProducts(product)), []*verify.Result{scanRes, notAffected}, true, nil},
		{"VEX in any order", high(policy.AfterVEX(), policy.ForProducts(product)), []*verify.Result{notAffected, scanRes}, true, nil},
		{"C100 another product", high(policy.AfterVEX(), policy.ForProducts(product)), []*verify.Result{scanRes, otherProduct}, false, policy.ErrVulnerable},
		{"C100 no product named", high(policy.AfterVEX()), []*verify.Result{scanRes, notAffected}, false, policy.ErrVulnerable},
		{"later affected wins", high(policy.AfterVEX(), policy.ForProducts(product)), []*verify.Result{scanRes, laterAffected, notAffected}, false, policy.ErrVulnerable},
		{"C100 untrusted supplier", high(trusted, policy.ForProducts(product)), []*verify.Result{scanRes, otherSupplier}, false, policy.ErrVulnerable},
		{"trusted supplier", high(trusted, policy.ForProducts(product)), []*verify.Result{scanRes, notAffected}, true, nil},
		{"every scan counts", high(policy.AfterVEX(), policy.ForProducts(product)), []*verify.Result{cleanScan, unknown}, false, policy.ErrVulnerable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decide(t, tc.rule, f.Evidence(t, tc.results...))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Errorf("%v does not match %v", err, tc.kind)
			}
			if errors.Is(err, policy.ErrVulnerable) && !strings.Contains(err.Error(), "CVE-2026-000") {
				t.Errorf("the error does not name the vulnerability: %v", err)
			}
		})
	}
	// Unsigned VEX cannot even enter the evidence: see
	// TestAdversarial_C77_C79_C89_OnlyVerifiedEvidence.
	for _, bad := range []policy.Rule[policy.Evidence]{
		policy.NoVulnsAtOrAbove(policy.LevelNone), high(policy.AfterVEXFrom()), high(policy.ForProducts("")),
	} {
		if _, err := policy.New("p", bad); !errors.Is(err, policy.ErrInvalidPolicy) {
			t.Errorf("invalid vulns rule accepted: %v", err)
		}
	}
}
