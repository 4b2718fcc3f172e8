package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
)

const osvDir = "../../vuln/testdata/osv"

func sbomFile(t *testing.T, dir string, purls ...string) string {
	t.Helper()
	var comps []string
	for i, p := range purls {
		comps = append(comps, `{"type":"library","bom-ref":"c`+string(rune('0'+i))+`","name":"m","version":"v1","purl":"`+p+`"}`)
	}
	doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[` + strings.Join(comps, ",") + `]}`
	p := filepath.Join(dir, "sbom.cdx.json")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScan(t *testing.T) {
	dir := t.TempDir()
	vulnerable := sbomFile(t, t.TempDir(), "pkg:golang/golang.org/x/net@v0.61.0")
	fixed := sbomFile(t, t.TempDir(), "pkg:golang/golang.org/x/net@v0.62.0")
	vex := filepath.Join(dir, "vex.json")
	os.WriteFile(vex, []byte(`{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex","author":"us","timestamp":"2099-01-01T00:00:00Z","version":1,
"statements":[{"vulnerability":{"name":"GO-2026-6860"},"products":[{"@id":"pkg:oci/app"}],"status":"not_affected","justification":"vulnerable_code_not_in_execute_path"},
{"vulnerability":{"name":"GO-2026-6866"},"products":[{"@id":"pkg:oci/app"}],"status":"fixed"}]}`), 0o644)
	cdxVEX := filepath.Join(dir, "vex.cdx.json")
	os.WriteFile(cdxVEX, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"timestamp":"2099-01-01T00:00:00Z"},
"components":[{"type":"application","name":"app","bom-ref":"app","purl":"pkg:oci/app"}],
"vulnerabilities":[{"id":"GO-2026-6860","affects":[{"ref":"app"}],"analysis":{"state":"not_affected","justification":"code_not_reachable"}},
{"id":"GO-2026-6866","affects":[{"ref":"app"}],"analysis":{"state":"resolved"}}]}`), 0o644)
	out := filepath.Join(dir, "out")
	now := func() time.Time { return time.Date(2099, 1, 2, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"vulnerable", []string{"-db", osvDir, "-o", out, vulnerable}, 1, "GO-2026-6860"},
		{"fixed version", []string{"-db", osvDir, "-o", out, fixed}, 0, "0 findings"},
		{"vex suppresses", []string{"-db", osvDir, "-vex", vex, "-product", "pkg:oci/app", "-o", out, vulnerable}, 0, "suppressed: not_affected"},
		{"cyclonedx vex suppresses", []string{"-db", osvDir, "-vex", cdxVEX, "-product", "pkg:oci/app", "-o", out, vulnerable}, 0, "suppressed: not_affected"},
		{"vex for another product", []string{"-db", osvDir, "-vex", vex, "-product", "pkg:oci/app-evil", "-o", out, vulnerable}, 1, "2 findings"},
		{"sarif", []string{"-db", osvDir, "-format", "sarif", "-o", out, vulnerable}, 1, `"ruleId": "GO-2026-6860"`},
		{"attestation", []string{"-db", osvDir, "-format", "attestation", "-o", out, vulnerable}, 1, attest.PredicateVulns},
		{"no db", []string{vulnerable}, 2, ""},
		{"bad format", []string{"-db", osvDir, "-format", "xml", vulnerable}, 2, ""},
		{"bad fail-on", []string{"-db", osvDir, "-fail-on", "severe", vulnerable}, 2, ""},
		{"missing db", []string{"-db", filepath.Join(dir, "nope"), vulnerable}, 2, ""},
		{"not an sbom", []string{"-db", osvDir, vex}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(out)
			if code := run(tc.args, now); code != tc.code {
				t.Fatalf("exit %d, want %d", code, tc.code)
			}
			if tc.want == "" {
				return
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(got), tc.want) {
				t.Errorf("output lacks %q:\n%.2000s", tc.want, got)
			}
		})
	}
	// The attestation is a statement about the SBOM that parses back.
	run([]string{"-db", osvDir, "-format", "attestation", "-o", out, vulnerable}, now)
	data, _ := os.ReadFile(out)
	st, err := attest.ParseStatement([]byte(strings.TrimSpace(string(data))))
	if err != nil || st.PredicateType != attest.PredicateVulns || st.Subject[0].Name != "sbom.cdx.json" {
		t.Fatalf("statement: %v %+v", err, st)
	}
}
