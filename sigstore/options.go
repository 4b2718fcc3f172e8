package sigstore

import (
	"fmt"

	"github.com/chainmail-dev/chainmail/verify"
)

// Option configures NewAuthority: what a bundle's anchors must show.
// Options are checked when the authority is built: conflicting or
// out-of-range options are a verify.ErrInvalidOptions error then.
type Option func(*authConfig) error

// authConfig is what the options set.
type authConfig struct {
	tlog            int
	tlogSet         bool
	skipTlog        bool
	signedTS        int
	integratedTS    int
	observerTS      int
	observerSet     bool
	sct             int
	sctSet, skipSCT bool
}

// WithTransparencyLog requires entries from n distinct transparency logs
// of the trusted root (default 1). Logs count once however many entries
// they have (SECURITY.md C34).
func WithTransparencyLog(n int) Option {
	return count("transparency log threshold", n, func(c *authConfig) { c.tlog, c.tlogSet = n, true })
}

// WithoutTransparencyLogUnsafe skips the transparency log: entries in
// the bundle are not checked and their times are not used. Without a log,
// nothing shows that the signature was ever public.
func WithoutTransparencyLogUnsafe() Option {
	return func(c *authConfig) error {
		c.skipTlog = true
		return nil
	}
}

// WithSignedTimestamps requires RFC 3161 timestamps from n distinct
// trusted timestamp authorities (default 0).
func WithSignedTimestamps(n int) Option {
	return count("signed timestamp threshold", n, func(c *authConfig) { c.signedTS = n })
}

// WithIntegratedTimestamps requires signed integrated times from n
// distinct transparency logs (default 0).
func WithIntegratedTimestamps(n int) Option {
	return count("integrated timestamp threshold", n, func(c *authConfig) { c.integratedTS = n })
}

// WithObserverTimestamps requires n verified times from transparency logs
// and timestamp authorities together, each authority counted once. The
// default is 1, or 0 when the caller vouches for a signing time
// (verify.WithSigningTime).
func WithObserverTimestamps(n int) Option {
	return count("observer timestamp threshold", n, func(c *authConfig) { c.observerTS, c.observerSet = n, true })
}

// WithSignedCertificateTimestamps requires n verified SCTs from distinct
// CT logs of the trusted root in a signing certificate (default 1).
func WithSignedCertificateTimestamps(n int) Option {
	return count("SCT threshold", n, func(c *authConfig) { c.sct, c.sctSet = n, true })
}

// WithoutSignedCertificateTimestampsUnsafe accepts certificates without
// SCTs, for private certificate authorities that do not log to CT.
func WithoutSignedCertificateTimestampsUnsafe() Option {
	return func(c *authConfig) error {
		c.skipSCT = true
		return nil
	}
}

// count is an option that sets a threshold n of at least 1, described as
// what.
func count(what string, n int, set func(*authConfig)) Option {
	return func(c *authConfig) error {
		if n < 1 {
			return fmt.Errorf("%w: %s %d (want at least 1)", verify.ErrInvalidOptions, what, n)
		}
		set(c)
		return nil
	}
}
