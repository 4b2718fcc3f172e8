package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx23 "github.com/spdx/tools-golang/spdx/v2/v2_3"
)

const (
	spdxDocID       = "SPDXRef-DOCUMENT"
	noAssertion     = "NOASSERTION"
	spdxNone        = "NONE"
	annotatorTool   = "chainmail-sbom"
	propLicenseSeen = "chainmail:license:detected"
)

// spdxPackageExtra is the SPDX residue of a component: a package or a file
// with the modeled fields zeroed.
type spdxPackageExtra struct {
	pkg  *spdx23.Package
	file *spdx23.File
}

func (x *spdxPackageExtra) report(loss *LossReport) {
	if x == nil {
		return
	}
	if x.pkg != nil {
		p := *x.pkg
		// NOASSERTION and NONE say nothing a CycloneDX document loses.
		for _, f := range []*string{&p.PackageCopyrightText, &p.PackageDownloadLocation, &p.PackageLicenseDeclared, &p.PackageLicenseConcluded} {
			if noAssert(*f) == "" {
				*f = ""
			}
		}
		if p.PackageSupplier != nil && noAssert(p.PackageSupplier.Supplier) == "" {
			p.PackageSupplier = nil
		}
		if p.PackageOriginator != nil && noAssert(p.PackageOriginator.Originator) == "" {
			p.PackageOriginator = nil
		}
		for _, f := range nonZeroFields(&p) {
			if f == "filesAnalyzed" || f == "IsFilesAnalyzedTagPresent" || f == "IsUnpackaged" ||
				f == "licenseDeclared" || f == "licenseConcluded" || f == "primaryPackagePurpose" && x.pkg.PrimaryPackagePurpose == "" {
				continue
			}
			loss.add("packages[]."+f, "no CycloneDX equivalent in the model")
		}
	}
	if x.file != nil {
		f := *x.file
		if noAssert(f.FileCopyrightText) == "" {
			f.FileCopyrightText = ""
		}
		if noAssert(f.LicenseConcluded) == "" {
			f.LicenseConcluded = ""
		}
		for _, f := range nonZeroFields(&f) {
			loss.add("files[]."+f, "no CycloneDX equivalent in the model")
		}
	}
}

// spdxDocExtra is the SPDX residue of a document.
type spdxDocExtra struct {
	doc       *spdx23.Document // modeled fields zeroed
	relations []*spdx23.Relationship
}

func (x *spdxDocExtra) report(loss *LossReport) {
	if x == nil {
		return
	}
	for _, f := range nonZeroFields(x.doc) {
		if f == "spdxVersion" || f == "dataLicense" || f == "SPDXID" || f == "Reviews" && len(x.doc.Reviews) == 0 {
			continue
		}
		if f == "creationInfo" {
			for _, g := range nonZeroFields(x.doc.CreationInfo) {
				loss.add("creationInfo."+g, "no CycloneDX equivalent in the model")
			}
			continue
		}
		loss.add(f, "no CycloneDX equivalent in the model")
	}
	for range x.relations {
		loss.add("relationships[].comment", "relationship comments are not modeled")
	}
}

var spdxPurpose = map[string]Kind{
	"APPLICATION":      KindApplication,
	"FRAMEWORK":        KindFramework,
	"LIBRARY":          KindLibrary,
	"CONTAINER":        KindContainer,
	"OPERATING-SYSTEM": KindOperatingSystem,
	"DEVICE":           KindDevice,
	"FIRMWARE":         KindFirmware,
	"FILE":             KindFile,
}

func purposeOf(k Kind) string {
	for p, kk := range spdxPurpose {
		if kk == k {
			return p
		}
	}
	return ""
}

