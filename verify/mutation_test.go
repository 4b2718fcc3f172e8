package verify_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

// mutations returns the replacements tried for a byte: flip the lowest
// bit, flip the highest bit, zero, all ones (those equal to b are left
// out).
func mutations(b byte) []byte {
	var out []byte
	for _, m := range []byte{b ^ 0x01, b ^ 0x80, 0x00, 0xff} {
		if m != b && !bytes.Contains(out, []byte{m}) {
			out = append(out, m)
		}
	}
	return out
}

// forEachMutation calls f with a copy of data in which one byte was
// replaced, for every position and replacement.
func forEachMutation(data []byte, f func(pos int, mutated []byte)) {
	for i := range data {
		for _, m := range mutations(data[i]) {
			c := bytes.Clone(data)
			c[i] = m
			f(i, c)
		}
	}
}

// mutationSigners covers every scheme and both ECDSA encodings.
func mutationSigners(t testing.TB) []*sign.KeySigner {
	return []*sign.KeySigner{
		signtest.Key(t, "mutation"),
		signtest.Key(t, "mutation", sign.WithRawECDSA()),
		signtest.Ed25519Key(t, "mutation"),
		signtest.RSAKey(t, signtest.RSA2048),
		signtest.RSAKey(t, signtest.RSA2048, sign.WithRSAPSS()),
	}
}

var mutationArtifact = []byte("the artifact under test")

// mustReject fails unless err is a rejection; it returns false when the
// test should stop.
func mustReject(t *testing.T, what string, res *verify.Result, err error, targets ...error) bool {
	t.Helper()
	if err == nil || res != nil {
		t.Errorf("%s: verified (err %v)", what, err)
		return false
	}
	if !errors.Is(err, verify.ErrUnverified) {
		t.Errorf("%s: %v is not ErrUnverified", what, err)
		return false
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("%s: %v is not %v", what, err, target)
			return false
		}
	}
	return true
}

// TestMutationEnvelopeFields flips every byte of the payload, the
// payloadType and the signature of a good envelope. Every change must be
// caught by the signature check: the verifier is built to accept the
// mutated payload type too, so that only PAE can catch it.
func TestMutationEnvelopeFields(t *testing.T) {
	for _, s := range mutationSigners(t) {
		t.Run(s.Scheme(), func(t *testing.T) {
			t.Parallel()
			env := statementEnv(t, mutationArtifact, s)
			keys := keysOf(t, s)
			v := newVerifier(t, keys)
			if _, err := v.VerifyEnvelope(ctx, env, artifactOf(mutationArtifact)); err != nil {
				t.Fatalf("good envelope: %v", err)
			}
			n := 0
			check := func(what string, e *attest.Envelope, v *verify.Verifier) {
				n++
				res, err := v.VerifyEnvelope(ctx, e, artifactOf(mutationArtifact))
				if !mustReject(t, what, res, err, verify.ErrThreshold, verify.ErrSignature) {
					t.FailNow()
				}
			}
			forEachMutation(env.Payload, func(i int, m []byte) {
				e := env.Clone()
				e.Payload = m
				check(fmt.Sprintf("payload[%d]=%#x", i, m[i]), e, v)
			})
			forEachMutation(env.Signatures[0].Sig, func(i int, m []byte) {
				e := env.Clone()
				e.Signatures[0].Sig = m
				check(fmt.Sprintf("sig[%d]=%#x", i, m[i]), e, v)
			})
			forEachMutation([]byte(env.PayloadType), func(i int, m []byte) {
				e := env.Clone()
				e.PayloadType = string(m)
				vt := newVerifier(t, keys, verify.WithPayloadTypes(attest.PayloadType, e.PayloadType))
				check(fmt.Sprintf("payloadType[%d]=%#x", i, m[i]), e, vt)
			})
			// Truncations and extensions are changes too.
			for _, e := range []*attest.Envelope{
				{PayloadType: env.PayloadType, Payload: env.Payload[:len(env.Payload)-1], Signatures: env.Signatures},
				{PayloadType: env.PayloadType, Payload: append(bytes.Clone(env.Payload), ' '), Signatures: env.Signatures},
				{PayloadType: env.PayloadType, Payload: env.Payload, Signatures: []attest.Signature{{Sig: env.Signatures[0].Sig[:len(env.Signatures[0].Sig)-1]}}},
				{PayloadType: env.PayloadType, Payload: env.Payload, Signatures: []attest.Signature{{Sig: append(bytes.Clone(env.Signatures[0].Sig), 0)}}},
			} {
				check("length change", e, v)
			}
			if n < 4*len(env.Payload) {
				t.Fatalf("only %d mutations", n)
			}
		})
	}
}

// TestMutationSerializedEnvelope flips every byte of the JSON envelope.
// A mutation may still verify only if it decodes to exactly the signed
// payloadType, payload and signature (a changed keyid, say).
func TestMutationSerializedEnvelope(t *testing.T) {
	for _, s := range mutationSigners(t) {
		t.Run(s.Scheme(), func(t *testing.T) {
			t.Parallel()
			env := statementEnv(t, mutationArtifact, s)
			// Give the signature a keyid, so the test also proves that a
			// changed keyid (an unsigned hint) changes nothing else.
			env.Signatures[0].KeyID = s.ID()
			data, err := env.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			v := newVerifier(t, keysOf(t, s))
			accepted := 0
			forEachMutation(data, func(i int, m []byte) {
				e, err := attest.ParseEnvelope(m)
				if err != nil {
					return
				}
				res, err := v.VerifyEnvelope(ctx, e, artifactOf(mutationArtifact))
				if err != nil {
					if !errors.Is(err, verify.ErrUnverified) {
						t.Fatalf("byte %d: %v is not ErrUnverified", i, err)
					}
					return
				}
				accepted++
				if e.PayloadType != env.PayloadType || !bytes.Equal(e.Payload, env.Payload) || len(e.Signatures) != 1 || !bytes.Equal(e.Signatures[0].Sig, env.Signatures[0].Sig) {
					t.Fatalf("byte %d=%#x: a different envelope verified:\n%s", i, m[i], m)
				}
				if !bytes.Equal(res.Payload, env.Payload) || res.PayloadType != env.PayloadType {
					t.Fatalf("byte %d: result differs", i)
				}
			})
			// Only the keyid's 64 hex characters can change harmlessly, and
			// some of those changes must verify (it is only a hint).
			if accepted == 0 || accepted > 4*64 {
				t.Fatalf("%d mutations verified", accepted)
			}
		})
	}
}

