package verify

import (
	"context"
	"fmt"
	"slices"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/limits"
)

// Trust is what a verification trusts: public keys (with a threshold of
// distinct keys), a Sigstore trusted root, or both, and the rules every
// verification under it follows (payload and statement types, time
// thresholds, the clock). Build it once with NewTrust; it is immutable and
// safe for concurrent use. A nil or zero Trust rejects everything.
type Trust struct {
	keys *Verifier     // nil without WithKeys
	auth Authority     // nil without WithAuthority
	cfg  *verifyConfig // the options, for bundles checked with auth
}

// NewTrust returns a Trust built from opts, which must include WithKeys,
// WithAuthority, or both:
//
//	trust, err := verify.NewTrust(verify.WithKeys(pub))
//	auth, err := sigstore.NewAuthority(trustedRoot)
//	trust, err := verify.NewTrust(verify.WithAuthority(auth))
//
// Options that need an authority (WithClock, WithMinBundleVersion) are
// refused without one, and WithThreshold without keys.
func NewTrust(opts ...Option) (*Trust, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if !c.keysSet && c.auth == nil {
		return nil, fmt.Errorf("%w: nothing to trust; pass WithKeys, WithAuthority, or both", ErrInvalidOptions)
	}
	t := &Trust{cfg: c}
	if c.keysSet {
		if t.keys, err = newVerifier(c.keys, c); err != nil {
			return nil, err
		}
	} else if c.thresholdSet {
		return nil, fmt.Errorf("%w: WithThreshold applies to trusted keys; pass WithKeys", ErrInvalidOptions)
	}
	if c.auth != nil {
		t.auth = c.auth
		if c.minVersion == "" {
			c.minVersion = "v0.2"
		}
	} else if len(c.authOnly) > 0 {
		return nil, fmt.Errorf("%w: %s applies to bundles checked by an authority; pass WithAuthority", ErrInvalidOptions, c.authOnly[0])
	}
	return t, nil
}

// Input is what Verify checks: a DSSE envelope or a Sigstore bundle,
// parsed or as JSON. Make one with FromJSON, FromEnvelope or FromBundle;
// the zero Input is rejected.
type Input struct {
	data []byte
	env  *attest.Envelope
	b    *bundle.Bundle
	set  bool
}

// FromJSON is a serialized DSSE envelope or Sigstore bundle (a JSON object
// with a Sigstore bundle mediaType). It is parsed strictly (see
// attest.ParseEnvelope and bundle.Parse), and Result.Input is the SHA-256
// of data.
func FromJSON(data []byte) Input { return Input{data: data, set: true} }

// FromEnvelope is a parsed DSSE envelope; Result.Input is the SHA-256 of
// its JSON encoding (Envelope.Marshal).
func FromEnvelope(env *attest.Envelope) Input { return Input{env: env, set: true} }

// FromBundle is a parsed Sigstore bundle; Result.Input is the SHA-256 of
// its deterministic JSON encoding (Bundle.MarshalJSON).
func FromBundle(b *bundle.Bundle) Input { return Input{b: b, set: true} }

// TrustedKeys is the identity policy "signed by the trust's keys": at
// least the Trust's threshold of its distinct keys signed. It is the
// policy for DSSE envelopes and key-signed bundles when every trusted key
// is an acceptable signer. NewKeyPolicy names a subset of the trust's keys
// instead (the threshold then counts only those); with an authority and
// no WithKeys, NewKeyPolicy's keys are the keys trusted, as cosign's --key
// with a trusted root. A bundle carries one signature, so a threshold
// above 1 is met only by envelopes.
func TrustedKeys() IdentityPolicy { return IdentityPolicy{kind: identityTrustKeys} }

