package sbom

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

const repoRoot = ".."

func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// versionM parses go version -m: module path -> "version h1" of every dep
// (the replacement's version and sum for a replaced one).
func versionM(t *testing.T, bin string) (deps map[string]string, goVersion string) {
	out := goCmd(t, ".", "version", "-m", bin)
	deps = map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	last := ""
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && strings.HasSuffix(f[0], ":"):
			goVersion = f[1]
		case len(f) >= 3 && f[0] == "dep":
			sum := ""
			if len(f) > 3 {
				sum = f[3]
			}
			deps[f[1]] = f[2] + " " + sum
			last = f[1]
		case len(f) >= 3 && f[0] == "=>":
			sum := ""
			if len(f) > 3 {
				sum = f[3]
			}
			v := strings.Fields(deps[last])[0]
			deps[last] = v + " " + sum
		}
	}
	return deps, goVersion
}

func modulesOf(d *Document) map[string]string {
	out := map[string]string{}
	for _, c := range d.Components {
		if c.Kind == KindLibrary && c.Name != "stdlib" {
			out[c.Name] = c.Version + " " + c.GoH1
		}
	}
	return out
}

// TestAccuracyPackages builds a binary and checks that the package-mode
// SBOM of its main package lists exactly the modules go version -m lists,
// with the same versions and h1 sums; and that the binary's own SBOM
// does too.
func TestAccuracyPackages(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "sbom-cli")
	goCmd(t, repoRoot, "build", "-o", bin, "./examples/sbom")
	want, goVersion := versionM(t, bin)
	if len(want) < 3 {
		t.Fatalf("go version -m lists %d deps", len(want))
	}
	d, err := FromModule(context.Background(), repoRoot, WithMain("./examples/sbom"), WithLicenses(false))
	if err != nil {
		t.Fatal(err)
	}
	if got := modulesOf(d); !reflect.DeepEqual(got, want) {
		t.Errorf("package-mode SBOM modules differ from go version -m:\n got %v\nwant %v", got, want)
	}
	bd, err := FromBinaryFile(context.Background(), bin)
	if err != nil {
		t.Fatal(err)
	}
	lbd, err := FromBinaryFile(context.Background(), bin, WithLicenses(true))
	if err != nil {
		t.Fatal(err)
	}
	if mod := lbd.Component(GoPURL("github.com/CycloneDX/cyclonedx-go", strings.Fields(want["github.com/CycloneDX/cyclonedx-go"] + " x")[0])); mod == nil || mod.LicenseExpression(LicenseDetected) != "Apache-2.0" {
		t.Errorf("binary license detection: %+v", mod)
	}
	if got := modulesOf(bd); !reflect.DeepEqual(got, want) {
		t.Errorf("binary SBOM modules differ from go version -m:\n got %v\nwant %v", got, want)
	}
	for _, doc := range []*Document{d, bd} {
		std := doc.Component(GoPURL("stdlib", strings.TrimPrefix(goVersion, "go")))
		if std == nil {
			t.Errorf("no stdlib %s component", goVersion)
		} else if len(std.CPEs) == 0 || !strings.HasPrefix(std.CPEs[0], "cpe:2.3:a:golang:go:") {
			t.Errorf("stdlib CPE %v", std.CPEs)
		}
		root := doc.Root()
		if root == nil || root.Name != "github.com/chainmail-dev/chainmail" || root.Version == "(devel)" {
			t.Errorf("root %+v", root)
		}
		for _, c := range doc.Components {
			// The go.sum h1 is a hash of Go's dirhash summary, not of a
			// file: it is GoH1, never a hash labelled SHA-256.
			if _, ok := H1Hex(c.GoH1); c.GoH1 != "" && !ok {
				t.Errorf("%s: malformed h1 %s", c.Name, c.GoH1)
			}
			if hx, _ := H1Hex(c.GoH1); hx != "" && c.Hash(SHA256) == hx {
				t.Errorf("%s: the h1 %s is labelled SHA-256", c.Name, c.GoH1)
			}
		}
	}
	// Package mode has a real graph: the root depends on something and
	// some library depends on another.
	if len(d.DependsOn(d.Root().ID)) == 0 {
		t.Errorf("root has no dependencies")
	}
}

