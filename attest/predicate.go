package attest

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Predicate is implemented by typed predicates: the value a statement's
// predicateType names. Any JSON-marshalable type with this method can be
// passed to [NewPredicateStatement].
type Predicate interface {
	// PredicateType returns the URI to put in the statement's
	// predicateType, e.g. "https://slsa.dev/provenance/v1".
	PredicateType() string
}

// validator is implemented by predicates that check their own schema.
type validator interface{ Validate() error }

// NewPredicateStatement is NewStatement for a typed predicate: the
// predicateType comes from the predicate. If the predicate has a
// Validate method, it must pass.
func NewPredicateStatement(p Predicate, subjects ...ResourceDescriptor) (*Statement, error) {
	if p == nil || (reflect.ValueOf(p).Kind() == reflect.Pointer && reflect.ValueOf(p).IsNil()) {
		return nil, malformedf("predicate", "nil predicate")
	}
	if v, ok := p.(validator); ok {
		if err := v.Validate(); err != nil {
			return nil, malformed("predicate", err)
		}
	}
	return NewStatement(p.PredicateType(), p, subjects...)
}

// Predicates is a registry of predicate types: it maps predicate type
// URIs to the Go types their predicates decode into. Each registry is a
// value of its own; there is no global one. [DefaultPredicates] returns a
// new registry holding the built-in types, [Register] adds a type to a
// registry, and [Predicates.Decode] decodes a statement's predicate with
// it. Registering in one registry never changes another, nor
// [PredicateAs] and [DecodePredicate], which know the built-in types only.
//
// The zero value is an empty registry, ready to use: it knows no type,
// not even the built-in ones, until types are registered in it. Start
// from [DefaultPredicates] to decode the built-in types as well. A nil
// *Predicates is an empty registry for Lookup and Decode; Register fails
// on it.
//
// A URI whose last path segment is a version, "…/v<major>[.<minor>[.<patch>]]",
// is matched by version: a type registered for ".../v1" decodes ".../v1",
// ".../v1.0" and ".../v1.1", since minor versions of a predicate are
// backwards compatible (in-toto attestation versioning rules). Below 1.0
// the minor version must match too (".../v0.2" does not decode ".../v0.3").
// A type registered for a URI without a version (e.g.
// "https://cyclonedx.org/bom") also decodes every versioned form of it,
// unless a more specific registration exists. URIs with a query or
// fragment ("…/v1.0?draft") match only exactly.
//
// A Predicates is safe for concurrent use. It must not be copied after
// first use.
type Predicates struct {
	mu    sync.RWMutex
	byKey map[string]reflect.Type
}

// DefaultPredicates returns a new registry holding the built-in predicate
// types: [ProvenanceV1], [ProvenanceV02], [VSA], [SPDXDocument],
// [CycloneDXBOM], [TestResult], [Vulns] and [OpenVEX], under the
// Predicate* type URIs. Every call returns an independent copy: what is
// registered in it changes nothing else.
func DefaultPredicates() *Predicates {
	return &Predicates{byKey: maps.Clone(builtinTypes)}
}

// builtinTypes holds the lookup keys of the built-in predicate types. It
// is filled once, during package initialization, and never written
// again: DefaultPredicates copies it, PredicateAs and DecodePredicate
// only read it.
var builtinTypes = builtins()

func builtins() map[string]reflect.Type {
	var p Predicates
	mustRegister[ProvenanceV1](&p, PredicateSLSAProvenanceV1)
	mustRegister[ProvenanceV02](&p, PredicateSLSAProvenanceV02)
	mustRegister[VSA](&p, PredicateVSAV1)
	mustRegister[SPDXDocument](&p, PredicateSPDX, "https://spdx.dev/Document/v2")
	mustRegister[CycloneDXBOM](&p, PredicateCycloneDX)
	mustRegister[TestResult](&p, PredicateTestResult)
	mustRegister[Vulns](&p, PredicateVulns)
	mustRegister[OpenVEX](&p, PredicateOpenVEX, "https://openvex.dev/ns")
	return p.byKey
}

func mustRegister[T any](p *Predicates, uris ...string) {
	for _, u := range uris {
		if err := Register[T](p, u); err != nil {
			panic(err)
		}
	}
}

var versionSegment = regexp.MustCompile(`^v(0|[1-9][0-9]{0,8})(?:\.(0|[1-9][0-9]{0,8}))?(?:\.(0|[1-9][0-9]{0,8}))?$`)

// registryKeys returns the lookup keys of a type URI, most specific first.
func registryKeys(uri string) []string {
	keys := []string{"=" + uri}
	if strings.ContainsAny(uri, "?#") {
		return keys
	}
	i := strings.LastIndexByte(uri, '/')
	if i < 0 {
		return keys
	}
	base, seg := uri[:i], uri[i+1:]
	m := versionSegment.FindStringSubmatch(seg)
	if m == nil {
		return append(keys, "*"+uri) // unversioned: its own base
	}
	major, _ := strconv.Atoi(m[1])
	if major == 0 {
		minor := m[2]
		if minor == "" {
			minor = "0"
		}
		keys = append(keys, fmt.Sprintf("v%s@%d.%s", base, major, minor))
	} else {
		keys = append(keys, fmt.Sprintf("v%s@%d", base, major))
	}
	return append(keys, "*"+base)
}

