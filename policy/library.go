package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/verify"
)

// attestations applies an item rule to the items of a predicate type.
type attestations struct {
	id    string
	types []string
	every bool
	rule  Rule[Item]
}

// Require passes when the evidence holds at least one attestation whose
// predicateType matches predicateType (by attest.MatchPredicateType:
// ".../provenance/v1" matches ".../v1.1") and every such attestation
// passes rule. Every instance is evaluated, so the outcome does not
// depend on their order and a failing attestation cannot hide behind a
// passing one of the same type (SECURITY.md C81); none at all fails with
// ErrNoEvidence (C80).
func Require(predicateType string, rule Rule[Item]) Rule[Evidence] {
	return &attestations{id: "require", types: []string{predicateType}, every: true, rule: rule}
}

// RequireTypes is Require for attestations of any of several predicate
// types read by one rule, such as SLSA provenance v1 and v0.2: at least
// one attestation of these types, and every one passes rule.
func RequireTypes(types []string, rule Rule[Item]) Rule[Evidence] {
	return &attestations{id: "require", types: types, every: true, rule: rule}
}

// RequireAny passes when at least one attestation of the predicate type
// passes rule: for evidence where several attestations of a type exist
// and one suffices (e.g. one approval among several reviews). Prefer
// Require.
func RequireAny(predicateType string, rule Rule[Item]) Rule[Evidence] {
	return &attestations{id: "require-any", types: []string{predicateType}, rule: rule}
}

func (r *attestations) Validate() error {
	if len(r.types) == 0 {
		return fmt.Errorf("%w: %s: no predicate type", ErrInvalidPolicy, r.id)
	}
	for _, t := range r.types {
		if t == "" {
			return fmt.Errorf("%w: %s: empty predicate type", ErrInvalidPolicy, r.id)
		}
	}
	return validateOne(r.id, r.rule)
}

// matches reports whether it is an attestation of one of the types.
func (r *attestations) matches(it *Item) bool {
	if it.Statement == nil {
		return false
	}
	for _, t := range r.types {
		if attest.MatchPredicateType(t, it.PredicateType) {
			return true
		}
	}
	return false
}

func (r *attestations) Eval(c *Context, ev *Evidence) Outcome {
	out, n := Fail, 0
	if r.every {
		out = Pass
	}
	for i := range ev.items {
		it := &ev.items[i]
		if !r.matches(it) {
			continue
		}
		n++
		o := r.rule.Eval(c, it)
		if r.every {
			out = and(out, o)
		} else {
			out = or(out, o)
		}
	}
	if n == 0 {
		return Fail
	}
	return out
}

func (r *attestations) Explain(c *Context, ev *Evidence) Finding {
	quoted := make([]string, len(r.types))
	for i, t := range r.types {
		quoted[i] = strconv.Quote(t)
	}
	f := Finding{Rule: r.id, Want: strings.Join(quoted, " or ")}
	out := Fail
	if r.every {
		out = Pass
	}
	for i := range ev.items {
		it := &ev.items[i]
		if !r.matches(it) {
			continue
		}
		ch := r.rule.Explain(c, it)
		ch.Attestation = it.Input
		f.Children = append(f.Children, ch)
		if r.every {
			out = and(out, ch.effective())
		} else {
			out = or(out, ch.effective())
		}
	}
	if len(f.Children) == 0 {
		f.Outcome, f.err = Fail, ErrNoEvidence
		f.Path = "predicateType"
		f.Got = predicateTypes(ev)
		f.Message = "no matching evidence"
		return f
	}
	f.Outcome = out
	return f
}

// predicateTypes lists the predicate types of the evidence, for a
// finding.
func predicateTypes(ev *Evidence) string {
	var types []string
	seen := map[string]bool{}
	for i := range ev.items {
		pt := ev.items[i].PredicateType
		if pt == "" {
			pt = "(message signature)"
		}
		if !seen[pt] && len(types) < 8 {
			seen[pt] = true
			types = append(types, strconv.Quote(truncate(pt)))
		}
	}
	if len(types) == 0 {
		return "no attestations"
	}
	return strings.Join(types, ", ")
}

// Predicate applies rule to the item's predicate decoded as a P, e.g.
// Predicate[attest.ProvenanceV1](slsa rules). An item whose predicate did
// not decode, or decodes as another type, errs (ErrPredicate): a
// predicate is never read by a rule for another type, and a parse error
// never passes (SECURITY.md C17, C78, C82).
func Predicate[P any](rule Rule[P]) Rule[Item] { return &predicate[P]{rule: rule} }

type predicate[P any] struct{ rule Rule[P] }

func (r *predicate[P]) Validate() error { return validateOne("predicate", r.rule) }

