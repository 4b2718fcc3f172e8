package sbom

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
)

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		ok   bool
	}{
		{"cyclonedx-json", CycloneDX16JSON, true},
		{"cyclonedx-xml@1.5", CycloneDX15XML, true},
		{"spdx-json", SPDX23JSON, true},
		{"spdx-tv", SPDX23TagValue, true},
		{"cyclonedx-json@1.7", CycloneDX17JSON, true},
		{"spdx-json@2.2", Format{}, false},
		{"cyclonedx-json@9", Format{}, false},
		{"yaml", Format{}, false},
	} {
		got, err := ParseFormat(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseFormat(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("untyped error %v", err)
		}
		if tc.ok {
			if again, _ := ParseFormat(got.String()); again != got {
				t.Errorf("String %q does not parse back", got.String())
			}
		}
	}
}

func TestMergeDedupe(t *testing.T) {
	a := &Document{Describes: []string{"a"}, Components: []*Component{
		{ID: "a", Name: "app-a", PURL: "pkg:golang/example.com/a@v1"},
		{ID: "m", Name: "mod", PURL: "pkg:golang/example.com/mod@v1", Licenses: []License{{Expression: "MIT", Source: LicenseDetected}}},
		{ID: "f", Name: "file", Kind: KindFile, Hashes: []Hash{{SHA256, "aa"}}},
	}, Edges: []Edge{{"a", "m", EdgeDependsOn}}}
	b := &Document{Describes: []string{"b"}, Components: []*Component{
		{ID: "b", Name: "app-b", PURL: "pkg:golang/example.com/b@v1"},
		{ID: "m2", Name: "mod", PURL: "pkg:golang/example.com/mod@v1", Hashes: []Hash{{SHA256, "bb"}}},
		{ID: "f2", Name: "file-renamed", Kind: KindFile, Hashes: []Hash{{SHA256, "aa"}}},
		{ID: "a", Name: "other", PURL: "pkg:golang/example.com/other@v1"},
	}, Edges: []Edge{{"b", "m2", EdgeDependsOn}, {"b", "a", EdgeDependsOn}}}
	m, err := Merge([]*Document{a, b}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Components) != 5 {
		t.Fatalf("%d components, want 5 (mod and file deduplicated)", len(m.Components))
	}
	mod := m.Component("m")
	if mod == nil || len(mod.Licenses) != 1 || mod.Hash(SHA256) != "bb" {
		t.Errorf("merged module %+v", mod)
	}
	if m.Component("doc2:a") == nil || len(m.DependsOn("b")) != 2 {
		t.Errorf("renaming: %v %v", m.Components, m.Edges)
	}
	if len(m.Describes) != 2 {
		t.Errorf("describes %v", m.Describes)
	}
	if len(a.Components) != 3 || a.Components[1].Hash(SHA256) != "" {
		t.Errorf("input changed")
	}
	if _, err := Merge(nil, MergeOptions{}); err == nil {
		t.Error("empty merge accepted")
	}
}

func TestDiffChanges(t *testing.T) {
	a := &Document{Components: []*Component{
		{ID: "1", Name: "x", PURL: "pkg:golang/x@v1", Licenses: []License{{Expression: "MIT"}}, Hashes: []Hash{{SHA256, "aa"}}},
		{ID: "2", Name: "y", PURL: "pkg:golang/y@v1"},
		{ID: "3", Name: "z", PURL: "pkg:golang/z@v1"},
		{ID: "4", Name: "dup", PURL: "pkg:golang/dup@v1"},
		{ID: "5", Name: "dup", PURL: "pkg:golang/dup@v2"},
	}}
	b := &Document{Components: []*Component{
		{ID: "1", Name: "x", PURL: "pkg:golang/x@v1", Licenses: []License{{Expression: "Apache-2.0"}}, Hashes: []Hash{{SHA256, "bb"}}},
		{ID: "2", Name: "y", Version: "v2", PURL: "pkg:golang/y@v2"},
		{ID: "6", Name: "w", PURL: "pkg:golang/w@v1"},
		{ID: "5", Name: "dup", PURL: "pkg:golang/dup@v2"},
	}}
	r := Diff(a, b)
	if len(r.Added) != 1 || r.Added[0].Name != "w" || len(r.Removed) != 2 || len(r.Changed) != 2 {
		t.Fatalf("diff:\n%s", r)
	}
	for _, ch := range r.Changed {
		switch ch.After.Name {
		case "x":
			if !ch.License || !ch.Hash || ch.Version {
				t.Errorf("x: %+v", ch)
			}
		case "y":
			if !ch.Version {
				t.Errorf("y: %+v", ch)
			}
		}
	}
	if !Diff(a, a).Empty() {
		t.Error("a document differs from itself")
	}
}