// TestAccuracyModuleGraph checks that the module-graph SBOM of this
// repository lists exactly the modules of go list -e -m all.
func TestAccuracyModuleGraph(t *testing.T) {
	out := goCmd(t, repoRoot, "list", "-e", "-m", "all")
	want := map[string]string{}
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 2 {
			continue // the main module
		}
		want[f[0]] = f[1]
	}
	d, err := FromModule(context.Background(), repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range d.Components {
		if c.Kind == KindLibrary && c.Name != "stdlib" {
			got[c.Name] = c.Version
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("module-graph SBOM differs from go list -m all: %d vs %d modules", len(got), len(want))
		for p, v := range want {
			if got[p] != v {
				t.Logf("missing %s %s (got %q)", p, v, got[p])
			}
		}
	}
	licensed := 0
	for _, c := range d.Components {
		if len(c.Licenses) > 0 {
			licensed++
		}
	}
	if licensed == 0 {
		t.Errorf("no licenses detected")
	}
	// Every edge joins two components.
	for _, e := range d.Edges {
		if d.Component(e.From) == nil || d.Component(e.To) == nil {
			t.Errorf("dangling edge %v", e)
		}
	}
}

// TestDeterminism: two runs give identical bytes in every format.
func TestDeterminism(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var prev [][]byte
	for run := range 2 {
		d, err := FromModule(context.Background(), repoRoot, WithTime(at))
		if err != nil {
			t.Fatal(err)
		}
		var cur [][]byte
		for _, f := range []Format{CycloneDX16JSON, CycloneDX15XML, SPDX23JSON, SPDX23TagValue} {
			b, _, err := Marshal(d, f)
			if err != nil {
				t.Fatal(err)
			}
			cur = append(cur, b)
		}
		if run == 1 {
			for i := range cur {
				if !bytes.Equal(cur[i], prev[i]) {
					t.Errorf("format %d: runs differ", i)
				}
			}
		}
		prev = cur
	}
}

func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestNoGit: a module outside any repository gets an SBOM (no version),
// and WithMainVersion and WithTime are honoured; SOURCE_DATE_EPOCH is not
// read by the library (without WithTime and a VCS the time is unknown).
func TestNoGit(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":  "module example.com/nogit\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println() }\n",
		"LICENSE": mitText,
	})
	t.Setenv("SOURCE_DATE_EPOCH", "1600000000")
	for _, mode := range []Mode{ModeModule, ModePackages} {
		d, err := FromModule(context.Background(), dir, WithMode(mode), WithTime(time.Unix(1700000000, 0)))
		if err != nil {
			t.Fatalf("mode %d: %v", mode, err)
		}
		r := d.Root()
		if r.Version != "" || r.PURL != "pkg:golang/example.com/nogit" {
			t.Errorf("root %s %q", r.PURL, r.Version)
		}
		if !d.Created.Equal(time.Unix(1700000000, 0)) {
			t.Errorf("created %v", d.Created)
		}
		if got := r.LicenseExpression(LicenseDetected); got != "MIT" {
			t.Errorf("root license %q", got)
		}
		if mode == ModePackages && d.Component(GoPURL("stdlib", strings.TrimPrefix(goCmdVersion(t), "go"))) == nil {
			t.Errorf("no stdlib in package mode")
		}
	}
	d, err := FromModule(context.Background(), dir, WithMainVersion("v1.2.3"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Root().Version != "v1.2.3" || d.Root().PURL != "pkg:golang/example.com/nogit@v1.2.3" {
		t.Errorf("root %+v", d.Root())
	}
	if !d.Created.IsZero() {
		t.Errorf("created %v without WithTime or a VCS, want zero (SOURCE_DATE_EPOCH must not be read)", d.Created)
	}
}

// TestSourceDateEpochIgnored: the library never reads SOURCE_DATE_EPOCH;
// the creation time is only what the caller passes (WithTime, the
// document's Created) or what the input carries (vcs.time). The output is
// the same with the variable unset and set.
func TestSourceDateEpochIgnored(t *testing.T) {
	vcsTime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	given := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		make        func() (*Document, error)
		format      Format
		wantCreated time.Time
		wantInDoc   string // in the encoded output
	}{
		{
			name:        "FromBuildInfo without time gives zero, SPDX says the epoch",
			make:        func() (*Document, error) { return FromBuildInfo(buildInfo("v1.0.0", "", "", "")) },
			format:      SPDX23JSON,
			wantInDoc:   `"created": "1970-01-01T00:00:00Z"`,
			wantCreated: time.Time{},
		},
		{
			name:        "FromBuildInfo without time, CycloneDX has no timestamp",
			make:        func() (*Document, error) { return FromBuildInfo(buildInfo("v1.0.0", "", "", "")) },
			format:      CycloneDX16JSON,
			wantCreated: time.Time{},
		},
		{
			name: "FromBuildInfo takes vcs.time",
			make: func() (*Document, error) {
				return FromBuildInfo(buildInfo("(devel)", "", "0123456789abcdef0123", vcsTime.Format(time.RFC3339)))
			},
			format:      SPDX23JSON,
			wantCreated: vcsTime,
			wantInDoc:   `"created": "2024-01-02T03:04:05Z"`,
		},
		{
			name: "WithTime wins over vcs.time",
			make: func() (*Document, error) {
				return FromBuildInfo(buildInfo("(devel)", "", "0123456789abcdef0123", vcsTime.Format(time.RFC3339)), WithTime(given))
			},
			format:      CycloneDX16JSON,
			wantCreated: given,
			wantInDoc:   `"timestamp": "2026-01-01T00:00:00Z"`,
		},
		{
			name: "ToSPDX of a document without Created",
			make: func() (*Document, error) {
				return &Document{Name: "x", Components: []*Component{{ID: "pkg:golang/example.com/x@v1.0.0", Name: "example.com/x", Version: "v1.0.0", PURL: "pkg:golang/example.com/x@v1.0.0"}}}, nil
			},
			format:    SPDX23TagValue,
			wantInDoc: "Created: 1970-01-01T00:00:00Z",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func() (*Document, []byte) {
				t.Helper()
				d, err := tc.make()
				if err != nil {
					t.Fatal(err)
				}
				b, _, err := Marshal(d, tc.format)
				if err != nil {
					t.Fatal(err)
				}
				return d, b
			}
			t.Setenv("SOURCE_DATE_EPOCH", "")
			d0, b0 := run()
			t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
			d1, b1 := run()
			if !d0.Created.Equal(tc.wantCreated) || !d1.Created.Equal(tc.wantCreated) {
				t.Errorf("created %v (unset) / %v (set), want %v", d0.Created, d1.Created, tc.wantCreated)
			}
			if !bytes.Equal(b0, b1) {
				t.Errorf("output depends on SOURCE_DATE_EPOCH:\nunset:\n%s\nset:\n%s", b0, b1)
			}
			if tc.wantInDoc != "" && !bytes.Contains(b1, []byte(tc.wantInDoc)) {
				t.Errorf("output lacks %q:\n%s", tc.wantInDoc, b1)
			}
		})
	}
}

