package attest

import (
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Hand-written single-pass decoders for the hot, fixed shapes: a
// statement with its subjects, and the DSSE envelope's wire form. They run
// on strictjson.Decoder, which applies every check strictjson.Unmarshal
// applies (the decoder is made for the same Go type, so the key case
// check is the same), and they mirror what encoding/json does with each
// field of these types: a string field keeps its zero value for null, a
// slice or map becomes nil for null and non-nil for [] or {}, null in a
// slice or map stores a zero element, a value of another type is a type
// error. Values of irregular shapes (a subject's content and annotations)
// are handed to encoding/json itself through Decoder.Decode.
//
// The reference they must agree with, for any input, is the generic path
// (strictjson.Unmarshal into the wire structs, then the same validation):
// see FuzzParseStatementDifferential and FuzzParseEnvelopeDifferential.

// stringField reads a JSON value into a Go string field.
func stringField(d *strictjson.Decoder, p *string) error {
	if null, err := d.Null(); null || err != nil {
		return err
	}
	v, err := d.String()
	*p = v
	return err
}

// internField is stringField for values that are mostly well known.
func internField(d *strictjson.Decoder, p *string) error {
	if null, err := d.Null(); null || err != nil {
		return err
	}
	b, err := d.StringBytes()
	*p = intern(b)
	return err
}

// intern returns b as a string, without a copy if it is one of the
// strings that recur in every statement and envelope.
func intern(b []byte) string {
	switch string(b) {
	case StatementTypeV1:
		return StatementTypeV1
	case StatementTypeV01:
		return StatementTypeV01
	case PayloadType:
		return PayloadType
	case PredicateSLSAProvenanceV1:
		return PredicateSLSAProvenanceV1
	case PredicateSLSAProvenanceV02:
		return PredicateSLSAProvenanceV02
	case PredicateVSAV1:
		return PredicateVSAV1
	case PredicateSPDX:
		return PredicateSPDX
	case PredicateCycloneDX:
		return PredicateCycloneDX
	case PredicateTestResult:
		return PredicateTestResult
	case PredicateVulns:
		return PredicateVulns
	case PredicateOpenVEX:
		return PredicateOpenVEX
	case "sha256":
		return "sha256"
	case "sha384":
		return "sha384"
	case "sha512":
		return "sha512"
	case "sha1":
		return "sha1"
	case "gitCommit":
		return "gitCommit"
	}
	return string(b)
}

// decodeStatement decodes a statement document.
func decodeStatement(data []byte) (*Statement, error) {
	d, err := strictjson.NewDecoder(data, statementType, statementOptions)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	st := new(Statement)
	if null, err := d.Null(); err != nil {
		return nil, err
	} else if !null {
		if err := d.Object(func(key []byte) error { return statementField(d, st, key) }); err != nil {
			return nil, err
		}
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	return st, nil
}

func statementField(d *strictjson.Decoder, st *Statement, key []byte) error {
	switch string(key) {
	case "_type":
		return internField(d, &st.Type)
	case "subject":
		return subjectsField(d, &st.Subject)
	case "predicateType":
		return internField(d, &st.PredicateType)
	case "predicate":
		// json.RawMessage keeps the value's text, null included.
		raw, err := d.Raw()
		if err != nil {
			return err
		}
		st.Predicate = append([]byte(nil), raw...)
	}
	return nil // unknown: skipped (and checked) by the decoder
}

func subjectsField(d *strictjson.Decoder, p *[]ResourceDescriptor) error {
	if null, err := d.Null(); null || err != nil {
		*p = nil
		return err
	}
	if d.Kind() != strictjson.KindArray {
		return d.Decode(p) // a type error, as encoding/json reports it
	}
	subjects := make([]ResourceDescriptor, 0, 2)
	err := d.Array(func(int) error {
		subjects = append(subjects, ResourceDescriptor{})
		return resourceDescriptor(d, &subjects[len(subjects)-1])
	})
	*p = subjects
	return err
}

func resourceDescriptor(d *strictjson.Decoder, rd *ResourceDescriptor) error {
	if null, err := d.Null(); null || err != nil {
		return err
	}
	if d.Kind() != strictjson.KindObject {
		return d.Decode(rd)
	}
	return d.Object(func(key []byte) error {
		switch string(key) {
		case "name":
			return stringField(d, &rd.Name)
		case "uri":
			return stringField(d, &rd.URI)
		case "digest":
			return digestSetField(d, &rd.Digest)
		case "content":
			return d.Decode(&rd.Content) // base64, or an array of numbers
		case "downloadLocation":
			return stringField(d, &rd.DownloadLocation)
		case "mediaType":
			return stringField(d, &rd.MediaType)
		case "annotations":
			return d.Decode(&rd.Annotations)
		}
		return nil
	})
}

func digestSetField(d *strictjson.Decoder, p *digest.Set) error {
	if null, err := d.Null(); null || err != nil {
		*p = nil
		return err
	}
	if d.Kind() != strictjson.KindObject {
		return d.Decode(p)
	}
	set := make(digest.Set, 2)
	*p = set
	return d.Object(func(key []byte) error {
		var v string
		err := stringField(d, &v) // null stores "", as encoding/json does
		set[intern(key)] = v
		return err
	})
}

// wireEnvelope is envelopeJSON as the single-pass decoder reads it: the
// base64 texts are left in the input (or, when they have escapes, in a
// buffer of their own) until they are decoded.
type wireEnvelope struct {
	payload     []byte
	payloadType string
	signatures  []wireSignature
}

type wireSignature struct {
	keyID string
	sig   []byte
}

// decodeEnvelopeWire decodes an envelope document into its wire form.
func decodeEnvelopeWire(data []byte) (*wireEnvelope, error) {
	d, err := strictjson.NewDecoder(data, envelopeJSONType, envelopeOptions)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	w := new(wireEnvelope)
	if null, err := d.Null(); err != nil {
		return nil, err
	} else if !null {
		if err := d.Object(func(key []byte) error { return envelopeField(d, w, key) }); err != nil {
			return nil, err
		}
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	return w, nil
}

func envelopeField(d *strictjson.Decoder, w *wireEnvelope, key []byte) error {
	switch string(key) {
	case "payload":
		return bytesField(d, &w.payload)
	case "payloadType":
		return internField(d, &w.payloadType)
	case "signatures":
		if null, err := d.Null(); null || err != nil {
			w.signatures = nil
			return err
		}
		if d.Kind() != strictjson.KindArray {
			var v []signatureJSON
			return d.Decode(&v)
		}
		w.signatures = make([]wireSignature, 0, 1)
		return d.Array(func(int) error {
			w.signatures = append(w.signatures, wireSignature{})
			return signatureField(d, &w.signatures[len(w.signatures)-1])
		})
	}
	return nil
}

func signatureField(d *strictjson.Decoder, s *wireSignature) error {
	if null, err := d.Null(); null || err != nil {
		return err
	}
	if d.Kind() != strictjson.KindObject {
		var v signatureJSON
		return d.Decode(&v)
	}
	return d.Object(func(key []byte) error {
		switch string(key) {
		case "keyid":
			return stringField(d, &s.keyID)
		case "sig":
			return bytesField(d, &s.sig)
		}
		return nil
	})
}

// bytesField reads a JSON value into a Go string field, as the text's
// bytes, which may be a sub-slice of the input.
func bytesField(d *strictjson.Decoder, p *[]byte) error {
	if null, err := d.Null(); null || err != nil {
		return err
	}
	v, err := d.StringBytes()
	*p = v
	return err
}
