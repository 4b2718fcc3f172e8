package policy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/slsa"
)

var testTool = policy.ToolInfo{Name: "chainmail-test", Version: "1.2.3", InformationURI: "https://example.com/chainmail"}

const releaseBuilder = "https://builder.example/release"

// renderRule is the policy of the rendering tests: named enforced rules
// with and without remediation, an unnamed leaf, a rule that errs, and
// an advisory rule.
func renderRule() policy.Rule[policy.Evidence] {
	return policy.All(
		policy.Named("builder", "built by the release builder",
			slsa.Require(slsa.BuilderID(releaseBuilder))).Remediate("build with the release workflow"),
		policy.Named("tests", "the tests passed",
			policy.Require(attest.PredicateTestResult, policy.Predicate(policy.TestsPassed()))),
		policy.Require(attest.PredicateTestResult, policy.SubjectName("app-1.0.tar.gz")),
		policy.Named("fresh", "signed in the last 30 days",
			policy.Require(attest.PredicateSLSAProvenanceV1, policy.FreshWithin(30*24*time.Hour))).Warn(),
	)
}

// renderEvidence is evidence of a provenance by builder signed at
// signedAt, and a test result of result.
func renderEvidence(t *testing.T, builder, result string, signedAt time.Time) *policy.Evidence {
	t.Helper()
	f := newFixture(t, 1)
	prov := f.Result(t, f.Statement(t, attest.PredicateSLSAProvenanceV1, provenance(builder, repo, "refs/tags/v1.0")), signedAt, 0)
	var failed []string
	if result == "FAILED" {
		failed = []string{"TestB"}
	}
	tests := f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult(result, failed...)), signedAt, 0)
	return f.Evidence(t, prov, tests)
}

// renderCases are an allow and a denial of renderRule.
func renderCases(t *testing.T) (allow, deny policy.Decision) {
	t.Helper()
	p, err := policy.New("release", renderRule(), policy.WithVersion("3"))
	if err != nil {
		t.Fatal(err)
	}
	allow, err = p.Explain(renderEvidence(t, releaseBuilder, "PASSED", t0.Add(-24*time.Hour)), t0)
	if err != nil || !allow.Allowed || allow.Warnings {
		t.Fatalf("allow: allowed=%v warnings=%v err=%v", allow.Allowed, allow.Warnings, err)
	}
	p, err = policy.New("release", policy.All(renderRule(),
		policy.Require(attest.PredicateTestResult, policy.SubjectName("other.tar.gz")),
		policy.Named("custom", "a custom check", E)), policy.WithVersion("3"))
	if err != nil {
		t.Fatal(err)
	}
	deny, err = p.Decide(renderEvidence(t, "https://builder.example/other", "FAILED", t0.Add(-40*24*time.Hour)), t0)
	if !errors.Is(err, policy.ErrDenied) || !deny.Warnings {
		t.Fatalf("deny: allowed=%v warnings=%v err=%v", deny.Allowed, deny.Warnings, err)
	}
	return allow, deny
}

// stableInputs replaces the evidence's input digests in b, whole and
// shortened, with placeholders: the test keys, and so the envelopes,
// are new in every run.
func stableInputs(b []byte, ev *policy.Evidence) []byte {
	for i, in := range ev.Inputs() {
		s := in.String()
		b = bytes.ReplaceAll(b, []byte(s), fmt.Appendf(nil, "sha256:input-%d", i))
		b = bytes.ReplaceAll(b, []byte(s[:19]), fmt.Appendf(nil, "sha256:input-%d", i))
	}
	return b
}

