package verify

import (
	"bytes"
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

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/keys"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
)

// MaxClockSkew is how far in the future of the current time a log entry's
// integrated time or a timestamp may be (SECURITY.md C28).
const MaxClockSkew = 5 * time.Minute

// SigstoreVerifier verifies Sigstore bundles (v0.1 to v0.3, message
// signatures and DSSE envelopes) against a trusted root: transparency log
// entries, signed timestamps, the Fulcio certificate chain and its SCTs,
// or a trusted key; then the signer's identity and the artifact. It is
// immutable and safe for concurrent use. Build it with
// NewSigstoreVerifier; a nil or zero SigstoreVerifier rejects everything.
//
// It is built on sigstore-go (pkg/verify, pkg/root, pkg/tlog): the log
// entries, timestamps, certificate authorities and SCTs are checked by
// sigstore-go's code. It adds the checks sigstore-go leaves out (see the
// package documentation, "Sigstore bundles"), and checks signatures and
// statements with the same code as Verifier.
type SigstoreVerifier struct {
	root *TrustedRoot
	cfg  sigstoreConfig
}

type sigstoreConfig struct {
	tlog, tlogSet   int
	skipTlog        bool
	signedTS        int
	integratedTS    int
	observerTS      int
	observerSet     bool
	sct             int
	sctSet, skipSCT bool
	callerTime      time.Time
	clock           func() time.Time
	minVersion      string
	payloadTypes    []string
	statementTypes  []string
}

func versionRank(v string) int {
	switch v {
	case "v0.1":
		return 1
	case "v0.2":
		return 2
	case "v0.3":
		return 3
	}
	return 0
}

// NewSigstoreVerifier returns a verifier trusting the authorities of
// trusted. Without options it requires one transparency log entry, one
// verified time from a log or timestamp authority, one SCT in a signing
// certificate, bundles of v0.2 or later, and in-toto statements in DSSE
// envelopes.
func NewSigstoreVerifier(trusted *TrustedRoot, opts ...Option) (*SigstoreVerifier, error) {
	if trusted == nil || trusted.tr == nil {
		return nil, fmt.Errorf("%w: no trusted root", ErrInvalidOptions)
	}
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if c.thresholdSet {
		return nil, fmt.Errorf("%w: WithThreshold applies to trusted keys, not a trusted root", ErrInvalidOptions)
	}
	if c.keysSet || c.root != nil {
		return nil, fmt.Errorf("%w: NewSigstoreVerifier takes its trusted root as an argument, and keys through NewKeyPolicy; WithKeys and WithTrustedRoot are for NewTrust", ErrInvalidOptions)
	}
	return newSigstoreVerifier(trusted, c)
}

func newSigstoreVerifier(trusted *TrustedRoot, c *verifyConfig) (*SigstoreVerifier, error) {
	sc := c.sig
	if sc.tlogSet == 0 && !sc.skipTlog {
		sc.tlog = 1
	}
	if !sc.sctSet {
		sc.sct = 1
	}
	if sc.minVersion == "" {
		sc.minVersion = "v0.2"
	}
	sc.payloadTypes = c.payloadTypes
	sc.statementTypes = c.statementTypes
	sc.callerTime = c.signingTime
	sc.clock = c.clock
	if sc.skipTlog && sc.tlogSet != 0 {
		return nil, fmt.Errorf("%w: WithTransparencyLog and WithoutTransparencyLogUnsafe together", ErrInvalidOptions)
	}
	if sc.skipTlog && sc.integratedTS > 0 {
		return nil, fmt.Errorf("%w: integrated timestamps need the transparency log", ErrInvalidOptions)
	}
	if sc.skipSCT && sc.sctSet {
		return nil, fmt.Errorf("%w: WithSignedCertificateTimestamps and WithoutSignedCertificateTimestampsUnsafe together", ErrInvalidOptions)
	}
	if !sc.observerSet {
		sc.observerTS = 1
		if !sc.callerTime.IsZero() {
			sc.observerTS = 0
		}
	}
	if sc.skipTlog {
		sc.tlog = 0
	}
	return &SigstoreVerifier{root: trusted, cfg: sc}, nil
}

