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
	// PredicateSLSAProvenanceV1 is the predicateType of SLSA Provenance
	// v1, decoded as ProvenanceV1 (v1.x too).
	PredicateSLSAProvenanceV1 = "https://slsa.dev/provenance/v1"
	// PredicateSLSAProvenanceV02 is the predicateType of SLSA Provenance
	// v0.2, decoded as ProvenanceV02.
	PredicateSLSAProvenanceV02 = "https://slsa.dev/provenance/v0.2"
	// PredicateVSAV1 is the predicateType of a SLSA Verification Summary
	// Attestation v1, decoded as VSA.
	PredicateVSAV1 = "https://slsa.dev/verification_summary/v1"
	// PredicateSPDX is the unversioned predicateType of SPDX documents,
	// the one SPDXDocument writes. It and every ".../Document/v2.x" decode
	// as SPDXDocument.
	PredicateSPDX = "https://spdx.dev/Document"
	// PredicateSPDXV23 is the predicateType of SPDX 2.3 documents, as
	// some tools write it; it decodes as SPDXDocument.
	PredicateSPDXV23 = "https://spdx.dev/Document/v2.3"
	// PredicateCycloneDX is the unversioned predicateType of CycloneDX
	// BOMs, the one CycloneDXBOM writes. It and every versioned form
	// decode as CycloneDXBOM.
	PredicateCycloneDX = "https://cyclonedx.org/bom"
	// PredicateCycloneDXV16 is the predicateType of CycloneDX 1.6 BOMs, as
	// some tools write it; it decodes as CycloneDXBOM.
	PredicateCycloneDXV16 = "https://cyclonedx.org/bom/v1.6"
	// PredicateTestResult is the predicateType of the in-toto test-result
	// predicate v0.1, decoded as TestResult.
	PredicateTestResult = "https://in-toto.io/attestation/test-result/v0.1"
	// PredicateVulns is the predicateType of the in-toto vulnerability
	// scan predicate v0.2, decoded as Vulns.
	PredicateVulns = "https://in-toto.io/attestation/vulns/v0.2"
	// PredicateOpenVEX is the predicateType of OpenVEX v0.2.0 documents,
	// decoded as OpenVEX, as are "https://openvex.dev/ns" and other
	// v0.2.x versions.
	PredicateOpenVEX = "https://openvex.dev/ns/v0.2.0"
)

// ProvenanceV1 is SLSA Provenance v1 (https://slsa.dev/spec/v1.0/provenance):
// how an artifact was built, by which builder, from what.
type ProvenanceV1 struct {
	// BuildDefinition (buildDefinition) is what the build was asked to do:
	// its type, parameters and resolved dependencies.
	BuildDefinition BuildDefinition `json:"buildDefinition"`
	// RunDetails (runDetails) is how this run of the build went: which
	// builder ran it, when, and what else it produced.
	RunDetails RunDetails `json:"runDetails"`
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
	// Builder (runDetails.builder) identifies the build platform that ran
	// the build. Validate requires its ID.
	Builder Builder `json:"builder"`
	// Metadata (runDetails.metadata) holds the run's invocation id and
	// times; nil if absent.
	Metadata *BuildMetadata `json:"metadata,omitempty"`
	// Byproducts (runDetails.byproducts) are artifacts the run produced
	// that are not its output (logs, intermediate files), for debugging
	// and incident response.
	Byproducts []ResourceDescriptor `json:"byproducts,omitempty"`
}

// Builder identifies the build platform; its ID is what trust decisions
// rest on.
type Builder struct {
	// ID is the builder's id (runDetails.builder.id), the URI that names
	// the build platform. Validate requires it.
	ID string `json:"id"`
	// Version (version) maps the names of the builder's components to
	// their versions; nil if absent.
	Version map[string]string `json:"version,omitempty"`
	// BuilderDependencies (builderDependencies) are the dependencies of
	// the build platform itself, as opposed to those of the build.
	BuilderDependencies []ResourceDescriptor `json:"builderDependencies,omitempty"`
}

