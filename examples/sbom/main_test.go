package main

import (
	"bytes"
	"context"
	"io"
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

// testModule writes a one-file main module named path under dir/mod and
// returns its directory.
func testModule(t *testing.T, dir, path string) string {
	t.Helper()
	mod := filepath.Join(dir, "mod")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"go.mod":  "module " + path + "\n\ngo 1.22\n",
		"main.go": "package main\n\nfunc main() {}\n",
	} {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return mod
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	mod := testModule(t, dir, "example.com/cli")
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

// TestWriteOutRemovesTemp: writeOut leaves no ".sbom-*" temporary file
// behind, whether it succeeds or the final rename fails.
func TestWriteOutRemovesTemp(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, dest string)
		wantErr bool
	}{
		{"success", func(*testing.T, string) {}, false},
		{"destination is an empty directory", func(t *testing.T, dest string) {
			if err := os.Mkdir(dest, 0o755); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"destination is a non-empty directory", func(t *testing.T, dest string) {
			if err := os.MkdirAll(filepath.Join(dest, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			dest := filepath.Join(dir, "out.json")
			tc.setup(t, dest)
			err := writeOut(dest, []byte(`{"sbom":true}`), io.Discard)
			if (err != nil) != tc.wantErr {
				t.Fatalf("writeOut: %v, want error %v", err, tc.wantErr)
			}
			left, err := filepath.Glob(filepath.Join(dir, ".sbom-*"))
			if err != nil {
				t.Fatal(err)
			}
			if len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
			if !tc.wantErr {
				if b, err := os.ReadFile(dest); err != nil || string(b) != `{"sbom":true}` {
					t.Errorf("destination: %q, %v", b, err)
				}
			}
		})
	}
}

// TestWriteOutRenameFailsViaCLI: "convert -o DIR" fails (DIR is a
// directory) and leaves no temporary file in it.
func TestWriteOutRenameFailsViaCLI(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.cdx.json")
	if err := os.WriteFile(in, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"x","version":"1"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "out")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, code := runCLI(t, "convert", "-to", "spdx-json", "-o", dest, in); code != 1 {
		t.Errorf("convert to a directory: exit %d, want 1", code)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".sbom-*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestSourceDateEpochCommand: the command (not the library) reads
// SOURCE_DATE_EPOCH: it is the creation time of a generated SBOM without
// -time, and of SPDX converted from a document without one; -time wins;
// a malformed value is an error.
func TestSourceDateEpochCommand(t *testing.T) {
	dir := t.TempDir()
	mod := testModule(t, dir, "example.com/epoch")
	noTime := filepath.Join(dir, "notime.cdx.json")
	os.WriteFile(noTime, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"x","version":"1"}]}`), 0o644)

	for _, tc := range []struct {
		name, epoch string
		args        []string
		wantCode    int
		want        string // in standard output
	}{
		{"generate spdx takes the epoch", "1700000000", []string{"-licenses=false", "-format", "spdx-json", mod}, 0, `"created": "2023-11-14T22:13:20Z"`},
		{"generate cyclonedx takes the epoch", "1700000000", []string{"-licenses=false", mod}, 0, `"timestamp": "2023-11-14T22:13:20Z"`},
		{"-time wins", "1700000000", []string{"-licenses=false", "-time", "2026-01-01T00:00:00Z", "-format", "spdx-json", mod}, 0, `"created": "2026-01-01T00:00:00Z"`},
		{"unset: no time, spdx says the epoch", "", []string{"-licenses=false", "-format", "spdx-json", mod}, 0, `"created": "1970-01-01T00:00:00Z"`},
		{"convert to spdx takes the epoch", "1700000000", []string{"convert", "-to", "spdx-json", noTime}, 0, `"created": "2023-11-14T22:13:20Z"`},
		{"malformed", "yesterday", []string{"-licenses=false", mod}, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SOURCE_DATE_EPOCH", tc.epoch)
			out, e, code := runCLI(t, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d: %s", code, tc.wantCode, e)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}
