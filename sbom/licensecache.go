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

// licenseCacheFormat names the format of the license cache's entries and
// the detector that made them: a new detector writes a new name, so an
// old entry is never read as a new one.
const licenseCacheFormat = "chainmail-license-cache-v1"

// maxLicenseCacheEntry bounds what is read of one cache entry.
const maxLicenseCacheEntry = 64 << 10

// WithLicenseCache keeps the licenses detected in each module version in
// dir, so that the next SBOM of the same build list reads them instead of
// detecting them again: a module version is immutable, and the entry is
// keyed by its path, version and go.sum h1 (a module without an h1, a
// replacement by a local directory, a vendored copy: never cached). An
// entry that cannot be read or parsed is detected again and rewritten.
// Entries are written whole (a temporary file and a rename), so runs
// sharing dir concurrently are safe. "" (the default) disables it; the
// package never picks a directory of its own (examples/sbom uses the
// user cache directory).
func WithLicenseCache(dir string) Option {
	return func(o *genOptions) error { o.licenseCache = dir; return nil }
}

type licenseCacheEntry struct {
	Format  string                `json:"format"`
	Key     string                `json:"key"`
	Matches []licensedetect.Match `json:"matches"`
}

// licenseCachePath returns the file of key in dir.
func licenseCachePath(dir, key string) string {
	sum := sha256.Sum256([]byte(licenseCacheFormat + "\x00" + key))
	return filepath.Join(dir, hex.EncodeToString(sum[:2]), hex.EncodeToString(sum[:])+".json")
}

// loadLicenses returns the cached matches of key, or ok false.
func loadLicenses(dir, key string) (ms []licensedetect.Match, ok bool) {
	f, err := os.Open(licenseCachePath(dir, key))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxLicenseCacheEntry+1))
	if err != nil || len(data) > maxLicenseCacheEntry {
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

// storeLicenses writes the matches of key, whole or not at all.
func storeLicenses(dir, key string, ms []licensedetect.Match) error {
	path := licenseCachePath(dir, key)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if ms == nil {
		ms = []licensedetect.Match{}
	}
	data, err := json.Marshal(licenseCacheEntry{Format: licenseCacheFormat, Key: key, Matches: ms})
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
