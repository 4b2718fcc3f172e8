package vuln

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/sbom"
)

func TestCompareGo(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
		ok   bool
	}{
		{"v1.2.3", "1.2.3", 0, true},
		{"v1.2.3", "1.2.4", -1, true},
		{"v0.0.0-20220906165146-f3363e06e74c", "0.0.0-20220906165146-f3363e06e74c", 0, true},
		{"v0.0.0-20220101000000-aaaaaaaaaaaa", "0.0.0-20220906165146-f3363e06e74c", -1, true},
		{"v0.1.1-0.20220101000000-aaaaaaaaaaaa", "0.1.0", 1, true}, // a pseudo-version after v0.1.0
		{"v0.1.1-0.20220101000000-aaaaaaaaaaaa", "0.1.1", -1, true},
		{"v2.0.1+incompatible", "2.0.1", 0, true},
		{"v2.0.1+incompatible", "2.0.2+incompatible", -1, true},
		{"1.26.8", "1.26.9", -1, true},
		{"go1.21.3", "1.21.3", 0, true},
		{"go1.21", "1.21.0", 0, true},
		{"go1.21rc2", "1.21.0-rc.2", 0, true},
		{"go1.21rc2", "1.21.0", -1, true},
		{"1.19.0", "1.19.0-0", 1, true}, // "-0" sorts before every 1.19.0 prerelease
		{"latest", "1.0.0", 0, false},
		{"v1.2.3", "", 0, false},
	} {
		got, ok := compareGo(tc.a, tc.b)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("compareGo(%q, %q) = %d, %v; want %d, %v", tc.a, tc.b, got, ok, tc.want, tc.ok)
		}
	}
}

func TestInRange(t *testing.T) {
	ev := func(pairs ...string) []Event {
		var out []Event
		for i := 0; i < len(pairs); i += 2 {
			switch pairs[i] {
			case "i":
				out = append(out, Event{Introduced: pairs[i+1]})
			case "f":
				out = append(out, Event{Fixed: pairs[i+1]})
			case "l":
				out = append(out, Event{LastAffected: pairs[i+1]})
			}
		}
		return out
	}
	two := ev("i", "0", "f", "1.18.6", "i", "1.19.0-0", "f", "1.19.1")
	for _, tc := range []struct {
		name, version string
		events        []Event
		affected      bool
		fixed         string
	}{
		{"before the first fix", "v1.18.5", two, true, "1.18.6"},
		{"at the fix", "v1.18.6", two, false, ""},
		{"between", "v1.18.9", two, false, ""},
		{"second range", "v1.19.0", two, true, "1.19.1"},
		{"second range prerelease", "v1.19.0-rc.1", two, true, "1.19.1"},
		{"after", "v1.20.0", two, false, ""},
		{"unsorted events", "v1.19.0", ev("f", "1.19.1", "i", "1.19.0-0", "f", "1.18.6", "i", "0"), true, "1.19.1"},
		{"last_affected included", "v1.2.0", ev("i", "1.0.0", "l", "1.2.0"), true, ""},
		{"after last_affected", "v1.2.1", ev("i", "1.0.0", "l", "1.2.0"), false, ""},
		{"before introduced", "v0.9.0", ev("i", "1.0.0", "f", "1.1.0"), false, ""},
		{"no fix", "v9.9.9", ev("i", "0"), true, ""},
		{"pseudo-version before a fix", "v0.0.0-20220101000000-aaaaaaaaaaaa", ev("i", "0", "f", "0.0.0-20220906165146-f3363e06e74c"), true, "0.0.0-20220906165146-f3363e06e74c"},
		{"incompatible", "v2.1.0+incompatible", ev("i", "0", "f", "2.2.0+incompatible"), true, "2.2.0+incompatible"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			aff, fixed, ok := inRange(compareGo, tc.version, tc.events)
			if !ok || aff != tc.affected || fixed != tc.fixed {
				t.Errorf("inRange(%s) = %v, %q, %v; want %v, %q", tc.version, aff, fixed, ok, tc.affected, tc.fixed)
			}
		})
	}
	if _, _, ok := inRange(compareGo, "v1.0.0", ev("i", "0", "f", "not-a-version")); ok {
		t.Error("an unreadable boundary was ordered")
	}
}

