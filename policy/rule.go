package policy

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Outcome is what a rule decided: Fail, Pass or Error. The zero Outcome
// is Fail, so an outcome nobody set denies.
type Outcome uint8

// The outcomes of a rule.
const (
	// Fail: the evidence does not satisfy the rule.
	Fail Outcome = iota
	// Pass: the evidence satisfies the rule.
	Pass
	// Error: the rule could not be decided (a predicate that does not
	// decode, a field that is missing or of the wrong type, no clock for
	// a time rule). An Error never counts as Pass.
	Error
)

// String returns "fail", "pass" or "error".
func (o Outcome) String() string {
	switch o {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	case Error:
		return "error"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// MarshalText encodes o as its String.
func (o Outcome) MarshalText() ([]byte, error) {
	if o > Error {
		return nil, fmt.Errorf("policy: invalid outcome %d", o)
	}
	return []byte(o.String()), nil
}

// UnmarshalText decodes "pass", "fail" or "error".
func (o *Outcome) UnmarshalText(b []byte) error {
	switch string(b) {
	case "pass":
		*o = Pass
	case "fail":
		*o = Fail
	case "error":
		*o = Error
	default:
		return fmt.Errorf("policy: unknown outcome %q", truncate(string(b)))
	}
	return nil
}

// Rule decides one property of a value of type T: of the whole
// [Evidence], of one attestation ([Item]), or of a typed predicate such as
// *attest.ProvenanceV1. Rules are values: build them with the functions
// of this package and compose them with [All], [Any], [Not], [AtLeast],
// [When], [Some] and [Every].
//
// Eval is the fast path: it decides without explaining and, for the rules
// of this package, without allocating. Explain decides again and says why,
// as a [Finding] tree whose Outcome is the one Eval returns. Validate
// reports a rule that was built wrong (an empty All, an empty identity,
// a threshold above its count): [New] calls it, so a misconfigured policy
// fails when it is built, never by passing.
//
// To write a rule of your own, start from [Func].
type Rule[T any] interface {
	Eval(c *Context, v *T) Outcome
	Explain(c *Context, v *T) Finding
	Validate() error
}

// Context is what a rule sees besides its value: the time of the
// decision and the evidence being decided. Rules must not keep it.
type Context struct {
	// Now is the time of the decision, as the caller passed it to
	// Decide; zero when none was given (time rules then return Error).
	Now time.Time
	// Evidence is the evidence being decided.
	Evidence *Evidence

	warned bool // a Warn rule did not pass
}

// Severity says what a failing rule does to the decision.
type Severity uint8

// The severities of a named rule.
const (
	// Enforce: a rule that does not pass denies. The default.
	Enforce Severity = iota
	// Warn: a rule that does not pass is reported in the findings and
	// does not deny.
	Warn
)

// String returns "enforce" or "warn".
func (s Severity) String() string {
	if s == Warn {
		return "warn"
	}
	return "enforce"
}

// MarshalText encodes s as its String.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes "enforce" or "warn".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "enforce":
		*s = Enforce
	case "warn":
		*s = Warn
	default:
		return fmt.Errorf("policy: unknown severity %q", truncate(string(b)))
	}
	return nil
}

// all is the conjunction of its rules.
type all[T any] struct{ rules []Rule[T] }

// All passes when every rule passes. It fails when one fails and errs
// when none fails but one errs (Kleene's strong logic: an error never
// becomes a pass). Explain evaluates and reports every rule, not only
// the first that does not pass. All with no rules is invalid: an empty
// constraint is never a wildcard (SECURITY.md C83).
func All[T any](rules ...Rule[T]) Rule[T] { return &all[T]{rules: rules} }

func (r *all[T]) Validate() error { return validateList("all", r.rules, 1) }

func (r *all[T]) Eval(c *Context, v *T) Outcome {
	out := Pass
	for _, x := range r.rules {
		switch x.Eval(c, v) {
		case Fail:
			return Fail
		case Error:
			out = Error
		}
	}
	return out
}

