package sbom

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
)

// TestCorpus runs every file of testdata/corpus (a copy of
// shared/vectors/sbom, 413 files) against its expected outcome in
// INDEX.md: expected-valid files decode and validate, expected-INVALID
// files are rejected by Validate, schema files compile, and the raw go
// command outputs parse.
func TestCorpus(t *testing.T) {
	entries := loadCorpusIndex(t)
	if len(entries) != 413 {
		t.Fatalf("INDEX.md lists %d files, want 413", len(entries))
	}
	counts := map[string]int{}
	for _, e := range entries {
		t.Run(e.Path, func(t *testing.T) {
			data := readCorpus(t, e.Path)
			switch {
			case strings.HasPrefix(e.Expected, "expected-valid"):
				counts["valid"]++
				rep, err := Validate(context.Background(), bytes.NewReader(data), ValidateOptions{})
				if err != nil {
					t.Fatalf("expected valid, got %v", err)
				}
				if rep.Document == nil || len(rep.Document.Components) == 0 && !strings.Contains(e.Path, "VEX") && !strings.Contains(e.Path, "spec-tests") {
					t.Errorf("decoded to no components")
				}
				if !strings.Contains(e.Format, "SPDX 3") && rep.Format.Version != strings.TrimSpace(e.Version) {
					t.Errorf("detected %s, index says version %s", rep.Format, e.Version)
				}
			case strings.HasPrefix(e.Expected, "expected-INVALID"):
				counts["invalid"]++
				rep, err := Validate(context.Background(), bytes.NewReader(data), ValidateOptions{})
				if err == nil {
					t.Fatalf("expected invalid, Validate accepted it")
				}
				if rep != nil && rep.Valid() {
					t.Errorf("error %v with a valid report", err)
				}
			case strings.HasPrefix(e.Expected, "schema"):
				counts["schema"]++
				name := e.Path[strings.LastIndexByte(e.Path, '/')+1:]
				if name == "cryptography-defs.json" {
					var v map[string]any
					if err := json.Unmarshal(data, &v); err != nil {
						t.Fatal(err)
					}
					return // data referenced by no schema; not embedded
				}
				emb, err := schemaFS.ReadFile("schemas/" + name)
				if err != nil {
					t.Fatalf("schema not embedded: %v", err)
				}
				if !bytes.Equal(emb, data) {
					t.Errorf("embedded schema differs from the corpus copy")
				}
				if strings.HasPrefix(name, "bom-") || strings.HasPrefix(name, "spdx-2.") {
					f := Format{CycloneDX, strings.TrimSuffix(strings.TrimPrefix(name, "bom-"), ".schema.json"), JSON}
					if strings.HasPrefix(name, "spdx-2.") {
						f = Format{SPDX, name[5:8], JSON}
					}
					if _, err := schemaFor(f); err != nil {
						t.Fatal(err)
					}
				}
			case strings.HasPrefix(e.Expected, "raw Go tool output"):
				counts["raw"]++
				checkRawGoOutput(t, e.Path, data)
			default:
				t.Fatalf("unknown expectation %q", e.Expected)
			}
		})
	}
	want := map[string]int{"valid": 300, "invalid": 98, "schema": 12, "raw": 3}
	if !reflect.DeepEqual(counts, want) && !testing.Short() {
		t.Errorf("counts %v, want %v", counts, want)
	}
}

