package vuln

import (
	"fmt"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/sbom"
)

// Options configure a scan. The zero value applies no VEX.
type Options struct {
	// TrustedVEX are OpenVEX documents whose statements suppress
	// findings. Pass only VEX you trust: the predicates of attestations
	// that verify checked (policy.AfterVEX does this from verified
	// evidence), or documents of your own. A document that is not here
	// changes nothing (SECURITY.md C100).
	TrustedVEX []*attest.OpenVEX
	// Products are the ids of the artifact scanned (its package URL, an
	// image reference with its digest): a VEX statement applies to a
	// finding when one of its products is one of these (compared exactly,
	// so "pkg:oci/app" never matches "pkg:oci/app-evil") and it names
	// the finding's package as a subcomponent or names none, or when the
	// product is the finding's package itself.
	Products []string
	// AllowUnjustifiedUnsafe accepts not_affected statements without a
	// justification or an impact statement, which OpenVEX requires.
	AllowUnjustifiedUnsafe bool
}

// Suppression is the VEX statement that suppresses a finding.
type Suppression struct {
	// Document is the VEX document's @id, Author its author.
	Document string `json:"document"`
	Author   string `json:"author"`
	// Status is "not_affected" or "fixed".
	Status string `json:"status"`
	// Justification and Impact are the statement's.
	Justification string `json:"justification,omitempty"`
	Impact        string `json:"impact,omitempty"`
	// Timestamp is when the statement was made.
	Timestamp time.Time `json:"timestamp,omitzero"`
}

// applyVEX marks the findings that the latest applicable statement about
// them (by timestamp: the statement's, else its document's) says are
// not_affected or fixed.
func applyVEX(rep *Report, o Options) error {
	if len(o.TrustedVEX) == 0 {
		return nil
	}
	products := map[string]bool{}
	for _, p := range o.Products {
		products[sbom.CanonicalPURL(p)] = true
	}
	type stmt struct {
		doc *attest.OpenVEX
		st  *attest.VEXStatement
		at  time.Time
	}
	var all []stmt
	for _, d := range o.TrustedVEX {
		if d == nil {
			continue
		}
		check := d
		if o.AllowUnjustifiedUnsafe {
			// Every other OpenVEX rule still holds: check a copy whose
			// unjustified not_affected statements carry a placeholder.
			c := *d
			c.Statements = append([]attest.VEXStatement(nil), d.Statements...)
			for i := range c.Statements {
				if st := &c.Statements[i]; st.Status == attest.VEXNotAffected && st.Justification == "" && st.ImpactStatement == "" {
					st.ImpactStatement = "(none given)"
				}
			}
			check = &c
		}
		if err := check.Validate(); err != nil {
			return fmt.Errorf("%w: VEX %s: %v", ErrMalformed, truncate(d.ID), err)
		}
		for i := range d.Statements {
			st := &d.Statements[i]
			at := time.Time{}
			switch {
			case st.Timestamp != nil:
				at = *st.Timestamp
			case d.Timestamp != nil:
				at = *d.Timestamp
			}
			if st.Status == attest.VEXNotAffected && st.Justification == "" && st.ImpactStatement == "" && !o.AllowUnjustifiedUnsafe {
				return fmt.Errorf("%w: VEX %s: not_affected for %s without a justification or an impact statement", ErrMalformed, truncate(d.ID), truncate(st.Vulnerability.Name))
			}
			all = append(all, stmt{d, st, at})
		}
	}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		ids := map[string]bool{f.ID: true}
		for _, a := range f.Aliases {
			ids[a] = true
		}
		var latest *stmt
		for j := range all {
			s := &all[j]
			if !aboutVuln(s.st.Vulnerability, ids) || !aboutTarget(s.st.Products, products, sbom.CanonicalPURL(f.Target.PURL)) {
				continue
			}
			if latest == nil || s.at.After(latest.at) {
				latest = s
			}
		}
		if latest == nil {
			continue
		}
		switch latest.st.Status {
		case attest.VEXNotAffected, attest.VEXFixed:
			f.Suppressed = &Suppression{Document: latest.doc.ID, Author: latest.doc.Author, Status: latest.st.Status,
				Justification: latest.st.Justification, Impact: latest.st.ImpactStatement, Timestamp: latest.at}
		}
	}
	return nil
}

func aboutVuln(v attest.VEXVulnerability, ids map[string]bool) bool {
	if ids[v.Name] || (v.ID != "" && ids[v.ID]) {
		return true
	}
	for _, a := range v.Aliases {
		if ids[a] {
			return true
		}
	}
	return false
}

// aboutTarget reports whether a statement's products cover the package:
// a product that is the scanned artifact (with the package among its
// subcomponents, or no subcomponents), or the package itself.
func aboutTarget(ps []attest.VEXProduct, artifact map[string]bool, pkg string) bool {
	for _, p := range ps {
		ids := productIDs(p)
		for _, id := range ids {
			if id == pkg {
				return true
			}
		}
		isArtifact := false
		for _, id := range ids {
			isArtifact = isArtifact || artifact[id]
		}
		if !isArtifact {
			continue
		}
		if len(p.Subcomponents) == 0 {
			return true
		}
		for _, sc := range p.Subcomponents {
			for _, id := range productIDs(sc) {
				if id == pkg {
					return true
				}
			}
		}
	}
	return false
}

func productIDs(p attest.VEXProduct) []string {
	var out []string
	if p.ID != "" {
		out = append(out, sbom.CanonicalPURL(p.ID))
	}
	for _, k := range []string{"purl", "cpe23", "cpe22"} {
		if v := p.Identifiers[k]; v != "" {
			out = append(out, sbom.CanonicalPURL(v))
		}
	}
	return out
}
