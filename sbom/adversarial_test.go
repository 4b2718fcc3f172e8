package sbom

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/internal/limits"
)

// The tests in this file are the SBOM and VEX rows of SECURITY.md (areas
// I and J), one test per case id. "Bounded" is checked as the document
// says: a result within seconds and an allocation budget, measured with
// runtime.MemStats.

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func cdxDoc(components, dependencies string) string {
	return `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[` + components + `],"dependencies":[` + dependencies + `]}`
}

func TestAdversarial_C92(t *testing.T) {
	t.Run("cycles", func(t *testing.T) {
		doc := cdxDoc(`{"type":"library","name":"a","bom-ref":"A"},{"type":"library","name":"b","bom-ref":"B"}`,
			`{"ref":"A","dependsOn":["B","A"]},{"ref":"B","dependsOn":["A"]}`)
		d, err := Decode(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		cyc := d.Cycles(0)
		if len(cyc) < 2 {
			t.Fatalf("cycles %v, want A->A and A->B->A", cyc)
		}
		rep, err := Validate(context.Background(), strings.NewReader(doc), ValidateOptions{})
		if err != nil {
			t.Fatal(err) // a cycle is a warning, not an invalid document
		}
		found := false
		for _, i := range rep.Issues {
			found = found || i.Check == CheckCycle
		}
		if !found {
			t.Error("cycle not reported")
		}
		if got := d.Reachable("A"); len(got) != 1 || got[0] != "B" {
			t.Errorf("reachable %v", got)
		}
	})
	t.Run("long chain", func(t *testing.T) {
		const n = 100_000
		var comps, deps strings.Builder
		for i := range n {
			if i > 0 {
				comps.WriteByte(',')
				deps.WriteByte(',')
			}
			fmt.Fprintf(&comps, `{"type":"library","name":"c%d","bom-ref":"c%d"}`, i, i)
			fmt.Fprintf(&deps, `{"ref":"c%d","dependsOn":["c%d"]}`, i, (i+1)%n) // closes into one 10^5 cycle
		}
		d, err := Decode(strings.NewReader(cdxDoc(comps.String(), deps.String())))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Reachable("c0")) != n-1 {
			t.Errorf("reachable %d", len(d.Reachable("c0")))
		}
		if p := d.Path("c0", fmt.Sprintf("c%d", n-1)); len(p) != n {
			t.Errorf("path length %d", len(p))
		}
		if c := d.Cycles(1); len(c) != 1 || len(c[0]) != n+1 {
			t.Errorf("cycle not found")
		}
		if _, _, err := Marshal(d, SPDX23JSON); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("spdx cycle", func(t *testing.T) {
		doc := spdxDoc(`{"SPDXID":"SPDXRef-a","name":"a","downloadLocation":"NOASSERTION"},{"SPDXID":"SPDXRef-b","name":"b","downloadLocation":"NOASSERTION"}`,
			`{"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-b"},{"spdxElementId":"SPDXRef-b","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-a"}`)
		d, err := Decode(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Cycles(0)) != 1 {
			t.Errorf("cycles %v", d.Cycles(0))
		}
	})
	t.Run("10^5 chain in the memory budget", func(t *testing.T) { testAtBound(t, "a 10^5 dependency chain") })
	t.Run("deep nesting", func(t *testing.T) {
		// CycloneDX nesting is recursion in the decoder: the JSON depth
		// limit stops it first.
		doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":` + strings.Repeat(`[{"type":"library","name":"x","components":`, 5000) + `[]` + strings.Repeat(`}]`, 5000) + `}`
		_, err := Decode(strings.NewReader(doc))
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
	})
}

func spdxDoc(packages, relationships string) string {
	return `{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"x","documentNamespace":"https://example.com/x",` +
		`"creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: t"]},"packages":[` + packages + `],"relationships":[` + relationships + `]}`
}

// endless is an io.Reader of n bytes of one character that counts what
// was read from it.
type endless struct {
	c    byte
	left int64
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), e.left)
	for i := range p[:n] {
		p[i] = e.c
	}
	e.left -= n
	e.read += n
	return int(n), nil
}

