package slsa

import (
	"regexp"
	"testing"
)

var semverTagRE = regexp.MustCompile(`^refs/tags/v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$`)

var semverTagCases = []string{
	"refs/tags/v1.2.3", "refs/tags/v0.0.0", "refs/tags/v10.20.30", "refs/tags/v1.2.3-rc.1", "refs/tags/v1.2.3-a-b.c",
	"refs/tags/v01.2.3", "refs/tags/v1.02.3", "refs/tags/v1.2.03", "refs/tags/v1.2", "refs/tags/v1.2.3.4",
	"refs/tags/v1.2.3-", "refs/tags/v1.2.3+build", "refs/tags/v1.2.3-rc_1", "refs/tags/1.2.3", "refs/heads/v1.2.3",
	"refs/tags/v", "refs/tags/v.1.2", "refs/tags/v1..2", "", "refs/tags/v1.2.3\n", "refs/tags/v١.2.3",
}

// TestSemverTagMatchesRegexp: the hand-written matcher is the regular
// expression it documents.
func TestSemverTagMatchesRegexp(t *testing.T) {
	for _, ref := range semverTagCases {
		if got, want := isSemverTag(ref), semverTagRE.MatchString(ref); got != want {
			t.Errorf("isSemverTag(%q) = %v, the regexp says %v", ref, got, want)
		}
	}
}

func FuzzSemverTag(f *testing.F) {
	for _, ref := range semverTagCases {
		f.Add(ref)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		if got, want := isSemverTag(ref), semverTagRE.MatchString(ref); got != want {
			t.Errorf("isSemverTag(%q) = %v, the regexp says %v", ref, got, want)
		}
	})
}
