package licensedetect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tmpl(t *testing.T, id string) string {
	t.Helper()
	b, err := templateFS.ReadFile("templates/License/" + id + "/pristine.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIdentify(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want []string
	}{
		{"MIT with title and copyright", "MIT License\n\nCopyright (c) 2020 Someone\n\n" + tmpl(t, "MIT"), []string{"MIT"}},
		{"Apache-2.0", tmpl(t, "Apache-2.0"), []string{"Apache-2.0"}},
		{"BSD-3-Clause with a name", strings.Replace(tmpl(t, "BSD-3-Clause"), "the copyright holder", "Google Inc.", 1), []string{"BSD-3-Clause"}},
		{"BSD-2-Clause", tmpl(t, "BSD-2-Clause"), []string{"BSD-2-Clause"}},
		{"ISC", tmpl(t, "ISC"), []string{"ISC"}},
		{"MPL-2.0", tmpl(t, "MPL-2.0"), []string{"MPL-2.0"}},
		{"dual Apache-2.0 and MIT", tmpl(t, "Apache-2.0") + "\n\n---\n\n" + tmpl(t, "MIT"), []string{"Apache-2.0", "MIT"}},
		{"not a license", "This is a README.\nIt says nothing about licensing at all, only how to build.\n", nil},
		{"empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, m := range Identify([]byte(tc.text)) {
				got = append(got, m.ID)
				if m.Confidence <= 0 || m.Confidence > 1 {
					t.Errorf("confidence %v", m.Confidence)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "LICENSE.md"), []byte(tmpl(t, "MIT")), 0o644)
	os.WriteFile(filepath.Join(dir, "COPYING"), []byte(tmpl(t, "ISC")), 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte(tmpl(t, "Apache-2.0")), 0o644)
	os.Mkdir(filepath.Join(dir, "LICENSE"), 0o755)
	got := Detect(dir)
	if len(got) != 2 || got[0].File != "COPYING" || got[0].ID != "ISC" || got[1].File != "LICENSE.md" || got[1].ID != "MIT" {
		t.Errorf("Detect = %+v", got)
	}
	if Detect(filepath.Join(dir, "missing")) != nil {
		t.Error("missing directory")
	}
}

func TestIsLicenseFile(t *testing.T) {
	for name, want := range map[string]bool{"LICENSE": true, "license.txt": true, "LICENCE.md": true, "COPYING": true,
		"LICENSE-APACHE": true, "MIT-LICENSE.txt": true, "UNLICENSE": true, "README": false, "LICENSE.go": false, "COPYRIGHT": false} {
		if IsLicenseFile(name) != want {
			t.Errorf("%s: %v", name, !want)
		}
	}
}

func BenchmarkIdentifyFast(b *testing.B) {
	text := []byte("Copyright 2024 X\n\n" + string(must(templateFS.ReadFile("templates/License/Apache-2.0/pristine.txt"))))
	for b.Loop() {
		identify(text)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
