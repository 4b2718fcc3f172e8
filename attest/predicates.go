package attest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Predicate type URIs of the predicates this package types.
const (
	PredicateSLSAProvenanceV1  = "https://slsa.dev/provenance/v1"
	PredicateSLSAProvenanceV02 = "https://slsa.dev/provenance/v0.2"
	PredicateVSAV1             = "https://slsa.dev/verification_summary/v1"
	PredicateSPDX              = "https://spdx.dev/Document"
	PredicateSPDXV23           = "https://spdx.dev/Document/v2.3"
	PredicateCycloneDX         = "https://cyclonedx.org/bom"
	PredicateCycloneDXV16      = "https://cyclonedx.org/bom/v1.6"
	PredicateTestResult        = "https://in-toto.io/attestation/test-result/v0.1"
	PredicateVulns             = "https://in-toto.io/attestation/vulns/v0.2"
	PredicateOpenVEX           = "https://openvex.dev/ns/v0.2.0"
)

func init() {
	mustRegister[ProvenanceV1](PredicateSLSAProvenanceV1)
	mustRegister[ProvenanceV02](PredicateSLSAProvenanceV02)
	mustRegister[VSA](PredicateVSAV1)
	mustRegister[SPDXDocument](PredicateSPDX, "https://spdx.dev/Document/v2")
	mustRegister[CycloneDXBOM](PredicateCycloneDX)
	mustRegister[TestResult](PredicateTestResult)
	mustRegister[Vulns](PredicateVulns)
	mustRegister[OpenVEX](PredicateOpenVEX, "https://openvex.dev/ns")
}

// ProvenanceV1 is SLSA Provenance v1 (https://slsa.dev/spec/v1.0/provenance):
// how an artifact was built, by which builder, from what.
type ProvenanceV1 struct {
	BuildDefinition BuildDefinition `json:"buildDefinition"`
	RunDetails      RunDetails      `json:"runDetails"`
}

// BuildDefinition is the input of a build: everything that decided its
// result.
type BuildDefinition struct {
	// BuildType is a URI naming the template for the parameters.
	BuildType string `json:"buildType"`
	// ExternalParameters are the inputs under the control of whoever
	// requested the build: required, and the part to check.
	ExternalParameters map[string]any `json:"externalParameters"`
	// InternalParameters are set by the builder itself.
	InternalParameters map[string]any `json:"internalParameters,omitempty"`
	// ResolvedDependencies are the artifacts the build fetched.
	ResolvedDependencies []ResourceDescriptor `json:"resolvedDependencies,omitempty"`
}

// RunDetails describes one execution of the build.
type RunDetails struct {
	Builder    Builder              `json:"builder"`
	Metadata   *BuildMetadata       `json:"metadata,omitempty"`
	Byproducts []ResourceDescriptor `json:"byproducts,omitempty"`
}

// Builder identifies the build platform; its ID is what trust decisions
// rest on.
type Builder struct {
	ID                  string               `json:"id"`
	Version             map[string]string    `json:"version,omitempty"`
	BuilderDependencies []ResourceDescriptor `json:"builderDependencies,omitempty"`
}

// BuildMetadata holds facts about the run that do not affect its output.
// Its times are claims of the builder, not verified times.
type BuildMetadata struct {
	InvocationID string     `json:"invocationId,omitempty"`
	StartedOn    *time.Time `json:"startedOn,omitempty"`
	FinishedOn   *time.Time `json:"finishedOn,omitempty"`
}

// PredicateType returns PredicateSLSAProvenanceV1.
func (*ProvenanceV1) PredicateType() string { return PredicateSLSAProvenanceV1 }

// Validate checks the fields the spec requires.
func (p *ProvenanceV1) Validate() error {
	switch {
	case p.BuildDefinition.BuildType == "":
		return errField("buildDefinition.buildType")
	case p.BuildDefinition.ExternalParameters == nil:
		return errField("buildDefinition.externalParameters")
	case p.RunDetails.Builder.ID == "":
		return errField("runDetails.builder.id")
	}
	return nil
}

