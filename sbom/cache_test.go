package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/sbom/internal/licensedetect"
)

// TestCache: an SBOM made with the cache (licenses and zip digests) is
// byte-identical to one made without, both when the cache is filled and
// when it is read; a corrupted entry, or a zip digest taken of a zip of
// another size, is derived again and rewritten, never trusted.
func TestCache(t *testing.T) {
	dir := t.TempDir()
	encode := func(opts ...Option) []byte {
		t.Helper()
		d, err := FromModule(context.Background(), repoRoot, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := Encode(&buf, d, CycloneDX16JSON); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	want := encode()
	if got := encode(WithCache(dir)); !bytes.Equal(got, want) {
		t.Fatal("filling the cache changed the SBOM")
	}
	entries := must(filepath.Glob(filepath.Join(dir, "*", "*.json")))
	if len(entries) < 100 {
		t.Fatalf("%d cache entries for this repository's modules", len(entries))
	}
	if got := encode(WithCache(dir)); !bytes.Equal(got, want) {
		t.Fatal("reading the cache changed the SBOM")
	}
	// The build list's entry: one file the next run reads whole.
	lists := func() []string {
		var out []string
		for _, e := range must(filepath.Glob(filepath.Join(dir, "*", "*.json"))) {
			var l buildListEntry
			if json.Unmarshal(must(os.ReadFile(e)), &l) == nil && l.Format == buildListFormat {
				out = append(out, e)
			}
		}
		return out
	}
	if n := len(lists()); n != 1 {
		t.Fatalf("%d build list entries, want 1", n)
	}
	listPath := lists()[0]
	var list buildListEntry
	if err := json.Unmarshal(must(os.ReadFile(listPath)), &list); err != nil {
		t.Fatal(err)
	}
	writeList := func(l buildListEntry) {
		t.Helper()
		if err := os.WriteFile(listPath, must(json.Marshal(l)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	withFacts := func(pv string, fn func(*moduleFacts)) buildListEntry {
		l := buildListEntry{Format: list.Format, Key: list.Key, Modules: map[string]moduleFacts{}}
		for k, f := range list.Modules {
			if k == pv {
				fn(&f)
			}
			l.Modules[k] = f
		}
		return l
	}
	var withH1, withoutH1 string // a module with a go.sum h1, one without
	for pv, f := range list.Modules {
		if f.ZipSHA256 == "" || !f.LicensesKnown {
			continue
		}
		if f.H1 != "" && (withH1 == "" || pv < withH1) {
			withH1 = pv
		}
		if f.H1 == "" && (withoutH1 == "" || pv < withoutH1) {
			withoutH1 = pv
		}
	}
	if withH1 == "" {
		t.Fatal("no module with a zip digest and licenses in the build list entry")
	}
	planted := strings.Repeat("ab", 32)
	plantedLicense := []licensedetect.Match{{ID: "0BSD", Confidence: 1, File: "PLANTED"}}
	for _, tc := range []struct {
		name string
		pv   string
		fn   func(*moduleFacts)
		used string // "" for: the SBOM is unchanged
	}{
		{"zip of another size", withH1, func(f *moduleFacts) { f.ZipSize++; f.ZipSHA256 = planted }, ""},
		{"another h1", withH1, func(f *moduleFacts) { f.H1 = "h1:x"; f.ZipSHA256 = planted; f.Licenses = plantedLicense }, ""},
		{"same size and h1", withH1, func(f *moduleFacts) { f.ZipSHA256 = planted }, planted},
		{"licenses, same h1", withH1, func(f *moduleFacts) { f.Licenses = plantedLicense }, "PLANTED"},
		{"licenses without h1, zip of another size", withoutH1, func(f *moduleFacts) { f.ZipSize++; f.Licenses = plantedLicense }, ""},
		{"licenses without h1, same zip size", withoutH1, func(f *moduleFacts) { f.Licenses = plantedLicense }, "PLANTED"},
	} {
		if tc.pv == "" {
			continue // no such module in this repository's build list
		}
		writeList(withFacts(tc.pv, tc.fn))
		got := encode(WithCache(dir))
		switch {
		case tc.used == "" && !bytes.Equal(got, want):
			t.Errorf("build list entry, %s: changed the SBOM", tc.name)
		case tc.used != "" && !bytes.Contains(got, []byte(tc.used)):
			t.Errorf("build list entry, %s: the cached value was not used", tc.name)
		}
		writeList(list)
	}
	// Behind it, the entries of each module: a zip digest is only for a
	// zip of the size it was taken of.
	zips := 0
	for _, e := range entries {
		var z zipCacheEntry
		if json.Unmarshal(must(os.ReadFile(e)), &z) != nil || z.Format != zipCacheFormat {
			continue
		}
		zips++
		for _, bad := range []zipCacheEntry{
			{Format: z.Format, Key: z.Key, Size: z.Size + 1, SHA256: strings.Repeat("0", 64)},
			{Format: z.Format, Key: z.Key, Size: z.Size, SHA256: strings.Repeat("G", 64)},
			{Format: z.Format, Key: z.Key, Size: z.Size, SHA256: strings.ToUpper(z.SHA256)},
		} {
			if err := os.WriteFile(e, must(json.Marshal(bad)), 0o644); err != nil {
				t.Fatal(err)
			}
			os.Remove(listPath)
			if got := encode(WithCache(dir)); !bytes.Equal(got, want) {
				t.Fatalf("zip entry %+v changed the SBOM", bad)
			}
		}
		// And it is what the next SBOM uses: a planted digest of the
		// right size comes back (the cache directory is the caller's
		// own, trusted as the module cache is).
		p := zipCacheEntry{Format: z.Format, Key: z.Key, Size: z.Size, SHA256: planted}
		if err := os.WriteFile(e, must(json.Marshal(p)), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(listPath)
		if got := encode(WithCache(dir)); !bytes.Contains(got, []byte(planted)) {
			t.Fatal("a cached zip digest was not used")
		}
		if err := os.WriteFile(e, must(json.Marshal(z)), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(listPath)
		break
	}
	if zips == 0 {
		t.Fatal("no zip digest entries")
	}
	// Corrupt every entry: wrong licenses must not come back.
	for i, e := range entries {
		bad := []byte(`{"format":"chainmail-license-cache-v1","key":"x","matches":[{"ID":"AGPL-3.0-only","Confidence":1,"File":"LICENSE"}]}`)
		if i%2 == 0 {
			bad = []byte("{not json")
		}
		if err := os.WriteFile(e, bad, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := encode(WithCache(dir)); !bytes.Equal(got, want) {
		t.Fatal("corrupted cache entries changed the SBOM")
	}
	if got := encode(WithCache(dir)); !bytes.Equal(got, want) {
		t.Fatal("rewritten cache entries changed the SBOM")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestGraphCacheKey: the module graph is cached only when its key covers
// everything it depends on; a local replacement or a workspace is never
// cached, and any change to go.mod, the toolchain or a GO* setting is a
// new key.
func TestGraphCacheKey(t *testing.T) {
	dir := t.TempDir()
	write := func(gomod string) {
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("module example.com/a\n\ngo 1.22\n\nrequire example.com/b v1.0.0\n")
	env := []string{"GOFLAGS=-mod=readonly", "HOME=/x", "GOWORK=off"}
	base := graphCacheKey(dir, "go1.26.8", env, false)
	if base == "" {
		t.Fatal("no key for a plain go.mod")
	}
	if graphCacheKey(dir, "go1.26.8", []string{"GOWORK=off", "HOME=/y", "GOFLAGS=-mod=readonly"}, false) != base {
		t.Error("the key depends on the order of the environment or on non-GO variables")
	}
	for name, k := range map[string]string{
		"another toolchain": graphCacheKey(dir, "go1.26.7", env, false),
		"another GOFLAGS":   graphCacheKey(dir, "go1.26.8", []string{"GOFLAGS=-mod=mod", "GOWORK=off"}, false),
		"a GO* variable":    graphCacheKey(dir, "go1.26.8", append(slices.Clone(env), "GOEXPERIMENT=x"), false),
	} {
		if k == base || k == "" {
			t.Errorf("%s: key %q, base %q", name, k, base)
		}
	}
	if graphCacheKey(dir, "go1.26.8", env, true) != "" {
		t.Error("a workspace graph is cached")
	}
	if graphCacheKey(dir, "", env, false) != "" {
		t.Error("cached without knowing the toolchain")
	}
	write("module example.com/a\n\ngo 1.22\n\nrequire example.com/b v1.0.1\n")
	if k := graphCacheKey(dir, "go1.26.8", env, false); k == base || k == "" {
		t.Error("a changed go.mod keeps the key")
	}
	for _, repl := range []string{"=> ../b", "=> ./b", "=> /src/b", `=> C:\src\b`, "=>../b"} {
		write("module example.com/a\n\ngo 1.22\n\nrequire example.com/b v1.0.0\n\nreplace example.com/b " + repl + "\n")
		if k := graphCacheKey(dir, "go1.26.8", env, false); k != "" {
			t.Errorf("replace %s: cached", repl)
		}
	}
	write("module example.com/a\n\ngo 1.22\n\nrequire example.com/b v1.0.0\n\nreplace example.com/b => example.com/c v1.2.3\n")
	if k := graphCacheKey(dir, "go1.26.8", env, false); k == "" {
		t.Error("a module replacement is not cached")
	}
	os.Remove(filepath.Join(dir, "go.mod"))
	if graphCacheKey(dir, "go1.26.8", env, false) != "" {
		t.Error("cached without a go.mod")
	}
}
