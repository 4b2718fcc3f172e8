package sbom

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// TestDetectedLicensesWhereConsumersRead: a component whose licenses were
// detected (none declared) carries them in components[].licenses, where
// Dependency-Track, grype and jq read them (declared, in CycloneDX 1.6),
// as SPDX carries them in licenseDeclared; the evidence keeps the file and
// confidence; decoding gives back exactly the detected licenses, for every
// CycloneDX version and encoding. A declared license is never doubled.
func TestDetectedLicensesWhereConsumersRead(t *testing.T) {
	doc := func(ls ...License) *Document {
		return &Document{Name: "app", Describes: []string{"app"}, Components: []*Component{
			{ID: "app", Kind: KindApplication, Name: "app", Version: "v1.0.0"},
			{ID: "m", Kind: KindLibrary, Name: "example.com/m", Version: "v1.2.0", PURL: "pkg:golang/example.com/m@v1.2.0", Licenses: ls},
		}, Edges: []Edge{{"app", "m", EdgeDependsOn}}}
	}
	mit := License{Expression: "MIT", Source: LicenseDetected, Confidence: 1, File: "LICENSE"}
	bsd := License{Expression: "BSD-3-Clause", Source: LicenseDetected, Confidence: 0.98, File: "LICENSE"}
	for _, tc := range []struct {
		name     string
		licenses []License
		want     string // components[].licenses of the module, as JSON
	}{
		{"one detected", []License{mit}, `[{"license":{"id":"MIT","acknowledgement":"declared"}}]`},
		{"two detected", []License{mit, bsd}, `[{"expression":"BSD-3-Clause AND MIT","acknowledgement":"declared"}]`},
		{"declared and detected", []License{{Expression: "Apache-2.0", Source: LicenseDeclared}, mit},
			`[{"license":{"id":"Apache-2.0","acknowledgement":"declared"}}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := Encode(&buf, doc(tc.licenses...), CycloneDX16JSON); err != nil {
				t.Fatal(err)
			}
			var bom struct {
				Components []struct {
					Name     string          `json:"name"`
					Licenses json.RawMessage `json:"licenses"`
				} `json:"components"`
			}
			if err := json.Unmarshal(buf.Bytes(), &bom); err != nil {
				t.Fatal(err)
			}
			var got string
			for _, c := range bom.Components {
				if c.Name == "example.com/m" {
					var b bytes.Buffer
					if err := json.Compact(&b, c.Licenses); err != nil {
						t.Fatal(err)
					}
					got = b.String()
				}
			}
			if got != tc.want {
				t.Errorf("licenses = %s, want %s", got, tc.want)
			}
			for _, f := range []Format{CycloneDX14JSON, CycloneDX15JSON, CycloneDX16JSON, CycloneDX16XML, SPDX23JSON} {
				var out bytes.Buffer
				if _, err := Encode(&out, doc(tc.licenses...), f); err != nil {
					t.Fatal(err)
				}
				back, err := Decode(&out)
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				var gotL []License
				for _, c := range back.Components {
					if c.Name == "example.com/m" {
						gotL = c.Licenses
					}
				}
				if !slices.EqualFunc(sortedLicenses(gotL), sortedLicenses(tc.licenses), func(a, b License) bool {
					// CycloneDX before 1.6 cannot say "declared": only
					// detected or not is kept by every format.
					return a.Expression == b.Expression && (a.Source == LicenseDetected) == (b.Source == LicenseDetected)
				}) {
					t.Errorf("%s: decoded %+v, want %+v", f, gotL, tc.licenses)
				}
			}
		})
	}
}

func sortedLicenses(ls []License) []License {
	out := slices.Clone(ls)
	slices.SortFunc(out, func(a, b License) int {
		if a.Expression < b.Expression {
			return -1
		}
		if a.Expression > b.Expression {
			return 1
		}
		return 0
	})
	return out
}

// TestSameFactsInEveryFormat: the go.sum h1, the zip SHA-256 and the
// detected licenses of a module come back from every format the package
// writes, SPDX tag-value included (its annotations live at the document,
// naming the package).
func TestSameFactsInEveryFormat(t *testing.T) {
	h1 := "h1:3ABjXiDwrt5DRVXV6/uyrB6n4CRz17H7lNC6yYQwxPE="
	sum := "296da1b4778c1ea8791171afb156ad85b3d9b08d9e888d5687aea326ddbfc32a"
	d := &Document{Name: "app", Describes: []string{"app"}, Components: []*Component{
		{ID: "app", Kind: KindApplication, Name: "app", Version: "v1.0.0"},
		{ID: "m", Kind: KindLibrary, Name: "example.com/m", Version: "v1.2.0", PURL: "pkg:golang/example.com/m@v1.2.0", GoH1: h1,
			Hashes:   []Hash{{Algorithm: SHA256, Value: sum}},
			Licenses: []License{{Expression: "MIT", Source: LicenseDetected, Confidence: 1, File: "LICENSE"}}},
	}, Edges: []Edge{{"app", "m", EdgeDependsOn}}}
	for _, f := range []Format{CycloneDX16JSON, CycloneDX16XML, SPDX23JSON, SPDX23TagValue} {
		t.Run(f.String(), func(t *testing.T) {
			b, _, err := Marshal(d, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			var m *Component
			for _, c := range got.Components {
				if c.PURL == "pkg:golang/example.com/m@v1.2.0" {
					m = c
				}
			}
			if m == nil {
				t.Fatal("module lost")
			}
			if m.GoH1 != h1 {
				t.Errorf("h1 %q, want %q", m.GoH1, h1)
			}
			if !slices.Equal(m.Hashes, []Hash{{Algorithm: SHA256, Value: sum}}) {
				t.Errorf("hashes %v", m.Hashes)
			}
			if len(m.Licenses) != 1 || m.Licenses[0].Expression != "MIT" || m.Licenses[0].Source != LicenseDetected {
				t.Errorf("licenses %+v", m.Licenses)
			}
		})
	}
}
