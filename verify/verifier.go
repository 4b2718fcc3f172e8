package verify

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/keys"
	"github.com/chainmail-dev/chainmail/internal/limits"
)

// MaxKeys bounds the trusted keys of one Verifier, which bounds the work
// of one verification at MaxKeys × limits.MaxSignatures signature checks.
const MaxKeys = 100

// Verifier checks DSSE envelopes and key-signed Sigstore bundles against a
// fixed set of trusted public keys and a threshold of distinct keys. It
// is immutable and safe for concurrent use. Build it with NewVerifier; a
// nil or zero Verifier rejects everything. Verify, with a Trust of keys,
// is built on it.
type Verifier struct {
	keys           []*PublicKey
	threshold      int
	payloadTypes   []string
	statementTypes []string
	signingTime    time.Time
}

// NewVerifier returns a Verifier trusting keys. The keys must be distinct
// (the same key twice would let one signer count twice) and at most
// MaxKeys; the threshold must be between 1 and len(keys). Options that
// apply to an authority only (WithClock, WithMinBundleVersion) are
// refused.
func NewVerifier(keys []*PublicKey, opts ...Option) (*Verifier, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if len(c.authOnly) > 0 {
		return nil, fmt.Errorf("%w: %s applies to bundles checked by an authority, not to trusted keys", ErrInvalidOptions, c.authOnly[0])
	}
	if c.keysSet || c.auth != nil {
		return nil, fmt.Errorf("%w: NewVerifier takes its keys as an argument; WithKeys and WithAuthority are for NewTrust", ErrInvalidOptions)
	}
	return newVerifier(keys, c)
}

func newVerifier(keys []*PublicKey, c *verifyConfig) (*Verifier, error) {
	v := &Verifier{threshold: 1, payloadTypes: c.payloadTypes, statementTypes: c.statementTypes, signingTime: c.signingTime}
	if c.thresholdSet {
		v.threshold = c.threshold
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no trusted keys", ErrInvalidOptions)
	}
	if len(keys) > MaxKeys {
		return nil, fmt.Errorf("%w: %d keys, limit %d", ErrInvalidOptions, len(keys), MaxKeys)
	}
	seen := map[string]bool{}
	for i, k := range keys {
		if k == nil || k.id == "" {
			return nil, fmt.Errorf("%w: key %d is nil or not made by NewPublicKey", ErrInvalidOptions, i)
		}
		if seen[k.id] {
			return nil, fmt.Errorf("%w: key %s is listed twice", ErrInvalidOptions, k.id)
		}
		seen[k.id] = true
	}
	if v.threshold < 1 || v.threshold > len(keys) {
		return nil, fmt.Errorf("%w: threshold %d with %d keys (want 1 to %d)", ErrInvalidOptions, v.threshold, len(keys), len(keys))
	}
	v.keys = append([]*PublicKey(nil), keys...)
	return v, nil
}

// VerifyEnvelope checks a DSSE envelope:
//
//  1. its payloadType is accepted (WithPayloadTypes);
//  2. signatures by at least the threshold of distinct trusted keys
//     verify over PAE(payloadType, payload); keyids are only hints;
//  3. for in-toto payloads, the payload is a valid statement, decoded
//     strictly from the verified bytes;
//  4. the statement has a subject matching the artifact.
//
// An envelope over the limits of attest.ParseEnvelope (payload size,
// signature count, field sizes) is rejected first, before anything is
// copied or checked, however it was made. The result holds copies:
// changing env afterwards changes nothing in it.
func (v *Verifier) VerifyEnvelope(ctx context.Context, env *attest.Envelope, policy ArtifactPolicy) (*Result, error) {
	return sealed(v.verifyEnvelope(ctx, env, policy))
}

