package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Statement types and the DSSE payload type of in-toto statements.
const (
	// StatementTypeV1 is the _type of in-toto Statement v1.
	StatementTypeV1 = "https://in-toto.io/Statement/v1"
	// StatementTypeV01 is the _type of in-toto Statement v0.1, still used
	// by SLSA provenance v0.2. It is read, never written.
	StatementTypeV01 = "https://in-toto.io/Statement/v0.1"
	// PayloadType is the DSSE payloadType of an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
)

// Statement is an in-toto attestation Statement: which artifacts (the
// subjects) a claim (the predicate) is about. The JSON form is the spec's
// (spec/v1/statement.md), field for field.
//
// Predicate holds the predicate's JSON as it was received; decode it with
// [DecodePredicate], [PredicateAs] or [Predicates.Decode]. That keeps parsing lazy and keeps
// the signed bytes the only source of truth.
type Statement struct {
	// Type is the statement's _type, StatementTypeV1 for new statements.
	Type string `json:"_type"`
	// Subject lists the artifacts the statement is about; at least one.
	Subject []ResourceDescriptor `json:"subject"`
	// PredicateType is the URI naming the predicate's schema.
	PredicateType string `json:"predicateType"`
	// Predicate is the predicate's JSON object, or nil.
	Predicate json.RawMessage `json:"predicate,omitempty"`
}

// ResourceDescriptor describes a resource (an artifact, a dependency, a
// configuration file) by name, location and digests, as in
// spec/v1/resource_descriptor.md.
type ResourceDescriptor struct {
	// Name (name) identifies the resource among the others of its list,
	// such as a file name; empty if absent.
	Name string `json:"name,omitempty"`
	// URI (uri) identifies the resource globally. The spec requires one
	// of URI, Digest and Content.
	URI string `json:"uri,omitempty"`
	// Digest (digest) holds digests of the resource's content. A
	// statement's subjects need a valid, non-empty set.
	Digest digest.Set `json:"digest,omitempty"`
	// Content (content) is the resource's content itself, base64 in the
	// JSON; nil if absent.
	Content []byte `json:"content,omitempty"`
	// DownloadLocation (downloadLocation) is where the resource can be
	// fetched, if that differs from URI.
	DownloadLocation string `json:"downloadLocation,omitempty"`
	// MediaType (mediaType) is the resource's media (MIME) type; empty
	// if absent.
	MediaType string `json:"mediaType,omitempty"`
	// Annotations (annotations) holds further information about the
	// resource, for policies to evaluate; nil if absent.
	Annotations map[string]any `json:"annotations,omitempty"`
}

// Subject returns a ResourceDescriptor for a statement subject: a name and
// the digests of the artifact.
func Subject(name string, digests ...digest.Digest) ResourceDescriptor {
	return ResourceDescriptor{Name: name, Digest: digest.NewSet(digests...)}
}

// NewStatement returns a v1 statement of the given predicate about the
// subjects. The predicate is encoded to JSON now, so the statement holds
// exactly the bytes that will be signed; it may be a Go value, a
// json.RawMessage or nil.
func NewStatement(predicateType string, predicate any, subjects ...ResourceDescriptor) (*Statement, error) {
	st := &Statement{Type: StatementTypeV1, Subject: subjects, PredicateType: predicateType}
	if predicate != nil {
		raw, err := marshalCanonical(predicate)
		if err != nil {
			return nil, fmt.Errorf("attest: encoding predicate: %w", err)
		}
		st.Predicate = raw
	}
	if err := st.Validate(); err != nil {
		return nil, err
	}
	return st, nil
}

// ParseStatement decodes and validates a JSON statement. It is strict:
// besides the checks of Validate, the input must be valid UTF-8 of at
// most limits.MaxStatementBytes, with no duplicate keys, no key that
// differs from a field name only in case, and nothing after the value.
// Unknown fields are ignored, as the spec requires.
func ParseStatement(data []byte) (*Statement, error) {
	st, err := decodeStatement(data)
	if err != nil {
		return nil, malformed("statement", err)
	}
	if err := st.Validate(); err != nil {
		return nil, err
	}
	return st, nil
}

var statementType = reflect.TypeFor[Statement]()

// statementOptions bound the subject list and its digest sets while
// scanning, before anything is allocated for them (SECURITY.md C22): the
// counts are checked again by Validate.
var statementOptions = strictjson.Options{
	MaxBytes: limits.MaxStatementBytes,
	MaxLen: map[string]int{
		"subject":          limits.MaxSubjects,
		"subject[].digest": limits.MaxDigestsPerSubject,
	},
}