func goCmdVersion(t *testing.T) string {
	return strings.TrimSpace(goCmd(t, ".", "env", "GOVERSION"))
}

// TestGitTag: the main version comes from a tag on HEAD, else a
// pseudo-version of HEAD.
func TestGitTag(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := writeModule(t, map[string]string{"go.mod": "module example.com/tagged\n\ngo 1.22\n", "a.go": "package a\n"})
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_COMMITTER_DATE=2024-05-06T07:08:09Z", "GIT_AUTHOR_DATE=2024-05-06T07:08:09Z")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "x")
	d, err := FromModule(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if v := d.Root().Version; !strings.HasPrefix(v, "v0.0.0-20240506070809-") || len(v) != len("v0.0.0-20240506070809-")+12 {
		t.Errorf("pseudo-version %q", v)
	}
	if !d.Created.Equal(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)) {
		t.Errorf("created %v", d.Created)
	}
	git("tag", "v1.4.0")
	d, err = FromModule(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if v := d.Root().Version; v != "v1.4.0" {
		t.Errorf("tagged version %q", v)
	}
}

// TestFromBuildInfoVersions covers the binary main-version rules.
func TestFromBuildInfoVersions(t *testing.T) {
	self, err := Self()
	if err != nil {
		t.Fatal(err)
	}
	if self.Root() == nil || self.Root().Version == "(devel)" {
		t.Errorf("self root %+v", self.Root())
	}
	for _, tc := range []struct {
		name, main, ldflags, rev, time, want string
	}{
		{"stamped", "v1.2.3", "", "", "", "v1.2.3"},
		{"vcs", "(devel)", "", "0123456789abcdef0123", "2024-01-02T03:04:05Z", "v0.0.0-20240102030405-0123456789ab"},
		{"ldflags", "(devel)", "-s -w -X main.version=v9.9.9", "", "", "v9.9.9"},
		{"ldflags quoted", "(devel)", "-X 'github.com/x/y/pkg/version.Version=2.0.0'", "", "", "2.0.0"},
		{"nothing", "(devel)", "", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bi := buildInfo(tc.main, tc.ldflags, tc.rev, tc.time)
			d, err := FromBuildInfo(bi, WithTime(time.Unix(0, 0)))
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Root().Version; got != tc.want {
				t.Errorf("version %q, want %q", got, tc.want)
			}
			if slices.ContainsFunc(d.Components, func(c *Component) bool { return c.Version == "(devel)" }) {
				t.Errorf("(devel) in SBOM")
			}
		})
	}
}

