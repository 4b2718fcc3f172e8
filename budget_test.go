package chainmail_test

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// moduleBudget is, for each library package, the most third-party modules
// it may pull in (go list -deps, the main module and the standard library
// not counted). A package that grows past its budget fails this test until
// the budget is raised on purpose, in review (go-containerregistry's
// depcheck habit, counted in modules: what `go mod tidy` and a binary's
// users pay for).
//
// bundle uses the standard library only, and verify (keys, signatures,
// statements, policies) two modules: x/crypto and go-securesystemslib,
// for encrypted keys, and so does sign. Sigstore's tree (about 80
// modules: sigstore-go, Rekor's go-openapi client, go-tuf) is in package
// sigstore, keyless signing included, which only its users import.
var moduleBudget = map[string]int{
	"digest":              0,
	"attest":              0,
	"internal/errs":       0,
	"internal/limits":     0,
	"internal/strictjson": 0,
	"internal/netpolicy":  0,
	"internal/sgproto":    71,
	"internal/keys":       2,
	"attest/attestpb":     2,
	"sbom":                10,
	"bundle":              0,
	"verify":              2,
	"sigstore":            82,
	"sign":                2,
	"policy":              2,
	"policy/slsa":         2,
	"policy/policytest":   2,
	// cel-go and its protobuf and ANTLR dependencies, YAML, and the SBOM
	// decoders of the sbom rules: only users of the file form import them.
	"policy/policyfile": 21,
	// in-toto-golang and its sigstore signature dependencies.
	"policy/intoto": 7,
	// package sbom's decoders (cyclonedx-go, spdx tools-golang) and
	// verify's key formats.
	"policy/sbompolicy": 13,
	// package sbom's (for Go binaries' modules) and policy's.
	"provenance": 12,
	// vuln adds golang.org/x/mod (semver) and go-cvss (CVSS v4) to what
	// sbom brings.
	"vuln": 12,
	// Example commands that neither verify certificates nor sign keyless
	// link no Sigstore client: what they import, no more.
	"examples/keygen": 2,
	"examples/sbom":   10,
}

func TestModuleBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	pkgs := make([]string, 0, len(moduleBudget))
	for p := range moduleBudget {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		out, err := exec.Command(goTool, "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}", "./"+p).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", p, err)
		}
		mods := map[string]bool{}
		for _, m := range strings.Fields(string(out)) {
			mods[m] = true
		}
		t.Logf("%-20s %3d modules (budget %d)", p, len(mods), moduleBudget[p])
		if len(mods) > moduleBudget[p] {
			t.Errorf("%s pulls in %d modules, over its budget of %d: drop the new dependency or raise the budget on purpose", p, len(mods), moduleBudget[p])
		}
	}
}
