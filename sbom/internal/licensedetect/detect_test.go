package licensedetect

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func tmpl(t *testing.T, id string) string {
	t.Helper()
	b, err := templateFS.ReadFile("templates/License/" + id + "/pristine.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIdentify(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want []string
	}{
		{"MIT with title and copyright", "MIT License\n\nCopyright (c) 2020 Someone\n\n" + tmpl(t, "MIT"), []string{"MIT"}},
		{"Apache-2.0", tmpl(t, "Apache-2.0"), []string{"Apache-2.0"}},
		{"BSD-3-Clause with a name", strings.Replace(tmpl(t, "BSD-3-Clause"), "the copyright holder", "Google Inc.", 1), []string{"BSD-3-Clause"}},
		{"BSD-2-Clause", tmpl(t, "BSD-2-Clause"), []string{"BSD-2-Clause"}},
		{"ISC", tmpl(t, "ISC"), []string{"ISC"}},
		{"MPL-2.0", tmpl(t, "MPL-2.0"), []string{"MPL-2.0"}},
		{"dual Apache-2.0 and MIT", tmpl(t, "Apache-2.0") + "\n\n---\n\n" + tmpl(t, "MIT"), []string{"Apache-2.0", "MIT"}},
		{"not a license", "This is a README.\nIt says nothing about licensing at all, only how to build.\n", nil},
		{"empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, m := range Identify([]byte(tc.text)) {
				got = append(got, m.ID)
				if m.Confidence <= 0 || m.Confidence > 1 {
					t.Errorf("confidence %v", m.Confidence)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "LICENSE.md"), []byte(tmpl(t, "MIT")), 0o644)
	os.WriteFile(filepath.Join(dir, "COPYING"), []byte(tmpl(t, "ISC")), 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte(tmpl(t, "Apache-2.0")), 0o644)
	os.Mkdir(filepath.Join(dir, "LICENSE"), 0o755)
	got := Detect(dir)
	if len(got) != 2 || got[0].File != "COPYING" || got[0].ID != "ISC" || got[1].File != "LICENSE.md" || got[1].ID != "MIT" {
		t.Errorf("Detect = %+v", got)
	}
	if Detect(filepath.Join(dir, "missing")) != nil {
		t.Error("missing directory")
	}
}

func TestIsLicenseFile(t *testing.T) {
	for name, want := range map[string]bool{"LICENSE": true, "license.txt": true, "LICENCE.md": true, "COPYING": true,
		"LICENSE-APACHE": true, "MIT-LICENSE.txt": true, "UNLICENSE": true, "README": false, "LICENSE.go": false, "COPYRIGHT": false} {
		if IsLicenseFile(name) != want {
			t.Errorf("%s: %v", name, !want)
		}
	}
}

func BenchmarkIdentifyFast(b *testing.B) {
	text := []byte("Copyright 2024 X\n\n" + string(must(templateFS.ReadFile("templates/License/Apache-2.0/pristine.txt"))))
	for b.Loop() {
		identify(text)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// resetCache empties the package's result cache for the rest of the test
// and again after it.
func resetCache(t *testing.T) {
	empty := func() {
		cache.mu.Lock()
		cache.m = nil
		cache.mu.Unlock()
	}
	empty()
	t.Cleanup(empty)
}

// TestCacheBounded: Identify, called concurrently with more distinct texts
// than maxCacheEntries, caches no more than maxCacheEntries results and
// still identifies every text, cached or not.
func TestCacheBounded(t *testing.T) {
	resetCache(t)
	mit := tmpl(t, "MIT")
	const extra = 100
	const workers = 4
	n := maxCacheEntries + extra
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				// Copyright lines are dropped before matching: distinct
				// texts (and keys), the same license.
				text := []byte(fmt.Sprintf("Copyright (c) %d Someone\n\n%s", i, mit))
				for range 2 { // the second call may hit the cache
					if ms := Identify(text); len(ms) != 1 || ms[0].ID != "MIT" {
						errs <- fmt.Sprintf("text %d: %+v", i, ms)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got := cache.len(); got != maxCacheEntries {
		t.Errorf("cache holds %d entries after %d distinct texts, want the bound %d", got, n, maxCacheEntries)
	}
	// A text seen when the cache was full is not cached, yet identified.
	late := []byte("Copyright (c) late Someone\n\n" + mit)
	if ms := Identify(late); len(ms) != 1 || ms[0].ID != "MIT" {
		t.Errorf("late text: %+v", ms)
	}
	if _, ok := cache.get(sha256.Sum256(late)); ok {
		t.Error("a full cache took a new entry")
	}
}

// TestResultCachePut covers the bound of resultCache itself.
func TestResultCachePut(t *testing.T) {
	for _, tc := range []struct {
		name      string
		max, puts int
		wantLen   int
	}{
		{"under the bound", 4, 3, 3},
		{"at the bound", 4, 4, 4},
		{"past the bound", 4, 10, 4},
		{"zero bound caches nothing", 0, 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &resultCache{max: tc.max}
			for i := range tc.puts {
				c.put(sha256.Sum256([]byte{byte(i)}), []Match{{ID: "MIT", Confidence: 1}})
			}
			c.put(sha256.Sum256([]byte{0}), nil) // a repeated key changes nothing
			if got := c.len(); got != tc.wantLen {
				t.Errorf("len %d, want %d", got, tc.wantLen)
			}
			if _, ok := c.get(sha256.Sum256([]byte{0})); ok != (tc.wantLen > 0) {
				t.Errorf("first key cached = %v", ok)
			}
		})
	}
}