// ProvenanceV02 is SLSA Provenance v0.2, read for the attestations that
// still carry it. New provenance should be ProvenanceV1.
type ProvenanceV02 struct {
	Builder     BuilderV02     `json:"builder"`
	BuildType   string         `json:"buildType"`
	Invocation  *InvocationV02 `json:"invocation,omitempty"`
	BuildConfig any            `json:"buildConfig,omitempty"`
	Metadata    *MetadataV02   `json:"metadata,omitempty"`
	Materials   []MaterialV02  `json:"materials,omitempty"`
}

// BuilderV02 identifies the builder of SLSA v0.2 provenance.
type BuilderV02 struct {
	ID string `json:"id"`
}

// InvocationV02 is the v0.2 description of how the build was started.
type InvocationV02 struct {
	ConfigSource *ConfigSourceV02 `json:"configSource,omitempty"`
	Parameters   any              `json:"parameters,omitempty"`
	Environment  any              `json:"environment,omitempty"`
}

// ConfigSourceV02 names the build configuration of v0.2 provenance.
type ConfigSourceV02 struct {
	URI        string            `json:"uri,omitempty"`
	Digest     map[string]string `json:"digest,omitempty"`
	EntryPoint string            `json:"entryPoint,omitempty"`
}

// MetadataV02 is the v0.2 build metadata.
//
// The SLSA v0.2 spec spells the invocation id "buildInvocationId";
// in-toto-golang, and with it slsa-github-generator and most v0.2
// provenance in use, writes "buildInvocationID". Both exact spellings are
// read (not both at once); Marshal writes the spec's.
type MetadataV02 struct {
	BuildInvocationID string           `json:"buildInvocationId,omitempty"`
	BuildStartedOn    *time.Time       `json:"buildStartedOn,omitempty"`
	BuildFinishedOn   *time.Time       `json:"buildFinishedOn,omitempty"`
	Completeness      *CompletenessV02 `json:"completeness,omitempty"`
	Reproducible      bool             `json:"reproducible,omitempty"`
}

// UnmarshalJSON reads v0.2 metadata strictly, under either spelling of
// the invocation id.
func (m *MetadataV02) UnmarshalJSON(data []byte) error {
	type plain MetadataV02 // without this method
	var w struct {
		plain
		SpecID   *string `json:"buildInvocationId"` // shadows plain's field
		InToToID *string `json:"buildInvocationID"`
	}
	if err := strictjson.Unmarshal(data, &w, limits.MaxStatementBytes); err != nil {
		return err
	}
	switch {
	case w.SpecID != nil && w.InToToID != nil:
		return &strictjson.Error{Kind: strictjson.ErrDuplicateKey, Path: "buildInvocationID",
			Detail: `both "buildInvocationId" and "buildInvocationID"`}
	case w.SpecID != nil:
		w.BuildInvocationID = *w.SpecID
	case w.InToToID != nil:
		w.BuildInvocationID = *w.InToToID
	}
	*m = MetadataV02(w.plain)
	return nil
}

// CompletenessV02 records which v0.2 fields the builder claims are
// complete.
type CompletenessV02 struct {
	Parameters  bool `json:"parameters,omitempty"`
	Environment bool `json:"environment,omitempty"`
	Materials   bool `json:"materials,omitempty"`
}

// MaterialV02 is an input of a v0.2 build.
type MaterialV02 struct {
	URI    string            `json:"uri,omitempty"`
	Digest map[string]string `json:"digest,omitempty"`
}

// PredicateType returns PredicateSLSAProvenanceV02.
func (*ProvenanceV02) PredicateType() string { return PredicateSLSAProvenanceV02 }

