package policy

import (
	"errors"
	"fmt"
	"maps"
	"sync"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/verify"
)

// MaxEvidence bounds the verification results one Evidence holds.
const MaxEvidence = 4096

// Evidence is the set of verified attestations about one artifact, which
// a policy decides on. It is made only from results that package verify
// returned ([verify.Result.Verified]) and whose subject matches the
// artifact, so a rule never sees unverified bytes, a statement about
// another artifact, or metadata the caller put next to the signed data
// (SECURITY.md C77, C79, C89). Every predicate is decoded once, strictly,
// when the Evidence is made.
//
// An Evidence is immutable and safe for concurrent use.
type Evidence struct {
	artifact digest.Set
	items    []Item
}

// Item is one verified attestation of an Evidence: a DSSE envelope or a
// Sigstore bundle that verified, with what the verification established.
// Rules receive items by pointer and must not change them.
type Item struct {
	// Index is the item's position in the Evidence.
	Index int
	// Input is the digest of the verified envelope or bundle
	// (verify.Result.Input), which a VSA's inputAttestations names.
	Input digest.Digest
	// Statement is the verified in-toto statement; nil for a bundle that
	// signs the artifact directly (a message signature).
	Statement *attest.Statement
	// PredicateType is the statement's predicateType ("" for a message
	// signature).
	PredicateType string
	// Subject is the statement subject that matched the artifact; nil for
	// a message signature.
	Subject *attest.ResourceDescriptor
	// Digests are the artifact digests the verification compared.
	Digests digest.Set
	// Signers are the distinct verified signers: keys, or certificates
	// with their identity and Fulcio claims.
	Signers []verify.Signer
	// Times are the verified signing times with their source; a bare key
	// signature has one of source verify.TimeSourceNone.
	Times []verify.VerifiedTime

	predicate    any
	predicateErr error
	ambiguous    bool
	memo         *memo
}

// memo holds the views of an item that rule packs decoded, once each.
type memo struct {
	mu     sync.Mutex
	values map[any]memoEntry
}

type memoEntry struct {
	v   any
	err error
}

// Cached returns what decode returns for key, calling it once per item
// and key: rule packs use it to decode a view of the statement (an SBOM
// document, say) once per evidence, not once per decision. decode reads
// only the item's verified statement; key should be a value of an
// unexported type of the caller's package, as with context keys.
func (it *Item) Cached(key any, decode func() (any, error)) (any, error) {
	if it.memo == nil {
		return decode()
	}
	it.memo.mu.Lock()
	defer it.memo.mu.Unlock()
	if e, ok := it.memo.values[key]; ok {
		return e.v, e.err
	}
	v, err := decode()
	if it.memo.values == nil {
		it.memo.values = map[any]memoEntry{}
	}
	it.memo.values[key] = memoEntry{v, err}
	return v, err
}

// Predicate returns the item's predicate decoded by the strict decoder
// of its predicateType (a pointer, e.g. *attest.ProvenanceV1), or the
// error that decoding returned: a predicate that does not decode, or of
// a type no decoder is registered for, is an error and never a value a
// rule could mistake for a valid one (SECURITY.md C17, C78, C82).
func (it *Item) Predicate() (any, error) {
	if it.Statement == nil {
		return nil, fmt.Errorf("%w: a message signature has no predicate", ErrPredicate)
	}
	return it.predicate, it.predicateErr
}

// AmbiguousSubjects reports whether the statement names one subject
// twice with different digests. Rules that match subjects by name treat
// such an item as an error.
func (it *Item) AmbiguousSubjects() bool { return it.ambiguous }

// EvidenceOption configures NewEvidence.
type EvidenceOption func(*evidenceConfig)

type evidenceConfig struct {
	predicates *attest.Predicates
	extra      []string
}

// WithDigestAlgorithms accepts subjects matched by digests of algorithms
// this module does not compute, which the caller vouches for, such as
// "gce_image_id" in Google's VSAs (see verify.WithSubjectDigest and
// digest.Set.MatchWith).
func WithDigestAlgorithms(algorithms ...string) EvidenceOption {
	return func(c *evidenceConfig) { c.extra = append(c.extra, algorithms...) }
}

// WithPredicates decodes predicates with the types registered in p
// (attest.DefaultPredicates and your own) instead of the built-in types
// alone.
func WithPredicates(p *attest.Predicates) EvidenceOption {
	return func(c *evidenceConfig) { c.predicates = p }
}

