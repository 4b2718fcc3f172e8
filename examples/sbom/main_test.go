package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	code := exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	mod := filepath.Join(dir, "mod")
	os.MkdirAll(mod, 0o755)
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/cli\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(mod, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	cdx := filepath.Join(dir, "a.cdx.json")
	spdx := filepath.Join(dir, "a.spdx.json")

	if _, e, code := runCLI(t, "-version", "v1.0.0", "-time", "2026-01-01T00:00:00Z", "-o", cdx, mod); code != 0 {
		t.Fatalf("generate: %d %s", code, e)
	}
	if out, e, code := runCLI(t, "validate", cdx); code != 0 || !strings.Contains(out, "valid cyclonedx-json@1.6") {
		t.Fatalf("validate: %d %s %s", code, out, e)
	}
	if _, e, code := runCLI(t, "convert", "-to", "spdx-json", "-o", spdx, cdx); code != 0 {
		t.Fatalf("convert: %d %s", code, e)
	}
	if out, _, code := runCLI(t, "diff", cdx, spdx); code != 0 {
		t.Errorf("diff after a conversion: %d\n%s", code, out)
	}
	if _, e, code := runCLI(t, "-mode", "packages", "-format", "spdx-tv", "-o", filepath.Join(dir, "p.spdx"), mod); code != 0 {
		t.Fatalf("packages: %d %s", code, e)
	}
	other := filepath.Join(dir, "b.cdx.json")
	if _, e, code := runCLI(t, "-version", "v2.0.0", "-o", other, mod); code != 0 {
		t.Fatalf("generate 2: %d %s", code, e)
	}
	if out, _, code := runCLI(t, "diff", cdx, other); code != 1 || !strings.Contains(out, "v1.0.0 -> v2.0.0") {
		t.Errorf("diff: %d\n%s", code, out)
	}
	if out, e, code := runCLI(t, "merge", cdx, other); code != 0 || !strings.Contains(out, "CycloneDX") {
		t.Errorf("merge: %d %s", code, e)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"nope","name":"x"}]}`), 0o644)
	if _, _, code := runCLI(t, "validate", bad); code != 1 {
		t.Errorf("validate invalid: %d", code)
	}
	for _, args := range [][]string{{}, {"-format", "nope", mod}, {"validate"}, {"convert", cdx}, {"diff", cdx}, {"merge", cdx}, {"-mode", "x", mod}, {"-bogus"}} {
		if _, _, code := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if _, _, code := runCLI(t, filepath.Join(dir, "missing")); code != 1 {
		t.Errorf("missing target: %d", code)
	}
}
