package sbom

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestLicenseCache: an SBOM made with the license cache is byte-identical
// to one made without, both when the cache is filled and when it is read;
// a corrupted entry is detected again and rewritten, never trusted.
func TestLicenseCache(t *testing.T) {
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
	if got := encode(WithLicenseCache(dir)); !bytes.Equal(got, want) {
		t.Fatal("filling the cache changed the SBOM")
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if len(entries) < 100 {
		t.Fatalf("%d cache entries for this repository's modules", len(entries))
	}
	if got := encode(WithLicenseCache(dir)); !bytes.Equal(got, want) {
		t.Fatal("reading the cache changed the SBOM")
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
	if got := encode(WithLicenseCache(dir)); !bytes.Equal(got, want) {
		t.Fatal("corrupted cache entries changed the SBOM")
	}
	if got := encode(WithLicenseCache(dir)); !bytes.Equal(got, want) {
		t.Fatal("rewritten cache entries changed the SBOM")
	}
}
