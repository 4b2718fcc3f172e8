//go:build integration

// Package integration runs the example commands as a user would: built
// binaries, real files, exit codes. Run with
//
//	go test -tags integration ./integration/...
package integration

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// bin returns the path of a built example command.
func bin(t *testing.T, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "chainmail-examples-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", binDir+string(os.PathSeparator), "./examples/...")
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building examples: %v", buildErr)
	}
	return filepath.Join(binDir, name)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs a command in dir with extra environment variables.
func run(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin(t, name), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if strings.Contains(stderr.String(), "panic:") || strings.Contains(stderr.String(), "goroutine ") {
		t.Fatalf("%s %v panicked:\n%s", name, args, stderr.String())
	}
	return result{code, stdout.String(), stderr.String()}
}

func want(t *testing.T, r result, code int, what string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", what, r.code, code, r.stdout, r.stderr)
	}
	if code == 1 {
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if len(lines) != 1 || lines[0] == "" {
			t.Fatalf("%s: rejection must be one line on stderr, got %q", what, r.stderr)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestQuickstart(t *testing.T) {
	dir := t.TempDir()
	r := run(t, dir, nil, "quickstart", "-mode", "key", "-o", "out")
	want(t, r, 0, "quickstart")
	for _, s := range []string{"verified", "tampered   rejected"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("quickstart output lacks %q:\n%s", s, r.stdout)
		}
	}
	// What it wrote verifies with the verify command, against the
	// quickstart binary itself.
	r = run(t, dir, nil, "verify", "-key", "out/key.pub", "-bundle", "out/bundle.json", bin(t, "quickstart"))
	want(t, r, 0, "verify quickstart bundle")

	// Usage errors exit 2; keyless without the local stack's variables
	// fails with a reason.
	r = run(t, dir, nil, "quickstart", "-mode", "bogus")
	want(t, r, 2, "quickstart -mode bogus")
	r = run(t, dir, []string{"SIGSTORE_LOCAL_SIGNING_CONFIG=", "SIGSTORE_LOCAL_TRUSTED_ROOT="}, "quickstart", "-mode", "keyless")
	want(t, r, 1, "quickstart -mode keyless without a stack")
	if !strings.Contains(r.stderr, "SIGSTORE_LOCAL_SIGNING_CONFIG") {
		t.Errorf("keyless without a stack: stderr %q does not say what to set", r.stderr)
	}
}

const testResultType = "https://in-toto.io/attestation/test-result/v0.1"

func TestAttestVerifyRoundTrips(t *testing.T) {
	dir := t.TempDir()
	pw := []string{"CHAINMAIL_PASSWORD=correct horse"}
	want(t, run(t, dir, nil, "keygen", "alice"), 0, "keygen alice")
	want(t, run(t, dir, pw, "keygen", "-encrypt", "-type", "ed25519", "bob"), 0, "keygen bob")
	want(t, run(t, dir, nil, "keygen", "-type", "rsa-3072", "carol"), 0, "keygen carol")
	want(t, run(t, dir, nil, "keygen", "alice"), 2, "keygen refuses to overwrite")
	write(t, filepath.Join(dir, "pred.json"), `{"result":"PASSED","passedTests":["TestA"]}`)
	write(t, filepath.Join(dir, "app.txt"), "the artifact\n")
	sum := sha256.Sum256([]byte("the artifact\n"))
	digestArg := "sha256:" + hex.EncodeToString(sum[:])

	attestArgs := func(key, out string, extra ...string) []string {
		return append(append([]string{"-key", key, "-predicate-type", testResultType, "-predicate", "pred.json", "-o", out}, extra...), "app.txt")
	}
	want(t, run(t, dir, nil, "attest", attestArgs("alice.key", "alice.bundle")...), 0, "attest alice")
	want(t, run(t, dir, pw, "attest", attestArgs("bob.key", "bob.bundle")...), 0, "attest bob (encrypted key)")
	want(t, run(t, dir, nil, "attest", attestArgs("carol.key", "carol.bundle")...), 0, "attest carol (RSA)")
	want(t, run(t, dir, []string{"CHAINMAIL_PASSWORD=wrong"}, "attest", attestArgs("bob.key", "x.bundle")...), 2, "attest with a wrong password")
	want(t, run(t, dir, pw, "attest", append([]string{"-key", "alice.key", "-key", "bob.key", "-envelope"}, attestArgs("carol.key", "three.env")...)...), 0, "attest envelope with three keys")

	cases := []struct {
		name string
		args []string
		code int
	}{
		{"bundle", []string{"-key", "alice.pub", "-bundle", "alice.bundle", "app.txt"}, 0},
		{"bundle by digest", []string{"-key", "alice.pub", "-bundle", "alice.bundle", digestArg}, 0},
		{"ed25519 bundle", []string{"-key", "bob.pub", "-bundle", "bob.bundle", "app.txt"}, 0},
		{"rsa bundle", []string{"-key", "carol.pub", "-bundle", "carol.bundle", "app.txt"}, 0},
		{"wrong key", []string{"-key", "bob.pub", "-bundle", "alice.bundle", "app.txt"}, 1},
		{"wrong artifact", []string{"-key", "alice.pub", "-bundle", "alice.bundle", "pred.json"}, 1},
		{"wrong digest", []string{"-key", "alice.pub", "-bundle", "alice.bundle", "sha256:" + strings.Repeat("0", 64)}, 1},
		{"two bundles, threshold 2", []string{"-key", "alice.pub", "-key", "bob.pub", "-threshold", "2", "-bundle", "alice.bundle", "-bundle", "bob.bundle", "app.txt"}, 0},
		{"one bundle, threshold 2", []string{"-key", "alice.pub", "-key", "bob.pub", "-threshold", "2", "-bundle", "alice.bundle", "app.txt"}, 1},
		{"same bundle twice, threshold 2", []string{"-key", "alice.pub", "-key", "bob.pub", "-threshold", "2", "-bundle", "alice.bundle", "-bundle", "alice.bundle", "app.txt"}, 1},
		{"envelope, threshold 3", []string{"-key", "alice.pub", "-key", "bob.pub", "-key", "carol.pub", "-threshold", "3", "-envelope", "three.env", "app.txt"}, 0},
		{"envelope, one trusted key", []string{"-key", "bob.pub", "-envelope", "three.env", "app.txt"}, 0},
		{"threshold 0", []string{"-key", "alice.pub", "-threshold", "0", "-bundle", "alice.bundle", "app.txt"}, 2},
		{"threshold above keys", []string{"-key", "alice.pub", "-threshold", "2", "-bundle", "alice.bundle", "app.txt"}, 2},
		{"same key twice", []string{"-key", "alice.pub", "-key", "alice.pub", "-bundle", "alice.bundle", "app.txt"}, 2},
		{"private key as trusted key", []string{"-key", "alice.key", "-bundle", "alice.bundle", "app.txt"}, 2},
		{"no artifact", []string{"-key", "alice.pub", "-bundle", "alice.bundle"}, 2},
		{"bundle and envelope", []string{"-key", "alice.pub", "-bundle", "alice.bundle", "-envelope", "three.env", "app.txt"}, 2},
		{"envelope given as bundle", []string{"-key", "alice.pub", "-bundle", "three.env", "app.txt"}, 1},
		{"missing bundle file", []string{"-key", "alice.pub", "-bundle", "nope.json", "app.txt"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want(t, run(t, dir, nil, "verify", c.args...), c.code, c.name)
		})
	}

	// Tampering with the artifact after signing is caught.
	write(t, filepath.Join(dir, "app.txt"), "the artifact, changed\n")
	r := run(t, dir, nil, "verify", "-key", "alice.pub", "-bundle", "alice.bundle", "app.txt")
	want(t, r, 1, "tampered artifact")
	if !strings.Contains(r.stderr, "artifact") {
		t.Errorf("reason should mention the artifact: %q", r.stderr)
	}
}

// TestVerifyKeyless runs the verify example with cosign's certificate
// flags on real public-good bundles of the Sigstore conformance suite,
// offline against the production trusted root.
func TestVerifyKeyless(t *testing.T) {
	assets, err := filepath.Abs(filepath.Join("..", "testdata", "conformance", "assets"))
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(assets, "production_trusted_root.json")
	art := filepath.Join(assets, "bundle-verify", "a.txt")
	happy := filepath.Join(assets, "bundle-verify", "happy-path-v0.3", "bundle.sigstore.json")
	const san = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
	const issuer = "https://token.actions.githubusercontent.com"
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		code int
	}{
		{"identity and issuer", []string{"-certificate-identity", san, "-certificate-oidc-issuer", issuer, "-trusted-root", root, "-bundle", happy, art}, 0},
		{"identity regexp", []string{"-certificate-identity-regexp", `https://github\.com/sigstore-conformance/.*@refs/heads/main`, "-certificate-oidc-issuer", issuer, "-trusted-root", root, "-bundle", happy, art}, 0},
		{"json", []string{"-json", "-certificate-identity", san, "-certificate-oidc-issuer", issuer, "-trusted-root", root, "-bundle", happy, art}, 0},
		{"another identity", []string{"-certificate-identity", san + "x", "-certificate-oidc-issuer", issuer, "-trusted-root", root, "-bundle", happy, art}, 1},
		{"unanchored regexp", []string{"-certificate-identity-regexp", "sigstore-conformance", "-certificate-oidc-issuer", issuer, "-trusted-root", root, "-bundle", happy, art}, 1},
		{"another issuer", []string{"-certificate-identity", san, "-certificate-oidc-issuer", "https://accounts.google.com", "-trusted-root", root, "-bundle", happy, art}, 1},
		{"another artifact", []string{"-certificate-identity", san, "-certificate-oidc-issuer", issuer, "-trusted-root", root, "-bundle", happy, root}, 1},
		{"no issuer", []string{"-certificate-identity", san, "-trusted-root", root, "-bundle", happy, art}, 2},
		{"with a key", []string{"-key", "k.pub", "-certificate-identity", san, "-certificate-oidc-issuer", issuer, "-trusted-root", root, "-bundle", happy, art}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, dir, nil, "verify", c.args...)
			want(t, r, c.code, c.name)
			if c.code == 0 && c.name == "json" && !strings.Contains(r.stdout, `"kind": "certificate"`) {
				t.Errorf("no signer record in the JSON result: %s", r.stdout)
			}
			if c.name == "another identity" && !strings.Contains(r.stderr, "differ from byte") {
				t.Errorf("the mismatch does not say where the identities differ: %q", r.stderr)
			}
		})
	}
}

func TestAttestRejectsBadPredicate(t *testing.T) {
	dir := t.TempDir()
	want(t, run(t, dir, nil, "keygen", "k"), 0, "keygen")
	write(t, filepath.Join(dir, "bad.json"), `{"result":"MAYBE"}`)
	write(t, filepath.Join(dir, "notjson.json"), `{result}`)
	write(t, filepath.Join(dir, "a"), "a")
	for _, p := range []string{"bad.json", "notjson.json"} {
		r := run(t, dir, nil, "attest", "-key", "k.key", "-predicate-type", testResultType, "-predicate", p, "-o", "out", "a")
		want(t, r, 1, "attest "+p)
		if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
			t.Errorf("attest %s left an output file behind", p)
		}
	}
	want(t, run(t, dir, nil, "attest", "-key", "k.key"), 2, "attest usage")
}