// FromSPDX converts a decoded SPDX 2.3 document (tools-golang reads 2.1
// and 2.2 into this type as well) to a Document. Packages and files
// become components; relationships become edges.
func FromSPDX(doc *spdx23.Document) (*Document, error) {
	if doc == nil {
		return nil, malformedf("nil SPDX document")
	}
	ver := strings.TrimPrefix(doc.SPDXVersion, "SPDX-")
	d := &Document{
		Format:    Format{SPDX, ver, JSON},
		Name:      doc.DocumentName,
		Namespace: doc.DocumentNamespace,
		Comment:   doc.DocumentComment,
	}
	residue := *doc
	residue.SPDXVersion, residue.DataLicense, residue.SPDXIdentifier = "", "", ""
	residue.DocumentName, residue.DocumentNamespace, residue.DocumentComment = "", "", ""
	residue.Packages, residue.Files, residue.Relationships, residue.Annotations = nil, nil, nil, nil
	if ci := doc.CreationInfo; ci != nil {
		if t, err := time.Parse(time.RFC3339, ci.Created); err == nil {
			d.Created = t.UTC()
		}
		for _, c := range ci.Creators {
			switch c.CreatorType {
			case "Tool":
				d.Tools = append(d.Tools, parseToolCreator(c.Creator))
			case "Person", "Organization":
				p := parseParty(c.Creator)
				p.Organization = c.CreatorType == "Organization"
				d.Authors = append(d.Authors, p)
			}
		}
		rc := *ci
		rc.Created, rc.Creators = "", nil
		residue.CreationInfo = nil
		if !isZero(rc) {
			residue.CreationInfo = &rc
		}
	}
	if len(doc.Packages)+len(doc.Files) > maxComponents() {
		return nil, tooLarge("more than %d packages and files", maxComponents())
	}
	seen := map[string]bool{}
	addID := func(id string) error {
		if seen[id] {
			return malformedf("duplicate SPDXID %q", truncate(id))
		}
		seen[id] = true
		return nil
	}
	for i, p := range doc.Packages {
		if p == nil {
			return nil, malformedf("packages[%d] is null", i)
		}
		c := componentFromSPDX(p)
		if err := addID(c.ID); err != nil {
			return nil, err
		}
		d.Components = append(d.Components, c)
		for _, f := range p.Files {
			if f == nil {
				continue
			}
			fc := componentFromSPDXFile(f)
			if err := addID(fc.ID); err != nil {
				return nil, err
			}
			d.Components = append(d.Components, fc)
			d.Edges = append(d.Edges, Edge{From: c.ID, To: fc.ID, Kind: EdgeContains})
		}
	}
	for i, f := range doc.Files {
		if f == nil {
			return nil, malformedf("files[%d] is null", i)
		}
		fc := componentFromSPDXFile(f)
		if err := addID(fc.ID); err != nil {
			return nil, err
		}
		d.Components = append(d.Components, fc)
	}
	byID := d.index()
	var keepAnn []spdx23.Annotation
	for _, a := range doc.Annotations {
		if a == nil {
			continue
		}
		target := common.RenderDocElementID(a.AnnotationSPDXIdentifier)
		if a.Annotator.Annotator == annotatorTool && a.AnnotationType == "OTHER" {
			name, value, ok := strings.Cut(a.AnnotationComment, "=")
			if ok {
				if c := byID[target]; c != nil {
					c.applySPDXProperty(name, value)
					continue
				}
				if target == spdxDocID || a.AnnotationSPDXIdentifier.ElementRefID == "" {
					d.Properties = append(d.Properties, Property{name, value})
					continue
				}
			}
		}
		keepAnn = append(keepAnn, *a)
	}
	for _, ka := range keepAnn {
		residue.Annotations = append(residue.Annotations, &ka)
	}
	for _, c := range d.Components {
		c.finishSPDXLicenses()
	}
	var relResidue []*spdx23.Relationship
	for i, r := range doc.Relationships {
		if r == nil {
			return nil, malformedf("relationships[%d] is null", i)
		}
		a, b := common.RenderDocElementID(r.RefA), common.RenderDocElementID(r.RefB)
		if r.RelationshipComment != "" {
			relResidue = append(relResidue, r)
		}
		switch strings.ToUpper(r.Relationship) {
		case "DESCRIBES":
			if a == spdxDocID {
				d.Describes = append(d.Describes, b)
				continue
			}
			d.Edges = append(d.Edges, Edge{a, b, "DESCRIBES"})
		case "DESCRIBED_BY":
			if b == spdxDocID {
				d.Describes = append(d.Describes, a)
				continue
			}
			d.Edges = append(d.Edges, Edge{b, a, "DESCRIBES"})
		case "DEPENDS_ON":
			d.Edges = append(d.Edges, Edge{a, b, EdgeDependsOn})
		case "DEPENDENCY_OF":
			d.Edges = append(d.Edges, Edge{b, a, EdgeDependsOn})
		case "CONTAINS":
			d.Edges = append(d.Edges, Edge{a, b, EdgeContains})
		case "CONTAINED_BY":
			d.Edges = append(d.Edges, Edge{b, a, EdgeContains})
		case "DEV_DEPENDENCY_OF":
			d.Edges = append(d.Edges, Edge{b, a, EdgeDevDependsOn})
		default:
			d.Edges = append(d.Edges, Edge{a, b, EdgeKind(strings.ToUpper(r.Relationship))})
		}
	}
	slices.Sort(d.Describes)
	d.Describes = slices.Compact(d.Describes)
	if len(d.Describes) > 0 && d.Name == "" {
		if r := d.Root(); r != nil {
			d.Name = r.Name
		}
	}
	if !isZero(residue) || len(relResidue) > 0 {
		d.extra = &docExtra{spdx: &spdxDocExtra{doc: &residue, relations: relResidue}}
	}
	return d, nil
}

