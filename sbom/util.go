package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// isZero reports whether v is its type's zero value, treating nil and
// empty slices and maps alike.
func isZero(v any) bool { return isZeroValue(reflect.ValueOf(v)) }

func isZeroValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Invalid:
		return true
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if !isZeroValue(v.Field(i)) {
				return false
			}
		}
		return true
	}
	return v.IsZero()
}

// nonZeroFields lists the JSON names of the non-zero fields of a struct
// (or pointer to one).
func nonZeroFields(v any) []string {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || isZeroValue(rv.Field(i)) {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

// cloneBOM copies a residue BOM deeply enough that an encoder can set its
// top-level and metadata fields without changing the residue.
func cloneBOM(b *cdx.BOM) cdx.BOM {
	n := *b
	if b.Metadata != nil {
		m := *b.Metadata
		if m.Tools != nil {
			t := *m.Tools
			m.Tools = &t
		}
		n.Metadata = &m
	}
	return n
}

// cloneComponent copies a residue component the same way.
func cloneComponent(c *cdx.Component) cdx.Component {
	n := *c
	if c.Evidence != nil {
		e := *c.Evidence
		n.Evidence = &e
	}
	return n
}

// downConvert converts a BOM to an older spec version with cyclonedx-go's
// own rules, and lists the JSON paths the conversion dropped.
func downConvert(bom *cdx.BOM, sv cdx.SpecVersion) (*cdx.BOM, []string, error) {
	var full, conv bytes.Buffer
	if err := cdx.NewBOMEncoder(&full, cdx.BOMFileFormatJSON).Encode(bom); err != nil {
		return nil, nil, fmt.Errorf("sbom: encoding CycloneDX: %w", err)
	}
	if err := cdx.NewBOMEncoder(&conv, cdx.BOMFileFormatJSON).EncodeVersion(bom, sv); err != nil {
		return nil, nil, fmt.Errorf("sbom: converting CycloneDX to %s: %w", sv, err)
	}
	var out cdx.BOM
	if err := json.Unmarshal(conv.Bytes(), &out); err != nil {
		return nil, nil, fmt.Errorf("sbom: converting CycloneDX to %s: %w", sv, err)
	}
	if sv >= cdx.SpecVersion1_6 {
		// cyclonedx-go v0.12.0 turns cryptographic-asset (new in 1.6)
		// into application for every version below 1.7; undo that.
		if bom.Metadata != nil && bom.Metadata.Component != nil && out.Metadata != nil && out.Metadata.Component != nil {
			restoreTypes(&[]cdx.Component{*bom.Metadata.Component}, &[]cdx.Component{*out.Metadata.Component})
			restoreTypes(&[]cdx.Component{*bom.Metadata.Component}, out.Metadata.Component.Components)
		}
		restoreTypes(bom.Components, out.Components)
	}
	a, b := jsonPaths(full.Bytes()), jsonPaths(conv.Bytes())
	var lost []string
	for p := range a {
		if !b[p] && p != "$schema" && p != "specVersion" {
			lost = append(lost, p)
		}
	}
	slices.Sort(lost)
	// Report only the outermost dropped path.
	var top []string
	for _, p := range lost {
		if len(top) > 0 && (strings.HasPrefix(p, top[len(top)-1]+".") || strings.HasPrefix(p, top[len(top)-1]+"[]")) {
			continue
		}
		top = append(top, p)
	}
	return &out, top, nil
}

// jsonPaths returns the set of member paths of a JSON document, with
// array indices collapsed: "components[].licenses[].license.id".
func jsonPaths(data []byte) map[string]bool {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return nil
	}
	out := map[string]bool{}
	type item struct {
		v    any
		path string
	}
	stack := []item{{v, ""}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch x := it.v.(type) {
		case map[string]any:
			for k, c := range x {
				p := k
				if it.path != "" {
					p = it.path + "." + k
				}
				if !out[p] {
					out[p] = true
				}
				stack = append(stack, item{c, p})
			}
		case []any:
			for _, c := range x {
				stack = append(stack, item{c, it.path + "[]"})
			}
		}
	}
	return out
}

// restoreTypes copies cryptographic-asset component types from a to b,
// two component trees of the same shape.
func restoreTypes(a, b *[]cdx.Component) {
	type pair struct{ a, b *[]cdx.Component }
	stack := []pair{{a, b}}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if p.a == nil || p.b == nil || len(*p.a) != len(*p.b) {
			continue
		}
		for i := range *p.a {
			ca, cb := &(*p.a)[i], &(*p.b)[i]
			if ca.Type == cdx.ComponentTypeCryptographicAsset {
				cb.Type = ca.Type
			}
			stack = append(stack, pair{ca.Components, cb.Components})
		}
	}
}
