package vuln

import (
	"bufio"
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
