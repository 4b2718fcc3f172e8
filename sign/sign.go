package sign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/keys"
)

// MaxInMemoryBlob bounds the artifacts BlobBundle reads into memory: only
// for signers that cannot sign a digest (Ed25519 signs whole messages).
const MaxInMemoryBlob = 128 << 20

// Envelope signs payload as a DSSE envelope of payloadType with each
// signer, in order.
func Envelope(ctx context.Context, payloadType string, payload []byte, signers ...Signer) (*attest.Envelope, error) {
	if len(signers) == 0 {
		return nil, ErrNoSigner
	}
	env := &attest.Envelope{PayloadType: payloadType, Payload: bytes.Clone(payload)}
	if payloadType == "" {
		return nil, fmt.Errorf("sign: %w: empty payloadType", attest.ErrMalformed)
	}
	for _, s := range signers {
		if err := AddSignature(ctx, env, s); err != nil {
			return nil, err
		}
	}
	return env, nil
}

// Statement encodes st and signs it as a DSSE envelope of
// attest.PayloadType with each signer.
func Statement(ctx context.Context, st *attest.Statement, signers ...Signer) (*attest.Envelope, error) {
	payload, err := st.Marshal()
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return Envelope(ctx, attest.PayloadType, payload, signers...)
}

// AddSignature signs env with s and appends the signature; existing
// signatures are kept. The signer's key must be on the allow-list.
func AddSignature(ctx context.Context, env *attest.Envelope, s Signer) error {
	if env == nil {
		return fmt.Errorf("sign: %w: nil envelope", attest.ErrMalformed)
	}
	if s == nil {
		return ErrNoSigner
	}
	if err := checkContext(ctx); err != nil {
		return err
	}
	scheme, err := keys.SchemeFor(s.Public(), false)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	var sig []byte
	if ds, ok := s.(DigestSigner); ok && scheme.Hash() != 0 {
		// The PAE goes straight into the hash; PSS or not, RSA hashes
		// with SHA-256, so the scheme's hash is the signer's.
		h := scheme.Hash().New()
		if err := attest.WritePAE(h, env.PayloadType, env.Payload); err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		sig, err = ds.SignDigest(ctx, scheme.Hash(), h.Sum(nil))
	} else {
		sig, err = s.Sign(ctx, env.PAE())
	}
	if err != nil {
		return signerError(err)
	}
	if len(sig) == 0 {
		return fmt.Errorf("%w: empty signature", ErrSigner)
	}
	if err := env.AddSignature(attest.Signature{KeyID: keyIDOf(s), Sig: sig}); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	return nil
}

// isPSS reports whether s is a KeySigner configured for RSA-PSS (whose key
// passed the allow-list when it was made).
func isPSS(s Signer) bool {
	k, ok := s.(*KeySigner)
	return ok && k.scheme == keys.RSAPSSSHA256
}

// StatementBundle signs st with s into a Sigstore bundle v0.3 holding a
// DSSE envelope, verified by a public key (the bundle names it by s's key
// id hint). No transparency log or timestamp is involved.
func StatementBundle(ctx context.Context, st *attest.Statement, s Signer) (*bundle.Bundle, error) {
	env, err := Statement(ctx, st, s)
	if err != nil {
		return nil, err
	}
	b, err := bundle.FromEnvelope(env, bundleHint(s))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return b, nil
}

// BlobBundle signs the bytes of artifact with s into a Sigstore bundle v0.3
// holding a message signature, verified by a public key. The artifact is
// hashed as a stream when s can sign digests (ECDSA, RSA); an Ed25519
// signer needs the whole artifact in memory, up to MaxInMemoryBlob.
func BlobBundle(ctx context.Context, s Signer, artifact io.Reader) (*bundle.Bundle, error) {
	if s == nil {
		return nil, ErrNoSigner
	}
	if artifact == nil {
		return nil, errors.New("sign: nil artifact reader")
	}
	if err := checkContext(ctx); err != nil {
		return nil, err
	}
	scheme, err := keys.SchemeFor(s.Public(), isPSS(s))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	var (
		d   digest.Digest
		sig []byte
	)
	alg := scheme.DigestAlgorithm()
	switch ds, ok := s.(DigestSigner); {
	case ok && scheme.Hash() != 0:
		if d, err = digest.FromReader(artifact, alg); err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		sig, err = ds.SignDigest(ctx, scheme.Hash(), d.Bytes())
	default:
		data, rerr := io.ReadAll(io.LimitReader(artifact, MaxInMemoryBlob+1))
		if rerr != nil {
			return nil, fmt.Errorf("sign: reading artifact: %w", rerr)
		}
		if len(data) > MaxInMemoryBlob {
			return nil, fmt.Errorf("sign: artifact larger than %d bytes and the signer cannot sign a digest", MaxInMemoryBlob)
		}
		if d, err = digest.FromBytes(data, alg); err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		sig, err = s.Sign(ctx, data)
	}
	if err != nil {
		return nil, signerError(err)
	}
	if len(sig) == 0 {
		return nil, fmt.Errorf("%w: empty signature", ErrSigner)
	}
	b, err := bundle.FromMessageSignature(d, sig, bundleHint(s))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return b, nil
}

// checkContext rejects a nil or finished context before any signing.
func checkContext(ctx context.Context) error {
	if ctx == nil {
		return errors.New("sign: nil context")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	return nil
}

// signerError wraps a signer's failure in ErrSigner, once.
func signerError(err error) error {
	if errors.Is(err, ErrSigner) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrSigner, err)
}
