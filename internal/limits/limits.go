// Package limits holds the bounds Chainmail puts on untrusted input.
//
// Every parser and verifier in the module takes its bounds from here, so a
// limit is defined once and the parse path and the verify path agree (the
// habit of sigstore-go's internal/limits). The values follow what the
// anchors of the field settled on after their advisories: sigstore-go
// GHSA-cq38 (tlog entries, timestamps, subjects, digests), cosign GHSA-vfp6
// and GHSA-88jx (signatures, attachment size).
package limits

const (
	// MaxEnvelopeBytes bounds a serialized DSSE envelope or Sigstore bundle.
	MaxEnvelopeBytes = 32 << 20

	// MaxStatementBytes bounds a serialized in-toto statement. A statement
	// travels base64-encoded inside an envelope, so it is never larger than
	// three quarters of MaxEnvelopeBytes.
	MaxStatementBytes = MaxEnvelopeBytes / 4 * 3

	// MaxSignatures bounds the signatures in one DSSE envelope.
	MaxSignatures = 100

	// MaxSubjects bounds the subjects of one in-toto statement.
	MaxSubjects = 1024

	// MaxDigestsPerSubject bounds the algorithms in one digest set.
	MaxDigestsPerSubject = 32

	// MaxJSONDepth bounds the nesting of JSON arrays and objects.
	MaxJSONDepth = 256

	// MaxKeyBytes bounds a serialized key file (PEM or cosign's JSON).
	MaxKeyBytes = 64 << 10

	// MaxTlogEntries bounds the transparency log entries of one bundle.
	MaxTlogEntries = 32

	// MaxTimestamps bounds the RFC 3161 timestamps of one bundle.
	MaxTimestamps = 32

	// MaxSBOMBytes bounds a serialized SBOM or VEX document (SECURITY.md
	// C93, C102). Decoding holds the document's bytes and its decoded
	// strings at once, about twice the input, so the bound is set for the
	// largest document to decode within SECURITY.md's 256 MiB budget
	// (sbom/bounds_test.go measures it); cosign's attachment default of
	// 128 MiB would not.
	MaxSBOMBytes = 100 << 20

	// MaxSBOMComponents bounds the components (and every other array) of
	// one SBOM, so a document of tiny elements cannot make the decoder
	// allocate for millions of structs (SECURITY.md C93, C107). A decoded
	// component costs about 1.1 KiB (the format library's struct, the
	// model's, their strings), so this many decode within the same
	// budget.
	MaxSBOMComponents = 150_000

	// MaxSBOMElements bounds the array elements of one SBOM in all
	// (components, dependency refs, properties, hashes, licenses...):
	// each array under its own bound does not bound their sum.
	MaxSBOMElements = 10 * MaxSBOMComponents

	// MaxSBOMDepth bounds the nesting of SBOM JSON or XML, and of nested
	// CycloneDX components (SECURITY.md C96).
	MaxSBOMDepth = MaxJSONDepth

	// MaxLicenseExpression bounds the length of one SPDX license
	// expression, and MaxLicenseDepth its parenthesis nesting (C99).
	MaxLicenseExpression = 64 << 10
	MaxLicenseDepth      = 64

	// MaxPURL bounds the length of one package URL (C94).
	MaxPURL = 8 << 10
)
