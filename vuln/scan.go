package vuln

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/chainmail-dev/chainmail/sbom"
)

// Target is what a scan checks: one package of one ecosystem at one
// version, as an SBOM component or a module of a Go binary names it.
type Target struct {
	// Component is the SBOM component's ID ("" for a binary's module).
	Component string `json:"component,omitempty"`
	// PURL is its package URL.
	PURL string `json:"purl"`
	// Ecosystem and Name are the OSV ecosystem and package name the PURL
	// maps to ("Go" and a module path, or "stdlib").
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	// Version is its version as the PURL gives it.
	Version string `json:"version"`
}

// Finding is one vulnerability of one package: the records that match it,
// merged when they share an id or alias (a GO- record and the GHSA it
// aliases are one finding).
type Finding struct {
	// ID is the finding's id: the smallest id, in byte order, of the
	// records it merges.
	ID string `json:"id"`
	// Aliases are every other id of those records and their aliases,
	// sorted.
	Aliases []string `json:"aliases,omitempty"`
	// Records are the ids of the matching records, sorted.
	Records []string `json:"records"`
	// Target is the affected package.
	Target Target `json:"target"`
	// Fixed is the lowest version that fixes it above Target.Version
	// ("" when no fix is known).
	Fixed string `json:"fixed,omitempty"`
	// Summary is the first record's summary.
	Summary string `json:"summary,omitempty"`
	// Scores are the severities computed from the records' CVSS vectors,
	// highest first.
	Scores []Score `json:"scores,omitempty"`
	// Symbols, for a Go binary, says whether a vulnerable function is
	// linked into it; nil when not known (an SBOM says nothing of it).
	Symbols *SymbolCheck `json:"symbols,omitempty"`
	// Suppressed is the VEX statement that suppresses the finding, or
	// nil.
	Suppressed *Suppression `json:"suppressed,omitempty"`
}

// Unchecked is a package a record is about whose version this package
// cannot order against the record's ranges (an ecosystem without a
// comparator here, a version that does not parse): it is neither affected
// nor unaffected, and is reported so.
type Unchecked struct {
	Target Target `json:"target"`
	Record string `json:"record"`
	Reason string `json:"reason"`
}

// Report is the result of a scan.
type Report struct {
	// Findings, sorted by ID then PURL; suppressed ones included.
	Findings []Finding `json:"findings"`
	// Unchecked packages, sorted.
	Unchecked []Unchecked `json:"unchecked,omitempty"`
	// Targets is the number of packages checked.
	Targets int `json:"targets"`
	// DB names the database: its source, records and last change.
	DB DBInfo `json:"db"`
}

// Active returns the findings no VEX statement suppresses.
func (r *Report) Active() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Suppressed == nil {
			out = append(out, f)
		}
	}
	return out
}

// ScanSBOM checks every component of an SBOM with a package URL against
// db.
func (db *DB) ScanSBOM(d *sbom.Document, o Options) (*Report, error) {
	if d == nil {
		return nil, fmt.Errorf("%w: nil document", ErrInput)
	}
	var targets []Target
	for _, c := range d.Components {
		if c.PURL == "" {
			continue
		}
		t, ok := targetOf(c.PURL)
		if !ok {
			continue
		}
		t.Component = c.ID
		targets = append(targets, t)
	}
	return db.scan(targets, nil, o)
}