func (r *all[T]) Explain(c *Context, v *T) Finding {
	f := Finding{Rule: "all", Children: make([]Finding, len(r.rules))}
	out := Pass
	for i, x := range r.rules {
		f.Children[i] = x.Explain(c, v)
		out = and(out, f.Children[i].effective())
	}
	f.Outcome = out
	return f
}

// and and or are Kleene's strong three-valued conjunction and
// disjunction, with Error as "unknown".
func and(a, b Outcome) Outcome {
	switch {
	case a == Fail || b == Fail:
		return Fail
	case a == Error || b == Error:
		return Error
	}
	return Pass
}

func or(a, b Outcome) Outcome {
	switch {
	case a == Pass || b == Pass:
		return Pass
	case a == Error || b == Error:
		return Error
	}
	return Fail
}

// anyOf is the disjunction of its rules.
type anyOf[T any] struct{ rules []Rule[T] }

// Any passes when at least one rule passes. It errs when none passes and
// one errs, and fails otherwise. Every rule is evaluated (a Warn rule in
// a later branch is still reported). Any with no rules is invalid.
func Any[T any](rules ...Rule[T]) Rule[T] { return &anyOf[T]{rules: rules} }

func (r *anyOf[T]) Validate() error { return validateList("any", r.rules, 1) }

func (r *anyOf[T]) Eval(c *Context, v *T) Outcome {
	out := Fail
	for _, x := range r.rules {
		out = or(out, x.Eval(c, v))
	}
	return out
}

func (r *anyOf[T]) Explain(c *Context, v *T) Finding {
	f := Finding{Rule: "any", Children: make([]Finding, len(r.rules))}
	out := Fail
	for i, x := range r.rules {
		f.Children[i] = x.Explain(c, v)
		out = or(out, f.Children[i].effective())
	}
	f.Outcome = out
	return f
}

// not negates a rule.
type not[T any] struct{ rule Rule[T] }

// Not passes when rule fails and fails when it passes; an Error stays an
// Error, so a rule that cannot be decided never turns into a pass by
// negation.
func Not[T any](rule Rule[T]) Rule[T] { return &not[T]{rule: rule} }

func (r *not[T]) Validate() error { return validateOne("not", r.rule) }

func (r *not[T]) Eval(c *Context, v *T) Outcome { return negate(r.rule.Eval(c, v)) }

func (r *not[T]) Explain(c *Context, v *T) Finding {
	inner := r.rule.Explain(c, v)
	return Finding{Rule: "not", Outcome: negate(inner.effective()), Children: []Finding{inner}}
}

func negate(o Outcome) Outcome {
	switch o {
	case Pass:
		return Fail
	case Fail:
		return Pass
	}
	return Error
}

// atLeast passes when n of its rules pass.
type atLeast[T any] struct {
	n     int
	rules []Rule[T]
}

// AtLeast passes when at least n of the rules pass. It errs when fewer
// pass but enough err that they could have, and fails otherwise. n must
// be between 1 and the number of rules.
func AtLeast[T any](n int, rules ...Rule[T]) Rule[T] { return &atLeast[T]{n: n, rules: rules} }

func (r *atLeast[T]) Validate() error {
	if err := validateList("at-least", r.rules, 1); err != nil {
		return err
	}
	if r.n < 1 || r.n > len(r.rules) {
		return fmt.Errorf("%w: at-least %d of %d rules", ErrInvalidPolicy, r.n, len(r.rules))
	}
	return nil
}

func (r *atLeast[T]) Eval(c *Context, v *T) Outcome {
	pass, errs := 0, 0
	for _, x := range r.rules {
		switch x.Eval(c, v) {
		case Pass:
			pass++
		case Error:
			errs++
		}
	}
	return threshold(pass, errs, r.n)
}

func threshold(pass, errs, n int) Outcome {
	switch {
	case pass >= n:
		return Pass
	case pass+errs >= n:
		return Error
	}
	return Fail
}

