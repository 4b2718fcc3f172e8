package verify

import (
	"fmt"
	"reflect"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
)

// Option configures NewTrust (and the lower-level NewVerifier). Options are checked together when the trust is
// built: conflicting or out-of-range options are an ErrInvalidOptions
// error then, never a surprise at verification time.
type Option func(*verifyConfig) error

// verifyConfig is what the options set.
type verifyConfig struct {
	keys         []*PublicKey
	keysSet      bool
	auth         Authority
	threshold    int
	thresholdSet bool

	payloadTypes   []string
	statementTypes []string
	signingTime    time.Time
	clock          func() time.Time

	minVersion string   // WithMinBundleVersion; "" means v0.2
	authOnly   []string // the options set that apply to an authority only
}

func newConfig(opts []Option) (*verifyConfig, error) {
	c := &verifyConfig{payloadTypes: []string{attest.PayloadType}}
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidOptions)
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// authOption marks an option that needs an authority.
func (c *verifyConfig) authOption(name string) { c.authOnly = append(c.authOnly, name) }

// WithKeys trusts keys: DSSE envelopes and key-signed bundles verify
// when at least the threshold (WithThreshold, default 1) of distinct keys
// among them signed. The keys must be distinct, at most MaxKeys.
func WithKeys(keys ...*PublicKey) Option {
	return func(c *verifyConfig) error {
		if c.keysSet {
			return fmt.Errorf("%w: WithKeys given twice", ErrInvalidOptions)
		}
		c.keys, c.keysSet = append([]*PublicKey(nil), keys...), true
		return nil
	}
}

// WithAuthority trusts a bundle authority: certificate-signed bundles
// need one (package sigstore's, for a Sigstore trusted root:
// sigstore.NewAuthority), and key-signed bundles then have their log
// entries and timestamps checked by it too.
func WithAuthority(a Authority) Option {
	return func(c *verifyConfig) error {
		if a == nil || (reflect.ValueOf(a).Kind() == reflect.Pointer && reflect.ValueOf(a).IsNil()) {
			return fmt.Errorf("%w: nil authority", ErrInvalidOptions)
		}
		if c.auth != nil {
			return fmt.Errorf("%w: WithAuthority given twice", ErrInvalidOptions)
		}
		c.auth = a
		return nil
	}
}

// WithThreshold requires signatures from n distinct trusted keys (default
// 1). n must be between 1 and the number of keys.
func WithThreshold(n int) Option {
	return func(c *verifyConfig) error {
		c.threshold, c.thresholdSet = n, true
		return nil
	}
}

// WithPayloadTypes sets the DSSE payload types accepted (default: only
// attest.PayloadType, in-toto statements). An envelope of any other type
// is rejected before its payload is looked at, so a key used for several
// purposes cannot have one kind of document passed off as another
// (SECURITY.md C03).
func WithPayloadTypes(types ...string) Option {
	return func(c *verifyConfig) error {
		if len(types) == 0 {
			return fmt.Errorf("%w: WithPayloadTypes needs at least one type", ErrInvalidOptions)
		}
		for _, t := range types {
			if t == "" {
				return fmt.Errorf("%w: empty payload type", ErrInvalidOptions)
			}
		}
		c.payloadTypes = append([]string(nil), types...)
		return nil
	}
}

// WithStatementTypes sets the in-toto statement _type values accepted,
// compared exactly (SECURITY.md C18). The default accepts
// attest.StatementTypeV1 and attest.StatementTypeV01, which SLSA v0.2
// provenance still uses; WithStatementTypes(attest.StatementTypeV1)
// requires v1.
func WithStatementTypes(types ...string) Option {
	return func(c *verifyConfig) error {
		if len(types) == 0 {
			return fmt.Errorf("%w: no statement types", ErrInvalidOptions)
		}
		for _, t := range types {
			if t != attest.StatementTypeV1 && t != attest.StatementTypeV01 {
				return fmt.Errorf("%w: statement type %q is not one attest parses", ErrInvalidOptions, truncate(t))
			}
		}
		c.statementTypes = append([]string(nil), types...)
		return nil
	}
}

// WithSigningTime vouches that the signature existed at t: the caller's
// word, for signatures that carry no trusted time (a bare key signature,
// an air-gapped bundle, a long-lived certificate). Results list t with
// source TimeSourceCaller, and a certificate chain must be valid at t as
// at every time the bundle proves. It is never implied: without it, the
// current time is never taken as the signing time (SECURITY.md C50).
func WithSigningTime(t time.Time) Option {
	return func(c *verifyConfig) error {
		if t.IsZero() {
			return fmt.Errorf("%w: WithSigningTime with the zero time", ErrInvalidOptions)
		}
		c.signingTime = t
		return nil
	}
}

// WithClock sets the clock that says what time it is now (default:
// time.Now). It is used only to reject log entries and timestamps dated
// more than MaxClockSkew in the future, never as a signing time.
func WithClock(now func() time.Time) Option {
	return func(c *verifyConfig) error {
		if now == nil {
			return fmt.Errorf("%w: WithClock with a nil clock", ErrInvalidOptions)
		}
		c.clock = now
		c.authOption("WithClock")
		return nil
	}
}

// WithMinBundleVersion sets the oldest bundle version accepted: "v0.1",
// "v0.2" (the default) or "v0.3". v0.1 bundles need no inclusion proof,
// so accepting them lets a newer bundle be relabelled to drop its proof
// (SECURITY.md C33).
func WithMinBundleVersion(v string) Option {
	return func(c *verifyConfig) error {
		if versionRank(v) == 0 {
			return fmt.Errorf("%w: bundle version %q (want v0.1, v0.2 or v0.3)", ErrInvalidOptions, truncate(v))
		}
		c.minVersion = v
		c.authOption("WithMinBundleVersion")
		return nil
	}
}
