package policy

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chainmail-dev/chainmail/digest"
)

// Finding explains one rule's outcome: which rule, about which
// attestation and field, what it found and what it wanted, and the
// findings of the rules it is made of. Its JSON form is stable.
type Finding struct {
	// Rule is the rule's id (for a Named rule) or kind ("all", "any",
	// "slsa.builder-id", ...).
	Rule string `json:"rule"`
	// Outcome is the rule's outcome.
	Outcome Outcome `json:"outcome"`
	// Severity is Warn for an advisory rule.
	Severity Severity `json:"severity,omitzero"`
	// Message says what the rule requires (Named rules) or why it did
	// not apply.
	Message string `json:"message,omitempty"`
	// Remediation says what to do when the rule does not pass.
	Remediation string `json:"remediation,omitempty"`
	// Attestation is the input digest of the evidence item the finding is
	// about, when it is about one.
	Attestation digest.Digest `json:"attestation,omitzero"`
	// Path is the field the rule read, e.g.
	// "predicate.runDetails.builder.id".
	Path string `json:"path,omitempty"`
	// Got is the value found, quoted when it is a string.
	Got string `json:"got,omitempty"`
	// Want is what the rule wants.
	Want string `json:"want,omitempty"`
	// Error is the error that made the outcome Error.
	Error string `json:"error,omitempty"`
	// Children are the findings of the rules this one is made of.
	Children []Finding `json:"children,omitempty"`

	err   error // the kind of failure: a sentinel of this package, for errors.Is
	named bool  // the finding of a NamedRule
}

// effective is the outcome f counts as in the rules above it: Pass for
// an advisory rule, whatever it found.
func (f *Finding) effective() Outcome {
	if f.Severity == Warn {
		return Pass
	}
	return f.Outcome
}

// Kind returns the sentinel error of the failure the finding reports
// (ErrBuilder, ErrSigner, ...), or nil when it passed or is a composite.
func (f *Finding) Kind() error { return f.err }

// reasonPath is where a reason is in a finding tree.
type reasonPath struct {
	// ids are the ids of the named rules above the reason, its own last
	// when it is one.
	ids []string
	// attestation is the input digest of the attestation the reason is
	// about: the reason's own, else the nearest one above it.
	attestation digest.Digest
	// severity is Warn for the reason of an advisory rule.
	severity Severity
}

// walkReasons calls fn for every reason under f: each leaf finding that
// did not pass, with where it is. Enforced reasons are those that deny.
// With warnings set, it also visits the reasons of every advisory (Warn)
// rule that did not pass, wherever it is in the tree, with severity
// Warn; an advisory rule counts as passing for the rules above it, so it
// never hides or stands for an enforced reason.
func (f *Finding) walkReasons(warnings bool, fn func(*Finding, reasonPath)) {
	var walk func(f *Finding, p reasonPath) bool
	var search func(f *Finding, p reasonPath)
	walk = func(f *Finding, p reasonPath) bool {
		if f.Outcome == Pass || (f.Severity == Warn && p.severity == Enforce) {
			if warnings {
				search(f, p)
			}
			return false
		}
		p = p.at(f)
		reported := false
		for i := range f.Children {
			reported = walk(&f.Children[i], p) || reported
		}
		if !reported {
			// A leaf, or a rule that fails although none of its parts
			// does (Not of a passing rule): the rule itself is the reason.
			fn(f, p)
		}
		return true
	}
	// search looks under a finding that is not itself a reason for the
	// advisory rules that did not pass.
	search = func(f *Finding, p reasonPath) {
		if f.Severity == Warn && f.Outcome != Pass {
			p.severity = Warn
			walk(f, p)
			return
		}
		p = p.at(f)
		for i := range f.Children {
			search(&f.Children[i], p)
		}
	}
	walk(f, reasonPath{})
}

// at returns p extended by f: its id when it is a named rule, its
// attestation when it names one.
func (p reasonPath) at(f *Finding) reasonPath {
	if f.named {
		p.ids = append(p.ids[:len(p.ids):len(p.ids)], f.Rule)
	}
	if !f.Attestation.IsZero() {
		p.attestation = f.Attestation
	}
	return p
}

