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
func conformanceClient(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join("..", "..", "examples", "conformance")); err != nil {
		t.Skip("examples/conformance is not in this checkout")
	}
	bin := filepath.Join(t.TempDir(), "conformance")
	cmd := exec.Command("go", "build", "-o", bin, "./examples/conformance")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building examples/conformance: %v\n%s", err, out)
	}
	return bin
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
