package verify

import (
	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/keys"
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

// Result is what a verification established, the same type whatever
// signed (keys or certificates) and whatever was verified (a DSSE
// envelope or a Sigstore bundle). Everything in it comes from verified
// bytes or from the caller; it holds copies, never the caller's buffers.
//
// Its JSON encoding (MarshalJSON) is stable: the field names in the tags
// below are part of the API, so other tools and package policy can read a
// result written by another process.
type Result struct {
	// Input is the SHA-256 digest of the verified envelope or bundle: of
	// its bytes as given to FromJSON, or of its deterministic encoding
	// when it was given parsed. A VSA's inputAttestations names it.
	Input digest.Digest `json:"input"`
	// PayloadType is the DSSE payload type ("" for message signatures).
	PayloadType string `json:"payloadType,omitempty"`
	// Payload is the verified payload, exactly as signed.
	Payload []byte `json:"payload,omitempty"`
	// Statement is the in-toto statement decoded from Payload, or nil.
	Statement *attest.Statement `json:"statement,omitempty"`
	// Signers are the distinct verified signers, one record each, in
	// signature order: trusted keys, or the certificate a bundle was
	// signed with.
	Signers []Signer `json:"signers"`
	// Subject is the statement subject that matched the artifact, or nil
	// when no artifact was checked (WithoutArtifactUnsafe) or the bundle
	// signs the artifact directly (a message signature).
	Subject *attest.ResourceDescriptor `json:"subject,omitempty"`
	// ArtifactDigests are the artifact digests that were compared and
	// matched: the verified digest set of the artifact.
	ArtifactDigests digest.Set `json:"artifactDigests,omitempty"`
	// Times are the times at which the signature is known to have existed,
	// each with its source. It is never empty: a bare key signature has
	// one entry of source TimeSourceNone (nothing vouches for a time), and
	// a time the caller vouched for (WithSigningTime) is listed with
	// source TimeSourceCaller. For certificates, the chain was valid at
	// every one.
	Times []VerifiedTime `json:"times"`
	// Checks lists the checks that passed, in order.
	Checks []Check `json:"checks"`
	// Skipped lists checks the caller chose to skip (…Unsafe options).
	Skipped []Check `json:"skipped,omitempty"`
	// Bundle is set when the input was a Sigstore bundle.
	Bundle bool `json:"bundle,omitempty"`
	// MessageSignature is set for a bundle signing the artifact directly.
	MessageSignature bool `json:"messageSignature,omitempty"`
	// BundleVersion is the Sigstore bundle's version, e.g. "v0.3".
	BundleVersion string `json:"bundleVersion,omitempty"`
	// LogEntries are the transparency log entries that verified.
	LogEntries []LogEntry `json:"logEntries,omitempty"`

	// verified is set by the verification that returned the Result, and
	// by nothing else.
	verified bool
}

// Verified reports whether r was returned by a successful verification
// of this package (Verify, or a Verifier method). A Result written as a
// literal or decoded from JSON reports false: its fields may say
// anything. Package policy admits only verified results as evidence.
func (r *Result) Verified() bool { return r != nil && r.verified }

// sealed marks res as the product of a successful verification.
func sealed(res *Result, err error) (*Result, error) {
	if err != nil {
		return nil, err
	}
	res.verified = true
	return res, nil
}

// SignerKind says what made a signature.
type SignerKind string

// The kinds of signer.
const (
	// SignerKey: a trusted public key the caller passed.
	SignerKey SignerKind = "key"
	// SignerCertificate: a certificate (Fulcio) that chained to a
	// trusted certificate authority.
	SignerCertificate SignerKind = "certificate"
)

// Signer is one distinct verified signer.
type Signer struct {
	// Kind is SignerKey or SignerCertificate.
	Kind SignerKind `json:"kind"`
	// KeyID is the lowercase hex SHA-256 of the signing key's PKIX DER
	// encoding: for a key, the id of the trusted key that verified the
	// signature (see PublicKey.ID), never the signature's keyid hint; for
	// a certificate, the id of the certificate's key.
	KeyID string `json:"keyId"`
	// Scheme is the signature scheme that verified, named as in
	// Sigstore's algorithm registry, e.g. "PKIX_ECDSA_P256_SHA_256" (or
	// "PKIX_ECDSA_P384_SHA_256" for a P-384 key that signed over SHA-256).
	Scheme string `json:"scheme"`
	// Signature is the index of the signature (or bundle) it verified.
	Signature int `json:"signature"`
	// KeyIDHint is the keyid the signature carried, which may be empty or
	// name another key: it is reported, never trusted.
	KeyIDHint string `json:"keyIdHint,omitempty"`

	// The fields below are set for certificates only.

	// SAN is the certificate's only subject alternative name: a URI, an
	// email address, or a Fulcio username (otherName).
	SAN string `json:"san,omitempty"`
	// SANType is "uri", "email" or "othername".
	SANType string `json:"sanType,omitempty"`
	// Issuer is the OIDC issuer from the Fulcio issuer extension.
	Issuer string `json:"issuer,omitempty"`
	// Claims are the Fulcio claims of the certificate.
	Claims FulcioClaims `json:"claims,omitzero"`
	// Certificate is the DER encoding of the signing (leaf) certificate.
	Certificate []byte `json:"certificate,omitempty"`
}

// Identity returns the certificate identity of s (nil for a key signer),
// in the form the identity matchers read.
func (s *Signer) Identity() *Identity {
	if s.Kind != SignerCertificate {
		return nil
	}
	return &Identity{SAN: s.SAN, SANType: s.SANType, Issuer: s.Issuer, Claims: s.Claims}
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

// SignerIDs returns the key ids of the signers.
func (r *Result) SignerIDs() []string { return signerIDs(r.Signers) }

func (r *Result) addCheck(c Check) { r.Checks = append(r.Checks, c) }

// keySigner is the record of trusted key k that verified signature index
// under scheme.
func keySigner(k *PublicKey, scheme keys.Scheme, index int, hint string) Signer {
	return Signer{Kind: SignerKey, KeyID: k.id, Scheme: string(scheme), Signature: index, KeyIDHint: hint}
}

// Identity returns the certificate identity of the first certificate
// signer, or nil when only keys signed. It is a view of Signers.
func (r *Result) Identity() *Identity {
	for i := range r.Signers {
		if id := r.Signers[i].Identity(); id != nil {
			return id
		}
	}
	return nil
}