// TestWorkspace: with WithWorkspace, the other modules of a go.work are
// components, and a package-mode SBOM follows imports into them.
func TestWorkspace(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.work":   "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
		"a/go.mod":  "module example.com/a\n\ngo 1.22\n",
		"a/main.go": "package main\n\nimport \"example.com/b\"\n\nfunc main() { b.B() }\n",
		"b/go.mod":  "module example.com/b\n\ngo 1.22\n",
		"b/b.go":    "package b\n\nfunc B() {}\n",
		"b/LICENSE": mitText,
	})
	for _, mode := range []Mode{ModeModule, ModePackages} {
		d, err := FromModule(context.Background(), filepath.Join(dir, "a"), WithWorkspace(true), WithMode(mode))
		if err != nil {
			t.Fatalf("mode %d: %v", mode, err)
		}
		b := d.Component("pkg:golang/example.com/b")
		if d.Root().Name != "example.com/a" || b == nil {
			t.Fatalf("mode %d: root %v, components %v", mode, d.Root(), d.Components)
		}
		if mode == ModePackages && !slices.Contains(d.DependsOn(d.Root().ID), b.ID) {
			t.Errorf("a does not depend on b: %v", d.Edges)
		}
		if b.LicenseExpression(LicenseDetected) != "MIT" {
			t.Errorf("b license %v", b.Licenses)
		}
	}
	// Without it, GOWORK=off: a alone (its import of b cannot resolve,
	// which go list -e tolerates).
	d, err := FromModule(context.Background(), filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Component("pkg:golang/example.com/b") != nil {
		t.Errorf("workspace used without WithWorkspace")
	}
}

// TestVendored: a vendored module's SBOM takes licenses from vendor/ and
// marks the modules vendored.
func TestVendored(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":  "module example.com/vend\n\ngo 1.22\n\nrequire golang.org/x/mod v0.38.0\n",
		"main.go": "package main\n\nimport \"golang.org/x/mod/semver\"\n\nfunc main() { _ = semver.IsValid(\"v1\") }\n",
	})
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	goCmd(t, dir, "mod", "vendor")
	// Module mode always reads the module graph (-mod=readonly); package
	// mode can build from vendor/ alone (-mod=vendor).
	for _, mode := range []Mode{ModeModule, ModePackages} {
		var opts []Option
		if mode == ModePackages {
			opts = append(opts, WithGoCommand("", "GOFLAGS=-mod=vendor"))
		}
		d, err := FromModule(context.Background(), dir, append(opts, WithMode(mode))...)
		if err != nil {
			t.Fatalf("mode %d: %v", mode, err)
		}
		mod := d.Component(GoPURL("golang.org/x/mod", "v0.38.0"))
		if mod == nil {
			t.Fatalf("mode %d: no x/mod in %v", mode, d.Components)
		}
		if v, _ := mod.Property(PropGoVendored); v != "true" {
			t.Errorf("mode %d: not marked vendored", mode)
		}
		if mod.LicenseExpression(LicenseDetected) != "BSD-3-Clause" {
			t.Errorf("mode %d: license %v", mode, mod.Licenses)
		}
		if mod.GoH1 == "" {
			t.Errorf("mode %d: no h1 from go.sum", mode)
		}
	}
}
