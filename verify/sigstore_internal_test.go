package verify

import (
	"testing"
)

// Every FulcioClaims field has an extension, in order.
func TestClaimOIDs(t *testing.T) {
	var c FulcioClaims
	if n := len(c.fields()); n != len(claimOIDs) {
		t.Fatalf("%d fields, %d OIDs", n, len(claimOIDs))
	}
	for i, oid := range claimOIDs {
		if oid[len(oid)-1] != 9+i {
			t.Fatalf("OID %v at %d", oid, i)
		}
	}
	c.BuildTrigger = "push"
	if *c.fields()[11] != "push" || claimName(11) != "BuildTrigger" {
		t.Fatal("fields and names out of order")
	}
}

// TestDiffer: two long names that differ late are shown around the first
// difference, never cut at the same point so that they look equal.
func TestDiffer(t *testing.T) {
	base := "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/"
	for _, tc := range []struct{ got, want, out string }{
		{"a", "b", `"a" is not "b"`},
		{base + "x.yml@refs/heads/main", base + "y.yml@refs/heads/main",
			`..."eacon/.github/workflows/x.yml@refs/heads/main" is not ..."eacon/.github/workflows/y.yml@refs/heads/main" (they differ from byte 97)`},
		{base + "x.yml", base, `..."eacon/.github/workflows/x.yml" is not ..."eacon/.github/workflows/" (they differ from byte 97)`},
		{base + base + "é", base + base + "e", `..."eacon/.github/workflows/é" is not ..."eacon/.github/workflows/e" (they differ from byte 194)`},
	} {
		if got := differ(tc.got, tc.want); got != tc.out {
			t.Errorf("differ:\n got %s\nwant %s", got, tc.out)
		}
	}
}

// TestHintText: a Sigstore keyid hint prints as hex, like key ids do.
func TestHintText(t *testing.T) {
	for _, tc := range []struct{ hint, want string }{
		{"9jiRXHCAUBE6ZJHzMU1rBnItdnInwxEu04qKuWqWXmU=", "f638915c708050113a6491f3314d6b06722d767227c3112ed38a8ab96a965e65"},
		{"release-key", `"release-key"`},
		{"", `""`},
	} {
		if got := hintText(tc.hint); got != tc.want {
			t.Errorf("hintText(%q) = %s, want %s", tc.hint, got, tc.want)
		}
	}
}
