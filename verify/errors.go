package verify

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/chainmail-dev/chainmail/internal/errs"
	"github.com/chainmail-dev/chainmail/internal/keys"
)

// ErrUnverified is the category of every rejection: whatever the reason a
// verification fails, errors.Is(err, ErrUnverified) holds. The narrower
// errors below wrap it, and typed errors carry the facts.
var ErrUnverified = errors.New("verify: not verified")

// reason is a narrower reason for a rejection: its message is the
// reason alone ("verify: malformed input"), and it matches ErrUnverified.
type reason struct{ msg string }

func newReason(msg string) error { return &reason{"verify: " + msg} }

func (r *reason) Error() string { return r.msg }

// Unwrap returns ErrUnverified.
func (r *reason) Unwrap() error { return ErrUnverified }

// because wraps cause under the narrower reason r, writing cause without
// the package prefixes and category words it repeats.
func because(r, cause error) error { return errs.Wrap(r, cause) }

// Narrower reasons; each wraps ErrUnverified.
var (
	// ErrMalformed: the envelope, bundle or statement could not be parsed
	// or breaks a structural rule.
	ErrMalformed = newReason("malformed input")
	// ErrPayloadType: the envelope's payloadType is not one the verifier
	// accepts (SECURITY.md C03).
	ErrPayloadType = newReason("unsupported payload type")
	// ErrNoSignature: the envelope or bundle has no signature.
	ErrNoSignature = newReason("no signature")
	// ErrSignature: a signature matches no trusted key.
	ErrSignature = newReason("invalid signature")
	// ErrThreshold: fewer distinct trusted keys signed than required.
	ErrThreshold = newReason("signature threshold not met")
	// ErrSubjectMismatch: no subject of the statement matches the artifact.
	ErrSubjectMismatch = newReason("artifact does not match")
	// ErrVerificationMaterial: the bundle's verification material is not
	// what the verifier checks (a certificate where a key was expected).
	ErrVerificationMaterial = newReason("unexpected verification material")
	// ErrArtifactPolicy: the artifact policy is missing or cannot apply.
	ErrArtifactPolicy = newReason("artifact policy")
	// ErrNotInitialized: a nil or zero Verifier or Trust was used.
	ErrNotInitialized = newReason("verifier not initialized")
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
		fmt.Fprintf(&b, " (keyid %s)", hintText(e.KeyIDHint))
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

// hintText prints a keyid hint the way key ids are printed everywhere
// else: a Sigstore hint (standard base64 of a SHA-256) as lowercase hex,
// anything else quoted.
func hintText(hint string) string {
	if len(hint) == 44 {
		if b, err := base64.StdEncoding.DecodeString(hint); err == nil && len(b) == 32 {
			return hex.EncodeToString(b)
		}
	}
	return fmt.Sprintf("%q", truncate(hint))
}
