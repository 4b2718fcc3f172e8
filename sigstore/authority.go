package sigstore

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/digitorus/pkcs7"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/signature"

	"github.com/chainmail-dev/chainmail/internal/errs"
	"github.com/chainmail-dev/chainmail/internal/keys"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/verify"
)

// Authority is a verify.Authority for a Sigstore trusted root: it checks
// a bundle's transparency log entries, RFC 3161 timestamps, and signing
// certificate (chain to a trusted Fulcio at every verified time, SCTs)
// with sigstore-go's building blocks, one entry and one timestamp at a
// time, and adds the checks sigstore-go leaves out (see the package
// documentation). It is immutable and safe for concurrent use. Make one
// with NewAuthority; a nil or zero Authority rejects everything.
type Authority struct {
	root *TrustedRoot
	cfg  authConfig
	fast []*fastCA // per Fulcio CA: intermediates checked once (chains.go)
}

// NewAuthority returns an Authority trusting the authorities of tr.
// Without options it requires one transparency log entry, one verified
// time from a log or timestamp authority (none when the caller vouches
// for a signing time), and one SCT in a signing certificate.
func NewAuthority(tr *TrustedRoot, opts ...Option) (*Authority, error) {
	if tr == nil || tr.tr == nil {
		return nil, fmt.Errorf("%w: no trusted root", verify.ErrInvalidOptions)
	}
	c := authConfig{}
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("%w: nil option", verify.ErrInvalidOptions)
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if c.skipTlog && c.tlogSet {
		return nil, fmt.Errorf("%w: WithTransparencyLog and WithoutTransparencyLogUnsafe together", verify.ErrInvalidOptions)
	}
	if c.skipTlog && c.integratedTS > 0 {
		return nil, fmt.Errorf("%w: integrated timestamps need the transparency log", verify.ErrInvalidOptions)
	}
	if c.skipSCT && c.sctSet {
		return nil, fmt.Errorf("%w: WithSignedCertificateTimestamps and WithoutSignedCertificateTimestampsUnsafe together", verify.ErrInvalidOptions)
	}
	if !c.tlogSet && !c.skipTlog {
		c.tlog = 1
	}
	if !c.sctSet {
		c.sct = 1
	}
	return &Authority{root: tr, cfg: c, fast: fastCAs(tr.tr)}, nil
}

// TrustedRoot returns the trusted root the authority trusts.
func (a *Authority) TrustedRoot() *TrustedRoot {
	if a == nil {
		return nil
	}
	return a.root
}

