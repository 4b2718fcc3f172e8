package sbom

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Document is a format-neutral SBOM: the components of some software, how
// they depend on each other, and facts about each (versions, package URLs,
// hashes, licenses). Every supported format decodes to a Document and
// encodes from one.
//
// Components is flat: CycloneDX nesting becomes EdgeContains edges, and
// SPDX packages are already flat. Component IDs are document-local (a
// CycloneDX bom-ref or an SPDX SPDXID) and unique within a document.
type Document struct {
	// Format is the format the document was decoded from; zero for a
	// document built in memory.
	Format Format
	// Name is the document's name (SPDX name; CycloneDX takes it from the
	// root component).
	Name string
	// Namespace identifies the document: an SPDX documentNamespace or a
	// CycloneDX serialNumber ("urn:uuid:..."). Empty means "derive a
	// deterministic one from the content when encoding".
	Namespace string
	// Version is the CycloneDX BOM version (1 when unset).
	Version int
	// Created is when the document was made; zero when unknown (SPDX 2.3
	// output, which requires a time, then says the Unix epoch).
	Created time.Time
	// Tools made the document.
	Tools []Tool
	// Authors of the document (people or organizations).
	Authors []Party
	// Supplier of the described software, if known.
	Supplier *Party
	// Describes lists the IDs of the components the document is about
	// (CycloneDX metadata.component, SPDX DESCRIBES). The first is the
	// root; see Root.
	Describes []string
	// Components lists every component, the described ones included.
	Components []*Component
	// Edges are the relationships between components.
	Edges []Edge
	// Properties are name-value facts about the document.
	Properties []Property
	// Vulnerabilities are CycloneDX vulnerabilities (VEX statements).
	Vulnerabilities []Vulnerability
	// Comment is free text about the document (SPDX comment).
	Comment string
	// Warnings lists what Decode had to drop to read the document: parts
	// that are valid in the format but that the format library cannot
	// read (see DecodeOptions). Encoders ignore it.
	Warnings []string

	// extra keeps what the source format had that this model does not
	// carry, so that a same-family round trip keeps it and a conversion
	// can report it as lost.
	extra *docExtra
}

// Component is one piece of software: a Go module, the standard library,
// an application, a file, a container...
type Component struct {
	// ID is the document-local identifier: CycloneDX bom-ref, SPDX SPDXID.
	ID string
	// Kind says what the component is.
	Kind Kind
	// Name of the component; for Go modules the module path.
	Name string
	// Group is the CycloneDX group (a namespace such as a Maven groupId).
	Group string
	// Version of the component; empty when unknown.
	Version string
	// Description is free text.
	Description string
	// PURL is the package URL, e.g. "pkg:golang/golang.org/x/mod@v0.20.0".
	PURL string
	// CPEs are CPE 2.3 names of the component.
	CPEs []string
	// Hashes are digests of the component's content, each what its
	// algorithm says. For a Go module, FromModule gives the SHA-256 of
	// its module zip as the module proxy serves it, read from the module
	// cache where the zip is there, and none otherwise; go.sum's "h1:"
	// hashes Go's dirhash summary, not a file, so it is GoH1 instead.
	Hashes []Hash
	// GoH1 is the Go module hash as go.sum spells it ("h1:..."), when
	// known.
	GoH1 string
	// Licenses are declared, concluded or detected licenses.
	Licenses []License
	// Scope says whether the component is needed at run time.
	Scope Scope
	// Supplier distributes the component.
	Supplier *Party
	// Authors (CycloneDX authors/author, SPDX originator).
	Authors []Party
	// Copyright text.
	Copyright string
	// DownloadURL is where the component can be fetched (SPDX
	// downloadLocation, CycloneDX distribution reference).
	DownloadURL string
	// Homepage of the component (SPDX homepage, CycloneDX website reference).
	Homepage string
	// VCS is the source repository (CycloneDX vcs reference).
	VCS string
	// ExternalRefs are other references, by type.
	ExternalRefs []ExternalRef
	// Properties are name-value facts, e.g. "chainmail:go:goos".
	Properties []Property

	extra *componentExtra
}

