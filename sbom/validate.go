package sbom

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/chainmail-dev/chainmail/internal/errs"
	"io"
	"slices"
	"strings"
	"sync"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/santhosh-tekuri/jsonschema/v6"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx23 "github.com/spdx/tools-golang/spdx/v2/v2_3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"sigs.k8s.io/yaml"
)

//go:embed schemas/*.json
var schemaFS embed.FS

// Severity of a validation finding.
type Severity string

// Severities. A document with any SeverityError finding is invalid.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Checks reported in Issue.Check.
const (
	CheckDecode    = "decode"             // the document does not decode
	CheckSchema    = "schema"             // JSON schema of the format and version
	CheckUniqueRef = "unique-ref"         // bom-refs / SPDXIDs unique
	CheckDangling  = "dangling-reference" // edges point at defined elements
	CheckPURL      = "purl"               // package URL syntax
	CheckLicense   = "license-expression" // SPDX license expression syntax and ids
	CheckCycle     = "dependency-cycle"   // cycles in the dependency graph
	CheckNTIA      = "ntia-minimum"       // NTIA minimum elements profile
)

// Issue is one validation finding.
type Issue struct {
	Severity Severity
	Check    string
	// Path locates the finding: a JSON pointer into the document for
	// schema findings, a component ID otherwise.
	Path    string
	Message string
}

// String formats the finding as "severity: check: path: message".
func (i Issue) String() string {
	if i.Path == "" {
		return fmt.Sprintf("%s: %s: %s", i.Severity, i.Check, i.Message)
	}
	return fmt.Sprintf("%s: %s: %s: %s", i.Severity, i.Check, i.Path, i.Message)
}

// Report is the result of Validate.
type Report struct {
	// Format is the detected format.
	Format Format
	// Issues lists the findings, errors first.
	Issues []Issue
	// Document is the decoded document, nil when it does not decode.
	Document *Document
}

// Valid reports whether the report has no error findings.
func (r *Report) Valid() bool {
	return r != nil && !slices.ContainsFunc(r.Issues, func(i Issue) bool { return i.Severity == SeverityError })
}

// Errors returns the error findings.
func (r *Report) Errors() []Issue {
	var out []Issue
	for _, i := range r.Issues {
		if i.Severity == SeverityError {
			out = append(out, i)
		}
	}
	return out
}

func (r *Report) add(sev Severity, check, path, format string, args ...any) {
	if len(r.Issues) >= maxIssues {
		if len(r.Issues) == maxIssues {
			r.Issues = append(r.Issues, Issue{SeverityError, check, "", "too many issues; the rest are not reported"})
		}
		return
	}
	r.Issues = append(r.Issues, Issue{sev, check, path, fmt.Sprintf(format, args...)})
}

const maxIssues = 1000

// ValidateOptions configure Validate. The zero value checks the schema and
// the semantic rules, with the default size bound.
type ValidateOptions struct {
	// MaxBytes bounds the input; 0 means limits.MaxSBOMBytes.
	MaxBytes int
	// NTIA also checks the NTIA minimum elements: every component has a
	// name, a version, a supplier and a unique identifier (PURL or CPE),
	// and the document has an author, a timestamp and dependency
	// relationships.
	NTIA bool
}

// Validate checks an SBOM in any supported format:
//
//   - schema: JSON documents against the embedded official JSON schema of
//     their format and version (CycloneDX 1.2-1.7, SPDX 2.2 and 2.3), with
//     format assertions on ("uri", "date-time", "email", ...). CycloneDX
//     XML and SPDX tag-value and YAML are checked through their JSON form;
//     SPDX 3 has no schema here and gets the semantic checks only.
//   - semantics: unique bom-refs and SPDXIDs, no dependency or relationship
//     pointing at an undefined element, package URL syntax, SPDX license
//     expression syntax and identifiers; dependency cycles are reported
//     as warnings.
//   - the NTIA minimum elements, when asked.
//
// Nothing is fetched while validating: schemas are embedded and remote
// references are refused.
//
// The error is nil for a valid document. For an invalid one it wraps
// ErrInvalid and the report lists every finding; for unreadable input
// (too large, not an SBOM) it wraps ErrMalformed or ErrUnsupportedFormat
// and the report is nil.
func Validate(ctx context.Context, r io.Reader, o ValidateOptions) (*Report, error) {
	data, err := readBounded(r, DecodeOptions{MaxBytes: o.MaxBytes}.maxBytes())
	if err != nil {
		return nil, err
	}
	return validateBytes(ctx, data, o)
}