func (v *Verifier) verifyEnvelope(ctx context.Context, env *attest.Envelope, policy ArtifactPolicy) (*Result, error) {
	if err := v.ready(ctx, policy); err != nil {
		return nil, err
	}
	if env == nil {
		return nil, fmt.Errorf("%w: nil envelope", ErrMalformed)
	}
	// Bound the envelope before copying or checking anything: an envelope
	// built in memory has not been through ParseEnvelope's limits
	// (SECURITY.md C12).
	if err := checkBounds(env); err != nil {
		return nil, err
	}
	// Verify and decode the same bytes, whatever the caller does next.
	payloadType := env.PayloadType
	if err := v.checkPayloadType(payloadType); err != nil {
		return nil, err
	}
	payload, sigs := copyEnvelope(env)
	r := new(resultAlloc)
	res := &r.res
	res.PayloadType = payloadType
	res.Checks = r.checks[:0]
	res.addCheck(CheckPayloadType)
	msg := newSignedMessage(payloadType, payload)
	signers, err := v.verifySignatures(ctx, msg, sigs, r.signers[:0])
	msg.release()
	if err != nil {
		return nil, err
	}
	res.Signers = signers
	res.Times = v.times(r.times[:0])
	res.addCheck(CheckSignatures)
	res.addCheck(CheckThreshold)
	res.Payload = payload
	if err := checkStatement(res, r.skipped[:0], payloadType, payload, &artifact{p: policy}, v.statementTypes); err != nil {
		return nil, err
	}
	return res, nil
}

// resultAlloc is a Result with room for its usual slices, so that it is
// one allocation.
type resultAlloc struct {
	res     Result
	checks  [5]Check
	signers [1]Signer
	skipped [1]Check
	times   [1]VerifiedTime
}

// times returns what a key signature says of its time, appended to buf:
// the caller's time if one was vouched for, else an explicit none.
func (v *Verifier) times(buf []VerifiedTime) []VerifiedTime {
	if !v.signingTime.IsZero() {
		return append(buf, VerifiedTime{Time: v.signingTime, Source: TimeSourceCaller})
	}
	return append(buf, VerifiedTime{Source: TimeSourceNone})
}

// copyEnvelope copies the payload and the signatures of env into one new
// buffer (a nil payload stays nil, as bytes.Clone leaves it).
func copyEnvelope(env *attest.Envelope) ([]byte, []sigInfo) {
	n := len(env.Payload)
	for _, s := range env.Signatures {
		n += len(s.Sig)
	}
	buf := make([]byte, n)
	var payload []byte
	if env.Payload != nil {
		payload = buf[:copy(buf, env.Payload):len(env.Payload)]
	}
	sigs := make([]sigInfo, len(env.Signatures))
	off := len(env.Payload)
	for i, s := range env.Signatures {
		end := off + copy(buf[off:], s.Sig)
		sigs[i] = sigInfo{hint: s.KeyID, sig: buf[off:end:end]}
		off = end
	}
	return payload, sigs
}

// VerifyBundle checks a key-signed Sigstore bundle: a DSSE bundle as
// VerifyEnvelope does, or a message signature over the artifact's bytes.
// A bundle carries one signature, so with a threshold above 1 use
// VerifyBundles. Certificate-signed bundles are refused: they need a
// trusted root, not a key (SECURITY.md C40: a key is never taken for a
// certificate or the reverse). Transparency log entries and timestamps in
// the bundle are not checked by a key Verifier; the result's Checks say
// so by their absence.
func (v *Verifier) VerifyBundle(ctx context.Context, b *bundle.Bundle, artifact ArtifactPolicy) (*Result, error) {
	return v.VerifyBundles(ctx, []*bundle.Bundle{b}, artifact)
}

// VerifyBundles checks several key-signed bundles over the same content
// (the same DSSE payload, or message signatures over the same artifact)
// and counts the distinct trusted keys that signed toward the threshold.
func (v *Verifier) VerifyBundles(ctx context.Context, bs []*bundle.Bundle, artifact ArtifactPolicy) (*Result, error) {
	if err := v.ready(ctx, artifact); err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, fmt.Errorf("%w: no bundle", ErrNoSignature)
	}
	if len(bs) > limits.MaxSignatures {
		return nil, fmt.Errorf("%w: %d bundles, limit %d", ErrMalformed, len(bs), limits.MaxSignatures)
	}
	for i, b := range bs {
		if !b.Valid() {
			return nil, fmt.Errorf("%w: bundle %d is nil or zero", ErrMalformed, i)
		}
		if _, ok := b.PublicKeyHint(); !ok {
			return nil, fmt.Errorf("%w: bundle %d is signed by a certificate; verify it against a trusted root", ErrVerificationMaterial, i)
		}
		if b.IsDSSE() != bs[0].IsDSSE() {
			return nil, fmt.Errorf("%w: bundles mix DSSE envelopes and message signatures", ErrMalformed)
		}
	}
	if bs[0].IsDSSE() {
		return sealed(v.verifyDSSEBundles(ctx, bs, artifact))
	}
	return sealed(v.verifyMessageBundles(ctx, bs, artifact))
}