// VerifyJSON parses a JSON bundle (see bundle.Parse) and verifies it.
// A bundle that does not parse is rejected with ErrMalformed.
func (v *SigstoreVerifier) VerifyJSON(ctx context.Context, data []byte, artifact ArtifactPolicy, identity IdentityPolicy) (*Result, error) {
	if err := v.ready(ctx, artifact, identity); err != nil {
		return nil, err
	}
	b, err := bundle.Parse(data)
	if err != nil {
		return nil, because(ErrMalformed, err)
	}
	return v.Verify(ctx, b, artifact, identity)
}

// Verify checks a Sigstore bundle, in this order:
//
//  1. its version is at least the minimum (WithMinBundleVersion);
//  2. its verification material is what identity expects: a certificate
//     for NewIdentityPolicy and WithoutIdentityUnsafe, a key for
//     NewKeyPolicy (SECURITY.md C40), and a certificate follows the
//     Fulcio profile (one SAN, one issuer, code signing, not a CA);
//  3. the signature verifies over the DSSE envelope (PAE) or over the
//     artifact, whose digest must equal the bundle's digest hint;
//  4. every transparency log entry of a trusted log has an inclusion
//     proof (v0.2 and later) or promise (v0.1), verifies, and records
//     this signature, key or certificate, and content; entries from
//     enough distinct logs verified;
//  5. every RFC 3161 timestamp verifies against a trusted timestamp
//     authority; the verified times meet the thresholds;
//  6. the certificate chains to a trusted certificate authority at every
//     verified time, and carries enough SCTs;
//  7. the identity matches the policy;
//  8. for DSSE, the payload is a statement with a subject matching the
//     artifact (as Verifier.VerifyEnvelope checks).
//
// Every rejection wraps ErrUnverified and a narrower reason. The result
// holds copies: changing b afterwards changes nothing in it.
func (v *SigstoreVerifier) Verify(ctx context.Context, b *bundle.Bundle, artifact ArtifactPolicy, identity IdentityPolicy) (*Result, error) {
	if err := v.ready(ctx, artifact, identity); err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("%w: nil bundle", ErrMalformed)
	}
	r := &sigstoreRun{v: v, b: b, policy: artifact, identity: identity, res: &Result{Bundle: true}}
	steps := []func(context.Context) error{
		r.checkVersion,
		r.checkMaterial,
		r.checkSignature,
		r.checkTlog,
		r.checkTimestamps,
		r.checkCertificate,
		r.checkIdentity,
		r.checkContent,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, because(ErrUnverified, err)
		}
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	return r.res, nil
}

func (v *SigstoreVerifier) ready(ctx context.Context, artifact ArtifactPolicy, identity IdentityPolicy) error {
	if v == nil || v.root == nil || v.root.tr == nil {
		return ErrNotInitialized
	}
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrUnverified)
	}
	if err := ctx.Err(); err != nil {
		return because(ErrUnverified, err)
	}
	if artifact.kind == artifactNone {
		return fmt.Errorf("%w: no artifact policy; pass WithArtifactFile, WithArtifactDigest, or WithoutArtifactUnsafe to skip the check", ErrArtifactPolicy)
	}
	switch identity.kind {
	case identityCertificate:
		if len(identity.certs) == 0 {
			return fmt.Errorf("%w: no certificate identity", ErrIdentityPolicy)
		}
	case identityKey:
		if len(identity.keys) == 0 {
			return fmt.Errorf("%w: no key", ErrIdentityPolicy)
		}
	case identityUnsafeSkip:
	default:
		return fmt.Errorf("%w: no identity policy; pass NewIdentityPolicy, NewKeyPolicy, or WithoutIdentityUnsafe to skip the check", ErrIdentityPolicy)
	}
	return nil
}

