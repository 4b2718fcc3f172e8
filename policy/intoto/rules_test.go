package intoto_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	in_toto "github.com/in-toto/in-toto-golang/in_toto"

	"github.com/chainmail-dev/chainmail/policy/intoto"
	"github.com/chainmail-dev/chainmail/sign"
)

// chain writes a layout with one step, "build", whose products must pass
// rules, signed by a fresh key, and the step's link reporting products;
// it returns the config that verifies them.
func chain(t *testing.T, rules [][]string, products ...string) intoto.Config {
	t.Helper()
	dir := t.TempDir()
	k, err := sign.GenerateKey(sign.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	privPEM, err := sign.MarshalPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := sign.MarshalPublicKey(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	privPath, pubPath := filepath.Join(dir, "key"), filepath.Join(dir, "key.pub")
	os.WriteFile(privPath, privPEM, 0o600)
	os.WriteFile(pubPath, pubPEM, 0o644)
	var priv, pub in_toto.Key
	if err := priv.LoadKeyDefaults(privPath); err != nil {
		t.Fatal(err)
	}
	if err := pub.LoadKeyDefaults(pubPath); err != nil {
		t.Fatal(err)
	}
	layout := in_toto.Metablock{Signed: in_toto.Layout{
		Type: "layout", Expires: "2030-01-01T00:00:00Z", Keys: map[string]in_toto.Key{pub.KeyID: pub},
		Steps: []in_toto.Step{{Type: "step", PubKeys: []string{pub.KeyID}, Threshold: 1,
			SupplyChainItem: in_toto.SupplyChainItem{Name: "build", ExpectedMaterials: [][]string{{"ALLOW", "*"}}, ExpectedProducts: rules}}},
		Inspect: []in_toto.Inspection{},
	}}
	if err := layout.Sign(priv); err != nil {
		t.Fatal(err)
	}
	if err := layout.Dump(filepath.Join(dir, "root.layout")); err != nil {
		t.Fatal(err)
	}
	prods := map[string]in_toto.HashObj{}
	for _, p := range products {
		prods[p] = in_toto.HashObj{"sha256": strings.Repeat("ab", 32)}
	}
	link := in_toto.Metablock{Signed: in_toto.Link{Type: "link", Name: "build", Materials: map[string]in_toto.HashObj{},
		Products: prods, ByProducts: map[string]any{}, Command: []string{}, Environment: map[string]any{}}}
	if err := link.Sign(priv); err != nil {
		t.Fatal(err)
	}
	if err := link.Dump(filepath.Join(dir, "build."+pub.KeyID[:8]+".link")); err != nil {
		t.Fatal(err)
	}
	return intoto.Config{Layout: filepath.Join(dir, "root.layout"), LayoutKeys: []string{pubPath}, LinkDir: dir}
}

// TestAdversarial_C85_PathAndGlobSemantics: DISALLOW cannot be bypassed
// by unclean paths, and "!" negates a character class, as in
// in-toto-python (in-toto-golang GHSA-vrxp-mg9f-hwf3, GHSA-pmwq-pjrm-6p5r).
func TestAdversarial_C85_PathAndGlobSemantics(t *testing.T) {
	disallowFoo := [][]string{{"DISALLOW", "foo"}, {"ALLOW", "*"}}
	for _, tc := range []struct {
		name     string
		rules    [][]string
		products []string
		ok       bool
	}{
		{"allowed", disallowFoo, []string{"bar"}, true},
		{"foo", disallowFoo, []string{"foo"}, false},
		{"dir/../foo", disallowFoo, []string{"dir/../foo"}, false},
		{"./foo", disallowFoo, []string{"./foo"}, false},
		{"foo/", disallowFoo, []string{"foo/"}, false},
		{"[!b]oo negates", [][]string{{"DISALLOW", "[!b]oo"}, {"ALLOW", "*"}}, []string{"foo"}, false},
		{"[!f]oo negates", [][]string{{"DISALLOW", "[!f]oo"}, {"ALLOW", "*"}}, []string{"foo"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := intoto.Verify(chain(t, tc.rules, tc.products...), now)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, intoto.ErrLayout) {
				t.Errorf("%v does not match ErrLayout", err)
			}
		})
	}
}

// TestAdversarial_C88_GlobDoS: a pattern made to backtrack against a long
// path is matched in linear time (it returns; the DISALLOW holds).
func TestAdversarial_C88_GlobDoS(t *testing.T) {
	long := strings.Repeat("a", 100000)
	cfg := chain(t, [][]string{{"DISALLOW", "a*a*a*a*a*a*a*a*a"}, {"ALLOW", "*"}}, long)
	if _, err := intoto.Verify(cfg, now); !errors.Is(err, intoto.ErrLayout) {
		t.Fatalf("err = %v", err)
	}
	cfg = chain(t, [][]string{{"DISALLOW", "a*a*a*a*a*a*a*a*b"}, {"ALLOW", "*"}}, long)
	if _, err := intoto.Verify(cfg, now); err != nil {
		t.Fatalf("err = %v", err)
	}
}

// TestAdversarial_C84_StepNames: links are matched to steps by exact,
// case-sensitive name: a link of "BUILD" or "build-evil" is no link of
// "build".
func TestAdversarial_C84_StepNames(t *testing.T) {
	cfg := chain(t, [][]string{{"ALLOW", "*"}}, "app")
	entries, _ := os.ReadDir(cfg.LinkDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "build.") {
			for _, alias := range []string{"BUILD", "build-evil"} {
				dir := t.TempDir()
				b, _ := os.ReadFile(filepath.Join(cfg.LinkDir, e.Name()))
				os.WriteFile(filepath.Join(dir, alias+strings.TrimPrefix(e.Name(), "build")), b, 0o644)
				c := cfg
				c.LinkDir = dir
				if _, err := intoto.Verify(c, now); !errors.Is(err, intoto.ErrLayout) {
					t.Errorf("link named %s: %v", alias, err)
				}
			}
		}
	}
}
