package vuln

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
)

// ScannerURI names this package as the scanner in a vulns predicate.
const ScannerURI = "pkg:golang/github.com/chainmail-dev/chainmail/vuln"

// PredicateOptions are what a vulns predicate says beyond the findings;
// the times are the caller's (the package reads no clock).
type PredicateOptions struct {
	// ScannerVersion is written as scanner.version.
	ScannerVersion string
	// StartedOn and FinishedOn are the scan's times; zero to leave out.
	StartedOn, FinishedOn time.Time
}

// Predicate returns the report as an in-toto vulns v0.2 predicate, which
// sign signs and policy.NoVulnsAtOrAbove reads: one result per finding
// that no trusted VEX statement suppresses, with its computed scores
// (method "cvss_v3", the base score as text) and annotations naming the
// package, the fix, the merged ids, and for a binary whether vulnerable
// code is linked. A finding without a computed score has no severity, so
// policy counts it as at or above every level.
func (r *Report) Predicate(o PredicateOptions) *attest.Vulns {
	v := &attest.Vulns{Scanner: attest.VulnScanner{URI: ScannerURI, Version: o.ScannerVersion, Result: []attest.VulnResult{}}}
	v.Scanner.DB = &attest.VulnDB{URI: r.DB.Source}
	if t, err := time.Parse(time.RFC3339, r.DB.LastModified); err == nil && t.Year() > 1 {
		v.Scanner.DB.LastUpdate = &t
	}
	for _, f := range r.Active() {
		res := attest.VulnResult{ID: f.ID, Annotations: map[string]any{"purl": f.Target.PURL, "version": f.Target.Version}}
		for _, s := range f.Scores {
			res.Severity = append(res.Severity, attest.VulnSeverity{Method: s.Method, Score: s.String()})
		}
		if f.Fixed != "" {
			res.Annotations["fixed"] = f.Fixed
		}
		if len(f.Aliases) > 0 {
			res.Annotations["aliases"] = f.Aliases
		}
		if f.Symbols != nil && f.Symbols.Known {
			res.Annotations["linked"] = len(f.Symbols.Linked) > 0
			if len(f.Symbols.Linked) > 0 {
				res.Annotations["symbols"] = f.Symbols.Linked
			}
		}
		v.Scanner.Result = append(v.Scanner.Result, res)
	}
	if !o.StartedOn.IsZero() || !o.FinishedOn.IsZero() {
		v.Metadata = &attest.VulnMetadata{}
		if !o.StartedOn.IsZero() {
			t := o.StartedOn.UTC()
			v.Metadata.ScanStartedOn = &t
		}
		if !o.FinishedOn.IsZero() {
			t := o.FinishedOn.UTC()
			v.Metadata.ScanFinishedOn = &t
		}
	}
	return v
}

// Severity returns the highest computed base score of a finding, and
// false when none was computed.
func (f *Finding) Severity() (float64, bool) {
	if len(f.Scores) == 0 {
		return 0, false
	}
	return f.Scores[0].Base, true
}

