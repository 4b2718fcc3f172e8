package sbom

import (
	"encoding/xml"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

// Property names this package reads and writes to carry model fields that
// a format has no field for.
const (
	// PropGoH1 carries Component.GoH1 ("h1:...").
	PropGoH1 = "chainmail:go:h1"
	// PropCPE carries the second and later CPEs of a component
	// (CycloneDX has room for one).
	PropCPE = "chainmail:cpe23"
	// PropLicenseConfidence and PropLicenseFile carry the confidence and
	// file of a detected license.
	PropLicenseConfidence = "chainmail:license:confidence"
	PropLicenseFile       = "chainmail:license:file"
)

// componentExtra keeps what a source format said about a component that
// the model does not carry.
type componentExtra struct {
	cdx        *cdx.Component // CycloneDX residue: modeled fields zeroed
	spdx       *spdxPackageExtra
	signatures int // JSF signatures dropped on decode
}

// docExtra is componentExtra for the document.
type docExtra struct {
	cdx        *cdx.BOM // CycloneDX residue: modeled fields zeroed
	spdx       *spdxDocExtra
	signatures int // JSF signatures dropped on decode
}

func cdxVersion(v string) cdx.SpecVersion {
	switch v {
	case "1.0":
		return cdx.SpecVersion1_0
	case "1.1":
		return cdx.SpecVersion1_1
	case "1.2":
		return cdx.SpecVersion1_2
	case "1.3":
		return cdx.SpecVersion1_3
	case "1.4":
		return cdx.SpecVersion1_4
	case "1.5":
		return cdx.SpecVersion1_5
	case "1.6":
		return cdx.SpecVersion1_6
	case "1.7":
		return cdx.SpecVersion1_7
	}
	return 0
}

// FromCycloneDX converts a decoded CycloneDX BOM to a Document. Nested
// components are flattened with EdgeContains edges. What the model does
// not carry is kept for a CycloneDX re-encode and reported by a
// conversion to SPDX.
func FromCycloneDX(bom *cdx.BOM) (*Document, error) {
	if bom == nil {
		return nil, malformedf("nil CycloneDX BOM")
	}
	d := &Document{
		Format:    Format{CycloneDX, bom.SpecVersion.String(), JSON},
		Namespace: bom.SerialNumber,
		Version:   bom.Version,
	}
	residue := *bom
	residue.XMLName, residue.XMLNS, residue.JSONSchema, residue.BOMFormat = xml.Name{}, "", "", ""
	residue.SpecVersion, residue.SerialNumber, residue.Version = 0, "", 0
	residue.Components, residue.Dependencies, residue.Properties, residue.Vulnerabilities = nil, nil, nil, nil

	seen := map[string]bool{}
	count := 0
	var conv func(c *cdx.Component, parent string, depth int) error
	conv = func(c *cdx.Component, parent string, depth int) error {
		if depth > limits.MaxSBOMDepth {
			return tooLarge("components nested deeper than %d", limits.MaxSBOMDepth)
		}
		count++
		if count > limits.MaxSBOMComponents {
			return tooLarge("more than %d components", limits.MaxSBOMComponents)
		}
		mc := componentFromCDX(c)
		if mc.extra != nil {
			if k := stripSignatures(mc.extra.cdx); k > 0 {
				d.Warnings = append(d.Warnings, fmt.Sprintf("dropped %d JSF signatures of component %q", k, truncate(mc.Name)))
				mc.extra.signatures = k
				if *mc.extra.cdx == (cdx.Component{}) {
					mc.extra.cdx = nil
				}
			}
		}
		if mc.ID == "" {
			// A stable made-up ID: derived from what the component is,
			// so a re-encoded document decodes to the same IDs.
			mc.ID = "component-" + nameUUID([]byte(string(mc.Kind) + "\x00" + mc.Group + "\x00" + mc.Name + "\x00" + mc.Version + "\x00" + mc.PURL + "\x00" + parent))[:13]
			for n := 2; seen[mc.ID]; n++ {
				mc.ID = strings.TrimSuffix(mc.ID, "-"+strconv.Itoa(n-1)) + "-" + strconv.Itoa(n)
			}
			mc.SetProperty(propGeneratedRef, "true")
		}
		if seen[mc.ID] {
			return malformedf("duplicate bom-ref %q", truncate(mc.ID))
		}
		seen[mc.ID] = true
		d.Components = append(d.Components, mc)
		if parent != "" {
			d.Edges = append(d.Edges, Edge{From: parent, To: mc.ID, Kind: EdgeContains})
		}
		if c.Components != nil {
			for i := range *c.Components {
				if err := conv(&(*c.Components)[i], mc.ID, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if md := bom.Metadata; md != nil {
		m := *md
		if t, err := time.Parse(time.RFC3339, md.Timestamp); err == nil {
			d.Created = t.UTC()
			m.Timestamp = ""
		}
		if md.Tools != nil {
			rest := *md.Tools
			if md.Tools.Tools != nil {
				for _, t := range *md.Tools.Tools {
					d.Tools = append(d.Tools, Tool{Vendor: t.Vendor, Name: t.Name, Version: t.Version})
				}
				rest.Tools = nil
			}
			if md.Tools.Components != nil {
				for _, t := range *md.Tools.Components {
					vendor := t.Group
					if t.Supplier != nil {
						vendor = t.Supplier.Name
					}
					d.Tools = append(d.Tools, Tool{Vendor: vendor, Name: t.Name, Version: t.Version})
				}
				rest.Components = nil
			}
			m.Tools = nil
			if rest.Services != nil {
				m.Tools = &rest
			}
		}
		if md.Authors != nil {
			for _, a := range *md.Authors {
				d.Authors = append(d.Authors, Party{Name: a.Name, Email: a.Email})
			}
			m.Authors = nil
		}
		if md.Supplier != nil {
			d.Supplier = partyFromEntity(md.Supplier)
			m.Supplier = nil
		}
		if md.Properties != nil {
			for _, p := range *md.Properties {
				d.Properties = append(d.Properties, Property{p.Name, p.Value})
			}
			m.Properties = nil
		}
		if md.Component != nil {
			if err := conv(md.Component, "", 0); err != nil {
				return nil, err
			}
			d.Describes = []string{d.Components[0].ID}
			d.Name = md.Component.Name
			m.Component = nil
		}
		residue.Metadata = nil
		if m != (cdx.Metadata{}) {
			residue.Metadata = &m
		}
	}
	if bom.Components != nil {
		d.Components = slices.Grow(d.Components, len(*bom.Components))
		for i := range *bom.Components {
			if err := conv(&(*bom.Components)[i], "", 0); err != nil {
				return nil, err
			}
		}
	}
	if bom.Dependencies != nil {
		n := len(d.Edges)
		for _, dep := range *bom.Dependencies {
			if dep.Dependencies != nil {
				n += len(*dep.Dependencies)
			}
			if dep.Provides != nil {
				n += len(*dep.Provides)
			}
		}
		d.Edges = slices.Grow(d.Edges, n-len(d.Edges))
		for _, dep := range *bom.Dependencies {
			if dep.Dependencies != nil {
				for _, to := range *dep.Dependencies {
					d.Edges = append(d.Edges, Edge{From: dep.Ref, To: to, Kind: EdgeDependsOn})
				}
			}
			if dep.Provides != nil {
				for _, to := range *dep.Provides {
					d.Edges = append(d.Edges, Edge{From: dep.Ref, To: to, Kind: EdgeProvides})
				}
			}
		}
	}
	if bom.Properties != nil {
		for _, p := range *bom.Properties {
			d.Properties = append(d.Properties, Property{p.Name, p.Value})
		}
	}
	if bom.Vulnerabilities != nil {
		var rest []cdx.Vulnerability
		for _, v := range *bom.Vulnerabilities {
			mv, r := vulnFromCDX(v)
			d.Vulnerabilities = append(d.Vulnerabilities, mv)
			rest = append(rest, r)
		}
		if slices.ContainsFunc(rest, func(v cdx.Vulnerability) bool { return !isZeroVuln(v) }) {
			residue.Vulnerabilities = &rest
		}
	}
	signed := stripSignatures(&residue)
	if dc := residue.Declarations; dc != nil && dc.Affirmation != nil && dc.Affirmation.Signatories != nil {
		// A signatory is a signature, or an organization with a reference.
		var keep []cdx.Signatory
		for _, s := range *dc.Affirmation.Signatories {
			if s.Signature != nil || s.Organization != nil && s.ExternalReference != nil {
				keep = append(keep, s)
			}
		}
		decl, aff := *dc, *dc.Affirmation
		aff.Signatories = &keep
		if len(keep) == 0 {
			aff.Signatories = nil
		}
		decl.Affirmation = &aff
		residue.Declarations = &decl
	}
	if signed > 0 {
		d.Warnings = append(d.Warnings, fmt.Sprintf("dropped %d JSF signatures: they cannot survive re-encoding", signed))
	}
	if !isZero(residue) || signed > 0 {
		d.extra = &docExtra{cdx: &residue, signatures: signed}
	}
	return d, nil
}

// stripSignatures sets every JSF signature in a decoded BOM to nil and
// returns how many there were. A re-encoded document never matches the
// signatures of the original, so keeping them would produce documents
// whose signatures fail (or worse, look signed).
func stripSignatures(v any) int {
	n := 0
	sigType := reflect.TypeFor[*cdx.JSFSignature]()
	seen := map[uintptr]bool{}
	stack := []reflect.Value{reflect.ValueOf(v)}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch x.Kind() {
		case reflect.Pointer:
			if x.IsNil() || seen[x.Pointer()] {
				continue
			}
			seen[x.Pointer()] = true
			stack = append(stack, x.Elem())
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				f := x.Field(i)
				if !f.CanSet() {
					continue
				}
				if f.Type() == sigType {
					if !f.IsNil() {
						n++
						f.Set(reflect.Zero(sigType))
					}
					continue
				}
				stack = append(stack, f)
			}
		case reflect.Slice:
			for i := 0; i < x.Len(); i++ {
				stack = append(stack, x.Index(i))
			}
		}
	}
	return n
}

// propGeneratedRef marks a component whose ID was made up on decode
// because its document gave none.
const propGeneratedRef = "chainmail:generated-ref"

func partyFromEntity(e *cdx.OrganizationalEntity) *Party {
	p := &Party{Name: e.Name, Organization: true}
	if e.URL != nil && len(*e.URL) > 0 {
		p.URL = (*e.URL)[0]
	}
	if e.Contact != nil && len(*e.Contact) > 0 {
		p.Email = (*e.Contact)[0].Email
	}
	return p
}

func entityFromParty(p *Party) *cdx.OrganizationalEntity {
	e := &cdx.OrganizationalEntity{Name: p.Name}
	if p.URL != "" {
		e.URL = &[]string{p.URL}
	}
	if p.Email != "" {
		e.Contact = &[]cdx.OrganizationalContact{{Email: p.Email}}
	}
	return e
}

func componentFromCDX(c *cdx.Component) *Component {
	r := *c // residue
	mc := &Component{
		ID:          c.BOMRef,
		Kind:        Kind(c.Type),
		Name:        c.Name,
		Group:       c.Group,
		Version:     c.Version,
		Description: c.Description,
		PURL:        c.PackageURL,
		Scope:       Scope(c.Scope),
		Copyright:   c.Copyright,
	}
	r.BOMRef, r.Type, r.Name, r.Group, r.Version, r.Description, r.PackageURL, r.Scope, r.Copyright = "", "", "", "", "", "", "", "", ""
	r.Components = nil
	if c.CPE != "" {
		mc.CPEs = append(mc.CPEs, c.CPE)
		r.CPE = ""
	}
	if c.Hashes != nil {
		for _, h := range *c.Hashes {
			mc.Hashes = append(mc.Hashes, Hash{Algorithm: string(h.Algorithm), Value: strings.ToLower(h.Value)})
		}
		r.Hashes = nil
	}
	if c.Supplier != nil {
		mc.Supplier = partyFromEntity(c.Supplier)
		r.Supplier = nil
	}
	if c.Author != "" {
		mc.Authors = append(mc.Authors, Party{Name: c.Author})
		r.Author = ""
	}
	if c.Authors != nil {
		for _, a := range *c.Authors {
			mc.Authors = append(mc.Authors, Party{Name: a.Name, Email: a.Email})
		}
		r.Authors = nil
	}
	if c.Licenses != nil {
		mc.Licenses = append(mc.Licenses, licensesFromCDX(*c.Licenses, LicenseUnspecified)...)
		r.Licenses = nil
	}
	if c.Evidence != nil && c.Evidence.Licenses != nil {
		mc.Licenses = append(mc.Licenses, licensesFromCDX(*c.Evidence.Licenses, LicenseDetected)...)
		mc.dropDetectedEcho()
		ev := *c.Evidence
		ev.Licenses = nil
		r.Evidence = nil
		if ev != (cdx.Evidence{}) {
			r.Evidence = &ev
		}
	}
	if c.ExternalReferences != nil {
		for _, e := range *c.ExternalReferences {
			switch {
			case e.Type == cdx.ERTypeWebsite && mc.Homepage == "" && e.Comment == "":
				mc.Homepage = e.URL
			case e.Type == cdx.ERTypeVCS && mc.VCS == "" && e.Comment == "":
				mc.VCS = e.URL
			case e.Type == cdx.ERTypeDistribution && mc.DownloadURL == "" && e.Comment == "":
				mc.DownloadURL = e.URL
			default:
				mc.ExternalRefs = append(mc.ExternalRefs, ExternalRef{Type: string(e.Type), URL: e.URL, Comment: e.Comment})
			}
		}
		r.ExternalReferences = nil
	}
	if c.Properties != nil {
		for _, p := range *c.Properties {
			switch p.Name {
			case PropGoH1:
				mc.GoH1 = p.Value
			case PropCPE:
				mc.CPEs = append(mc.CPEs, p.Value)
			default:
				mc.Properties = append(mc.Properties, Property{p.Name, p.Value})
			}
		}
		r.Properties = nil
	}
	// Most components have nothing beyond the model: keep a residue
	// only when there is one (it costs a cdx.Component each, and a
	// re-encode of a residue-free document takes the fast path).
	if r != (cdx.Component{}) {
		mc.extra = &componentExtra{cdx: &r}
	}
	return mc
}

func licensesFromCDX(ls cdx.Licenses, src LicenseSource) []License {
	var out []License
	for _, lc := range ls {
		l := License{Source: src}
		if lc.License != nil {
			l.Expression = lc.License.ID
			l.Name = lc.License.Name
			l.URL = lc.License.URL
			if src != LicenseDetected {
				l.Source = ackSource(lc.License.Acknowledgement)
			}
			if lc.License.Properties != nil {
				for _, p := range *lc.License.Properties {
					switch p.Name {
					case PropLicenseConfidence:
						if f, err := strconv.ParseFloat(p.Value, 64); err == nil && f > 0 && f <= 1 {
							l.Confidence = f
						}
					case PropLicenseFile:
						l.File = p.Value
					}
				}
			}
		} else {
			l.Expression = lc.Expression
			if lc.Acknowledgement != nil && src != LicenseDetected {
				l.Source = ackSource(*lc.Acknowledgement)
			}
		}
		if l.Expression == "" && l.Name == "" {
			continue
		}
		out = append(out, l)
	}
	return out
}

func ackSource(a cdx.LicenseAcknowledgement) LicenseSource {
	switch a {
	case cdx.LicenseAcknowledgementDeclared:
		return LicenseDeclared
	case cdx.LicenseAcknowledgementConcluded:
		return LicenseConcluded
	}
	return LicenseUnspecified
}

func vulnFromCDX(v cdx.Vulnerability) (Vulnerability, cdx.Vulnerability) {
	r := v
	mv := Vulnerability{ID: v.ID, Ref: v.BOMRef, Description: v.Description}
	r.ID, r.BOMRef, r.Description = "", "", ""
	if v.Source != nil {
		mv.Source, mv.SourceURL = v.Source.Name, v.Source.URL
		r.Source = nil
	}
	if v.References != nil {
		var rest []cdx.VulnerabilityReference
		for _, ref := range *v.References {
			if ref.Source == nil && ref.ID != "" {
				mv.Aliases = append(mv.Aliases, ref.ID)
			} else {
				rest = append(rest, ref)
			}
		}
		r.References = nil
		if len(rest) > 0 {
			r.References = &rest
		}
	}
	if v.Affects != nil {
		var rest []cdx.Affects
		for _, a := range *v.Affects {
			mv.Affects = append(mv.Affects, a.Ref)
			if a.Range != nil {
				rest = append(rest, a)
			}
		}
		r.Affects = nil
		if len(rest) > 0 {
			r.Affects = &rest
		}
	}
	if a := v.Analysis; a != nil {
		mv.State, mv.Justification, mv.Detail = string(a.State), string(a.Justification), a.Detail
		if a.Response != nil {
			for _, x := range *a.Response {
				mv.Response = append(mv.Response, string(x))
			}
		}
		ra := *a
		ra.State, ra.Justification, ra.Detail, ra.Response = "", "", "", nil
		r.Analysis = nil
		if ra != (cdx.VulnerabilityAnalysis{}) {
			r.Analysis = &ra
		}
	}
	if t, err := time.Parse(time.RFC3339, v.Published); err == nil {
		mv.Published = t.UTC()
		r.Published = ""
	}
	if t, err := time.Parse(time.RFC3339, v.Updated); err == nil {
		mv.Updated = t.UTC()
		r.Updated = ""
	}
	return mv, r
}

func isZeroVuln(v cdx.Vulnerability) bool { return isZero(v) }

// ToCycloneDX converts the document to a CycloneDX BOM of the given spec
// version. The document is normalized first (on a copy). The report lists
// what the document had that the BOM cannot carry.
func ToCycloneDX(d *Document, version string) (*cdx.BOM, *LossReport, error) {
	sv := cdxVersion(version)
	if sv < cdx.SpecVersion1_2 {
		return nil, nil, fmt.Errorf("%w: CycloneDX %q", ErrUnsupportedFormat, truncate(version))
	}
	if d == nil {
		return nil, nil, fmt.Errorf("sbom: nil document")
	}
	d = d.Clone()
	d.Normalize()
	loss := &LossReport{From: d.Format, To: Format{CycloneDX, version, JSON}}
	bom := cdx.NewBOM()
	if x := d.extra; x != nil && x.signatures > 0 {
		for range x.signatures {
			loss.add("signature", "JSF signatures do not survive re-encoding")
		}
	}
	if x := d.extra; x != nil && x.cdx != nil {
		*bom = cloneBOM(x.cdx)
	} else if x != nil && x.spdx != nil {
		x.spdx.report(loss)
	}
	bom.BOMFormat = cdx.BOMFormat
	bom.SpecVersion = cdx.SpecVersion1_7
	bom.Version = max(d.Version, 1)
	bom.SerialNumber = cdxSerial(d)

	md := bom.Metadata
	if md == nil {
		md = &cdx.Metadata{}
	}
	if !d.Created.IsZero() {
		md.Timestamp = d.Created.UTC().Format(time.RFC3339Nano)
	}
	if len(d.Tools) > 0 {
		if md.Tools == nil {
			md.Tools = &cdx.ToolsChoice{}
		}
		var tc []cdx.Component
		for _, t := range d.Tools {
			c := cdx.Component{Type: cdx.ComponentTypeApplication, Name: t.Name, Version: t.Version}
			if t.Vendor != "" {
				c.Supplier = &cdx.OrganizationalEntity{Name: t.Vendor}
			}
			tc = append(tc, c)
		}
		md.Tools.Components = &tc
	}
	for _, a := range d.Authors {
		if md.Authors == nil {
			md.Authors = &[]cdx.OrganizationalContact{}
		}
		*md.Authors = append(*md.Authors, cdx.OrganizationalContact{Name: a.Name, Email: a.Email})
	}
	if d.Supplier != nil {
		md.Supplier = entityFromParty(d.Supplier)
	}
	for _, p := range d.Properties {
		if md.Properties == nil {
			md.Properties = &[]cdx.Property{}
		}
		*md.Properties = append(*md.Properties, cdx.Property{Name: p.Name, Value: p.Value})
	}
	if d.Comment != "" {
		loss.add("comment", "document comment")
	}

	// Rebuild CycloneDX nesting from contains edges where a component has
	// exactly one container and the containment has no cycle.
	byID := d.index()
	parents := map[string][]string{}
	for _, e := range d.Edges {
		if e.Kind == EdgeContains && byID[e.From] != nil && byID[e.To] != nil && e.From != e.To {
			parents[e.To] = append(parents[e.To], e.From)
		}
	}
	nestedIn := map[string]string{}
	for child, ps := range parents {
		if len(ps) == 1 {
			nestedIn[child] = ps[0]
		}
	}
	// Break cycles: walk up from each node; a node that reaches itself is
	// un-nested.
	for child := range nestedIn {
		seen := map[string]bool{child: true}
		for p, ok := nestedIn[child]; ok; p, ok = nestedIn[p] {
			if seen[p] {
				delete(nestedIn, child)
				break
			}
			seen[p] = true
		}
	}
	children := map[string][]string{}
	for _, c := range d.Components {
		if p, ok := nestedIn[c.ID]; ok {
			children[p] = append(children[p], c.ID)
		}
	}
	var build func(c *Component, depth int) cdx.Component
	build = func(c *Component, depth int) cdx.Component {
		cc := componentToCDX(c, sv, loss)
		if depth < limits.MaxSBOMDepth {
			for _, id := range children[c.ID] {
				if cc.Components == nil {
					cc.Components = &[]cdx.Component{}
				}
				*cc.Components = append(*cc.Components, build(byID[id], depth+1))
			}
		}
		return cc
	}
	root := d.Root()
	if len(d.Describes) > 1 {
		loss.add("describes", fmt.Sprintf("%d described components; CycloneDX metadata has one", len(d.Describes)))
	}
	if root != nil {
		rc := build(root, 0)
		md.Component = &rc
	}
	var comps []cdx.Component
	for _, c := range d.Components {
		if c == root {
			continue
		}
		if _, nested := nestedIn[c.ID]; nested {
			continue
		}
		comps = append(comps, build(c, 0))
	}
	if len(comps) > 0 {
		bom.Components = &comps
	}
	if *md != (cdx.Metadata{}) {
		bom.Metadata = md
	}

	// Dependencies: when the document has a dependency graph, one entry
	// per component (CycloneDX: components without dependencies are
	// listed with none), so the graph is complete.
	deps := map[string]*cdx.Dependency{}
	var order []string
	if slices.ContainsFunc(d.Edges, func(e Edge) bool { return e.Kind == EdgeDependsOn || e.Kind == EdgeProvides }) {
		for _, c := range d.Components {
			if v, ok := c.Property(propGeneratedRef); ok && v == "true" {
				continue
			}
			deps[c.ID] = &cdx.Dependency{Ref: c.ID}
			order = append(order, c.ID)
		}
	}
	for _, e := range d.Edges {
		var dep *cdx.Dependency
		if e.Kind == EdgeDependsOn || e.Kind == EdgeProvides {
			dep = deps[e.From]
			if dep == nil {
				dep = &cdx.Dependency{Ref: e.From}
				deps[e.From] = dep
				order = append(order, e.From)
			}
		}
		switch e.Kind {
		case EdgeDependsOn:
			if dep.Dependencies == nil {
				dep.Dependencies = &[]string{}
			}
			*dep.Dependencies = append(*dep.Dependencies, e.To)
		case EdgeProvides:
			if dep.Provides == nil {
				dep.Provides = &[]string{}
			}
			*dep.Provides = append(*dep.Provides, e.To)
		case EdgeContains:
			if _, ok := nestedIn[e.To]; !ok || nestedIn[e.To] != e.From {
				loss.add("relationship:"+string(e.Kind), "containment that CycloneDX nesting cannot express")
			}
		case EdgeDevDependsOn:
			loss.add("relationship:"+string(e.Kind), "CycloneDX has no build-only dependency edge")
		default:
			loss.add("relationship:"+string(e.Kind), "no CycloneDX equivalent")
		}
	}
	if len(order) > 0 {
		var list []cdx.Dependency
		slices.Sort(order)
		for _, id := range order {
			list = append(list, *deps[id])
		}
		bom.Dependencies = &list
	}
	if len(d.Vulnerabilities) > 0 {
		var rest []cdx.Vulnerability
		if bom.Vulnerabilities != nil {
			rest = *bom.Vulnerabilities
		}
		var vs []cdx.Vulnerability
		for i, v := range d.Vulnerabilities {
			var r cdx.Vulnerability
			if i < len(rest) {
				r = rest[i]
			}
			vs = append(vs, vulnToCDX(v, r))
		}
		bom.Vulnerabilities = &vs
	} else {
		bom.Vulnerabilities = nil
	}

	if sv < cdx.SpecVersion1_7 && !(sv == cdx.SpecVersion1_6 && modelOnly16(d)) {
		conv, lost, err := downConvert(bom, sv)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range lost {
			loss.add(p, "not in CycloneDX "+version)
		}
		bom = conv
	}
	bom.SpecVersion = sv
	return bom, loss, nil
}

func componentToCDX(c *Component, sv cdx.SpecVersion, loss *LossReport) cdx.Component {
	var cc cdx.Component
	if c.extra != nil && c.extra.signatures > 0 {
		loss.add("signature", "JSF signatures do not survive re-encoding")
	}
	if c.extra != nil && c.extra.cdx != nil {
		cc = cloneComponent(c.extra.cdx)
	} else if c.extra != nil && c.extra.spdx != nil {
		c.extra.spdx.report(loss)
	}
	cc.BOMRef = c.ID
	if v, ok := c.Property(propGeneratedRef); ok && v == "true" {
		cc.BOMRef = ""
	}
	cc.Type = cdx.ComponentType(c.Kind)
	if cc.Type == "" {
		cc.Type = cdx.ComponentTypeLibrary
	}
	cc.Name, cc.Group, cc.Version, cc.Description = c.Name, c.Group, c.Version, c.Description
	cc.PackageURL, cc.Scope, cc.Copyright = c.PURL, cdx.Scope(c.Scope), c.Copyright
	if len(c.CPEs) > 0 {
		cc.CPE = c.CPEs[0]
	}
	if len(c.Hashes) > 0 {
		var hs []cdx.Hash
		for _, h := range c.Hashes {
			hs = append(hs, cdx.Hash{Algorithm: cdx.HashAlgorithm(h.Algorithm), Value: h.Value})
		}
		cc.Hashes = &hs
	}
	if c.Supplier != nil {
		cc.Supplier = entityFromParty(c.Supplier)
	}
	if sv < cdx.SpecVersion1_6 && len(c.Authors) > 0 {
		// Before 1.6 a component has one free-text author.
		var names []string
		for _, a := range c.Authors {
			names = append(names, a.Name)
		}
		cc.Author = strings.Join(names, ", ")
		if len(c.Authors) > 1 {
			loss.add("components[].authors", "CycloneDX before 1.6 has one author per component")
		}
	}
	for _, a := range c.Authors {
		if sv < cdx.SpecVersion1_6 {
			break
		}
		if cc.Authors == nil {
			cc.Authors = &[]cdx.OrganizationalContact{}
		}
		*cc.Authors = append(*cc.Authors, cdx.OrganizationalContact{Name: a.Name, Email: a.Email})
	}
	var lic, ev cdx.Licenses
	var detected []string
	declared := false
	for _, l := range c.Licenses {
		switch {
		case l.Source == LicenseDetected && l.Expression != "":
			detected = append(detected, l.Expression)
		case l.Source == LicenseDeclared || l.Source == LicenseUnspecified:
			declared = true
		}
		lc := cdx.LicenseChoice{}
		switch {
		case l.Expression != "" && isLicenseID(l.Expression):
			lc.License = &cdx.License{ID: l.Expression, URL: l.URL}
		case l.Expression != "":
			lc.Expression = l.Expression
		default:
			lc.License = &cdx.License{Name: l.Name, URL: l.URL}
		}
		if l.Source == LicenseDetected {
			if lc.License == nil {
				// evidence licenses are plain licenses: keep the
				// expression as a name-less expression entry
			} else {
				var props []cdx.Property
				if l.Confidence > 0 {
					props = append(props, cdx.Property{Name: PropLicenseConfidence, Value: strconv.FormatFloat(l.Confidence, 'f', -1, 64)})
				}
				if l.File != "" {
					props = append(props, cdx.Property{Name: PropLicenseFile, Value: l.File})
				}
				if len(props) > 0 {
					lc.License.Properties = &props
				}
			}
			ev = append(ev, lc)
			continue
		}
		if l.Source != LicenseUnspecified {
			ack := cdx.LicenseAcknowledgement(l.Source)
			if lc.License != nil {
				lc.License.Acknowledgement = ack
			} else {
				lc.Acknowledgement = &ack
			}
		}
		lic = append(lic, lc)
	}
	if !declared && len(detected) > 0 {
		// Consumers (Dependency-Track, grype, ORT, jq) read licenses, not
		// evidence: with nothing declared, the detected licenses are the
		// component's declared license too (its license file is its
		// authors' declaration), as ToSPDX writes licenseDeclared. The
		// decoder drops this echo again (dropDetectedEcho).
		e := joinAND(detected)
		lc := cdx.LicenseChoice{}
		if isLicenseID(e) {
			lc.License = &cdx.License{ID: e}
		} else {
			lc.Expression = e
		}
		if sv >= cdx.SpecVersion1_6 {
			ack := cdx.LicenseAcknowledgementDeclared
			if lc.License != nil {
				lc.License.Acknowledgement = ack
			} else {
				lc.Acknowledgement = &ack
			}
		}
		lic = append(lic, lc)
	}
	cc.Licenses = nil
	if len(lic) > 0 {
		cc.Licenses = &lic
	}
	if len(ev) > 0 {
		if cc.Evidence == nil {
			cc.Evidence = &cdx.Evidence{}
		}
		cc.Evidence.Licenses = &ev
	}
	var refs []cdx.ExternalReference
	if cc.ExternalReferences != nil {
		refs = *cc.ExternalReferences
	}
	add := func(t cdx.ExternalReferenceType, url, comment string) {
		if url != "" {
			refs = append(refs, cdx.ExternalReference{Type: t, URL: url, Comment: comment})
		}
	}
	add(cdx.ERTypeWebsite, c.Homepage, "")
	add(cdx.ERTypeVCS, c.VCS, "")
	add(cdx.ERTypeDistribution, c.DownloadURL, "")
	for _, e := range c.ExternalRefs {
		add(cdx.ExternalReferenceType(e.Type), e.URL, e.Comment)
	}
	if len(refs) > 0 {
		cc.ExternalReferences = &refs
	}
	var props []cdx.Property
	if c.GoH1 != "" {
		props = append(props, cdx.Property{Name: PropGoH1, Value: c.GoH1})
	}
	for _, cpe := range c.CPEs[min(1, len(c.CPEs)):] {
		props = append(props, cdx.Property{Name: PropCPE, Value: cpe})
	}
	for _, p := range c.Properties {
		if p.Name == propGeneratedRef {
			continue
		}
		props = append(props, cdx.Property{Name: p.Name, Value: p.Value})
	}
	if len(props) > 0 {
		cc.Properties = &props
	}
	return cc
}

func vulnToCDX(v Vulnerability, r cdx.Vulnerability) cdx.Vulnerability {
	r.ID, r.BOMRef, r.Description = v.ID, v.Ref, v.Description
	if v.Source != "" || v.SourceURL != "" {
		r.Source = &cdx.Source{Name: v.Source, URL: v.SourceURL}
	}
	if len(v.Aliases) > 0 {
		var refs []cdx.VulnerabilityReference
		for _, a := range v.Aliases {
			refs = append(refs, cdx.VulnerabilityReference{ID: a})
		}
		if r.References != nil {
			refs = append(refs, *r.References...)
		}
		r.References = &refs
	}
	if len(v.Affects) > 0 {
		ranges := map[string]*[]cdx.AffectedVersions{}
		if r.Affects != nil {
			for _, a := range *r.Affects {
				ranges[a.Ref] = a.Range
			}
		}
		var as []cdx.Affects
		for _, ref := range v.Affects {
			rg := ranges[ref]
			if rg != nil {
				// cyclonedx-go writes a missing status as ""; the
				// schema's default is "affected".
				fixed := slices.Clone(*rg)
				for i := range fixed {
					if fixed[i].Status == "" {
						fixed[i].Status = cdx.VulnerabilityStatus("affected")
					}
				}
				rg = &fixed
			}
			as = append(as, cdx.Affects{Ref: ref, Range: rg})
		}
		r.Affects = &as
	}
	if v.State != "" || v.Justification != "" || v.Detail != "" || len(v.Response) > 0 || r.Analysis != nil {
		a := cdx.VulnerabilityAnalysis{}
		if r.Analysis != nil {
			a = *r.Analysis
		}
		a.State, a.Justification, a.Detail = cdx.ImpactAnalysisState(v.State), cdx.ImpactAnalysisJustification(v.Justification), v.Detail
		if len(v.Response) > 0 {
			var rs []cdx.ImpactAnalysisResponse
			for _, x := range v.Response {
				rs = append(rs, cdx.ImpactAnalysisResponse(x))
			}
			a.Response = &rs
		}
		r.Analysis = &a
	}
	if !v.Published.IsZero() {
		r.Published = v.Published.UTC().Format(time.RFC3339Nano)
	}
	if !v.Updated.IsZero() {
		r.Updated = v.Updated.UTC().Format(time.RFC3339Nano)
	}
	return r
}

// modelOnly16 reports whether the BOM built for d holds nothing that
// CycloneDX 1.6 lacks, so that the (costly) generic down-conversion can
// be skipped: no CycloneDX residue (which may hold 1.7 objects), and no
// 1.7-only external reference type or hash algorithm in the model.
func modelOnly16(d *Document) bool {
	if d.extra != nil && d.extra.cdx != nil {
		return false
	}
	for _, c := range d.Components {
		if c.extra != nil && c.extra.cdx != nil {
			return false
		}
		for _, e := range c.ExternalRefs {
			switch e.Type {
			case "patent", "patent-family", "patent-assertion", "citation":
				return false
			}
		}
		for _, h := range c.Hashes {
			if strings.HasPrefix(h.Algorithm, "Streebog") {
				return false
			}
		}
	}
	return true
}