func maxComponents() int { return maxComponentsLimit }

func parseToolCreator(s string) Tool {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '-'); i > 0 && i+1 < len(s) {
		v := s[i+1:]
		if v[0] >= '0' && v[0] <= '9' || v[0] == 'v' && len(v) > 1 && v[1] >= '0' && v[1] <= '9' || v == "devel" || v == "(devel)" {
			return Tool{Name: s[:i], Version: v}
		}
	}
	return Tool{Name: s}
}

// parseParty reads "Name (email)".
func parseParty(s string) Party {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '('); i >= 0 && strings.HasSuffix(s, ")") {
		return Party{Name: strings.TrimSpace(s[:i]), Email: strings.TrimSpace(s[i+1 : len(s)-1])}
	}
	return Party{Name: s}
}

func formatParty(p Party) string {
	if p.Email != "" {
		return p.Name + " (" + p.Email + ")"
	}
	return p.Name
}

func componentFromSPDX(p *spdx23.Package) *Component {
	r := *p
	c := &Component{
		ID:          common.RenderElementID(p.PackageSPDXIdentifier),
		Name:        p.PackageName,
		Version:     p.PackageVersion,
		Description: p.PackageDescription,
		Homepage:    noAssert(p.PackageHomePage),
		DownloadURL: noAssert(p.PackageDownloadLocation),
		Copyright:   noAssert(p.PackageCopyrightText),
	}
	r.PackageSPDXIdentifier, r.PackageName, r.PackageVersion, r.PackageDescription = "", "", "", ""
	r.PackageHomePage, r.Files, r.Annotations = "", nil, nil
	if c.DownloadURL != "" {
		r.PackageDownloadLocation = ""
	}
	if c.Copyright != "" {
		r.PackageCopyrightText = ""
	}
	if k, ok := spdxPurpose[p.PrimaryPackagePurpose]; ok {
		c.Kind = k
		r.PrimaryPackagePurpose = ""
	}
	if p.PackageSupplier != nil && p.PackageSupplier.Supplier != noAssertion && p.PackageSupplier.Supplier != "" {
		s := parseParty(p.PackageSupplier.Supplier)
		s.Organization = p.PackageSupplier.SupplierType == "Organization"
		c.Supplier = &s
		r.PackageSupplier = nil
	}
	if p.PackageOriginator != nil && p.PackageOriginator.Originator != noAssertion && p.PackageOriginator.Originator != "" {
		a := parseParty(p.PackageOriginator.Originator)
		a.Organization = p.PackageOriginator.OriginatorType == "Organization"
		c.Authors = append(c.Authors, a)
		r.PackageOriginator = nil
	}
	for _, h := range p.PackageChecksums {
		c.Hashes = append(c.Hashes, Hash{Algorithm: hashFromSPDX(h.Algorithm), Value: strings.ToLower(h.Value)})
	}
	r.PackageChecksums = nil
	if e := noAssert(p.PackageLicenseDeclared); e != "" {
		c.Licenses = append(c.Licenses, License{Expression: e, Source: LicenseDeclared})
		r.PackageLicenseDeclared = ""
	}
	if e := noAssert(p.PackageLicenseConcluded); e != "" {
		c.Licenses = append(c.Licenses, License{Expression: e, Source: LicenseConcluded})
		r.PackageLicenseConcluded = ""
	}
	var restRefs []*spdx23.PackageExternalReference
	for _, e := range p.PackageExternalReferences {
		if e == nil {
			continue
		}
		switch {
		case e.RefType == "purl" && c.PURL == "" && e.ExternalRefComment == "":
			c.PURL = e.Locator
		case e.Category == "OTHER" && e.RefType == "vcs" && c.VCS == "" && e.ExternalRefComment == "":
			c.VCS = e.Locator
		case (e.RefType == "cpe23Type" || e.RefType == "cpe22Type") && e.ExternalRefComment == "":
			c.CPEs = append(c.CPEs, e.Locator)
		case e.ExternalRefComment == "":
			c.ExternalRefs = append(c.ExternalRefs, ExternalRef{Type: e.Category + "/" + e.RefType, URL: e.Locator})
		default:
			restRefs = append(restRefs, e)
		}
	}
	r.PackageExternalReferences = restRefs
	c.extra = &componentExtra{spdx: &spdxPackageExtra{pkg: &r}}
	for _, a := range p.Annotations {
		if a.Annotator.Annotator == annotatorTool && a.AnnotationType == "OTHER" {
			if name, value, ok := strings.Cut(a.AnnotationComment, "="); ok {
				c.applySPDXProperty(name, value)
				continue
			}
		}
		r.Annotations = append(r.Annotations, a)
	}
	return c
}