func validateBytes(ctx context.Context, data []byte, o ValidateOptions) (rep *Report, err error) {
	f, err := Detect(data)
	if err != nil {
		return nil, err
	}
	rep = &Report{Format: f}
	defer func() {
		if r := recover(); r != nil {
			rep, err = nil, malformedf("validating %s: %v", f, truncate(fmt.Sprint(r)))
		}
	}()
	jsonForm, refs, err := schemaInstance(data, f)
	schemaDecode := ""
	if err != nil {
		schemaDecode = errs.Plain(err.Error())
		rep.add(SeverityError, CheckDecode, "", "%s", schemaDecode)
	} else if jsonForm != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sch, err := schemaFor(f)
		if err != nil {
			return nil, err
		}
		if verr := sch.Validate(jsonForm); verr != nil {
			var ve *jsonschema.ValidationError
			if !errors.As(verr, &ve) {
				return nil, fmt.Errorf("sbom: schema validation: %w", verr)
			}
			for _, leaf := range schemaLeaves(ve) {
				rep.add(SeverityError, CheckSchema, "/"+strings.Join(leaf.InstanceLocation, "/"), "%s", leaf.ErrorKind.LocalizedString(printer))
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, derr := decodeBytes(data)
	if derr != nil {
		check := CheckDecode
		if strings.Contains(derr.Error(), "duplicate") {
			check = CheckUniqueRef
		}
		// The schema step may have met the same decode error already.
		if msg := errs.Plain(derr.Error()); check != CheckDecode || msg != schemaDecode {
			rep.add(SeverityError, check, "", "%s", msg)
		}
	} else {
		rep.Document = doc
		semanticChecks(rep, doc, refs, f)
		if o.NTIA {
			ntiaChecks(rep, doc)
		}
	}
	slices.SortStableFunc(rep.Issues, func(a, b Issue) int {
		if a.Severity == b.Severity {
			return 0
		}
		if a.Severity == SeverityError {
			return -1
		}
		return 1
	})
	if !rep.Valid() {
		found := rep.Errors()
		first := found[0]
		where := first.Check
		if first.Path != "" {
			where += ": " + first.Path
		}
		more := ""
		if n := len(found) - 1; n > 0 {
			more = fmt.Sprintf(" (and %d more errors)", n)
		}
		return rep, fmt.Errorf("%w: %s: %s%s", ErrInvalid, where, first.Message, more)
	}
	return rep, nil
}

var printer = message.NewPrinter(language.English)

func schemaLeaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	var out []*jsonschema.ValidationError
	stack := []*jsonschema.ValidationError{ve}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if len(e.Causes) == 0 {
			out = append(out, e)
			continue
		}
		for i := len(e.Causes) - 1; i >= 0; i-- {
			stack = append(stack, e.Causes[i])
		}
	}
	return out
}

// schemaInstance returns the JSON value to check against the format's
// schema (nil when the format has no schema here) and every element
// identifier (bom-ref, SPDXID) it defines.
func schemaInstance(data []byte, f Format) (any, map[string]bool, error) {
	var js []byte
	switch {
	case f.Encoding == JSON:
		js = data
	case f.Family == CycloneDX && f.Encoding == XML:
		bom, err := decodeCDXXML(data)
		if err != nil {
			return nil, nil, err
		}
		var buf bytes.Buffer
		bom.BOMFormat = cdx.BOMFormat
		if err := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON).EncodeVersion(bom, bom.SpecVersion); err != nil {
			return nil, nil, malformed("CycloneDX XML", err)
		}
		js = buf.Bytes()
	case f.Family == SPDX && f.Encoding == YAML:
		b, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, nil, malformed("SPDX YAML", err)
		}
		js = b
	case f.Family == SPDX && f.Encoding == TagValue:
		doc, err := decodeSPDX2(data, f)
		if err != nil {
			return nil, nil, err
		}
		flattenSPDXFiles(doc)
		var buf bytes.Buffer
		if err := spdxjson.Write(doc, &buf); err != nil {
			return nil, nil, malformed("SPDX tag-value", err)
		}
		js = buf.Bytes()
	default:
		return nil, elementIDsFromJSON(data), nil
	}
	// json.Unmarshal, not jsonschema.UnmarshalJSON: the latter reads
	// through a json.Decoder, which copies the whole document into its
	// buffer first. The numbers come out as float64, which the schema
	// checks read as well; a number a float64 cannot hold is a decode
	// finding.
	var v any
	if err := json.Unmarshal(js, &v); err != nil {
		return nil, nil, malformed(string(f.Encoding), err)
	}
	return v, elementIDs(v), nil
}

func elementIDsFromJSON(data []byte) map[string]bool {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return nil
	}
	return elementIDs(v)
}

