package sbom

import (
	"context"
	"strings"
	"testing"
)

// TestDetectSPDX3Version reads the SPDX 3 version from the JSON-LD
// @context, defaulting to 3.0.1.
func TestDetectSPDX3Version(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"3.0.1", `{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}`, "3.0.1"},
		{"3.0.0", `{"@context":"https://spdx.org/rdf/3.0.0/spdx-context.jsonld"}`, "3.0.0"},
		{"in a list", `{"@context":["https://example.com/x","https://spdx.org/rdf/3.1/spdx-context.jsonld"]}`, "3.1"},
		{"no version path", `{"@context":"https://spdx.org/rdf/3.x"}`, "3.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Detect([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if want := (Format{SPDX, tc.want, JSONLD}); f != want {
				t.Errorf("Detect = %v, want %v", f, want)
			}
		})
	}
}

// TestDetectSPDX3NoRegexpCompile: detecting SPDX 3 costs about as many
// allocations as detecting OpenVEX (the same JSON path, without the
// @context regexp): the regexp is compiled once, not on every call (a
// compilation costs dozens of allocations).
func TestDetectSPDX3NoRegexpCompile(t *testing.T) {
	spdx3 := []byte(`{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}`)
	vex := []byte(`{"@context":"https://openvex.dev/ns/v0.2.0/xxxxxxxxxxxxxxxx"}`)
	if len(spdx3) != len(vex) {
		t.Fatalf("inputs differ in length: %d, %d", len(spdx3), len(vex))
	}
	nSPDX3 := testing.AllocsPerRun(50, func() { _, _ = Detect(spdx3) })
	nVEX := testing.AllocsPerRun(50, func() { _, _ = Detect(vex) })
	if nSPDX3 > nVEX+5 {
		t.Errorf("Detect(SPDX 3) makes %v allocations, Detect(OpenVEX) %v: is a regexp compiled per call?", nSPDX3, nVEX)
	}
}

// TestErrorMessages: the common failures say what failed once, without
// the package prefix or category repeated, and a decode failure is one
// finding, not two.
func TestErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
		findings        int
	}{
		{"schema", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library"}]}`,
			"sbom: document is invalid: schema: /components/0: missing property 'name'", 1},
		{"truncated JSON", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`,
			"sbom: malformed document: JSON: json: syntax error: unexpected end of input at components[0] (offset 59)", 0},
		{"tag-value", "SPDXVersion: SPDX-2.3\nbogus",
			"sbom: document is invalid: decode: SPDX tag-value: no colon found in 'bogus'", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Validate(context.Background(), strings.NewReader(tc.doc), ValidateOptions{})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Validate error:\n got %v\nwant %s", err, tc.want)
			}
			if strings.Count(err.Error(), "sbom:") != 1 {
				t.Errorf("the package prefix is repeated: %v", err)
			}
			if rep != nil && len(rep.Errors()) != tc.findings {
				t.Errorf("%d findings, want %d: %v", len(rep.Errors()), tc.findings, rep.Errors())
			}
		})
	}
}
