package sbom

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// seedCorpus adds the small corpus files whose path matches one of the
// substrings to a fuzz target's seeds.
func seedCorpus(f *testing.F, match ...string) {
	f.Helper()
	n := 0
	for _, e := range loadCorpusIndex(f) {
		if !strings.HasPrefix(e.Expected, "expected") {
			continue
		}
		ok := false
		for _, m := range match {
			ok = ok || strings.Contains(e.Path, m)
		}
		if !ok {
			continue
		}
		b := readCorpus(f, e.Path)
		if len(b) > 64<<10 {
			continue
		}
		f.Add(b)
		n++
	}
	if n == 0 {
		f.Fatalf("no seeds for %v", match)
	}
}

// checkDecoded is what every decoder fuzz target asserts: a typed error,
// or a document that encodes as CycloneDX and SPDX JSON and decodes again.
// (The XML and tag-value writers are covered by the corpus round trips;
// adding them here stalled the fuzzing engine's coverage-guided workers.)
func checkDecoded(t *testing.T, d *Document, err error) {
	if err != nil {
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupportedFormat) {
			t.Fatalf("untyped error: %v", err)
		}
		return
	}
	for _, f := range []Format{CycloneDX16JSON, SPDX23JSON} {
		b, _, err := Marshal(d, f)
		if err != nil {
			continue // e.g. a value the target format cannot carry
		}
		if _, err := Decode(bytes.NewReader(b)); err != nil && f.Encoding == JSON {
			t.Fatalf("%s: our own output does not decode: %v", f, err)
		}
	}
}

func FuzzDecodeCycloneDXJSON(f *testing.F) {
	seedCorpus(f, "spec-tests/1.6/valid-", "spec-tests/1.5/invalid-", "VEX/")
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(bytes.NewReader(data))
		checkDecoded(t, d, err)
	})
}

func FuzzDecodeCycloneDXXML(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"><components><component type="library" bom-ref="a"><name>a</name><version>1</version><purl>pkg:npm/a@1</purl></component></components><dependencies><dependency ref="a"/></dependencies></bom>`))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><metadata><component type="application"><name>x</name></component></metadata></bom>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(bytes.NewReader(data))
		checkDecoded(t, d, err)
	})
}

func FuzzDecodeSPDXJSON(f *testing.F) {
	seedCorpus(f, "OSS-NA-2023/SPDXVersion2.3", "example7/spdx2.2/example7-golang", "example12/spdx2.2")
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(bytes.NewReader(data))
		checkDecoded(t, d, err)
	})
}

func FuzzDecodeSPDXTagValue(f *testing.F) {
	seedCorpus(f, "tools-golang/hello.spdx", "example1/spdx2.2", "SPDXTagExample-v2.3")
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(bytes.NewReader(data))
		checkDecoded(t, d, err)
	})
}

func FuzzDecodeSPDX3(f *testing.F) {
	seedCorpus(f, "example1/spdx3.0", "example5/spdx3.0", "example13/spdx3.0")
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(bytes.NewReader(data))
		checkDecoded(t, d, err)
	})
}

func FuzzDecodeSPDXYAML(f *testing.F) {
	seedCorpus(f, "SPDXYAMLExample-2.3")
	f.Add([]byte("spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nname: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(bytes.NewReader(data))
		checkDecoded(t, d, err)
	})
}

func FuzzDecodeOpenVEX(f *testing.F) {
	f.Add([]byte(`{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2025-01-01T00:00:00Z","version":1,"statements":[{"vulnerability":{"name":"CVE-2024-1"},"products":[{"@id":"pkg:oci/app"}],"status":"not_affected","justification":"component_not_present"}]}`))
	f.Add([]byte(`{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2025-01-01T00:00:00Z","version":1,"statements":[{"vulnerability":{"name":"CVE-2024-1"},"status":"affected","action_statement":"upgrade"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeOpenVEX(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := EncodeOpenVEX(&buf, v); err != nil {
			t.Fatalf("a decoded document does not encode: %v", err)
		}
		if _, err := DecodeOpenVEX(&buf); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzValidate(f *testing.F) {
	seedCorpus(f, "spec-tests/1.4/", "OSS-NA-2023/SPDXVersion2.3/01")
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Validate(context.Background(), bytes.NewReader(data), ValidateOptions{NTIA: true})
		if err == nil && (rep == nil || !rep.Valid()) {
			t.Fatalf("nil error with an invalid report")
		}
		if err != nil && rep != nil && rep.Valid() {
			t.Fatalf("error %v with a valid report", err)
		}
	})
}

func FuzzParsePURL(f *testing.F) {
	for _, s := range []string{"pkg:golang/golang.org/x/mod@v0.20.0", "pkg:npm/%40babel/core@7.0.0?arch=x86#lib/a", "pkg:maven/org.apache/x@1?type=jar&classifier=sources", "pkg:", "pkg:npm/%ZZ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePURL(s)
		if err != nil {
			if !errors.Is(err, ErrPURL) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// The canonical form parses to the same PURL.
		q, err := ParsePURL(p.String())
		if err != nil {
			t.Fatalf("canonical %q does not parse: %v", p.String(), err)
		}
		if q.String() != p.String() {
			t.Fatalf("canonical form not stable: %q -> %q", p.String(), q.String())
		}
	})
}

func FuzzLicenseExpression(f *testing.F) {
	for _, s := range []string{"MIT", "(MIT OR Apache-2.0) AND BSD-3-Clause", "GPL-2.0-only WITH Classpath-exception-2.0", "LicenseRef-a", "(((MIT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := ValidateLicenseExpression(s); err != nil && !errors.Is(err, ErrLicenseExpression) {
			t.Fatalf("untyped error %v", err)
		}
	})
}