func (r *predicate[P]) get(it *Item) (*P, error) {
	v, err := it.Predicate()
	if err != nil {
		return nil, err
	}
	p, ok := v.(*P)
	if !ok {
		return nil, fmt.Errorf("%w: predicateType %q decodes as %T, not %T", ErrPredicate, truncate(it.PredicateType), v, p)
	}
	return p, nil
}

func (r *predicate[P]) Eval(c *Context, it *Item) Outcome {
	p, err := r.get(it)
	if err != nil {
		return Error
	}
	return r.rule.Eval(c, p)
}

func (r *predicate[P]) Explain(c *Context, it *Item) Finding {
	p, err := r.get(it)
	if err != nil {
		return Finding{Rule: "predicate", Outcome: Error, Path: "predicate", Error: err.Error(), err: ErrPredicate}
	}
	f := r.rule.Explain(c, p)
	prefixPaths(&f, "predicate")
	return f
}

// prefixPaths puts prefix before the paths of f and its children.
func prefixPaths(f *Finding, prefix string) {
	if f.Path != "" {
		f.Path = joinPath(prefix, f.Path)
	}
	for i := range f.Children {
		prefixPaths(&f.Children[i], prefix)
	}
}

// SignerMatch matches one verified signer: a trusted key by id, or a
// certificate identity. Make one with Key, KeyOf or Identity.
type SignerMatch struct {
	keyID   string
	cert    *verify.CertificateMatcher
	invalid error
}

// Key matches the key signer whose key id (verify.PublicKey.ID, the hex
// SHA-256 of its PKIX encoding) is keyID.
func Key(keyID string) SignerMatch {
	if keyID == "" {
		return SignerMatch{invalid: fmt.Errorf("%w: empty key id", ErrInvalidPolicy)}
	}
	return SignerMatch{keyID: keyID}
}

// KeyOf matches the key signer of pub.
func KeyOf(pub *verify.PublicKey) SignerMatch {
	if pub == nil {
		return SignerMatch{invalid: fmt.Errorf("%w: nil key", ErrInvalidPolicy)}
	}
	return Key(pub.ID())
}

// Identity matches the certificate signers of identity id, with the
// matching of package verify (exact SAN or an anchored RE2 expression of
// at most verify.MaxIdentityPatternBytes, the issuer likewise, Fulcio
// claims exactly). An identity without SAN or issuer criteria is invalid:
// "anyone" is never the default (SECURITY.md C83, C87).
func Identity(id verify.CertificateIdentity) SignerMatch {
	m, err := verify.NewCertificateMatcher(id)
	if err != nil {
		return SignerMatch{invalid: fmt.Errorf("%w: %w", ErrInvalidPolicy, err)}
	}
	return SignerMatch{cert: m}
}

func (m SignerMatch) validate() error {
	if m.invalid == nil && m.keyID == "" && m.cert == nil {
		return fmt.Errorf("%w: zero SignerMatch", ErrInvalidPolicy)
	}
	return m.invalid
}

func (m SignerMatch) match(s *verify.Signer) bool {
	switch {
	case m.invalid != nil:
		return false
	case m.cert != nil:
		return s.Kind == verify.SignerCertificate && m.cert.Match(s.Identity()) == nil
	}
	return s.Kind == verify.SignerKey && s.KeyID == m.keyID
}

func (m SignerMatch) String() string {
	switch {
	case m.cert != nil:
		return m.cert.String()
	case m.keyID != "":
		return "key " + m.keyID
	}
	return "<invalid>"
}

func validateMatches(what string, ms []SignerMatch) error {
	if len(ms) == 0 {
		return fmt.Errorf("%w: %s with no signers (an empty identity list is never a wildcard)", ErrInvalidPolicy, what)
	}
	for _, m := range ms {
		if err := m.validate(); err != nil {
			return err
		}
	}
	return nil
}

func describeMatches(ms []SignerMatch) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, " or ")
}

func describeSigner(s *verify.Signer) string {
	if s.Kind == verify.SignerCertificate {
		return fmt.Sprintf("SAN %q, issuer %q", truncate(s.SAN), truncate(s.Issuer))
	}
	return "key " + s.KeyID
}

func describeSigners(it *Item) string {
	parts := make([]string, len(it.Signers))
	for i := range it.Signers {
		parts[i] = describeSigner(&it.Signers[i])
	}
	return strings.Join(parts, "; ")
}

// SignedBy passes when a verified signer of the attestation matches one
// of ms.
func SignedBy(ms ...SignerMatch) Rule[Item] {
	r := &Leaf[Item]{ID: "signed-by", Path: "signers", Kind: ErrSigner, Want: describeMatches(ms)}
	r.Invalid = validateMatches("signed-by", ms)
	r.Test = func(_ *Context, it *Item) (bool, error) {
		for i := range it.Signers {
			for _, m := range ms {
				if m.match(&it.Signers[i]) {
					return true, nil
				}
			}
		}
		return false, nil
	}
	r.Got = describeSigners
	return r
}