// BuildMetadata holds facts about the run that do not affect its output.
// Its times are claims of the builder, not verified times.
type BuildMetadata struct {
	// InvocationID (invocationId) identifies this run on the builder, to
	// find its logs; its format is the builder's. Empty if absent.
	InvocationID string `json:"invocationId,omitempty"`
	// StartedOn (startedOn) is when the build started; nil if absent.
	StartedOn *time.Time `json:"startedOn,omitempty"`
	// FinishedOn (finishedOn) is when the build finished; nil if absent.
	FinishedOn *time.Time `json:"finishedOn,omitempty"`
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
	// Builder (builder) identifies the entity that ran the build.
	// Validate requires its ID.
	Builder BuilderV02 `json:"builder"`
	// BuildType (buildType) is the URI naming the kind of build, which
	// sets the meaning of Invocation, BuildConfig and Materials. Validate
	// requires it.
	BuildType string `json:"buildType"`
	// Invocation (invocation) describes the event that started the
	// build; nil if absent.
	Invocation *InvocationV02 `json:"invocation,omitempty"`
	// BuildConfig (buildConfig) lists the steps of the build, in a
	// schema BuildType defines; nil if absent.
	BuildConfig any `json:"buildConfig,omitempty"`
	// Metadata (metadata) holds the build's invocation id, times and
	// completeness claims; nil if absent.
	Metadata *MetadataV02 `json:"metadata,omitempty"`
	// Materials (materials) are the artifacts that influenced the build:
	// sources, dependencies, tools, base images.
	Materials []MaterialV02 `json:"materials,omitempty"`
}

// BuilderV02 identifies the builder of SLSA v0.2 provenance.
type BuilderV02 struct {
	// ID is the builder's id (builder.id), the URI that names the
	// builder. Validate requires it.
	ID string `json:"id"`
}

// InvocationV02 is the v0.2 description of how the build was started.
type InvocationV02 struct {
	// ConfigSource (invocation.configSource) is where the configuration
	// that started the build came from; nil if absent.
	ConfigSource *ConfigSourceV02 `json:"configSource,omitempty"`
	// Parameters (invocation.parameters) are the external inputs to the
	// build beyond ConfigSource, in a schema BuildType defines; nil if
	// absent.
	Parameters any `json:"parameters,omitempty"`
	// Environment (invocation.environment) holds any other
	// builder-controlled inputs needed to evaluate the build correctly;
	// nil if absent.
	Environment any `json:"environment,omitempty"`
}

// ConfigSourceV02 names the build configuration of v0.2 provenance.
type ConfigSourceV02 struct {
	// URI (uri) names the artifact holding the configuration, such as a
	// git repository.
	URI string `json:"uri,omitempty"`
	// Digest (digest) maps algorithm names to digests of the artifact
	// URI names.
	Digest map[string]string `json:"digest,omitempty"`
	// EntryPoint (entryPoint) is where in the artifact the build starts,
	// often a configuration file's path or a target within it.
	EntryPoint string `json:"entryPoint,omitempty"`
}

// MetadataV02 is the v0.2 build metadata.
//
// The SLSA v0.2 spec spells the invocation id "buildInvocationId";
// in-toto-golang, and with it slsa-github-generator and most v0.2
// provenance in use, writes "buildInvocationID". Both exact spellings are
// read (not both at once); Marshal writes the spec's.
type MetadataV02 struct {
	// BuildInvocationID (buildInvocationId, or buildInvocationID)
	// identifies this run of the build on the builder; empty if absent.
	BuildInvocationID string `json:"buildInvocationId,omitempty"`
	// BuildStartedOn (buildStartedOn) is when the build started; nil if
	// absent.
	BuildStartedOn *time.Time `json:"buildStartedOn,omitempty"`
	// BuildFinishedOn (buildFinishedOn) is when the build finished; nil
	// if absent.
	BuildFinishedOn *time.Time `json:"buildFinishedOn,omitempty"`
	// Completeness (completeness) says which fields the builder claims
	// are complete; nil if absent, which claims nothing.
	Completeness *CompletenessV02 `json:"completeness,omitempty"`
	// Reproducible (reproducible) is the builder's claim that running the
	// invocation on the materials gives bit-for-bit identical output;
	// false makes no claim.
	Reproducible bool `json:"reproducible,omitempty"`
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
	// Parameters (completeness.parameters) claims that
	// invocation.parameters holds every external input; false makes no
	// claim.
	Parameters bool `json:"parameters,omitempty"`
	// Environment (completeness.environment) claims that
	// invocation.environment is complete; false makes no claim.
	Environment bool `json:"environment,omitempty"`
	// Materials (completeness.materials) claims that materials lists
	// every input artifact; false makes no claim.
	Materials bool `json:"materials,omitempty"`
}