// reasons walks the reasons of an explained decision (see walkReasons);
// a plain allow that Decide did not explain has none.
func (d *Decision) reasons(warnings bool, fn func(*Finding, reasonPath)) {
	if d.Explained {
		d.Finding.walkReasons(warnings, fn)
	}
}

// Decision is a policy's answer about one artifact: allowed or not, and
// why.
type Decision struct {
	// Allowed is true when the policy allows the artifact.
	Allowed bool `json:"allowed"`
	// Outcome is the outcome of the policy's rule: Pass when allowed.
	Outcome Outcome `json:"outcome"`
	// Policy is the policy's name; Version its version.
	Policy  string `json:"policy"`
	Version string `json:"version,omitempty"`
	// Time is the time of the decision, as the caller gave it.
	Time time.Time `json:"time,omitzero"`
	// Artifact are the artifact's digests.
	Artifact digest.Set `json:"artifact"`
	// Warnings is set when an advisory (Warn) rule did not pass.
	Warnings bool `json:"warnings,omitempty"`
	// Explained is set when Finding holds the explanation: always for a
	// denial, a decision with warnings, and Explain; not for a plain
	// allow by Decide, which skips it to stay allocation-free.
	Explained bool `json:"explained"`
	// Finding is the explanation: the finding of the policy's rule.
	Finding Finding `json:"finding,omitzero"`

	evidence *Evidence
}

// Evidence returns the evidence decided on.
func (d *Decision) Evidence() *Evidence { return d.evidence }

// Reasons lists the enforced rules that did not pass, one line each:
// the named rules above it, the field, and what was found against what
// was wanted.
func (d *Decision) Reasons() []string {
	var out []string
	d.reasons(false, func(f *Finding, p reasonPath) {
		out = append(out, reason(f, p.ids))
	})
	return out
}

func reason(f *Finding, ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(id)
		b.WriteString(": ")
	}
	switch {
	case f.Path != "":
		b.WriteString(f.Path)
	default:
		b.WriteString(f.Rule)
	}
	if !f.Attestation.IsZero() {
		fmt.Fprintf(&b, " (attestation %s)", shortDigest(f.Attestation))
	}
	switch {
	case f.Error != "":
		b.WriteString(": ")
		b.WriteString(f.Error)
	case f.Got != "":
		fmt.Fprintf(&b, " is %s, want %s", f.Got, f.Want)
	case f.Want != "":
		fmt.Fprintf(&b, ": want %s", f.Want)
	case f.Message != "" && !f.named:
		b.WriteString(": ")
		b.WriteString(f.Message)
		return b.String()
	}
	if f.Message != "" && !f.named && (f.Got != "" || f.Want != "") {
		fmt.Fprintf(&b, " (%s)", f.Message)
	}
	return b.String()
}

func shortDigest(d digest.Digest) string {
	s := d.String()
	if len(s) > 19 {
		return s[:19] + "…"
	}
	return s
}

// Policy is a named rule over evidence, with the settings of its
// decision. Make one with New; it is immutable and safe for concurrent
// use.
type Policy struct {
	name, version string
	rule          Rule[Evidence]
	allowEmpty    bool
	expires       time.Time
}

// Option configures New.
type Option func(*Policy)

// WithVersion sets the policy's version, which decisions and VSAs carry.
func WithVersion(v string) Option { return func(p *Policy) { p.version = v } }

// AllowEmptyEvidence lets empty evidence reach the rule instead of being
// denied first. Rules that require attestations still fail on it; the
// option exists for policies whose rule is about the artifact alone.
func AllowEmptyEvidence() Option { return func(p *Policy) { p.allowEmpty = true } }

// ExpiresAt makes every decision from t on a denial (ErrExpired), so an
// old policy cannot keep allowing (SECURITY.md C90).
func ExpiresAt(t time.Time) Option { return func(p *Policy) { p.expires = t } }

