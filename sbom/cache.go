package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/chainmail-dev/chainmail/internal/fsutil"
	"github.com/chainmail-dev/chainmail/internal/limits"
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
// module version, the SHA-256 of each module zip, and the module graph
// (`go mod graph`) of a go.mod. Entries are keyed by the module's path,
// version and h1 (go.sum's, else the module cache's record of the zip;
// a replacement by a local directory, a vendored copy: never cached); a
// zip digest is used only while the zip still has the size it had when
// it was hashed; a module graph by the go.mod's bytes, the toolchain and
// its GO* settings (a go.mod with a local replacement, a workspace: never
// cached). One entry per build list holds what a run found for every
// module, so a repeated SBOM reads one file. An entry that cannot be read or parsed is derived again and
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

// readEntry returns the bytes of an entry of at most max bytes, or ok
// false.
func readEntry(dir, format, key string, max int) ([]byte, bool) {
	f, err := os.Open(cachePath(dir, format, key))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	data, err := limits.ReadAll(f, int64(max))
	return data, err == nil
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
	return fsutil.WriteFile(path, data, 0o644)
}

// loadLicenses returns the cached matches of key, or ok false.
func loadLicenses(dir, key string) (ms []licensedetect.Match, ok bool) {
	data, ok := readEntry(dir, licenseCacheFormat, key, maxCacheEntry)
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
	data, ok := readEntry(dir, zipCacheFormat, key, maxCacheEntry)
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

// buildListFormat names the build list entries: what one SBOM run found
// for every module of its build list, read back whole by the next run of
// the same list, so a repeated SBOM opens one cache file instead of two
// per module. Each module's facts there are used only while its go.sum h1
// and its zip's size are what they were.
const buildListFormat = "chainmail-build-list-v1"

// maxBuildListEntry bounds a build list entry (about 300 bytes a module).
const maxBuildListEntry = 16 << 20

type buildListEntry struct {
	Format  string                 `json:"format"`
	Key     string                 `json:"key"`
	Modules map[string]moduleFacts `json:"modules"`
}

// moduleFacts is what a run found for one module version ("path@version").
type moduleFacts struct {
	H1        string `json:"h1,omitempty"` // go.sum's h1 then ("" if none)
	ZipSize   int64  `json:"zipSize,omitempty"`
	ZipSHA256 string `json:"zipSHA256,omitempty"`
	// Licenses are the detected licenses, when LicensesKnown.
	Licenses      []licensedetect.Match `json:"licenses,omitempty"`
	LicensesKnown bool                  `json:"licensesKnown,omitempty"`
}

// runCache is WithCache for one SBOM run: the build list's entry read at
// the start (prev), the facts this run used or found (next), written back
// at the end when they differ.
type runCache struct {
	dir, key string
	prev     map[string]moduleFacts
	mu       sync.Mutex
	next     map[string]moduleFacts
	changed  bool
}

// openRunCache reads the entry of the build list whose module keys
// ("path@version h1", sorted) are given.
func openRunCache(dir string, modules []string) *runCache {
	h := sha256.New()
	for _, m := range modules {
		h.Write([]byte(m + "\n"))
	}
	rc := &runCache{dir: dir, key: hex.EncodeToString(h.Sum(nil)), next: map[string]moduleFacts{}}
	data, ok := readEntry(dir, buildListFormat, rc.key, maxBuildListEntry)
	var e buildListEntry
	if !ok || json.Unmarshal(data, &e) != nil || e.Format != buildListFormat || e.Key != rc.key {
		rc.changed = true
		return rc
	}
	rc.prev = e.Modules
	return rc
}

// facts returns what the previous run found for a module, if its h1 is
// the same.
func (rc *runCache) facts(pv, h1 string) (moduleFacts, bool) {
	if rc == nil {
		return moduleFacts{}, false
	}
	f, ok := rc.prev[pv]
	return f, ok && f.H1 == h1
}

// licenses returns the licenses the previous run found for a module, if
// its h1 is the same and, for a module without one, its zip has the size
// it had then (hashModuleZips records this run's size first).
func (rc *runCache) licenses(pv, h1 string) ([]licensedetect.Match, bool) {
	f, ok := rc.facts(pv, h1)
	if !ok || !f.LicensesKnown {
		return nil, false
	}
	if h1 == "" {
		rc.mu.Lock()
		now := rc.next[pv]
		rc.mu.Unlock()
		if now.ZipSize == 0 || now.ZipSize != f.ZipSize {
			return nil, false
		}
	}
	return f.Licenses, true
}

// update records what this run found for a module.
func (rc *runCache) update(pv string, fn func(*moduleFacts)) {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	f := rc.next[pv]
	fn(&f)
	rc.next[pv] = f
}

// close writes the build list's entry when this run found anything the
// previous one did not.
func (rc *runCache) close() {
	if rc == nil {
		return
	}
	if !rc.changed && len(rc.next) == len(rc.prev) {
		same := true
		for k, f := range rc.next {
			p, ok := rc.prev[k]
			if !ok || !sameFacts(p, f) {
				same = false
				break
			}
		}
		if same {
			return
		}
	}
	_ = writeEntry(rc.dir, buildListFormat, rc.key, buildListEntry{Format: buildListFormat, Key: rc.key, Modules: rc.next}) // only costs time if it fails
}

func sameFacts(a, b moduleFacts) bool {
	return a.H1 == b.H1 && a.ZipSize == b.ZipSize && a.ZipSHA256 == b.ZipSHA256 && a.LicensesKnown == b.LicensesKnown && slices.Equal(a.Licenses, b.Licenses)
}

// graphCacheFormat names the module graph entries: `go mod graph`'s
// output, a function of the main go.mod (and go.work), the go.mod files
// of module versions (immutable), the toolchain and its GO* settings.
const graphCacheFormat = "chainmail-mod-graph-v1"

// maxGraphEntry bounds a module graph entry.
const maxGraphEntry = 64 << 20

type graphCacheEntry struct {
	Format string `json:"format"`
	Key    string `json:"key"`
	Graph  string `json:"graph"`
}

// localReplaceRE finds a replacement by a local directory, whose go.mod
// can change under the same module path: a graph with one is not cached.
var localReplaceRE = regexp.MustCompile(`=>\s*(\.|/|[A-Za-z]:[\\/]|\\)`)

// graphCacheKey returns the key of the module graph of the main module in
// dir as the toolchain goVersion sees it with the environment env, or ""
// when it cannot be cached (no go.mod in dir, a local replacement, a
// go.mod or go.work that cannot be read).
func graphCacheKey(dir, goVersion string, env []string, workspace bool) string {
	if goVersion == "" {
		return ""
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || len(gomod) > maxCacheEntry*16 || localReplaceRE.Match(gomod) {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(goVersion + "\x00"))
	var goVars []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "GO") {
			goVars = append(goVars, kv)
		}
	}
	slices.Sort(goVars)
	for _, kv := range goVars {
		h.Write([]byte(kv + "\x00"))
	}
	h.Write(gomod)
	if workspace {
		return "" // go.work names other modules' directories: never cached
	}
	return hex.EncodeToString(h.Sum(nil))
}

// loadGraph returns the cached module graph of key.
func loadGraph(dir, key string) ([]byte, bool) {
	data, ok := readEntry(dir, graphCacheFormat, key, maxGraphEntry)
	if !ok {
		return nil, false
	}
	var e graphCacheEntry
	if json.Unmarshal(data, &e) != nil || e.Format != graphCacheFormat || e.Key != key {
		return nil, false
	}
	return []byte(e.Graph), true
}

// storeGraph writes the module graph of key.
func storeGraph(dir, key string, graph []byte) error {
	return writeEntry(dir, graphCacheFormat, key, graphCacheEntry{Format: graphCacheFormat, Key: key, Graph: string(graph)})
}
