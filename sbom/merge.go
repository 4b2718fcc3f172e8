package sbom

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// MergeOptions configure Merge.
type MergeOptions struct {
	// Name of the merged document; empty means the first document's.
	Name string
}

// Merge combines SBOMs into one, for a product made of several programs.
// Components are deduplicated by canonical package URL, then by a shared
// hash of the same algorithm; components with neither are kept apart.
// Duplicates are merged: the first document's fields win, and hashes,
// licenses, CPEs, references and properties are united. IDs that would
// collide get a "docN:" prefix; edges, described components and
// vulnerabilities follow the renaming. The inputs are not changed.
func Merge(docs []*Document, o MergeOptions) (*Document, error) {
	if len(docs) == 0 {
		return nil, fmt.Errorf("sbom: nothing to merge")
	}
	total := 0
	for i, d := range docs {
		if d == nil {
			return nil, fmt.Errorf("sbom: merge: document %d is nil", i)
		}
		total += len(d.Components)
	}
	if total > maxComponentsLimit {
		return nil, fmt.Errorf("%w: merge of %d components", ErrTooLarge, total)
	}
	out := &Document{Name: o.Name, Version: 1}
	if out.Name == "" {
		out.Name = docs[0].Name
	}
	byPURL := map[string]*Component{}
	byHash := map[Hash]*Component{}
	usedID := map[string]*Component{}
	for i, d := range docs {
		rename := map[string]string{}
		for _, c := range d.Components {
			var into *Component
			if c.PURL != "" {
				into = byPURL[CanonicalPURL(c.PURL)]
			}
			if into == nil && c.PURL == "" {
				for _, h := range c.Hashes {
					if x := byHash[Hash{h.Algorithm, h.Value}]; x != nil {
						into = x
						break
					}
				}
			}
			if into != nil {
				rename[c.ID] = into.ID
				mergeComponent(into, c)
				continue
			}
			n := c.Clone()
			n.extra = c.extra
			if old := usedID[n.ID]; old != nil || n.ID == "" {
				n.ID = "doc" + strconv.Itoa(i+1) + ":" + c.ID
			}
			usedID[n.ID] = n
			rename[c.ID] = n.ID
			if n.PURL != "" {
				byPURL[CanonicalPURL(n.PURL)] = n
			}
			for _, h := range n.Hashes {
				if _, ok := byHash[h]; !ok {
					byHash[h] = n
				}
			}
			out.Components = append(out.Components, n)
		}
		ren := func(id string) string {
			if r, ok := rename[id]; ok {
				return r
			}
			return id
		}
		for _, e := range d.Edges {
			out.Edges = append(out.Edges, Edge{ren(e.From), ren(e.To), e.Kind})
		}
		for _, id := range d.Describes {
			out.Describes = append(out.Describes, ren(id))
		}
		for _, v := range d.Vulnerabilities {
			v.Aliases = slices.Clone(v.Aliases)
			v.Response = slices.Clone(v.Response)
			v.Affects = slices.Clone(v.Affects)
			for j, a := range v.Affects {
				v.Affects[j] = ren(a)
			}
			out.Vulnerabilities = append(out.Vulnerabilities, v)
		}
		for _, t := range d.Tools {
			if !slices.Contains(out.Tools, t) {
				out.Tools = append(out.Tools, t)
			}
		}
		for _, a := range d.Authors {
			if !slices.Contains(out.Authors, a) {
				out.Authors = append(out.Authors, a)
			}
		}
		for _, p := range d.Properties {
			if !slices.Contains(out.Properties, p) {
				out.Properties = append(out.Properties, p)
			}
		}
		if d.Created.After(out.Created) {
			out.Created = d.Created
		}
		if out.Supplier == nil && d.Supplier != nil {
			s := *d.Supplier
			out.Supplier = &s
		}
	}
	slices.Sort(out.Describes)
	out.Describes = slices.Compact(out.Describes)
	out.Vulnerabilities = dedupeVulns(out.Vulnerabilities)
	out.Created = out.Created.UTC().Truncate(time.Second)
	out.Normalize()
	return out, nil
}

func mergeComponent(into, c *Component) {
	for _, f := range []struct {
		dst *string
		src string
	}{{&into.Version, c.Version}, {&into.Description, c.Description}, {&into.GoH1, c.GoH1},
		{&into.Copyright, c.Copyright}, {&into.DownloadURL, c.DownloadURL}, {&into.Homepage, c.Homepage},
		{&into.VCS, c.VCS}, {&into.Group, c.Group}} {
		if *f.dst == "" {
			*f.dst = f.src
		}
	}
	if into.Kind == "" {
		into.Kind = c.Kind
	}
	if into.Scope == "" || into.Scope == ScopeExcluded && c.Scope != ScopeExcluded {
		// a module needed by any program is needed
		into.Scope = c.Scope
	}
	if into.Supplier == nil && c.Supplier != nil {
		s := *c.Supplier
		into.Supplier = &s
	}
	into.CPEs = unite(into.CPEs, c.CPEs)
	into.Hashes = unite(into.Hashes, c.Hashes)
	into.Licenses = unite(into.Licenses, c.Licenses)
	into.Authors = unite(into.Authors, c.Authors)
	into.ExternalRefs = unite(into.ExternalRefs, c.ExternalRefs)
	into.Properties = unite(into.Properties, c.Properties)
}

func unite[T comparable](a, b []T) []T {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}

func dedupeVulns(vs []Vulnerability) []Vulnerability {
	slices.SortStableFunc(vs, func(a, b Vulnerability) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.State, b.State), cmp.Compare(a.Justification, b.Justification))
	})
	var out []Vulnerability
	for _, v := range vs {
		if n := len(out); n > 0 && out[n-1].ID == v.ID && out[n-1].State == v.State && out[n-1].Justification == v.Justification && out[n-1].Detail == v.Detail {
			out[n-1].Affects = unite(out[n-1].Affects, v.Affects)
			out[n-1].Aliases = unite(out[n-1].Aliases, v.Aliases)
			continue
		}
		out = append(out, v)
	}
	return out
}
