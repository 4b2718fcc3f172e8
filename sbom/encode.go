package sbom

import (
	"bytes"
	"fmt"
	"io"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/tagvalue"
)

// Encode writes the document in the given format and reports what the
// format could not carry. Output is deterministic: the document is
// normalized (on a copy), the serial number or namespace is derived from
// the content when the document has none, and nothing depends on the
// clock or on map order. The output is built in memory and written in one
// call, so a failure never leaves a partial document in w.
func Encode(w io.Writer, d *Document, f Format) (*LossReport, error) {
	b, loss, err := Marshal(d, f)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, fmt.Errorf("sbom: writing document: %w", err)
	}
	return loss, nil
}

// Marshal is Encode into a byte slice.
func Marshal(d *Document, f Format) ([]byte, *LossReport, error) {
	if d == nil {
		return nil, nil, fmt.Errorf("sbom: nil document")
	}
	if !f.Writable() {
		return nil, nil, fmt.Errorf("%w: cannot write %s", ErrUnsupportedFormat, f)
	}
	var buf bytes.Buffer
	switch f.Family {
	case CycloneDX:
		bom, loss, err := ToCycloneDX(d, f.Version)
		if err != nil {
			return nil, nil, err
		}
		loss.To = f
		ff := cdx.BOMFileFormatJSON
		if f.Encoding == XML {
			ff = cdx.BOMFileFormatXML
			bom.XMLNS = "http://cyclonedx.org/schema/bom/" + f.Version
		} else {
			bom.JSONSchema = "http://cyclonedx.org/schema/bom-" + f.Version + ".schema.json"
		}
		enc := cdx.NewBOMEncoder(&buf, ff).SetPretty(true).SetEscapeHTML(false)
		if err := enc.Encode(bom); err != nil {
			return nil, nil, fmt.Errorf("sbom: encoding %s: %w", f, err)
		}
		if f.Encoding == XML {
			buf.WriteByte('\n')
		}
		return buf.Bytes(), loss, nil
	case SPDX:
		doc, loss, err := ToSPDX(d)
		if err != nil {
			return nil, nil, err
		}
		loss.To = f
		switch f.Encoding {
		case JSON:
			err = spdxjson.Write(doc, &buf, spdxjson.Indent("  "), spdxjson.EscapeHTML(false))
		case TagValue:
			annotationsToDocument(doc)
			err = tagvalue.Write(doc, &buf)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("sbom: encoding %s: %w", f, err)
		}
		return buf.Bytes(), loss, nil
	}
	return nil, nil, fmt.Errorf("%w: %s", ErrUnsupportedFormat, f)
}

// Convert decodes an SBOM in any supported format and encodes it in
// another, reporting what was lost. Losses include what the source had
// that the model does not carry (for a change of family) and what the
// target version cannot express.
func Convert(r io.Reader, w io.Writer, to Format) (*LossReport, error) {
	d, err := Decode(r)
	if err != nil {
		return nil, err
	}
	return Encode(w, d, to)
}
