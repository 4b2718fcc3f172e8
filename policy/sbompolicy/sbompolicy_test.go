package sbompolicy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/policytest"
	"github.com/chainmail-dev/chainmail/policy/sbompolicy"
	"github.com/chainmail-dev/chainmail/sbom"
)

// evidence is a signed, verified CycloneDX SBOM of the fixture's
// artifact with the given components.
func evidence(t *testing.T, comps ...*sbom.Component) *policy.Evidence {
	t.Helper()
	f := policytest.New(t, 1)
	root := &sbom.Component{ID: "root", Kind: sbom.KindApplication, Name: "app", Version: "v1.0.0", PURL: "pkg:golang/example.com/app@v1.0.0",
		Licenses: []sbom.License{{Expression: "Apache-2.0"}}}
	doc := &sbom.Document{Name: "app", Describes: []string{root.ID}, Components: append([]*sbom.Component{root}, comps...)}
	for _, c := range comps {
		doc.Edges = append(doc.Edges, sbom.Edge{From: root.ID, To: c.ID, Kind: sbom.EdgeDependsOn})
	}
	st, err := sbom.Statement(doc, sbom.CycloneDX16JSON, attest.Subject(policytest.ArtifactName, f.Artifact))
	if err != nil {
		t.Fatal(err)
	}
	return f.Evidence(t, f.Result(t, st, time.Time{}, 0))
}

func comp(name, version, license string) *sbom.Component {
	c := &sbom.Component{ID: name + "@" + version, Kind: sbom.KindLibrary, Name: name, Version: version, PURL: sbom.GoPURL(name, version)}
	if license != "" {
		c.Licenses = []sbom.License{{Expression: license}}
	}
	return c
}

func decide(t *testing.T, rule policy.Rule[policy.Evidence], ev *policy.Evidence) error {
	t.Helper()
	p, err := policy.New("sbom", rule)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Decide(ev, policytest.T0)
	return err
}

func TestLicenses(t *testing.T) {
	allow := sbompolicy.Require(sbompolicy.LicensesAllowed("apache-2.0", "MIT", "BSD-3-Clause"))
	deny := sbompolicy.Require(sbompolicy.LicensesDenied("GPL-3.0-only", "AGPL-3.0-only"))
	for _, tc := range []struct {
		name            string
		comps           []*sbom.Component
		allowOK, denyOK bool
	}{
		{"all allowed", []*sbom.Component{comp("golang.org/x/mod", "v0.20.0", "BSD-3-Clause")}, true, true},
		{"OR with an allowed branch", []*sbom.Component{comp("a.example/x", "v1.0.0", "MIT OR GPL-3.0-only")}, true, true},
		{"AND with a denied term", []*sbom.Component{comp("a.example/x", "v1.0.0", "MIT AND GPL-3.0-only")}, false, false},
		{"denied", []*sbom.Component{comp("a.example/x", "v1.0.0", "AGPL-3.0-only")}, false, false},
		{"not on the allow list", []*sbom.Component{comp("a.example/x", "v1.0.0", "MPL-2.0")}, false, true},
		{"unknown license", []*sbom.Component{comp("a.example/x", "v1.0.0", "")}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := evidence(t, tc.comps...)
			err := decide(t, allow, ev)
			if (err == nil) != tc.allowOK {
				t.Errorf("allow list: %v, want ok=%v", err, tc.allowOK)
			}
			if err != nil && !errors.Is(err, sbompolicy.ErrLicense) {
				t.Errorf("%v does not match ErrLicense", err)
			}
			if err != nil && !strings.Contains(err.Error(), "a.example/x") {
				t.Errorf("the error does not name the component: %v", err)
			}
			if err := decide(t, deny, ev); (err == nil) != tc.denyOK {
				t.Errorf("deny list: %v, want ok=%v", err, tc.denyOK)
			}
		})
	}
	ev := evidence(t, comp("a.example/x", "v1.0.0", ""))
	if err := decide(t, sbompolicy.Require(sbompolicy.LicensesAllowedWith([]string{"Apache-2.0"}, sbompolicy.UnknownLicensesPass())), ev); err != nil {
		t.Errorf("UnknownLicensesPass: %v", err)
	}
}

func TestBanned(t *testing.T) {
	const evil = "pkg:golang/github.com/evil/leftpad"
	for _, tc := range []struct {
		name, version, rng string
		ok                 bool
	}{
		{"in range", "v1.1.0", "<1.2.0", false},
		{"at the bound", "v1.2.0", "<1.2.0", true},
		{"two constraints", "v1.5.0", ">=1.0.0, <2.0.0", false},
		{"outside both", "v2.1.0", ">=1.0.0 <2.0.0", true},
		{"every version", "v9.9.9", "*", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := evidence(t, comp("github.com/evil/leftpad", tc.version, "MIT"), comp("github.com/evil/leftpad-ok", "v1.0.0", "MIT"))
			err := decide(t, sbompolicy.Require(sbompolicy.Banned(evil, tc.rng)), ev)
			if (err == nil) != tc.ok {
				t.Errorf("%v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, sbompolicy.ErrBanned) {
				t.Errorf("%v does not match ErrBanned", err)
			}
		})
	}
	// A version that is not semantic cannot be cleared.
	ev := evidence(t, &sbom.Component{ID: "x", Kind: sbom.KindLibrary, Name: "github.com/evil/leftpad", Version: "master", PURL: evil + "@master"})
	if err := decide(t, sbompolicy.Require(sbompolicy.Banned(evil, "<1.2.0")), ev); err == nil {
		t.Error("a non-semantic version passed a ban")
	}
	for _, bad := range []policy.Rule[policy.Evidence]{
		sbompolicy.Require(sbompolicy.Banned("not a purl", "*")),
		sbompolicy.Require(sbompolicy.Banned(evil, "")),
		sbompolicy.Require(sbompolicy.Banned(evil, "1.2.0")),
		sbompolicy.Require(sbompolicy.LicensesAllowed()),
		sbompolicy.Require(),
	} {
		if _, err := policy.New("p", bad); !errors.Is(err, policy.ErrInvalidPolicy) {
			t.Errorf("invalid rule accepted: %v", err)
		}
	}
	// No SBOM at all.
	f := policytest.New(t, 1)
	noSBOM := f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateTestResult, policytest.TestResult("PASSED")), time.Time{}, 0))
	if err := decide(t, sbompolicy.Require(sbompolicy.Banned(evil, "*")), noSBOM); !errors.Is(err, policy.ErrNoEvidence) {
		t.Errorf("no SBOM: %v", err)
	}
}
