package verify

import "time"

// Checks reported by a SigstoreVerifier, in addition to those of
// result.go.
const (
	// CheckTransparencyLog: enough distinct transparency logs proved that
	// the signature was logged, each entry bound to this bundle's
	// signature, key or certificate, and content.
	CheckTransparencyLog Check = "transparency-log"
	// CheckTimestamps: every signed timestamp verified, and the verified
	// times met the thresholds.
	CheckTimestamps Check = "timestamps"
	// CheckCertificate: the signing certificate chains to a trusted
	// certificate authority at every verified time, and follows the
	// Fulcio profile.
	CheckCertificate Check = "certificate"
	// CheckSCT: the certificate carries enough verified signed certificate
	// timestamps from trusted CT logs.
	CheckSCT Check = "sct"
	// CheckIdentity: the certificate's identity matches the policy (or,
	// for a key-signed bundle, the key is one the policy names).
	CheckIdentity Check = "identity"
)

// TimeSource says where a verified time comes from.
type TimeSource string

// The sources of a verified time.
const (
	// TimeSourceTransparencyLog: a transparency log's integrated time,
	// signed by the log in its inclusion promise (SET).
	TimeSourceTransparencyLog TimeSource = "transparency-log"
	// TimeSourceTimestampAuthority: the time of an RFC 3161 timestamp
	// from a trusted timestamp authority.
	TimeSourceTimestampAuthority TimeSource = "timestamp-authority"
	// TimeSourceCaller: a time the caller vouched for with
	// WithSigningTime.
	TimeSourceCaller TimeSource = "caller"
	// TimeSourceNone: nothing vouches for a time. A bare key signature
	// proves who signed, not when; its result lists one time of this
	// source, with the zero Time, so that a rule on signing times meets an
	// explicit "unknown" rather than an empty list.
	TimeSourceNone TimeSource = "none"
)

// VerifiedTime is a time at which the signature is known to have existed,
// and the certificate chain was checked to be valid.
type VerifiedTime struct {
	// Time is the verified time (zero for TimeSourceNone).
	Time time.Time `json:"time,omitzero"`
	// Source says who vouches for it.
	Source TimeSource `json:"source"`
	// Authority is the log's base URL or the timestamp authority's URI
	// (empty for the caller's time).
	Authority string `json:"authority,omitempty"`
}

// LogEntry is a transparency log entry that verified: it is in the log
// (inclusion proof or promise) and it records this bundle's signature,
// key or certificate, and content.
type LogEntry struct {
	// LogID is the hex id of the log's key.
	LogID string `json:"logId"`
	// BaseURL is the log's URL, from the trusted root.
	BaseURL string `json:"baseUrl,omitempty"`
	// Index is the entry's index in the log.
	Index int64 `json:"index"`
	// Kind is the entry type, e.g. "hashedrekord".
	Kind string `json:"kind"`
	// Version is the entry type's version, e.g. "0.0.1".
	Version string `json:"version"`
	// IntegratedTime is the time the log says it added the entry, when a
	// signed promise vouches for it; zero otherwise.
	IntegratedTime time.Time `json:"integratedTime,omitzero"`
	// InclusionProof says an inclusion proof was checked.
	InclusionProof bool `json:"inclusionProof,omitempty"`
	// InclusionPromise says a signed inclusion promise (SET) was checked.
	InclusionPromise bool `json:"inclusionPromise,omitempty"`
}
