package intoto_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/intoto"
)

// The in-toto-golang test data (../testdata/vectors/attest/INDEX.md).
const data = "../../testdata/vectors/attest/in-toto-golang/test-data"

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func vec(name string) string { return filepath.Join(data, name) }

// copyLinks copies the named link files into a new directory.
func copyLinks(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(vec(n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var dsseLinks = []string{"clone-dsse.776a00e2.link", "update-version-dsse.776a00e2.link", "package-dsse.2f89b927.link"}

func TestVerifyDSSEChain(t *testing.T) {
	cfg := intoto.Config{Layout: vec("dsse-only.root.layout"), LayoutKeys: []string{vec("alice.pub")}, LinkDir: copyLinks(t, dsseLinks...)}
	s, err := intoto.Verify(cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Steps) != 3 || s.Products["demo-project.tar.gz"]["sha256"] == "" {
		t.Fatalf("summary %+v", s)
	}
	// After the layout's expiry (2030-06-03): refused, by the caller's clock.
	if _, err := intoto.Verify(cfg, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, intoto.ErrLayout) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired layout: %v", err)
	}
	if _, err := intoto.Verify(cfg, time.Time{}); !errors.Is(err, policy.ErrNoClock) {
		t.Errorf("no time: %v", err)
	}
	// A missing step's link, the wrong layout key, a tampered link.
	missing := cfg
	missing.LinkDir = copyLinks(t, dsseLinks[:2]...)
	wrongKey := cfg
	wrongKey.LayoutKeys = []string{vec("carol.pub")}
	tampered := cfg
	tampered.LinkDir = copyLinks(t, dsseLinks...)
	p := filepath.Join(tampered.LinkDir, dsseLinks[2])
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), "\"payload\": \"", "\"payload\": \"e", 1)), 0o644)
	for name, c := range map[string]intoto.Config{"missing link": missing, "wrong layout key": wrongKey, "tampered link": tampered} {
		if _, err := intoto.Verify(c, now); !errors.Is(err, intoto.ErrLayout) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestInspectionsNotRunByDefault: the demo layout's inspection runs
// "tar xfz foo.tar.gz"; without the opt-in nothing runs and it fails.
func TestInspectionsNotRunByDefault(t *testing.T) {
	cfg := intoto.Config{Layout: vec("demo.layout"), LayoutKeys: []string{vec("alice.pub")},
		LinkDir: copyLinks(t, "write-code.b7d643de.link", "package.d3ffd108.link")}
	_, err := intoto.Verify(cfg, now)
	if !errors.Is(err, intoto.ErrInspections) || !strings.Contains(err.Error(), "tar") {
		t.Fatalf("err = %v, want ErrInspections naming the command", err)
	}
}

// TestRule: the chain as a policy rule over the artifact.
func TestRule(t *testing.T) {
	cfg := intoto.Config{Layout: vec("dsse-only.root.layout"), LayoutKeys: []string{vec("alice.pub")}, LinkDir: copyLinks(t, dsseLinks...)}
	s, err := intoto.Verify(cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	d, err := digest.FromHex(digest.SHA256, s.Products["demo-project.tar.gz"]["sha256"])
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.New("chain", intoto.Rule(cfg), policy.AllowEmptyEvidence())
	if err != nil {
		t.Fatal(err)
	}
	ev, err := policy.NewEvidence(digest.NewSet(d), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Decide(ev, now); err != nil {
		t.Errorf("the chain's product: %v", err)
	}
	other, _ := digest.FromBytes([]byte("other"), digest.SHA256)
	ev2, _ := policy.NewEvidence(digest.NewSet(other), nil)
	if _, err := p.Decide(ev2, now); !errors.Is(err, intoto.ErrLayout) || !strings.Contains(err.Error(), "demo-project.tar.gz") {
		t.Errorf("another artifact: %v", err)
	}
	if _, err := p.Decide(ev, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, policy.ErrDenied) {
		t.Errorf("after expiry: %v", err)
	}
	if _, err := policy.New("p", intoto.Rule(intoto.Config{})); !errors.Is(err, policy.ErrInvalidPolicy) {
		t.Errorf("empty config: %v", err)
	}
}
