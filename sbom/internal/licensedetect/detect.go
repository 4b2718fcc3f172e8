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
// Results are cached by the file's SHA-256 for the life of the process, up
// to maxCacheEntries distinct texts; past that, results are computed but
// not cached, so memory stays bounded.
package licensedetect

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"io"
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
const FastThreshold = 0.93

// fastLead is how far the fast stage's best template must be ahead of
// the runner-up (BSD-2-Clause and BSD-3-Clause texts are close).
const fastLead = 0.03

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
	return io.ReadAll(io.LimitReader(f, maxFileBytes))
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
		"LICENCE-APACHE-2.0", "LICENSE-2.0", "LICENCE-2.0":
		return true
	}
	return false
}

// maxCacheEntries bounds the result cache. A module graph has a few
// hundred distinct license texts; past the bound new results are simply
// not cached.
const maxCacheEntries = 4096

// cache holds Identify's results by the text's SHA-256.
var cache = resultCache{max: maxCacheEntries}

// resultCache maps SHA-256 digests to matches. It holds at most max
// entries, keeps them for the life of the process, and is safe for
// concurrent use.
type resultCache struct {
	mu  sync.RWMutex
	max int
	m   map[[32]byte][]Match
}

// get returns the cached matches of the key; the caller must not modify
// them.
func (c *resultCache) get(key [32]byte) ([]Match, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ms, ok := c.m[key]
	return ms, ok
}

// put caches the matches of the key unless the cache is full (or the key
// is already there).
func (c *resultCache) put(key [32]byte, ms []Match) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; ok || len(c.m) >= c.max {
		return
	}
	if c.m == nil {
		c.m = make(map[[32]byte][]Match)
	}
	c.m[key] = ms
}

// len returns the number of cached entries.
func (c *resultCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

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
	if ms, ok := cache.get(key); ok {
		return slices.Clone(ms)
	}
	ms := identify(text)
	cache.put(key, ms)
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
	words int // distinct words
}

// fastIndex is the fast stage's templates with an inverted index: for
// each word, the templates that contain it.
type fastIndex struct {
	templates []template
	postings  map[string][]int32
}

var fastTemplates = sync.OnceValue(func() *fastIndex {
	ix := &fastIndex{postings: map[string][]int32{}}
	for _, cat := range []string{"License", "Header"} {
		ents, _ := templateFS.ReadDir("templates/" + cat)
		for _, e := range ents {
			dir := path.Join("templates", cat, e.Name())
			files, _ := templateFS.ReadDir(dir)
			for _, f := range files {
				// The pristine text of a license; every header.
				if cat == "License" && f.Name() != "pristine.txt" {
					continue
				}
				b, err := templateFS.ReadFile(path.Join(dir, f.Name()))
				if err != nil {
					continue
				}
				ws := wordSet(b)
				n := int32(len(ix.templates))
				ix.templates = append(ix.templates, template{id: spdxID(e.Name()), words: len(ws)})
				for w := range ws {
					ix.postings[w] = append(ix.postings[w], n)
				}
			}
		}
	}
	return ix
})

// fastMatch compares word sets. It answers only when one template scores
// at least FastThreshold and the runner-up (of a different license) is
// clearly behind.
func fastMatch(text []byte) (string, float64, bool) {
	w := wordSet(text)
	if len(w) == 0 {
		return "", 0, false
	}
	ix := fastTemplates()
	common := make([]int, len(ix.templates))
	for word := range w {
		for _, t := range ix.postings[word] {
			common[t]++
		}
	}
	bestID, best, second := "", 0.0, 0.0
	for i, t := range ix.templates {
		score := 2 * float64(common[i]) / float64(len(w)+t.words)
		switch {
		case score > best:
			if t.id != bestID {
				second = best
			}
			best, bestID = score, t.id
		case score > second && t.id != bestID:
			second = score
		}
	}
	if best >= FastThreshold && best-second >= fastLead && !otherLicenseInside(text, bestID) {
		return bestID, round(best), true
	}
	return "", 0, false
}

// anchors are phrases (normalized: lower case, words separated by one
// space) that only a license of one family contains. A file matching one
// license but holding another's anchor holds two licenses: the word-set
// score cannot see a short license appended to a long one (MIT after
// Apache-2.0 adds few new words), so such files go to the classifier.
var anchors = []struct{ family, phrase string }{
	{"MIT", "permission is hereby granted free of charge to any person obtaining a copy"},
	{"BSD", "redistribution and use in source and binary forms"},
	{"Apache", "apache license version 2 0"},
	{"ISC", "permission to use copy modify and or distribute this software for any purpose"},
	{"MPL", "mozilla public license"},
	{"GPL", "gnu general public license"},
	{"GPL", "gnu lesser general public license"},
}

func family(id string) string {
	switch {
	case strings.HasPrefix(id, "MIT") || id == "X11" || id == "JSON":
		return "MIT"
	case strings.HasPrefix(id, "BSD") || id == "0BSD":
		return "BSD"
	case strings.HasPrefix(id, "Apache"):
		return "Apache"
	case id == "ISC":
		return "ISC"
	case strings.HasPrefix(id, "MPL"):
		return "MPL"
	case strings.Contains(id, "GPL"):
		return "GPL"
	}
	return id
}

func otherLicenseInside(text []byte, best string) bool {
	norm := normalizedWords(text)
	fam := family(best)
	for _, a := range anchors {
		if a.family != fam && strings.Contains(norm, a.phrase) {
			return true
		}
	}
	return false
}

// normalizedWords is the text's words, lower-cased, joined by spaces.
func normalizedWords(text []byte) string {
	var b strings.Builder
	b.Grow(len(text))
	inWord := false
	for _, c := range bytes.ToLower(text) {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		switch {
		case alnum:
			if !inWord && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte(c)
			inWord = true
		default:
			inWord = false
		}
	}
	return b.String()
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
		if len(parts) != 4 || parts[1] == "License" && parts[3] != "pristine.txt" && parts[3] != "a.txt" {
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
