package sbom

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

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
	return fmt.Sprintf("doc:\n%+v\n%+v", a2, b2)
}

func TestTryRoundTrip(t *testing.T) {
	for _, e := range loadCorpusIndex(t) {
		if !strings.HasPrefix(e.Expected, "expected-valid") {
			continue
		}
		d, err := Decode(bytes.NewReader(readCorpus(t, e.Path)))
		if err != nil {
			t.Fatal(err)
		}
		var to Format
		switch {
		case d.Format.Family == CycloneDX:
			to = Format{CycloneDX, d.Format.Version, d.Format.Encoding}
			if !to.Writable() {
				to.Version = "1.4"
			}
		case d.Format.Family == SPDX && d.Format.Encoding == TagValue:
			to = SPDX23TagValue
		case d.Format.Family == SPDX && d.Format.Encoding != JSONLD:
			to = SPDX23JSON
		default:
			continue
		}
		b1, _, err := Marshal(d, to)
		if err != nil {
			t.Errorf("%s: encode: %v", e.Path, err)
			continue
		}
		d2, err := Decode(bytes.NewReader(b1))
		if err != nil {
			t.Errorf("%s: decode 2: %v", e.Path, err)
			continue
		}
		b2, _, err := Marshal(d2, to)
		if err != nil {
			t.Errorf("%s: encode2: %v", e.Path, err)
			continue
		}
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s: bytes differ", e.Path)
		}
		m1, m2 := modelView(d), modelView(d2)
		if m1.Namespace == "" {
			m2.Namespace = ""
		}
		if !reflect.DeepEqual(m1, m2) {
			t.Errorf("%s: model differs: %s", e.Path, firstDiff(m1, m2))
		}
	}
}