// sigstoreRun is the state of one verification.
type sigstoreRun struct {
	v        *SigstoreVerifier
	b        *bundle.Bundle
	policy   ArtifactPolicy
	identity IdentityPolicy
	res      *Result

	version string
	leaf    *x509.Certificate // certificate-signed bundles
	leafID  *Identity         // its identity
	key     *PublicKey        // key-signed: the policy key that verified
	sig     []byte            // the signature bytes (DSSE or message)
	env     *attest.Envelope
	tm      root.TrustedMaterial
	entity  *sgEntity

	rekorV2    bool                    // a counted entry is Rekor v2
	proofOnly  []*root.TransparencyLog // logs of counted entries without a promise
	logTimes   []VerifiedTime          // signed integrated times, one per log
	tsaTimes   []VerifiedTime          // RFC 3161 times, one per authority
	allTimes   []VerifiedTime
	verifiedAt []time.Time
}

func (r *sigstoreRun) now() time.Time {
	if r.v.cfg.clock != nil {
		return r.v.cfg.clock()
	}
	return time.Now()
}

func (r *sigstoreRun) checkVersion(context.Context) error {
	r.version = r.b.Version()
	r.res.BundleVersion = r.version
	if versionRank(r.version) < versionRank(r.v.cfg.minVersion) {
		return fmt.Errorf("%w: bundle %s is older than the minimum %s", ErrBundleVersion, r.version, r.v.cfg.minVersion)
	}
	return nil
}

// checkMaterial matches the verification material with the identity
// policy and reads the leaf certificate.
func (r *sigstoreRun) checkMaterial(context.Context) error {
	if _, isKey := r.b.PublicKeyHint(); isKey {
		if r.identity.kind != identityKey {
			return fmt.Errorf("%w: the bundle is signed by a key; verify it with NewKeyPolicy", ErrVerificationMaterial)
		}
		return nil
	}
	if r.identity.kind == identityKey {
		return fmt.Errorf("%w: the bundle is signed by a certificate, but the policy names keys", ErrVerificationMaterial)
	}
	// Only the leaf comes from the bundle: intermediates and roots come
	// from the trusted root alone (SECURITY.md C47).
	der := r.b.Certificate()
	if len(der) == 0 {
		return fmt.Errorf("%w: empty certificate", ErrVerificationMaterial)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return because(ErrCertificate, err)
	}
	id, err := checkLeaf(leaf)
	if err != nil {
		return err
	}
	r.leaf, r.leafID = leaf, id
	return nil
}

// checkLeaf applies the Fulcio profile to a leaf certificate: an allowed
// key (C54), not a CA (C46), the code-signing EKU listed explicitly and
// no anyExtendedKeyUsage (C48, which crypto/x509 does not enforce for a
// leaf without an EKU extension), no unknown critical extension but the
// Fulcio otherName SAN (C49), and a readable identity (C42, C44).
func checkLeaf(leaf *x509.Certificate) (*Identity, error) {
	if _, err := keys.SchemeFor(leaf.PublicKey, false); err != nil {
		return nil, fmt.Errorf("%w: leaf key: %v", ErrCertificate, err)
	}
	if leaf.IsCA {
		return nil, fmt.Errorf("%w: the signing certificate is a CA", ErrCertificate)
	}
	codeSigning := false
	for _, u := range leaf.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageCodeSigning:
			codeSigning = true
		case x509.ExtKeyUsageAny:
			return nil, fmt.Errorf("%w: the signing certificate allows any extended key usage", ErrCertificate)
		}
	}
	if !codeSigning {
		return nil, fmt.Errorf("%w: the signing certificate does not list the code-signing key usage", ErrCertificate)
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return nil, fmt.Errorf("%w: the signing certificate's key usage excludes digital signatures", ErrCertificate)
	}
	id, err := identityOf(leaf)
	if err != nil {
		return nil, err
	}
	// The otherName SAN is the only critical extension crypto/x509 does
	// not handle that a Fulcio certificate carries; identityOf has checked
	// it. Anything else is refused, here and by x509.Verify.
	var unhandled []string
	kept := leaf.UnhandledCriticalExtensions[:0:0]
	for _, oid := range leaf.UnhandledCriticalExtensions {
		if oid.Equal(oidSAN) {
			continue
		}
		unhandled = append(unhandled, oid.String())
		kept = append(kept, oid)
	}
	if len(unhandled) > 0 {
		return nil, fmt.Errorf("%w: unknown critical extensions %v", ErrCertificate, unhandled)
	}
	leaf.UnhandledCriticalExtensions = kept
	return id, nil
}