// Kind says what a component is. The values are CycloneDX component types.
type Kind string

// Component kinds.
const (
	KindApplication     Kind = "application"
	KindFramework       Kind = "framework"
	KindLibrary         Kind = "library"
	KindContainer       Kind = "container"
	KindPlatform        Kind = "platform"
	KindOperatingSystem Kind = "operating-system"
	KindDevice          Kind = "device"
	KindDeviceDriver    Kind = "device-driver"
	KindFirmware        Kind = "firmware"
	KindFile            Kind = "file"
	KindMachineLearning Kind = "machine-learning-model"
	KindData            Kind = "data"
	KindCryptoAsset     Kind = "cryptographic-asset"
)

// Scope says whether a component is needed at run time.
type Scope string

// Scopes. The zero value means "not stated", which CycloneDX reads as
// required.
const (
	ScopeRequired Scope = "required"
	ScopeOptional Scope = "optional"
	// ScopeExcluded: not part of the running software (a test-only or
	// tool-only dependency).
	ScopeExcluded Scope = "excluded"
)

// Hash is a digest of a component, with the algorithm named the
// CycloneDX way ("SHA-256", "SHA-512", "SHA3-256", "MD5", ...) and the
// value in lower-case hex.
type Hash struct {
	Algorithm string
	Value     string
}

// Hash algorithm names.
const (
	SHA1   = "SHA-1"
	SHA256 = "SHA-256"
	SHA384 = "SHA-384"
	SHA512 = "SHA-512"
	MD5    = "MD5"
)

// LicenseSource says where a license statement comes from.
type LicenseSource string

// License sources. Declared and concluded follow SPDX and CycloneDX 1.6:
// declared is what the authors state, concluded what a reviewer or tool
// concluded. Detected is what a classifier found in the component's files
// (CycloneDX evidence), with a confidence. Unspecified is a license whose
// document did not say which (CycloneDX before 1.6).
const (
	LicenseUnspecified LicenseSource = ""
	LicenseDeclared    LicenseSource = "declared"
	LicenseConcluded   LicenseSource = "concluded"
	LicenseDetected    LicenseSource = "detected"
)

// License is one license statement about a component.
type License struct {
	// Expression is an SPDX license identifier or expression ("MIT",
	// "Apache-2.0 OR MIT", "LicenseRef-foo"). Empty when only Name is known.
	Expression string
	// Name is a license name that is not an SPDX identifier.
	Name string
	// URL of the license text.
	URL string
	// Source says whether the license is declared, concluded or detected.
	Source LicenseSource
	// Confidence of a detection, in (0, 1]; zero when not detected.
	Confidence float64
	// File is the file a detected license was found in, relative to the
	// component's root.
	File string
}

// String returns the expression, or the name.
func (l License) String() string {
	if l.Expression != "" {
		return l.Expression
	}
	return l.Name
}

// Party is a person or an organization.
type Party struct {
	Name  string
	Email string
	URL   string
	// Organization is true for an organization, false for a person.
	Organization bool
}

// Tool is a program that made or changed a document.
type Tool struct {
	Vendor  string
	Name    string
	Version string
}

// Property is a name-value pair. Names are namespaced, e.g.
// "chainmail:go:goos" or "syft:package:type".
type Property struct {
	Name  string
	Value string
}

// ExternalRef is a typed reference to something outside the document: a
// CycloneDX external reference (type "website", "vcs", ...) or an SPDX
// external reference ("SECURITY/advisory", ...).
type ExternalRef struct {
	Type    string
	URL     string
	Comment string
}

// EdgeKind names a relationship between two components.
type EdgeKind string

