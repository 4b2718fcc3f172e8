package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// DecodeOpenVEX reads and validates an OpenVEX document (the
// attest.OpenVEX predicate type): strict JSON (no duplicate keys, valid
// UTF-8, bounded nesting, at most limits.MaxSBOMBytes), the OpenVEX rules
// of attest.OpenVEX.Validate (a not_affected statement needs a
// justification or an impact statement, an affected one an action
// statement), and no null timestamp (SECURITY.md C97).
func DecodeOpenVEX(r io.Reader) (*attest.OpenVEX, error) {
	data, err := readBounded(r, limits.MaxSBOMBytes)
	if err != nil {
		return nil, err
	}
	var v attest.OpenVEX
	if err := strictjson.CheckWith(data, nil, strictjson.Options{MaxBytes: len(data) + 1, MaxArrayLen: maxComponentsLimit}); err != nil {
		return nil, jsonErr(err)
	}
	if err := checkJSONNulls(data); err != nil {
		return nil, err
	}
	if err := strictjson.Unmarshal(data, &v, len(data)+1); err != nil {
		return nil, jsonErr(err)
	}
	if err := v.Validate(); err != nil {
		return nil, malformed("OpenVEX", err)
	}
	return &v, nil
}

// EncodeOpenVEX validates an OpenVEX document and writes it as indented
// JSON.
func EncodeOpenVEX(w io.Writer, v *attest.OpenVEX) error {
	if v == nil {
		return fmt.Errorf("sbom: nil OpenVEX document")
	}
	if err := v.Validate(); err != nil {
		return malformed("OpenVEX", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("sbom: encoding OpenVEX: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// CycloneDX analysis states and OpenVEX statuses map to each other as the
// CISA VEX minimum requirements suggest.
var (
	cdxToVEXStatus = map[string]string{
		"not_affected":           attest.VEXNotAffected,
		"false_positive":         attest.VEXNotAffected,
		"exploitable":            attest.VEXAffected,
		"resolved":               attest.VEXFixed,
		"resolved_with_pedigree": attest.VEXFixed,
		"in_triage":              attest.VEXUnderInvestigation,
	}
	vexToCDXState = map[string]string{
		attest.VEXNotAffected:        "not_affected",
		attest.VEXAffected:           "exploitable",
		attest.VEXFixed:              "resolved",
		attest.VEXUnderInvestigation: "in_triage",
	}
	cdxToVEXJustification = map[string]string{
		"code_not_present":                "vulnerable_code_not_present",
		"code_not_reachable":              "vulnerable_code_not_in_execute_path",
		"requires_configuration":          "vulnerable_code_cannot_be_controlled_by_adversary",
		"requires_dependency":             "component_not_present",
		"requires_environment":            "vulnerable_code_cannot_be_controlled_by_adversary",
		"protected_by_compiler":           "inline_mitigations_already_exist",
		"protected_at_runtime":            "inline_mitigations_already_exist",
		"protected_at_perimeter":          "inline_mitigations_already_exist",
		"protected_by_mitigating_control": "inline_mitigations_already_exist",
	}
	vexToCDXJustification = map[string]string{
		"vulnerable_code_not_present":                       "code_not_present",
		"vulnerable_code_not_in_execute_path":               "code_not_reachable",
		"vulnerable_code_cannot_be_controlled_by_adversary": "requires_environment",
		"component_not_present":                             "requires_dependency",
		"inline_mitigations_already_exist":                  "protected_by_mitigating_control",
	}
)

// OpenVEXFromDocument turns a document's CycloneDX vulnerabilities (a
// CycloneDX VEX) into an OpenVEX document. Affected components are named
// by package URL when they have one, else by their ID. Entries without an
// analysis state are skipped: they say nothing about exploitability.
func OpenVEXFromDocument(d *Document, id, author string, ts time.Time) (*attest.OpenVEX, error) {
	if d == nil {
		return nil, fmt.Errorf("sbom: nil document")
	}
	ts = ts.UTC()
	v := &attest.OpenVEX{Context: "https://openvex.dev/ns/v0.2.0", ID: id, Author: author, Timestamp: &ts, Version: 1,
		Tooling: "chainmail-sbom"}
	byID := d.index()
	for _, vu := range d.Vulnerabilities {
		status, ok := cdxToVEXStatus[vu.State]
		if !ok {
			continue
		}
		st := attest.VEXStatement{Vulnerability: attest.VEXVulnerability{Name: vu.ID, Aliases: slices.Clone(vu.Aliases)}, Status: status}
		for _, a := range vu.Affects {
			p := attest.VEXProduct{ID: a}
			if c := byID[a]; c != nil && c.PURL != "" {
				p.ID = c.PURL
			}
			st.Products = append(st.Products, p)
		}
		switch status {
		case attest.VEXNotAffected:
			st.Justification = cdxToVEXJustification[vu.Justification]
			if st.Justification == "" || vu.State == "false_positive" {
				st.ImpactStatement = vu.Detail
				if st.ImpactStatement == "" {
					st.ImpactStatement = "not affected (" + vu.State + ")"
				}
			}
		case attest.VEXAffected:
			st.ActionStatement = vu.Detail
			if st.ActionStatement == "" {
				st.ActionStatement = "see the vendor's advisory"
			}
		default:
			st.StatusNotes = vu.Detail
		}
		v.Statements = append(v.Statements, st)
	}
	if err := v.Validate(); err != nil {
		return nil, malformed("OpenVEX", err)
	}
	return v, nil
}

// ApplyOpenVEX adds an OpenVEX document's statements to a document as
// CycloneDX vulnerabilities, for the components the statements name.
// Matching is exact: a product identifier must equal a component's
// package URL (in canonical form) or ID; "pkg:oci/app" never matches
// "pkg:oci/app-evil" (SECURITY.md C100). It returns how many statements
// matched at least one component. The caller decides whether the VEX is
// trusted: verify its signature before applying it.
func ApplyOpenVEX(d *Document, v *attest.OpenVEX) (int, error) {
	if d == nil || v == nil {
		return 0, fmt.Errorf("sbom: nil document")
	}
	if err := v.Validate(); err != nil {
		return 0, malformed("OpenVEX", err)
	}
	byKey := map[string]string{}
	for _, c := range d.Components {
		byKey[c.ID] = c.ID
		if c.PURL != "" {
			byKey[CanonicalPURL(c.PURL)] = c.ID
		}
	}
	matched := 0
	for _, st := range v.Statements {
		var affects []string
		var walk func(ps []attest.VEXProduct, depth int)
		walk = func(ps []attest.VEXProduct, depth int) {
			if depth > 8 {
				return
			}
			for _, p := range ps {
				for _, key := range append([]string{p.ID}, identifierValues(p.Identifiers)...) {
					if id, ok := byKey[key]; ok && key != "" {
						affects = append(affects, id)
					} else if id, ok := byKey[CanonicalPURL(key)]; ok && key != "" {
						affects = append(affects, id)
					}
				}
				walk(p.Subcomponents, depth+1)
			}
		}
		walk(st.Products, 0)
		if len(affects) == 0 {
			continue
		}
		matched++
		vu := Vulnerability{ID: st.Vulnerability.Name, Aliases: slices.Clone(st.Vulnerability.Aliases), Affects: affects,
			State: vexToCDXState[st.Status], Justification: vexToCDXJustification[st.Justification]}
		switch {
		case st.ImpactStatement != "":
			vu.Detail = st.ImpactStatement
		case st.ActionStatement != "":
			vu.Detail = st.ActionStatement
		default:
			vu.Detail = st.StatusNotes
		}
		if st.Timestamp != nil {
			vu.Updated = st.Timestamp.UTC()
		} else if v.Timestamp != nil {
			vu.Updated = v.Timestamp.UTC()
		}
		d.Vulnerabilities = append(d.Vulnerabilities, vu)
	}
	return matched, nil
}

func identifierValues(m map[string]string) []string {
	var out []string
	for _, k := range []string{"purl", "cpe23", "cpe22"} {
		if v := m[k]; v != "" {
			out = append(out, v)
		}
	}
	return out
}
