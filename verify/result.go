package verify

import (
	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
)

// Check names one verification step that passed.
type Check string

// The checks a Result can report.
const (
	// CheckPayloadType: the DSSE payloadType is one the verifier accepts.
	CheckPayloadType Check = "payload-type"
	// CheckSignatures: every counted signature verified with a trusted key.
	CheckSignatures Check = "signatures"
	// CheckThreshold: enough distinct trusted keys signed.
	CheckThreshold Check = "threshold"
	// CheckStatement: the payload is a valid in-toto statement.
	CheckStatement Check = "statement"
	// CheckSubject: a subject (or, for a message signature, the signed
	// digest) matches the artifact's locally known digests.
	CheckSubject Check = "subject"
	// CheckMessageDigest: a bundle's message digest agrees with the
	// artifact's.
	CheckMessageDigest Check = "message-digest"
)

// Result is what a verification established. Everything in it comes from
// verified bytes or from the caller; it holds copies, never the caller's
// buffers.
type Result struct {
	// PayloadType is the DSSE payload type ("" for message signatures).
	PayloadType string
	// Payload is the verified payload, exactly as signed.
	Payload []byte
	// Statement is the in-toto statement decoded from Payload, or nil.
	Statement *attest.Statement
	// Signers are the distinct trusted keys whose signatures verified, in
	// signature order.
	Signers []Signer
	// Subject is the statement subject that matched the artifact, or nil
	// when no artifact was checked.
	Subject *attest.ResourceDescriptor
	// ArtifactDigests are the artifact digests that were compared and
	// matched.
	ArtifactDigests digest.Set
	// Checks lists the checks that passed, in order.
	Checks []Check
	// Skipped lists checks the caller chose to skip (…Unsafe options).
	Skipped []Check
	// Bundle is set when the input was a Sigstore bundle.
	Bundle bool
	// MessageSignature is set for a bundle signing the artifact directly.
	MessageSignature bool

	// The fields below are set by a SigstoreVerifier.

	// BundleVersion is the Sigstore bundle's version, e.g. "v0.3".
	BundleVersion string
	// Identity is the verified signer identity of a certificate-signed
	// bundle; nil for key-signed bundles (see Signers).
	Identity *Identity
	// Times are the verified times at which the signature existed, each
	// with its source; the certificate chain was valid at every one.
	Times []VerifiedTime
	// LogEntries are the transparency log entries that verified.
	LogEntries []LogEntry
}

// Signer is a trusted key that signed.
type Signer struct {
	// KeyID is the id of the trusted key that verified the signature (see
	// PublicKey.ID), not the signature's keyid hint.
	KeyID string
	// Scheme is the key's signature scheme.
	Scheme string
	// Signature is the index of the signature (or bundle) it verified.
	Signature int
	// KeyIDHint is the keyid the signature carried, which may be empty or
	// name another key: it is reported, never trusted.
	KeyIDHint string
}

// Checked reports whether check c passed.
func (r *Result) Checked(c Check) bool {
	for _, x := range r.Checks {
		if x == c {
			return true
		}
	}
	return false
}

// SignerIDs returns the ids of the keys that signed.
func (r *Result) SignerIDs() []string { return signerIDs(r.Signers) }

func (r *Result) addCheck(c Check) { r.Checks = append(r.Checks, c) }
