package vuln

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseRecord: any input gives a record that passes its own checks
// or a typed error, never a panic.
func FuzzParseRecord(f *testing.F) {
	for _, s := range []string{recA, recB, recWithdrawn, recPyPI, `{}`, `{"id":"x","modified":"2099-01-01T00:00:00Z","affected":[{}]}`} {
		f.Add([]byte(s))
	}
	if paths, _ := filepath.Glob("testdata/osv/GO-2022-09*.json"); len(paths) > 0 {
		for _, p := range paths[:min(len(paths), 5)] {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRecord(data)
		if err != nil {
			return
		}
		if r.ID == "" {
			t.Fatal("accepted a record without an id")
		}
		// Whatever was accepted can be matched without a panic.
		for _, a := range r.Affected {
			affects(a, Target{Ecosystem: "Go", Name: a.Package.Name, Version: "v1.2.3"})
			affects(a, Target{Ecosystem: "npm", Name: a.Package.Name, Version: "1.2.3"})
		}
	})
}

// FuzzCompareGo: the Go version order is an order: antisymmetric and
// consistent with equality.
func FuzzCompareGo(f *testing.F) {
	for _, s := range [][2]string{{"v1.2.3", "1.2.4"}, {"go1.21rc2", "1.21.0"}, {"v0.0.0-20220101000000-aaaaaaaaaaaa", "0.1.0"}, {"v2.0.0+incompatible", "2.0.0"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		x, ok1 := compareGo(a, b)
		y, ok2 := compareGo(b, a)
		if ok1 != ok2 {
			t.Fatalf("compareGo(%q, %q) ok %v, reversed %v", a, b, ok1, ok2)
		}
		if ok1 && x != -y {
			t.Fatalf("compareGo(%q, %q) = %d, reversed %d", a, b, x, y)
		}
		if z, ok := compareGo(a, a); ok && z != 0 {
			t.Fatalf("compareGo(%q, itself) = %d", a, z)
		}
	})
}

// FuzzCompareOrders: the Debian, PEP 440, Maven, RubyGems, NuGet and apk
// orders are orders too.
func FuzzCompareOrders(f *testing.F) {
	for _, s := range [][2]string{{"1:1.0-1", "1.0~rc1"}, {"1.0.post1", "1.0a1.dev2+local.7"}, {"7.88.1-10+deb12u5", "7.88.1-10+deb12u12"}, {"1-alpha2snapshot", "1-sp2"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for name, cmp := range map[string]comparator{"debian": compareDebian, "pep440": comparePEP440, "maven": compareMaven, "rubygems": compareRubyGems, "nuget": compareNuGet, "apk": compareAPK} {
			x, ok1 := cmp(a, b)
			y, ok2 := cmp(b, a)
			if ok1 != ok2 || (ok1 && x != -y) {
				t.Fatalf("%s(%q, %q) = %d %v, reversed %d %v", name, a, b, x, ok1, y, ok2)
			}
		}
	})
}

// FuzzCVSS3Base: a vector gives a score in [0, 10] with one decimal, or
// an error.
func FuzzCVSS3Base(f *testing.F) {
	for _, s := range []string{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s, err := CVSS3Base(v)
		if err != nil {
			return
		}
		if s < 0 || s > 10 || float64(int(s*10+0.5))/10 != s {
			t.Fatalf("CVSS3Base(%q) = %v", v, s)
		}
	})
}
