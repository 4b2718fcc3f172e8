package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/internal/limits"
)

// Statement encodes the document in a JSON format and wraps it in an
// in-toto statement about the subjects (the artifacts the SBOM
// describes), with the CycloneDX ("https://cyclonedx.org/bom") or SPDX
// ("https://spdx.dev/Document") predicate type. Sign the statement with
// package sign.
func Statement(d *Document, f Format, subjects ...attest.ResourceDescriptor) (*attest.Statement, error) {
	if f.Encoding != JSON {
		return nil, fmt.Errorf("%w: an in-toto predicate must be JSON, not %s", ErrUnsupportedFormat, f)
	}
	b, _, err := Marshal(d, f)
	if err != nil {
		return nil, err
	}
	if len(b) > limits.MaxStatementBytes {
		return nil, fmt.Errorf("%w: %d-byte SBOM is larger than a statement may be", ErrTooLarge, len(b))
	}
	pt := attest.PredicateCycloneDX
	if f.Family == SPDX {
		pt = attest.PredicateSPDX
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		return nil, fmt.Errorf("sbom: %w", err)
	}
	return attest.NewStatement(pt, json.RawMessage(compact.Bytes()), subjects...)
}

// FromStatement decodes the SBOM predicate of a CycloneDX or SPDX
// statement.
func FromStatement(st *attest.Statement) (*Document, error) {
	if st == nil {
		return nil, fmt.Errorf("sbom: nil statement")
	}
	t, ok := attest.DefaultPredicates().Lookup(st.PredicateType)
	if !ok || (t.Name() != "CycloneDXBOM" && t.Name() != "SPDXDocument") {
		return nil, fmt.Errorf("%w: predicate type %q is not an SBOM", ErrUnsupportedFormat, truncate(st.PredicateType))
	}
	if !st.HasPredicate() {
		return nil, malformedf("statement has no predicate")
	}
	return Decode(bytes.NewReader(st.Predicate))
}
