package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/chainmail-dev/chainmail/sbom/internal/licensedetect"
)

// The cache's entry formats. Each names what its entries hold and the
// code that made them: a new detector writes a new name, so an old entry
// is never read as a new one.
const (
	licenseCacheFormat = "chainmail-license-cache-v1"
	zipCacheFormat     = "chainmail-zip-sha256-v1"
)

// maxCacheEntry bounds what is read of one cache entry.
const maxCacheEntry = 64 << 10

// WithCache keeps what an SBOM of Go modules derives from immutable
// module versions in dir, so that the next SBOM of the same build list
// reads it instead of deriving it again: the licenses detected in each
// module version, and the SHA-256 of each module zip. Entries are keyed
// by the module's path, version and go.sum h1 (a module without an h1, a
// replacement by a local directory, a vendored copy: never cached); a zip
// digest is used only while the zip still has the size it had when it
// was hashed. An entry that cannot be read or parsed is derived again and
// rewritten. Entries are written whole (a temporary file and a rename),
// so runs sharing dir concurrently are safe. "" (the default) disables
// it; the package never picks a directory of its own (examples/sbom uses
// the user cache directory).
func WithCache(dir string) Option {
	return func(o *genOptions) error { o.cache = dir; return nil }
}

type licenseCacheEntry struct {
	Format  string                `json:"format"`
	Key     string                `json:"key"`
	Matches []licensedetect.Match `json:"matches"`
}

type zipCacheEntry struct {
	Format string `json:"format"`
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// cachePath returns the file of an entry in dir.
func cachePath(dir, format, key string) string {
	sum := sha256.Sum256([]byte(format + "\x00" + key))
	return filepath.Join(dir, hex.EncodeToString(sum[:2]), hex.EncodeToString(sum[:])+".json")
}

// readEntry returns the bytes of an entry, or ok false.
func readEntry(dir, format, key string) ([]byte, bool) {
	f, err := os.Open(cachePath(dir, format, key))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCacheEntry+1))
	if err != nil || len(data) > maxCacheEntry {
		return nil, false
	}
	return data, true
}

// writeEntry writes an entry as JSON, whole or not at all.
func writeEntry(dir, format, key string, v any) error {
	path := cachePath(dir, format, key)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".entry-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	if err := errors.Join(werr, tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// loadLicenses returns the cached matches of key, or ok false.
func loadLicenses(dir, key string) (ms []licensedetect.Match, ok bool) {
	data, ok := readEntry(dir, licenseCacheFormat, key)
	if !ok {
		return nil, false
	}
	var e licenseCacheEntry
	if err := json.Unmarshal(data, &e); err != nil || e.Format != licenseCacheFormat || e.Key != key {
		return nil, false
	}
	for _, m := range e.Matches {
		if m.ID == "" || m.Confidence <= 0 || m.Confidence > 1 {
			return nil, false
		}
	}
	return e.Matches, true
}

// storeLicenses writes the matches of key.
func storeLicenses(dir, key string, ms []licensedetect.Match) error {
	if ms == nil {
		ms = []licensedetect.Match{}
	}
	return writeEntry(dir, licenseCacheFormat, key, licenseCacheEntry{Format: licenseCacheFormat, Key: key, Matches: ms})
}

// loadZipDigest returns the cached SHA-256 (hex) of the zip of key when
// it was taken of a zip of the given size.
func loadZipDigest(dir, key string, size int64) (string, bool) {
	data, ok := readEntry(dir, zipCacheFormat, key)
	if !ok {
		return "", false
	}
	var e zipCacheEntry
	if err := json.Unmarshal(data, &e); err != nil || e.Format != zipCacheFormat || e.Key != key || e.Size != size {
		return "", false
	}
	if b, err := hex.DecodeString(e.SHA256); err != nil || len(b) != sha256.Size || hex.EncodeToString(b) != e.SHA256 {
		return "", false
	}
	return e.SHA256, true
}

// storeZipDigest writes the SHA-256 of the zip of key.
func storeZipDigest(dir, key string, size int64, hexDigest string) error {
	return writeEntry(dir, zipCacheFormat, key, zipCacheEntry{Format: zipCacheFormat, Key: key, Size: size, SHA256: hexDigest})
}
