package attest

import (
	"errors"
	"fmt"
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

// The registry maps predicate type URIs to Go types.
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
var registry = struct {
	sync.RWMutex
	byKey map[string]reflect.Type
}{byKey: map[string]reflect.Type{}}

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

// registrationKey is the key a registration for uri is stored under.
func registrationKey(uri string) string {
	k := registryKeys(uri)
	if len(k) == 1 {
		return k[0]
	}
	return k[1]
}

// RegisterPredicate registers T as the Go type of predicates whose type
// matches typeURI, as described above. It fails if another type is already
// registered for the same key. Registering the same type twice is a no-op.
func RegisterPredicate[T any](typeURI string) error {
	if err := checkURI(typeURI); err != nil {
		return fmt.Errorf("attest: RegisterPredicate: %v", err)
	}
	t := reflect.TypeFor[T]()
	key := registrationKey(typeURI)
	registry.Lock()
	defer registry.Unlock()
	if old, ok := registry.byKey[key]; ok && old != t {
		return fmt.Errorf("attest: predicate type %q is already registered to %v", typeURI, old)
	}
	registry.byKey[key] = t
	return nil
}

func mustRegister[T any](uris ...string) {
	for _, u := range uris {
		if err := RegisterPredicate[T](u); err != nil {
			panic(err)
		}
	}
}

// LookupPredicate returns the Go type registered for a predicate type URI.
func LookupPredicate(predicateType string) (reflect.Type, bool) {
	registry.RLock()
	defer registry.RUnlock()
	for _, k := range registryKeys(predicateType) {
		if t, ok := registry.byKey[k]; ok {
			return t, true
		}
	}
	return nil, false
}

// DecodePredicate decodes the statement's predicate into a new value of
// the type registered for its predicateType and returns a pointer to it.
// Decoding is strict (see ParseStatement); a missing or null predicate, or
// one that fails the type's Validate method, is an error (SECURITY.md
// C17: a predicate that does not parse is never skipped).
func DecodePredicate(st *Statement) (any, error) {
	if st == nil {
		return nil, malformedf("statement", "nil statement")
	}
	t, ok := LookupPredicate(st.PredicateType)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownPredicateType, truncate(st.PredicateType))
	}
	p := reflect.New(t)
	if err := decodePredicate(st, p.Interface()); err != nil {
		return nil, err
	}
	return p.Interface(), nil
}

// PredicateAs decodes the statement's predicate as a T. It fails with
// ErrPredicateType unless T is the type registered for the statement's
// predicateType, so asking for SLSA provenance never decodes some other
// predicate that happens to have similar fields.
func PredicateAs[T any](st *Statement) (*T, error) {
	if st == nil {
		return nil, malformedf("statement", "nil statement")
	}
	want := reflect.TypeFor[T]()
	t, ok := LookupPredicate(st.PredicateType)
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