func componentFromSPDXFile(f *spdx23.File) *Component {
	r := *f
	c := &Component{
		ID:        common.RenderElementID(f.FileSPDXIdentifier),
		Kind:      KindFile,
		Name:      f.FileName,
		Copyright: noAssert(f.FileCopyrightText),
	}
	r.FileSPDXIdentifier, r.FileName = "", ""
	if c.Copyright != "" {
		r.FileCopyrightText = ""
	}
	for _, h := range f.Checksums {
		c.Hashes = append(c.Hashes, Hash{Algorithm: hashFromSPDX(h.Algorithm), Value: strings.ToLower(h.Value)})
	}
	r.Checksums = nil
	if e := noAssert(f.LicenseConcluded); e != "" {
		c.Licenses = append(c.Licenses, License{Expression: e, Source: LicenseConcluded})
		r.LicenseConcluded = ""
	}
	c.extra = &componentExtra{spdx: &spdxPackageExtra{file: &r}}
	return c
}

// applySPDXProperty applies a property carried in a chainmail annotation.
func (c *Component) applySPDXProperty(name, value string) {
	switch name {
	case PropGoH1:
		c.GoH1 = value
	case propLicenseSeen:
		parts := strings.SplitN(value, ";", 3)
		l := License{Expression: parts[0], Source: LicenseDetected}
		if len(parts) > 1 {
			if f, err := strconv.ParseFloat(parts[1], 64); err == nil && f > 0 && f <= 1 {
				l.Confidence = f
			}
		}
		if len(parts) > 2 {
			l.File = parts[2]
		}
		c.Licenses = append(c.Licenses, l)
	default:
		c.Properties = append(c.Properties, Property{name, value})
	}
}

// finishSPDXLicenses drops the declared license that an encoder wrote
// only because the licenses were detected (see ToSPDX).
func (c *Component) finishSPDXLicenses() {
	if !c.dropDetectedEcho() {
		return
	}
	if c.extra != nil && c.extra.spdx != nil && c.extra.spdx.pkg != nil {
		c.extra.spdx.pkg.PackageLicenseDeclared = ""
	}
}

