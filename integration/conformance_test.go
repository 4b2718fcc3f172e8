//go:build integration

package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestConformanceSuite runs the offline replay of the Sigstore
// conformance suite (testdata/conformance/run.sh, copied from
// sigstore-conformance's bundle-verify cases) against the conformance
// client, in strict mode: a panic, a signal or a timeout is never a valid
// rejection. Every case must pass.
func TestConformanceSuite(t *testing.T) {
	client := bin(t, "conformance")
	runSh, err := filepath.Abs("../testdata/conformance/run.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", runSh, "-v", client)
	// Offline: any HTTP request would go to a closed port and fail, and
	// the TUF cache is empty; run.sh passes --trusted-root to every case.
	cmd.Env = append(os.Environ(),
		"HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9", "NO_PROXY=",
		"CHAINMAIL_TUF_CACHE="+t.TempDir(), "CONFORMANCE_TIMEOUT=60")
	out, err := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	t.Log(last)
	if err != nil || last != "140 passed, 0 failed" {
		t.Fatalf("run.sh: %v\n%s", err, out)
	}
}

func TestConformanceClientArguments(t *testing.T) {
	dir := t.TempDir()
	artifact := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(artifact, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no subcommand", nil, 2, "usage"},
		{"unknown subcommand", []string{"verify"}, 2, "unknown subcommand"},
		{"verify without identity", []string{"verify-bundle", "--bundle", "b.json", artifact}, 2, "--certificate-identity"},
		{"verify with key and identity", []string{"verify-bundle", "--bundle", "b", "--key", "k", "--certificate-identity", "x", "--certificate-oidc-issuer", "y", artifact}, 2, "excludes"},
		{"verify with two artifacts", []string{"verify-bundle", "--bundle", "b", "--key", "k", artifact, artifact}, 2, "FILE_OR_DIGEST"},
		{"unknown flag", []string{"verify-bundle", "--bundel", "b", artifact}, 2, "unknown flag"},
		{"flag without value", []string{"verify-bundle", "--bundle"}, 2, "needs a value"},
		{"flag twice", []string{"verify-bundle", "--bundle", "a", "--bundle", "b", artifact}, 2, "twice"},
		{"sign without token", []string{"sign-bundle", "--bundle", "out.json", artifact}, 2, "--identity-token"},
		// The arguments parse, then a missing signing config is a usage
		// error (exit 2) and no bundle is written.
		{"sign with missing signing config", []string{"sign-bundle", "--staging", "--identity-token", "tok", "--bundle", filepath.Join(dir, "out.json"), "--trusted-root", "tr.json", "--signing-config", "sc.json", artifact}, 2, "sc.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, dir, nil, "conformance", tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.err) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.err)
			}
			if strings.Contains(r.stderr, "panic") {
				t.Fatal(r.stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "out.json")); !os.IsNotExist(err) {
				t.Fatalf("a rejected run left a bundle behind (stat: %v)", err)
			}
		})
	}
}
