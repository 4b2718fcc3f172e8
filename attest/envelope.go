package attest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Bounds on the fields of an envelope, beyond limits.MaxEnvelopeBytes and
// limits.MaxSignatures. Key ids are hints of a few dozen bytes; the
// largest signatures in use (SLH-DSA) are under 50 KiB.
const (
	maxKeyIDBytes       = 1024
	maxSignatureBytes   = 64 << 10
	maxPayloadTypeBytes = 1024
)

// Envelope is a DSSE envelope (secure-systems-lab/dsse envelope.md): a
// payload, its type, and signatures over PAE(payloadType, payload).
//
// Payload and signatures are held decoded; JSON encoding uses standard
// base64. Use sign.Envelope to create a signed envelope and
// verify.Verifier to check one: this type only holds the format.
type Envelope struct {
	// PayloadType says how to interpret Payload, e.g. PayloadType for an
	// in-toto statement. It is signed (through PAE).
	PayloadType string
	// Payload is the signed message.
	Payload []byte
	// Signatures are the signatures over PAE(PayloadType, Payload).
	Signatures []Signature
}

// Signature is one DSSE signature.
type Signature struct {
	// KeyID is an unauthenticated hint naming the key. It never decides
	// whether a signature is trusted.
	KeyID string
	// Sig is the signature over PAE(PayloadType, Payload).
	Sig []byte
}

// PAE returns the DSSE v1 pre-authentication encoding of a payload type
// and payload, the exact message that is signed:
//
//	"DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload
//
// where LEN is the length in bytes as ASCII decimal.
func PAE(payloadType string, payload []byte) []byte {
	b := make([]byte, 0, 6+1+20+1+len(payloadType)+1+20+1+len(payload))
	return AppendPAE(b, payloadType, payload)
}