func (v *Verifier) verifyDSSEBundles(ctx context.Context, bs []*bundle.Bundle, artifact ArtifactPolicy) (*Result, error) {
	var env *attest.Envelope
	for i, b := range bs {
		e, err := b.Envelope()
		if err != nil {
			return nil, fmt.Errorf("%w: bundle %d: %v", ErrMalformed, i, err)
		}
		// In a bundle the verification material names the key; use its
		// hint where the signature has none (it only orders the keys).
		if hint, _ := b.PublicKeyHint(); hint != "" {
			for j := range e.Signatures {
				if e.Signatures[j].KeyID == "" {
					e.Signatures[j].KeyID = hint
				}
			}
		}
		if env == nil {
			env = e
			continue
		}
		if e.PayloadType != env.PayloadType || !bytes.Equal(e.Payload, env.Payload) {
			return nil, fmt.Errorf("%w: bundle %d signs a different payload than bundle 0", ErrMalformed, i)
		}
		env.Signatures = append(env.Signatures, e.Signatures...)
	}
	res, err := v.VerifyEnvelope(ctx, env, artifact)
	if err != nil {
		return nil, err
	}
	res.Bundle = true
	return res, nil
}

func (v *Verifier) verifyMessageBundles(ctx context.Context, bs []*bundle.Bundle, policy ArtifactPolicy) (*Result, error) {
	if policy.kind == artifactUnsafeSkip {
		return nil, fmt.Errorf("%w: a message signature is over the artifact itself; it cannot be verified without it", ErrArtifactPolicy)
	}
	msgs := make([]*bundle.MessageSignature, len(bs))
	// Read the artifact once, with every digest any key or bundle needs.
	algSet := map[digest.Algorithm]bool{}
	keepBytes := false
	for _, k := range v.keys {
		messageAlgorithms(algSet, k)
		keepBytes = keepBytes || k.scheme == keys.Ed25519
	}
	for i, b := range bs {
		ms, err := b.MessageSignature()
		if err != nil {
			return nil, fmt.Errorf("%w: bundle %d: %v", ErrMalformed, i, err)
		}
		msgs[i] = ms
		if !ms.Digest.IsZero() {
			algSet[ms.Digest.Algorithm()] = true
		}
	}
	var algs []digest.Algorithm
	for _, a := range digest.Algorithms() {
		if algSet[a] {
			algs = append(algs, a)
		}
	}
	if policy.kind == artifactDigests {
		usable := false
		for _, k := range v.keys {
			usable = usable || k.scheme != keys.Ed25519
		}
		if !usable {
			return nil, fmt.Errorf("%w: an Ed25519 key verifies a message signature over the artifact's bytes; pass WithArtifact or WithArtifactFile, not a digest", ErrArtifactPolicy)
		}
	}
	art := &artifact{p: policy}
	set, data, err := art.digests(algs, keepBytes && policy.kind != artifactDigests)
	if err != nil {
		return nil, err
	}
	res := &Result{Bundle: true, MessageSignature: true}
	accepted := map[string]bool{}
	var rejected []*SignatureError
	for i, b := range bs {
		ms := msgs[i]
		hint, _ := b.PublicKeyHint()
		signer, serr := v.verifyMessage(ctx, set, data, ms, i, hint, accepted)
		if serr != nil {
			if !errors.Is(serr, ErrSignature) {
				return nil, serr // artifact or digest problems end the verification
			}
			var se *SignatureError
			errors.As(serr, &se)
			rejected = append(rejected, se)
			continue
		}
		accepted[signer.KeyID] = true
		res.Signers = append(res.Signers, *signer)
	}
	if len(res.Signers) < v.threshold {
		return nil, &ThresholdError{Want: v.threshold, Got: len(res.Signers), Accepted: signerIDs(res.Signers), Rejected: rejected}
	}
	res.Times = v.times(nil)
	res.addCheck(CheckMessageDigest)
	res.addCheck(CheckSignatures)
	res.addCheck(CheckThreshold)
	res.addCheck(CheckSubject)
	res.ArtifactDigests = digest.Set(copySet(set)) // never the policy's own map
	return res, nil
}

