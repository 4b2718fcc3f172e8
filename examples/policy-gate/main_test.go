package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sign"
)

// setup writes an artifact, a key, a bundle of a passing test result
// and one of provenance, and returns their paths.
func setup(t *testing.T) (dir, artifact, key string) {
	t.Helper()
	dir = t.TempDir()
	artifact = filepath.Join(dir, "app.tar.gz")
	if err := os.WriteFile(artifact, []byte("the app"), 0o644); err != nil {
		t.Fatal(err)
	}
	k, err := sign.GenerateKey(sign.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := sign.MarshalPublicKey(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	key = filepath.Join(dir, "key.pub")
	if err := os.WriteFile(key, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := sign.NewSigner(k)
	if err != nil {
		t.Fatal(err)
	}
	d, err := digest.FromFile(artifact, digest.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "bundles"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, pred := range map[string]attest.Predicate{
		"tests.json": &attest.TestResult{Result: "PASSED", PassedTests: []string{"TestApp"}},
		"provenance.json": &attest.ProvenanceV1{
			BuildDefinition: attest.BuildDefinition{BuildType: "https://actions.github.io/buildtypes/workflow/v1",
				ExternalParameters: map[string]any{"workflow": map[string]any{"repository": "https://github.com/org/app", "ref": "refs/tags/v1.0.0"}}},
			RunDetails: attest.RunDetails{Builder: attest.Builder{ID: "https://github.com/org/app/.github/workflows/release.yml@refs/tags/v1.0.0"}},
		},
	} {
		st, err := attest.NewPredicateStatement(pred, attest.Subject("app.tar.gz", d))
		if err != nil {
			t.Fatal(err)
		}
		b, err := sign.StatementBundle(context.Background(), st, s)
		if err != nil {
			t.Fatal(err)
		}
		data, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bundles", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, artifact, key
}

const gatePolicy = `apiVersion: chainmail.dev/policy/v1
name: gate
version: 2
rule:
  all:
    - require:
        predicateType: https://in-toto.io/attestation/test-result/v0.1
        rule: {testsPassed: true}
    - slsa:
        - sourceRepo: github.com/org/app
        - semverTag: true
`

func writePolicy(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// capture runs the command and returns its exit code and standard
// output.
func capture(t *testing.T, args ...string) (int, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	code := run(append([]string{"-o", out}, args...), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	data, _ := os.ReadFile(out)
	return code, string(data)
}

func TestPolicyGate(t *testing.T) {
	dir, artifact, key := setup(t)
	pol := writePolicy(t, dir, gatePolicy)
	bundles := filepath.Join(dir, "bundles")

	code, out := capture(t, "-policy", pol, "-bundles", bundles, "-key", key, artifact)
	if code != 0 || !strings.HasPrefix(out, "ALLOW") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// The same, by digest, as JSON.
	d, _ := digest.FromFile(artifact, digest.SHA256)
	code, out = capture(t, "-policy", pol, "-bundles", bundles, "-key", key, "-format", "json", d.String())
	var dec struct {
		Allowed bool   `json:"allowed"`
		Policy  string `json:"policy"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &dec) != nil || !dec.Allowed || dec.Policy != "gate" {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// SARIF and a VSA, for an allow.
	code, out = capture(t, "-policy", pol, "-bundles", bundles, "-key", key, "-format", "sarif", artifact)
	if code != 0 || !strings.Contains(out, `"version": "2.1.0"`) {
		t.Fatalf("sarif: exit %d:\n%s", code, out)
	}
	code, out = capture(t, "-policy", pol, "-bundles", bundles, "-key", key, "-format", "vsa", artifact)
	st, err := attest.ParseStatement([]byte(out))
	if code != 0 || err != nil {
		t.Fatalf("vsa: exit %d, %v:\n%s", code, err, out)
	}
	vsa, err := attest.PredicateAs[attest.VSA](st)
	if err != nil || vsa.VerificationResult != "PASSED" || len(vsa.InputAttestations) != 2 {
		t.Fatalf("vsa: %v %+v", err, vsa)
	}
	// Only the test result: no provenance, denied, explained.
	code, out = capture(t, "-policy", pol, "-bundle", filepath.Join(bundles, "tests.json"), "-key", key, artifact)
	if code != 1 || !strings.HasPrefix(out, "DENY") || !strings.Contains(out, "slsa.dev/provenance") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// Another artifact: nothing is evidence about it.
	other := filepath.Join(dir, "other")
	os.WriteFile(other, []byte("other"), 0o644)
	if code, out = capture(t, "-policy", pol, "-bundles", bundles, "-key", key, other); code != 1 {
		t.Fatalf("another artifact: exit %d:\n%s", code, out)
	}
	// The wrong key: nothing verifies.
	_, _, key2 := setup(t)
	if code, out = capture(t, "-policy", pol, "-bundles", bundles, "-key", key2, artifact); code != 1 {
		t.Fatalf("wrong key: exit %d:\n%s", code, out)
	}
	// Usage and errors: 2.
	for name, args := range map[string][]string{
		"no policy":      {"-bundles", bundles, "-key", key, artifact},
		"no trust":       {"-policy", pol, "-bundles", bundles, artifact},
		"bad format":     {"-policy", pol, "-bundles", bundles, "-key", key, "-format", "xml", artifact},
		"replayed":       {"-policy", pol, "-bundles", bundles, "-key", key, "-min-version", "3", artifact},
		"no artifact":    {"-policy", pol, "-bundles", bundles, "-key", key, "/no/such/file"},
		"invalid policy": {"-policy", writePolicy(t, t.TempDir(), "apiVersion: chainmail.dev/policy/v1\nname: p\nrule: {all: []}\n"), "-bundles", bundles, "-key", key, artifact},
	} {
		if code, _ := capture(t, args...); code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
	}
}