// dropDetectedEcho drops the declared license an encoder wrote only
// because licenses were detected and none declared (ToSPDX's
// licenseDeclared, the CycloneDX encoder's licenses entry): the one whose
// expression is the detected ones joined by AND. It reports whether the
// component has detected licenses.
func (c *Component) dropDetectedEcho() bool {
	var detected []string
	for _, l := range c.Licenses {
		if l.Source == LicenseDetected {
			detected = append(detected, l.Expression)
		}
	}
	if len(detected) == 0 {
		return false
	}
	j := joinAND(detected)
	c.Licenses = slices.DeleteFunc(c.Licenses, func(l License) bool {
		return (l.Source == LicenseDeclared || l.Source == LicenseUnspecified) && l.Name == "" && l.Expression == j
	})
	return true
}

func noAssert(s string) string {
	if s == noAssertion || s == spdxNone {
		return ""
	}
	return s
}

func hashFromSPDX(a common.ChecksumAlgorithm) string {
	switch a {
	case common.SHA1:
		return SHA1
	case common.SHA224:
		return "SHA-224"
	case common.SHA256:
		return SHA256
	case common.SHA384:
		return SHA384
	case common.SHA512:
		return SHA512
	}
	return string(a)
}

func hashToSPDX(a string) common.ChecksumAlgorithm {
	switch a {
	case SHA1:
		return common.SHA1
	case "SHA-224":
		return common.SHA224
	case SHA256:
		return common.SHA256
	case SHA384:
		return common.SHA384
	case SHA512:
		return common.SHA512
	}
	return common.ChecksumAlgorithm(a)
}

// spdxIDs maps the document's component IDs to SPDX element IDs
// ("SPDXRef-" and letters, digits, '.' and '-'), deterministically.
func spdxIDs(d *Document) map[string]string {
	out := make(map[string]string, len(d.Components))
	used := map[string]bool{spdxDocID: true}
	for _, c := range d.Components {
		id := c.ID
		if !isSPDXID(id) {
			id = "SPDXRef-" + sanitizeID(strings.TrimPrefix(id, "SPDXRef-"))
		}
		if used[id] {
			sum := sha256.Sum256([]byte(c.ID))
			id += "-" + hex.EncodeToString(sum[:4])
		}
		for n := 2; used[id]; n++ {
			id = id + "-" + strconv.Itoa(n)
		}
		used[id] = true
		out[c.ID] = id
	}
	return out
}

func isSPDXID(s string) bool {
	rest, ok := strings.CutPrefix(s, "SPDXRef-")
	return ok && rest != "" && sanitizeID(rest) == rest
}