// New returns the policy named name that allows an artifact when rule
// passes on its evidence. It fails with ErrInvalidPolicy when rule was
// built wrong: an empty All or Any, an empty identity, a threshold above
// its count (see Rule.Validate).
func New(name string, rule Rule[Evidence], opts ...Option) (*Policy, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: a policy needs a name", ErrInvalidPolicy)
	}
	if rule == nil {
		return nil, fmt.Errorf("%w: policy %q has no rule", ErrInvalidPolicy, truncate(name))
	}
	if err := rule.Validate(); err != nil {
		return nil, err
	}
	p := &Policy{name: name, rule: rule}
	for _, o := range opts {
		o(p)
	}
	return p, nil
}

// Name returns the policy's name.
func (p *Policy) Name() string { return p.name }

// Version returns the policy's version.
func (p *Policy) Version() string { return p.version }

// Decide decides on ev at time now (which time rules and expiry read;
// pass the zero time when there is none, and rules that need it err).
// It returns the decision and, unless it allows, a *DeniedError matching
// ErrDenied. A plain allow is decided without building the explanation
// and without allocating; a denial, or an allow with warnings, carries
// the whole finding tree.
//
// Empty evidence is denied (ErrNoEvidence) unless the policy was made
// with AllowEmptyEvidence; a nil policy or evidence is denied too.
func (p *Policy) Decide(ev *Evidence, now time.Time) (Decision, error) {
	return p.decide(ev, now, false)
}

// Explain is Decide, and always builds the explanation, for an allow
// too.
func (p *Policy) Explain(ev *Evidence, now time.Time) (Decision, error) {
	return p.decide(ev, now, true)
}

func (p *Policy) decide(ev *Evidence, now time.Time, explain bool) (Decision, error) {
	d := Decision{Time: now, evidence: ev}
	if ev != nil {
		d.Artifact = ev.artifact
	}
	switch {
	case p == nil || p.rule == nil:
		d.Finding = Finding{Rule: "policy", Outcome: Error, Error: "no policy", err: ErrInvalidPolicy}
		return denied(d)
	case ev == nil:
		d.Policy, d.Version = p.name, p.version
		d.Finding = Finding{Rule: "evidence", Outcome: Error, Error: "no evidence", err: ErrNoEvidence}
		return denied(d)
	}
	d.Policy, d.Version = p.name, p.version
	if !p.expires.IsZero() {
		exp := p.expires.UTC().Format(time.RFC3339)
		switch {
		case now.IsZero():
			d.Finding = Finding{Rule: "policy.expires", Outcome: Error, Want: "a decision time before " + exp,
				Error: "the policy expires and the decision has no time", err: ErrNoClock}
			return denied(d)
		case !now.Before(p.expires):
			d.Finding = Finding{Rule: "policy.expires", Outcome: Fail, Got: now.UTC().Format(time.RFC3339),
				Want: "before " + exp, Message: "the policy expired", err: ErrExpired}
			return denied(d)
		}
	}
	if ev.Len() == 0 && !p.allowEmpty {
		d.Finding = Finding{Rule: "evidence", Outcome: Fail, Got: "0 attestations", Want: "at least 1 verified attestation about the artifact",
			err: ErrNoEvidence}
		return denied(d)
	}
	// A pooled Context: passed to rules through an interface, it would
	// otherwise escape, and a plain allow would allocate.
	c := contexts.Get().(*Context)
	defer func() { *c = Context{}; contexts.Put(c) }()
	*c = Context{Now: now, Evidence: ev}
	fast := Pass
	if !explain {
		fast = p.rule.Eval(c, ev)
		if fast == Pass && !c.warned {
			d.Allowed, d.Outcome = true, Pass
			return d, nil
		}
		c.warned = false
	}
	d.Finding = p.rule.Explain(c, ev)
	d.Warnings = c.warned
	if fast != Pass || d.Finding.effective() != Pass {
		// A rule whose explanation passes where its evaluation did not
		// is inconsistent: that never allows.
		return denied(d)
	}
	d.Allowed, d.Outcome, d.Explained = true, Pass, true
	return d, nil
}

var contexts = sync.Pool{New: func() any { return new(Context) }}

// denied returns d as a denial, with its error.
func denied(d Decision) (Decision, error) {
	d.Allowed, d.Explained = false, true
	d.Outcome = d.Finding.effective()
	if d.Outcome == Pass {
		d.Outcome = Error
	}
	return d, &DeniedError{Decision: &d}
}
