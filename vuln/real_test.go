package vuln

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/sbom"
)

var update = flag.Bool("update", false, "rewrite the expected findings under testdata")

// purlDocument makes an SBOM of the package URLs listed in a file, one
// per line.
func purlDocument(t testing.TB, path string) *sbom.Document {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := &sbom.Document{Name: filepath.Base(path)}
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan(); i++ {
		p := strings.TrimSpace(sc.Text())
		if p == "" {
			continue
		}
		d.Components = append(d.Components, &sbom.Component{ID: fmt.Sprintf("c%d", i), Kind: sbom.KindLibrary, PURL: p})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return d
}

// findingLines renders findings one per line, for the expected files.
func findingLines(rep *Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fixed := f.Fixed
		if fixed == "" {
			fixed = "-"
		}
		fmt.Fprintf(&b, "%s\t%s\tfixed %s\taliases %s\n", f.ID, f.Target.PURL, fixed, strings.Join(f.Aliases, ","))
	}
	for _, u := range rep.Unchecked {
		fmt.Fprintf(&b, "unchecked %s\t%s\t%s\n", u.Record, u.Target.PURL, u.Reason)
	}
	return b.String()
}

// TestRealFindings: this project's module graph and cosign v2.6.5's,
// against the Go vulnerability database's records about them, give the
// findings written in testdata (go test ./vuln -run TestRealFindings
// -update rewrites them; review the diff).
func TestRealFindings(t *testing.T) {
	db, err := Open("testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	if db.Len() < 400 {
		t.Fatalf("%d records", db.Len())
	}
	for _, name := range []string{"chainmail", "cosign-v2.6.5"} {
		t.Run(name, func(t *testing.T) {
			rep, err := db.ScanSBOM(purlDocument(t, "testdata/"+name+".purls"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := findingLines(rep)
			path := "testdata/" + name + ".findings"
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("findings differ from %s (-update rewrites it):\n%s", path, diffLines(string(want), got))
			}
			if len(rep.Findings) == 0 {
				t.Error("no findings: the vulnerable versions in this graph were not found")
			}
		})
	}
}

func diffLines(want, got string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(want, "\n") {
		w[l] = true
	}
	for _, l := range strings.Split(got, "\n") {
		g[l] = true
	}
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// writeServed writes the served layout of the records in src (what
// x/vulndb's indexdb writes: index/modules.json and ID/<id>.json).
func writeServed(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "ID"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "index"), 0o755); err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(src, "*.json"))
	type vuln struct {
		ID string `json:"id"`
	}
	mods := map[string][]vuln{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ParseRecord(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "ID", r.ID+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, a := range r.Affected {
			mods[a.Package.Name] = append(mods[a.Package.Name], vuln{r.ID})
		}
	}
	type module struct {
		Path  string `json:"path"`
		Vulns []vuln `json:"vulns"`
	}
	var index []module
	for p, vs := range mods {
		index = append(index, module{p, vs})
	}
	b, _ := json.Marshal(index)
	if err := os.WriteFile(filepath.Join(dir, "index", "modules.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestServedLayout: the Go database's served layout, read as scans need
// it, gives the same findings as its records read whole; an index that
// names a path outside ID/, or a file that holds another record, fails
// the scan.
func TestServedLayout(t *testing.T) {
	dir := writeServed(t, "testdata/osv")
	served, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer served.Close()
	if served.served == nil {
		t.Fatal("not read as the served layout")
	}
	whole, err := Open("testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	d := purlDocument(t, "testdata/cosign-v2.6.5.purls")
	a, err := served.ScanSBOM(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := whole.ScanSBOM(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if findingLines(a) != findingLines(b) || len(a.Findings) == 0 {
		t.Errorf("served layout:\n%s", diffLines(findingLines(b), findingLines(a)))
	}
	for name, index := range map[string]string{
		"escaping id": `[{"path":"golang.org/x/net","vulns":[{"id":"../../etc/passwd"}]}]`,
		"other id":    `[{"path":"golang.org/x/net","vulns":[{"id":"GO-2099-9999"}]}]`,
		"duplicate":   `[{"path":"a","path":"b"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			bad := writeServed(t, "testdata/osv")
			os.WriteFile(filepath.Join(bad, "index", "modules.json"), []byte(index), 0o644)
			if name == "other id" {
				os.WriteFile(filepath.Join(bad, "ID", "GO-2099-9999.json"), []byte(recA), 0o644)
			}
			db, err := Open(bad)
			if err == nil {
				defer db.Close()
				_, err = db.ScanSBOM(doc("pkg:golang/golang.org/x/net@v0.1.0"), Options{})
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("got %v, want ErrMalformed", err)
			}
		})
	}
}