func TestAdversarial_C93(t *testing.T) {
	t.Run("300 MB document", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`), &endless{c: ' ', left: 300 << 20})
		_, err := Decode(r)
		if !errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrMalformed) {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
	})
	t.Run("a million tiny components", func(t *testing.T) {
		var b strings.Builder
		for i := range 1_000_000 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"type":"library","name":"a"}`)
		}
		doc := cdxDoc(b.String(), "")
		if len(doc) > limits.MaxSBOMBytes {
			t.Fatalf("test document is %d bytes, over the size cap", len(doc))
		}
		start := time.Now()
		var err error
		alloc := allocated(func() { _, err = Decode(strings.NewReader(doc)) })
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
		if alloc > 3*uint64(len(doc)) {
			t.Errorf("allocated %d bytes for a %d-byte document", alloc, len(doc))
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v", d)
		}
	})
	// Every array under its own bound, their sum over the total: one
	// component whose dependency entries each list just under the array
	// bound of refs (the 48 MB document that took 22-56 s and 2.4 GB to
	// decode before there was a total) is refused while scanning, in
	// JSON, before anything is decoded for it.
	t.Run("many arrays under their bound, over the total", func(t *testing.T) {
		refs := make([]string, limits.MaxSBOMComponents-1000)
		for i := range refs {
			refs[i] = fmt.Sprintf("%q", fmt.Sprintf("r%d", i))
		}
		dep := `{"ref":"a","dependsOn":[` + strings.Join(refs, ",") + `]}`
		n := limits.MaxSBOMElements/len(refs) + 1
		deps := strings.Repeat(dep+",", n-1) + dep // n arrays, each under the bound, over the total
		doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"a","bom-ref":"a"}],"dependencies":[` + deps + `]}`
		start := time.Now()
		var err error
		alloc := allocated(func() { _, err = Decode(strings.NewReader(doc)) })
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "array elements in all") {
			t.Fatalf("got %v, want ErrTooLarge for the total", err)
		}
		if alloc > 3*uint64(len(doc)) {
			t.Errorf("allocated %d bytes for a %d-byte document", alloc, len(doc))
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v", d)
		}
		if _, err := Validate(context.Background(), strings.NewReader(doc), ValidateOptions{}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("Validate: %v", err)
		}
	})
}

// The largest documents the totals let through decode within the memory
// budget.
func TestAdversarial_C93_AtTheBounds(t *testing.T) {
	for _, name := range []string{"refs at the element total", "components at the component bound"} {
		t.Run(name, func(t *testing.T) { testAtBound(t, name) })
	}
}

func TestAdversarial_C94(t *testing.T) {
	bad := []string{"pkg:", "pkg:npm/%ZZ", "pkg:npm/../../etc", "pkg:npm/ｌodash@1.0.0", "pkg:/name", "npm/x", "pkg:1npm/x",
		"pkg:npm/x?a=1&a=2", "pkg:npm/x@", "pkg:npm/" + strings.Repeat("a", 10<<20)}
	for _, p := range bad {
		if _, err := ParsePURL(p); !errors.Is(err, ErrPURL) {
			t.Errorf("ParsePURL(%.40q) = %v, want ErrPURL", p, err)
		}
	}
	if _, err := ParsePURL("pkg:npm/x?q=" + strings.Repeat("a", 10<<20)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("10 MiB qualifier: %v", err)
	}
	// The document still loads; validation reports each component.
	var comps []string
	for i, p := range bad[:4] {
		comps = append(comps, fmt.Sprintf(`{"type":"library","name":"c%d","bom-ref":"c%d","purl":%q}`, i, i, p))
	}
	doc := cdxDoc(strings.Join(comps, ","), "")
	d, err := Decode(strings.NewReader(doc))
	if err != nil || len(d.Components) != 4 {
		t.Fatalf("decode: %v", err)
	}
	rep, err := Validate(context.Background(), strings.NewReader(doc), ValidateOptions{})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("validate: %v", err)
	}
	n := 0
	for _, i := range rep.Issues {
		if i.Check == CheckPURL {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d purl findings, want 4: %v", n, rep.Issues)
	}
	// Canonical form for matching.
	if a, b := CanonicalPURL("pkg:NPM/foo@1.0?b=2&a=1"), CanonicalPURL("pkg:npm/foo@1.0?a=1&b=2"); a != b {
		t.Errorf("canonical %q != %q", a, b)
	}
}

func TestAdversarial_C95(t *testing.T) {
	const body = `<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"><components><component type="library"><name>&lol9;</name></component></components></bom>`
	for name, doctype := range map[string]string{
		"billion laughs": `<!DOCTYPE bom [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol9 "&lol2;&lol2;">]>`,
		"file entity":    `<!DOCTYPE bom [<!ENTITY lol9 SYSTEM "file:///etc/passwd">]>`,
		"external dtd":   `<!DOCTYPE bom SYSTEM "http://127.0.0.1:1/evil.dtd">`,
	} {
		t.Run(name, func(t *testing.T) {
			doc := `<?xml version="1.0"?>` + doctype + body
			if _, err := Decode(strings.NewReader(doc)); !errors.Is(err, ErrMalformed) {
				t.Errorf("Decode: %v", err)
			}
			if _, err := Validate(context.Background(), strings.NewReader(doc), ValidateOptions{}); !errors.Is(err, ErrMalformed) {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestAdversarial_C96(t *testing.T) {
	for name, doc := range map[string]string{
		"json arrays":  strings.Repeat("[", 1_000_000),
		"json objects": `{"bomFormat":"CycloneDX","specVersion":"1.6","x":` + strings.Repeat(`{"a":`, 1_000_000),
		"xml":          `<bom xmlns="http://cyclonedx.org/schema/bom/1.6">` + strings.Repeat("<a>", 1_000_000),
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := Decode(strings.NewReader(doc))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v", err)
			}
			if name != "json arrays" && !errors.Is(err, ErrTooLarge) {
				t.Errorf("got %v, want ErrTooLarge (depth)", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestAdversarial_C97(t *testing.T) {
	for name, tc := range map[string]struct {
		doc         string
		decodeFails bool
	}{
		"packages [null]":      {spdxDoc(`null`, ``), true},
		"relationships [null]": {spdxDoc(`{"SPDXID":"SPDXRef-a","name":"a","downloadLocation":"NOASSERTION"}`, `null`), true},
		"components [null]":    {cdxDoc(`null`, ``), true},
		"components null":      {`{"bomFormat":"CycloneDX","specVersion":"1.6","components":null}`, false},
		"duplicate bom-ref":    {cdxDoc(`{"type":"library","name":"a","bom-ref":"x"},{"type":"library","name":"b","bom-ref":"x"}`, ``), true},
		"undefined SPDXID": {spdxDoc(`{"SPDXID":"SPDXRef-a","name":"a","downloadLocation":"NOASSERTION"}`,
			`{"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-nope"}`), false},
		"dangling dependency": {cdxDoc(`{"type":"library","name":"a","bom-ref":"a"}`, `{"ref":"a","dependsOn":["ghost"]}`), false},
		"wrong type":          {`{"bomFormat":"CycloneDX","specVersion":"1.6","components":"abc"}`, true},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.doc))
			if tc.decodeFails != (err != nil) {
				t.Errorf("Decode error %v, want failure %v", err, tc.decodeFails)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("untyped error %v", err)
			}
			if err != nil && strings.Contains(err.Error(), "decoder failed") {
				t.Errorf("rejected only by a recovered panic: %v", err)
			}
			// Every one of them is an invalid document.
			if _, err := Validate(context.Background(), strings.NewReader(tc.doc), ValidateOptions{}); err == nil {
				t.Errorf("Validate accepted it")
			}
		})
	}
	t.Run("vex timestamp null", func(t *testing.T) {
		doc := `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":null,"version":1,"statements":[]}`
		if _, err := DecodeOpenVEX(strings.NewReader(doc)); !errors.Is(err, ErrMalformed) {
			t.Errorf("got %v", err)
		}
	})
}

// failTransport fails the test's counter on any request.
type failTransport struct{ calls atomic.Int64 }

func (f *failTransport) RoundTrip(*http.Request) (*http.Response, error) {
	f.calls.Add(1)
	return nil, errors.New("network access during parsing")
}

func TestAdversarial_C98(t *testing.T) {
	ft := &failTransport{}
	old := http.DefaultTransport
	http.DefaultTransport = ft
	defer func() { http.DefaultTransport = old }()
	docs := []string{
		cdxDoc(`{"type":"library","name":"a","bom-ref":"a","externalReferences":[{"type":"bom","url":"http://127.0.0.1:1/x.json"}]}`, ``),
		`{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"x","documentNamespace":"https://example.com/x",` +
			`"externalDocumentRefs":[{"externalDocumentId":"DocumentRef-x","spdxDocument":"http://127.0.0.1:1/doc","checksum":{"algorithm":"SHA1","checksumValue":"d6a770ba38583ed4bb4525bd96e50461655d2758"}}],` +
			`"creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: t"]}}`,
		`{"@context":"http://127.0.0.1:1/spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[{"type":"SpdxDocument","spdxId":"urn:x","name":"x"}]}`,
		`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://127.0.0.1:1/bom.xsd" version="1"><components/></bom>`,
	}
	for i, doc := range docs {
		if _, err := Decode(strings.NewReader(doc)); err != nil {
			t.Errorf("doc %d: %v", i, err)
		}
		Validate(context.Background(), strings.NewReader(doc), ValidateOptions{})
	}
	if n := ft.calls.Load(); n != 0 {
		t.Errorf("%d network calls", n)
	}
}

func TestAdversarial_C99(t *testing.T) {
	for name, expr := range map[string]string{
		"nested":   strings.Repeat("(", 100_000) + "MIT" + strings.Repeat(")", 100_000),
		"repeated": strings.Repeat("MIT AND ", 1_000_000) + "MIT",
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			if err := ValidateLicenseExpression(expr); !errors.Is(err, ErrTooLarge) {
				t.Errorf("got %v, want ErrTooLarge", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	deep := strings.Repeat("(", limits.MaxLicenseDepth+1) + "MIT" + strings.Repeat(")", limits.MaxLicenseDepth+1)
	if err := ValidateLicenseExpression(deep); !errors.Is(err, ErrTooLarge) {
		t.Errorf("depth limit: %v", err)
	}
	for _, ok := range []string{"MIT", "Apache-2.0 OR MIT", "(MIT AND BSD-3-Clause) OR GPL-2.0-or-later WITH Classpath-exception-2.0", "LicenseRef-x", "GPL-2.0+"} {
		if err := ValidateLicenseExpression(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "MIT AND", "AND MIT", "(MIT", "MIT)", "NOT-A-LICENSE", "MIT WITH", "LicenseRef-"} {
		if err := ValidateLicenseExpression(bad); !errors.Is(err, ErrLicenseExpression) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestAdversarial_C100(t *testing.T) {
	ts := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	later := ts.Add(time.Hour)
	v := &attest.OpenVEX{Context: "https://openvex.dev/ns/v0.2.0", ID: "x", Author: "a", Timestamp: &later, Version: 1,
		Statements: []attest.VEXStatement{{Vulnerability: attest.VEXVulnerability{Name: "CVE-2024-1"},
			Products: []attest.VEXProduct{{ID: "pkg:oci/app"}}, Status: attest.VEXNotAffected, Justification: "component_not_present"}}}
	d := &Document{Components: []*Component{{ID: "evil", Name: "app-evil", PURL: "pkg:oci/app-evil"}}}
	n, err := ApplyOpenVEX(d, v)
	if err != nil || n != 0 || len(d.Vulnerabilities) != 0 {
		t.Errorf("prefix match: %d %v %v", n, err, d.Vulnerabilities)
	}
	d.Components = append(d.Components, &Component{ID: "app", Name: "app", PURL: "pkg:oci/app"})
	if n, err := ApplyOpenVEX(d, v); err != nil || n != 1 || len(d.Vulnerabilities) != 1 || d.Vulnerabilities[0].Affects[0] != "app" {
		t.Errorf("exact match: %d %v %+v", n, err, d.Vulnerabilities)
	}
	// not_affected without a justification is rejected.
	v.Statements[0].Justification = ""
	var buf bytes.Buffer
	if err := EncodeOpenVEX(&buf, v); !errors.Is(err, ErrMalformed) {
		t.Errorf("encode: %v", err)
	}
	doc := `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2025-01-01T00:00:00Z","version":1,` +
		`"statements":[{"vulnerability":{"name":"CVE-2024-1"},"products":[{"@id":"pkg:oci/app"}],"status":"not_affected"}]}`
	if _, err := DecodeOpenVEX(strings.NewReader(doc)); !errors.Is(err, ErrMalformed) {
		t.Errorf("decode: %v", err)
	}
	if _, err := ApplyOpenVEX(d, v); !errors.Is(err, ErrMalformed) {
		t.Errorf("apply: %v", err)
	}
}

func TestAdversarial_C101(t *testing.T) {
	// License detection reads only regular files in the module
	// directory: a LICENSE symlink pointing outside is not followed.
	dir := writeModule(t, map[string]string{"go.mod": "module example.com/link\n\ngo 1.22\n"})
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte(mitText), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "LICENSE")); err != nil {
		t.Skip("no symlinks:", err)
	}
	d, err := FromModule(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Root().Licenses) != 0 {
		t.Errorf("followed a symlink out of the module: %v", d.Root().Licenses)
	}
}

func TestAdversarial_C102(t *testing.T) {
	for _, max := range []int{0, 1 << 20} {
		r := &endless{c: '{', left: 1 << 30}
		var err error
		alloc := allocated(func() { _, err = DecodeOptions{MaxBytes: max}.Decode(r) })
		limit := max
		if limit == 0 {
			limit = limits.MaxSBOMBytes
		}
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("got %v", err)
		}
		if r.read > int64(limit)+1 {
			t.Errorf("read %d bytes past a %d-byte cap", r.read, limit)
		}
		if alloc > 2*uint64(limit)+1<<20 {
			t.Errorf("allocated %d bytes for a %d-byte cap", alloc, limit)
		}
	}
	r := &endless{c: ' ', left: 1 << 30}
	if _, err := Validate(context.Background(), r, ValidateOptions{MaxBytes: 1 << 20}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Validate: %v", err)
	}
	if _, err := DecodeOpenVEX(&endless{c: ' ', left: 1 << 30}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("DecodeOpenVEX: %v", err)
	}
}

// A document at the size cap, read from a file: its bytes are read once
// (not in chunks joined into a second copy).
func TestAdversarial_C102_AtTheCap(t *testing.T) { testAtBound(t, "a document at the size cap") }

func TestAdversarial_C103(t *testing.T) {
	for _, n := range []string{"1e999999", strings.Repeat("9", 1_000_000)} {
		doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":` + n + `}`
		start := time.Now()
		if _, err := Decode(strings.NewReader(doc)); !errors.Is(err, ErrMalformed) {
			t.Errorf("version %.10s...: %v", n, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %v", d)
		}
	}
}

func TestAdversarial_C104(t *testing.T) {
	// A huge string inside the size cap: decoding is linear; the fields
	// that get parsed further (PURL, license expression) have their own
	// caps.
	big := strings.Repeat("a", 10<<20)
	doc := cdxDoc(`{"type":"library","name":"a","bom-ref":"a","purl":"pkg:npm/`+big+`","licenses":[{"expression":"MIT AND `+big+`"}]}`, ``)
	rep, err := Validate(context.Background(), strings.NewReader(doc), ValidateOptions{})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("got %v", err)
	}
	var purl, lic bool
	for _, i := range rep.Issues {
		purl = purl || i.Check == CheckPURL && strings.Contains(i.Message, "limit")
		lic = lic || i.Check == CheckLicense && strings.Contains(i.Message, "limit")
	}
	if !purl || !lic {
		t.Errorf("caps not reported: %v", rep.Issues)
	}
	if _, err := (DecodeOptions{MaxBytes: 1 << 20}).Decode(strings.NewReader(doc)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("size cap: %v", err)
	}
}

func TestAdversarial_C105(t *testing.T) {
	// A tag-value document of a million short lines and a PURL of a
	// million qualifiers: bounded.
	tv := "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n" + strings.Repeat("DocumentComment: x\n", 1_000_000)
	start := time.Now()
	Decode(strings.NewReader(tv))
	ParsePURL("pkg:npm/x?" + strings.Repeat("a=b&", 1_000_000))
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
	if _, err := ParsePURL("pkg:npm/x?" + strings.Repeat("a=b&", 1_000_000)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("qualifier flood: %v", err)
	}
}

func TestAdversarial_C106(t *testing.T) {
	// The package never decompresses: a gzip SBOM is not a format.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(bytes.Repeat([]byte(" "), 10<<20))
	zw.Close()
	if _, err := Decode(&buf); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("got %v", err)
	}
}

func TestAdversarial_C107(t *testing.T) {
	old := maxComponentsLimit
	maxComponentsLimit = 1000
	defer func() { maxComponentsLimit = old }()
	var deps strings.Builder
	for i := range 1001 {
		if i > 0 {
			deps.WriteByte(',')
		}
		fmt.Fprintf(&deps, `{"ref":"r%d"}`, i)
	}
	if _, err := Decode(strings.NewReader(cdxDoc(``, deps.String()))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("dependencies over the cap: %v", err)
	}
	if _, err := Merge([]*Document{{Components: make([]*Component, 600)}, {Components: make([]*Component, 600)}}, MergeOptions{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("merge over the cap: %v", err)
	}
}

func TestLicenseExpressionSatisfiable(t *testing.T) {
	allowed := map[string]bool{"MIT": true, "Apache-2.0": true, "GPL-2.0-only WITH Classpath-exception-2.0": true}
	ok := func(l string) bool { return allowed[l] }
	for _, tc := range []struct {
		expr, canonical string
		sat             bool
	}{
		{"mit", "MIT", true},
		{"MIT OR GPL-3.0-only", "MIT OR GPL-3.0-only", true},
		{"MIT AND GPL-3.0-only", "MIT AND GPL-3.0-only", false},
		{"GPL-3.0-only OR MIT AND Apache-2.0", "GPL-3.0-only OR (MIT AND Apache-2.0)", true},
		{"(GPL-3.0-only OR MIT) AND GPL-3.0-only", "(GPL-3.0-only OR MIT) AND GPL-3.0-only", false},
		{"GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0", true},
		{"GPL-2.0-only", "GPL-2.0-only", false},
		{"LicenseRef-custom", "LicenseRef-custom", false},
	} {
		e, err := ParseLicenseExpression(tc.expr)
		if err != nil {
			t.Errorf("%q: %v", tc.expr, err)
			continue
		}
		if got := e.String(); got != tc.canonical {
			t.Errorf("%q: String = %q, want %q", tc.expr, got, tc.canonical)
		}
		if got := e.Satisfiable(ok); got != tc.sat {
			t.Errorf("%q: Satisfiable = %v, want %v", tc.expr, got, tc.sat)
		}
	}
}