// WriteText writes the report for people: one block per finding.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d packages checked against %d records (%s)\n", r.Targets, r.DB.Records, r.DB.Source)
	active := r.Active()
	fmt.Fprintf(&b, "%d findings", len(active))
	if n := len(r.Findings) - len(active); n > 0 {
		fmt.Fprintf(&b, ", %d suppressed by VEX", n)
	}
	if len(r.Unchecked) > 0 {
		fmt.Fprintf(&b, ", %d unchecked", len(r.Unchecked))
	}
	b.WriteString("\n")
	for _, f := range r.Findings {
		sev := "severity unknown"
		if s, ok := f.Severity(); ok {
			sev = fmt.Sprintf("%s %.1f", f.Scores[0].Rating, s)
		}
		fmt.Fprintf(&b, "\n%s (%s): %s\n  %s@%s", f.ID, sev, f.Summary, f.Target.Name, f.Target.Version)
		if f.Fixed != "" {
			fmt.Fprintf(&b, ", fixed in %s", f.Fixed)
		} else {
			b.WriteString(", no fix")
		}
		b.WriteString("\n")
		if len(f.Aliases) > 0 {
			fmt.Fprintf(&b, "  aliases: %s\n", strings.Join(f.Aliases, ", "))
		}
		if f.Symbols != nil {
			switch {
			case !f.Symbols.Known:
				b.WriteString("  vulnerable code linked: cannot tell\n")
			case len(f.Symbols.Linked) == 0:
				b.WriteString("  module present, vulnerable code not linked\n")
			default:
				fmt.Fprintf(&b, "  vulnerable code linked: %s\n", strings.Join(f.Symbols.Linked, ", "))
			}
		}
		if s := f.Suppressed; s != nil {
			why := s.Justification
			if why == "" {
				why = s.Impact
			}
			fmt.Fprintf(&b, "  suppressed: %s by %s (%s): %s\n", s.Status, s.Author, s.Document, why)
		}
	}
	for _, u := range r.Unchecked {
		fmt.Fprintf(&b, "\nunchecked: %s against %s: %s\n", u.Target.PURL, u.Record, u.Reason)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSARIF writes the report as SARIF 2.1.0: a rule per finding id, a
// result per finding (level from its score: error from 7.0, warning from
// 4.0, note below, error when unknown), suppressed findings with an
// external suppression naming their VEX statement.
func (r *Report) WriteSARIF(w io.Writer, toolVersion string) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string         `json:"id"`
		ShortDescription msg            `json:"shortDescription"`
		HelpURI          string         `json:"helpUri,omitempty"`
		Properties       map[string]any `json:"properties,omitempty"`
	}
	type suppression struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification,omitempty"`
	}
	type logical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	type location struct {
		LogicalLocations []logical `json:"logicalLocations"`
	}
	type result struct {
		RuleID       string        `json:"ruleId"`
		Level        string        `json:"level"`
		Message      msg           `json:"message"`
		Locations    []location    `json:"locations"`
		Suppressions []suppression `json:"suppressions,omitempty"`
	}
	var rules []rule
	var results []result
	seen := map[string]bool{}
	for _, f := range r.Findings {
		level := "error"
		props := map[string]any{"tags": []string{"security", "vulnerability"}}
		if s, ok := f.Severity(); ok {
			props["security-severity"] = fmt.Sprintf("%.1f", s)
			switch {
			case s < 4:
				level = "note"
			case s < 7:
				level = "warning"
			}
		}
		if !seen[f.ID] {
			seen[f.ID] = true
			help := ""
			if strings.HasPrefix(f.ID, "GO-") {
				help = "https://pkg.go.dev/vuln/" + f.ID
			} else {
				help = "https://osv.dev/vulnerability/" + f.ID
			}
			rules = append(rules, rule{ID: f.ID, ShortDescription: msg{f.Summary}, HelpURI: help, Properties: props})
		}
		text := fmt.Sprintf("%s@%s is affected by %s", f.Target.Name, f.Target.Version, f.ID)
		if f.Fixed != "" {
			text += "; fixed in " + f.Fixed
		}
		res := result{RuleID: f.ID, Level: level, Message: msg{text}, Locations: []location{{LogicalLocations: []logical{{FullyQualifiedName: f.Target.PURL, Kind: "package"}}}}}
		if s := f.Suppressed; s != nil {
			res.Suppressions = []suppression{{Kind: "external", Justification: fmt.Sprintf("VEX %s by %s: %s %s", s.Document, s.Author, s.Status, s.Justification+s.Impact)}}
		}
		results = append(results, res)
	}
	if results == nil {
		results = []result{}
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "chainmail-vuln", "version": toolVersion, "informationUri": "https://github.com/chainmail-dev/chainmail", "rules": rules,
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
