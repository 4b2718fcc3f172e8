package verify

import (
	"context"
	"crypto/sha256"
	"fmt"

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
	keys *Verifier         // nil without WithKeys
	root *SigstoreVerifier // nil without WithTrustedRoot
}

// NewTrust returns a Trust built from opts, which must include WithKeys,
// WithTrustedRoot, or both:
//
//	trust, err := verify.NewTrust(verify.WithKeys(pub))
//	trust, err := verify.NewTrust(verify.WithTrustedRoot(tr))
//
// Options that need a trusted root (WithTransparencyLog, …) are refused
// without one, and WithThreshold without keys.
func NewTrust(opts ...Option) (*Trust, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if !c.keysSet && c.root == nil {
		return nil, fmt.Errorf("%w: nothing to trust; pass WithKeys, WithTrustedRoot, or both", ErrInvalidOptions)
	}
	t := &Trust{}
	if c.keysSet {
		if t.keys, err = newVerifier(c.keys, c); err != nil {
			return nil, err
		}
	} else if c.thresholdSet {
		return nil, fmt.Errorf("%w: WithThreshold applies to trusted keys; pass WithKeys", ErrInvalidOptions)
	}
	if c.root != nil {
		if t.root, err = newSigstoreVerifier(c.root, c); err != nil {
			return nil, err
		}
	} else if len(c.rootOnly) > 0 {
		return nil, fmt.Errorf("%w: %s applies to a trusted root; pass WithTrustedRoot", ErrInvalidOptions, c.rootOnly[0])
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
// is an acceptable signer; NewKeyPolicy names a subset.
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
	if trust == nil || (trust.keys == nil && trust.root == nil) {
		return nil, ErrNotInitialized
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
	return res, nil
}

// parse returns the envelope or the bundle of in, and the digest that
// names it.
func (in Input) parse() (*attest.Envelope, *bundle.Bundle, digest.Digest, error) {
	var data []byte
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
		d, err := in.b.MarshalJSON()
		if err != nil {
			return nil, nil, digest.Digest{}, because(ErrMalformed, err)
		}
		return nil, in.b, sum256(d), nil
	default:
		data = in.data
	}
	if len(data) > limits.MaxEnvelopeBytes {
		return nil, nil, digest.Digest{}, fmt.Errorf("%w: %d bytes, limit %d", ErrMalformed, len(data), limits.MaxEnvelopeBytes)
	}
	if bundle.IsBundle(data) {
		b, err := bundle.Parse(data)
		if err != nil {
			return nil, nil, digest.Digest{}, because(ErrMalformed, err)
		}
		return nil, b, sum256(data), nil
	}
	env, err := attest.ParseEnvelope(data)
	if err != nil {
		return nil, nil, digest.Digest{}, because(ErrMalformed, err)
	}
	return env, nil, sum256(data), nil
}

func sum256(data []byte) digest.Digest {
	s := sha256.Sum256(data)
	d, _ := digest.New(digest.SHA256, s[:])
	return d
}

func (t *Trust) verifyEnvelope(ctx context.Context, env *attest.Envelope, artifact ArtifactPolicy, identity IdentityPolicy) (*Result, error) {
	if t.keys == nil {
		return nil, fmt.Errorf("%w: a DSSE envelope is signed by keys, and the trust has none; pass WithKeys", ErrVerificationMaterial)
	}
	if err := t.keyIdentity(identity); err != nil {
		return nil, err
	}
	res, err := t.keys.VerifyEnvelope(ctx, env, artifact)
	if err != nil {
		return nil, err
	}
	return res, t.checkKeySigners(res, identity)
}

func (t *Trust) verifyBundle(ctx context.Context, b *bundle.Bundle, artifact ArtifactPolicy, identity IdentityPolicy) (*Result, error) {
	if _, isKey := b.PublicKeyHint(); !isKey {
		if t.root == nil {
			return nil, fmt.Errorf("%w: the bundle is signed by a certificate; pass WithTrustedRoot", ErrVerificationMaterial)
		}
		if identity.kind == identityKey || identity.kind == identityTrustKeys {
			return nil, fmt.Errorf("%w: the bundle is signed by a certificate, but the identity policy names keys", ErrVerificationMaterial)
		}
		return t.root.Verify(ctx, b, artifact, identity)
	}
	if err := t.keyIdentity(identity); err != nil {
		return nil, err
	}
	if t.root == nil {
		res, err := t.keys.VerifyBundle(ctx, b, artifact)
		if err != nil {
			return nil, err
		}
		return res, t.checkKeySigners(res, identity)
	}
	// With a trusted root, the log entries and timestamps are checked too.
	kp := identity
	if identity.kind == identityTrustKeys {
		kp = IdentityPolicy{kind: identityKey, keys: t.keys.keys}
	}
	res, err := t.root.Verify(ctx, b, artifact, kp)
	if err != nil {
		return nil, err
	}
	return res, t.checkKeySigners(res, identity)
}

// keyIdentity checks that identity can accept a key signature.
func (t *Trust) keyIdentity(identity IdentityPolicy) error {
	switch identity.kind {
	case identityTrustKeys:
		if t.keys == nil {
			return fmt.Errorf("%w: TrustedKeys, but the trust has no keys; pass WithKeys", ErrIdentityPolicy)
		}
	case identityKey:
		if t.keys == nil && t.root == nil {
			return ErrNotInitialized
		}
	case identityUnsafeSkip:
		return fmt.Errorf("%w: a key signature cannot be verified without a key: use TrustedKeys or NewKeyPolicy", ErrIdentityPolicy)
	default:
		return fmt.Errorf("%w: the input is signed by keys, but the identity policy names certificates", ErrVerificationMaterial)
	}
	return nil
}

// checkKeySigners applies a NewKeyPolicy subset to the keys that signed:
// at least the threshold of them must be among the policy's keys.
func (t *Trust) checkKeySigners(res *Result, identity IdentityPolicy) error {
	if identity.kind != identityKey {
		return nil
	}
	want := 1
	if t.keys != nil {
		want = t.keys.threshold
	}
	got := 0
	for _, s := range res.Signers {
		for _, k := range identity.keys {
			if s.KeyID == k.id {
				got++
				break
			}
		}
	}
	if got < want {
		return &IdentityError{Reasons: []string{fmt.Sprintf("%d of %d required signers are keys the identity policy names", got, want)}}
	}
	return nil
}