func TestCVSS3Base(t *testing.T) {
	for _, tc := range []struct {
		vector string
		want   float64
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4},
		{"CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0},
		{"CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C", 6.1},
	} {
		got, err := CVSS3Base(tc.vector)
		if err != nil || got != tc.want {
			t.Errorf("CVSS3Base(%s) = %v, %v; want %v", tc.vector, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "CVSS:2.0/AV:N", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:Q", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", strings.Repeat("A", 1000)} {
		if _, err := CVSS3Base(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("CVSS3Base(%.40q): %v, want ErrMalformed", bad, err)
		}
	}
}

const recA = `{"id":"GO-2099-0001","modified":"2099-01-01T00:00:00Z","aliases":["CVE-2099-1","GHSA-aaaa-bbbb-cccc"],"summary":"a",
"affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}],
"ecosystem_specific":{"imports":[{"path":"example.com/m/p","symbols":["Parse"]}]}}]}`

const recB = `{"id":"GHSA-aaaa-bbbb-cccc","modified":"2099-01-02T00:00:00Z","aliases":["CVE-2099-1"],"summary":"b",
"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
"affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0.0"},{"fixed":"1.1.5"}]}]}]}`

const recWithdrawn = `{"id":"GO-2099-0002","modified":"2099-01-01T00:00:00Z","withdrawn":"2099-02-01T00:00:00Z",
"affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`

const recPyPI = `{"id":"PYSEC-2099-1","modified":"2099-01-01T00:00:00Z",
"affected":[{"package":{"ecosystem":"PyPI","name":"Requests"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.31.0"}]}]}]}`

const recMaven = `{"id":"GHSA-mmmm-nnnn-oooo","modified":"2099-01-01T00:00:00Z",
"affected":[{"package":{"ecosystem":"Maven","name":"org.example:lib"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0.1"}]}]}]}`

const recGem = `{"id":"GHSA-gggg-hhhh-iiii","modified":"2099-01-01T00:00:00Z",
"affected":[{"package":{"ecosystem":"openEuler:24.03","name":"busybox"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.36.1-r29"}]}]}]}`

func testDB(t *testing.T, recs ...string) *DB {
	t.Helper()
	fsys := fstest.MapFS{}
	for i, r := range recs {
		fsys[filepath.Join("recs", string(rune('a'+i))+".json")] = &fstest.MapFile{Data: []byte(r)}
	}
	fsys["index/db.json"] = &fstest.MapFile{Data: []byte(`{"not":"a record"}`)}
	db, err := Load(fsys, "test")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func doc(purls ...string) *sbom.Document {
	d := &sbom.Document{}
	for i, p := range purls {
		d.Components = append(d.Components, &sbom.Component{ID: string(rune('a' + i)), PURL: p})
	}
	return d
}

func TestScanMergesAliasesAndSkipsWithdrawn(t *testing.T) {
	db := testDB(t, recA, recB, recWithdrawn, recPyPI, recMaven, recGem)
	if db.Len() != 5 || db.Record("GO-2099-0002") != nil {
		t.Fatalf("%d records; the withdrawn one must be left out", db.Len())
	}
	rep, err := db.ScanSBOM(doc("pkg:golang/example.com/m@v1.1.0", "pkg:golang/example.com/other@v1.0.0", "pkg:pypi/requests@2.30.0", "pkg:maven/org.example/lib@1.9", "pkg:rpm/openeuler/busybox@1.36.1-r20"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 3 {
		t.Fatalf("findings %+v", rep.Findings)
	}
	f := rep.Findings[0]
	if f.ID != "GHSA-aaaa-bbbb-cccc" || strings.Join(f.Records, ",") != "GHSA-aaaa-bbbb-cccc,GO-2099-0001" ||
		strings.Join(f.Aliases, ",") != "CVE-2099-1,GO-2099-0001" || f.Fixed != "1.1.5" {
		t.Errorf("merged finding %+v", f)
	}
	if len(f.Scores) != 1 || f.Scores[0].Base != 7.5 || f.Scores[0].String() != "7.5" {
		t.Errorf("scores %+v", f.Scores)
	}
	// Maven versions order as ComparableVersion orders them; PyPI names
	// compare as PEP 503 normalises them, versions as PEP 440.
	if m := rep.Findings[1]; m.ID != "GHSA-mmmm-nnnn-oooo" || m.Target.Name != "org.example:lib" || m.Fixed != "2.0.1" {
		t.Errorf("Maven finding %+v", m)
	}
	if p := rep.Findings[2]; p.ID != "PYSEC-2099-1" || p.Fixed != "2.31.0" {
		t.Errorf("PyPI finding %+v", p)
	}
	// openEuler (RPM) versions are not ordered here: unchecked, never
	// "not affected".
	if len(rep.Unchecked) != 1 || rep.Unchecked[0].Record != "GHSA-gggg-hhhh-iiii" {
		t.Errorf("unchecked %+v", rep.Unchecked)
	}
	// A fixed version is not affected.
	rep, _ = db.ScanSBOM(doc("pkg:golang/example.com/m@v1.2.0", "pkg:pypi/requests@2.31.0", "pkg:maven/org.example/lib@2.0.1"), Options{})
	if len(rep.Findings) != 0 {
		t.Errorf("fixed versions: %+v", rep.Findings)
	}
}

func TestParseRecordRejects(t *testing.T) {
	for name, rec := range map[string]string{
		"no id":            `{"modified":"2099-01-01T00:00:00Z"}`,
		"duplicate key":    `{"id":"X","id":"Y","modified":"2099-01-01T00:00:00Z"}`,
		"case variant":     `{"id":"X","ID":"Y","modified":"2099-01-01T00:00:00Z"}`,
		"range type":       `{"id":"X","modified":"2099-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Go","name":"m"},"ranges":[{"type":"CALVER","events":[{"introduced":"0"}]}]}]}`,
		"two versions":     `{"id":"X","modified":"2099-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Go","name":"m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1.0.0"}]}]}]}`,
		"empty event":      `{"id":"X","modified":"2099-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Go","name":"m"},"ranges":[{"type":"SEMVER","events":[{}]}]}]}`,
		"no package":       `{"id":"X","modified":"2099-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`,
		"bad time":         `{"id":"X","modified":"yesterday"}`,
		"not an object":    `[]`,
		"trailing garbage": `{"id":"X","modified":"2099-01-01T00:00:00Z"}x`,
	} {
		if _, err := ParseRecord([]byte(rec)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
	if _, err := ParseRecord(bytes.Repeat([]byte(" "), MaxRecordBytes+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized: %v", err)
	}
	deep := `{"id":"X","modified":"2099-01-01T00:00:00Z","x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`
	if _, err := ParseRecord([]byte(deep)); err == nil {
		t.Error("deep nesting accepted")
	}
}

func TestLoadFailsWhole(t *testing.T) {
	fsys := fstest.MapFS{"a.json": {Data: []byte(recA)}, "b.json": {Data: []byte(`{"id":`)}}
	_, err := Load(fsys, "test")
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "b.json") {
		t.Errorf("got %v, want ErrMalformed naming b.json", err)
	}
}

// TestZipBounds: a zip entry is read no further than the record bound,
// whatever size its header claims (SECURITY.md C106).
func TestZipBounds(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, entries map[string][]byte) string {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for n, data := range entries {
			w, err := zw.Create(n)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
		}
		zw.Close()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	db, err := Open(write("ok.zip", map[string][]byte{"GO-2099-0001.json": []byte(recA), "GHSA-aaaa-bbbb-cccc.json": []byte(recB)}))
	if err != nil || db.Len() != 2 {
		t.Fatalf("zip: %v", err)
	}
	// 5 MiB of zeros compress to a few KiB: over the record bound.
	if _, err := Open(write("bomb.zip", map[string][]byte{"x.json": make([]byte, MaxRecordBytes+1)})); !errors.Is(err, ErrTooLarge) || strings.Count(err.Error(), "x.json") != 1 {
		t.Errorf("bomb: %v, want ErrTooLarge naming x.json once", err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, ErrMalformed) {
		t.Errorf("missing: %v", err)
	}
}

// The VEX cases of SECURITY.md C100, one test each.

func vexDoc(ts time.Time, st ...attest.VEXStatement) *attest.OpenVEX {
	return &attest.OpenVEX{Context: "https://openvex.dev/ns/v0.2.0", ID: "https://example.com/vex/1", Author: "supplier", Timestamp: &ts, Version: 1, Statements: st}
}

func vexStmt(vuln, product, status, justification string, sub ...string) attest.VEXStatement {
	p := attest.VEXProduct{ID: product}
	for _, s := range sub {
		p.Subcomponents = append(p.Subcomponents, attest.VEXProduct{ID: s})
	}
	return attest.VEXStatement{Vulnerability: attest.VEXVulnerability{Name: vuln}, Products: []attest.VEXProduct{p}, Status: status, Justification: justification}
}

func scanWithVEX(t *testing.T, o Options) *Report {
	t.Helper()
	rep, err := testDB(t, recA, recB).ScanSBOM(doc("pkg:golang/example.com/m@v1.1.0"), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 {
		t.Fatalf("findings %+v", rep.Findings)
	}
	return rep
}

var t0 = time.Date(2099, 3, 1, 0, 0, 0, 0, time.UTC)

func TestVEX_C100_Suppresses(t *testing.T) {
	// By an alias, for the artifact with the package as subcomponent.
	rep := scanWithVEX(t, Options{Products: []string{"pkg:oci/app"},
		TrustedVEX: []*attest.OpenVEX{vexDoc(t0, vexStmt("CVE-2099-1", "pkg:oci/app", attest.VEXNotAffected, "vulnerable_code_not_in_execute_path", "pkg:golang/example.com/m@v1.1.0"))}})
	if s := rep.Findings[0].Suppressed; s == nil || s.Status != attest.VEXNotAffected || len(rep.Active()) != 0 {
		t.Errorf("not suppressed: %+v", rep.Findings[0])
	}
}

func TestVEX_C100_ProductLookAlike(t *testing.T) {
	rep := scanWithVEX(t, Options{Products: []string{"pkg:oci/app"},
		TrustedVEX: []*attest.OpenVEX{vexDoc(t0, vexStmt("CVE-2099-1", "pkg:oci/app-evil", attest.VEXNotAffected, "component_not_present"))}})
	if rep.Findings[0].Suppressed != nil {
		t.Error("a statement about pkg:oci/app-evil suppressed a finding of pkg:oci/app")
	}
	rep = scanWithVEX(t, Options{Products: []string{"pkg:oci/app"},
		TrustedVEX: []*attest.OpenVEX{vexDoc(t0, vexStmt("CVE-2099-1", "pkg:oci/app", attest.VEXNotAffected, "component_not_present", "pkg:golang/example.com/m-evil@v1.1.0"))}})
	if rep.Findings[0].Suppressed != nil {
		t.Error("a statement about another subcomponent suppressed the finding")
	}
}

func TestVEX_C100_MissingJustification(t *testing.T) {
	o := Options{Products: []string{"pkg:oci/app"}, TrustedVEX: []*attest.OpenVEX{vexDoc(t0, vexStmt("CVE-2099-1", "pkg:oci/app", attest.VEXNotAffected, ""))}}
	if _, err := testDB(t, recA, recB).ScanSBOM(doc("pkg:golang/example.com/m@v1.1.0"), o); !errors.Is(err, ErrMalformed) {
		t.Errorf("got %v, want ErrMalformed", err)
	}
	o.AllowUnjustifiedUnsafe = true
	if rep := scanWithVEX(t, o); rep.Findings[0].Suppressed == nil {
		t.Error("relaxed: not suppressed")
	}
}

func TestVEX_C100_OlderStatement(t *testing.T) {
	older := vexStmt("CVE-2099-1", "pkg:oci/app", attest.VEXNotAffected, "component_not_present")
	later := vexStmt("GO-2099-0001", "pkg:oci/app", attest.VEXAffected, "")
	later.ActionStatement = "update example.com/m to v1.2.0"
	ts := t0.Add(time.Hour)
	later.Timestamp = &ts
	rep := scanWithVEX(t, Options{Products: []string{"pkg:oci/app"}, TrustedVEX: []*attest.OpenVEX{vexDoc(t0, older, later)}})
	if rep.Findings[0].Suppressed != nil {
		t.Error("an older not_affected statement won over a later affected one")
	}
}

func TestVEX_C100_Unverified(t *testing.T) {
	// VEX the caller does not pass (an unsigned or untrusted document)
	// cannot change the result: the scan reads no VEX of its own.
	rep := scanWithVEX(t, Options{Products: []string{"pkg:oci/app"}})
	if rep.Findings[0].Suppressed != nil {
		t.Error("suppressed without VEX")
	}
}

func TestSplitSymbol(t *testing.T) {
	for in, want := range map[string]string{
		"golang.org/x/net/http2.(*serverConn).goAway": "golang.org/x/net/http2 serverConn.goAway",
		"net/http.(*Server).Serve":                    "net/http Server.Serve",
		"gopkg.in/yaml%2ev3.Unmarshal":                "gopkg.in/yaml.v3 Unmarshal",
		"encoding/json.Unmarshal.func1":               "encoding/json Unmarshal",
		"example.com/m.Map[...].Get":                  "example.com/m Map.Get",
		"example.com/m.(*T).M-fm":                     "example.com/m T.M",
		"main.main":                                   "main main",
	} {
		p, s, ok := splitSymbol(in)
		if !ok || p+" "+s != want {
			t.Errorf("splitSymbol(%q) = %q %q %v, want %q", in, p, s, ok, want)
		}
	}
}

func TestCompareEcosystems(t *testing.T) {
	for _, tc := range []struct {
		cmp  comparator
		a, b string
		want int
	}{
		// dpkg's own examples and rules.
		{compareDebian, "1.0", "1.0", 0},
		{compareDebian, "1.0~rc1", "1.0", -1},
		{compareDebian, "1.0~~", "1.0~", -1},
		{compareDebian, "1.0", "1.0+b1", -1},
		{compareDebian, "1.0-1", "1.0-2", -1},
		{compareDebian, "1:0.9", "2.0", 1},
		{compareDebian, "2.30-1", "2.4-1", 1},
		{compareDebian, "1.2.3-1ubuntu1", "1.2.3-1", 1},
		{compareDebian, "7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1},
		{compareDebian, "1.0a", "1.0", 1},
		{compareDebian, "1.0-0", "1.0", 0},
		{compareDebian, "001.0", "1.0", 0},
		// apk.
		{compareAPK, "1.36.1-r20", "1.36.1-r29", -1},
		{compareAPK, "1.36.1-r29", "1.36.2-r0", -1},
		{compareAPK, "1.2_alpha1", "1.2_beta", -1},
		{compareAPK, "1.2_rc3", "1.2", -1},
		{compareAPK, "1.2", "1.2_p1", -1},
		{compareAPK, "1.2", "1.2a", -1},
		{compareAPK, "1.2a", "1.2.1", -1},
		{compareAPK, "1.2", "1.2-r0", 0},
		{compareAPK, "1.02", "1.1", -1},
		{compareAPK, "3.0.13-r0", "3.0.8-r0", 1},
		{compareAPK, "2.40.1_git20240101-r0", "2.40.1-r0", 1},
		{compareAPK, "1.0~abcdef-r1", "1.0-r1", 0},
		// Gem::Version.
		{compareRubyGems, "1.0", "1.0.0", 0},
		{compareRubyGems, "1.0.a", "1.0", -1},
		{compareRubyGems, "1.0.a", "1.0.b", -1},
		{compareRubyGems, "1.0.rc1", "1.0", -1},
		{compareRubyGems, "1.0-1", "1.0.pre.1", 0},
		{compareRubyGems, "1.0-1", "1.0", -1},
		{compareRubyGems, "2.2.10", "2.2.9", 1},
		{compareRubyGems, "3.0.0.beta2", "3.0.0.beta10", -1},
		{compareRubyGems, "1.9.3", "1.10", -1},
		// NuGet.
		{compareNuGet, "1.0", "1.0.0.0", 0},
		{compareNuGet, "1.0.0-beta", "1.0.0", -1},
		{compareNuGet, "1.0.0-BETA", "1.0.0-beta", 0},
		{compareNuGet, "1.0.0-alpha.2", "1.0.0-alpha.10", -1},
		{compareNuGet, "1.0.0-alpha", "1.0.0-alpha.1", -1},
		{compareNuGet, "1.0.0.1", "1.0.0", 1},
		{compareNuGet, "1.0.0+build.5", "1.0.0", 0},
		{compareNuGet, "4.8.1", "4.10.0", -1},
		// PEP 440's ordering example and spellings.
		{comparePEP440, "1.0.dev456", "1.0a1", -1},
		{comparePEP440, "1.0a1", "1.0a2.dev456", -1},
		{comparePEP440, "1.0a2.dev456", "1.0a12.dev456", -1},
		{comparePEP440, "1.0a12", "1.0b1.dev456", -1},
		{comparePEP440, "1.0b2.post345.dev456", "1.0b2.post345", -1},
		{comparePEP440, "1.0rc1", "1.0", -1},
		{comparePEP440, "1.0", "1.0+abc.5", -1},
		{comparePEP440, "1.0+abc.5", "1.0+abc.7", -1},
		{comparePEP440, "1.0+abc.7", "1.0+5", -1},
		{comparePEP440, "1.0+5", "1.0.post456.dev34", -1},
		{comparePEP440, "1.0.post456.dev34", "1.0.post456", -1},
		{comparePEP440, "1.1.dev1", "1.1", -1},
		{comparePEP440, "1.0", "1.0.0", 0},
		{comparePEP440, "1.0-1", "1.0.post1", 0},
		{comparePEP440, "1.0ALPHA1", "1.0a1", 0},
		{comparePEP440, "1!0.1", "2.0", 1},
		{comparePEP440, "2.31.0", "2.4.0", 1},
	} {
		got, ok := tc.cmp(tc.a, tc.b)
		rev, _ := tc.cmp(tc.b, tc.a)
		if !ok || got != tc.want || rev != -tc.want {
			t.Errorf("compare(%q, %q) = %d (reversed %d), %v; want %d", tc.a, tc.b, got, rev, ok, tc.want)
		}
	}
	for _, bad := range []string{"", "abc", "1.0:2", "1..0", "1.0-beta-gamma"} {
		if _, ok := comparePEP440(bad, "1.0"); ok {
			t.Errorf("PEP 440 read %q", bad)
		}
	}
	for _, bad := range []string{"", "a1.0", "x:1.0", "1.0 beta"} {
		if _, ok := compareDebian(bad, "1.0"); ok {
			t.Errorf("Debian read %q", bad)
		}
	}
}

func TestCVSS4Score(t *testing.T) {
	for _, tc := range []struct {
		vector string
		want   float64
	}{
		// The specification's examples (FIRST CVSS v4.0 calculator).
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0},
		{"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 6.9},
	} {
		got, err := CVSS4Score(tc.vector)
		if err != nil || got != tc.want {
			t.Errorf("CVSS4Score(%s) = %v, %v; want %v", tc.vector, got, err, tc.want)
		}
		if s, ok := ScoreOf(Severity{Type: "CVSS_V4", Score: tc.vector}); !ok || s.Method != "cvss_v4" || s.Base != tc.want {
			t.Errorf("ScoreOf(%s) = %+v, %v", tc.vector, s, ok)
		}
	}
	for _, bad := range []string{"", "CVSS:4.0/AV:N", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/SA:N"} {
		if _, err := CVSS4Score(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("CVSS4Score(%q): %v", bad, err)
		}
	}
}

// TestCompareMaven: Maven's own ComparableVersionTest sequences (each in
// ascending order) and equal spellings.
func TestCompareMaven(t *testing.T) {
	for _, seq := range [][]string{
		{"1", "2", "3"},
		{"1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2", "1-m11", "1-rc", "1-cr2", "1-rc123", "1-SNAPSHOT",
			"1", "1-sp", "1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1", "1-1-snapshot", "1-1", "1-2", "1-123"},
		{"2.0.0", "2.0.1", "2.1", "2.10", "10.0"},
		{"1.0-alpha-1", "1.0-beta-1", "1.0-RC1", "1.0", "1.0.1"},
	} {
		for i := 0; i+1 < len(seq); i++ {
			for j := i + 1; j < len(seq); j++ {
				c, ok := compareMaven(seq[i], seq[j])
				r, _ := compareMaven(seq[j], seq[i])
				if !ok || c != -1 || r != 1 {
					t.Errorf("compareMaven(%q, %q) = %d (reversed %d), %v; want -1", seq[i], seq[j], c, r, ok)
				}
			}
		}
	}
	for _, eq := range [][]string{
		{"1", "1.0", "1.0.0", "1-0", "1.0-0", "1ga", "1-ga", "1.0-final", "1-release", "1FINAL"},
		{"1a1", "1-alpha-1", "1alpha1", "1-a1"},
		{"1cr", "1rc", "1-rc"},
	} {
		for _, v := range eq[1:] {
			if c, ok := compareMaven(eq[0], v); !ok || c != 0 {
				t.Errorf("compareMaven(%q, %q) = %d, %v; want 0", eq[0], v, c, ok)
			}
		}
	}
	for _, bad := range []string{"", "1.0 beta", "1.0/2", strings.Repeat("1", 300)} {
		if _, ok := compareMaven(bad, "1.0"); ok {
			t.Errorf("read %q", bad)
		}
	}
}
