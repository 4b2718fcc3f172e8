package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	entries, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if len(entries) < 100 {
		t.Fatalf("%d cache entries for this repository's modules", len(entries))
	}
	if got := encode(WithCache(dir)); !bytes.Equal(got, want) {
		t.Fatal("reading the cache changed the SBOM")
	}
	// A zip digest is only for a zip of the size it was taken of.
	zips := 0
	for _, e := range entries {
		data, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		var z zipCacheEntry
		if json.Unmarshal(data, &z) != nil || z.Format != zipCacheFormat {
			continue
		}
		zips++
		for _, bad := range []zipCacheEntry{
			{Format: z.Format, Key: z.Key, Size: z.Size + 1, SHA256: strings.Repeat("0", 64)},
			{Format: z.Format, Key: z.Key, Size: z.Size, SHA256: strings.Repeat("G", 64)},
			{Format: z.Format, Key: z.Key, Size: z.Size, SHA256: strings.ToUpper(z.SHA256)},
		} {
			b, _ := json.Marshal(bad)
			if err := os.WriteFile(e, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := encode(WithCache(dir)); !bytes.Equal(got, want) {
				t.Fatalf("zip entry %+v changed the SBOM", bad)
			}
		}
		// And it is what the next SBOM uses: a planted digest of the
		// right size comes back (the cache directory is the caller's
		// own, trusted as the module cache is).
		planted := zipCacheEntry{Format: z.Format, Key: z.Key, Size: z.Size, SHA256: strings.Repeat("ab", 32)}
		b, _ := json.Marshal(planted)
		if err := os.WriteFile(e, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := encode(WithCache(dir)); !bytes.Contains(got, []byte(planted.SHA256)) {
			t.Fatal("a cached zip digest was not used")
		}
		b, _ = json.Marshal(z)
		if err := os.WriteFile(e, b, 0o644); err != nil {
			t.Fatal(err)
		}
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
