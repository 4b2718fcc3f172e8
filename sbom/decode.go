package sbom

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"regexp"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/tagvalue"
	"sigs.k8s.io/yaml"

	"github.com/chainmail-dev/chainmail/internal/errs"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// maxComponentsLimit is limits.MaxSBOMComponents, a variable only so that
// tests can lower it.
var maxComponentsLimit = limits.MaxSBOMComponents

// maxElementsLimit is limits.MaxSBOMElements, a variable for the same
// reason.
var maxElementsLimit = limits.MaxSBOMElements

// DecodeOptions bound decoding. The zero value uses the defaults.
type DecodeOptions struct {
	// MaxBytes bounds the input; 0 means limits.MaxSBOMBytes (100 MiB).
	MaxBytes int
}

func (o DecodeOptions) maxBytes() int {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return limits.MaxSBOMBytes
}

// Decode reads an SBOM in any supported format (see Detect) into a
// Document with the default bounds.
func Decode(r io.Reader) (*Document, error) { return DecodeOptions{}.Decode(r) }

// Decode reads an SBOM in any supported format into a Document. It reads
// at most MaxBytes+1 bytes (a longer input is rejected with ErrTooLarge
// without reading the rest), checks JSON strictly (no duplicate keys,
// valid UTF-8, nesting and array bounds), rejects XML with a DOCTYPE, and
// turns a panic in a format library into an ErrMalformed error.
//
// Decode does not validate the document against its schema; use Validate
// for that.
func (o DecodeOptions) Decode(r io.Reader) (*Document, error) {
	data, err := readBounded(r, o.maxBytes())
	if err != nil {
		return nil, err
	}
	return decodeBytes(data)
}

func decodeBytes(data []byte) (doc *Document, err error) {
	f, err := detect(data, false) // each format's decoder checks it all
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, malformedf("%s decoder failed: %v", f, truncate(fmt.Sprint(r)))
		}
	}()
	switch {
	case f.Family == CycloneDX && f.Encoding == JSON:
		bom, warnings, derr := decodeCDXJSON(data)
		if derr != nil {
			return nil, derr
		}
		doc, err = FromCycloneDX(bom)
		if doc != nil {
			doc.Warnings = warnings
		}
	case f.Family == CycloneDX && f.Encoding == XML:
		bom, derr := decodeCDXXML(data)
		if derr != nil {
			return nil, derr
		}
		doc, err = FromCycloneDX(bom)
	case f.Family == SPDX && f.Encoding == JSONLD:
		if err := strictjson.CheckWith(data, nil, strictjson.Options{MaxBytes: len(data) + 1, MaxArrayLen: maxComponentsLimit, MaxElements: maxElementsLimit}); err != nil {
			return nil, jsonErr(err)
		}
		doc, err = decodeSPDX3(data)
	case f.Family == SPDX:
		sd, derr := decodeSPDX2(data, f)
		if derr != nil {
			return nil, derr
		}
		doc, err = FromSPDX(sd)
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedFormat, f)
	}
	if err != nil {
		return nil, err
	}
	doc.Format = f
	return doc, nil
}

// readBounded reads all of r, failing with ErrTooLarge after max bytes
// without reading further (SECURITY.md C102). It reads in chunks and
// joins them once at the end, so an oversized input costs at most max
// bytes of memory and an accepted one about twice its size.
func readBounded(r io.Reader, max int) ([]byte, error) {
	if r == nil {
		return nil, malformedf("nil reader")
	}
	const chunk = 1 << 20
	// A reader that knows its length (a file, a bytes or strings reader)
	// is read into one buffer of that length and a byte more, so an
	// accepted document costs its size once, not twice.
	first := chunk
	if n, ok := sizeHint(r); ok && n < max {
		first = n + 1
	}
	var chunks [][]byte
	total := 0
	lr := io.LimitReader(r, int64(max)+1)
	for {
		size := chunk
		if len(chunks) == 0 {
			size = first
		}
		b := make([]byte, min(size, max+1-total))
		n, err := io.ReadFull(lr, b)
		total += n
		if n > 0 {
			chunks = append(chunks, b[:n])
		}
		if total > max {
			return nil, tooLarge("document larger than %d bytes", max)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("sbom: reading document: %w", err)
		}
		if total == max+1 {
			break
		}
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, nil
}

// sizeHint returns what is left to read of r when r can tell it.
func sizeHint(r io.Reader) (int, bool) {
	switch x := r.(type) {
	case interface{ Len() int }:
		return x.Len(), true
	case *os.File:
		fi, err := x.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return 0, false
		}
		off, err := x.Seek(0, io.SeekCurrent)
		if err != nil || off > fi.Size() || fi.Size()-off > math.MaxInt32 {
			return 0, false
		}
		return int(fi.Size() - off), true
	}
	return 0, false
}