// targetOf maps a package URL to the OSV ecosystem and package name.
func targetOf(purl string) (Target, bool) {
	p, err := sbom.ParsePURL(purl)
	if err != nil || p.Version == "" {
		return Target{}, false
	}
	t := Target{PURL: purl, Version: p.Version}
	full := p.Name
	if p.Namespace != "" {
		full = p.Namespace + "/" + p.Name
	}
	switch p.Type {
	case "golang":
		t.Ecosystem, t.Name = "Go", full
	case "npm":
		t.Ecosystem, t.Name = "npm", full
	case "pypi":
		t.Ecosystem, t.Name = "PyPI", pypiName(p.Name)
	case "maven":
		t.Ecosystem, t.Name = "Maven", p.Namespace+":"+p.Name
	case "cargo":
		t.Ecosystem, t.Name = "crates.io", p.Name
	case "gem":
		t.Ecosystem, t.Name = "RubyGems", p.Name
	case "nuget":
		t.Ecosystem, t.Name = "NuGet", p.Name
	case "deb":
		t.Ecosystem, t.Name = "Debian", p.Name
	case "apk":
		t.Ecosystem, t.Name = "Alpine", p.Name
	case "rpm":
		switch strings.ToLower(p.Namespace) {
		case "openeuler":
			t.Ecosystem, t.Name = "openEuler", p.Name
		case "redhat":
			t.Ecosystem, t.Name = "Red Hat", p.Name
		case "rocky-linux", "rocky":
			t.Ecosystem, t.Name = "Rocky Linux", p.Name
		case "almalinux":
			t.Ecosystem, t.Name = "AlmaLinux", p.Name
		default:
			return Target{}, false
		}
	default:
		return Target{}, false
	}
	return t, true
}

// match is one record matching one target.
type match struct {
	r     *Record
	fixed string
	aff   []Affected
}

// scan matches targets against the records. syms, when not nil, says
// which functions a Go binary links.
func (db *DB) scan(targets []Target, syms *binarySymbols, o Options) (*Report, error) {
	rep := &Report{Targets: len(targets), DB: db.Info()}
	for _, t := range targets {
		var ms []match
		recs, err := db.recordsFor(t.Ecosystem, t.Name)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			var m *match
			unchecked := ""
			for _, a := range r.Affected {
				if pkgKey(a.Package.Ecosystem, a.Package.Name) != pkgKey(t.Ecosystem, t.Name) {
					continue
				}
				hit, fixed, why := affects(a, t)
				if why != "" {
					unchecked = why
					continue
				}
				if !hit {
					continue
				}
				if m == nil {
					m = &match{r: r}
				}
				m.aff = append(m.aff, a)
				if fixed != "" && (m.fixed == "" || lessVersion(t.Ecosystem, fixed, m.fixed)) {
					m.fixed = fixed
				}
			}
			switch {
			case m != nil:
				ms = append(ms, *m)
			case unchecked != "":
				rep.Unchecked = append(rep.Unchecked, Unchecked{Target: t, Record: r.ID, Reason: unchecked})
			}
		}
		for _, group := range mergeAliases(ms) {
			f := findingOf(t, group)
			if syms != nil && t.Ecosystem == "Go" {
				if f.Symbols = syms.check(t, group); f.Symbols == nil {
					continue // only for other platforms than the binary's
				}
			}
			rep.Findings = append(rep.Findings, f)
		}
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Target.PURL < b.Target.PURL
	})
	sort.SliceStable(rep.Unchecked, func(i, j int) bool {
		a, b := rep.Unchecked[i], rep.Unchecked[j]
		if a.Record != b.Record {
			return a.Record < b.Record
		}
		return a.Target.PURL < b.Target.PURL
	})
	if err := applyVEX(rep, o); err != nil {
		return nil, err
	}
	return rep, nil
}

// affects reports whether an affected entry covers the target's version,
// the version that fixes it, or why it cannot tell.
func affects(a Affected, t Target) (hit bool, fixed, unchecked string) {
	for _, v := range a.Versions {
		if v == t.Version || (t.Ecosystem == "Go" && equalGo(v, t.Version)) {
			return true, "", ""
		}
	}
	for _, rg := range a.Ranges {
		if rg.Type == "GIT" {
			continue // commits, not versions: nothing an SBOM version says
		}
		cmp := comparatorFor(baseEcosystem(a.Package.Ecosystem), rg.Type)
		if cmp == nil {
			return false, "", fmt.Sprintf("no version order for %s %s ranges here", a.Package.Ecosystem, rg.Type)
		}
		in, fx, ok := inRange(cmp, t.Version, rg.Events)
		if !ok {
			return false, "", fmt.Sprintf("version %q or a range boundary does not parse as %s", truncate(t.Version), a.Package.Ecosystem)
		}
		if in {
			return true, fx, ""
		}
	}
	return false, "", ""
}