func (r *atLeast[T]) Explain(c *Context, v *T) Finding {
	f := Finding{Rule: "at-least", Want: strconv.Itoa(r.n) + " passing", Children: make([]Finding, len(r.rules))}
	pass, errs := 0, 0
	for i, x := range r.rules {
		f.Children[i] = x.Explain(c, v)
		switch f.Children[i].effective() {
		case Pass:
			pass++
		case Error:
			errs++
		}
	}
	f.Got = strconv.Itoa(pass) + " passing"
	f.Outcome = threshold(pass, errs, r.n)
	return f
}

// when applies a rule only when a condition holds.
type when[T any] struct{ cond, then Rule[T] }

// When applies then only where cond passes: it passes when cond fails
// (the rule does not apply, which the policy says explicitly), returns
// then's outcome when cond passes, and errs when cond errs.
func When[T any](cond, then Rule[T]) Rule[T] { return &when[T]{cond: cond, then: then} }

func (r *when[T]) Validate() error {
	if err := validateOne("when", r.cond); err != nil {
		return err
	}
	return validateOne("when", r.then)
}

func (r *when[T]) Eval(c *Context, v *T) Outcome {
	switch r.cond.Eval(c, v) {
	case Fail:
		return Pass
	case Error:
		return Error
	}
	return r.then.Eval(c, v)
}

func (r *when[T]) Explain(c *Context, v *T) Finding {
	cond := r.cond.Explain(c, v)
	f := Finding{Rule: "when", Children: []Finding{cond}}
	switch cond.effective() {
	case Fail:
		f.Outcome = Pass
		f.Message = "does not apply"
	case Error:
		f.Outcome = Error
	default:
		then := r.then.Explain(c, v)
		f.Children = append(f.Children, then)
		f.Outcome = then.effective()
	}
	return f
}

// each applies a rule to the elements of a list.
type each[T, E any] struct {
	every, allowEmpty bool
	path              string
	list              func(*T) []E
	rule              Rule[E]
}

// Some passes when rule passes for at least one element of the list that
// list returns; an empty list fails. path names the list in explanations
// (e.g. "predicate.buildDefinition.resolvedDependencies").
func Some[T, E any](path string, list func(*T) []E, rule Rule[E]) Rule[T] {
	return &each[T, E]{path: path, list: list, rule: rule}
}

// Every passes when rule passes for every element of the list; an empty
// list fails, since "every element of nothing" is the vacuous truth that
// policies must not rest on (SECURITY.md C80). Use [EveryOrNone] to
// accept an empty list.
func Every[T, E any](path string, list func(*T) []E, rule Rule[E]) Rule[T] {
	return &each[T, E]{every: true, path: path, list: list, rule: rule}
}

// EveryOrNone is Every, except that an empty list passes.
func EveryOrNone[T, E any](path string, list func(*T) []E, rule Rule[E]) Rule[T] {
	return &each[T, E]{every: true, allowEmpty: true, path: path, list: list, rule: rule}
}

func (r *each[T, E]) name() string {
	if r.every {
		return "every"
	}
	return "some"
}

func (r *each[T, E]) Validate() error {
	if r.list == nil {
		return fmt.Errorf("%w: %s %s: nil list function", ErrInvalidPolicy, r.name(), r.path)
	}
	return validateOne(r.name(), r.rule)
}

func (r *each[T, E]) Eval(c *Context, v *T) Outcome {
	xs := r.list(v)
	if len(xs) == 0 {
		if r.allowEmpty {
			return Pass
		}
		return Fail
	}
	out := Fail
	if r.every {
		out = Pass
	}
	for i := range xs {
		o := r.rule.Eval(c, &xs[i])
		if r.every {
			out = and(out, o)
		} else {
			out = or(out, o)
		}
	}
	return out
}

func (r *each[T, E]) Explain(c *Context, v *T) Finding {
	xs := r.list(v)
	f := Finding{Rule: r.name(), Path: r.path}
	if len(xs) == 0 {
		f.Got = "no elements"
		if r.allowEmpty {
			f.Outcome = Pass
		} else {
			f.Want = "at least one"
			f.Message = "the list is empty"
		}
		return f
	}
	out := Fail
	if r.every {
		out = Pass
	}
	f.Children = make([]Finding, len(xs))
	for i := range xs {
		ch := r.rule.Explain(c, &xs[i])
		ch.Path = joinPath(r.path+"["+strconv.Itoa(i)+"]", ch.Path)
		f.Children[i] = ch
		if r.every {
			out = and(out, ch.effective())
		} else {
			out = or(out, ch.effective())
		}
	}
	f.Outcome = out
	return f
}