func TestConvertLossReport(t *testing.T) {
	d := &Document{Components: []*Component{{ID: "a", Name: "a", Scope: ScopeExcluded, VCS: "https://x", PURL: "pkg:npm/a@1"}},
		Vulnerabilities: []Vulnerability{{ID: "CVE-1", Affects: []string{"a"}, State: "not_affected"}},
		Edges:           []Edge{{"a", "a", EdgeProvides}}}
	_, loss, err := Marshal(d, SPDX23JSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"components[].scope", "vulnerabilities", "relationship:provides"} {
		if !strings.Contains(loss.String(), want) {
			t.Errorf("loss report lacks %s:\n%s", want, loss)
		}
	}
	// Down-conversion reports what CycloneDX 1.4 lacks.
	d2 := &Document{Components: []*Component{{ID: "a", Name: "a", Licenses: []License{{Expression: "MIT", Source: LicenseDeclared}}}}}
	_, loss, err = Marshal(d2, CycloneDX14JSON)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loss.String(), "acknowledgement") {
		t.Errorf("1.4 loss report:\n%s", loss)
	}
	if _, _, err := Marshal(d2, Format{SPDX, "2.2", JSON}); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("writing SPDX 2.2: %v", err)
	}
}

func TestVEXRoundTrip(t *testing.T) {
	data := readCorpus(t, "cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-1/vex-not_affected.json")
	d, err := Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	v, err := OpenVEXFromDocument(d, "https://example.com/vex/1", "example", ts)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Statements) != 1 || v.Statements[0].Status != attest.VEXNotAffected || v.Statements[0].Justification != "vulnerable_code_not_present" {
		t.Fatalf("statements %+v", v.Statements)
	}
	var buf bytes.Buffer
	if err := EncodeOpenVEX(&buf, v); err != nil {
		t.Fatal(err)
	}
	v2, err := DecodeOpenVEX(&buf)
	if err != nil {
		t.Fatal(err)
	}
	target := &Document{Components: []*Component{{ID: "x", Name: "ABC", PURL: v2.Statements[0].Products[0].ID}}}
	if v2.Statements[0].Products[0].ID == "" {
		target.Components[0].ID = "product-ABC"
	}
	n, err := ApplyOpenVEX(target, v2)
	if err != nil || n != 1 {
		t.Fatalf("apply: %d %v", n, err)
	}
	got := target.Vulnerabilities[0]
	if got.ID != "CVE-2021-44228" || got.State != "not_affected" || got.Justification != "code_not_present" {
		t.Errorf("vulnerability %+v", got)
	}
}

func TestStatementErrors(t *testing.T) {
	d := &Document{Components: []*Component{{ID: "a", Name: "a"}}}
	if _, err := Statement(d, SPDX23TagValue); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("tag-value predicate: %v", err)
	}
	if _, err := Statement(d, SPDX23JSON); err == nil {
		t.Errorf("statement without subject accepted")
	}
	st := &attest.Statement{PredicateType: attest.PredicateSLSAProvenanceV1}
	if _, err := FromStatement(st); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("provenance as SBOM: %v", err)
	}
}

// TestMutations flips every byte of a small valid SBOM: decoding and
// validating never panic and errors are typed.
func TestMutations(t *testing.T) {
	good := readCorpus(t, "cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-7/bom-1.json")
	spdxGood := readCorpus(t, "spdx/spdx-examples/presentations/OSS-NA-2023/SPDXVersion2.3/01-MinimalSBOM.json")
	for _, doc := range [][]byte{good, spdxGood} {
		for i := range doc {
			for _, delta := range []byte{1, 0x80} {
				m := bytes.Clone(doc)
				m[i] ^= delta
				_, err := Decode(bytes.NewReader(m))
				if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupportedFormat) {
					t.Fatalf("byte %d: untyped error %v", i, err)
				}
				rep, err := Validate(context.Background(), bytes.NewReader(m), ValidateOptions{})
				if err == nil && !rep.Valid() {
					t.Fatalf("byte %d: nil error, invalid report", i)
				}
			}
		}
	}
}

func TestH1(t *testing.T) {
	const h1 = "h1:Ld3V+TQ8NLmsPvIxpkFz0wuWE5KUPT3XdN+tGNuDQqQ="
	hx, ok := H1Hex(h1)
	if !ok {
		t.Fatal("h1Hex")
	}
	back, err := H1FromHex(hx)
	if err != nil || back != h1 {
		t.Errorf("H1FromHex = %q, %v", back, err)
	}
	if _, err := H1FromHex("zz"); err == nil {
		t.Error("bad hex accepted")
	}
}
