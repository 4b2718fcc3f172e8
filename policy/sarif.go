package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chainmail-dev/chainmail/digest"
)

// SARIF's version and the schema its logs name.
const (
	SARIFVersion = "2.1.0"
	SARIFSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

// ToolInfo describes the tool that made a decision, for the SARIF log's
// tool.driver: the program that calls the policy, not this package.
type ToolInfo struct {
	// Name is the tool's name (tool.driver.name). Required.
	Name string
	// Version is the tool's version (tool.driver.version); optional.
	Version string
	// InformationURI is where the tool is described
	// (tool.driver.informationUri); optional.
	InformationURI string
}

// SARIF renders the decision as a SARIF 2.1.0 log, for code-scanning
// dashboards: one run whose tool.driver is tool, with one rule
// (reportingDescriptor) per distinct rule id of the findings (the named
// rules, with their message as shortDescription and remediation as
// help, and the rule of every result), and one result per reason the
// decision did not pass cleanly:
//
//   - every enforced rule that did not pass, as in [Decision.Reasons],
//     at level "error";
//   - every advisory (Warn) rule that did not pass, at level "warning".
//
// A result's ruleId is the id of the nearest named rule above the
// failing finding (else the finding's own rule), its message the reason
// line, and its properties the field read (path), what was found and
// wanted (got, want), the error, and the attestation's input digest.
// The run's properties hold the policy, its version, the verdict, the
// decision time and the artifact's digests.
//
// An allow without warnings has no results (an empty array); a denial
// always has at least one: a denial without an enforced reason (a rule
// whose explanation disagrees with its evaluation) is reported as a
// result of the policy's rule. The output is indented JSON ending in a
// newline, and the same decision always gives the same bytes. SARIF
// fails with ErrRender when tool has no name.
func (d *Decision) SARIF(tool ToolInfo) ([]byte, error) {
	if tool.Name == "" {
		return nil, errorf(ErrRender, "SARIF needs the tool's name")
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: tool.Name, Version: tool.Version, InformationURI: tool.InformationURI,
			Rules: []sarifRule{},
		}},
		Results: []sarifResult{},
		Properties: sarifRunProperties{
			Policy: d.Policy, Version: d.Version, Allowed: d.Allowed, Outcome: d.Outcome,
			Warnings: d.Warnings, Artifact: d.Artifact,
		},
	}
	if !d.Time.IsZero() {
		run.Properties.Time = d.Time.UTC().Format(time.RFC3339Nano)
	}
	index := map[string]int{}
	rule := func(id string, f *Finding) int {
		if i, ok := index[id]; ok {
			return i
		}
		r := sarifRule{ID: id}
		if f != nil && f.Message != "" {
			r.ShortDescription = &sarifMessage{Text: f.Message}
		}
		if f != nil && f.Remediation != "" {
			r.Help = &sarifMessage{Text: f.Remediation}
		}
		index[id] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, r)
		return index[id]
	}
	if d.Explained {
		namedRules(&d.Finding, func(f *Finding) { rule(f.Rule, f) })
	}
	d.reasons(true, func(f *Finding, p reasonPath) {
		id := f.Rule
		if len(p.ids) > 0 {
			id = p.ids[len(p.ids)-1]
		}
		res := sarifResult{
			RuleID: id, Level: "error", Message: sarifMessage{Text: reason(f, p.ids)},
			Properties: sarifResultProperties{Path: f.Path, Got: f.Got, Want: f.Want, Error: f.Error, Attestation: p.attestation},
		}
		if p.severity == Warn {
			res.Level = "warning"
		}
		res.RuleIndex = rule(id, nil)
		run.Results = append(run.Results, res)
	})
	if !d.Allowed && !hasLevel(run.Results, "error") {
		f := &d.Finding
		id := f.Rule
		if id == "" {
			id = "policy"
		}
		run.Results = append(run.Results, sarifResult{
			RuleID: id, RuleIndex: rule(id, nil), Level: "error",
			Message: sarifMessage{Text: fmt.Sprintf("denied with outcome %s and no failing rule", d.Outcome)},
		})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// namedRules calls fn for every named rule under f, f included, in
// order.
func namedRules(f *Finding, fn func(*Finding)) {
	if f.Message != "" || f.Remediation != "" {
		fn(f)
	}
	for i := range f.Children {
		namedRules(&f.Children[i], fn)
	}
}

func hasLevel(results []sarifResult, level string) bool {
	for _, r := range results {
		if r.Level == level {
			return true
		}
	}
	return false
}

// The SARIF 2.1.0 objects SARIF writes, with the fields it sets.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool          `json:"tool"`
		Results    []sarifResult      `json:"results"`
		Properties sarifRunProperties `json:"properties"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string        `json:"id"`
		ShortDescription *sarifMessage `json:"shortDescription,omitempty"`
		Help             *sarifMessage `json:"help,omitempty"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID     string                `json:"ruleId"`
		RuleIndex  int                   `json:"ruleIndex"`
		Level      string                `json:"level"`
		Message    sarifMessage          `json:"message"`
		Properties sarifResultProperties `json:"properties,omitzero"`
	}
	sarifResultProperties struct {
		Path        string        `json:"path,omitempty"`
		Got         string        `json:"got,omitempty"`
		Want        string        `json:"want,omitempty"`
		Error       string        `json:"error,omitempty"`
		Attestation digest.Digest `json:"attestation,omitzero"`
	}
	sarifRunProperties struct {
		Policy   string     `json:"policy"`
		Version  string     `json:"policyVersion,omitempty"`
		Allowed  bool       `json:"allowed"`
		Outcome  Outcome    `json:"outcome"`
		Warnings bool       `json:"warnings,omitempty"`
		Time     string     `json:"time,omitempty"`
		Artifact digest.Set `json:"artifact,omitempty"`
	}
)
