package attest

import (
	"strings"
	"sync"

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
	if v, ok := known(b); ok {
		return v
	}
	return string(b)
}

// known returns b as a string if it is one of the strings that recur in
// every statement and envelope, which need no copy.
func known(b []byte) (string, bool) {
	switch string(b) {
	case StatementTypeV1:
		return StatementTypeV1, true
	case StatementTypeV01:
		return StatementTypeV01, true
	case PayloadType:
		return PayloadType, true
	case PredicateSLSAProvenanceV1:
		return PredicateSLSAProvenanceV1, true
	case PredicateSLSAProvenanceV02:
		return PredicateSLSAProvenanceV02, true
	case PredicateVSAV1:
		return PredicateVSAV1, true
	case PredicateSPDX:
		return PredicateSPDX, true
	case PredicateCycloneDX:
		return PredicateCycloneDX, true
	case PredicateTestResult:
		return PredicateTestResult, true
	case PredicateVulns:
		return PredicateVulns, true
	case PredicateOpenVEX:
		return PredicateOpenVEX, true
	case "sha256":
		return "sha256", true
	case "sha384":
		return "sha384", true
	case "sha512":
		return "sha512", true
	case "sha1":
		return "sha1", true
	case "gitCommit":
		return "gitCommit", true
	}
	return "", false
}

// statementDecoder is the state of decoding one statement. Its strings
// are made at the end, all in one allocation: until then they are the
// input's bytes, noted in pending with the field they go to. (Fields are
// named by subject index, not pointer, as the subject list may still
// move when it grows.)
type statementDecoder struct {
	d        *strictjson.Decoder
	st       *Statement
	pending  []pendingString
	size     int // bytes in pending
	subjects []ResourceDescriptor
}

// pendingString is a string value waiting for its copy.
type pendingString struct {
	text    []byte
	subject int        // index of the subject whose field it is, or -1
	field   uint8      // which field (see fieldOf)
	set     digest.Set // for digestEntry: the set and key
	key     string
}

// The fields pendingString.field names.
const (
	stmtType uint8 = iota
	stmtPredicateType
	rdName
	rdURI
	rdDownloadLocation
	rdMediaType
	digestEntry
)

// statementAlloc is a Statement with room for its first subjects, so that
// a small statement is one allocation.
type statementAlloc struct {
	st       Statement
	subjects [2]ResourceDescriptor
}

var statementDecoders = sync.Pool{New: func() any { return new(statementDecoder) }}

// decodeStatement decodes a statement document.
func decodeStatement(data []byte) (*Statement, error) {
	d, err := strictjson.NewDecoder(data, statementType, statementOptions)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	a := new(statementAlloc)
	sd := statementDecoders.Get().(*statementDecoder)
	defer sd.release()
	sd.d, sd.st, sd.subjects = d, &a.st, a.subjects[:0]
	if err := decodeDocument(d, sd.statementField); err != nil {
		return nil, err
	}
	sd.makeStrings()
	return &a.st, nil
}

// release clears sd (it holds the input and the statement) and returns
// it to the pool.
func (sd *statementDecoder) release() {
	clear(sd.pending)
	pending := sd.pending[:0]
	if cap(pending) > 1024 {
		pending = nil
	}
	*sd = statementDecoder{pending: pending}
	statementDecoders.Put(sd)
}

// text notes a string value for field of subject (-1: the statement).
func (sd *statementDecoder) text(subject int, field uint8, p *string) error {
	d := sd.d
	if null, err := d.Null(); null || err != nil {
		return err
	}
	b, err := d.StringBytes()
	if err != nil || len(b) == 0 {
		*p = ""
		return err
	}
	if v, ok := known(b); ok {
		*p = v
		return nil
	}
	sd.pending = append(sd.pending, pendingString{text: b, subject: subject, field: field})
	sd.size += len(b)
	return nil
}

