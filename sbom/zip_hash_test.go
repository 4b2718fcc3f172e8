package sbom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModuleZipHashes: a module component's SHA-256 is the SHA-256 of
// the module zip the module proxy serves (the module cache's copy),
// checked here with crypto/sha256 on the file; a module whose zip is not
// in the cache has no hash, never the go.sum h1 under that label.
func TestModuleZipHashes(t *testing.T) {
	cache := strings.TrimSpace(goCmd(t, repoRoot, "env", "GOMODCACHE"))
	d, err := FromModule(context.Background(), repoRoot, WithLicenses(false))
	if err != nil {
		t.Fatal(err)
	}
	hashed, missing := 0, 0
	for _, c := range d.Components {
		if c.Kind != KindLibrary || c.Name == "stdlib" {
			continue
		}
		path, version := c.Name, c.Version
		if r, ok := c.Property(PropGoReplace); ok {
			path, version, _ = strings.Cut(r, "@")
		}
		zip := filepath.Join(cache, "cache", "download", filepath.FromSlash(escapeModPath(path)), "@v", escapeModPath(version)+".zip")
		data, err := os.ReadFile(zip)
		got := c.Hash(SHA256)
		switch {
		case err != nil && got != "":
			t.Errorf("%s: SHA-256 %s without a zip in the cache", c.Name, got)
		case err != nil:
			missing++
		default:
			sum := sha256.Sum256(data)
			if want := hex.EncodeToString(sum[:]); got != want {
				t.Errorf("%s: SHA-256 %s, the zip's is %s", c.Name, got, want)
			}
			hashed++
		}
	}
	if hashed == 0 {
		t.Fatalf("no module zip hashed (%d without a zip in the cache)", missing)
	}
	t.Logf("%d modules hashed from their zips, %d without a zip in the cache", hashed, missing)
}