var (
	cdxNSRE     = regexp.MustCompile(`^http://cyclonedx\.org/schema/bom/(1\.[0-9])$`)
	tvVersionRE = regexp.MustCompile(`(?m)^\s*SPDXVersion:\s*SPDX-(2\.[0-9])\s*$`)
	yamlVerRE   = regexp.MustCompile(`(?m)^["']?spdxVersion["']?\s*:\s*["']?SPDX-(2\.[0-9])["']?\s*$`)
	spdx3CtxRE  = regexp.MustCompile(`spdx\.org/rdf/(3\.[0-9.]+)/`)
)

// Detect reports the format of an SBOM: CycloneDX JSON or XML (by
// bomFormat/specVersion or the XML namespace), SPDX 2.x JSON, YAML or
// tag-value (by spdxVersion), or SPDX 3 JSON-LD (by its @context). An
// OpenVEX document is reported as ErrUnsupportedFormat: read it with
// DecodeOpenVEX.
func Detect(data []byte) (Format, error) { return detect(data, true) }

// errHeaderRead stops jsonHeader's scan once the header is known.
var errHeaderRead = errors.New("header read")

// jsonHeader reads the members of a JSON SBOM that tell its format. With
// full, it checks the whole document strictly (as Detect promises);
// without, it stops at the first members that decide the format, for
// callers that check the whole document next anyway.
func jsonHeader(data []byte, full bool) (bomFormat, specVersion, spdxVersion string, context []byte, err error) {
	d, err := strictjson.NewDecoder(data, nil, strictjson.Options{MaxBytes: len(data) + 1, MaxArrayLen: maxComponentsLimit, MaxElements: maxElementsLimit})
	if err != nil {
		return "", "", "", nil, jsonErr(err)
	}
	defer d.Release()
	err = d.Object(func(key []byte) error {
		var err error
		switch string(key) {
		case "bomFormat":
			bomFormat, err = d.String()
		case "specVersion":
			specVersion, err = d.String()
		case "spdxVersion":
			spdxVersion, err = d.String()
		case "@context":
			var raw []byte
			raw, err = d.Raw()
			context = bytes.Clone(raw)
		}
		if err == nil && !full && (bomFormat != "" && specVersion != "" || spdxVersion != "") {
			return errHeaderRead
		}
		return err
	})
	if err == errHeaderRead {
		return bomFormat, specVersion, spdxVersion, context, nil
	}
	if err == nil {
		err = d.Finish()
	}
	if err != nil {
		var se *strictjson.Error
		if errors.As(err, &se) && se.Kind == strictjson.ErrType {
			return "", "", "", nil, malformed("JSON header", err)
		}
		return "", "", "", nil, jsonErr(err)
	}
	return bomFormat, specVersion, spdxVersion, context, nil
}

