package sbom

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/chainmail-dev/chainmail/internal/errs"
)

// Errors returned by this package. Bad input always wraps ErrMalformed,
// and where a narrower reason applies one of the others as well, so
// errors.Is(err, ErrMalformed) and errors.Is(err, ErrTooLarge) both hold
// for an oversized document.
var (
	// ErrMalformed: the input is not a well-formed SBOM or VEX document.
	ErrMalformed = errors.New("sbom: malformed document")

	// ErrTooLarge: the input exceeds a size, count or depth limit
	// (SECURITY.md C93, C96, C102).
	ErrTooLarge = errors.New("sbom: document exceeds a limit")

	// ErrUnsupportedFormat: the input is in a format, or a format version,
	// this package does not read, or an encoder was asked for a format it
	// does not write.
	ErrUnsupportedFormat = errors.New("sbom: unsupported format")

	// ErrInvalid: a document was read but failed validation. The returned
	// *Report lists every finding.
	ErrInvalid = errors.New("sbom: document is invalid")

	// ErrGenerate: an SBOM could not be generated (the go command failed,
	// the binary has no build information, ...).
	ErrGenerate = errors.New("sbom: cannot generate")
)

// malformed wraps err so that it matches ErrMalformed (and any narrower
// category err carries).
func malformed(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
}

func malformedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

func tooLarge(format string, args ...any) error {
	return errs.Wrap(ErrMalformed, errs.Wrap(ErrTooLarge, fmt.Errorf(format, args...)))
}

// truncate shortens untrusted text for error messages.
func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