// Verify checks in against trust, and returns what it established: the
// same Result for every kind of input and signer. The artifact policy
// says which artifact the statement (or message signature) must be
// about; the identity policy says who must have signed:
//
//   - a DSSE envelope is signed by keys: it needs WithKeys in trust and
//     TrustedKeys or NewKeyPolicy;
//   - a key-signed bundle likewise; with a trusted root too, its
//     transparency log entries and timestamps are checked as well;
//   - a certificate-signed bundle needs WithTrustedRoot, and
//     NewIdentityPolicy (or WithoutIdentityUnsafe).
//
// Every rejection wraps ErrUnverified and a narrower reason (see the
// package documentation, "Errors").
func Verify(ctx context.Context, in Input, trust *Trust, artifact ArtifactPolicy, identity IdentityPolicy) (*Result, error) {
	if trust == nil || (trust.keys == nil && trust.auth == nil) {
		return nil, ErrNotInitialized
	}
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrUnverified)
	}
	if err := ctx.Err(); err != nil {
		return nil, because(ErrUnverified, err)
	}
	if !in.set {
		return nil, fmt.Errorf("%w: no input; pass FromJSON, FromEnvelope or FromBundle", ErrMalformed)
	}
	if identity.kind == identityNone {
		return nil, fmt.Errorf("%w: no identity policy; pass TrustedKeys, NewKeyPolicy, NewIdentityPolicy, or WithoutIdentityUnsafe to skip the check", ErrIdentityPolicy)
	}
	env, b, sum, err := in.parse()
	if err != nil {
		return nil, err
	}
	var res *Result
	if env != nil {
		res, err = trust.verifyEnvelope(ctx, env, artifact, identity)
	} else {
		res, err = trust.verifyBundle(ctx, b, artifact, identity)
	}
	if err != nil {
		return nil, err
	}
	res.Input = sum
	return sealed(res, nil)
}

// parse returns the envelope or the bundle of in, and the digest that
// names it.
func (in Input) parse() (*attest.Envelope, *bundle.Bundle, digest.Digest, error) {
	switch {
	case in.env != nil:
		d, err := in.env.Marshal()
		if err != nil {
			return nil, nil, digest.Digest{}, because(ErrMalformed, err)
		}
		return in.env, nil, sum256(d), nil
	case in.b != nil:
		if !in.b.Valid() {
			return nil, nil, digest.Digest{}, fmt.Errorf("%w: zero bundle", ErrMalformed)
		}
		d := in.b.Digest()
		if d.IsZero() {
			_, err := in.b.MarshalJSON()
			return nil, nil, digest.Digest{}, because(ErrMalformed, err)
		}
		return nil, in.b, d, nil
	}
	data := in.data
	if len(data) > limits.MaxEnvelopeBytes {
		return nil, nil, digest.Digest{}, fmt.Errorf("%w: %d bytes, limit %d", ErrMalformed, len(data), limits.MaxEnvelopeBytes)
	}
	// An envelope is read in one strict pass; a bundle never parses as an
	// envelope (its mediaType is an unknown field there), so only what is
	// not an envelope is probed for a bundle.
	env, err := attest.ParseEnvelope(data)
	if err == nil {
		return env, nil, sum256(data), nil
	}
	if !bundle.IsBundle(data) {
		return nil, nil, digest.Digest{}, because(ErrMalformed, err)
	}
	b, err := bundle.Parse(data)
	if err != nil {
		return nil, nil, digest.Digest{}, because(ErrMalformed, err)
	}
	return nil, b, sum256(data), nil
}

func sum256(data []byte) digest.Digest {
	d, _ := digest.FromBytes(data, digest.SHA256) // SHA-256 of bytes in memory cannot fail
	return d
}

func (t *Trust) verifyEnvelope(ctx context.Context, env *attest.Envelope, artifact ArtifactPolicy, identity IdentityPolicy) (*Result, error) {
	if t.keys == nil {
		return nil, fmt.Errorf("%w: a DSSE envelope is signed by keys, and the trust has none; pass WithKeys", ErrVerificationMaterial)
	}
	signers, err := t.signerKeys(identity)
	if err != nil {
		return nil, err
	}
	res, err := t.keys.VerifyEnvelope(ctx, env, artifact)
	if err != nil {
		return nil, err
	}
	return res, t.checkKeySigners(res, identity, signers)
}

