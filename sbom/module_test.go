package sbom

import "testing"

func TestModuleComponent(t *testing.T) {
	for _, tc := range []struct {
		name                             string
		path, version, replPath, replVer string
		wantID, wantPURL, wantReplace    string
		wantReplaced                     bool
	}{
		{"plain", "example.com/a", "v1.2.3", "", "",
			"pkg:golang/example.com/a@v1.2.3", "pkg:golang/example.com/a@v1.2.3", "", false},
		{"replaced by a version", "example.com/a", "v1.2.3", "example.com/fork", "v1.2.4",
			"pkg:golang/example.com/fork@v1.2.4", "pkg:golang/example.com/fork@v1.2.4", "example.com/fork@v1.2.4", true},
		{"replaced by a directory", "example.com/a", "v1.2.3", "../a", "",
			"pkg:golang/example.com/a@v1.2.3#replaced", "pkg:golang/example.com/a@v1.2.3", "../a", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := moduleComponent(tc.path, tc.version, tc.replPath, tc.replVer)
			if c.Name != tc.path || c.Version != tc.version || c.Kind != KindLibrary {
				t.Errorf("name/version/kind = %q %q %v", c.Name, c.Version, c.Kind)
			}
			if c.ID != tc.wantID || c.PURL != tc.wantPURL {
				t.Errorf("ID %q PURL %q, want %q %q", c.ID, c.PURL, tc.wantID, tc.wantPURL)
			}
			r, ok := c.Property(PropGoReplace)
			if ok != tc.wantReplaced || r != tc.wantReplace {
				t.Errorf("%s = %q (%v), want %q (%v)", PropGoReplace, r, ok, tc.wantReplace, tc.wantReplaced)
			}
		})
	}
}