// MaterialV02 is an input of a v0.2 build.
type MaterialV02 struct {
	// URI (uri) names the material, such as a git repository or a
	// package URL.
	URI string `json:"uri,omitempty"`
	// Digest (digest) maps algorithm names to digests of the material.
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
	// Verifier (verifier) identifies who did the verification. Validate
	// requires its ID.
	Verifier VSAVerifier `json:"verifier"`
	// TimeVerified (timeVerified) is when the verification happened; nil
	// if absent.
	TimeVerified *time.Time `json:"timeVerified,omitempty"`
	// ResourceURI (resourceUri) is the URI of the resource the verified
	// artifact is associated with. Validate requires it.
	ResourceURI string `json:"resourceUri"`
	// Policy (policy) describes the policy the artifact was checked
	// against. Validate requires its URI or a digest.
	Policy ResourceDescriptor `json:"policy"`
	// InputAttestations (inputAttestations) are the attestations the
	// verification used.
	InputAttestations []ResourceDescriptor `json:"inputAttestations,omitempty"`
	// VerificationResult (verificationResult) is "PASSED" or "FAILED";
	// Validate rejects anything else.
	VerificationResult string `json:"verificationResult"`
	// VerifiedLevels (verifiedLevels) lists the highest level verified
	// on each SLSA track for the artifact itself (not its dependencies),
	// e.g. "SLSA_BUILD_LEVEL_3". A nil slice is written as null.
	VerifiedLevels []string `json:"verifiedLevels"`
	// DependencyLevels (dependencyLevels) counts the artifact's
	// dependencies by the SLSA level they were verified at.
	DependencyLevels map[string]int `json:"dependencyLevels,omitempty"`
	// SLSAVersion (slsaVersion) is the version of the SLSA spec the
	// verifier followed, as "M.N"; empty if absent.
	SLSAVersion string `json:"slsaVersion,omitempty"`
}

// VSAVerifier identifies the verifier that issued a VSA.
type VSAVerifier struct {
	// ID is the verifier's id (verifier.id), the URI that names it.
	// Validate requires it.
	ID string `json:"id"`
	// Version (version) maps the names of the verifier's components to
	// their versions; nil if absent.
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
	// Result (result) is the outcome of the run: "PASSED", "WARNED" or
	// "FAILED". Validate rejects anything else.
	Result string `json:"result"`
	// Configuration (configuration) names the configuration the tests
	// ran with, such as a CI workflow file.
	Configuration []ResourceDescriptor `json:"configuration,omitempty"`
	// URL (url) locates the test run, such as a CI job; empty if absent.
	URL string `json:"url,omitempty"`
	// PassedTests (passedTests) names the tests that passed.
	PassedTests []string `json:"passedTests,omitempty"`
	// WarnedTests (warnedTests) names the tests that passed with
	// warnings.
	WarnedTests []string `json:"warnedTests,omitempty"`
	// FailedTests (failedTests) names the tests that failed.
	FailedTests []string `json:"failedTests,omitempty"`
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
	// Scanner (scanner) identifies the scanner and holds its findings.
	// Validate requires its URI.
	Scanner VulnScanner `json:"scanner"`
	// Metadata (metadata) holds the scan's times; nil if absent.
	Metadata *VulnMetadata `json:"metadata,omitempty"`
}

// VulnScanner identifies the scanner and lists its findings.
type VulnScanner struct {
	// URI (scanner.uri) names the scanner, e.g. as a package URL.
	// Validate requires it.
	URI string `json:"uri"`
	// Version (scanner.version) is the scanner's version; empty if
	// absent.
	Version string `json:"version,omitempty"`
	// DB (scanner.db) identifies the vulnerability database the scan
	// used; nil if absent.
	DB *VulnDB `json:"db,omitempty"`
	// Result (scanner.result) lists the findings, one per vulnerability;
	// empty when the scan found nothing. Validate requires each one's ID.
	// A nil slice is written as null.
	Result []VulnResult `json:"result"`
}

// VulnDB identifies the vulnerability database a scan used.
type VulnDB struct {
	// URI (scanner.db.uri) names the database; empty if absent.
	URI string `json:"uri,omitempty"`
	// Version (scanner.db.version) is the database's version; empty if
	// absent.
	Version string `json:"version,omitempty"`
	// LastUpdate (scanner.db.lastUpdate) is when the database was last
	// updated; nil if absent.
	LastUpdate *time.Time `json:"lastUpdate,omitempty"`
}