// TestMutationDSSEBundle flips every byte of a key-signed DSSE bundle and
// of the artifact.
func TestMutationDSSEBundle(t *testing.T) {
	for _, s := range mutationSigners(t) {
		t.Run(s.Scheme(), func(t *testing.T) {
			t.Parallel()
			b, err := sign.StatementBundle(ctx, signtest.Statement(t, "artifact", mutationArtifact), s)
			if err != nil {
				t.Fatal(err)
			}
			data := marshalBundle(t, b)
			orig, _ := b.Envelope()
			v := newVerifier(t, keysOf(t, s))
			if _, err := v.VerifyBundle(ctx, b, artifactOf(mutationArtifact)); err != nil {
				t.Fatalf("good bundle: %v", err)
			}
			accepted := 0
			forEachMutation(data, func(i int, m []byte) {
				mb, err := bundle.Parse(m)
				if err != nil {
					if !errors.Is(err, bundle.ErrMalformed) {
						t.Fatalf("byte %d: parse error %v", i, err)
					}
					return
				}
				res, err := v.VerifyBundle(ctx, mb, artifactOf(mutationArtifact))
				if err != nil {
					if !errors.Is(err, verify.ErrUnverified) {
						t.Fatalf("byte %d: %v is not ErrUnverified", i, err)
					}
					return
				}
				accepted++
				e, _ := mb.Envelope()
				if e.PayloadType != orig.PayloadType || !bytes.Equal(e.Payload, orig.Payload) || !bytes.Equal(e.Signatures[0].Sig, orig.Signatures[0].Sig) {
					t.Fatalf("byte %d=%#x: a different bundle verified:\n%s", i, m[i], m)
				}
				if !bytes.Equal(res.Payload, orig.Payload) {
					t.Fatalf("byte %d: result differs", i)
				}
			})
			if accepted == 0 { // the key hint may change
				t.Fatal("no mutation of the key hint verified")
			}
			forEachMutation(mutationArtifact, func(i int, m []byte) {
				res, err := v.VerifyBundle(ctx, b, artifactOf(m))
				if !mustReject(t, fmt.Sprintf("artifact[%d]", i), res, err, verify.ErrSubjectMismatch) {
					t.FailNow()
				}
			})
		})
	}
}

// TestMutationMessageBundle flips every byte of a message-signature bundle
// and of the artifact it signs.
func TestMutationMessageBundle(t *testing.T) {
	for _, s := range mutationSigners(t) {
		t.Run(s.Scheme(), func(t *testing.T) {
			t.Parallel()
			b, err := sign.BlobBundle(ctx, s, bytes.NewReader(mutationArtifact))
			if err != nil {
				t.Fatal(err)
			}
			data := marshalBundle(t, b)
			orig, _ := b.MessageSignature()
			v := newVerifier(t, keysOf(t, s))
			if _, err := v.VerifyBundle(ctx, b, artifactOf(mutationArtifact)); err != nil {
				t.Fatalf("good bundle: %v", err)
			}
			accepted := 0
			forEachMutation(data, func(i int, m []byte) {
				mb, err := bundle.Parse(m)
				if err != nil {
					return
				}
				res, err := v.VerifyBundle(ctx, mb, artifactOf(mutationArtifact))
				if err != nil {
					if !errors.Is(err, verify.ErrUnverified) {
						t.Fatalf("byte %d: %v is not ErrUnverified", i, err)
					}
					return
				}
				accepted++
				ms, err := mb.MessageSignature()
				if err != nil || !bytes.Equal(ms.Signature, orig.Signature) || ms.Digest != orig.Digest {
					t.Fatalf("byte %d=%#x: a different bundle verified:\n%s", i, m[i], m)
				}
				if !res.MessageSignature {
					t.Fatal("result is not a message signature")
				}
			})
			if accepted == 0 { // the key hint may change
				t.Fatal("no mutation of the key hint verified")
			}
			forEachMutation(mutationArtifact, func(i int, m []byte) {
				res, err := v.VerifyBundle(ctx, b, artifactOf(m))
				if !mustReject(t, fmt.Sprintf("artifact[%d]", i), res, err) {
					t.FailNow()
				}
			})
			// The signature alone, with the digest hint removed, is still
			// checked against the artifact.
			pb := sgproto.MustProto(b)
			pb.GetMessageSignature().MessageDigest = nil
			nohint, err := sgproto.FromProto(pb)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.VerifyBundle(ctx, nohint, artifactOf(mutationArtifact)); err != nil {
				t.Fatalf("bundle without digest hint: %v", err)
			}
			forEachMutation(mutationArtifact, func(i int, m []byte) {
				res, err := v.VerifyBundle(ctx, nohint, artifactOf(m))
				if !mustReject(t, fmt.Sprintf("no hint, artifact[%d]", i), res, err, verify.ErrSignature) {
					t.FailNow()
				}
			})
		})
	}
}