// makeStrings copies the pending strings into one allocation and stores
// them in their fields.
func (sd *statementDecoder) makeStrings() {
	if len(sd.pending) == 0 {
		return
	}
	var b strings.Builder
	b.Grow(sd.size)
	for _, p := range sd.pending {
		b.Write(p.text)
	}
	all := b.String()
	off := 0
	for _, p := range sd.pending {
		v := all[off : off+len(p.text)]
		off += len(p.text)
		var rd *ResourceDescriptor
		if p.subject >= 0 {
			rd = &sd.st.Subject[p.subject]
		}
		switch p.field {
		case stmtType:
			sd.st.Type = v
		case stmtPredicateType:
			sd.st.PredicateType = v
		case rdName:
			rd.Name = v
		case rdURI:
			rd.URI = v
		case rdDownloadLocation:
			rd.DownloadLocation = v
		case rdMediaType:
			rd.MediaType = v
		case digestEntry:
			p.set[p.key] = v
		}
	}
}

func (sd *statementDecoder) statementField(key []byte) error {
	d, st := sd.d, sd.st
	switch string(key) {
	case "_type":
		return sd.text(-1, stmtType, &st.Type)
	case "subject":
		return sd.subjectsField()
	case "predicateType":
		return sd.text(-1, stmtPredicateType, &st.PredicateType)
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

func (sd *statementDecoder) subjectsField() error {
	d, st := sd.d, sd.st
	if null, err := d.Null(); null || err != nil {
		st.Subject = nil
		return err
	}
	if d.Kind() != strictjson.KindArray {
		return d.Decode(&st.Subject) // a type error, as encoding/json reports it
	}
	// The pending strings name subjects by index, so the list may grow
	// (and move) as it likes.
	subjects := sd.subjects
	err := d.Array(func(int) error {
		subjects = append(subjects, ResourceDescriptor{})
		i := len(subjects) - 1
		return sd.resourceDescriptor(i, &subjects[i])
	})
	st.Subject = subjects
	return err
}

func (sd *statementDecoder) resourceDescriptor(i int, rd *ResourceDescriptor) error {
	d := sd.d
	if null, err := d.Null(); null || err != nil {
		return err
	}
	if d.Kind() != strictjson.KindObject {
		return d.Decode(rd)
	}
	return d.Object(func(key []byte) error {
		switch string(key) {
		case "name":
			return sd.text(i, rdName, &rd.Name)
		case "uri":
			return sd.text(i, rdURI, &rd.URI)
		case "digest":
			return sd.digestSetField(&rd.Digest)
		case "content":
			return d.Decode(&rd.Content) // base64, or an array of numbers
		case "downloadLocation":
			return sd.text(i, rdDownloadLocation, &rd.DownloadLocation)
		case "mediaType":
			return sd.text(i, rdMediaType, &rd.MediaType)
		case "annotations":
			return d.Decode(&rd.Annotations)
		}
		return nil
	})
}

func (sd *statementDecoder) digestSetField(p *digest.Set) error {
	d := sd.d
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
		k := intern(key)
		set[k] = "" // null stores "", as encoding/json does
		if null, err := d.Null(); null || err != nil {
			return err
		}
		b, err := d.StringBytes()
		if err != nil || len(b) == 0 {
			return err
		}
		sd.pending = append(sd.pending, pendingString{text: b, subject: -1, field: digestEntry, set: set, key: k})
		sd.size += len(b)
		return nil
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
	if err := decodeDocument(d, func(key []byte) error { return envelopeField(d, w, key) }); err != nil {
		return nil, err
	}
	return w, nil
}

// decodeDocument reads a whole document that is an object (each member
// through field) or null (as encoding/json does: nothing is set), then
// checks that nothing follows it.
func decodeDocument(d *strictjson.Decoder, field func(key []byte) error) error {
	null, err := d.Null()
	if err != nil {
		return err
	}
	if !null {
		if err := d.Object(field); err != nil {
			return err
		}
	}
	return d.Finish()
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
