//go:build e2e

package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/sigstore"
)

// conformanceClient builds examples/conformance, the Sigstore conformance
// client, or skips when this checkout has none.
func conformanceClient(t *testing.T) string { return exampleBinary(t, "conformance") }

// exampleBinary builds examples/<name> and returns the binary's path.
func exampleBinary(t *testing.T, name string) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join("..", "..", "examples", name)); err != nil {
		t.Skipf("examples/%s is not in this checkout", name)
	}
	bin := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", bin, "./examples/"+name)
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building examples/%s: %v\n%s", name, err, out)
	}
	return bin
}

// TestExamplesKeyless: the attest example signs keyless against the
// local services (cosign's flags: -identity-token, -signing-config,
// -trusted-root), and the verify example checks the bundle with the
// token's identity; another identity, issuer or artifact is rejected.
func TestExamplesKeyless(t *testing.T) {
	s := localStack(t)
	s.needV2(t)
	attestBin, verifyBin := exampleBinary(t, "attest"), exampleBinary(t, "verify")
	dir := t.TempDir()
	artifact := filepath.Join(dir, "app.tar.gz")
	if err := os.WriteFile(artifact, []byte("release contents\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	predicate := filepath.Join(dir, "predicate.json")
	if err := os.WriteFile(predicate, []byte(`{"result":"PASSED","configuration":[],"passedTests":["TestApp"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tok, err := s.mintToken(ctx(t), testEmail, "")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "app.sigstore.json")
	if code, o := run(t, attestBin, "-keyless", "-identity-token", tok, "-signing-config", s.signingConfig, "-trusted-root", s.trustedRootPath,
		"-predicate-type", "https://in-toto.io/attestation/test-result/v0.1", "-predicate", predicate, "-o", out, artifact); code != 0 {
		t.Fatalf("attest -keyless: exit %d\n%s", code, o)
	} else if strings.Contains(o, tok) {
		t.Fatal("attest printed the token")
	}
	verifyWith := func(identity, issuer, file string) (int, string) {
		return run(t, verifyBin, "-certificate-identity", identity, "-certificate-oidc-issuer", issuer,
			"-trusted-root", s.trustedRootPath, "-bundle", out, file)
	}
	if code, o := verifyWith(testEmail, s.issuer, artifact); code != 0 {
		t.Fatalf("verify rejected the attest example's bundle: exit %d\n%s", code, o)
	}
	if code, _ := verifyWith("mallory@example.test", s.issuer, artifact); code != 1 {
		t.Fatalf("another identity: exit %d, want 1", code)
	}
	if code, _ := verifyWith(testEmail, "https://accounts.google.com", artifact); code != 1 {
		t.Fatalf("another issuer: exit %d, want 1", code)
	}
	if code, _ := verifyWith(testEmail, s.issuer, predicate); code != 1 {
		t.Fatalf("another artifact: exit %d, want 1", code)
	}
}

// run runs the client and returns its exit code and output.
func run(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		if ee.ExitCode() < 0 {
			t.Fatalf("%s %s: killed by a signal\n%s", bin, args[0], out.String())
		}
		return ee.ExitCode(), out.String()
	case err != nil:
		t.Fatalf("%s: %v", bin, err)
	}
	if s := out.String(); strings.Contains(s, "panic:") {
		t.Fatalf("%s %s panicked:\n%s", bin, args[0], s)
	}
	return 0, out.String()
}

// TestConformanceRoundTrip signs with the conformance client's sign-bundle
// against the local services and checks its verify-bundle accepts the
// bundle, rejects it for another artifact or identity, and accepts a
// bundle made by package sign directly.
func TestConformanceRoundTrip(t *testing.T) {
	s := localStack(t)
	bin := conformanceClient(t)
	dir := t.TempDir()
	artifact := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(artifact, []byte("conformance round trip\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "b.txt")
	if err := os.WriteFile(other, []byte("something else\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tok, err := s.mintToken(ctx(t), testEmail, "")
	if err != nil {
		t.Fatal(err)
	}
	configs := map[string]string{"rekor-v2": s.signingConfig}
	if s.configV1 != "" {
		configs["rekor-v1"] = s.configV1
	}
	verify := func(bundlePath, file, identity string) (int, string) {
		return run(t, bin, "verify-bundle", "--bundle", bundlePath,
			"--certificate-identity", identity, "--certificate-oidc-issuer", s.issuer,
			"--trusted-root", s.trustedRootPath, file)
	}
	for name, sc := range configs {
		t.Run(name, func(t *testing.T) {
			b := filepath.Join(dir, name+".sigstore.json")
			if code, out := run(t, bin, "sign-bundle", "--identity-token", tok, "--bundle", b,
				"--signing-config", sc, "--trusted-root", s.trustedRootPath, artifact); code != 0 {
				t.Fatalf("sign-bundle: exit %d\n%s", code, out)
			} else if strings.Contains(out, tok) {
				t.Fatal("sign-bundle printed the token")
			}
			if code, out := verify(b, artifact, testEmail); code != 0 {
				t.Fatalf("verify-bundle rejected its own bundle: exit %d\n%s", code, out)
			}
			if code, _ := verify(b, other, testEmail); code == 0 {
				t.Fatal("verify-bundle accepted another artifact")
			}
			if code, _ := verify(b, artifact, "mallory@example.test"); code == 0 {
				t.Fatal("verify-bundle accepted another identity")
			}
		})
	}
	t.Run("bundle from package sign", func(t *testing.T) {
		s.needV2(t)
		k, err := sigstore.NewKeyless(sigstore.KeylessConfig{Token: s.tokens(testEmail), Services: s.services(2), TrustedRoot: s.ourRoot})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(artifact)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		bun, err := k.SignBlob(ctx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := bun.MarshalJSON()
		path := filepath.Join(dir, "api.sigstore.json")
		if err := os.WriteFile(path, j, 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out := verify(path, artifact, testEmail); code != 0 {
			t.Fatalf("verify-bundle: exit %d\n%s", code, out)
		}
	})
}