// Validate checks the fields the spec requires.
func (p *ProvenanceV02) Validate() error {
	switch {
	case p.Builder.ID == "":
		return errField("builder.id")
	case p.BuildType == "":
		return errField("buildType")
	}
	return nil
}

// VSA is a SLSA Verification Summary Attestation v1: a verifier's record
// that it checked an artifact against a policy, and the levels it found.
type VSA struct {
	Verifier           VSAVerifier          `json:"verifier"`
	TimeVerified       *time.Time           `json:"timeVerified,omitempty"`
	ResourceURI        string               `json:"resourceUri"`
	Policy             ResourceDescriptor   `json:"policy"`
	InputAttestations  []ResourceDescriptor `json:"inputAttestations,omitempty"`
	VerificationResult string               `json:"verificationResult"`
	VerifiedLevels     []string             `json:"verifiedLevels"`
	DependencyLevels   map[string]int       `json:"dependencyLevels,omitempty"`
	SLSAVersion        string               `json:"slsaVersion,omitempty"`
}

// VSAVerifier identifies the verifier that issued a VSA.
type VSAVerifier struct {
	ID      string            `json:"id"`
	Version map[string]string `json:"version,omitempty"`
}

// PredicateType returns PredicateVSAV1.
func (*VSA) PredicateType() string { return PredicateVSAV1 }

// Validate checks the fields the spec requires.
func (v *VSA) Validate() error {
	switch {
	case v.Verifier.ID == "":
		return errField("verifier.id")
	case v.ResourceURI == "":
		return errField("resourceUri")
	case v.Policy.URI == "" && len(v.Policy.Digest) == 0:
		return errField("policy")
	case v.VerificationResult != "PASSED" && v.VerificationResult != "FAILED":
		return fmt.Errorf("verificationResult %q is not PASSED or FAILED", truncate(v.VerificationResult))
	}
	return nil
}

// TestResult is the in-toto test-result predicate v0.1: the outcome of a
// test run and the configuration it ran with.
type TestResult struct {
	Result        string               `json:"result"`
	Configuration []ResourceDescriptor `json:"configuration,omitempty"`
	URL           string               `json:"url,omitempty"`
	PassedTests   []string             `json:"passedTests,omitempty"`
	WarnedTests   []string             `json:"warnedTests,omitempty"`
	FailedTests   []string             `json:"failedTests,omitempty"`
}

// PredicateType returns PredicateTestResult.
func (*TestResult) PredicateType() string { return PredicateTestResult }

// Validate checks the fields the spec requires.
func (t *TestResult) Validate() error {
	switch t.Result {
	case "PASSED", "WARNED", "FAILED":
		return nil
	case "":
		return errField("result")
	}
	return fmt.Errorf("result %q is not PASSED, WARNED or FAILED", truncate(t.Result))
}

// Vulns is the in-toto vulnerability scan predicate v0.2: what a scanner
// found, with which database.
type Vulns struct {
	Scanner  VulnScanner   `json:"scanner"`
	Metadata *VulnMetadata `json:"metadata,omitempty"`
}

// VulnScanner identifies the scanner and lists its findings.
type VulnScanner struct {
	URI     string       `json:"uri"`
	Version string       `json:"version,omitempty"`
	DB      *VulnDB      `json:"db,omitempty"`
	Result  []VulnResult `json:"result"`
}

// VulnDB identifies the vulnerability database a scan used.
type VulnDB struct {
	URI        string     `json:"uri,omitempty"`
	Version    string     `json:"version,omitempty"`
	LastUpdate *time.Time `json:"lastUpdate,omitempty"`
}

// VulnResult is one finding.
type VulnResult struct {
	ID          string         `json:"id"`
	Severity    []VulnSeverity `json:"severity,omitempty"`
	Annotations map[string]any `json:"annotations,omitempty"`
}

// VulnSeverity is one rating of a finding.
type VulnSeverity struct {
	Method string `json:"method"`
	Score  string `json:"score"`
}