// AppendPAE appends PAE(payloadType, payload) to b, for callers that reuse
// a buffer.
func AppendPAE(b []byte, payloadType string, payload []byte) []byte {
	b = append(b, "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	b = append(b, payloadType...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	return append(b, payload...)
}

// WritePAE writes PAE(payloadType, payload) to w in pieces, for callers
// that hash it rather than keep it: the payload is not copied.
func WritePAE(w io.Writer, payloadType string, payload []byte) error {
	var buf [48]byte
	b := append(buf[:0], "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	if _, err := w.Write(b); err != nil {
		return err
	}
	if _, err := io.WriteString(w, payloadType); err != nil {
		return err
	}
	b = append(buf[:0], ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	if _, err := w.Write(b); err != nil {
		return err
	}
	_, err := w.Write(payload)
	return err
}

// PAE returns the bytes the envelope's signatures sign.
func (e *Envelope) PAE() []byte { return PAE(e.PayloadType, e.Payload) }

// AddSignature appends a signature, keeping every existing one. It fails if
// the envelope already holds limits.MaxSignatures signatures.
func (e *Envelope) AddSignature(sig Signature) error {
	if len(e.Signatures) >= limits.MaxSignatures {
		return fmt.Errorf("%w: %w: envelope already has %d signatures", ErrMalformed, ErrTooLarge, len(e.Signatures))
	}
	e.Signatures = append(e.Signatures, Signature{KeyID: sig.KeyID, Sig: bytes.Clone(sig.Sig)})
	return nil
}

// Clone returns a deep copy of the envelope (nil for nil).
func (e *Envelope) Clone() *Envelope {
	if e == nil {
		return nil
	}
	c := &Envelope{PayloadType: e.PayloadType, Payload: bytes.Clone(e.Payload)}
	if e.Signatures != nil {
		c.Signatures = make([]Signature, len(e.Signatures))
		for i, s := range e.Signatures {
			c.Signatures[i] = Signature{KeyID: s.KeyID, Sig: bytes.Clone(s.Sig)}
		}
	}
	return c
}

// envelopeJSON is the wire form.
type envelopeJSON struct {
	Payload     string          `json:"payload"`     // base64 of Envelope.Payload
	PayloadType string          `json:"payloadType"` // Envelope.PayloadType
	Signatures  []signatureJSON `json:"signatures"`  // Envelope.Signatures
}

// signatureJSON is the wire form of a Signature.
type signatureJSON struct {
	KeyID string `json:"keyid,omitempty"` // Signature.KeyID
	Sig   string `json:"sig"`             // base64 of Signature.Sig
}

// ParseEnvelope decodes a JSON DSSE envelope strictly: at most
// limits.MaxEnvelopeBytes and limits.MaxSignatures, no duplicate or
// case-variant keys, valid UTF-8, a non-empty payloadType, and base64 per
// the table below. Counts and sizes are checked before any signature is
// looked at. An envelope without signatures parses (it may be about to be
// signed); verification rejects it.
//
// Base64 (envelope.md allows both alphabets):
//
//	standard or URL-safe alphabet, padded or not    accepted
//	both alphabets mixed in one value               rejected
//	non-zero padding bits ("QR==" for "QQ==")       rejected
//	line breaks, spaces or other characters         rejected
//
// Whatever the text form, only the decoded bytes are used afterwards.
func ParseEnvelope(data []byte) (*Envelope, error) {
	w, err := decodeEnvelopeWire(data)
	if err != nil {
		return nil, malformed("envelope", err)
	}
	return w.decode()
}

// envelopeOptions bound the signature list while scanning, so that an
// envelope of a million empty signatures is rejected before anything is
// allocated for them (SECURITY.md C12, C107).
var envelopeOptions = strictjson.Options{
	MaxBytes: limits.MaxEnvelopeBytes,
	MaxLen:   map[string]int{"signatures": limits.MaxSignatures},
}

var envelopeJSONType = reflect.TypeFor[envelopeJSON]()

// decode checks the wire form's counts and sizes, then decodes the base64
// texts, payload first.
func (w *wireEnvelope) decode() (*Envelope, error) {
	if len(w.signatures) > limits.MaxSignatures {
		return nil, fmt.Errorf("%w: %w: envelope has %d signatures, limit %d", ErrMalformed, ErrTooLarge, len(w.signatures), limits.MaxSignatures)
	}
	if w.payloadType == "" {
		return nil, malformedf("envelope", "empty payloadType")
	}
	if len(w.payloadType) > maxPayloadTypeBytes {
		return nil, fmt.Errorf("%w: %w: payloadType is %d bytes, limit %d", ErrMalformed, ErrTooLarge, len(w.payloadType), maxPayloadTypeBytes)
	}
	for i, s := range w.signatures {
		if len(s.keyID) > maxKeyIDBytes {
			return nil, fmt.Errorf("%w: %w: signatures[%d].keyid is %d bytes, limit %d", ErrMalformed, ErrTooLarge, i, len(s.keyID), maxKeyIDBytes)
		}
		if len(s.sig) > base64.StdEncoding.EncodedLen(maxSignatureBytes) {
			return nil, fmt.Errorf("%w: %w: signatures[%d].sig is longer than %d bytes", ErrMalformed, ErrTooLarge, i, maxSignatureBytes)
		}
	}
	payload, err := decodeBase64(w.payload)
	if err != nil {
		return nil, malformed("envelope payload", err)
	}
	e := &Envelope{PayloadType: w.payloadType, Payload: payload}
	if len(w.signatures) > 0 {
		e.Signatures = make([]Signature, len(w.signatures))
	}
	for i, s := range w.signatures {
		sig, err := decodeBase64(s.sig)
		if err != nil {
			return nil, malformed(fmt.Sprintf("envelope signatures[%d].sig", i), err)
		}
		if len(sig) > maxSignatureBytes {
			// Unpadded text a few characters over the padded bound.
			return nil, fmt.Errorf("%w: %w: signatures[%d].sig is longer than %d bytes", ErrMalformed, ErrTooLarge, i, maxSignatureBytes)
		}
		e.Signatures[i] = Signature{KeyID: s.keyID, Sig: sig}
	}
	return e, nil
}

// Marshal returns the envelope's JSON with standard padded base64. The
// same envelope always gives the same bytes. It fails for an envelope
// that ParseEnvelope would reject: an empty payloadType, text that is not
// valid UTF-8 (encoding/json would change it, and so what PAE covers),
// too many or too large signatures, or a result over
// limits.MaxEnvelopeBytes.
func (e *Envelope) Marshal() ([]byte, error) {
	if e == nil {
		return nil, malformedf("envelope", "nil envelope")
	}
	if err := e.check(); err != nil {
		return nil, err
	}
	w := envelopeJSON{
		Payload:     base64.StdEncoding.EncodeToString(e.Payload),
		PayloadType: e.PayloadType,
		Signatures:  make([]signatureJSON, len(e.Signatures)),
	}
	for i, s := range e.Signatures {
		w.Signatures[i] = signatureJSON{KeyID: s.KeyID, Sig: base64.StdEncoding.EncodeToString(s.Sig)}
	}
	b, err := marshalCanonical(w)
	if err != nil {
		return nil, malformed("envelope", err)
	}
	if len(b) > limits.MaxEnvelopeBytes {
		return nil, fmt.Errorf("%w: %w: envelope is %d bytes, limit %d", ErrMalformed, ErrTooLarge, len(b), limits.MaxEnvelopeBytes)
	}
	return b, nil
}

// check applies the rules of ParseEnvelope to an envelope built in code.
func (e *Envelope) check() error {
	if len(e.Signatures) > limits.MaxSignatures {
		return fmt.Errorf("%w: %w: envelope has %d signatures, limit %d", ErrMalformed, ErrTooLarge, len(e.Signatures), limits.MaxSignatures)
	}
	if e.PayloadType == "" {
		return malformedf("envelope", "empty payloadType")
	}
	if len(e.PayloadType) > maxPayloadTypeBytes {
		return fmt.Errorf("%w: %w: payloadType is %d bytes, limit %d", ErrMalformed, ErrTooLarge, len(e.PayloadType), maxPayloadTypeBytes)
	}
	if !utf8.ValidString(e.PayloadType) {
		return malformedf("envelope", "payloadType %q is not valid UTF-8", truncate(e.PayloadType))
	}
	for i, s := range e.Signatures {
		if len(s.KeyID) > maxKeyIDBytes {
			return fmt.Errorf("%w: %w: signatures[%d].keyid is %d bytes, limit %d", ErrMalformed, ErrTooLarge, i, len(s.KeyID), maxKeyIDBytes)
		}
		if !utf8.ValidString(s.KeyID) {
			return malformedf("envelope", "signatures[%d].keyid %q is not valid UTF-8", i, truncate(s.KeyID))
		}
		if len(s.Sig) > maxSignatureBytes {
			return fmt.Errorf("%w: %w: signatures[%d].sig is %d bytes, limit %d", ErrMalformed, ErrTooLarge, i, len(s.Sig), maxSignatureBytes)
		}
	}
	return nil
}

// MarshalJSON implements json.Marshaler with the encoding of Marshal.
func (e Envelope) MarshalJSON() ([]byte, error) { return e.Marshal() }

// UnmarshalJSON implements json.Unmarshaler with the rules of
// ParseEnvelope.
func (e *Envelope) UnmarshalJSON(data []byte) error {
	v, err := ParseEnvelope(data)
	if err != nil {
		return err
	}
	*e = *v
	return nil
}

// Statement decodes the envelope's payload as an in-toto statement. It
// fails unless the payloadType is PayloadType.
func (e *Envelope) Statement() (*Statement, error) {
	if e.PayloadType != PayloadType {
		return nil, malformedf("envelope", "payloadType %q is not %q", truncate(e.PayloadType), PayloadType)
	}
	return ParseStatement(e.Payload)
}

// DecodeBase64 decodes standard or URL-safe base64, padded or not, and
// rejects everything else: mixed alphabets, non-zero padding bits, line
// breaks and other characters. It is the decoder of ParseEnvelope, for
// other formats that embed DSSE fields.
func DecodeBase64(s string) ([]byte, error) {
	// encoding/base64 skips '\r' and '\n' silently; a signed value must have
	// one text form per byte string, so they are refused here.
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("base64 value contains a line break")
	}
	url := strings.ContainsAny(s, "-_")
	if url && strings.ContainsAny(s, "+/") {
		return nil, fmt.Errorf("base64 value mixes the standard and URL-safe alphabets")
	}
	var enc *base64.Encoding
	switch padded := strings.HasSuffix(s, "="); {
	case url && padded:
		enc = base64.URLEncoding
	case url:
		enc = base64.RawURLEncoding
	case padded:
		enc = base64.StdEncoding
	default:
		enc = base64.RawStdEncoding
	}
	out, err := enc.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("invalid base64: %v", err)
	}
	return out, nil
}