func checkRawGoOutput(t *testing.T, path string, data []byte) {
	switch {
	case strings.HasSuffix(path, "go-list-m-json-all.json"):
		mods, err := decodeStream[goModule](data)
		if err != nil || len(mods) != 803 {
			t.Fatalf("go list -m -json: %d modules, %v", len(mods), err)
		}
	case strings.HasSuffix(path, "go-mod-graph.txt"):
		n := 0
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			if _, _, ok := strings.Cut(sc.Text(), " "); !ok {
				t.Fatalf("bad graph line %q", sc.Text())
			}
			n++
		}
		if n != 4654 {
			t.Errorf("go mod graph: %d edges, want 4654", n)
		}
	case strings.HasSuffix(path, "go-version-m.txt"):
		// "path: go1.x" then the build info text go version -m prints.
		first, rest, _ := bytes.Cut(data, []byte("\n"))
		var lines []string
		for _, l := range strings.Split(string(rest), "\n") {
			lines = append(lines, strings.TrimPrefix(l, "\t"))
		}
		bi, err := debug.ParseBuildInfo(strings.Join(lines, "\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, gover, _ := strings.Cut(string(first), ": ")
		bi.GoVersion = strings.TrimSpace(gover)
		d, err := FromBuildInfo(bi)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(d.Components); got != len(bi.Deps)+2 {
			t.Errorf("%d components for %d deps (+ main + stdlib)", got, len(bi.Deps))
		}
		for _, c := range d.Components {
			if c.Kind == KindLibrary && c.Name != "stdlib" && c.GoH1 == "" {
				t.Errorf("%s has no h1 hash", c.Name)
			}
			if c.Hash(SHA256) != "" {
				t.Errorf("%s: a SHA-256 hash %s from build info, which holds only h1 hashes", c.Name, c.Hash(SHA256))
			}
		}
	default:
		t.Fatalf("unknown raw output %s", path)
	}
}

// modelView is a document as the model sees it: normalized, without the
// format it came from and the format-specific leftovers.
func modelView(d *Document) *Document {
	c := d.Clone()
	c.Normalize()
	c.Format = Format{}
	c.Warnings = nil
	c.extra = nil
	for _, x := range c.Components {
		x.extra = nil
	}
	return c
}

func firstDiff(a, b *Document) string {
	if len(a.Components) != len(b.Components) {
		return fmt.Sprintf("components %d vs %d", len(a.Components), len(b.Components))
	}
	for i := range a.Components {
		if !reflect.DeepEqual(a.Components[i], b.Components[i]) {
			return fmt.Sprintf("component %d:\n%+v\n%+v", i, *a.Components[i], *b.Components[i])
		}
	}
	if !reflect.DeepEqual(a.Edges, b.Edges) {
		return fmt.Sprintf("edges %d vs %d", len(a.Edges), len(b.Edges))
	}
	a2, b2 := *a, *b
	a2.Components, b2.Components, a2.Edges, b2.Edges = nil, nil, nil, nil
	return fmt.Sprintf("document:\n%+v\n%+v", a2, b2)
}

// TestCorpusRoundTrip: for every expected-valid CycloneDX and SPDX 2.x
// file, format -> model -> same format -> model gives the same model, and
// encoding that model again gives the same bytes.
func TestCorpusRoundTrip(t *testing.T) {
	n := 0
	for _, e := range loadCorpusIndex(t) {
		if !strings.HasPrefix(e.Expected, "expected-valid") {
			continue
		}
		t.Run(e.Path, func(t *testing.T) {
			d, err := Decode(bytes.NewReader(readCorpus(t, e.Path)))
			if err != nil {
				t.Fatal(err)
			}
			var to Format
			switch {
			case d.Format.Family == CycloneDX:
				to = Format{CycloneDX, d.Format.Version, d.Format.Encoding}
			case d.Format.Family == SPDX && d.Format.Encoding == TagValue:
				to = SPDX23TagValue
			case d.Format.Family == SPDX && d.Format.Encoding != JSONLD:
				to = SPDX23JSON
			default:
				t.Skip("SPDX 3 is read-only")
			}
			n++
			b1, _, err := Marshal(d, to)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			d2, err := Decode(bytes.NewReader(b1))
			if err != nil {
				t.Fatalf("decode of our encoding: %v", err)
			}
			b2, _, err := Marshal(d2, to)
			if err != nil {
				t.Fatalf("encode 2: %v", err)
			}
			if !bytes.Equal(b1, b2) {
				t.Errorf("second encoding differs")
			}
			m1, m2 := modelView(d), modelView(d2)
			if m1.Namespace == "" {
				m2.Namespace = "" // we always write a serial number
			}
			if !reflect.DeepEqual(m1, m2) {
				t.Errorf("model changed: %s", firstDiff(m1, m2))
			}
			// Our own encoding must validate.
			if _, err := Validate(context.Background(), bytes.NewReader(b1), ValidateOptions{}); err != nil {
				t.Errorf("our %s encoding does not validate: %v", to, err)
			}
		})
	}
	if n < 250 {
		t.Errorf("only %d round trips", n)
	}
}