// verifyMessage checks one message signature over the artifact against
// the trusted keys not yet counted.
func (v *Verifier) verifyMessage(ctx context.Context, set digest.Set, data []byte, ms *bundle.MessageSignature, index int, hint string, accepted map[string]bool) (*Signer, error) {
	if len(ms.Signature) == 0 {
		return nil, &SignatureError{Index: index, KeyIDHint: hint, Reason: "empty signature"}
	}
	var lastErr error
	for _, k := range v.candidates(hint) {
		if accepted[k.id] || !k.plausible(len(ms.Signature)) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, because(ErrUnverified, err)
		}
		// The bundle's digest is a hint; it must agree with the artifact
		// (SECURITY.md C39), and the signature is checked against the
		// locally computed digest, never the hint.
		if !ms.Digest.IsZero() {
			if got, ok := set[string(ms.Digest.Algorithm())]; ok && got != ms.Digest.Hex() {
				return nil, &SubjectError{Artifact: copySet(set), Subjects: 1, Err: &digest.MismatchError{Algorithm: ms.Digest.Algorithm(), Claimed: ms.Digest.Hex(), Actual: got}}
			}
		}
		scheme, err := verifyMessageSignature(k, ms, set, data)
		if err == nil {
			s := keySigner(k, scheme, index, hint)
			return &s, nil
		}
		lastErr = err
	}
	reason := "matches no trusted key"
	if lastErr != nil && !errors.Is(lastErr, keys.ErrSignature) {
		reason += ": " + lastErr.Error()
	}
	return nil, &SignatureError{Index: index, KeyIDHint: hint, Reason: reason}
}

// verifyMessageSignature checks a message signature over the artifact with k: over
// its bytes for Ed25519, otherwise over its digest, with each scheme
// Sigstore's algorithm registry allows for k's key (for a P-384 key, over
// SHA-384 and then over SHA-256, as sigstore-python signed; never a hash
// below SHA-256), as sigstore-go does. The bundle's digest is only a hint
// checked against the artifact by the caller. It returns the scheme that
// verified.
func verifyMessageSignature(k *PublicKey, ms *bundle.MessageSignature, set digest.Set, data []byte) (keys.Scheme, error) {
	if k.scheme == keys.Ed25519 {
		if data == nil {
			return "", fmt.Errorf("an Ed25519 key needs the artifact's bytes, not a digest")
		}
		return k.scheme, k.verify(data, ms.Signature)
	}
	var missing error
	err := keys.ErrSignature
	for _, scheme := range k.scheme.Compatible() {
		d, ok := set.Get(scheme.DigestAlgorithm())
		if !ok {
			if missing == nil {
				missing = fmt.Errorf("the artifact has no %s digest", scheme.DigestAlgorithm())
			}
			continue
		}
		if err = keys.VerifyDigest(k.pub, scheme, d.Bytes(), ms.Signature); err == nil {
			return scheme, nil
		}
	}
	if missing != nil {
		return "", missing
	}
	return "", err
}

// messageAlgorithms adds to algs the digest algorithms a message signature
// by k may be over.
func messageAlgorithms(algs map[digest.Algorithm]bool, k *PublicKey) {
	for _, s := range k.scheme.Compatible() {
		algs[s.DigestAlgorithm()] = true
	}
}

