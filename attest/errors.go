package attest

import (
	"errors"
	"fmt"

	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Errors returned by this package. Bad input always wraps ErrMalformed,
// and where a narrower reason applies, one of the others as well, so both
// errors.Is(err, ErrMalformed) and errors.Is(err, ErrDuplicateKey) hold
// for a statement with a repeated key.
var (
	// ErrMalformed: the input is not a well-formed statement, envelope or
	// predicate.
	ErrMalformed = errors.New("attest: malformed input")

	// ErrDuplicateKey: a JSON object has the same key twice. encoding/json
	// keeps the last one silently; two parsers could then read different
	// statements from the same signed bytes (SECURITY.md C19).
	ErrDuplicateKey = strictjson.ErrDuplicateKey

	// ErrKeyCase: a JSON key differs from a field name only in case, like
	// "Subject" for "subject" (SECURITY.md C20). It is rejected, never bound.
	ErrKeyCase = strictjson.ErrKeyCase

	// ErrTooLarge: the input exceeds a size or count limit.
	ErrTooLarge = errors.New("attest: input exceeds a limit")

	// ErrNoSubject: a statement has no subject.
	ErrNoSubject = errors.New("attest: statement has no subject")

	// ErrPredicateType: a predicate was requested as a Go type that is not
	// registered for the statement's predicateType (SECURITY.md C17).
	ErrPredicateType = errors.New("attest: predicate type mismatch")

	// ErrUnknownPredicateType: no Go type is registered for a predicateType.
	ErrUnknownPredicateType = errors.New("attest: unknown predicate type")
)

// malformed wraps err so that it matches ErrMalformed (and, through err,
// any narrower category), with what was being parsed.
func malformed(what string, err error) error {
	if errors.Is(err, strictjson.ErrTooLarge) {
		return fmt.Errorf("%w: %w: %s: %w", ErrMalformed, ErrTooLarge, what, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
}

// malformedf is malformed with a formatted reason and no cause.
func malformedf(what, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrMalformed, what, fmt.Sprintf(format, args...))
}
