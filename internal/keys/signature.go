package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// ErrSignature: a signature that does not verify.
var ErrSignature = errors.New("signature does not verify")

// Verify checks sig over message with pub under scheme s. ECDSA signatures
// are accepted in ASN.1 DER and in raw r||s form (the DSSE spec vector is
// raw); both denote the same (r, s), so accepting both adds no forgery.
func Verify(pub crypto.PublicKey, s Scheme, message, sig []byte) error {
	if s == Ed25519 {
		k, ok := pub.(ed25519.PublicKey)
		if !ok || len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: scheme %s with key %T", ErrUnsupported, s, pub)
		}
		if len(sig) != ed25519.SignatureSize || !ed25519.Verify(k, message, sig) {
			return ErrSignature
		}
		return nil
	}
	return VerifyDigest(pub, s, s.Digest(message), sig)
}

// VerifyDigest is Verify for a message already hashed with s.Hash(). It
// fails for Ed25519, which needs the message.
func VerifyDigest(pub crypto.PublicKey, s Scheme, digest, sig []byte) error {
	h := s.Hash()
	if h == 0 {
		return fmt.Errorf("%w: %s signs messages, not digests", ErrUnsupported, s)
	}
	if len(digest) != h.Size() {
		return fmt.Errorf("%w: %d-byte digest for %s", ErrSignature, len(digest), s)
	}
	switch s {
	case ECDSAP256SHA256, ECDSAP384SHA384, ECDSAP521SHA512, ECDSAP384SHA256, ECDSAP521SHA256:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: scheme %s with key %T", ErrUnsupported, s, pub)
		}
		if ecdsa.VerifyASN1(k, digest, sig) {
			return nil
		}
		if r, sv, ok := parseRaw(k, sig); ok && ecdsa.Verify(k, digest, r, sv) {
			return nil
		}
		return ErrSignature
	case RSAPKCS1v15SHA256:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: scheme %s with key %T", ErrUnsupported, s, pub)
		}
		if rsa.VerifyPKCS1v15(k, h, digest, sig) != nil {
			return ErrSignature
		}
		return nil
	case RSAPSSSHA256:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: scheme %s with key %T", ErrUnsupported, s, pub)
		}
		if rsa.VerifyPSS(k, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) != nil {
			return ErrSignature
		}
		return nil
	}
	return fmt.Errorf("%w: scheme %q", ErrUnsupported, string(s))
}

// parseASN1 parses a strict DER ECDSA-Sig-Value with nothing after it.
func parseASN1(sig []byte) (r, s *big.Int, ok bool) {
	var inner cryptobyte.String
	in := cryptobyte.String(sig)
	r, s = new(big.Int), new(big.Int)
	if !in.ReadASN1(&inner, asn1.SEQUENCE) || !in.Empty() ||
		!inner.ReadASN1Integer(r) || !inner.ReadASN1Integer(s) || !inner.Empty() {
		return nil, nil, false
	}
	return r, s, true
}

// parseRaw splits a raw r||s signature of exactly twice the curve size.
func parseRaw(k *ecdsa.PublicKey, sig []byte) (r, s *big.Int, ok bool) {
	size := (k.Curve.Params().BitSize + 7) / 8
	if len(sig) != 2*size {
		return nil, nil, false
	}
	return new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:]), true
}

// Sign signs message with signer under scheme s. ECDSA signatures are
// ASN.1 DER unless raw is set.
func Sign(signer crypto.Signer, s Scheme, message []byte, raw bool) ([]byte, error) {
	if s == Ed25519 {
		return signer.Sign(rand.Reader, message, crypto.Hash(0))
	}
	return SignDigest(signer, s, s.Digest(message), raw)
}

// SignDigest signs a digest made with s.Hash().
func SignDigest(signer crypto.Signer, s Scheme, digest []byte, raw bool) ([]byte, error) {
	h := s.Hash()
	if h == 0 {
		return nil, fmt.Errorf("%w: %s signs messages, not digests", ErrUnsupported, s)
	}
	var opts crypto.SignerOpts = h
	if s == RSAPSSSHA256 {
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
	}
	sig, err := signer.Sign(rand.Reader, digest, opts)
	if err != nil {
		return nil, err
	}
	if raw {
		if k, ok := signer.Public().(*ecdsa.PublicKey); ok {
			return rawFromASN1(k, sig)
		}
	}
	return sig, nil
}

func rawFromASN1(k *ecdsa.PublicKey, sig []byte) ([]byte, error) {
	r, s, ok := parseASN1(sig)
	if !ok {
		return nil, errors.New("signer returned a malformed ECDSA signature")
	}
	size := (k.Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*size)
	r.FillBytes(out[:size])
	s.FillBytes(out[size:])
	return out, nil
}