func (v *Verifier) ready(ctx context.Context, artifact ArtifactPolicy) error {
	if v == nil || len(v.keys) == 0 || v.threshold < 1 {
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
	return nil
}

func (v *Verifier) checkPayloadType(payloadType string) error {
	for _, t := range v.payloadTypes {
		if payloadType == t {
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrPayloadType, truncate(payloadType))
}

type sigInfo struct {
	hint string
	sig  []byte
}

// signedMessage is what an envelope's signatures sign, PAE(payloadType,
// payload), built once, with its digest for each hash computed at most
// once however many signatures and keys are tried. The messages and their
// buffers are pooled: a message is released when its signatures are
// checked, and nothing keeps its bytes or digests.
type signedMessage struct {
	data []byte
	have [3]bool // sums computed: SHA-256, SHA-384, SHA-512
	s256 [sha256.Size]byte
	s384 [sha512.Size384]byte
	s512 [sha512.Size]byte
}

var signedMessages = sync.Pool{New: func() any { return new(signedMessage) }}

// maxPooledPAE bounds the buffers the pool keeps.
const maxPooledPAE = 64 << 10

func newSignedMessage(payloadType string, payload []byte) *signedMessage {
	m := signedMessages.Get().(*signedMessage)
	m.data = attest.AppendPAE(m.data[:0], payloadType, payload)
	return m
}

// release returns m to the pool; it must not be used afterwards.
func (m *signedMessage) release() {
	m.data = m.data[:0]
	if cap(m.data) > maxPooledPAE {
		m.data = nil
	}
	m.have = [3]bool{}
	signedMessages.Put(m)
}

// digest returns the message's digest with h, which must be SHA-256,
// SHA-384 or SHA-512.
func (m *signedMessage) digest(h crypto.Hash) ([]byte, bool) {
	switch h {
	case crypto.SHA256:
		if !m.have[0] {
			m.s256, m.have[0] = sha256.Sum256(m.data), true
		}
		return m.s256[:], true
	case crypto.SHA384:
		if !m.have[1] {
			m.s384, m.have[1] = sha512.Sum384(m.data), true
		}
		return m.s384[:], true
	case crypto.SHA512:
		if !m.have[2] {
			m.s512, m.have[2] = sha512.Sum512(m.data), true
		}
		return m.s512[:], true
	}
	return nil, false
}

// verify checks sig over m with k, under k's scheme or another that
// Sigstore's algorithm registry allows for the same key (a P-384 key over
// SHA-256, as sigstore-python signed), with each digest computed once. It
// returns the scheme that verified.
func (m *signedMessage) verify(k *PublicKey, sig []byte) (keys.Scheme, error) {
	var err error
	for _, s := range k.scheme.Compatible() {
		if d, ok := m.digest(s.Hash()); ok {
			err = keys.VerifyDigest(k.pub, s, d, sig)
		} else {
			err = keys.Verify(k.pub, s, m.data, sig)
		}
		if err == nil {
			return s, nil
		}
	}
	return "", err
}

// verifySignatures counts the distinct trusted keys with a valid signature
// over message, appending them to signers. A key counts once however many
// signatures it made, under whatever keyids; keyids only decide which key
// is tried first.
func (v *Verifier) verifySignatures(ctx context.Context, message *signedMessage, sigs []sigInfo, signers []Signer) ([]Signer, error) {
	if len(sigs) > limits.MaxSignatures {
		return nil, fmt.Errorf("%w: %d signatures, limit %d", ErrMalformed, len(sigs), limits.MaxSignatures)
	}
	nonEmpty := 0
	for _, s := range sigs {
		if len(s.sig) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty == 0 {
		return nil, ErrNoSignature
	}
	accepted := map[string]bool{}
	var rejected []*SignatureError
	for i, s := range sigs {
		if err := ctx.Err(); err != nil {
			return nil, because(ErrUnverified, err)
		}
		if len(s.sig) == 0 {
			rejected = append(rejected, &SignatureError{Index: i, KeyIDHint: s.hint, Reason: "empty signature"})
			continue
		}
		k, scheme := v.match(message, s, accepted, false)
		if k == nil {
			se := &SignatureError{Index: i, KeyIDHint: s.hint, Reason: "matches no trusted key"}
			if dup, _ := v.match(message, s, accepted, true); dup != nil {
				se.Reason = "made by a key that already signed"
				se.DuplicateOf = dup.id
			}
			rejected = append(rejected, se)
			continue
		}
		accepted[k.id] = true
		signers = append(signers, keySigner(k, scheme, i, s.hint))
	}
	if len(signers) < v.threshold {
		return nil, &ThresholdError{Want: v.threshold, Got: len(signers), Accepted: signerIDs(signers), Rejected: rejected}
	}
	return signers, nil
}

// match returns the trusted key that made sig: among the keys not yet
// accepted, or, with counted set, among those already accepted.
func (v *Verifier) match(message *signedMessage, s sigInfo, accepted map[string]bool, counted bool) (*PublicKey, keys.Scheme) {
	for _, k := range v.candidates(s.hint) {
		if accepted[k.id] != counted || !k.plausible(len(s.sig)) {
			continue
		}
		if scheme, err := message.verify(k, s.sig); err == nil {
			return k, scheme
		}
	}
	return nil, ""
}

// candidates returns the keys in the order to try them: the key whose id
// (hex, or Sigstore's base64 spelling) equals the hint first (it is only an ordering), then the others.
func (v *Verifier) candidates(hint string) []*PublicKey {
	if hint == "" {
		return v.keys
	}
	for i, k := range v.keys {
		if k.id == hint || k.hint == hint {
			if i == 0 {
				return v.keys
			}
			out := make([]*PublicKey, 0, len(v.keys))
			out = append(out, k)
			out = append(out, v.keys[:i]...)
			return append(out, v.keys[i+1:]...)
		}
	}
	return v.keys
}

// Bounds on an envelope, the same as attest.ParseEnvelope applies to a
// serialized one: a payload that fits a limits.MaxEnvelopeBytes envelope
// once base64-encoded, and fields of the sizes DSSE uses.
const (
	maxPayloadBytes     = limits.MaxStatementBytes
	maxPayloadTypeBytes = 1024
	maxKeyIDBytes       = 1024
	maxSignatureBytes   = 64 << 10
)

// checkBounds rejects an envelope over a size or count limit, before any
// signature is checked.
func checkBounds(env *attest.Envelope) error {
	if n := len(env.Signatures); n > limits.MaxSignatures {
		return fmt.Errorf("%w: %d signatures, limit %d", ErrMalformed, n, limits.MaxSignatures)
	}
	if n := len(env.Payload); n > maxPayloadBytes {
		return fmt.Errorf("%w: payload of %d bytes, limit %d", ErrMalformed, n, maxPayloadBytes)
	}
	if n := len(env.PayloadType); n > maxPayloadTypeBytes {
		return fmt.Errorf("%w: payloadType of %d bytes, limit %d", ErrMalformed, n, maxPayloadTypeBytes)
	}
	for i, s := range env.Signatures {
		if len(s.KeyID) > maxKeyIDBytes || len(s.Sig) > maxSignatureBytes {
			return fmt.Errorf("%w: signature %d: keyid of %d bytes or signature of %d bytes over the limit (%d, %d)", ErrMalformed, i, len(s.KeyID), len(s.Sig), maxKeyIDBytes, maxSignatureBytes)
		}
	}
	return nil
}

// checkStatement decodes an in-toto payload, checks its _type against
// accepted (nil: any type attest parses) and matches its subjects. A
// skipped subject check is appended to skipped, which becomes
// res.Skipped (callers pass res.Skipped, or a preallocated buffer).
func checkStatement(res *Result, skipped []Check, payloadType string, payload []byte, art *artifact, accepted []string) error {
	if payloadType != attest.PayloadType {
		if art.p.kind != artifactUnsafeSkip {
			return fmt.Errorf("%w: payload type %q has no subjects to match the artifact against; use WithoutArtifactUnsafe", ErrArtifactPolicy, truncate(payloadType))
		}
		res.Skipped = append(skipped, CheckSubject)
		return nil
	}
	st, err := attest.ParseStatement(payload)
	if err != nil {
		return because(ErrMalformed, err)
	}
	if accepted != nil && !contains(accepted, st.Type) {
		return fmt.Errorf("%w: statement _type %q is not accepted (want %s)", ErrMalformed, truncate(st.Type), strings.Join(accepted, " or "))
	}
	res.Statement = st
	res.addCheck(CheckStatement)
	if art.p.kind == artifactUnsafeSkip {
		res.Skipped = append(skipped, CheckSubject)
		return nil
	}
	subject, matched, err := art.matchSubjects(st)
	if err != nil {
		return err
	}
	res.Subject = subject
	res.ArtifactDigests = matched
	res.addCheck(CheckSubject)
	return nil
}

func signerIDs(s []Signer) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = x.KeyID
	}
	return out
}
