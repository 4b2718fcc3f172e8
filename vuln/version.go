package vuln

import (
	"slices"
	"strings"

	"golang.org/x/mod/semver"
)

// A comparator orders two versions of one ecosystem: -1, 0 or +1, and
// false when either is not a version it can read.
type comparator func(a, b string) (int, bool)

// comparatorFor returns how to order the versions of an ecosystem's
// range type, or nil when this package cannot (a finding there is
// reported as unchecked, never as not affected).
func comparatorFor(ecosystem, rangeType string) comparator {
	switch {
	case ecosystem == "Go":
		return compareGo // SEMVER and ECOSYSTEM ranges alike
	case rangeType == "SEMVER":
		return compareSemver
	case ecosystem == "npm" || ecosystem == "crates.io" || ecosystem == "Hex" || ecosystem == "Pub" || ecosystem == "SwiftURL":
		return compareSemver // ECOSYSTEM ranges of semver ecosystems
	case ecosystem == "PyPI":
		return comparePEP440
	case ecosystem == "Debian" || ecosystem == "Ubuntu":
		return compareDebian
	case ecosystem == "Maven":
		return compareMaven
	case ecosystem == "RubyGems":
		return compareRubyGems
	case ecosystem == "NuGet":
		return compareNuGet
	case ecosystem == "Alpine":
		return compareAPK
	}
	return nil
}

// goSemver returns a Go version as x/mod/semver reads it: a module
// version ("v1.2.3", a pseudo-version, "+incompatible" dropped), a version
// as the Go vulnerability database writes it ("1.2.3", "0.0.0-2022...-
// abcdef"), or a Go release ("go1.21.3", "go1.21", "go1.21rc2", "1.21.0-0").
func goSemver(v string) (string, bool) {
	v = strings.TrimSuffix(v, "+incompatible")
	if r, ok := strings.CutPrefix(v, "go"); ok {
		v = r
		// go1.21rc2 -> 1.21.0-rc.2; go1.21 -> 1.21.0
		for _, pre := range []string{"rc", "beta", "alpha"} {
			if i := strings.Index(v, pre); i > 0 {
				base, n := v[:i], v[i+len(pre):]
				if strings.Count(base, ".") == 1 {
					base += ".0"
				}
				v = base + "-" + pre + "." + n
				break
			}
		}
		if !strings.Contains(v, "-") && strings.Count(v, ".") == 1 {
			v += ".0"
		}
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if !semver.IsValid(v) {
		return "", false
	}
	return v, true
}

func compareGo(a, b string) (int, bool) {
	x, ok1 := goSemver(a)
	y, ok2 := goSemver(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	return semver.Compare(x, y), true
}

// compareSemver orders SemVer 2.0 versions, with or without a "v" (build
// metadata ignored, as SemVer says).
func compareSemver(a, b string) (int, bool) {
	x, y := "v"+strings.TrimPrefix(a, "v"), "v"+strings.TrimPrefix(b, "v")
	if !semver.IsValid(x) || !semver.IsValid(y) || semver.Canonical(x) == "" {
		return 0, false
	}
	return semver.Compare(x, y), true
}

// inRange reports whether version is affected by a range's events, the
// way the OSV schema evaluates them: events in version order, each
// introduced one opening the range ("0": from the first version), each
// fixed one closing it before its version and each last_affected one
// after. fixed is the version that fixes the range version lies in, if
// one does. ok is false when a version cannot be ordered.
func inRange(cmp comparator, version string, events []Event) (affected bool, fixed string, ok bool) {
	type ev struct {
		kind byte // 'i', 'f', 'l'
		v    string
	}
	var evs []ev
	for _, e := range events {
		switch {
		case e.Introduced != "":
			evs = append(evs, ev{'i', e.Introduced})
		case e.Fixed != "":
			evs = append(evs, ev{'f', e.Fixed})
		case e.LastAffected != "":
			evs = append(evs, ev{'l', e.LastAffected})
		}
		// limit events bound GIT ranges only
	}
	bad := false
	less := func(a, b ev) int {
		if a.v == "0" || b.v == "0" {
			switch {
			case a.v == b.v:
				return 0
			case a.v == "0":
				return -1
			}
			return 1
		}
		c, ok := cmp(a.v, b.v)
		if !ok {
			bad = true
		}
		if c == 0 && a.kind != b.kind {
			// At one version, close before opening: "fixed 1.2,
			// introduced 1.2" leaves 1.2 affected.
			order := map[byte]int{'f': 0, 'l': 1, 'i': 2}
			return order[a.kind] - order[b.kind]
		}
		return c
	}
	slices.SortStableFunc(evs, less)
	if bad {
		return false, "", false
	}
	for _, e := range evs {
		var c int
		if e.v == "0" {
			c = 1
		} else {
			var ok bool
			if c, ok = cmp(version, e.v); !ok {
				return false, "", false
			}
		}
		switch e.kind {
		case 'i':
			if c >= 0 {
				affected, fixed = true, ""
			}
		case 'f':
			if c >= 0 {
				affected = false
			} else if affected && fixed == "" {
				fixed = e.v
			}
		case 'l':
			if c > 0 {
				affected = false
			}
		}
	}
	if !affected {
		fixed = ""
	}
	return affected, fixed, true
}
