package policyfile_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/policyfile"
	"github.com/chainmail-dev/chainmail/policy/policytest"
)

const goBuilder = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml"

func load(t testing.TB, path string) *policyfile.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := policyfile.Parse(data, policyfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// evidence is a provenance attestation by builder at ref and a test
// result, signed now-age.
func evidence(t testing.TB, builder, ref, tests string, age time.Duration) *policy.Evidence {
	f := policytest.New(t, 1)
	signed := policytest.T0.Add(-age)
	return f.Evidence(t,
		f.Result(t, f.Statement(t, attest.PredicateSLSAProvenanceV1, policytest.Provenance(builder, "https://github.com/org/repo", ref)), signed, 0),
		f.Result(t, f.Statement(t, attest.PredicateTestResult, policytest.TestResult(tests)), signed, 0))
}

// TestYAMLAndJSONDecideAlike: the YAML and JSON forms of one policy load
// into the same rules, and decide as the Go rules would.
func TestYAMLAndJSONDecideAlike(t *testing.T) {
	for _, path := range []string{"testdata/release.yaml", "testdata/release.json"} {
		f := load(t, path)
		if f.Name != "release" || f.Version != 7 || f.Policy.Version() != "7" || f.Digest.IsZero() {
			t.Errorf("%s: loaded %+v", path, f)
		}
		for _, tc := range []struct {
			name           string
			ev             *policy.Evidence
			allow, warning bool
			kind           error
		}{
			{"allow", evidence(t, goBuilder+"@refs/tags/v2.1.0", "refs/tags/v1.2.3", "PASSED", time.Hour), true, false, nil},
			{"allow, stale: warning", evidence(t, goBuilder+"@refs/tags/v2.1.0", "refs/tags/v1.2.3", "PASSED", 40*24*time.Hour), true, true, nil},
			{"branch build", evidence(t, goBuilder+"@refs/tags/v2.1.0", "refs/heads/main", "PASSED", time.Hour), false, false, policy.ErrSource},
			{"other builder", evidence(t, goBuilder+".evil", "refs/tags/v1.2.3", "PASSED", time.Hour), false, false, policy.ErrBuilder},
			{"tests failed", evidence(t, goBuilder, "refs/tags/v1.2.3", "FAILED", time.Hour), false, false, policy.ErrTests},
		} {
			d, err := f.Policy.Decide(tc.ev, policytest.T0)
			if d.Allowed != tc.allow || d.Warnings != tc.warning {
				t.Errorf("%s, %s: allowed=%v warnings=%v err=%v", path, tc.name, d.Allowed, d.Warnings, err)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Errorf("%s, %s: %v does not match %v", path, tc.name, err, tc.kind)
			}
		}
	}
}

// TestLoadErrors: every mistake is a load error with its line, never a
// rule that passes.
func TestLoadErrors(t *testing.T) {
	head := "apiVersion: chainmail.dev/policy/v1\nname: p\n"
	for _, tc := range []struct {
		name, file, want string
		line             int
	}{
		{"unknown top field", head + "rules:\n  all: []\n", `unknown field "rules"`, 3},
		{"no rule", head, `missing field "rule"`, 1},
		{"wrong apiVersion", "apiVersion: v2\nname: p\nrule: {artifactIn: [sha256:00]}\n", `apiVersion "v2"`, 1},
		{"unknown rule", head + "rule:\n  allOf: []\n", `unknown rule "allOf"`, 4},
		{"typo in an attestation rule", head + "rule:\n  slsa:\n    - builderID: x\n", `unknown rule "builderID"`, 5},
		{"empty all", head + "rule:\n  all: []\n", "empty list", 4},
		{"empty signers", head + "rule:\n  require:\n    predicateType: t\n    rule:\n      signedBy: []\n", "empty list", 7},
		{"empty identity", head + "rule:\n  require:\n    predicateType: t\n    rule:\n      signedBy:\n        - identity: {}\n", "SAN", 8},
		{"issuer empty string", head + "rule:\n  require:\n    predicateType: t\n    rule:\n      signedBy:\n        - identity: {san: a@b.c, issuer: \"\"}\n", "empty string", 8},
		{"wrong type", head + "rule:\n  atLeast:\n    n: two\n    rules: [{artifactIn: [sha256:00]}]\n", "want an integer", 5},
		{"two rules in one node", head + "rule:\n  all: [{artifactIn: [x]}]\n  any: [{artifactIn: [x]}]\n", "one key", 4},
		{"duplicate key", head + "name: q\nrule: {artifactIn: [x]}\n", `field "name" given twice`, 3},
		{"alias", head + "rule: &r {artifactIn: [x]}\nx: *r\n", "anchors and aliases", 0},
		{"bad digest", head + "rule: {artifactIn: [sha256:00]}\n", "artifactIn[0]", 3},
		{"at least 3 of 1", head + "rule:\n  atLeast: {n: 3, rules: [{artifactIn: [sha256:" + strings.Repeat("0", 64) + "]}]}\n", "at least 3 of 1", 4},
		{"false flag", head + "rule:\n  slsa:\n    - semverTag: false\n", "leave the rule out", 5},
		{"bad severity", head + "rule:\n  named: {id: a, message: m, severity: soft, rule: {artifactIn: [sha256:" + strings.Repeat("0", 64) + "]}}\n", `severity "soft"`, 4},
		{"CEL typo", head + "rule:\n  slsa:\n    - cel: predicate.runDetail.builder.id == 'x'\n", "undefined field 'runDetail'", 5},
		{"CEL not bool", head + "rule:\n  slsa:\n    - cel: predicate.runDetails.builder.id\n", "want bool", 5},
		{"CEL syntax", head + "rule:\n  slsa:\n    - cel: 'predicate.('\n", "CEL", 5},
		{"bad duration", head + "rule:\n  require: {predicateType: t, rule: {freshWithin: 30 days}}\n", "duration", 4},
		{"two documents", head + "rule: {artifactIn: [x]}\n---\na: b\n", "more than one document", 0},
		{"a list", "- a\n", "want a mapping", 1},
		{"empty", "", "empty policy file", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := policyfile.Parse([]byte(tc.file), policyfile.Options{})
			if !errors.Is(err, policy.ErrInvalidPolicy) {
				t.Fatalf("err = %v, want ErrInvalidPolicy", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to say %q", err, tc.want)
			}
			var fe *policyfile.Error
			if tc.line > 0 && (!errors.As(err, &fe) || fe.Line != tc.line) {
				t.Errorf("err = %v, want line %d", err, tc.line)
			}
		})
	}
}

// TestAdversarial_C86_CELBudget: an expression that would run for ever
// is stopped by its cost budget, and denies with ErrPolicyBudget.
func TestAdversarial_C86_CELBudget(t *testing.T) {
	file := `apiVersion: chainmail.dev/policy/v1
name: p
rule:
  slsa:
    - cel: >-
        [1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c,
        [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(g,
        predicate.runDetails.builder.id.size() + a + b + c + d + e + g > 0))))))
`
	f, err := policyfile.Parse([]byte(file), policyfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ev := evidence(t, goBuilder, "refs/tags/v1.2.3", "PASSED", time.Hour)
	d, err := f.Policy.Decide(ev, policytest.T0)
	if !errors.Is(err, policy.ErrPolicyBudget) || d.Allowed || d.Outcome != policy.Error {
		t.Fatalf("allowed=%v outcome=%v err=%v", d.Allowed, d.Outcome, err)
	}
	// The same expression under a budget that suffices passes.
	f, err = policyfile.Parse([]byte(file), policyfile.Options{CELCostLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Policy.Decide(ev, policytest.T0); err != nil {
		t.Errorf("with a large budget: %v", err)
	}
	long := "apiVersion: chainmail.dev/policy/v1\nname: p\nrule:\n  slsa:\n    - cel: '" + strings.Repeat("1 + ", 2000) + "1 > 0'\n"
	if _, err := policyfile.Parse([]byte(long), policyfile.Options{}); !errors.Is(err, policy.ErrInvalidPolicy) {
		t.Errorf("an 8 KB expression: %v", err)
	}
}

// TestAdversarial_C91_PolicyReplay: an older policy version is refused
// when the caller gives the last version applied.
func TestAdversarial_C91_PolicyReplay(t *testing.T) {
	data, err := os.ReadFile("testdata/release.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := policyfile.Parse(data, policyfile.Options{MinVersion: 8}); !errors.Is(err, policyfile.ErrReplay) {
		t.Errorf("version 7 after 8: %v", err)
	}
	if _, err := policyfile.Parse(data, policyfile.Options{MinVersion: 7}); err != nil {
		t.Errorf("version 7 after 7: %v", err)
	}
	noVersion := []byte(strings.Replace(string(data), "version: 7\n", "", 1))
	if _, err := policyfile.Parse(noVersion, policyfile.Options{MinVersion: 1}); !errors.Is(err, policyfile.ErrReplay) {
		t.Errorf("no version with MinVersion: %v", err)
	}
}

// TestCELVariables: the variables an expression sees.
func TestCELVariables(t *testing.T) {
	ev := evidence(t, goBuilder, "refs/tags/v1.2.3", "PASSED", time.Hour)
	for _, tc := range []struct {
		expr string
		ok   bool
	}{
		{`predicate.runDetails.builder.id.startsWith("https://github.com/slsa-framework/")`, true},
		{`predicateType == "https://slsa.dev/provenance/v1"`, true},
		{`subject.name == "app-1.0.tar.gz"`, true},
		{`signers.size() == 1 && signers[0].kind == "key"`, true},
		{`times.exists(t, t.source == "caller" && now - t.time < duration("2h"))`, true},
		{`predicate.runDetails.builder.id == "x"`, false},
		{`predicate.buildDefinition.externalParameters.workflow.nosuchkey == "x"`, false},
	} {
		file := "apiVersion: chainmail.dev/policy/v1\nname: p\nrule:\n  slsa:\n    - cel: '" + strings.ReplaceAll(tc.expr, "'", "''") + "'\n"
		f, err := policyfile.Parse([]byte(file), policyfile.Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if _, err := f.Policy.Decide(ev, policytest.T0); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.expr, err, tc.ok)
		}
	}
}

// TestSBOMAndVSARules: the SBOM and VSA rules in the file form.
func TestSBOMAndVSARules(t *testing.T) {
	file := `apiVersion: chainmail.dev/policy/v1
name: p
rule:
  sbom:
    - licensesAllowed: {licenses: [MIT, Apache-2.0]}
    - banned: {purl: pkg:golang/github.com/evil/leftpad, versions: "<1.2.0"}
`
	f, err := policyfile.Parse([]byte(file), policyfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ev := evidence(t, goBuilder, "refs/tags/v1.2.3", "PASSED", time.Hour)
	if _, err := f.Policy.Decide(ev, policytest.T0); !errors.Is(err, policy.ErrNoEvidence) {
		t.Errorf("no SBOM: %v", err)
	}
	vsa := "apiVersion: chainmail.dev/policy/v1\nname: p\nrule:\n  require:\n    predicateType: https://slsa.dev/verification_summary/v1\n    rule:\n      vsaPassed: {verifierId: https://verifier.example, levels: [SLSA_BUILD_LEVEL_3]}\n"
	if _, err := policyfile.Parse([]byte(vsa), policyfile.Options{}); err != nil {
		t.Errorf("vsaPassed: %v", err)
	}
	for _, bad := range []string{
		"apiVersion: chainmail.dev/policy/v1\nname: p\nrule:\n  sbom:\n    - licensesDenied: {licenses: [], unknownLicensesPass: true}\n",
		"apiVersion: chainmail.dev/policy/v1\nname: p\nrule:\n  sbom:\n    - banned: {purl: pkg:golang/x, versions: \"1.0\"}\n",
		"apiVersion: chainmail.dev/policy/v1\nname: p\nrule:\n  sbom:\n    - license: {licenses: [MIT]}\n",
	} {
		if _, err := policyfile.Parse([]byte(bad), policyfile.Options{}); !errors.Is(err, policy.ErrInvalidPolicy) {
			t.Errorf("accepted:\n%s\nerr %v", bad, err)
		}
	}
}