// NamedRule is a rule with an id, a message and a remediation, which
// explanations and sentinel errors carry: see [Named].
type NamedRule[T any] struct {
	id, message, remediation string
	severity                 Severity
	expires                  time.Time
	rule                     Rule[T]
}

// Named gives rule an id (which findings, SARIF results and sentinel
// errors carry), a message saying what it requires, and defaults: it is
// enforced and never expires. Change them with the methods, which return
// the rule:
//
//	policy.Named("slsa-builder", "built by our release builder", rule).
//		Remediate("build with .github/workflows/release.yml").
//		Warn()
func Named[T any](id, message string, rule Rule[T]) *NamedRule[T] {
	return &NamedRule[T]{id: id, message: message, rule: rule}
}

// Remediate sets what to do when the rule does not pass.
func (r *NamedRule[T]) Remediate(s string) *NamedRule[T] { r.remediation = s; return r }

// Warn makes the rule advisory: when it does not pass, the decision
// reports it and still allows.
func (r *NamedRule[T]) Warn() *NamedRule[T] { r.severity = Warn; return r }

// Expires makes the rule fail from t on, with the message that it
// expired: a temporary exception written as a rule stops applying, and
// the policy has to be renewed, instead of an old waiver lasting forever.
// A decision without a time (zero Now) errs on such a rule.
func (r *NamedRule[T]) Expires(t time.Time) *NamedRule[T] { r.expires = t; return r }

// ID returns the rule's id.
func (r *NamedRule[T]) ID() string { return r.id }

// Validate checks the id and the inner rule.
func (r *NamedRule[T]) Validate() error {
	if r.id == "" {
		return fmt.Errorf("%w: a named rule needs an id", ErrInvalidPolicy)
	}
	if err := validateOne(r.id, r.rule); err != nil {
		return err
	}
	return nil
}

// Eval decides the inner rule. A Warn rule that does not pass returns
// Pass and marks the decision as having warnings.
func (r *NamedRule[T]) Eval(c *Context, v *T) Outcome {
	out := r.eval(c, v)
	if r.severity == Warn && out != Pass {
		c.warned = true
		return Pass
	}
	return out
}

func (r *NamedRule[T]) eval(c *Context, v *T) Outcome {
	if !r.expires.IsZero() {
		switch {
		case c.Now.IsZero():
			return Error
		case !c.Now.Before(r.expires):
			return Fail
		}
	}
	return r.rule.Eval(c, v)
}

// Explain explains the inner rule under the rule's id.
func (r *NamedRule[T]) Explain(c *Context, v *T) Finding {
	f := Finding{Rule: r.id, Message: r.message, Remediation: r.remediation, Severity: r.severity, named: true}
	var inner Finding
	switch {
	case !r.expires.IsZero() && c.Now.IsZero():
		inner = Finding{Rule: "expires", Outcome: Error, Want: r.expires.UTC().Format(time.RFC3339),
			Message: "the rule expires and the decision has no time", err: ErrNoClock}
	case !r.expires.IsZero() && !c.Now.Before(r.expires):
		inner = Finding{Rule: "expires", Outcome: Fail, Got: c.Now.UTC().Format(time.RFC3339),
			Want: "before " + r.expires.UTC().Format(time.RFC3339), Message: "the rule expired; renew the policy", err: ErrExpired}
	default:
		inner = r.rule.Explain(c, v)
	}
	f.Outcome = inner.Outcome
	f.Children = []Finding{inner}
	if r.severity == Warn && f.Outcome != Pass {
		c.warned = true
	}
	return f
}

