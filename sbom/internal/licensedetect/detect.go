// Package licensedetect finds and identifies the license files of a Go
// module directory, offline.
//
// Identification has two stages. The first is fast: the file's words
// (lower-cased, copyright lines dropped) are compared as a set with each
// template's words (Sørensen-Dice, the method of GitHub's licensee); a
// score of at least FastThreshold against one template, with a clear lead
// over the runner-up, identifies the file. Almost every Go module's
// LICENSE is a verbatim MIT, Apache-2.0 or BSD text and stops here, in
// microseconds. Files the first stage cannot decide (several licenses in
// one file, a license header, an edited text) go to
// github.com/google/licenseclassifier/v2, loaded once with the same
// templates (a subset of its corpus: the licenses seen in Go modules).
//
// Results are cached by the file's SHA-256 for the life of the process.
package licensedetect

import (
	"crypto/sha256"
	"embed"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	classifier "github.com/google/licenseclassifier/v2"
)

//go:embed templates
var templateFS embed.FS

// Match is one license found in one file.
type Match struct {
	// ID is the SPDX license identifier.
	ID string
	// Confidence is in (0, 1].
	Confidence float64
	// File is the file's name, relative to the directory searched.
	File string
}

// FastThreshold is the Dice score the fast stage needs.
const FastThreshold = 0.96

// MinConfidence is the classifier confidence below which a match is
// dropped.
const MinConfidence = 0.85

// maxFileBytes bounds one license file read.
const maxFileBytes = 512 << 10

