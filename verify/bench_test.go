package verify_test

import (
	"bytes"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/verify"
)

func BenchmarkVerifyEnvelope(b *testing.B) {
	art := []byte("bench artifact")
	for _, tc := range []struct {
		name string
		s    sign.Signer
	}{
		{"P-256", signtest.Key(b, "bench")},
		{"Ed25519", signtest.Ed25519Key(b, "bench")},
		{"RSA-2048", signtest.RSAKey(b, signtest.RSA2048)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			env := statementEnv(b, art, tc.s)
			v := newVerifier(b, keysOf(b, tc.s))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.VerifyEnvelope(ctx, env, verify.WithArtifact(bytes.NewReader(art))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseAndVerifyEnvelope includes parsing the JSON.
func BenchmarkParseAndVerifyEnvelope(b *testing.B) {
	art := []byte("bench artifact")
	s := signtest.Key(b, "bench")
	data, err := statementEnv(b, art, s).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	v := newVerifier(b, keysOf(b, s))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		env, err := attest.ParseEnvelope(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.VerifyEnvelope(ctx, env, verify.WithArtifact(bytes.NewReader(art))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyJSON is BenchmarkParseAndVerifyEnvelope through Verify
// and FromJSON: the same input and work, plus the input's SHA-256.
func BenchmarkVerifyJSON(b *testing.B) {
	art := []byte("bench artifact")
	s := signtest.Key(b, "bench")
	data, err := statementEnv(b, art, s).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	trust := newTrust(b, verify.WithKeys(keysOf(b, s)...))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := verify.Verify(ctx, verify.FromJSON(data), trust, verify.WithArtifact(bytes.NewReader(art)), verify.TrustedKeys()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyBundle(b *testing.B) {
	art := []byte("bench artifact")
	s := signtest.Key(b, "bench")
	dsse, err := sign.StatementBundle(ctx, signtest.Statement(b, "a", art), s)
	if err != nil {
		b.Fatal(err)
	}
	msg, err := sign.BlobBundle(ctx, s, bytes.NewReader(art))
	if err != nil {
		b.Fatal(err)
	}
	v := newVerifier(b, keysOf(b, s))
	for name, bu := range map[string]*bundle.Bundle{"DSSE": dsse, "message": msg} {
		data := marshalBundle(b, bu)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				pb, err := bundle.Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := v.VerifyBundle(ctx, pb, verify.WithArtifact(bytes.NewReader(art))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyThreshold: 3 of 5 keys, signatures in reverse key order
// and without keyids, the worst case of the key search.
func BenchmarkVerifyThreshold(b *testing.B) {
	art := []byte("bench artifact")
	var signers []sign.Signer
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		signers = append(signers, signtest.Key(b, n))
	}
	env := statementEnv(b, art, signers[4], signers[3], signers[2])
	for i := range env.Signatures {
		env.Signatures[i].KeyID = ""
	}
	v := newVerifier(b, keysOf(b, signers...), verify.WithThreshold(3))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.VerifyEnvelope(ctx, env, verify.WithArtifact(bytes.NewReader(art))); err != nil {
			b.Fatal(err)
		}
	}
}
