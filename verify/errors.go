package verify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/chainmail-dev/chainmail/internal/keys"
)

// ErrUnverified is the category of every rejection: whatever the reason a
// verification fails, errors.Is(err, ErrUnverified) holds. The narrower
// errors below wrap it, and typed errors carry the facts.
var ErrUnverified = errors.New("verify: not verified")

// Narrower reasons; each wraps ErrUnverified.
var (
	// ErrMalformed: the envelope, bundle or statement could not be parsed
	// or breaks a structural rule.
	ErrMalformed = fmt.Errorf("%w: malformed input", ErrUnverified)
	// ErrPayloadType: the envelope's payloadType is not one the verifier
	// accepts (SECURITY.md C03).
	ErrPayloadType = fmt.Errorf("%w: unsupported payload type", ErrUnverified)
	// ErrNoSignature: the envelope or bundle has no signature.
	ErrNoSignature = fmt.Errorf("%w: no signature", ErrUnverified)
	// ErrSignature: a signature matches no trusted key.
	ErrSignature = fmt.Errorf("%w: invalid signature", ErrUnverified)
	// ErrThreshold: fewer distinct trusted keys signed than required.
	ErrThreshold = fmt.Errorf("%w: signature threshold not met", ErrUnverified)
	// ErrSubjectMismatch: no subject of the statement matches the artifact.
	ErrSubjectMismatch = fmt.Errorf("%w: artifact does not match", ErrUnverified)
	// ErrVerificationMaterial: the bundle's verification material is not
	// what the verifier checks (a certificate where a key was expected).
	ErrVerificationMaterial = fmt.Errorf("%w: unexpected verification material", ErrUnverified)
	// ErrArtifactPolicy: the artifact policy is missing or cannot apply.
	ErrArtifactPolicy = fmt.Errorf("%w: artifact policy", ErrUnverified)
	// ErrNotInitialized: a nil or zero Verifier was used.
	ErrNotInitialized = fmt.Errorf("%w: verifier not initialized", ErrUnverified)
)

// Configuration errors, from constructors, not from verification.
var (
	// ErrInvalidOptions: NewVerifier options that cannot make a safe
	// verifier (threshold below 1 or above the number of keys, duplicate
	// keys, no keys).
	ErrInvalidOptions = errors.New("verify: invalid options")
	// ErrUnsupportedKey: a key outside the allow-list (ECDSA
	// P-256/P-384/P-521, Ed25519, RSA of 2048 to 8192 bits).
	ErrUnsupportedKey = keys.ErrUnsupported
	// ErrMalformedKey: key bytes that do not parse.
	ErrMalformedKey = keys.ErrMalformed
)

// SignatureError says why one signature was not counted. It matches
// ErrSignature (and ErrUnverified).
type SignatureError struct {
	// Index is the signature's position in the envelope, or the bundle's
	// position when verifying several bundles.
	Index int
	// KeyIDHint is the signature's unauthenticated keyid, if any.
	KeyIDHint string
	// Reason is what went wrong.
	Reason string
	// DuplicateOf is the id of the key that made this signature when that
	// key was already counted: the signature is valid but adds nothing.
	DuplicateOf string
}

func (e *SignatureError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "verify: signature %d", e.Index)
	if e.KeyIDHint != "" {
		fmt.Fprintf(&b, " (keyid %q)", truncate(e.KeyIDHint))
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns ErrSignature.
func (e *SignatureError) Unwrap() error { return ErrSignature }

// ThresholdError reports that too few distinct trusted keys signed. It
// matches ErrThreshold, and ErrSignature when any signature was rejected;
// errors.As finds the first *SignatureError.
type ThresholdError struct {
	Want     int               // the threshold
	Got      int               // distinct trusted keys whose signature verified
	Accepted []string          // ids of those keys
	Rejected []*SignatureError // signatures not counted, and why
}

func (e *ThresholdError) Error() string {
	msg := fmt.Sprintf("verify: %d of %d required distinct keys signed", e.Got, e.Want)
	if len(e.Rejected) > 0 {
		msg += "; " + strings.TrimPrefix(e.Rejected[0].Error(), "verify: ")
		if n := len(e.Rejected) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more)", n)
		}
	}
	return msg
}

// Unwrap returns ErrThreshold and the rejected signatures' errors.
func (e *ThresholdError) Unwrap() []error {
	errs := []error{ErrThreshold}
	for _, r := range e.Rejected {
		errs = append(errs, r)
	}
	return errs
}

// SubjectError reports that no subject matched the artifact. It matches
// ErrSubjectMismatch, and, through Err, the digest error of the closest
// subject (digest.ErrMismatch, digest.ErrNoAcceptedAlgorithm).
type SubjectError struct {
	// Artifact holds the digests computed or given for the artifact.
	Artifact map[string]string
	// Subjects is the number of subjects compared.
	Subjects int
	// Err is why the first subject did not match.
	Err error
}

func (e *SubjectError) Error() string {
	return fmt.Sprintf("verify: artifact matches none of %d subjects: %v", e.Subjects, e.Err)
}

// Unwrap returns ErrSubjectMismatch and the digest error.
func (e *SubjectError) Unwrap() []error { return []error{ErrSubjectMismatch, e.Err} }

func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