func detect(data []byte, full bool) (Format, error) {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) == 0 {
		return Format{}, malformedf("empty document")
	}
	switch t[0] {
	case '{':
		var h struct {
			BOMFormat, SpecVersion, SPDXVersion string
			Context                             []byte
		}
		var err error
		if h.BOMFormat, h.SpecVersion, h.SPDXVersion, h.Context, err = jsonHeader(data, full); err != nil {
			return Format{}, err
		}
		switch {
		case h.BOMFormat != "":
			if h.BOMFormat != "CycloneDX" {
				return Format{}, fmt.Errorf("%w: bomFormat %q", ErrUnsupportedFormat, truncate(h.BOMFormat))
			}
			if cdxVersion(h.SpecVersion) == 0 {
				return Format{}, fmt.Errorf("%w: CycloneDX specVersion %q", ErrUnsupportedFormat, truncate(h.SpecVersion))
			}
			return Format{CycloneDX, h.SpecVersion, JSON}, nil
		case h.SPDXVersion != "":
			v := strings.TrimPrefix(h.SPDXVersion, "SPDX-")
			if v != "2.1" && v != "2.2" && v != "2.3" {
				return Format{}, fmt.Errorf("%w: spdxVersion %q", ErrUnsupportedFormat, truncate(h.SPDXVersion))
			}
			return Format{SPDX, v, JSON}, nil
		case bytes.Contains(h.Context, []byte("spdx.org/rdf/3.")):
			m := spdx3CtxRE.FindSubmatch(h.Context)
			v := "3.0.1"
			if m != nil {
				v = string(m[1])
			}
			return Format{SPDX, v, JSONLD}, nil
		case bytes.Contains(h.Context, []byte("openvex.dev")):
			return Format{}, fmt.Errorf("%w: an OpenVEX document: use DecodeOpenVEX", ErrUnsupportedFormat)
		}
		return Format{}, fmt.Errorf("%w: JSON document that is neither CycloneDX nor SPDX", ErrUnsupportedFormat)
	case '[':
		if err := strictjson.CheckWith(data, nil, strictjson.Options{MaxBytes: len(data) + 1, MaxArrayLen: maxComponentsLimit, MaxElements: maxElementsLimit}); err != nil {
			return Format{}, jsonErr(err)
		}
		return Format{}, fmt.Errorf("%w: a JSON array is not an SBOM", ErrUnsupportedFormat)
	case '<':
		ns, err := xmlRoot(data)
		if err != nil {
			return Format{}, err
		}
		if m := cdxNSRE.FindStringSubmatch(ns); m != nil && cdxVersion(m[1]) != 0 {
			return Format{CycloneDX, m[1], XML}, nil
		}
		return Format{}, fmt.Errorf("%w: XML root namespace %q", ErrUnsupportedFormat, truncate(ns))
	}
	head := t[:min(len(t), 64<<10)]
	if m := tvVersionRE.FindSubmatch(head); m != nil {
		return Format{SPDX, string(m[1]), TagValue}, nil
	}
	if m := yamlVerRE.FindSubmatch(head); m != nil {
		return Format{SPDX, string(m[1]), YAML}, nil
	}
	return Format{}, fmt.Errorf("%w: not a CycloneDX or SPDX document", ErrUnsupportedFormat)
}

func jsonErr(err error) error {
	if errors.Is(err, strictjson.ErrTooLarge) || errors.Is(err, strictjson.ErrDepth) {
		return errs.Wrap(ErrMalformed, errs.Wrap(ErrTooLarge, err))
	}
	return malformed("JSON", err)
}