// Edge kinds. Other SPDX relationship types keep their SPDX name
// ("GENERATED_FROM", ...) as the kind.
const (
	// EdgeDependsOn: From needs To (CycloneDX dependsOn, SPDX DEPENDS_ON).
	EdgeDependsOn EdgeKind = "dependsOn"
	// EdgeDevDependsOn: From needs To only to build or test (SPDX
	// DEV_DEPENDENCY_OF, reversed).
	EdgeDevDependsOn EdgeKind = "devDependsOn"
	// EdgeContains: To is part of From (CycloneDX nesting, SPDX CONTAINS).
	EdgeContains EdgeKind = "contains"
	// EdgeProvides: From implements To (CycloneDX 1.6 provides).
	EdgeProvides EdgeKind = "provides"
)

// Edge is a relationship From -> To between components, by ID.
type Edge struct {
	From string
	To   string
	Kind EdgeKind
}

// Vulnerability is a CycloneDX vulnerability entry: a vulnerability and,
// in a VEX document, its analysis for the affected components.
type Vulnerability struct {
	// ID of the vulnerability, e.g. "CVE-2024-1234" or "GHSA-...".
	ID string
	// Ref is the entry's bom-ref, if any.
	Ref string
	// Source names the database (e.g. "NVD") and URL the entry.
	Source    string
	SourceURL string
	// Aliases are other IDs of the same vulnerability.
	Aliases []string
	// Description is free text.
	Description string
	// Affects lists the bom-refs (or PURLs) of affected components.
	Affects []string
	// State is the CycloneDX analysis state ("not_affected",
	// "exploitable", "resolved", "in_triage", "false_positive",
	// "resolved_with_pedigree"); empty when not analysed.
	State string
	// Justification is the CycloneDX justification of not_affected
	// ("code_not_present", "code_not_reachable", ...).
	Justification string
	// Response lists CycloneDX responses ("update", "will_not_fix", ...).
	Response []string
	// Detail is the analysis text.
	Detail string
	// Published and Updated times, when known.
	Published time.Time
	Updated   time.Time
}

// Root returns the component the document describes, or nil.
func (d *Document) Root() *Component {
	if d == nil || len(d.Describes) == 0 {
		return nil
	}
	return d.Component(d.Describes[0])
}

