package policy

import (
	"errors"
	"fmt"

	"github.com/chainmail-dev/chainmail/internal/errs"
)

// The errors of this package. A denial is a *DeniedError: it matches
// ErrDenied and the kind of every enforced rule that did not pass, so
// errors.Is(err, policy.ErrBuilder) says the builder was wrong while the
// Decision it carries holds the whole explanation.
var (
	// ErrDenied: the policy did not allow the artifact.
	ErrDenied = errors.New("policy: denied")
	// ErrInvalidPolicy: the policy was built or written wrong (an empty
	// constraint, a threshold above its count, a rule without an id).
	ErrInvalidPolicy = errors.New("policy: invalid policy")
	// ErrEvidence: a result may not enter the evidence (not verified,
	// about another artifact, verified without an artifact).
	ErrEvidence = errors.New("policy: not evidence")
	// ErrNoEvidence: nothing in the evidence is of the kind a rule
	// requires, or the evidence is empty (SECURITY.md C80).
	ErrNoEvidence = errors.New("policy: no matching evidence")
	// ErrPredicate: a predicate did not decode with its strict decoder,
	// or is not of the type a rule reads.
	ErrPredicate = errors.New("policy: predicate not readable")
	// ErrRule: a rule made with Func did not pass.
	ErrRule = errors.New("policy: rule failed")
	// ErrNoClock: a rule needs the time of the decision, and none was
	// given.
	ErrNoClock = errors.New("policy: no decision time")
	// ErrExpired: the policy or a rule has expired.
	ErrExpired = errors.New("policy: expired")
	// ErrSigner: no verified signer matches the identity required.
	ErrSigner = errors.New("policy: signer not accepted")
	// ErrStale: no verified signing time is recent enough.
	ErrStale = errors.New("policy: too old")
	// ErrDigest: the artifact is not one the policy lists.
	ErrDigest = errors.New("policy: artifact not listed")
	// ErrSubjectName: the matched subject's name is not the one required,
	// or the statement names it twice with different digests.
	ErrSubjectName = errors.New("policy: subject name")
	// ErrBuilder: SLSA provenance names another builder.
	ErrBuilder = errors.New("policy: builder not accepted")
	// ErrBuildType: SLSA provenance has another build type.
	ErrBuildType = errors.New("policy: build type not accepted")
	// ErrSource: SLSA provenance or the certificate names another source
	// repository, ref or commit.
	ErrSource = errors.New("policy: source not accepted")
	// ErrBuildLevel: the builder is not trusted for the SLSA build level
	// required.
	ErrBuildLevel = errors.New("policy: build level not met")
	// ErrVulnerable: a vulnerability scan reports a finding at or above
	// the severity allowed, and no verified VEX statement waives it.
	ErrVulnerable = errors.New("policy: vulnerable")
	// ErrPolicyBudget: an expression (CEL) exceeded its cost budget and
	// was stopped (SECURITY.md C86).
	ErrPolicyBudget = errors.New("policy: evaluation budget exceeded")
	// ErrTests: a test result did not pass.
	ErrTests = errors.New("policy: tests did not pass")
	// ErrRender: a decision cannot be rendered as asked: a SARIF log
	// without a tool name, a VSA without a verifier id, resource URI or
	// policy, or of a decision without a time or evidence.
	ErrRender = errors.New("policy: cannot render the decision")
)

// errorf returns an error matching category whose message is the
// category's, then the formatted cause.
func errorf(category error, format string, args ...any) error {
	return errs.Wrap(category, fmt.Errorf(format, args...))
}

// DeniedError is the error of a decision that did not allow: it matches
// ErrDenied and the kinds of the enforced rules that failed or erred.
type DeniedError struct {
	// Decision is the decision, with its findings.
	Decision *Decision
}

// maxReasons bounds the rules an error message lists.
const maxReasons = 5

// Error names the policy and the rules that did not pass, each once,
// with where the value differs from what it wants.
func (e *DeniedError) Error() string {
	d := e.Decision
	msg := "policy: denied"
	if d != nil && d.Policy != "" {
		msg = fmt.Sprintf("policy: %q denied", truncate(d.Policy))
	}
	if d == nil {
		return msg
	}
	reasons := d.Reasons()
	for i, r := range reasons {
		if i == maxReasons {
			msg += fmt.Sprintf("; and %d more", len(reasons)-maxReasons)
			break
		}
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		msg += sep + r
	}
	return msg
}

// Unwrap returns ErrDenied and the distinct kinds of the enforced rules
// that did not pass.
func (e *DeniedError) Unwrap() []error {
	out := []error{ErrDenied}
	if e.Decision == nil {
		return out
	}
	seen := map[error]bool{ErrDenied: true}
	e.Decision.reasons(false, func(f *Finding, _ reasonPath) {
		if f.err != nil && !seen[f.err] {
			seen[f.err] = true
			out = append(out, f.err)
		}
	})
	return out
}