// VulnResult is one finding.
type VulnResult struct {
	// ID (id) names the vulnerability, e.g. a CVE or GHSA id. Validate
	// requires it.
	ID string `json:"id"`
	// Severity (severity) rates the finding, once per scoring method.
	Severity []VulnSeverity `json:"severity,omitempty"`
	// Annotations (annotations) holds further data about the finding,
	// as the scanner chooses; nil if absent.
	Annotations map[string]any `json:"annotations,omitempty"`
}

// VulnSeverity is one rating of a finding.
type VulnSeverity struct {
	// Method (method) names the scoring method, e.g. "nvd" or "cvss_v3".
	Method string `json:"method"`
	// Score (score) is the finding's score under Method, as text.
	Score string `json:"score"`
}

// VulnMetadata holds the scan's times, as the scanner claims them.
type VulnMetadata struct {
	// ScanStartedOn (scanStartedOn) is when the scan started; nil if
	// absent.
	ScanStartedOn *time.Time `json:"scanStartedOn,omitempty"`
	// ScanFinishedOn (scanFinishedOn) is when the scan finished; nil if
	// absent.
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
	// Context (@context) is the URL of the OpenVEX context, which names
	// the spec version. Validate accepts "https://openvex.dev/ns" and
	// "https://openvex.dev/ns/v0.2.N".
	Context string `json:"@context"`
	// ID (@id) is the IRI that identifies the document. Validate
	// requires it.
	ID string `json:"@id"`
	// Author (author) identifies the individual or organization that
	// wrote the document, ideally machine-readably (an IRI, an email
	// address). Validate requires it.
	Author string `json:"author"`
	// Role (role) is the author's role; empty if absent.
	Role string `json:"role,omitempty"`
	// Timestamp (timestamp) is when the document was issued; statements
	// without their own inherit it. Validate requires it.
	Timestamp *time.Time `json:"timestamp"`
	// LastUpdated (last_updated) is when the document was last changed;
	// nil if absent.
	LastUpdated *time.Time `json:"last_updated,omitempty"`
	// Version (version) is the document's version, incremented whenever
	// its content changes.
	Version int `json:"version"`
	// Tooling (tooling) names the tools or processes that made the
	// document; empty if absent.
	Tooling string `json:"tooling,omitempty"`
	// Statements (statements) are the document's VEX statements. A nil
	// slice is written as null.
	Statements []VEXStatement `json:"statements"`
}

// VEXStatement says how one vulnerability affects some products.
type VEXStatement struct {
	// ID (@id) is an IRI that identifies the statement; empty if absent.
	ID string `json:"@id,omitempty"`
	// Version (version) is the statement's version; 0 if absent.
	Version int `json:"version,omitempty"`
	// Vulnerability (vulnerability) is the vulnerability the statement is
	// about. Validate requires its Name.
	Vulnerability VEXVulnerability `json:"vulnerability"`
	// Timestamp (timestamp) is when the statement's information was
	// known to be true; nil means the document's Timestamp applies.
	Timestamp *time.Time `json:"timestamp,omitempty"`
	// LastUpdated (last_updated) is when the statement was last changed;
	// nil if absent.
	LastUpdated *time.Time `json:"last_updated,omitempty"`
	// Products (products) are the products, and within them the
	// subcomponents, the statement applies to.
	Products []VEXProduct `json:"products,omitempty"`
	// Status (status) is how the vulnerability affects the products:
	// VEXNotAffected, VEXAffected, VEXFixed or VEXUnderInvestigation.
	// Validate rejects anything else.
	Status string `json:"status"`
	// Supplier (supplier) names the supplier of the products; empty if
	// absent.
	Supplier string `json:"supplier,omitempty"`
	// StatusNotes (status_notes) says how Status was determined; empty if
	// absent.
	StatusNotes string `json:"status_notes,omitempty"`
	// Justification (justification) is the spec's label for why a
	// not_affected product is not affected, e.g.
	// "vulnerable_code_not_present". Validate rejects unknown labels and
	// requires it or ImpactStatement for not_affected.
	Justification string `json:"justification,omitempty"`
	// ImpactStatement (impact_statement) explains in free text why a
	// not_affected product is not affected.
	ImpactStatement string `json:"impact_statement,omitempty"`
	// ActionStatement (action_statement) describes how to remediate or
	// mitigate the vulnerability. Validate requires it for affected.
	ActionStatement string `json:"action_statement,omitempty"`
	// ActionStatementTimestamp (action_statement_timestamp) is when
	// ActionStatement was issued; nil if absent.
	ActionStatementTimestamp *time.Time `json:"action_statement_timestamp,omitempty"`
}