func (t *Trust) verifyBundle(ctx context.Context, b *bundle.Bundle, artifact ArtifactPolicy, identity IdentityPolicy) (*Result, error) {
	if _, isKey := b.PublicKeyHint(); !isKey {
		if t.auth == nil {
			return nil, fmt.Errorf("%w: the bundle is signed by a certificate; pass WithAuthority", ErrVerificationMaterial)
		}
		if identity.kind == identityKey || identity.kind == identityTrustKeys {
			return nil, fmt.Errorf("%w: the bundle is signed by a certificate, but the identity policy names keys", ErrVerificationMaterial)
		}
		return t.verifyAnchored(ctx, b, artifact, identity)
	}
	signers, err := t.signerKeys(identity)
	if err != nil {
		return nil, err
	}
	var res *Result
	if t.auth == nil {
		res, err = t.keys.VerifyBundle(ctx, b, artifact)
	} else {
		// With an authority, the log entries and timestamps are checked
		// too, and only the acceptable keys are tried.
		res, err = t.verifyAnchored(ctx, b, artifact, IdentityPolicy{kind: identityKey, keys: signers})
	}
	if err != nil {
		return nil, err
	}
	return res, t.checkKeySigners(res, identity, signers)
}

// signerKeys returns the keys whose signatures identity accepts: the
// trust's keys for TrustedKeys; for NewKeyPolicy its keys, which must be
// among the trust's keys when it has any (with a trusted root only, they
// are the keys trusted, as cosign's --key with a trusted root).
func (t *Trust) signerKeys(identity IdentityPolicy) ([]*PublicKey, error) {
	switch identity.kind {
	case identityTrustKeys:
		if t.keys == nil {
			return nil, fmt.Errorf("%w: TrustedKeys, but the trust has no keys; pass WithKeys", ErrIdentityPolicy)
		}
		return t.keys.keys, nil
	case identityKey:
		if t.keys == nil {
			return identity.keys, nil
		}
		for _, k := range identity.keys {
			if !slices.ContainsFunc(t.keys.keys, func(x *PublicKey) bool { return x.id == k.id }) {
				return nil, fmt.Errorf("%w: key %s of the identity policy is not one of the trust's keys", ErrIdentityPolicy, k.id)
			}
		}
		return identity.keys, nil
	case identityUnsafeSkip:
		return nil, fmt.Errorf("%w: the input is signed by a key, and a key signature cannot be verified without naming keys: use TrustedKeys or NewKeyPolicy", ErrVerificationMaterial)
	}
	return nil, fmt.Errorf("%w: the input is signed by keys, but the identity policy names certificates", ErrVerificationMaterial)
}

// checkKeySigners requires the trust's threshold of distinct signers
// among the acceptable keys. The key Verifier has counted the trust's keys
// already; this counts a NewKeyPolicy subset, and a bundle verified
// against a trusted root, which carries one signature.
func (t *Trust) checkKeySigners(res *Result, identity IdentityPolicy, accepted []*PublicKey) error {
	want := 1
	if t.keys != nil {
		want = t.keys.threshold
	}
	var got []string
	for _, s := range res.Signers {
		if slices.ContainsFunc(accepted, func(k *PublicKey) bool { return k.id == s.KeyID }) {
			got = append(got, s.KeyID)
		}
	}
	switch {
	case len(got) >= want:
		return nil
	case identity.kind == identityTrustKeys:
		return &ThresholdError{Want: want, Got: len(got), Accepted: got}
	}
	return &IdentityError{Reasons: []string{fmt.Sprintf("%d of %d required signers are keys the identity policy names", len(got), want)}}
}
