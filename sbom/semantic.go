package sbom

import (
	"strings"
)

// semanticChecks adds the findings no JSON schema can express.
func semanticChecks(rep *Report, d *Document, refs map[string]bool, f Format) {
	ids := d.index()
	defined := func(id string) bool {
		if id == "" {
			return false
		}
		if ids[id] != nil || refs[id] || id == spdxDocID || id == spdxNone || id == noAssertion {
			return true
		}
		// Elements of other documents cannot be checked here.
		return strings.HasPrefix(id, "DocumentRef-") || f.Encoding == JSONLD && strings.Contains(id, ":")
	}
	for _, e := range d.Edges {
		if !defined(e.From) {
			rep.add(SeverityError, CheckDangling, e.From, "%s relationship from undefined element %q", e.Kind, truncate(e.From))
		}
		if !defined(e.To) {
			rep.add(SeverityError, CheckDangling, e.From, "%s relationship to undefined element %q", e.Kind, truncate(e.To))
		}
	}
	for _, id := range d.Describes {
		if !defined(id) {
			rep.add(SeverityError, CheckDangling, id, "document describes undefined element %q", truncate(id))
		}
	}
	for _, v := range d.Vulnerabilities {
		for _, a := range v.Affects {
			if !defined(a) && !strings.HasPrefix(a, "urn:cdx:") && !strings.HasPrefix(a, "pkg:") {
				rep.add(SeverityError, CheckDangling, v.ID, "vulnerability affects undefined element %q", truncate(a))
			}
		}
	}
	for _, c := range d.Components {
		if c.PURL != "" {
			if _, err := ParsePURL(c.PURL); err != nil {
				rep.add(SeverityError, CheckPURL, c.ID, "%v", err)
			}
		}
		for _, l := range c.Licenses {
			if l.Expression == "" {
				continue
			}
			if err := ValidateLicenseExpression(l.Expression); err != nil {
				sev := SeverityError
				if strings.Contains(err.Error(), "unknown license") || strings.Contains(err.Error(), "unknown exception") {
					// Deprecated and newer list entries: worth a
					// look, not a rejection.
					sev = SeverityWarning
				}
				rep.add(sev, CheckLicense, c.ID, "%v", err)
			}
		}
	}
	for _, cyc := range d.Cycles(10) {
		rep.add(SeverityWarning, CheckCycle, cyc[0], "dependency cycle %s", strings.Join(cyc, " -> "))
	}
}

// ntiaChecks checks the NTIA minimum elements (The Minimum Elements For a
// Software Bill of Materials, 2021).
func ntiaChecks(rep *Report, d *Document) {
	if len(d.Authors) == 0 && len(d.Tools) == 0 {
		rep.add(SeverityError, CheckNTIA, "", "no author of the SBOM data")
	}
	if d.Created.IsZero() {
		rep.add(SeverityError, CheckNTIA, "", "no timestamp")
	}
	if len(d.Components) > 1 && !hasDependencyEdges(d) {
		rep.add(SeverityError, CheckNTIA, "", "no dependency relationships")
	}
	for _, c := range d.Components {
		if c.Kind == KindFile {
			continue
		}
		if c.Name == "" {
			rep.add(SeverityError, CheckNTIA, c.ID, "component has no name")
		}
		if c.Version == "" {
			rep.add(SeverityError, CheckNTIA, c.ID, "component %q has no version", truncate(c.Name))
		}
		if c.Supplier == nil || c.Supplier.Name == "" {
			rep.add(SeverityError, CheckNTIA, c.ID, "component %q has no supplier", truncate(c.Name))
		}
		if c.PURL == "" && len(c.CPEs) == 0 {
			rep.add(SeverityError, CheckNTIA, c.ID, "component %q has no unique identifier (PURL or CPE)", truncate(c.Name))
		}
	}
}

func hasDependencyEdges(d *Document) bool {
	for _, e := range d.Edges {
		if e.Kind == EdgeDependsOn || e.Kind == EdgeContains {
			return true
		}
	}
	return false
}