// NewEvidence returns the evidence about the artifact whose digests were
// computed locally as artifact (e.g. with digest.SetFromFile), made of
// results. Each result must come from a successful verification
// ([verify.Result.Verified]) that checked the artifact (not under
// verify.WithoutArtifactUnsafe), and its subject must match artifact by
// the rules of digest.Set.Match; otherwise NewEvidence fails with
// ErrEvidence and says which result and why. A result given twice (the
// same input digest) is kept once, so it cannot be counted twice.
//
// An empty results list gives empty evidence, which every policy denies
// unless it was made with AllowEmptyEvidence.
func NewEvidence(artifact digest.Set, results []*verify.Result, opts ...EvidenceOption) (*Evidence, error) {
	var cfg evidenceConfig
	for _, o := range opts {
		o(&cfg)
	}
	if err := artifact.Validate(); err != nil {
		return nil, errorf(ErrEvidence, "artifact digests: %v", err)
	}
	if len(results) > MaxEvidence {
		return nil, errorf(ErrEvidence, "%d results, limit %d", len(results), MaxEvidence)
	}
	ev := &Evidence{artifact: cloneSet(artifact), items: make([]Item, 0, len(results))}
	seen := make(map[digest.Digest]bool, len(results))
	for i, res := range results {
		if err := admit(res, artifact, cfg.extra); err != nil {
			return nil, errorf(ErrEvidence, "result %d: %v", i, err)
		}
		if !res.Input.IsZero() {
			if seen[res.Input] {
				continue
			}
			seen[res.Input] = true
		}
		ev.items = append(ev.items, newItem(len(ev.items), res, cfg.predicates))
	}
	return ev, nil
}

// admit checks that res may enter evidence about artifact.
func admit(res *verify.Result, artifact digest.Set, extra []string) error {
	switch {
	case res == nil:
		return errors.New("nil result")
	case !res.Verified():
		return errors.New("not the result of a successful verification (a literal or decoded Result is never evidence)")
	case len(res.Signers) == 0:
		return errors.New("no verified signer")
	}
	for _, c := range res.Skipped {
		if c == verify.CheckSubject {
			return errors.New("verified without an artifact (WithoutArtifactUnsafe); verify it against the artifact")
		}
	}
	claimed := res.ArtifactDigests
	if res.Statement != nil {
		if res.Subject == nil {
			return errors.New("no subject matched the artifact")
		}
		claimed = res.Subject.Digest
	}
	if _, err := claimed.MatchWith(artifact, extra...); err != nil {
		return fmt.Errorf("subject %q is another artifact: %v", truncate(subjectName(res)), err)
	}
	return nil
}

func subjectName(res *verify.Result) string {
	if res.Subject != nil {
		return res.Subject.Name
	}
	return ""
}

func newItem(index int, res *verify.Result, preds *attest.Predicates) Item {
	it := Item{
		Index:     index,
		Input:     res.Input,
		Statement: res.Statement,
		Subject:   res.Subject,
		Digests:   cloneSet(res.ArtifactDigests),
		Signers:   res.Signers,
		Times:     res.Times,
		memo:      &memo{},
	}
	if st := res.Statement; st != nil {
		it.PredicateType = st.PredicateType
		if preds != nil {
			it.predicate, it.predicateErr = preds.Decode(st)
		} else {
			it.predicate, it.predicateErr = attest.DecodePredicate(st)
		}
		if it.predicateErr != nil {
			it.predicate = nil
			it.predicateErr = fmt.Errorf("%w: %w", ErrPredicate, it.predicateErr)
		}
		it.ambiguous = ambiguous(st.Subject)
	}
	return it
}

// ambiguous reports whether two subjects share a name but not digests.
func ambiguous(subjects []attest.ResourceDescriptor) bool {
	byName := make(map[string]digest.Set, len(subjects))
	for _, s := range subjects {
		if prev, ok := byName[s.Name]; ok && !maps.Equal(prev, s.Digest) {
			return true
		}
		byName[s.Name] = s.Digest
	}
	return false
}

func cloneSet(s digest.Set) digest.Set {
	if s == nil {
		return nil
	}
	c := make(digest.Set, len(s))
	for k, v := range s {
		c[k] = v
	}
	return c
}

// Artifact returns the artifact's digests (a copy).
func (ev *Evidence) Artifact() digest.Set { return cloneSet(ev.artifact) }

// Len returns the number of items.
func (ev *Evidence) Len() int {
	if ev == nil {
		return 0
	}
	return len(ev.items)
}

// Items returns the items; the slice is the Evidence's own and must not
// be changed.
func (ev *Evidence) Items() []Item {
	if ev == nil {
		return nil
	}
	return ev.items
}

// Inputs returns the input digests of the items, in order.
func (ev *Evidence) Inputs() []digest.Digest {
	out := make([]digest.Digest, 0, ev.Len())
	for i := range ev.Items() {
		if d := ev.items[i].Input; !d.IsZero() {
			out = append(out, d)
		}
	}
	return out
}
