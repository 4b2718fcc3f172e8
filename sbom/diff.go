package sbom

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// DiffReport is what changed from one SBOM to another.
type DiffReport struct {
	// Added and Removed list components present in only one document.
	Added, Removed []*Component
	// Changed lists components present in both whose version, licenses
	// or hashes differ.
	Changed []Change
}

// Change is one component that changed.
type Change struct {
	// Before and After are the component in the old and new document.
	Before, After *Component
	// Version, License and Hash say what changed.
	Version, License, Hash bool
}

// Empty reports whether the documents have the same components.
func (r *DiffReport) Empty() bool {
	return r == nil || len(r.Added)+len(r.Removed)+len(r.Changed) == 0
}

// String lists the changes, one per line: "+ name version", "- name
// version", "~ name old -> new [license] [hash]".
func (r *DiffReport) String() string {
	var b strings.Builder
	for _, c := range r.Added {
		fmt.Fprintf(&b, "+ %s %s\n", label(c), c.Version)
	}
	for _, c := range r.Removed {
		fmt.Fprintf(&b, "- %s %s\n", label(c), c.Version)
	}
	for _, ch := range r.Changed {
		fmt.Fprintf(&b, "~ %s", label(ch.After))
		if ch.Version {
			fmt.Fprintf(&b, " %s -> %s", ch.Before.Version, ch.After.Version)
		}
		if ch.License {
			fmt.Fprintf(&b, " license %q -> %q", licenseSummary(ch.Before), licenseSummary(ch.After))
		}
		if ch.Hash {
			b.WriteString(" hash changed")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func label(c *Component) string {
	if c.Group != "" {
		return c.Group + "/" + c.Name
	}
	return c.Name
}

func licenseSummary(c *Component) string {
	var ids []string
	for _, l := range c.Licenses {
		ids = append(ids, l.String())
	}
	slices.Sort(ids)
	return strings.Join(slices.Compact(ids), ", ")
}

// identity is what stays the same across versions of a component: the
// package URL without its version, or else the kind, group and name.
func identity(c *Component) string {
	if c.PURL != "" {
		if p, err := ParsePURL(c.PURL); err == nil {
			p.Version = ""
			return p.String()
		}
	}
	return string(c.Kind) + "\x00" + c.Group + "\x00" + c.Name
}

// Diff compares two SBOMs component by component. Components are matched
// by identity (package URL without version, else kind, group and name);
// when several versions of one package are present, equal versions are
// paired first. A version bump is a Change, not a removal and an
// addition.
func Diff(a, b *Document) *DiffReport {
	r := &DiffReport{}
	if a == nil {
		a = &Document{}
	}
	if b == nil {
		b = &Document{}
	}
	group := func(d *Document) map[string][]*Component {
		m := map[string][]*Component{}
		for _, c := range d.Components {
			m[identity(c)] = append(m[identity(c)], c)
		}
		return m
	}
	ga, gb := group(a), group(b)
	keys := make([]string, 0, len(ga)+len(gb))
	for k := range ga {
		keys = append(keys, k)
	}
	for k := range gb {
		if _, ok := ga[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		as, bs := slices.Clone(ga[k]), slices.Clone(gb[k])
		// Pair equal versions first.
		for i := 0; i < len(as); i++ {
			if j := slices.IndexFunc(bs, func(c *Component) bool { return c.Version == as[i].Version }); j >= 0 {
				r.compare(as[i], bs[j])
				as = slices.Delete(as, i, i+1)
				bs = slices.Delete(bs, j, j+1)
				i--
			}
		}
		sortByVersion(as)
		sortByVersion(bs)
		n := min(len(as), len(bs))
		for i := 0; i < n; i++ {
			r.compare(as[i], bs[i])
		}
		r.Removed = append(r.Removed, as[n:]...)
		r.Added = append(r.Added, bs[n:]...)
	}
	return r
}

func sortByVersion(cs []*Component) {
	slices.SortFunc(cs, func(a, b *Component) int { return cmp.Compare(a.Version, b.Version) })
}

func (r *DiffReport) compare(a, b *Component) {
	ch := Change{Before: a, After: b}
	ch.Version = a.Version != b.Version
	ch.License = licenseSummary(a) != licenseSummary(b)
	ch.Hash = hashesDiffer(a, b)
	if ch.Version || ch.License || ch.Hash {
		r.Changed = append(r.Changed, ch)
	}
}

// hashesDiffer reports a hash change: an algorithm both have with a
// different value (a hash only one side has is not a change).
func hashesDiffer(a, b *Component) bool {
	for _, ha := range a.Hashes {
		if v := b.Hash(ha.Algorithm); v != "" && !strings.EqualFold(v, ha.Value) {
			return true
		}
	}
	return a.GoH1 != "" && b.GoH1 != "" && a.GoH1 != b.GoH1
}