// Component returns the component with the given ID, or nil.
func (d *Document) Component(id string) *Component {
	if d == nil {
		return nil
	}
	for _, c := range d.Components {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// index maps component IDs to components.
func (d *Document) index() map[string]*Component {
	m := make(map[string]*Component, len(d.Components))
	for _, c := range d.Components {
		m[c.ID] = c
	}
	return m
}

// DependsOn returns the IDs the component with the given ID depends on
// (EdgeDependsOn), sorted.
func (d *Document) DependsOn(id string) []string {
	var out []string
	for _, e := range d.Edges {
		if e.From == id && e.Kind == EdgeDependsOn {
			out = append(out, e.To)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Property returns the value of the named property and whether it is set.
func (c *Component) Property(name string) (string, bool) {
	for _, p := range c.Properties {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// SetProperty sets (or replaces) a property.
func (c *Component) SetProperty(name, value string) {
	for i := range c.Properties {
		if c.Properties[i].Name == name {
			c.Properties[i].Value = value
			return
		}
	}
	c.Properties = append(c.Properties, Property{Name: name, Value: value})
}

// Hash returns the value of the hash with the given algorithm, or "".
func (c *Component) Hash(alg string) string {
	for _, h := range c.Hashes {
		if h.Algorithm == alg {
			return h.Value
		}
	}
	return ""
}

// LicenseExpression returns the component's licenses of the given source
// joined into one SPDX expression ("" when there are none).
func (c *Component) LicenseExpression(src LicenseSource) string {
	var parts []string
	for _, l := range c.Licenses {
		if l.Source == src && l.Expression != "" {
			parts = append(parts, l.Expression)
		}
	}
	return joinAND(parts)
}

// joinAND joins SPDX expressions with AND, parenthesising compound ones.
func joinAND(parts []string) string {
	parts = slices.Clone(parts)
	slices.Sort(parts)
	parts = slices.Compact(parts)
	if len(parts) == 1 {
		return parts[0]
	}
	for i, p := range parts {
		if strings.ContainsRune(p, ' ') && !(strings.HasPrefix(p, "(") && strings.HasSuffix(p, ")")) {
			parts[i] = "(" + p + ")"
		}
	}
	return strings.Join(parts, " AND ")
}

// Clone returns a deep copy of the document.
func (d *Document) Clone() *Document {
	if d == nil {
		return nil
	}
	n := *d
	n.Tools = slices.Clone(d.Tools)
	n.Authors = slices.Clone(d.Authors)
	if d.Supplier != nil {
		s := *d.Supplier
		n.Supplier = &s
	}
	n.Describes = slices.Clone(d.Describes)
	n.Components = make([]*Component, len(d.Components))
	for i, c := range d.Components {
		n.Components[i] = c.Clone()
	}
	n.Edges = slices.Clone(d.Edges)
	n.Properties = slices.Clone(d.Properties)
	n.Vulnerabilities = make([]Vulnerability, len(d.Vulnerabilities))
	for i, v := range d.Vulnerabilities {
		v.Aliases = slices.Clone(v.Aliases)
		v.Affects = slices.Clone(v.Affects)
		v.Response = slices.Clone(v.Response)
		n.Vulnerabilities[i] = v
	}
	if len(d.Vulnerabilities) == 0 {
		n.Vulnerabilities = nil
	}
	return &n
}

// Clone returns a deep copy of the component.
func (c *Component) Clone() *Component {
	if c == nil {
		return nil
	}
	n := *c
	n.CPEs = slices.Clone(c.CPEs)
	n.Hashes = slices.Clone(c.Hashes)
	n.Licenses = slices.Clone(c.Licenses)
	n.Authors = slices.Clone(c.Authors)
	if c.Supplier != nil {
		s := *c.Supplier
		n.Supplier = &s
	}
	n.ExternalRefs = slices.Clone(c.ExternalRefs)
	n.Properties = slices.Clone(c.Properties)
	return &n
}

// Normalize puts the document in canonical order so that equal documents
// encode to equal bytes: components by PURL, name, version and ID; edges,
// hashes, licenses, properties and references sorted; duplicates of
// identical edges dropped. It never changes what the document says.
func (d *Document) Normalize() {
	if d == nil {
		return
	}
	for _, c := range d.Components {
		c.normalize()
	}
	slices.SortStableFunc(d.Components, func(a, b *Component) int {
		return cmp.Or(
			cmp.Compare(a.PURL, b.PURL),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Version, b.Version),
			cmp.Compare(a.ID, b.ID),
		)
	})
	slices.SortFunc(d.Edges, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.To, b.To))
	})
	d.Edges = slices.Compact(d.Edges)
	sortProps(d.Properties)
	slices.SortStableFunc(d.Vulnerabilities, func(a, b Vulnerability) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Ref, b.Ref))
	})
	for i := range d.Vulnerabilities {
		slices.Sort(d.Vulnerabilities[i].Affects)
		d.Vulnerabilities[i].Affects = slices.Compact(d.Vulnerabilities[i].Affects)
	}
}

func (c *Component) normalize() {
	slices.Sort(c.CPEs)
	c.CPEs = slices.Compact(c.CPEs)
	slices.SortFunc(c.Hashes, func(a, b Hash) int {
		return cmp.Or(cmp.Compare(a.Algorithm, b.Algorithm), cmp.Compare(a.Value, b.Value))
	})
	c.Hashes = slices.Compact(c.Hashes)
	slices.SortStableFunc(c.Licenses, func(a, b License) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Expression, b.Expression),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.File, b.File))
	})
	sortProps(c.Properties)
	slices.SortStableFunc(c.ExternalRefs, func(a, b ExternalRef) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.URL, b.URL), cmp.Compare(a.Comment, b.Comment))
	})
}

func sortProps(p []Property) {
	slices.SortStableFunc(p, func(a, b Property) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Value, b.Value))
	})
}
