package verify

import (
	"fmt"
	"strings"
)

// Narrower reasons for Sigstore bundle verification; each wraps
// ErrUnverified, like the reasons in errors.go.
var (
	// ErrBundleVersion: the bundle's version is below the verifier's
	// minimum (WithMinBundleVersion; default v0.2), so it may have been
	// relabelled to drop a requirement (SECURITY.md C33).
	ErrBundleVersion = newReason("bundle version not accepted")
	// ErrTransparencyLog: the transparency log entries do not prove that
	// this signature was logged: a proof, promise or checkpoint fails, an
	// entry is about other content, or too few distinct logs verified.
	ErrTransparencyLog = newReason("transparency log")
	// ErrTimestamp: a signed timestamp does not verify, or the verified
	// times do not meet the thresholds, or no trusted time is known.
	ErrTimestamp = newReason("timestamp")
	// ErrCertificate: the signing certificate is not valid: it does not
	// chain to a trusted certificate authority at every verified time, it
	// breaks a rule of the Fulcio profile, or its SCTs do not verify.
	ErrCertificate = newReason("certificate")
	// ErrIdentity: the certificate is valid but names an identity the
	// policy does not accept.
	ErrIdentity = newReason("identity")
	// ErrIdentityPolicy: no identity policy was given (the zero
	// IdentityPolicy), or it cannot apply.
	ErrIdentityPolicy = newReason("identity policy")
	// ErrTrustedRoot: the trusted root is missing, malformed, or could not
	// be fetched and verified.
	ErrTrustedRoot = newReason("trusted root")
)

// IdentityError reports that a certificate's identity matched none of the
// accepted identities. It matches ErrIdentity (and ErrUnverified).
type IdentityError struct {
	// Identity is what the certificate says (verified: the certificate
	// chains to a trusted authority).
	Identity *Identity
	// Reasons says, for each accepted identity in order, why it did not
	// match.
	Reasons []string
}

// Error says which identity the certificate holds and why the first
// accepted identity did not match.
func (e *IdentityError) Error() string {
	var b strings.Builder
	b.WriteString("verify: identity not accepted")
	switch {
	case len(e.Reasons) > 0:
		b.WriteString(": ")
		b.WriteString(e.Reasons[0])
		if n := len(e.Reasons) - 1; n > 0 {
			fmt.Fprintf(&b, " (and %d more accepted identities do not match)", n)
		}
	case e.Identity != nil:
		fmt.Fprintf(&b, ": SAN %q, issuer %q", truncate(e.Identity.SAN), truncate(e.Identity.Issuer))
	}
	return b.String()
}

// Unwrap returns ErrIdentity.
func (e *IdentityError) Unwrap() error { return ErrIdentity }