func sanitizeID(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

func elementID(id string) common.ElementID {
	return common.ElementID(strings.TrimPrefix(id, "SPDXRef-"))
}

func docElementID(id string) common.DocElementID {
	switch {
	case id == spdxNone || id == noAssertion:
		return common.MakeDocElementSpecial(id)
	case strings.HasPrefix(id, "DocumentRef-"):
		doc, el, _ := strings.Cut(strings.TrimPrefix(id, "DocumentRef-"), ":")
		return common.MakeDocElementID(doc, strings.TrimPrefix(el, "SPDXRef-"))
	}
	return common.MakeDocElementID("", strings.TrimPrefix(id, "SPDXRef-"))
}

// ToSPDX converts the document to an SPDX 2.3 document. The document is
// normalized first (on a copy). Detected licenses go into licenseDeclared
// when nothing is declared (the module's own license file is its authors'
// declaration), and licenseConcluded stays NOASSERTION unless a license
// was concluded. Model fields SPDX has no place for (properties, the Go
// h1, license confidence) travel as annotations by "Tool: chainmail-sbom".
// SPDX requires a creation time: a document whose Created is zero gets the
// Unix epoch (1970-01-01T00:00:00Z), so the output never depends on the
// clock or the environment.
func ToSPDX(d *Document) (*spdx23.Document, *LossReport, error) {
	if d == nil {
		return nil, nil, fmt.Errorf("sbom: nil document")
	}
	d = d.Clone()
	d.Normalize()
	loss := &LossReport{From: d.Format, To: SPDX23JSON}
	out := &spdx23.Document{}
	if x := d.extra; x != nil && x.spdx != nil {
		*out = *x.spdx.doc
		out.Packages, out.Files, out.Relationships = nil, nil, nil
		out.Annotations = slices.Clone(x.spdx.doc.Annotations)
		if x.spdx.doc.CreationInfo != nil {
			ci := *x.spdx.doc.CreationInfo
			out.CreationInfo = &ci
		}
	} else if x != nil && x.cdx != nil {
		for _, f := range nonZeroFields(x.cdx) {
			if f == "metadata" {
				for _, g := range nonZeroFields(x.cdx.Metadata) {
					loss.add("metadata."+g, "no SPDX equivalent in the model")
				}
				continue
			}
			if f == "XMLName" {
				continue
			}
			loss.add(f, "no SPDX equivalent in the model")
		}
	}
	out.SPDXVersion = spdx23.Version
	out.DataLicense = spdx23.DataLicense
	out.SPDXIdentifier = "DOCUMENT"
	out.DocumentName = d.Name
	if out.DocumentName == "" {
		if r := d.Root(); r != nil {
			out.DocumentName = r.Name
		} else {
			out.DocumentName = "sbom"
		}
	}
	out.DocumentNamespace = spdxNamespace(d, out.DocumentName)
	out.DocumentComment = d.Comment
	if out.CreationInfo == nil {
		out.CreationInfo = &spdx23.CreationInfo{}
	}
	created := d.Created
	if created.IsZero() {
		created = spdxDefaultCreated
	}
	out.CreationInfo.Created = created.UTC().Format(time.RFC3339)
	for _, t := range d.Tools {
		name := t.Name
		if t.Version != "" {
			name += "-" + t.Version
		}
		out.CreationInfo.Creators = append(out.CreationInfo.Creators, common.Creator{CreatorType: "Tool", Creator: name})
		if t.Vendor != "" {
			loss.add("tools[].vendor", "SPDX tool creators have no vendor")
		}
	}
	for _, a := range d.Authors {
		typ := "Person"
		if a.Organization {
			typ = "Organization"
		}
		out.CreationInfo.Creators = append(out.CreationInfo.Creators, common.Creator{CreatorType: typ, Creator: formatParty(a)})
	}
	if len(out.CreationInfo.Creators) == 0 {
		out.CreationInfo.Creators = []common.Creator{{CreatorType: "Tool", Creator: annotatorTool}}
	}
	if d.Supplier != nil {
		loss.add("supplier", "SPDX documents have no supplier")
	}
	if d.Version > 1 {
		loss.add("version", "SPDX documents have no BOM version")
	}
	for range d.Vulnerabilities {
		loss.add("vulnerabilities", "SPDX 2.3 has no vulnerabilities; use OpenVEX")
	}
	annDate := out.CreationInfo.Created
	annotate := func(target, name, value string) spdx23.Annotation {
		return spdx23.Annotation{
			Annotator:                common.Annotator{AnnotatorType: "Tool", Annotator: annotatorTool},
			AnnotationDate:           annDate,
			AnnotationType:           "OTHER",
			AnnotationSPDXIdentifier: docElementID(target),
			AnnotationComment:        name + "=" + value,
		}
	}
	for _, p := range d.Properties {
		a := annotate(spdxDocID, p.Name, p.Value)
		out.Annotations = append(out.Annotations, &a)
	}

	ids := spdxIDs(d)
	mapID := func(id string) string {
		if m, ok := ids[id]; ok {
			return m
		}
		return id
	}
	for _, c := range d.Components {
		id := ids[c.ID]
		if c.Kind == KindFile && c.extra != nil && c.extra.spdx != nil && c.extra.spdx.file != nil {
			out.Files = append(out.Files, fileToSPDX(c, id, loss))
			continue
		}
		p := packageToSPDX(c, id, loss)
		var anns []spdx23.Annotation
		if c.GoH1 != "" {
			anns = append(anns, annotate(id, PropGoH1, c.GoH1))
		}
		for _, l := range c.Licenses {
			if l.Source == LicenseDetected && l.Expression != "" {
				anns = append(anns, annotate(id, propLicenseSeen, fmt.Sprintf("%s;%s;%s", l.Expression, strconv.FormatFloat(l.Confidence, 'f', -1, 64), l.File)))
			}
		}
		for _, pr := range c.Properties {
			if pr.Name == propGeneratedRef {
				continue
			}
			anns = append(anns, annotate(id, pr.Name, pr.Value))
		}
		p.Annotations = append(p.Annotations, anns...)
		out.Packages = append(out.Packages, p)
	}
	comments := map[string]string{}
	if x := d.extra; x != nil && x.spdx != nil {
		for _, r := range x.spdx.relations {
			comments[common.RenderDocElementID(r.RefA)+" "+r.Relationship+" "+common.RenderDocElementID(r.RefB)] = r.RelationshipComment
		}
	}
	rel := func(a, typ, b string) {
		r := &spdx23.Relationship{RefA: docElementID(a), RefB: docElementID(b), Relationship: typ}
		r.RelationshipComment = comments[a+" "+typ+" "+b]
		out.Relationships = append(out.Relationships, r)
	}
	for _, id := range d.Describes {
		rel(spdxDocID, "DESCRIBES", mapID(id))
	}
	for _, e := range d.Edges {
		a, b := mapID(e.From), mapID(e.To)
		switch e.Kind {
		case EdgeDependsOn:
			rel(a, "DEPENDS_ON", b)
		case EdgeContains:
			rel(a, "CONTAINS", b)
		case EdgeDevDependsOn:
			rel(b, "DEV_DEPENDENCY_OF", a)
		case EdgeProvides:
			loss.add("relationship:provides", "SPDX 2.3 has no provides relationship")
		default:
			rel(a, string(e.Kind), b)
		}
	}
	return out, loss, nil
}

func packageToSPDX(c *Component, id string, loss *LossReport) *spdx23.Package {
	p := &spdx23.Package{}
	if c.extra != nil && c.extra.spdx != nil && c.extra.spdx.pkg != nil {
		*p = *c.extra.spdx.pkg
		p.Annotations = slices.Clone(p.Annotations)
	} else {
		if c.extra != nil && c.extra.cdx != nil {
			for _, f := range nonZeroFields(c.extra.cdx) {
				if f == "XMLName" {
					continue
				}
				loss.add("components[]."+f, "no SPDX equivalent in the model")
			}
		}
		p.IsFilesAnalyzedTagPresent = true
		p.FilesAnalyzed = false
	}
	p.PackageSPDXIdentifier = elementID(id)
	p.PackageName = c.Name
	if c.Group != "" {
		p.PackageName = c.Group + "/" + c.Name
		loss.add("components[].group", "SPDX has no group: written as name prefix")
	}
	p.PackageVersion = c.Version
	p.PackageDescription = c.Description
	p.PackageHomePage = c.Homepage
	p.PackageDownloadLocation = orNoAssertion(c.DownloadURL, p.PackageDownloadLocation)
	p.PackageCopyrightText = orNoAssertion(c.Copyright, p.PackageCopyrightText)
	if pp := purposeOf(c.Kind); pp != "" {
		p.PrimaryPackagePurpose = pp
	} else if c.Kind != "" {
		p.PrimaryPackagePurpose = "OTHER"
		loss.add("components[].type="+string(c.Kind), "no SPDX package purpose")
	}
	if c.Supplier != nil {
		typ := "Person"
		if c.Supplier.Organization {
			typ = "Organization"
		}
		p.PackageSupplier = &common.Supplier{SupplierType: typ, Supplier: formatParty(*c.Supplier)}
	}
	for i, a := range c.Authors {
		if i > 0 {
			loss.add("components[].authors", "SPDX has one originator")
			break
		}
		typ := "Person"
		if a.Organization {
			typ = "Organization"
		}
		p.PackageOriginator = &common.Originator{OriginatorType: typ, Originator: formatParty(a)}
	}
	p.PackageChecksums = nil
	for _, h := range c.Hashes {
		p.PackageChecksums = append(p.PackageChecksums, common.Checksum{Algorithm: hashToSPDX(h.Algorithm), Value: h.Value})
	}
	var declared, concluded, detected []string
	for _, l := range c.Licenses {
		e := l.Expression
		if e == "" {
			e = "LicenseRef-" + sanitizeID(l.Name)
			loss.add("licenses[].name", "license names without an SPDX id become LicenseRef- ids")
		}
		switch l.Source {
		case LicenseConcluded:
			concluded = append(concluded, e)
		case LicenseDetected:
			detected = append(detected, e)
		default:
			declared = append(declared, e)
		}
	}
	if len(declared) == 0 {
		declared = detected
	}
	p.PackageLicenseDeclared = orNoAssertion(joinAND(declared), p.PackageLicenseDeclared)
	p.PackageLicenseConcluded = orNoAssertion(joinAND(concluded), p.PackageLicenseConcluded)
	var refs []*spdx23.PackageExternalReference
	if c.PURL != "" {
		refs = append(refs, &spdx23.PackageExternalReference{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: c.PURL})
	}
	for _, cpe := range c.CPEs {
		t := "cpe23Type"
		if strings.HasPrefix(cpe, "cpe:/") {
			t = "cpe22Type"
		}
		refs = append(refs, &spdx23.PackageExternalReference{Category: "SECURITY", RefType: t, Locator: cpe})
	}
	for _, e := range c.ExternalRefs {
		cat, typ, ok := strings.Cut(e.Type, "/")
		if !ok {
			switch e.Type {
			case "vcs", "website", "distribution", "documentation", "issue-tracker":
			default:
			}
			loss.add("externalReferences[].type="+e.Type, "no SPDX external reference category")
			continue
		}
		refs = append(refs, &spdx23.PackageExternalReference{Category: cat, RefType: typ, Locator: e.URL, ExternalRefComment: e.Comment})
	}
	if c.VCS != "" {
		refs = append(refs, &spdx23.PackageExternalReference{Category: "OTHER", RefType: "vcs", Locator: c.VCS})
	}
	p.PackageExternalReferences = append(refs, p.PackageExternalReferences...)
	if c.Scope != "" {
		loss.add("components[].scope", "SPDX packages have no scope")
	}
	return p
}

func fileToSPDX(c *Component, id string, loss *LossReport) *spdx23.File {
	f := *c.extra.spdx.file
	f.FileSPDXIdentifier = elementID(id)
	f.FileName = c.Name
	f.FileCopyrightText = orNoAssertion(c.Copyright, f.FileCopyrightText)
	f.Checksums = nil
	for _, h := range c.Hashes {
		f.Checksums = append(f.Checksums, common.Checksum{Algorithm: hashToSPDX(h.Algorithm), Value: h.Value})
	}
	f.LicenseConcluded = orNoAssertion(c.LicenseExpression(LicenseConcluded), f.LicenseConcluded)
	if len(c.Properties) > 0 || c.GoH1 != "" || c.PURL != "" {
		loss.add("files[].properties", "SPDX files carry no properties")
	}
	return &f
}

func orNoAssertion(s, residue string) string {
	if s != "" {
		return s
	}
	if residue != "" {
		return residue
	}
	return noAssertion
}

// spdxDefaultCreated is the creation time ToSPDX writes for a document
// whose Created is zero: SPDX 2.3 requires one, and the output must not
// depend on the clock or the environment.
var spdxDefaultCreated = time.Unix(0, 0).UTC()

// annotationsToDocument moves the annotations of packages and files to
// the document, each naming its element: tag-value has no place for an
// annotation inside a package (tools-golang's writer drops them), only
// document-level ones with an SPDXREF, which FromSPDX reads back onto the
// element. Without this, an SPDX tag-value SBOM would lose what the JSON
// form says in annotations (the go.sum h1, license evidence).
func annotationsToDocument(doc *spdx23.Document) {
	move := func(anns []spdx23.Annotation, id common.ElementID) {
		for _, a := range anns {
			a.AnnotationSPDXIdentifier = common.DocElementID{ElementRefID: id}
			doc.Annotations = append(doc.Annotations, &a)
		}
	}
	for _, p := range doc.Packages {
		if p != nil {
			move(p.Annotations, p.PackageSPDXIdentifier)
			p.Annotations = nil
		}
	}
	for _, f := range doc.Files {
		if f != nil {
			move(f.Annotations, f.FileSPDXIdentifier)
			f.Annotations = nil
		}
	}
}