// MatchPredicateType reports whether a statement's predicateType got is
// of the type want names, by the rules a registry uses (see
// [Predicates]): equal; or of the same major version from 1 on
// ("https://slsa.dev/provenance/v1" matches ".../v1.1"; below 1.0 the
// minor version must match too); or, for a want without a version
// ("https://cyclonedx.org/bom"), any version of it. Comparison is exact
// and case-sensitive otherwise: ".../v1" never matches ".../v1-evil" or
// ".../V1".
func MatchPredicateType(want, got string) bool {
	if want == got {
		return true
	}
	key := registrationKey(want)
	for _, k := range registryKeys(got) {
		if k == key {
			return true
		}
	}
	return false
}

// registrationKey is the key a registration for uri is stored under.
func registrationKey(uri string) string {
	k := registryKeys(uri)
	if len(k) == 1 {
		return k[0]
	}
	return k[1]
}

// Register registers T in p as the Go type of predicates whose type
// matches typeURI, by the rules described at [Predicates]. It fails if p
// already holds another type for the same key (a built-in type, in a
// registry from [DefaultPredicates], is never replaced). Registering the
// same type twice is a no-op.
//
// Register is a function, not a method, because methods cannot have type
// parameters.
func Register[T any](p *Predicates, typeURI string) error {
	if p == nil {
		return errors.New("attest: Register: nil *Predicates")
	}
	if err := checkURI(typeURI); err != nil {
		return fmt.Errorf("attest: Register: %v", err)
	}
	t := reflect.TypeFor[T]()
	key := registrationKey(typeURI)
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.byKey[key]; ok && old != t {
		return fmt.Errorf("attest: predicate type %q is already registered to %v", typeURI, old)
	}
	if p.byKey == nil {
		p.byKey = map[string]reflect.Type{}
	}
	p.byKey[key] = t
	return nil
}

// Lookup returns the Go type registered in p for a predicate type URI.
func (p *Predicates) Lookup(predicateType string) (reflect.Type, bool) {
	if p == nil {
		return nil, false
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	return lookupType(p.byKey, predicateType)
}

func lookupType(byKey map[string]reflect.Type, predicateType string) (reflect.Type, bool) {
	for _, k := range registryKeys(predicateType) {
		if t, ok := byKey[k]; ok {
			return t, true
		}
	}
	return nil, false
}

// Decode decodes the statement's predicate into a new value of the type
// registered in p for its predicateType and returns a pointer to it
// (a *T for a type registered with Register[T]). A predicateType p does
// not know is an error wrapping [ErrUnknownPredicateType]. Decoding is
// strict (see ParseStatement); a missing or null predicate, or one that
// fails the type's Validate method, is an error (SECURITY.md C17: a
// predicate that does not parse is never skipped).
func (p *Predicates) Decode(st *Statement) (any, error) {
	if st == nil {
		return nil, malformedf("statement", "nil statement")
	}
	t, ok := p.Lookup(st.PredicateType)
	return decodeAs(st, t, ok)
}

// DecodePredicate is [Predicates.Decode] with the built-in types only, as
// [DefaultPredicates] returns them. Types registered in any registry play
// no part.
func DecodePredicate(st *Statement) (any, error) {
	if st == nil {
		return nil, malformedf("statement", "nil statement")
	}
	t, ok := lookupType(builtinTypes, st.PredicateType)
	return decodeAs(st, t, ok)
}

func decodeAs(st *Statement, t reflect.Type, ok bool) (any, error) {
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownPredicateType, truncate(st.PredicateType))
	}
	v := reflect.New(t)
	if err := decodePredicate(st, v.Interface()); err != nil {
		return nil, err
	}
	return v.Interface(), nil
}

// PredicateAs decodes the statement's predicate as a T, one of the
// built-in types (see [DefaultPredicates]). It fails with ErrPredicateType
// unless T is the built-in type for the statement's predicateType, so
// asking for SLSA provenance never decodes some other predicate that
// happens to have similar fields. Decoding is strict, as in
// [DecodePredicate]. For a type of your own, use [Predicates.Decode] and
// a type assertion.
func PredicateAs[T any](st *Statement) (*T, error) {
	if st == nil {
		return nil, malformedf("statement", "nil statement")
	}
	want := reflect.TypeFor[T]()
	t, ok := lookupType(builtinTypes, st.PredicateType)
	if !ok || t != want {
		return nil, fmt.Errorf("%w: predicateType %q does not decode as %v", ErrPredicateType, truncate(st.PredicateType), want)
	}
	p := new(T)
	if err := decodePredicate(st, p); err != nil {
		return nil, err
	}
	return p, nil
}

func decodePredicate(st *Statement, into any) error {
	if !st.HasPredicate() {
		return malformedf("predicate", "%s statement has no predicate", truncate(st.PredicateType))
	}
	if err := strictjson.Unmarshal(st.Predicate, into, limits.MaxStatementBytes); err != nil {
		return malformed("predicate", err)
	}
	if v, ok := into.(validator); ok {
		if err := v.Validate(); err != nil {
			return malformed("predicate", err)
		}
	}
	return nil
}

// errField reports a missing required field of a predicate.
func errField(name string) error { return errors.New("missing required field " + name) }