// VulnMetadata holds the scan's times, as the scanner claims them.
type VulnMetadata struct {
	ScanStartedOn  *time.Time `json:"scanStartedOn,omitempty"`
	ScanFinishedOn *time.Time `json:"scanFinishedOn,omitempty"`
}

// PredicateType returns PredicateVulns.
func (*Vulns) PredicateType() string { return PredicateVulns }

// Validate checks the fields the spec requires.
func (v *Vulns) Validate() error {
	if v.Scanner.URI == "" {
		return errField("scanner.uri")
	}
	for i, r := range v.Scanner.Result {
		if r.ID == "" {
			return errField(fmt.Sprintf("scanner.result[%d].id", i))
		}
	}
	return nil
}

// OpenVEX is an OpenVEX v0.2.0 document (https://github.com/openvex/spec):
// statements on whether products are affected by vulnerabilities.
type OpenVEX struct {
	Context     string         `json:"@context"`
	ID          string         `json:"@id"`
	Author      string         `json:"author"`
	Role        string         `json:"role,omitempty"`
	Timestamp   *time.Time     `json:"timestamp"`
	LastUpdated *time.Time     `json:"last_updated,omitempty"`
	Version     int            `json:"version"`
	Tooling     string         `json:"tooling,omitempty"`
	Statements  []VEXStatement `json:"statements"`
}

// VEXStatement says how one vulnerability affects some products.
type VEXStatement struct {
	ID                       string           `json:"@id,omitempty"`
	Version                  int              `json:"version,omitempty"`
	Vulnerability            VEXVulnerability `json:"vulnerability"`
	Timestamp                *time.Time       `json:"timestamp,omitempty"`
	LastUpdated              *time.Time       `json:"last_updated,omitempty"`
	Products                 []VEXProduct     `json:"products,omitempty"`
	Status                   string           `json:"status"`
	Supplier                 string           `json:"supplier,omitempty"`
	StatusNotes              string           `json:"status_notes,omitempty"`
	Justification            string           `json:"justification,omitempty"`
	ImpactStatement          string           `json:"impact_statement,omitempty"`
	ActionStatement          string           `json:"action_statement,omitempty"`
	ActionStatementTimestamp *time.Time       `json:"action_statement_timestamp,omitempty"`
}