// DistinctSigners passes when at least n distinct signers matching ms
// signed attestations of predicateType: m-of-n approval. Signers are
// counted once each however many attestations they signed: a key by its
// id, a certificate by its SAN and issuer (two certificates of one
// person are one signer).
func DistinctSigners(n int, predicateType string, ms ...SignerMatch) Rule[Evidence] {
	r := &Leaf[Evidence]{ID: "distinct-signers", Path: "signers", Kind: ErrSigner,
		Want: fmt.Sprintf("%d distinct signers among %s", n, describeMatches(ms))}
	r.Invalid = validateMatches("distinct-signers", ms)
	if r.Invalid == nil && (n < 1 || n > len(ms) && !hasRegexp(ms)) {
		r.Invalid = fmt.Errorf("%w: %d distinct signers of %d identities", ErrInvalidPolicy, n, len(ms))
	}
	if r.Invalid == nil && predicateType == "" {
		r.Invalid = fmt.Errorf("%w: distinct-signers: empty predicate type", ErrInvalidPolicy)
	}
	count := func(ev *Evidence) int {
		var seen [16]string
		ids := seen[:0]
		for i := range ev.items {
			it := &ev.items[i]
			if it.Statement == nil || !attest.MatchPredicateType(predicateType, it.PredicateType) {
				continue
			}
			for j := range it.Signers {
				s := &it.Signers[j]
				matched := false
				for _, m := range ms {
					if m.match(s) {
						matched = true
						break
					}
				}
				if !matched {
					continue
				}
				id := signerKey(s)
				dup := false
				for _, x := range ids {
					if x == id {
						dup = true
						break
					}
				}
				if !dup {
					ids = append(ids, id)
				}
			}
		}
		return len(ids)
	}
	r.Test = func(_ *Context, ev *Evidence) (bool, error) { return count(ev) >= n, nil }
	r.Got = func(ev *Evidence) string { return strconv.Itoa(count(ev)) + " distinct signers" }
	return r
}

func hasRegexp(ms []SignerMatch) bool {
	for _, m := range ms {
		if m.cert != nil {
			return true
		}
	}
	return false
}

// signerKey identifies a signer for counting: its key, or its identity.
func signerKey(s *verify.Signer) string {
	if s.Kind == verify.SignerCertificate {
		return "cert\x00" + s.SAN + "\x00" + s.Issuer
	}
	return "key\x00" + s.KeyID
}

// MaxClockSkew is how far after the decision time a verified signing
// time may be and still count as fresh.
const MaxClockSkew = 5 * time.Minute

// FreshWithin passes when the attestation was signed at most d before
// the decision time, by a verified time: a transparency log's, a
// timestamp authority's, or one the caller vouched for at verification;
// never a time the predicate claims, which its signer controls
// (SECURITY.md C90). A bare key signature has no verified time and fails.
// Without a decision time the rule errs (ErrNoClock).
func FreshWithin(d time.Duration) Rule[Item] {
	r := &Leaf[Item]{ID: "fresh-within", Path: "times", Kind: ErrStale, Want: "signed within " + d.String()}
	if d <= 0 {
		r.Invalid = fmt.Errorf("%w: fresh-within %v", ErrInvalidPolicy, d)
	}
	r.Test = func(c *Context, it *Item) (bool, error) {
		if c.Now.IsZero() {
			return false, ErrNoClock
		}
		for _, t := range it.Times {
			if t.Source == verify.TimeSourceNone || t.Time.IsZero() {
				continue
			}
			if !t.Time.Before(c.Now.Add(-d)) && !t.Time.After(c.Now.Add(MaxClockSkew)) {
				return true, nil
			}
		}
		return false, nil
	}
	r.Got = func(it *Item) string {
		var parts []string
		for _, t := range it.Times {
			if t.Source == verify.TimeSourceNone {
				parts = append(parts, "no verified time")
				continue
			}
			parts = append(parts, t.Time.UTC().Format(time.RFC3339)+" ("+string(t.Source)+")")
		}
		return strings.Join(parts, ", ")
	}
	return r
}

// SubjectName passes when the subject that matched the artifact is named
// name. A statement that names one subject twice with different digests
// errs (ErrSubjectName): which of them is "the" artifact of that name is
// ambiguous.
func SubjectName(name string) Rule[Item] {
	r := &Leaf[Item]{ID: "subject-name", Path: "subject.name", Kind: ErrSubjectName, Want: strconv.Quote(name)}
	if name == "" {
		r.Invalid = fmt.Errorf("%w: subject-name: empty name", ErrInvalidPolicy)
	}
	r.Test = func(_ *Context, it *Item) (bool, error) {
		if it.Subject == nil {
			return false, nil
		}
		if it.ambiguous {
			return false, fmt.Errorf("%w: the statement names a subject twice with different digests", ErrSubjectName)
		}
		return it.Subject.Name == name, nil
	}
	r.Got = func(it *Item) string {
		if it.Subject == nil {
			return "no subject (message signature)"
		}
		return strconv.Quote(truncate(it.Subject.Name))
	}
	return r
}