// sarifLog is the part of a SARIF 2.1.0 log the tests read, with the
// fields the schema requires.
type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string `json:"id"`
					ShortDescription *struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					Help *struct {
						Text string `json:"text"`
					} `json:"help"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Properties map[string]string `json:"properties"`
		} `json:"results"`
		Properties struct {
			Policy  string `json:"policy"`
			Allowed bool   `json:"allowed"`
		} `json:"properties"`
	} `json:"runs"`
}

// checkSARIF renders d twice (the bytes must agree), decodes the log and
// checks what SARIF 2.1.0 requires and what the decision says: one
// result per reason, at its level, on a rule the driver lists.
func checkSARIF(t *testing.T, d *policy.Decision) (*sarifLog, []byte) {
	t.Helper()
	b, err := d.SARIF(testTool)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := d.SARIF(testTool); !bytes.Equal(b, again) {
		t.Error("two renderings differ")
	}
	var log sarifLog
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-schema-2.1.0.json") {
		t.Errorf("version %q, $schema %q", log.Version, log.Schema)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	drv := run.Tool.Driver
	if drv.Name != testTool.Name || drv.Version != testTool.Version || drv.InformationURI != testTool.InformationURI {
		t.Errorf("driver %+v, want %+v", drv, testTool)
	}
	if run.Results == nil {
		t.Error("results is null, want an array")
	}
	if run.Properties.Policy != d.Policy || run.Properties.Allowed != d.Allowed {
		t.Errorf("run properties %+v", run.Properties)
	}
	ids := map[string]bool{}
	for _, r := range drv.Rules {
		if r.ID == "" || ids[r.ID] {
			t.Errorf("rule id %q empty or listed twice", r.ID)
		}
		ids[r.ID] = true
	}
	var errs []string
	for _, r := range run.Results {
		if r.Message.Text == "" {
			t.Errorf("result %+v has no message", r)
		}
		if r.RuleIndex < 0 || r.RuleIndex >= len(drv.Rules) || drv.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result on %q has rule index %d", r.RuleID, r.RuleIndex)
		}
		switch r.Level {
		case "error":
			errs = append(errs, r.Message.Text)
		case "warning":
		default:
			t.Errorf("result on %q has level %q", r.RuleID, r.Level)
		}
	}
	if reasons := d.Reasons(); !d.Allowed && len(reasons) > 0 && strings.Join(errs, "\n") != strings.Join(reasons, "\n") {
		t.Errorf("error results:\n%s\nwant the reasons:\n%s", strings.Join(errs, "\n"), strings.Join(reasons, "\n"))
	}
	if d.Allowed != (len(errs) == 0) {
		t.Errorf("allowed = %v with %d error results", d.Allowed, len(errs))
	}
	return &log, b
}

// TestSARIFGolden renders an allow and a denial of the test fixture and
// compares them with testdata/sarif-*.json (go test -update rewrites
// them).
func TestSARIFGolden(t *testing.T) {
	allow, deny := renderCases(t)
	for name, d := range map[string]*policy.Decision{"allow": &allow, "deny": &deny} {
		t.Run(name, func(t *testing.T) {
			_, b := checkSARIF(t, d)
			golden(t, filepath.Join("testdata", "sarif-"+name+".json"), stableInputs(b, d.Evidence()))
		})
	}

	log, _ := checkSARIF(t, &allow)
	if n := len(log.Runs[0].Results); n != 0 {
		t.Errorf("allow: %d results, want 0", n)
	}
	// The named rules of the explanation are the driver's rules.
	var ids []string
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, ","); got != "builder,tests,fresh" {
		t.Errorf("allow: rules %s", got)
	}

	log, _ = checkSARIF(t, &deny)
	run := log.Runs[0]
	type want struct{ rule, level, path string }
	var got []want
	for _, r := range run.Results {
		got = append(got, want{r.RuleID, r.Level, r.Properties["path"]})
		if r.Properties["attestation"] == "" && r.RuleID != "custom" {
			t.Errorf("result on %s names no attestation", r.RuleID)
		}
	}
	wants := []want{
		{"builder", "error", "predicate.runDetails.builder.id"},
		{"tests", "error", "predicate.result"},
		{"fresh", "warning", "times"},
		{"subject-name", "error", "subject.name"},
		{"custom", "error", ""},
	}
	if fmt.Sprint(got) != fmt.Sprint(wants) {
		t.Errorf("results\n%v\nwant\n%v", got, wants)
	}
	rules := map[string]int{}
	for i, r := range run.Tool.Driver.Rules {
		rules[r.ID] = i
	}
	if r := run.Tool.Driver.Rules[rules["builder"]]; r.ShortDescription == nil || r.ShortDescription.Text != "built by the release builder" ||
		r.Help == nil || r.Help.Text != "build with the release workflow" {
		t.Errorf("builder rule %+v", r)
	}
	if b := run.Results[0].Properties; b["got"] != `"https://builder.example/other"` || !strings.HasPrefix(b["want"], `"`+releaseBuilder+`"`) {
		t.Errorf("builder result properties %v", b)
	}
}

// TestSARIFAllow: a plain allow (not explained) and an allow with
// warnings have no error results; the warnings are results of level
// warning.
func TestSARIFAllow(t *testing.T) {
	p, err := policy.New("release", renderRule())
	if err != nil {
		t.Fatal(err)
	}
	plain, err := p.Decide(renderEvidence(t, releaseBuilder, "PASSED", t0.Add(-time.Hour)), t0)
	if err != nil || plain.Explained {
		t.Fatalf("plain allow: explained=%v err=%v", plain.Explained, err)
	}
	if r := plain.Reasons(); len(r) != 0 {
		t.Errorf("plain allow: reasons %q", r)
	}
	log, b := checkSARIF(t, &plain)
	if run := log.Runs[0]; len(run.Results) != 0 || len(run.Tool.Driver.Rules) != 0 || !bytes.Contains(b, []byte(`"results": []`)) {
		t.Errorf("plain allow:\n%s", b)
	}

	warned, err := p.Decide(renderEvidence(t, releaseBuilder, "PASSED", t0.Add(-40*24*time.Hour)), t0)
	if err != nil || !warned.Warnings {
		t.Fatalf("allow with warnings: warnings=%v err=%v", warned.Warnings, err)
	}
	log, _ = checkSARIF(t, &warned)
	if res := log.Runs[0].Results; len(res) != 1 || res[0].RuleID != "fresh" || res[0].Level != "warning" ||
		!strings.HasPrefix(res[0].Message.Text, "fresh: ") {
		t.Errorf("allow with warnings: results %+v", res)
	}

	// An advisory rule under a rule that passes without it, and one in
	// a denial's enforced branch: both are warnings, and neither hides
	// nor becomes an enforced reason.
	f := newFixture(t, 1)
	ev := f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult("PASSED")), time.Time{}, 0))
	d, err := decide(t, policy.All(
		policy.Any(P, policy.Named("nested", "advice", F).Warn()),
		policy.Named("outer", "enforced", policy.All(F, policy.Named("inner", "advice", F).Warn())),
	), ev)
	if !errors.Is(err, policy.ErrDenied) {
		t.Fatal(err)
	}
	log, _ = checkSARIF(t, &d)
	var got []string
	for _, r := range log.Runs[0].Results {
		got = append(got, r.Level+" "+r.RuleID)
	}
	if s := strings.Join(got, ", "); s != "warning nested, error outer, warning inner" {
		t.Errorf("results: %s", s)
	}
}

// TestSARIFDenialHasResults: a denial without an enforced reason (a rule
// whose explanation disagrees with its evaluation) still has an error
// result.
func TestSARIFDenialHasResults(t *testing.T) {
	f := newFixture(t, 1)
	ev := f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateTestResult, testResult("PASSED")), time.Time{}, 0))
	flip := false
	liar := policy.Func("liar", "", func(*policy.Context, *policy.Evidence) (bool, error) { flip = !flip; return !flip, nil })
	d, err := decide(t, liar, ev)
	if err == nil || len(d.Reasons()) != 0 {
		t.Fatalf("err = %v, reasons %q", err, d.Reasons())
	}
	log, _ := checkSARIF(t, &d)
	if res := log.Runs[0].Results; len(res) != 1 || res[0].Level != "error" || res[0].RuleID != "liar" {
		t.Errorf("results %+v", res)
	}
}

func TestSARIFNeedsToolName(t *testing.T) {
	allow, _ := renderCases(t)
	if _, err := allow.SARIF(policy.ToolInfo{Version: "1"}); !errors.Is(err, policy.ErrRender) {
		t.Errorf("no tool name: %v", err)
	}
}