// checkSignature verifies the signature over the DSSE envelope or the
// artifact, with the leaf key or the policy's keys.
func (r *sigstoreRun) checkSignature(context.Context) error {
	var candidates []*PublicKey
	if r.leaf != nil {
		scheme, err := keys.SchemeFor(r.leaf.PublicKey, false)
		if err != nil {
			return fmt.Errorf("%w: leaf key: %v", ErrCertificate, err)
		}
		// The leaf's key is not a trusted key and needs no id.
		candidates = []*PublicKey{{pub: r.leaf.PublicKey, scheme: scheme}}
	} else {
		hint, _ := r.b.PublicKeyHint()
		candidates = (&Verifier{keys: r.identity.keys}).candidates(hint)
	}
	if r.b.IsDSSE() {
		env, err := r.b.Envelope()
		if err != nil {
			return because(ErrMalformed, err)
		}
		r.env = env
		r.res.PayloadType = env.PayloadType
		if !contains(r.v.cfg.payloadTypes, env.PayloadType) {
			return fmt.Errorf("%w: %q", ErrPayloadType, truncate(env.PayloadType))
		}
		r.res.addCheck(CheckPayloadType)
		if len(env.Signatures) != 1 || len(env.Signatures[0].Sig) == 0 {
			return ErrNoSignature
		}
		r.sig = env.Signatures[0].Sig
		msg := newSignedMessage(env.PayloadType, env.Payload)
		defer msg.release()
		for _, k := range candidates {
			if !k.plausible(len(r.sig)) {
				continue
			}
			if scheme, err := msg.verify(k, r.sig); err == nil {
				r.useKey(k, scheme)
				r.res.addCheck(CheckSignatures)
				return nil
			}
		}
		return r.signatureError(nil)
	}
	ms, err := r.b.MessageSignature()
	if err != nil {
		return because(ErrMalformed, err)
	}
	r.res.MessageSignature = true
	if r.policy.kind == artifactUnsafeSkip {
		return fmt.Errorf("%w: a message signature is over the artifact itself; it cannot be verified without it", ErrArtifactPolicy)
	}
	if ms.Digest.IsZero() {
		return fmt.Errorf("%w: message signature without a digest", ErrMalformed)
	}
	r.sig = ms.Signature
	algSet := map[digest.Algorithm]bool{ms.Digest.Algorithm(): true}
	keepBytes := false
	for _, k := range candidates {
		messageAlgorithms(algSet, k)
		keepBytes = keepBytes || k.scheme == keys.Ed25519
	}
	var algs []digest.Algorithm
	for _, a := range digest.Algorithms() {
		if algSet[a] {
			algs = append(algs, a)
		}
	}
	art := &artifact{p: r.policy}
	set, data, err := art.digests(algs, keepBytes && r.policy.kind != artifactDigests)
	if err != nil {
		return err
	}
	// The bundle's digest is a hint; it must agree with the artifact
	// (SECURITY.md C39), and the transparency log entry is compared with
	// it, so the entry is about this artifact too.
	got, ok := set[string(ms.Digest.Algorithm())]
	if !ok {
		return fmt.Errorf("%w: the artifact has no %s digest to compare with the bundle's", ErrArtifactPolicy, ms.Digest.Algorithm())
	}
	if got != ms.Digest.Hex() {
		return &SubjectError{Artifact: copySet(set), Subjects: 1, Err: &digest.MismatchError{Algorithm: ms.Digest.Algorithm(), Claimed: ms.Digest.Hex(), Actual: got}}
	}
	r.res.addCheck(CheckMessageDigest)
	var why error
	for _, k := range candidates {
		if !k.plausible(len(r.sig)) {
			continue
		}
		scheme, err := verifyMessageSignature(k, ms, set, data)
		if err == nil {
			r.useKey(k, scheme)
			r.res.addCheck(CheckSignatures)
			r.res.ArtifactDigests = set
			return nil
		}
		if !errors.Is(err, keys.ErrSignature) {
			why = err
		}
	}
	return r.signatureError(why)
}