// Detect returns the licenses of the files directly in dir whose names
// are license file names (LICENSE, COPYING, LICENSE.md, LICENSE-APACHE,
// ...), sorted by file then ID. A directory that cannot be read yields
// nothing.
func Detect(dir string) []Match {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []Match
	for _, e := range entries {
		if e.IsDir() || !IsLicenseFile(e.Name()) {
			continue
		}
		if !e.Type().IsRegular() {
			continue // no symlinks out of the module (SECURITY.md C101)
		}
		b, err := readFile(filepath.Join(dir, e.Name()))
		if err != nil || len(b) == 0 {
			continue
		}
		for _, m := range Identify(b) {
			m.File = e.Name()
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, maxFileBytes)
	n, err := f.Read(b)
	if n == 0 && err != nil {
		return nil, err
	}
	for n < len(b) {
		m, err := f.Read(b[n:])
		n += m
		if err != nil || m == 0 {
			break
		}
	}
	return b[:n], nil
}

// IsLicenseFile reports whether a file name is a license file name, as
// pkg.go.dev recognizes them.
func IsLicenseFile(name string) bool {
	n := strings.ToUpper(name)
	for _, ext := range []string{".MD", ".TXT", ".MARKDOWN", ".RST"} {
		n = strings.TrimSuffix(n, ext)
	}
	switch n {
	case "LICENSE", "LICENCE", "COPYING", "UNLICENSE", "UNLICENCE", "LICENSE.CODE", "LICENCE.CODE",
		"MIT-LICENSE", "MIT-LICENCE", "MIT_LICENSE", "MIT_LICENCE", "LICENSE.MIT", "LICENCE.MIT",
		"LICENSE-MIT", "LICENCE-MIT", "LICENSE-APACHE", "LICENCE-APACHE", "LICENSE-APACHE-2.0",
		"LICENCE-APACHE-2.0", "LICENSE-2.0", "LICENCE-2.0", "COPYRIGHT":
		return true
	}
	return false
}

var cache sync.Map // [32]byte -> []Match

// slowCalls counts texts the fast stage could not decide (for tests and
// benchmarks).
var slowCalls atomic.Int64

// slowMu serializes the classifier, which does not document itself as
// safe for concurrent use.
var slowMu sync.Mutex

// SlowCalls returns how many texts needed the classifier so far.
func SlowCalls() int64 { return slowCalls.Load() }

// Identify returns the licenses in one license text (File unset).
func Identify(text []byte) []Match {
	key := sha256.Sum256(text)
	if v, ok := cache.Load(key); ok {
		return slices.Clone(v.([]Match))
	}
	ms := identify(text)
	cache.Store(key, ms)
	return slices.Clone(ms)
}

func identify(text []byte) []Match {
	if id, score, ok := fastMatch(text); ok {
		return []Match{{ID: id, Confidence: score}}
	}
	slowCalls.Add(1)
	c := slowClassifier()
	if c == nil {
		return nil
	}
	slowMu.Lock()
	res := c.Match(text)
	slowMu.Unlock()
	best := map[string]float64{}
	for _, m := range res.Matches {
		if m.MatchType != "License" && m.MatchType != "Header" {
			continue
		}
		if m.Confidence < MinConfidence {
			continue
		}
		if m.Confidence > best[m.Name] {
			best[m.Name] = m.Confidence
		}
	}
	var out []Match
	for id, conf := range best {
		out = append(out, Match{ID: spdxID(id), Confidence: round(conf)})
	}
	slices.SortFunc(out, func(a, b Match) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// spdxID maps licenseclassifier names to SPDX identifiers.
func spdxID(name string) string {
	switch name {
	case "BSD-0-Clause":
		return "0BSD"
	}
	return name
}

type template struct {
	id    string
	words map[string]struct{}
}

var fastTemplates = sync.OnceValue(func() []template {
	var out []template
	ents, _ := templateFS.ReadDir("templates/License")
	for _, e := range ents {
		b, err := templateFS.ReadFile(path.Join("templates/License", e.Name(), "pristine.txt"))
		if err != nil {
			continue
		}
		out = append(out, template{id: spdxID(e.Name()), words: wordSet(b)})
	}
	return out
})

// fastMatch compares word sets. It answers only when one template scores
// at least FastThreshold and the runner-up (of a different license) is
// clearly behind.
func fastMatch(text []byte) (string, float64, bool) {
	w := wordSet(text)
	if len(w) == 0 {
		return "", 0, false
	}
	bestID, best, second := "", 0.0, 0.0
	for _, t := range fastTemplates() {
		common := 0
		for k := range t.words {
			if _, ok := w[k]; ok {
				common++
			}
		}
		score := 2 * float64(common) / float64(len(w)+len(t.words))
		switch {
		case score > best:
			second, best, bestID = best, score, t.id
		case score > second:
			second = score
		}
	}
	if best >= FastThreshold && best-second >= 0.02 {
		return bestID, round(best), true
	}
	return "", 0, false
}

// wordSet normalizes a license text: lower case, "licence" spelled
// "license", copyright and "all rights reserved" lines dropped, and the
// words of letters and digits kept.
func wordSet(text []byte) map[string]struct{} {
	out := map[string]struct{}{}
	for _, line := range strings.Split(strings.ToLower(string(text)), "\n") {
		l := strings.TrimSpace(line)
		l = strings.TrimLeft(l, "#*/-=> \t")
		if strings.HasPrefix(l, "copyright") || strings.HasPrefix(l, "(c)") || strings.HasPrefix(l, "©") ||
			strings.HasPrefix(l, "all rights reserved") {
			continue
		}
		start := -1
		for i := 0; i <= len(l); i++ {
			alnum := i < len(l) && (l[i] >= 'a' && l[i] <= 'z' || l[i] >= '0' && l[i] <= '9')
			if alnum && start < 0 {
				start = i
			}
			if !alnum && start >= 0 {
				word := l[start:i]
				if word == "licence" {
					word = "license"
				}
				out[word] = struct{}{}
				start = -1
			}
		}
	}
	return out
}

var slowClassifier = sync.OnceValue(func() *classifier.Classifier {
	c := classifier.NewClassifier(MinConfidence)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		parts := strings.Split(p, "/")
		if len(parts) != 4 {
			return nil
		}
		b, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		c.AddContent(parts[1], parts[2], parts[3], b)
		return nil
	})
	if err != nil {
		return nil
	}
	return c
})