// Anchor implements verify.Authority. Every rejection wraps
// verify.ErrUnverified and a narrower reason (verify.ErrTransparencyLog,
// verify.ErrTimestamp, verify.ErrCertificate).
func (a *Authority) Anchor(ctx context.Context, req *verify.AnchorRequest) (*verify.Anchors, error) {
	if a == nil || a.root == nil || a.root.tr == nil {
		return nil, verify.ErrNotInitialized
	}
	if req == nil || !req.Bundle.Valid() || len(req.Signature) == 0 || (req.Certificate == nil) == (req.Key == nil) {
		return nil, fmt.Errorf("%w: incomplete anchor request", verify.ErrUnverified)
	}
	r := &anchorRun{a: a, req: req, out: &verify.Anchors{}, version: req.Bundle.Version()}
	for _, step := range []func(context.Context) error{r.checkTlog, r.checkTimestamps, r.checkCertificate} {
		if err := ctx.Err(); err != nil {
			return nil, errs.Wrap(verify.ErrUnverified, err)
		}
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	return r.out, nil
}

// fastCA returns the prepared shortcut for the i-th Fulcio CA, or nil.
func (a *Authority) fastCA(i int) *fastCA {
	if i < len(a.fast) {
		return a.fast[i]
	}
	return nil
}

// anchorRun is the state of one Anchor call.
type anchorRun struct {
	a       *Authority
	req     *verify.AnchorRequest
	out     *verify.Anchors
	version string
	tm      root.TrustedMaterial
	entity  *sgEntity

	rekorV2    bool                    // a counted entry is Rekor v2
	proofOnly  []*root.TransparencyLog // logs of counted entries without a promise
	logTimes   []verify.VerifiedTime   // signed integrated times, one per log
	tsaTimes   []verify.VerifiedTime   // RFC 3161 times, one per authority
	allTimes   []verify.VerifiedTime
	verifiedAt []time.Time
}

func (r *anchorRun) check(c verify.Check) { r.out.Checks = append(r.out.Checks, c) }

// maxMessageBytes bounds a message sigstore-go asks a trusted key to
// verify (a log entry check); the largest is a DSSE PAE.
const maxMessageBytes = 64 << 20

// buildEntity prepares the view of the bundle that sigstore-go's checks
// read. It is built per verification from parsed copies, so concurrent
// verifications of one bundle share no mutable state (sigstore-go's
// Bundle.TlogEntries writes to the bundle).
func (r *anchorRun) buildEntity() error {
	sc, err := sgproto.SignatureContent(r.req.Bundle)
	if err != nil {
		return errs.Wrap(verify.ErrMalformed, err)
	}
	e := &sgEntity{version: r.version, sig: sc}
	if r.req.Certificate != nil {
		e.vc = sgbundle.NewCertificate(r.req.Certificate)
		r.tm = r.a.root.tr
	} else {
		// The key that verified the signature is the one the log entry
		// must name, whatever the hint says (keyMaterial).
		e.vc = &sgbundle.PublicKey{}
		r.tm = &keyMaterial{TrustedMaterial: r.a.root.tr, key: trustedKey{r.req.Key}}
	}
	// bundle.Parse has checked each entry's fields and that its
	// kindVersion is its body's (sigstore-go compares the bundle's values
	// with themselves).
	for i, be := range r.req.Bundle.TlogEntries() {
		tle := sgproto.TlogEntry(be)
		entry, err := tlog.ParseTransparencyLogEntry(tle)
		if err != nil {
			return fmt.Errorf("%w: log entry %d: %v", verify.ErrTransparencyLog, i, err)
		}
		if err := checkCheckpoint(tle.GetInclusionProof().GetCheckpoint().GetEnvelope()); err != nil {
			return fmt.Errorf("%w: log entry %d: %v", verify.ErrTransparencyLog, i, err)
		}
		e.entries = append(e.entries, entry)
	}
	r.entity = e
	return nil
}

// v1Origin is the origin line of a Rekor v1 checkpoint: "<host> - <tree id>".
var v1Origin = regexp.MustCompile(`^([^ ]+) - [0-9]+$`)

// checkCheckpoint requires every signature of a checkpoint to be
// canonical base64, and every signature line of a Rekor v1 checkpoint to
// name the log host of its origin line: Rekor v1 signs as
// "<host>" a checkpoint whose origin is "<host> - <tree id>". The name is
// not covered by the signature, and the signature check ignores it, so a
// checkpoint with another name has been tampered with. (Rekor v2
// checkpoints are checked by sigstore-go against the log's URL.)
func checkCheckpoint(envelope string) error {
	if envelope == "" {
		return nil
	}
	body, sigs, ok := strings.Cut(envelope, "\n\n")
	if !ok {
		return nil // malformed: sigstore-go reports it
	}
	origin, _, _ := strings.Cut(body, "\n")
	m := v1Origin.FindStringSubmatch(origin)
	for _, line := range strings.Split(strings.TrimSuffix(sigs, "\n"), "\n") {
		rest, ok := strings.CutPrefix(line, "\u2014 ")
		if !ok {
			return fmt.Errorf("checkpoint signature line %q", truncate(line))
		}
		name, sig, _ := strings.Cut(rest, " ")
		// One encoding per signature: the note's base64 must be canonical,
		// so no two spellings of a checkpoint verify (sigstore-go's
		// decoder ignores the padding bits).
		if _, err := base64.StdEncoding.Strict().DecodeString(sig); err != nil {
			return fmt.Errorf("checkpoint signature of %q is not canonical base64", truncate(name))
		}
		if m != nil && name != m[1] {
			return fmt.Errorf("checkpoint of %q signed as %q", truncate(m[1]), truncate(name))
		}
	}
	return nil
}

// checkTlog verifies each transparency log entry with sigstore-go, one at
// a time, so the proof requirement applies per entry (C32), any entry
// that fails fails the bundle, and the threshold counts distinct logs.
func (r *anchorRun) checkTlog(context.Context) error {
	if err := r.buildEntity(); err != nil {
		return err
	}
	if r.a.cfg.skipTlog {
		r.out.Skipped = append(r.out.Skipped, verify.CheckTransparencyLog)
		return nil
	}
	logs := r.tm.RekorLogs()
	authorities := map[string]bool{}
	timed := map[string]bool{}
	seen := map[string]bool{}
	var first error
	for i, entry := range r.entity.entries {
		keyID := hex.EncodeToString([]byte(entry.LogKeyID()))
		tle := entry.TransparencyLogEntry()
		dup := fmt.Sprintf("%s/%d", keyID, entry.LogIndex())
		if seen[dup] {
			return fmt.Errorf("%w: entry %d repeats log %s index %d", verify.ErrTransparencyLog, i, truncate(keyID), entry.LogIndex())
		}
		seen[dup] = true
		if r.version == "v0.1" {
			if !entry.HasInclusionPromise() {
				return fmt.Errorf("%w: entry %d has no inclusion promise (required for v0.1 bundles)", verify.ErrTransparencyLog, i)
			}
		} else if !entry.HasInclusionProof() {
			return fmt.Errorf("%w: entry %d has no inclusion proof (required from v0.2)", verify.ErrTransparencyLog, i)
		}
		if tle.GetIntegratedTime() < 0 {
			return fmt.Errorf("%w: entry %d has a negative integrated time", verify.ErrTransparencyLog, i)
		}
		log, ok := logs[keyID]
		if !ok {
			// Not a log of the trusted root: it proves nothing and does not
			// count, as in sigstore-go.
			if first == nil {
				first = fmt.Errorf("entry %d is from log %s, which the trusted root does not list", i, truncate(keyID))
			}
			continue
		}
		one := *r.entity
		one.entries = r.entity.entries[i : i+1]
		times, err := sgverify.VerifyTlogEntry(&one, r.tm, 1, true)
		if err != nil {
			return fmt.Errorf("%w: entry %d: %v", verify.ErrTransparencyLog, i, err)
		}
		le := verify.LogEntry{
			LogID: keyID, BaseURL: log.BaseURL, Index: entry.LogIndex(),
			Kind: tle.GetKindVersion().GetKind(), Version: tle.GetKindVersion().GetVersion(),
			InclusionProof: entry.HasInclusionProof(), InclusionPromise: entry.HasInclusionPromise(),
		}
		if len(times) > 0 && entry.HasInclusionPromise() {
			le.IntegratedTime = entry.IntegratedTime()
			if le.IntegratedTime.After(r.req.Now.Add(verify.MaxClockSkew)) {
				return fmt.Errorf("%w: entry %d is integrated at %s, in the future", verify.ErrTransparencyLog, i, le.IntegratedTime.UTC().Format(time.RFC3339))
			}
		}
		if entry.IsRekorV2() {
			r.rekorV2 = true
		}
		if !entry.HasInclusionPromise() {
			r.proofOnly = append(r.proofOnly, log)
		}
		r.out.LogEntries = append(r.out.LogEntries, le)
		// Logs are told apart by URL, so a log reached under two key ids
		// (a rotated key) is still one log; by key id when it has none.
		authority := "id:" + keyID
		if log.BaseURL != "" {
			authority = "url:" + log.BaseURL
		}
		if !le.IntegratedTime.IsZero() && !timed[authority] {
			timed[authority] = true
			r.logTimes = append(r.logTimes, verify.VerifiedTime{Time: le.IntegratedTime, Source: verify.TimeSourceTransparencyLog, Authority: log.BaseURL})
		}
		authorities[authority] = true
	}
	if n := len(authorities); n < r.a.cfg.tlog {
		if first != nil {
			return fmt.Errorf("%w: %d of %d required distinct logs verified; %v", verify.ErrTransparencyLog, n, r.a.cfg.tlog, first)
		}
		return fmt.Errorf("%w: %d of %d required distinct logs verified", verify.ErrTransparencyLog, n, r.a.cfg.tlog)
	}
	r.check(verify.CheckTransparencyLog)
	return nil
}

// checkTimestamps verifies every RFC 3161 timestamp against the trusted
// timestamp authorities and applies the time thresholds.
func (r *anchorRun) checkTimestamps(context.Context) error {
	cfg := r.a.cfg
	tsas := r.tm.TimestampingAuthorities()
	counted := map[root.TimestampingAuthority]bool{}
	uris := map[string]bool{}
	for i, data := range r.req.Bundle.Timestamps() {
		var errs []error
		var verified *root.Timestamp
		var by root.TimestampingAuthority
		for _, tsa := range tsas {
			t, err := tsa.Verify(data, r.req.Signature)
			if err == nil {
				if err = checkTSASigner(data, tsa); err == nil {
					verified, by = t, tsa
					break
				}
			}
			errs = append(errs, err)
		}
		if verified == nil {
			if len(errs) == 0 {
				return fmt.Errorf("%w: timestamp %d: the trusted root has no timestamp authority", verify.ErrTimestamp, i)
			}
			return fmt.Errorf("%w: timestamp %d: %v", verify.ErrTimestamp, i, errs[0])
		}
		if verified.Time.After(r.req.Now.Add(verify.MaxClockSkew)) {
			return fmt.Errorf("%w: timestamp %d is dated %s, in the future", verify.ErrTimestamp, i, verified.Time.UTC().Format(time.RFC3339))
		}
		// One authority counts once, however many timestamps it signed
		// (C61); sigstore-go tells them apart by URI.
		if counted[by] || (verified.URI != "" && uris[verified.URI]) {
			continue
		}
		counted[by] = true
		uris[verified.URI] = true
		r.tsaTimes = append(r.tsaTimes, verify.VerifiedTime{Time: verified.Time, Source: verify.TimeSourceTimestampAuthority, Authority: verified.URI})
	}
	if n := len(r.tsaTimes); n < cfg.signedTS {
		return fmt.Errorf("%w: %d of %d required signed timestamps verified", verify.ErrTimestamp, n, cfg.signedTS)
	}
	if n := len(r.logTimes); n < cfg.integratedTS {
		return fmt.Errorf("%w: %d of %d required integrated timestamps verified", verify.ErrTimestamp, n, cfg.integratedTS)
	}
	observer := 1 // the default: one, unless the caller vouches for a time
	if !r.req.SigningTime.IsZero() {
		observer = 0
	}
	if cfg.observerSet {
		observer = cfg.observerTS
	}
	if n := len(r.tsaTimes) + len(r.logTimes); n < observer {
		return fmt.Errorf("%w: %d of %d required timestamps verified (transparency log promises and timestamp authorities)", verify.ErrTimestamp, n, observer)
	}
	if r.rekorV2 && len(r.tsaTimes) == 0 {
		// Rekor v2 entries carry no signed time: the time must come from a
		// timestamp authority (C35).
		return fmt.Errorf("%w: a Rekor v2 entry needs a signed timestamp", verify.ErrTimestamp)
	}
	r.allTimes = append(append(r.allTimes, r.logTimes...), r.tsaTimes...)
	if !r.req.SigningTime.IsZero() {
		r.allTimes = append(r.allTimes, verify.VerifiedTime{Time: r.req.SigningTime, Source: verify.TimeSourceCaller})
	}
	if len(r.allTimes) == 0 {
		return fmt.Errorf("%w: no verified time: the bundle has no signed timestamp or log promise; pass WithSigningTime to vouch for one", verify.ErrTimestamp)
	}
	for _, t := range r.allTimes {
		r.verifiedAt = append(r.verifiedAt, t.Time)
	}
	// A log key with a validity window must be valid when the entry was
	// made; entries with a promise are checked by sigstore-go at their
	// integrated time, the others here at every verified time (C52).
	for _, l := range r.proofOnly {
		for _, t := range r.verifiedAt {
			if (!l.ValidityPeriodStart.IsZero() && t.Before(l.ValidityPeriodStart)) || (!l.ValidityPeriodEnd.IsZero() && t.After(l.ValidityPeriodEnd)) {
				return fmt.Errorf("%w: log %q key is not valid at %s", verify.ErrTransparencyLog, truncate(l.BaseURL), t.UTC().Format(time.RFC3339))
			}
		}
	}
	r.out.Times = r.allTimes
	r.check(verify.CheckTimestamps)
	return nil
}

// checkCertificate verifies the leaf's chain at every verified time
// (C51), with intermediates from the trusted root only (C47), and its
// SCTs.
func (r *anchorRun) checkCertificate(context.Context) error {
	if r.req.Certificate == nil {
		return nil
	}
	var chains [][]*x509.Certificate
	for _, t := range r.verifiedAt {
		c, err := r.chainAt(t)
		if err != nil {
			return err
		}
		if chains == nil {
			chains = c
		}
	}
	r.check(verify.CheckCertificate)
	if r.a.cfg.skipSCT {
		r.out.Skipped = append(r.out.Skipped, verify.CheckSCT)
		return nil
	}
	if err := sgverify.VerifySignedCertificateTimestamp(chains, r.a.cfg.sct, r.tm); err != nil {
		return errs.Wrap(verify.ErrCertificate, err)
	}
	r.check(verify.CheckSCT)
	return nil
}

func (r *anchorRun) chainAt(t time.Time) ([][]*x509.Certificate, error) {
	var first error
	for i, ca := range r.tm.FulcioCertificateAuthorities() {
		var chains [][]*x509.Certificate
		var err error
		if f := r.a.fastCA(i); f != nil {
			chains, _ = f.verify(r.req.Certificate, t)
		}
		if chains == nil {
			chains, err = ca.Verify(r.req.Certificate, t)
		}
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		for _, chain := range chains {
			if len(chain) > MaxChainLength {
				return nil, fmt.Errorf("%w: chain of %d certificates, limit %d", verify.ErrCertificate, len(chain), MaxChainLength)
			}
			for _, c := range chain[1:] {
				if len(c.UnhandledCriticalExtensions) > 0 {
					return nil, fmt.Errorf("%w: a CA certificate has unknown critical extensions", verify.ErrCertificate)
				}
			}
		}
		return chains, nil
	}
	if first == nil {
		return nil, fmt.Errorf("%w: the trusted root has no certificate authority", verify.ErrCertificate)
	}
	return nil, fmt.Errorf("%w: not valid at %s: %v", verify.ErrCertificate, t.UTC().Format(time.RFC3339), first)
}

// checkTSASigner enforces that a timestamp embedding its signer's
// certificate was signed by the trusted root's TSA leaf itself, when the
// root names one (C58).
func checkTSASigner(tsr []byte, tsa root.TimestampingAuthority) error {
	sta, ok := tsa.(*root.SigstoreTimestampingAuthority)
	if !ok || sta.Leaf == nil {
		return nil
	}
	signer, err := tsrSigner(tsr)
	if err != nil {
		return err
	}
	if signer != nil && !signer.Equal(sta.Leaf) {
		return errors.New("timestamp signed by a certificate other than the trusted authority's")
	}
	return nil
}

// sgEntity is the sigstore-go view of one verification (verify.SignedEntity).
type sgEntity struct {
	version string
	sig     sgverify.SignatureContent
	vc      sgverify.VerificationContent
	entries []*tlog.Entry
}

func (e *sgEntity) HasInclusionPromise() bool {
	for _, x := range e.entries {
		if x.HasInclusionPromise() {
			return true
		}
	}
	return false
}

func (e *sgEntity) HasInclusionProof() bool {
	for _, x := range e.entries {
		if x.HasInclusionProof() {
			return true
		}
	}
	return false
}

func (e *sgEntity) SignatureContent() (sgverify.SignatureContent, error) { return e.sig, nil }

func (e *sgEntity) VerificationContent() (sgverify.VerificationContent, error) { return e.vc, nil }

func (e *sgEntity) Timestamps() ([][]byte, error) { return nil, nil }

func (e *sgEntity) TlogEntries() ([]*tlog.Entry, error) { return e.entries, nil }

func (e *sgEntity) Version() (string, error) { return e.version, nil }

// keyMaterial is the trusted root plus the policy key that verified the
// signature: whatever hint the bundle gives, that key is the one the log
// entry must name (C40).
type keyMaterial struct {
	root.TrustedMaterial
	key root.TimeConstrainedVerifier
}

func (k *keyMaterial) PublicKeyVerifier(string) (root.TimeConstrainedVerifier, error) {
	return k.key, nil
}

// trustedKey is a policy key in the form sigstore-go's checks read it.
type trustedKey struct{ k *verify.PublicKey }

func (t trustedKey) PublicKey(...signature.PublicKeyOption) (crypto.PublicKey, error) {
	return t.k.Public(), nil
}

func (t trustedKey) VerifySignature(sig, message io.Reader, _ ...signature.VerifyOption) error {
	s, err := io.ReadAll(io.LimitReader(sig, 1<<16))
	if err != nil {
		return err
	}
	m, err := io.ReadAll(io.LimitReader(message, maxMessageBytes))
	if err != nil {
		return err
	}
	return keys.Verify(t.k.Public(), keys.Scheme(t.k.Scheme()), m, s)
}

// ValidAtTime reports true: a key the caller passes has no validity
// window.
func (t trustedKey) ValidAtTime(time.Time) bool { return true }

// tsrSigner returns the certificate that signed an RFC 3161 response, if
// the response embeds it.
func tsrSigner(tsr []byte) (*x509.Certificate, error) {
	var resp struct {
		Status asn1.RawValue
		Token  asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(tsr, &resp); err != nil {
		return nil, fmt.Errorf("timestamp response: %v", err)
	}
	p7, err := pkcs7.Parse(resp.Token.FullBytes)
	if err != nil {
		return nil, fmt.Errorf("timestamp token: %v", err)
	}
	if len(p7.Signers) != 1 {
		return nil, fmt.Errorf("timestamp token has %d signers (want 1)", len(p7.Signers))
	}
	if len(p7.Certificates) == 0 {
		return nil, nil
	}
	return p7.GetOnlySigner(), nil
}