// Validate checks the statement against the in-toto v1 rules: a known
// _type (exact match), 1 to limits.MaxSubjects subjects each with a valid
// digest set, a predicateType URI, and a predicate that is absent, null or
// a JSON object. Errors wrap ErrMalformed.
func (st *Statement) Validate() error {
	if st == nil {
		return malformedf("statement", "nil statement")
	}
	switch st.Type {
	case StatementTypeV1, StatementTypeV01:
	default:
		return malformedf("statement", "_type %q is not %q", truncate(st.Type), StatementTypeV1)
	}
	if len(st.Subject) == 0 {
		return fmt.Errorf("%w: %w", ErrMalformed, ErrNoSubject)
	}
	if len(st.Subject) > limits.MaxSubjects {
		return fmt.Errorf("%w: %w: %d subjects, limit %d", ErrMalformed, ErrTooLarge, len(st.Subject), limits.MaxSubjects)
	}
	for i := range st.Subject {
		if err := st.Subject[i].validateSubject(); err != nil {
			return fmt.Errorf("%w: subject[%d]: %w", ErrMalformed, i, err)
		}
	}
	if err := checkURI(st.PredicateType); err != nil {
		return malformedf("statement", "predicateType: %v", err)
	}
	if p := bytes.TrimSpace(st.Predicate); len(p) > 0 && !bytes.Equal(p, []byte("null")) && p[0] != '{' {
		return malformedf("statement", "predicate is not a JSON object")
	}
	return nil
}

func (rd *ResourceDescriptor) validateSubject() error {
	if len(rd.Digest) > limits.MaxDigestsPerSubject {
		return fmt.Errorf("%w: %d digests, limit %d", ErrTooLarge, len(rd.Digest), limits.MaxDigestsPerSubject)
	}
	if err := rd.Digest.Validate(); err != nil {
		return err
	}
	if err := checkText(rd.Name); err != nil {
		return fmt.Errorf("name: %v", err)
	}
	for _, f := range [...]struct{ name, v string }{{"uri", rd.URI}, {"downloadLocation", rd.DownloadLocation}, {"mediaType", rd.MediaType}} {
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("%s: %q is not valid UTF-8", f.name, truncate(f.v))
		}
	}
	return nil
}

// Marshal returns the statement's JSON: compact, fields in spec order, map
// keys sorted, no HTML escaping. The same statement always gives the same
// bytes.
//
// It fails for a statement that ParseStatement would reject, one larger
// than limits.MaxStatementBytes included.
func (st *Statement) Marshal() ([]byte, error) {
	if err := st.Validate(); err != nil {
		return nil, err
	}
	b, err := marshalCanonical(st)
	if err != nil {
		return nil, malformed("statement", err)
	}
	// The predicate is raw JSON from the caller: it may repeat a key, nest
	// too deep or make the statement too large. Never emit what
	// ParseStatement would refuse.
	if err := strictjson.CheckWith(b, statementType, statementOptions); err != nil {
		return nil, malformed("statement", err)
	}
	return b, nil
}

// Digests returns the subjects' digest sets.
func (st *Statement) Digests() []digest.Set {
	out := make([]digest.Set, len(st.Subject))
	for i, s := range st.Subject {
		out[i] = s.Digest
	}
	return out
}

// HasPredicate reports whether the statement carries a non-null predicate.
func (st *Statement) HasPredicate() bool {
	p := bytes.TrimSpace(st.Predicate)
	return len(p) > 0 && !bytes.Equal(p, []byte("null"))
}

// clone returns a deep copy, so a caller holding the result cannot change
// what another holder sees.
func (st *Statement) clone() *Statement {
	if st == nil {
		return nil
	}
	c := *st
	c.Predicate = bytes.Clone(st.Predicate)
	c.Subject = make([]ResourceDescriptor, len(st.Subject))
	for i, s := range st.Subject {
		c.Subject[i] = s
		c.Subject[i].Digest = make(digest.Set, len(s.Digest))
		for k, v := range s.Digest {
			c.Subject[i].Digest[k] = v
		}
		c.Subject[i].Content = bytes.Clone(s.Content)
		if s.Annotations != nil {
			c.Subject[i].Annotations = deepCopy(s.Annotations).(map[string]any)
		}
	}
	return &c
}

// deepCopy copies the values encoding/json produces for interface fields.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v // strings, numbers, bools, nil: immutable
	}
}

// Clone returns a deep copy of the statement.
func (st *Statement) Clone() *Statement { return st.clone() }

// marshalCanonical encodes v compactly without HTML escaping; encoding/json
// already sorts map keys and keeps struct field order.
func marshalCanonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkURI accepts a non-empty, bounded string without white space or
// control characters: the shape of a type URI.
func checkURI(s string) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	if len(s) > 2048 {
		return fmt.Errorf("%d bytes, limit 2048", len(s))
	}
	if printableASCII(s) {
		return nil
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == utf8.RuneError {
			return fmt.Errorf("%q contains white space or a control character", truncate(s))
		}
	}
	return nil
}

// checkText rejects invalid UTF-8 and control characters (NUL among them)
// in names. encoding/json would write invalid UTF-8 as U+FFFD, so two
// different names could marshal to the same text (SECURITY.md C21).
func checkText(s string) error {
	if len(s) > 4096 {
		return fmt.Errorf("%d bytes, limit 4096", len(s))
	}
	if printableASCII(s) || s == "" {
		return nil
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%q is not valid UTF-8", truncate(s))
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("%q contains a control character", truncate(s))
	}
	return nil
}

// printableASCII reports whether s is non-empty and all of it printable
// ASCII other than space: text both checks above accept at once.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return s != ""
}

func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
