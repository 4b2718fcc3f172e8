// Package errs writes the module's wrapped errors the way a person reads
// them: one package prefix, one category, then the cause, without the
// prefixes and category words each layer would otherwise repeat
// ("verify: not verified: malformed input: attest: malformed input: …").
// The wrapped errors still match every layer with errors.Is and errors.As.
package errs

import (
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
)

// leads are the words a cause's message may start with that the wrapping
// category already says: the module's package prefixes, the category
// words of its sentinels, and those of the libraries it wraps.
var leads = []string{
	"verify: ", "attest: ", "bundle: ", "sbom: ", "digest: ", "sign: ", "sigstore: ", "policy: ",
	"not verified: ", "malformed input: ", "malformed document: ", "malformed: ",
	"invalid bundle: ", "validation error: ",
}

// Plain returns msg without the leading words of leads, however many
// times they repeat.
func Plain(msg string) string {
	for {
		trimmed := msg
		for _, l := range leads {
			trimmed = strings.TrimPrefix(trimmed, l)
		}
		if trimmed == msg {
			return msg
		}
		msg = trimmed
	}
}

// Wrap returns an error that matches both category and cause, and reads
// "<category>: <cause without repeated lead words>". A nil cause returns
// category.
func Wrap(category, cause error) error {
	if cause == nil {
		return category
	}
	return &wrapped{category: category, cause: cause}
}

type wrapped struct{ category, cause error }

func (w *wrapped) Error() string {
	c := HexBytes(Plain(w.cause.Error()))
	if c == "" {
		return w.category.Error()
	}
	return w.category.Error() + ": " + c
}

func (w *wrapped) Unwrap() []error { return []error{w.category, w.cause} }

// byteArray is a byte slice printed with %v: "[12 0 255 …]", 16 bytes
// or more (hashes, Merkle roots, key ids).
var byteArray = regexp.MustCompile(`\[(?:[0-9]{1,3} ){15,}[0-9]{1,3}\]`)

// HexBytes rewrites the byte slices that libraries print in decimal
// ("[12 0 255 …]") as lowercase hex, the way the module prints digests.
func HexBytes(msg string) string {
	if !strings.Contains(msg, "[") {
		return msg
	}
	return byteArray.ReplaceAllStringFunc(msg, func(m string) string {
		fields := strings.Fields(strings.Trim(m, "[]"))
		b := make([]byte, len(fields))
		for i, f := range fields {
			n, err := strconv.Atoi(f)
			if err != nil || n > 255 {
				return m
			}
			b[i] = byte(n)
		}
		return hex.EncodeToString(b)
	})
}