// VEXVulnerability names a vulnerability.
type VEXVulnerability struct {
	// ID (@id) is an IRI that identifies the vulnerability, such as the
	// URL of its advisory; empty if absent.
	ID string `json:"@id,omitempty"`
	// Name (name) is the vulnerability's main identifier, e.g.
	// "CVE-2023-12345". Validate requires it.
	Name string `json:"name"`
	// Description (description) describes the vulnerability in free
	// text; empty if absent.
	Description string `json:"description,omitempty"`
	// Aliases (aliases) are other identifiers of the same vulnerability,
	// such as a GHSA id for a CVE.
	Aliases []string `json:"aliases,omitempty"`
}

// VEXProduct names a product or a subcomponent.
type VEXProduct struct {
	// ID (@id) is an IRI that identifies the component, often a package
	// URL; empty if absent.
	ID string `json:"@id,omitempty"`
	// Identifiers (identifiers) maps identifier types ("purl", "cpe22",
	// "cpe23") to the component's identifier of that type.
	Identifiers map[string]string `json:"identifiers,omitempty"`
	// Hashes (hashes) maps hash algorithm names, as IANA spells them
	// ("sha-256"), to the component's hash.
	Hashes map[string]string `json:"hashes,omitempty"`
	// Subcomponents (subcomponents) are the parts of the product the
	// statement is about, when it is not the whole product.
	Subcomponents []VEXProduct `json:"subcomponents,omitempty"`
}

// The OpenVEX statuses, the values of VEXStatement.Status.
const (
	// VEXNotAffected: the products are not affected and need no
	// remediation. The statement needs a Justification or an
	// ImpactStatement.
	VEXNotAffected = "not_affected"
	// VEXAffected: the products are affected and action is recommended.
	// The statement needs an ActionStatement.
	VEXAffected = "affected"
	// VEXFixed: these versions of the products contain a fix.
	VEXFixed = "fixed"
	// VEXUnderInvestigation: it is not yet known whether the products
	// are affected.
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
	// SPDXVersion is the document's spdxVersion, e.g. "SPDX-2.3".
	// Validate requires an SPDX-2.x version.
	SPDXVersion string
	// SPDXID is the document's own SPDXID; Validate requires
	// "SPDXRef-DOCUMENT".
	SPDXID string
	// Name is the document's name.
	Name string
	// DocumentNamespace is the document's documentNamespace, the URI
	// that identifies this document uniquely.
	DocumentNamespace string
	// Raw is the document's JSON as received (or as given, when encoding).
	Raw json.RawMessage
}

// spdxHeader is the wire form of SPDXDocument's header fields.
type spdxHeader struct {
	SPDXVersion       string `json:"spdxVersion"`       // SPDXDocument.SPDXVersion
	SPDXID            string `json:"SPDXID"`            // SPDXDocument.SPDXID
	Name              string `json:"name"`              // SPDXDocument.Name
	DocumentNamespace string `json:"documentNamespace"` // SPDXDocument.DocumentNamespace
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
	// BOMFormat is the BOM's bomFormat; Validate requires "CycloneDX".
	BOMFormat string
	// SpecVersion is the BOM's specVersion, the CycloneDX version it
	// follows, e.g. "1.6". Validate requires it.
	SpecVersion string
	// SerialNumber is the BOM's serialNumber, a "urn:uuid:" URN that
	// identifies it; empty if absent.
	SerialNumber string
	// Version is the BOM's version, incremented each time the BOM of the
	// same SerialNumber changes; 0 if absent.
	Version int
	// Raw is the BOM's JSON as received (or as given, when encoding).
	Raw json.RawMessage
}

// cdxHeader is the wire form of CycloneDXBOM's header fields.
type cdxHeader struct {
	BOMFormat    string `json:"bomFormat"`              // CycloneDXBOM.BOMFormat
	SpecVersion  string `json:"specVersion"`            // CycloneDXBOM.SpecVersion
	SerialNumber string `json:"serialNumber,omitempty"` // CycloneDXBOM.SerialNumber
	Version      int    `json:"version,omitempty"`      // CycloneDXBOM.Version
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