func baseEcosystem(e string) string {
	b, _, _ := strings.Cut(e, ":")
	return b
}

func equalGo(a, b string) bool {
	c, ok := compareGo(a, b)
	return ok && c == 0
}

func lessVersion(ecosystem, a, b string) bool {
	cmp := comparatorFor(ecosystem, "ECOSYSTEM")
	if cmp == nil {
		return a < b
	}
	c, ok := cmp(a, b)
	return ok && c < 0
}

// mergeAliases groups the matches that share an id or an alias.
func mergeAliases(ms []match) [][]match {
	parent := map[string]string{}
	find := func(x string) string {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b string) {
		if _, ok := parent[a]; !ok {
			parent[a] = a
		}
		if _, ok := parent[b]; !ok {
			parent[b] = b
		}
		ra, rb := find(a), find(b)
		if ra != rb {
			if rb < ra {
				ra, rb = rb, ra
			}
			parent[rb] = ra
		}
	}
	for _, m := range ms {
		union(m.r.ID, m.r.ID)
		for _, al := range m.r.Aliases {
			union(m.r.ID, al)
		}
	}
	groups := map[string][]match{}
	var roots []string
	for _, m := range ms {
		r := find(m.r.ID)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], m)
	}
	sort.Strings(roots)
	out := make([][]match, 0, len(roots))
	for _, r := range roots {
		g := groups[r]
		sort.Slice(g, func(i, j int) bool { return g[i].r.ID < g[j].r.ID })
		out = append(out, g)
	}
	return out
}

func findingOf(t Target, group []match) Finding {
	f := Finding{Target: t}
	ids := map[string]bool{}
	for _, m := range group {
		f.Records = append(f.Records, m.r.ID)
		ids[m.r.ID] = true
		for _, a := range m.r.Aliases {
			ids[a] = true
		}
		if m.fixed != "" && (f.Fixed == "" || lessVersion(t.Ecosystem, m.fixed, f.Fixed)) {
			f.Fixed = m.fixed
		}
		f.Scores = append(f.Scores, scoresOf(m)...)
	}
	f.ID = f.Records[0]
	f.Summary = group[0].r.Summary
	for id := range ids {
		if id != f.ID {
			f.Aliases = append(f.Aliases, id)
		}
	}
	sort.Strings(f.Aliases)
	sort.SliceStable(f.Scores, func(i, j int) bool { return f.Scores[i].Base > f.Scores[j].Base })
	f.Scores = slices.CompactFunc(f.Scores, func(a, b Score) bool { return a == b })
	return f
}

// scoresOf computes the CVSS scores of a match: the affected entries'
// severities, else the record's.
func scoresOf(m match) []Score {
	var sev []Severity
	for _, a := range m.aff {
		sev = append(sev, a.Severity...)
	}
	if len(sev) == 0 {
		sev = m.r.Severity
	}
	var out []Score
	for _, s := range sev {
		if sc, ok := ScoreOf(s); ok {
			out = append(out, sc)
		}
	}
	return out
}

// DBInfo describes a database.
type DBInfo struct {
	// Source is where it was read from.
	Source string `json:"source"`
	// Records is the number of records in force.
	Records int `json:"records"`
	// LastModified is the latest modification of a record.
	LastModified string `json:"lastModified,omitempty"`
}

// Info describes db.
func (db *DB) Info() DBInfo {
	i := DBInfo{Source: db.source, Records: len(db.ids)}
	if !db.updated.IsZero() {
		i.LastModified = db.updated.UTC().Format("2006-01-02T15:04:05Z")
	}
	return i
}
