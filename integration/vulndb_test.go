//go:build integration

package integration

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/sbom"
	"github.com/chainmail-dev/chainmail/vuln"
)

// vulndbVersion is the Go vulnerability database the tests and
// bench/vuln.sh use, as the module proxy serves it.
const vulndbVersion = "v0.0.0-20261105234957-e22db6528018"

// fullVulnDB downloads golang.org/x/vulndb through the module proxy (once;
// the module cache keeps it) and returns its data/osv directory.
func fullVulnDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module vulndbfetch\n\ngo 1.25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "mod", "download", "-json", "golang.org/x/vulndb@"+vulndbVersion)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download golang.org/x/vulndb@%s: %v", vulndbVersion, err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		t.Fatalf("go mod download: %v %s", err, out)
	}
	return filepath.Join(m.Dir, "data", "osv")
}

// TestFullVulnDB: the whole Go vulnerability database loads (4,789
// records parsed strictly), and for this module graph and cosign v2.6.5's
// it gives exactly the findings vuln/testdata expects from its 437-record
// subset, so the subset the unit tests use is the whole story for them.
// examples/scan then scans a real Go binary (itself) against it.
func TestFullVulnDB(t *testing.T) {
	osv := fullVulnDB(t)
	db, err := vuln.Open(osv)
	if err != nil {
		t.Fatal(err)
	}
	if db.Len() < 4700 {
		t.Fatalf("%d records in force", db.Len())
	}
	for _, name := range []string{"chainmail", "cosign-v2.6.5"} {
		d := &sbom.Document{}
		f, err := os.Open("../vuln/testdata/" + name + ".purls")
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for i := 0; sc.Scan(); i++ {
			if p := strings.TrimSpace(sc.Text()); p != "" {
				d.Components = append(d.Components, &sbom.Component{ID: fmt.Sprintf("c%d", i), Kind: sbom.KindLibrary, PURL: p})
			}
		}
		f.Close()
		rep, err := db.ScanSBOM(d, vuln.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, fd := range rep.Findings {
			fixed := fd.Fixed
			if fixed == "" {
				fixed = "-"
			}
			fmt.Fprintf(&b, "%s\t%s\tfixed %s\taliases %s\n", fd.ID, fd.Target.PURL, fixed, strings.Join(fd.Aliases, ","))
		}
		want, err := os.ReadFile("../vuln/testdata/" + name + ".findings")
		if err != nil {
			t.Fatal(err)
		}
		if b.String() != string(want) {
			t.Errorf("%s: the full database's findings differ from vuln/testdata/%s.findings:\n%s", name, name, b.String())
		}
	}
	scan := bin(t, "scan")
	out, err := exec.Command(scan, "-db", osv, "-format", "json", scan).Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		t.Fatalf("scan: %v", err)
	}
	var rep struct {
		Findings []struct {
			ID     string `json:"id"`
			Target struct {
				Name string `json:"name"`
			} `json:"target"`
			Symbols *struct {
				Known bool `json:"known"`
			} `json:"symbols"`
		} `json:"findings"`
		Targets int `json:"targets"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("scan output: %v", err)
	}
	if rep.Targets < 5 {
		t.Errorf("scan checked %d packages of its own binary", rep.Targets)
	}
	for _, f := range rep.Findings {
		if f.Symbols == nil || !f.Symbols.Known {
			t.Errorf("%s in %s: the binary's function table was not read", f.ID, f.Target.Name)
		}
	}
	t.Logf("scan of its own binary: %d packages, %d findings", rep.Targets, len(rep.Findings))
}