// Strict encodings, made once (Encoding.Strict copies the whole table).
var (
	base64Std    = base64.StdEncoding.Strict()
	base64RawStd = base64.RawStdEncoding.Strict()
	base64URL    = base64.URLEncoding.Strict()
	base64RawURL = base64.RawURLEncoding.Strict()
)

// decodeBase64 is DecodeBase64 of the text b, rule for rule and error for
// error, without copying b into a string first; its tests (and the
// envelope differential fuzz target) hold it to DecodeBase64.
func decodeBase64(b []byte) ([]byte, error) {
	if bytes.IndexByte(b, '\r') >= 0 || bytes.IndexByte(b, '\n') >= 0 {
		return nil, fmt.Errorf("base64 value contains a line break")
	}
	url := bytes.IndexByte(b, '-') >= 0 || bytes.IndexByte(b, '_') >= 0
	if url && (bytes.IndexByte(b, '+') >= 0 || bytes.IndexByte(b, '/') >= 0) {
		return nil, fmt.Errorf("base64 value mixes the standard and URL-safe alphabets")
	}
	var enc *base64.Encoding
	switch padded := len(b) > 0 && b[len(b)-1] == '='; {
	case url && padded:
		enc = base64URL
	case url:
		enc = base64RawURL
	case padded:
		enc = base64Std
	default:
		enc = base64RawStd
	}
	out := make([]byte, enc.DecodedLen(len(b)))
	n, err := enc.Decode(out, b)
	if err != nil {
		return nil, fmt.Errorf("invalid base64: %v", err)
	}
	return out[:n], nil
}

// compile-time checks
var (
	_ json.Marshaler   = Envelope{}
	_ json.Unmarshaler = (*Envelope)(nil)
)