// xmlRoot checks an XML document the way SECURITY.md C95 and C96 ask (no
// DOCTYPE, so no entity can be declared or expanded and no DTD fetched;
// nesting at most limits.MaxSBOMDepth; a bounded number of elements) and
// returns the namespace of its root element.
func xmlRoot(data []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	depth, elements := 0, 0
	root := ""
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", malformed("XML", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return "", malformedf("XML with a DOCTYPE or other directive is not accepted")
		case xml.StartElement:
			depth++
			elements++
			if depth > limits.MaxSBOMDepth {
				return "", tooLarge("XML nested deeper than %d", limits.MaxSBOMDepth)
			}
			if elements > 2*maxElementsLimit {
				return "", tooLarge("XML with more than %d elements", 2*maxElementsLimit)
			}
			if root == "" {
				if t.Name.Local != "bom" {
					return "", fmt.Errorf("%w: XML root element %q", ErrUnsupportedFormat, truncate(t.Name.Local))
				}
				for _, a := range t.Attr {
					if a.Name.Space == "" && a.Name.Local == "xmlns" {
						root = a.Value
					}
				}
				if root == "" {
					root = "-"
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if root == "" {
		return "", malformedf("XML without a root element")
	}
	return root, nil
}

func decodeCDXJSON(data []byte) (*cdx.BOM, []string, error) {
	lengths := map[string]int{"components": 0, "dependencies": 0}
	if err := strictjson.CheckWith(data, reflect.TypeFor[cdx.BOM](), strictjson.Options{MaxBytes: len(data) + 1, MaxArrayLen: maxComponentsLimit, MaxElements: maxElementsLimit, Lengths: lengths}); err != nil {
		return nil, nil, jsonErr(err)
	}
	if err := checkJSONNulls(data); err != nil {
		return nil, nil, err
	}
	// Allocate the two long arrays once, at the length the scan counted
	// (encoding/json appends into the capacity it finds): growing them
	// element by element copies them and holds two copies at the peak.
	var bom cdx.BOM
	if n := lengths["components"]; n > 0 {
		cs := make([]cdx.Component, 0, n)
		bom.Components = &cs
	}
	if n := lengths["dependencies"]; n > 0 {
		ds := make([]cdx.Dependency, 0, n)
		bom.Dependencies = &ds
	}
	err := json.Unmarshal(data, &bom)
	if err == nil && !bytes.Contains(data, []byte(`"patentAssertions"`)) && !bytes.Contains(data, []byte(`"patents"`)) {
		return &bom, nil, nil
	}
	first := bom
	synthetic := err == nil
	if err == nil {
		// cyclonedx-go v0.12.0 reads patent assertion asserters it
		// cannot write back validly; drop them (with a warning).
		err = &json.UnmarshalTypeError{Field: "components.patentAssertions.asserter", Value: "asserter"}
	}
	// cyclonedx-go cannot read some valid CycloneDX 1.6/1.7 constructs
	// (e.g. a string data classification, a patent asserter reference).
	// Drop the member it chokes on, say so, and read the rest.
	var tree any
	if json.Unmarshal(data, &tree) != nil {
		return nil, nil, malformed("CycloneDX JSON", err)
	}
	var warnings []string
	for range 8 {
		var te *json.UnmarshalTypeError
		// Only deep members (the library's gaps are all in 1.6/1.7
		// objects), never a top-level type error.
		if !errors.As(err, &te) || strings.Count(te.Field, ".") < 2 {
			return nil, nil, malformed("CycloneDX JSON", err)
		}
		// Drop the object holding the unreadable member, so what is
		// left stays valid (the member may be required).
		path := strings.Split(te.Field, ".")
		if len(path) > 1 {
			path = path[:len(path)-1]
		}
		dropped := dropPath(tree, path)
		if path[len(path)-1] == "patentAssertions" {
			dropped = dropPath(tree, []string{"services", "patentAssertions"}) || dropped
			dropped = dropPath(tree, []string{"definitions", "patents"}) || dropped
		}
		if !dropped && synthetic {
			return &first, nil, nil
		}
		synthetic = false
		if !dropped {
			return nil, nil, malformed("CycloneDX JSON", err)
		}
		warnings = append(warnings, fmt.Sprintf("dropped %s: cyclonedx-go cannot read it: %v", strings.Join(path, "."), err))
		b, merr := json.Marshal(tree)
		if merr != nil {
			return nil, nil, malformed("CycloneDX JSON", err)
		}
		bom = cdx.BOM{}
		if err = json.Unmarshal(b, &bom); err == nil {
			return &bom, warnings, nil
		}
	}
	return nil, nil, malformed("CycloneDX JSON", err)
}

// dropPath deletes every member at the dotted path (array levels are
// traversed implicitly) and reports whether it deleted anything.
func dropPath(v any, path []string) bool {
	switch x := v.(type) {
	case []any:
		found := false
		for _, e := range x {
			found = dropPath(e, path) || found
		}
		return found
	case map[string]any:
		child, ok := x[path[0]]
		if !ok {
			return false
		}
		if len(path) == 1 {
			delete(x, path[0])
			return true
		}
		return dropPath(child, path[1:])
	}
	return false
}

// checkJSONNulls rejects null elements in the arrays of objects whose
// elements a decoder would otherwise turn into empty structs
// (SECURITY.md C97: "components": [null]).
func checkJSONNulls(data []byte) error {
	if !bytes.Contains(data, []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	inArray := []bool{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return malformed("JSON", err)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '[':
				inArray = append(inArray, true)
			case '{':
				inArray = append(inArray, false)
			default:
				inArray = inArray[:len(inArray)-1]
			}
		case nil:
			if len(inArray) > 0 && inArray[len(inArray)-1] {
				return malformedf("null element in an array at offset %d", dec.InputOffset())
			}
		}
	}
}

func decodeCDXXML(data []byte) (*cdx.BOM, error) {
	if _, err := xmlRoot(data); err != nil {
		return nil, err
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatXML).Decode(&bom); err != nil {
		return nil, malformed("CycloneDX XML", err)
	}
	return &bom, nil
}

func decodeSPDX2(data []byte, f Format) (*spdx.Document, error) {
	switch f.Encoding {
	case JSON:
		if err := checkJSONNulls(data); err != nil {
			return nil, err
		}
		doc, err := spdxjson.Read(bytes.NewReader(data))
		if err != nil {
			return nil, malformed("SPDX JSON", err)
		}
		return doc, nil
	case YAML:
		js, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, malformed("SPDX YAML", err)
		}
		if len(js) > len(data)*4+1024 {
			return nil, tooLarge("YAML expands to %d bytes of JSON", len(js))
		}
		if err := strictjson.CheckWith(js, nil, strictjson.Options{MaxBytes: len(js) + 1, MaxArrayLen: maxComponentsLimit, MaxElements: maxElementsLimit}); err != nil {
			return nil, jsonErr(err)
		}
		return decodeSPDX2(js, Format{SPDX, f.Version, JSON})
	case TagValue:
		if err := checkTagValue(data); err != nil {
			return nil, err
		}
		doc, err := tagvalue.Read(bytes.NewReader(data))
		if err != nil && strings.Contains(err.Error(), "unknown tag Snippet") {
			// tools-golang reads snippets only right after their file;
			// SPDX allows them anywhere (the spec's own example has one
			// after a package). Move each to after its file and retry.
			doc, err = tagvalue.Read(bytes.NewReader(moveSnippets(data)))
		}
		if err != nil {
			return nil, malformed("SPDX tag-value", err)
		}
		return doc, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupportedFormat, f)
}