// ArtifactIn passes when the artifact is one of ds: its locally computed
// digest of a listed digest's algorithm equals it.
func ArtifactIn(ds ...digest.Digest) Rule[Evidence] {
	want := make([]string, len(ds))
	for i, d := range ds {
		want[i] = d.String()
	}
	r := &Leaf[Evidence]{ID: "artifact-in", Path: "artifact", Kind: ErrDigest, Want: "one of " + strings.Join(want, ", ")}
	if len(ds) == 0 {
		r.Invalid = fmt.Errorf("%w: artifact-in with no digests", ErrInvalidPolicy)
	}
	for _, d := range ds {
		if d.IsZero() {
			r.Invalid = fmt.Errorf("%w: artifact-in: zero digest", ErrInvalidPolicy)
		}
	}
	r.Test = func(_ *Context, ev *Evidence) (bool, error) {
		for _, d := range ds {
			if ev.artifact.Contains(d) {
				return true, nil
			}
		}
		return false, nil
	}
	r.Got = func(ev *Evidence) string {
		alg := ev.artifact.Strongest()
		if d, ok := ev.artifact.Get(alg); ok {
			return d.String()
		}
		return "no digest"
	}
	return r
}

// TestsPassed passes when an in-toto test-result predicate says PASSED
// and lists no failed tests.
func TestsPassed() Rule[attest.TestResult] {
	return &Leaf[attest.TestResult]{
		ID: "tests-passed", Path: "result", Kind: ErrTests, Want: `"PASSED" with no failed tests`,
		Test: func(_ *Context, t *attest.TestResult) (bool, error) {
			return t.Result == "PASSED" && len(t.FailedTests) == 0, nil
		},
		Got: func(t *attest.TestResult) string {
			return fmt.Sprintf("%q with %d failed tests", truncate(t.Result), len(t.FailedTests))
		},
	}
}

// VSAPassed passes when a Verification Summary Attestation says the
// verifier verifierID (exactly) checked the artifact and it PASSED, at
// each of levels or above: "SLSA_BUILD_LEVEL_2" is met by
// "SLSA_BUILD_LEVEL_3", a level being a name ending in "_<n>" or
// "_L<n>" compared within the same track; other names must be listed
// exactly.
func VSAPassed(verifierID string, levels ...string) Rule[attest.VSA] {
	r := &Leaf[attest.VSA]{ID: "vsa-passed", Path: "verifiedLevels", Kind: ErrRule,
		Want: fmt.Sprintf("PASSED by %q at %s", truncate(verifierID), strings.Join(levels, ", "))}
	if verifierID == "" {
		r.Invalid = fmt.Errorf("%w: vsa-passed: empty verifier id", ErrInvalidPolicy)
	}
	for _, l := range levels {
		if l == "" {
			r.Invalid = fmt.Errorf("%w: vsa-passed: empty level", ErrInvalidPolicy)
		}
	}
	r.Test = func(_ *Context, v *attest.VSA) (bool, error) {
		if v.Verifier.ID != verifierID || v.VerificationResult != "PASSED" {
			return false, nil
		}
		for _, want := range levels {
			if !meetsLevel(v.VerifiedLevels, want) {
				return false, nil
			}
		}
		return true, nil
	}
	r.Got = func(v *attest.VSA) string {
		return fmt.Sprintf("%s by %q at %s", truncate(v.VerificationResult), truncate(v.Verifier.ID), strings.Join(v.VerifiedLevels, ", "))
	}
	return r
}

// meetsLevel reports whether levels meet want.
func meetsLevel(levels []string, want string) bool {
	wTrack, wN, wOK := splitLevel(want)
	for _, l := range levels {
		if l == want {
			return true
		}
		if track, n, ok := splitLevel(l); ok && wOK && track == wTrack && n >= wN {
			return true
		}
	}
	return false
}

// splitLevel splits "SLSA_BUILD_LEVEL_3" into "SLSA_BUILD_LEVEL_" and 3,
// and "BCID_L1" into "BCID_L" and 1.
func splitLevel(l string) (string, int, bool) {
	i := len(l)
	for i > 0 && l[i-1] >= '0' && l[i-1] <= '9' {
		i--
	}
	if i == len(l) || i == 0 || len(l)-i > 3 || (l[i-1] != '_' && l[i-1] != 'L') {
		return "", 0, false
	}
	n, err := strconv.Atoi(l[i:])
	return l[:i], n, err == nil
}
