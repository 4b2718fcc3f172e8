package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/keys"
)

// MaxClockSkew is how far in the future of the current time a log entry's
// integrated time or a timestamp may be (SECURITY.md C28).
const MaxClockSkew = 5 * time.Minute

// An Authority establishes what anchors a bundle's signature: its
// transparency log entries, its signed timestamps, and for a certificate
// the chain to a trusted certificate authority (at every verified time)
// and its SCTs. Package sigstore provides one for a Sigstore trusted root
// (sigstore.NewAuthority); pass it to NewTrust with WithAuthority.
//
// Verify calls Anchor only after the bundle's signature has verified with
// the key in the request, and checks the signer's identity and the
// content itself afterwards: an Authority decides what the bundle's
// material proves, never whether the policy accepts it. An Authority
// must be safe for concurrent use, and fail closed: any error rejects
// the bundle.
type Authority interface {
	Anchor(ctx context.Context, req *AnchorRequest) (*Anchors, error)
}

// AnchorRequest is what Verify has established when it calls an
// Authority.
type AnchorRequest struct {
	// Bundle is the bundle being verified.
	Bundle *bundle.Bundle
	// Signature is the bundle's signature, verified with Certificate's key
	// or with Key.
	Signature []byte
	// Certificate is the bundle's signing certificate, which follows the
	// Fulcio profile; nil for a key-signed bundle.
	Certificate *x509.Certificate
	// Key is the trusted key that verified a key-signed bundle's
	// signature; nil for a certificate. Whatever key the bundle hints at,
	// its log entries must name this one (SECURITY.md C40).
	Key *PublicKey
	// SigningTime is the time the caller vouches for (WithSigningTime),
	// or zero.
	SigningTime time.Time
	// Now is the current time (WithClock).
	Now time.Time
}

// Anchors is what an Authority established.
type Anchors struct {
	// LogEntries are the log entries that verified.
	LogEntries []LogEntry
	// Times are every verified time, the caller's included: the
	// certificate was checked to be valid at each. At least one.
	Times []VerifiedTime
	// Checks and Skipped are the checks done and skipped.
	Checks, Skipped []Check
}

// versionRank orders bundle versions ("v0.1" < "v0.2" < "v0.3"); 0 for
// any other.
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

// verifyAnchored checks a bundle with the trust's authority, in this
// order:
//
//  1. its version is at least the minimum (WithMinBundleVersion);
//  2. its verification material is what identity expects: a certificate
//     for NewIdentityPolicy and WithoutIdentityUnsafe, a key for
//     NewKeyPolicy (SECURITY.md C40), and a certificate follows the
//     Fulcio profile (one SAN, one issuer, code signing, not a CA);
//  3. the signature verifies over the DSSE envelope (PAE) or over the
//     artifact, whose digest must equal the bundle's digest hint;
//  4. the authority anchors it: log entries, timestamps, certificate
//     chain and SCTs;
//  5. the identity matches the policy;
//  6. for DSSE, the payload is a statement with a subject matching the
//     artifact (as for envelopes).
func (t *Trust) verifyAnchored(ctx context.Context, b *bundle.Bundle, artifact ArtifactPolicy, identity IdentityPolicy) (*Result, error) {
	if artifact.kind == artifactNone {
		return nil, fmt.Errorf("%w: no artifact policy; pass WithArtifactFile, WithArtifactDigest, or WithoutArtifactUnsafe to skip the check", ErrArtifactPolicy)
	}
	switch identity.kind {
	case identityCertificate:
		if len(identity.certs) == 0 {
			return nil, fmt.Errorf("%w: no certificate identity", ErrIdentityPolicy)
		}
	case identityKey:
		if len(identity.keys) == 0 {
			return nil, fmt.Errorf("%w: no key", ErrIdentityPolicy)
		}
	}
	r := &sigstoreRun{cfg: t.cfg, auth: t.auth, b: b, policy: artifact, identity: identity, res: &Result{Bundle: true}}
	steps := []func(context.Context) error{
		r.checkVersion,
		r.checkMaterial,
		r.checkSignature,
		r.anchor,
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

// sigstoreRun is the state of one verification.
type sigstoreRun struct {
	cfg      *verifyConfig
	auth     Authority
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
}

func (r *sigstoreRun) now() time.Time {
	if r.cfg.clock != nil {
		return r.cfg.clock()
	}
	return time.Now()
}

// anchor asks the authority what anchors the signature.
func (r *sigstoreRun) anchor(ctx context.Context) error {
	req := &AnchorRequest{Bundle: r.b, Signature: r.sig, Certificate: r.leaf, Key: r.key, SigningTime: r.cfg.signingTime, Now: r.now()}
	a, err := r.auth.Anchor(ctx, req)
	if err != nil {
		return err
	}
	if a == nil || len(a.Times) == 0 {
		return fmt.Errorf("%w: the authority verified no time", ErrTimestamp)
	}
	r.res.LogEntries = append(r.res.LogEntries, a.LogEntries...)
	r.res.Times = append(r.res.Times, a.Times...)
	for _, c := range a.Checks {
		r.res.addCheck(c)
	}
	r.res.Skipped = append(r.res.Skipped, a.Skipped...)
	return nil
}

func (r *sigstoreRun) checkVersion(context.Context) error {
	r.version = r.b.Version()
	r.res.BundleVersion = r.version
	if versionRank(r.version) < versionRank(r.cfg.minVersion) {
		return fmt.Errorf("%w: bundle %s is older than the minimum %s", ErrBundleVersion, r.version, r.cfg.minVersion)
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
		if !contains(r.cfg.payloadTypes, env.PayloadType) {
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
	return checkStatement(r.res, r.res.Skipped, r.env.PayloadType, r.env.Payload, &artifact{p: r.policy}, r.cfg.statementTypes)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