// VEXVulnerability names a vulnerability.
type VEXVulnerability struct {
	ID          string   `json:"@id,omitempty"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
}

// VEXProduct names a product or a subcomponent.
type VEXProduct struct {
	ID            string            `json:"@id,omitempty"`
	Identifiers   map[string]string `json:"identifiers,omitempty"`
	Hashes        map[string]string `json:"hashes,omitempty"`
	Subcomponents []VEXProduct      `json:"subcomponents,omitempty"`
}

// The OpenVEX statuses and justifications.
const (
	VEXNotAffected        = "not_affected"
	VEXAffected           = "affected"
	VEXFixed              = "fixed"
	VEXUnderInvestigation = "under_investigation"
)

var vexJustifications = map[string]bool{
	"component_not_present":                             true,
	"vulnerable_code_not_present":                       true,
	"vulnerable_code_not_in_execute_path":               true,
	"vulnerable_code_cannot_be_controlled_by_adversary": true,
	"inline_mitigations_already_exist":                  true,
}

// PredicateType returns PredicateOpenVEX.
func (*OpenVEX) PredicateType() string { return PredicateOpenVEX }

// Validate checks the rules of the OpenVEX spec: a v0.2 context
// ("https://openvex.dev/ns" or "https://openvex.dev/ns/v0.2.N"), an id,
// an author, a timestamp, and statements whose status is one of the four,
// with a justification or impact statement for not_affected and an action
// statement for affected.
func (v *OpenVEX) Validate() error {
	switch {
	case !openVEXContext(v.Context):
		return fmt.Errorf("@context %q is not an OpenVEX v0.2 context", truncate(v.Context))
	case v.ID == "":
		return errField("@id")
	case v.Author == "":
		return errField("author")
	case v.Timestamp == nil:
		return errField("timestamp")
	}
	for i, s := range v.Statements {
		if s.Vulnerability.Name == "" {
			return errField(fmt.Sprintf("statements[%d].vulnerability.name", i))
		}
		switch s.Status {
		case VEXNotAffected:
			if s.Justification == "" && s.ImpactStatement == "" {
				return fmt.Errorf("statements[%d]: not_affected needs a justification or an impact_statement", i)
			}
			if s.Justification != "" && !vexJustifications[s.Justification] {
				return fmt.Errorf("statements[%d]: unknown justification %q", i, truncate(s.Justification))
			}
		case VEXAffected:
			if s.ActionStatement == "" {
				return fmt.Errorf("statements[%d]: affected needs an action_statement", i)
			}
		case VEXFixed, VEXUnderInvestigation:
		default:
			return fmt.Errorf("statements[%d]: unknown status %q", i, truncate(s.Status))
		}
	}
	return nil
}

// openVEXContext accepts the contexts of the OpenVEX versions this type
// reads: the unversioned namespace and v0.2.x. Earlier documents (v0.0.1
// has string vulnerabilities and products) have another shape.
func openVEXContext(c string) bool {
	const ns = "https://openvex.dev/ns"
	if c == ns {
		return true
	}
	patch, ok := strings.CutPrefix(c, ns+"/v0.2.")
	if !ok || patch == "" || len(patch) > 9 || (patch[0] == '0' && len(patch) > 1) {
		return false
	}
	for i := 0; i < len(patch); i++ {
		if patch[i] < '0' || patch[i] > '9' {
			return false
		}
	}
	return true
}

// SPDXDocument is the predicate of SPDX 2.x attestations. attest reads the
// document's header and keeps the whole document in Raw, byte for byte;
// package sbom decodes the rest.
type SPDXDocument struct {
	SPDXVersion       string
	SPDXID            string
	Name              string
	DocumentNamespace string
	// Raw is the document's JSON as received (or as given, when encoding).
	Raw json.RawMessage
}

type spdxHeader struct {
	SPDXVersion       string `json:"spdxVersion"`
	SPDXID            string `json:"SPDXID"`
	Name              string `json:"name"`
	DocumentNamespace string `json:"documentNamespace"`
}

// PredicateType returns PredicateSPDX.
func (*SPDXDocument) PredicateType() string { return PredicateSPDX }

// UnmarshalJSON reads the header and keeps the document. The header is
// read strictly: "SPDXVersion" never stands in for "spdxVersion".
func (d *SPDXDocument) UnmarshalJSON(data []byte) error {
	var h spdxHeader
	if err := strictjson.Unmarshal(data, &h, limits.MaxStatementBytes); err != nil {
		return err
	}
	*d = SPDXDocument{SPDXVersion: h.SPDXVersion, SPDXID: h.SPDXID, Name: h.Name, DocumentNamespace: h.DocumentNamespace, Raw: bytes.Clone(data)}
	return nil
}

// MarshalJSON returns Raw if set, else the header fields.
func (d SPDXDocument) MarshalJSON() ([]byte, error) {
	if len(d.Raw) > 0 {
		return d.Raw, nil
	}
	return json.Marshal(spdxHeader{d.SPDXVersion, d.SPDXID, d.Name, d.DocumentNamespace})
}

// Validate checks the header that MarshalJSON writes: an SPDX 2.x
// version and the document SPDXID. With Raw set that is Raw's header, and
// header fields that are set must agree with it.
func (d *SPDXDocument) Validate() error {
	h := spdxHeader{d.SPDXVersion, d.SPDXID, d.Name, d.DocumentNamespace}
	if len(d.Raw) > 0 {
		var r spdxHeader
		if err := strictjson.Unmarshal(d.Raw, &r, limits.MaxStatementBytes); err != nil {
			return fmt.Errorf("raw document: %w", err)
		}
		if h != (spdxHeader{}) && h != r {
			return errors.New("header fields differ from the raw document")
		}
		h = r
	}
	if !strings.HasPrefix(h.SPDXVersion, "SPDX-2.") {
		return fmt.Errorf("spdxVersion %q is not SPDX-2.x", truncate(h.SPDXVersion))
	}
	if h.SPDXID != "SPDXRef-DOCUMENT" {
		return fmt.Errorf("SPDXID %q is not SPDXRef-DOCUMENT", truncate(h.SPDXID))
	}
	return nil
}

// CycloneDXBOM is the predicate of CycloneDX attestations. attest reads
// the BOM's header and keeps the whole BOM in Raw; package sbom decodes
// the rest.
type CycloneDXBOM struct {
	BOMFormat    string
	SpecVersion  string
	SerialNumber string
	Version      int
	// Raw is the BOM's JSON as received (or as given, when encoding).
	Raw json.RawMessage
}

type cdxHeader struct {
	BOMFormat    string `json:"bomFormat"`
	SpecVersion  string `json:"specVersion"`
	SerialNumber string `json:"serialNumber,omitempty"`
	Version      int    `json:"version,omitempty"`
}

// PredicateType returns PredicateCycloneDX.
func (*CycloneDXBOM) PredicateType() string { return PredicateCycloneDX }

// UnmarshalJSON reads the header strictly and keeps the BOM.
func (b *CycloneDXBOM) UnmarshalJSON(data []byte) error {
	var h cdxHeader
	if err := strictjson.Unmarshal(data, &h, limits.MaxStatementBytes); err != nil {
		return err
	}
	*b = CycloneDXBOM{BOMFormat: h.BOMFormat, SpecVersion: h.SpecVersion, SerialNumber: h.SerialNumber, Version: h.Version, Raw: bytes.Clone(data)}
	return nil
}

// MarshalJSON returns Raw if set, else the header fields.
func (b CycloneDXBOM) MarshalJSON() ([]byte, error) {
	if len(b.Raw) > 0 {
		return b.Raw, nil
	}
	return json.Marshal(cdxHeader{b.BOMFormat, b.SpecVersion, b.SerialNumber, b.Version})
}

// Validate checks the header that MarshalJSON writes: bomFormat
// "CycloneDX" and a spec version. With Raw set that is Raw's header, and
// header fields that are set must agree with it.
func (b *CycloneDXBOM) Validate() error {
	h := cdxHeader{b.BOMFormat, b.SpecVersion, b.SerialNumber, b.Version}
	if len(b.Raw) > 0 {
		var r cdxHeader
		if err := strictjson.Unmarshal(b.Raw, &r, limits.MaxStatementBytes); err != nil {
			return fmt.Errorf("raw BOM: %w", err)
		}
		if h != (cdxHeader{}) && h != r {
			return errors.New("header fields differ from the raw BOM")
		}
		h = r
	}
	if h.BOMFormat != "CycloneDX" {
		return fmt.Errorf("bomFormat %q is not CycloneDX", truncate(h.BOMFormat))
	}
	if h.SpecVersion == "" {
		return errField("specVersion")
	}
	return nil
}

// compile-time checks that the typed predicates are Predicates.
var (
	_ Predicate = (*ProvenanceV1)(nil)
	_ Predicate = (*ProvenanceV02)(nil)
	_ Predicate = (*VSA)(nil)
	_ Predicate = (*TestResult)(nil)
	_ Predicate = (*Vulns)(nil)
	_ Predicate = (*OpenVEX)(nil)
	_ Predicate = (*SPDXDocument)(nil)
	_ Predicate = (*CycloneDXBOM)(nil)
)