func (r *sigstoreRun) useKey(k *PublicKey, scheme keys.Scheme) {
	hint, _ := r.b.PublicKeyHint()
	if r.leaf == nil {
		r.key = k
		r.res.Signers = []Signer{keySigner(k, scheme, 0, hint)}
		return
	}
	id, _ := keys.ID(r.leaf.PublicKey)
	li := r.leafID
	r.res.Signers = []Signer{{
		Kind: SignerCertificate, KeyID: id, Scheme: string(scheme),
		SAN: li.SAN, SANType: li.SANType, Issuer: li.Issuer, Claims: li.Claims,
		Certificate: bytes.Clone(r.leaf.Raw),
	}}
}

func (r *sigstoreRun) signatureError(why error) error {
	var reason string
	if r.leaf != nil {
		reason = "does not verify with the signing certificate's key"
	} else {
		reason = "matches no trusted key"
	}
	if why != nil {
		reason += ": " + why.Error()
	}
	hint, _ := r.b.PublicKeyHint()
	return &SignatureError{KeyIDHint: hint, Reason: reason}
}

// buildEntity prepares the view of the bundle that sigstore-go's checks
// read. It is built per verification from parsed copies, so concurrent
// verifications of one bundle share no mutable state (sigstore-go's
// Bundle.TlogEntries writes to the bundle).
func (r *sigstoreRun) buildEntity() error {
	sc, err := sgproto.SignatureContent(r.b)
	if err != nil {
		return because(ErrMalformed, err)
	}
	e := &sgEntity{version: r.version, sig: sc}
	if r.leaf != nil {
		e.vc = sgbundle.NewCertificate(r.leaf)
		r.tm = r.v.root.tr
	} else {
		// The key that verified the signature is the one the log entry
		// must name, whatever the hint says (keyMaterial).
		e.vc = &sgbundle.PublicKey{}
		r.tm = &keyMaterial{TrustedMaterial: r.v.root.tr, key: trustedKey{r.key}}
	}
	// bundle.Parse has checked each entry's fields and that its
	// kindVersion is its body's (sigstore-go compares the bundle's values
	// with themselves).
	for i, be := range r.b.TlogEntries() {
		tle := sgproto.TlogEntry(be)
		entry, err := tlog.ParseTransparencyLogEntry(tle)
		if err != nil {
			return fmt.Errorf("%w: log entry %d: %v", ErrTransparencyLog, i, err)
		}
		if err := checkCheckpoint(tle.GetInclusionProof().GetCheckpoint().GetEnvelope()); err != nil {
			return fmt.Errorf("%w: log entry %d: %v", ErrTransparencyLog, i, err)
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
func (r *sigstoreRun) checkTlog(context.Context) error {
	if err := r.buildEntity(); err != nil {
		return err
	}
	if r.v.cfg.skipTlog {
		r.res.Skipped = append(r.res.Skipped, CheckTransparencyLog)
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
			return fmt.Errorf("%w: entry %d repeats log %s index %d", ErrTransparencyLog, i, truncate(keyID), entry.LogIndex())
		}
		seen[dup] = true
		if r.version == "v0.1" {
			if !entry.HasInclusionPromise() {
				return fmt.Errorf("%w: entry %d has no inclusion promise (required for v0.1 bundles)", ErrTransparencyLog, i)
			}
		} else if !entry.HasInclusionProof() {
			return fmt.Errorf("%w: entry %d has no inclusion proof (required from v0.2)", ErrTransparencyLog, i)
		}
		if tle.GetIntegratedTime() < 0 {
			return fmt.Errorf("%w: entry %d has a negative integrated time", ErrTransparencyLog, i)
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
			return fmt.Errorf("%w: entry %d: %v", ErrTransparencyLog, i, err)
		}
		le := LogEntry{
			LogID: keyID, BaseURL: log.BaseURL, Index: entry.LogIndex(),
			Kind: tle.GetKindVersion().GetKind(), Version: tle.GetKindVersion().GetVersion(),
			InclusionProof: entry.HasInclusionProof(), InclusionPromise: entry.HasInclusionPromise(),
		}
		if len(times) > 0 && entry.HasInclusionPromise() {
			le.IntegratedTime = entry.IntegratedTime()
			if le.IntegratedTime.After(r.now().Add(MaxClockSkew)) {
				return fmt.Errorf("%w: entry %d is integrated at %s, in the future", ErrTransparencyLog, i, le.IntegratedTime.UTC().Format(time.RFC3339))
			}
		}
		if entry.IsRekorV2() {
			r.rekorV2 = true
		}
		if !entry.HasInclusionPromise() {
			r.proofOnly = append(r.proofOnly, log)
		}
		r.res.LogEntries = append(r.res.LogEntries, le)
		// Logs are told apart by URL, so a log reached under two key ids
		// (a rotated key) is still one log; by key id when it has none.
		authority := "id:" + keyID
		if log.BaseURL != "" {
			authority = "url:" + log.BaseURL
		}
		if !le.IntegratedTime.IsZero() && !timed[authority] {
			timed[authority] = true
			r.logTimes = append(r.logTimes, VerifiedTime{Time: le.IntegratedTime, Source: TimeSourceTransparencyLog, Authority: log.BaseURL})
		}
		authorities[authority] = true
	}
	if n := len(authorities); n < r.v.cfg.tlog {
		if first != nil {
			return fmt.Errorf("%w: %d of %d required distinct logs verified; %v", ErrTransparencyLog, n, r.v.cfg.tlog, first)
		}
		return fmt.Errorf("%w: %d of %d required distinct logs verified", ErrTransparencyLog, n, r.v.cfg.tlog)
	}
	r.res.addCheck(CheckTransparencyLog)
	return nil
}

// checkTimestamps verifies every RFC 3161 timestamp against the trusted
// timestamp authorities and applies the time thresholds.
func (r *sigstoreRun) checkTimestamps(context.Context) error {
	cfg := r.v.cfg
	tsas := r.tm.TimestampingAuthorities()
	counted := map[root.TimestampingAuthority]bool{}
	uris := map[string]bool{}
	for i, data := range r.b.Timestamps() {
		var errs []error
		var verified *root.Timestamp
		var by root.TimestampingAuthority
		for _, tsa := range tsas {
			t, err := tsa.Verify(data, r.sig)
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
				return fmt.Errorf("%w: timestamp %d: the trusted root has no timestamp authority", ErrTimestamp, i)
			}
			return fmt.Errorf("%w: timestamp %d: %v", ErrTimestamp, i, errs[0])
		}
		if verified.Time.After(r.now().Add(MaxClockSkew)) {
			return fmt.Errorf("%w: timestamp %d is dated %s, in the future", ErrTimestamp, i, verified.Time.UTC().Format(time.RFC3339))
		}
		// One authority counts once, however many timestamps it signed
		// (C61); sigstore-go tells them apart by URI.
		if counted[by] || (verified.URI != "" && uris[verified.URI]) {
			continue
		}
		counted[by] = true
		uris[verified.URI] = true
		r.tsaTimes = append(r.tsaTimes, VerifiedTime{Time: verified.Time, Source: TimeSourceTimestampAuthority, Authority: verified.URI})
	}
	if n := len(r.tsaTimes); n < cfg.signedTS {
		return fmt.Errorf("%w: %d of %d required signed timestamps verified", ErrTimestamp, n, cfg.signedTS)
	}
	if n := len(r.logTimes); n < cfg.integratedTS {
		return fmt.Errorf("%w: %d of %d required integrated timestamps verified", ErrTimestamp, n, cfg.integratedTS)
	}
	if n := len(r.tsaTimes) + len(r.logTimes); n < cfg.observerTS {
		return fmt.Errorf("%w: %d of %d required timestamps verified (transparency log promises and timestamp authorities)", ErrTimestamp, n, cfg.observerTS)
	}
	if r.rekorV2 && len(r.tsaTimes) == 0 {
		// Rekor v2 entries carry no signed time: the time must come from a
		// timestamp authority (C35).
		return fmt.Errorf("%w: a Rekor v2 entry needs a signed timestamp", ErrTimestamp)
	}
	r.allTimes = append(append(r.allTimes, r.logTimes...), r.tsaTimes...)
	if !cfg.callerTime.IsZero() {
		r.allTimes = append(r.allTimes, VerifiedTime{Time: cfg.callerTime, Source: TimeSourceCaller})
	}
	if len(r.allTimes) == 0 {
		return fmt.Errorf("%w: no verified time: the bundle has no signed timestamp or log promise; pass WithSigningTime to vouch for one", ErrTimestamp)
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
				return fmt.Errorf("%w: log %q key is not valid at %s", ErrTransparencyLog, truncate(l.BaseURL), t.UTC().Format(time.RFC3339))
			}
		}
	}
	r.res.Times = r.allTimes
	r.res.addCheck(CheckTimestamps)
	return nil
}