// Leaf is a rule decided by a function: the building block of the
// rules of this package and its rule packs, and of rules of your own.
// Its zero value is invalid (no ID, no Test).
type Leaf[T any] struct {
	// ID names the rule in findings, e.g. "slsa.builder-id".
	ID string
	// Path is the field the rule reads, for explanations, e.g.
	// "predicate.runDetails.builder.id".
	Path string
	// Want says what the rule requires, e.g. a quoted value.
	Want string
	// Kind is the sentinel error a failure matches (ErrRule if nil).
	Kind error
	// Test decides: true passes, false fails, an error errs. It must not
	// keep v or c, and should not allocate when it passes, to keep
	// decisions allocation-free.
	Test func(c *Context, v *T) (bool, error)
	// Got, if set, describes the value found, for explanations; it is
	// called only to explain.
	Got func(v *T) string
	// PathOf, if set, returns the path for v instead of Path, for rules
	// that read different fields of different inputs (SLSA v1 and v0.2).
	PathOf func(v *T) string
	// Invalid, if set, is a configuration error found when the rule was
	// built: Validate returns it and the rule errs.
	Invalid error
}

// Func returns a rule decided by test (see [Leaf.Test]). id names the
// rule in findings and want says what it requires.
func Func[T any](id, want string, test func(c *Context, v *T) (bool, error)) Rule[T] {
	return &Leaf[T]{ID: id, Want: want, Test: test}
}

// Validate reports a rule without an ID or Test, or its Invalid error.
func (r *Leaf[T]) Validate() error {
	switch {
	case r.Invalid != nil:
		return r.Invalid
	case r.ID == "" || r.Test == nil:
		return fmt.Errorf("%w: a rule needs an id and a test", ErrInvalidPolicy)
	}
	return nil
}

// Eval runs Test.
func (r *Leaf[T]) Eval(c *Context, v *T) Outcome {
	if r.Invalid != nil || r.Test == nil {
		return Error
	}
	ok, err := r.Test(c, v)
	switch {
	case err != nil:
		return Error
	case ok:
		return Pass
	}
	return Fail
}

// Explain runs Test and reports the outcome with Path, Got and Want.
func (r *Leaf[T]) Explain(c *Context, v *T) Finding {
	f := Finding{Rule: r.ID, Path: r.Path, Want: r.Want}
	if err := r.Validate(); err != nil {
		f.Outcome, f.err, f.Error = Error, ErrInvalidPolicy, err.Error()
		return f
	}
	ok, err := r.Test(c, v)
	if r.Got != nil && v != nil {
		f.Got = r.Got(v)
	}
	if r.PathOf != nil && v != nil {
		f.Path = r.PathOf(v)
	}
	switch {
	case err != nil:
		f.Outcome, f.err, f.Error = Error, kindOf(err, r.Kind), err.Error()
	case ok:
		f.Outcome = Pass
	default:
		f.Outcome, f.err = Fail, r.Kind
		if f.err == nil {
			f.err = ErrRule
		}
	}
	return f
}

// kindOf is the sentinel of an error a rule returned: the package's own
// when err wraps one, else the rule's kind.
func kindOf(err, kind error) error {
	for _, s := range []error{ErrPolicyBudget, ErrPredicate, ErrNoClock, ErrNoEvidence, ErrSubjectName, ErrSource, ErrInvalidPolicy} {
		if errors.Is(err, s) {
			return s
		}
	}
	if kind == nil {
		return ErrRule
	}
	return kind
}

// validateOne and validateList check the rules a combinator holds.
func validateOne[T any](what string, r Rule[T]) error {
	if r == nil {
		return fmt.Errorf("%w: %s: nil rule", ErrInvalidPolicy, what)
	}
	return r.Validate()
}

func validateList[T any](what string, rules []Rule[T], min int) error {
	if len(rules) < min {
		return fmt.Errorf("%w: %s with no rules (an empty constraint is never a wildcard)", ErrInvalidPolicy, what)
	}
	var errs []error
	for _, r := range rules {
		if err := validateOne(what, r); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case b[0] == '[':
		return a + b
	}
	return a + "." + b
}

// truncate shortens s for an error message.
func truncate(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