// elementIDs collects every "bom-ref", "SPDXID", "spdxId" and "@id" value
// of a JSON tree.
func elementIDs(v any) map[string]bool {
	out := map[string]bool{}
	stack := []any{v}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch t := x.(type) {
		case map[string]any:
			for k, c := range t {
				switch k {
				case "bom-ref", "SPDXID", "spdxId", "@id":
					if s, ok := c.(string); ok {
						out[s] = true
					}
				}
				stack = append(stack, c)
			}
		case []any:
			stack = append(stack, t...)
		}
	}
	return out
}

var schemaCache sync.Map // schema file name -> *schemaOnce

type schemaOnce struct {
	once sync.Once
	sch  *jsonschema.Schema
	err  error
}

func schemaFileFor(f Format) (string, error) {
	switch {
	case f.Family == CycloneDX && cdxVersion(f.Version) >= cdx.SpecVersion1_2:
		return "bom-" + f.Version + ".schema.json", nil
	case f.Family == SPDX && f.Version == "2.3":
		return "spdx-2.3-schema.json", nil
	case f.Family == SPDX && (f.Version == "2.2" || f.Version == "2.1"):
		return "spdx-2.2-schema.json", nil
	}
	return "", fmt.Errorf("%w: no schema for %s", ErrUnsupportedFormat, f)
}

// schemaFor compiles (once) the embedded schema of a format.
func schemaFor(f Format) (*jsonschema.Schema, error) {
	name, err := schemaFileFor(f)
	if err != nil {
		return nil, err
	}
	v, _ := schemaCache.LoadOrStore(name, &schemaOnce{})
	so := v.(*schemaOnce)
	so.once.Do(func() { so.sch, so.err = compileSchema(name) })
	return so.sch, so.err
}

// noNetwork refuses every URL a schema might reference that is not
// embedded (SECURITY.md C98).
type noNetwork struct{}

// Load refuses to load url.
func (noNetwork) Load(url string) (any, error) {
	return nil, fmt.Errorf("sbom: schema reference %q is not embedded; nothing is fetched", truncate(url))
}

func compileSchema(name string) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(noNetwork{})
	entries, err := schemaFS.ReadDir("schemas")
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, e := range entries {
		b, err := schemaFS.ReadFile("schemas/" + e.Name())
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("sbom: embedded schema %s: %w", e.Name(), err)
		}
		id := ""
		if m, ok := doc.(map[string]any); ok {
			id, _ = m["$id"].(string)
		}
		if id == "" || !strings.HasPrefix(e.Name(), "bom-") && !strings.HasPrefix(e.Name(), "spdx-") && !strings.HasSuffix(id, e.Name()) {
			id = "http://cyclonedx.org/schema/" + e.Name()
		}
		// The SPDX 2.x schemas share no references; give each its own URL.
		if strings.HasPrefix(e.Name(), "spdx-2.") {
			id = "https://chainmail.invalid/schemas/" + e.Name()
			if m, ok := doc.(map[string]any); ok {
				delete(m, "$id")
			}
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("sbom: embedded schema %s: %w", e.Name(), err)
		}
		ids[e.Name()] = id
	}
	sch, err := c.Compile(ids[name])
	if err != nil {
		return nil, fmt.Errorf("sbom: compiling schema %s: %w", name, err)
	}
	return sch, nil
}

// flattenSPDXFiles moves the files tools-golang nests in packages (its
// JSON writer would emit a "files" member SPDX JSON does not have) to the
// document, with CONTAINS relationships.
func flattenSPDXFiles(doc *spdx23.Document) {
	have := map[common.ElementID]bool{}
	for _, f := range doc.Files {
		if f != nil {
			have[f.FileSPDXIdentifier] = true
		}
	}
	rels := map[string]bool{}
	for _, r := range doc.Relationships {
		if r != nil {
			rels[common.RenderDocElementID(r.RefA)+" "+r.Relationship+" "+common.RenderDocElementID(r.RefB)] = true
		}
	}
	for _, p := range doc.Packages {
		if p == nil {
			continue
		}
		for _, f := range p.Files {
			if f == nil {
				continue
			}
			if !have[f.FileSPDXIdentifier] {
				have[f.FileSPDXIdentifier] = true
				doc.Files = append(doc.Files, f)
			}
			a, b := common.MakeDocElementID("", string(p.PackageSPDXIdentifier)), common.MakeDocElementID("", string(f.FileSPDXIdentifier))
			if !rels[common.RenderDocElementID(a)+" CONTAINS "+common.RenderDocElementID(b)] {
				doc.Relationships = append(doc.Relationships, &spdx23.Relationship{RefA: a, RefB: b, Relationship: "CONTAINS"})
			}
		}
		p.Files = nil
	}
}