// checkCertificate verifies the leaf's chain at every verified time
// (C51), with intermediates from the trusted root only (C47), and its
// SCTs.
func (r *sigstoreRun) checkCertificate(context.Context) error {
	if r.leaf == nil {
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
	r.res.addCheck(CheckCertificate)
	if r.v.cfg.skipSCT {
		r.res.Skipped = append(r.res.Skipped, CheckSCT)
		return nil
	}
	if err := sgverify.VerifySignedCertificateTimestamp(chains, r.v.cfg.sct, r.tm); err != nil {
		return because(ErrCertificate, err)
	}
	r.res.addCheck(CheckSCT)
	return nil
}

func (r *sigstoreRun) chainAt(t time.Time) ([][]*x509.Certificate, error) {
	var first error
	for _, ca := range r.tm.FulcioCertificateAuthorities() {
		chains, err := ca.Verify(r.leaf, t)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		for _, chain := range chains {
			if len(chain) > MaxChainLength {
				return nil, fmt.Errorf("%w: chain of %d certificates, limit %d", ErrCertificate, len(chain), MaxChainLength)
			}
			for _, c := range chain[1:] {
				if len(c.UnhandledCriticalExtensions) > 0 {
					return nil, fmt.Errorf("%w: a CA certificate has unknown critical extensions", ErrCertificate)
				}
			}
		}
		return chains, nil
	}
	if first == nil {
		return nil, fmt.Errorf("%w: the trusted root has no certificate authority", ErrCertificate)
	}
	return nil, fmt.Errorf("%w: not valid at %s: %v", ErrCertificate, t.UTC().Format(time.RFC3339), first)
}

func (r *sigstoreRun) checkIdentity(context.Context) error {
	switch r.identity.kind {
	case identityKey:
		r.res.addCheck(CheckIdentity)
		return nil
	case identityUnsafeSkip:
		r.res.Skipped = append(r.res.Skipped, CheckIdentity)
	}
	id := r.leafID
	if r.identity.kind == identityUnsafeSkip {
		return nil
	}
	var reasons []string
	for _, m := range r.identity.certs {
		why := m.match(id)
		if why == "" {
			r.res.addCheck(CheckIdentity)
			return nil
		}
		reasons = append(reasons, why)
	}
	return &IdentityError{Identity: id, Reasons: reasons}
}

// checkContent decodes a DSSE statement and matches its subjects, with
// the code of Verifier.VerifyEnvelope.
func (r *sigstoreRun) checkContent(context.Context) error {
	if r.env == nil {
		r.res.addCheck(CheckSubject)
		return nil
	}
	r.res.Payload = bytes.Clone(r.env.Payload)
	return checkStatement(r.res, r.res.Skipped, r.env.PayloadType, r.env.Payload, &artifact{p: r.policy}, r.v.cfg.statementTypes)
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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
type trustedKey struct{ k *PublicKey }

func (t trustedKey) PublicKey(...signature.PublicKeyOption) (crypto.PublicKey, error) {
	return t.k.pub, nil
}

func (t trustedKey) VerifySignature(sig, message io.Reader, _ ...signature.VerifyOption) error {
	s, err := io.ReadAll(io.LimitReader(sig, 1<<16))
	if err != nil {
		return err
	}
	m, err := io.ReadAll(io.LimitReader(message, maxInMemoryArtifact))
	if err != nil {
		return err
	}
	return t.k.verify(m, s)
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
