package sbom

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusEntry is one row of testdata/corpus/INDEX.md.
type corpusEntry struct {
	Path, Format, Version, Expected, Schema string
}

func loadCorpusIndex(t testing.TB) []corpusEntry {
	t.Helper()
	f, err := os.Open("testdata/corpus/INDEX.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cols := strings.Split(line, " | ")
		if len(cols) < 9 {
			continue
		}
		p := strings.Trim(strings.TrimPrefix(cols[0], "| "), "`")
		if strings.HasSuffix(p, "/") {
			continue
		}
		out = append(out, corpusEntry{Path: p, Format: cols[4], Version: cols[5], Expected: cols[6], Schema: cols[7]})
	}
	return out
}

// readCorpus reads a corpus file, transparently gunzipping the large
// ones stored as name.gz.
func readCorpus(t testing.TB, p string) []byte {
	t.Helper()
	full := filepath.Join("testdata/corpus", p)
	if b, err := os.ReadFile(full); err == nil {
		return b
	}
	b, err := os.ReadFile(full + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