// checkTagValue bounds a tag-value document: valid UTF-8, a bounded
// number of lines.
func checkTagValue(data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	n := 0
	for sc.Scan() {
		n++
		if n > 2*maxElementsLimit {
			return tooLarge("tag-value document with more than %d lines", 2*maxElementsLimit)
		}
	}
	if err := sc.Err(); err != nil {
		return malformed("SPDX tag-value", err)
	}
	return nil
}

// moveSnippets reorders a tag-value document so that every snippet
// section directly follows the file section it is from.
func moveSnippets(data []byte) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	type section struct {
		lines   []string
		id      string // SPDXID of a file section
		from    string // SnippetFromFileSPDXID of a snippet section
		snippet bool
	}
	var secs []*section
	cur := &section{}
	secs = append(secs, cur)
	inText := false
	for _, l := range lines {
		tag, val, _ := strings.Cut(strings.TrimSpace(l), ":")
		val = strings.TrimSpace(val)
		if !inText {
			switch tag {
			case "FileName", "PackageName", "SnippetSPDXID", "LicenseID", "Relationship", "Annotator", "Reviewer":
				cur = &section{snippet: tag == "SnippetSPDXID"}
				secs = append(secs, cur)
			}
			switch {
			case tag == "SPDXID" && !cur.snippet:
				cur.id = val
			case tag == "SnippetFromFileSPDXID":
				cur.from = val
			}
		}
		cur.lines = append(cur.lines, l)
		if strings.Count(l, "<text>") > strings.Count(l, "</text>") {
			inText = true
		}
		if strings.Contains(l, "</text>") {
			inText = false
		}
	}
	var out []string
	for _, s := range secs {
		if s.snippet && s.from != "" {
			continue
		}
		out = append(out, s.lines...)
		if s.id != "" {
			for _, sn := range secs {
				if sn.snippet && sn.from == s.id {
					out = append(out, sn.lines...)
				}
			}
		}
	}
	return []byte(strings.Join(out, ""))
}
