// Package dsse_test measures what the DSSE layers of this module (sign,
// attest, verify) add to the ECDSA P-256 operation they wrap, and compares
// them with go-securesystemslib's dsse package as an anchor. Everything
// signs or verifies the same ~1 KiB in-toto statement.
//
//	go test ./bench/dsse -run '^$' -bench . -count 10
//
// or bench/dsse.sh, which summarizes with benchstat. The one test here
// checks that every benchmark measures a successful verification of the
// same envelope, and that a tampered envelope fails, so a benchmark cannot
// silently time an error path.
package dsse_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
	ssldsse "github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/secure-systems-lab/go-securesystemslib/signerverifier"
)

// predicate is a SLSA provenance v1 predicate of the shape GitHub
// Actions produces, to make a statement of about 1 KiB.
const predicate = `{
  "buildDefinition": {
    "buildType": "https://actions.github.io/buildtypes/workflow/v1",
    "externalParameters": {
      "workflow": {
        "ref": "refs/tags/v1.4.2",
        "repository": "https://github.com/chainmail-dev/chainmail",
        "path": ".github/workflows/release.yml"
      }
    },
    "internalParameters": {
      "github": {"event_name": "push", "repository_id": "812345678", "repository_owner_id": "98765432", "runner_environment": "github-hosted"}
    },
    "resolvedDependencies": [
      {"uri": "git+https://github.com/chainmail-dev/chainmail@refs/tags/v1.4.2", "digest": {"gitCommit": "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d"}}
    ]
  },
  "runDetails": {
    "builder": {"id": "https://github.com/actions/runner/github-hosted"},
    "metadata": {"invocationId": "https://github.com/chainmail-dev/chainmail/actions/runs/11223344556/attempts/1"}
  }
}`

// fixture is one key, one statement and one envelope signed over it, in
// every form the benchmarks need.
type fixture struct {
	key      *ecdsa.PrivateKey
	signer   *sign.KeySigner
	verifier *verify.Verifier
	artifact digest.Digest // sha256 of the statement's subject

	payload []byte           // the statement JSON (the DSSE payload)
	pae     []byte           // PAE(attest.PayloadType, payload)
	sig     []byte           // ASN.1 ECDSA signature over pae
	env     *attest.Envelope // parsed from envJSON
	envJSON []byte           // the envelope as JSON

	// The same payload bytes under a payload type that is not in-toto:
	// the verifier then checks the signature only (no statement to
	// decode), the same work as the direct baseline.
	rawVerifier *verify.Verifier
	rawEnv      *attest.Envelope

	sslSV  *signerverifier.ECDSASignerVerifier // go-securesystemslib's ECDSA signer/verifier
	sslEnv *ssldsse.Envelope                   // envJSON decoded by encoding/json
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{key: key}
	if f.signer, err = sign.NewSigner(key); err != nil {
		tb.Fatal(err)
	}
	pub, err := verify.NewPublicKey(&key.PublicKey)
	if err != nil {
		tb.Fatal(err)
	}
	if f.verifier, err = verify.NewVerifier([]*verify.PublicKey{pub}); err != nil {
		tb.Fatal(err)
	}
	if f.artifact, err = digest.FromBytes([]byte("chainmail_1.4.2_linux_amd64.tar.gz contents"), digest.SHA256); err != nil {
		tb.Fatal(err)
	}
	other, err := digest.FromBytes([]byte("chainmail_1.4.2_darwin_arm64.tar.gz contents"), digest.SHA256)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := attest.NewStatement("https://slsa.dev/provenance/v1", json.RawMessage(predicate),
		attest.Subject("chainmail_1.4.2_linux_amd64.tar.gz", f.artifact),
		attest.Subject("chainmail_1.4.2_darwin_arm64.tar.gz", other))
	if err != nil {
		tb.Fatal(err)
	}
	if f.payload, err = st.Marshal(); err != nil {
		tb.Fatal(err)
	}
	f.pae = attest.PAE(attest.PayloadType, f.payload)

	env, err := sign.Envelope(context.Background(), attest.PayloadType, f.payload, f.signer)
	if err != nil {
		tb.Fatal(err)
	}
	f.sig = env.Signatures[0].Sig
	if f.envJSON, err = env.Marshal(); err != nil {
		tb.Fatal(err)
	}
	if f.env, err = attest.ParseEnvelope(f.envJSON); err != nil {
		tb.Fatal(err)
	}
	if f.rawEnv, err = sign.Envelope(context.Background(), rawPayloadType, f.payload, f.signer); err != nil {
		tb.Fatal(err)
	}
	if f.rawVerifier, err = verify.NewVerifier([]*verify.PublicKey{pub}, verify.WithPayloadTypes(rawPayloadType)); err != nil {
		tb.Fatal(err)
	}

	// The anchor: go-securesystemslib's own ECDSA signer/verifier, loaded
	// the documented way (PEM -> SSLibKey), with the key id our envelopes
	// carry so its keyid matching picks it.
	privPEM, err := sign.MarshalPrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	sslKey, err := signerverifier.LoadKey(privPEM)
	if err != nil {
		tb.Fatal(err)
	}
	sslKey.KeyID = f.signer.KeyID()
	if f.sslSV, err = signerverifier.NewECDSASignerVerifierFromSSLibKey(sslKey); err != nil {
		tb.Fatal(err)
	}
	f.sslEnv = new(ssldsse.Envelope)
	if err := json.Unmarshal(f.envJSON, f.sslEnv); err != nil {
		tb.Fatal(err)
	}
	return f
}

// TestFixture checks the inputs of the benchmarks: the statement is about
// 1 KiB, every verification path accepts the envelope, and rejects it
// with one payload byte changed.
func TestFixture(t *testing.T) {
	f := newFixture(t)
	if n := len(f.payload); n < 900 || n > 1300 {
		t.Errorf("statement is %d bytes, want about 1 KiB", n)
	}
	t.Logf("statement %d bytes, envelope JSON %d bytes, signature %d bytes", len(f.payload), len(f.envJSON), len(f.sig))
	ctx := context.Background()
	ev, err := ssldsse.NewEnvelopeVerifier(f.sslSV)
	if err != nil {
		t.Fatal(err)
	}
	tampered := f.env.Clone()
	tampered.Payload[len(tampered.Payload)/2] ^= 1
	tamperedJSON, err := tampered.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		env      *attest.Envelope
		envJSON  []byte
		wantGood bool
	}{
		{"good", f.env, f.envJSON, true},
		{"tampered", tampered, tamperedJSON, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pae := attest.PAE(tc.env.PayloadType, tc.env.Payload)
			sum := sha256.Sum256(pae)
			if got := ecdsa.VerifyASN1(&f.key.PublicKey, sum[:], tc.env.Signatures[0].Sig); got != tc.wantGood {
				t.Errorf("ecdsa.VerifyASN1 = %v, want %v", got, tc.wantGood)
			}
			policies := map[string]verify.ArtifactPolicy{
				"WithoutArtifactUnsafe": verify.WithoutArtifactUnsafe(),
				"WithArtifactDigest":    verify.WithArtifactDigest(f.artifact),
			}
			for name, p := range policies {
				_, err := f.verifier.VerifyEnvelope(ctx, tc.env, p)
				if (err == nil) != tc.wantGood {
					t.Errorf("VerifyEnvelope(%s) error = %v, want success %v", name, err, tc.wantGood)
				}
			}
			parsed, err := attest.ParseEnvelope(tc.envJSON)
			if err != nil {
				t.Fatalf("ParseEnvelope: %v", err)
			}
			if !bytes.Equal(parsed.Payload, tc.env.Payload) {
				t.Error("ParseEnvelope changed the payload")
			}
			var sslEnv ssldsse.Envelope
			if err := json.Unmarshal(tc.envJSON, &sslEnv); err != nil {
				t.Fatal(err)
			}
			accepted, err := ev.Verify(ctx, &sslEnv)
			if (err == nil) != tc.wantGood || (tc.wantGood && len(accepted) != 1) {
				t.Errorf("go-securesystemslib Verify = %d keys, %v; want success %v", len(accepted), err, tc.wantGood)
			}
		})
	}
	// A subject that is not in the statement must fail.
	wrong, err := digest.FromBytes([]byte("something else"), digest.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.verifier.VerifyEnvelope(ctx, f.env, verify.WithArtifactDigest(wrong)); err == nil {
		t.Error("VerifyEnvelope accepted an artifact that is no subject")
	}
}

// loop runs body in a b.Loop, reports allocations, and reports the CPU
// time (user + system, GC included) per operation as cpu-ns/op. On a
// machine shared with other work the CPU time is much steadier than the
// wall time (sec/op), which counts the time the benchmark waited for a
// core.
func loop(b *testing.B, body func()) {
	b.Helper()
	b.ReportAllocs()
	start := cpuTime()
	n := 0
	for b.Loop() {
		body()
		n++
	}
	if used := cpuTime() - start; used > 0 && n > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}

// --- signing -------------------------------------------------------------

// BenchmarkECDSASignDirect is the floor: SHA-256 of the PAE bytes and
// ecdsa.SignASN1 (PAE built once, outside the loop).
func BenchmarkECDSASignDirect(b *testing.B) {
	f := newFixture(b)
	loop(b, func() {
		sum := sha256.Sum256(f.pae)
		if _, err := ecdsa.SignASN1(rand.Reader, f.key, sum[:]); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkDSSESign is sign.Envelope with a sign.KeySigner over the same
// payload: PAE, hash, sign, build the envelope.
func BenchmarkDSSESign(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	loop(b, func() {
		if _, err := sign.Envelope(ctx, attest.PayloadType, f.payload, f.signer); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSSLibDSSESign is the anchor: go-securesystemslib's
// EnvelopeSigner with its ECDSA signer (which also base64-encodes).
func BenchmarkSSLibDSSESign(b *testing.B) {
	f := newFixture(b)
	es, err := ssldsse.NewEnvelopeSigner(f.sslSV)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	loop(b, func() {
		if _, err := es.SignPayload(ctx, attest.PayloadType, f.payload); err != nil {
			b.Fatal(err)
		}
	})
}

// --- verification --------------------------------------------------------

// BenchmarkECDSAVerifyDirect is the floor: SHA-256 of the PAE bytes and
// ecdsa.VerifyASN1 (PAE built once, outside the loop).
func BenchmarkECDSAVerifyDirect(b *testing.B) {
	f := newFixture(b)
	loop(b, func() {
		sum := sha256.Sum256(f.pae)
		if !ecdsa.VerifyASN1(&f.key.PublicKey, sum[:], f.sig) {
			b.Fatal("signature does not verify")
		}
	})
}

// BenchmarkDSSEVerify is Verifier.VerifyEnvelope on a parsed envelope
// without an artifact check: payload type, signature, threshold, and the
// strict decoding of the in-toto statement.
func BenchmarkDSSEVerify(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	loop(b, func() {
		if _, err := f.verifier.VerifyEnvelope(ctx, f.env, verify.WithoutArtifactUnsafe()); err != nil {
			b.Fatal(err)
		}
	})
}

// rawPayloadType is the payload type of the signature-only envelope.
const rawPayloadType = "application/octet-stream"

// BenchmarkDSSEVerifySignatureOnly is Verifier.VerifyEnvelope on a parsed
// envelope whose payload type is not in-toto: PAE, key selection,
// signature and threshold, with no statement to decode. It does the same
// work as BenchmarkECDSAVerifyDirect plus the DSSE bookkeeping.
func BenchmarkDSSEVerifySignatureOnly(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	loop(b, func() {
		if _, err := f.rawVerifier.VerifyEnvelope(ctx, f.rawEnv, verify.WithoutArtifactUnsafe()); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkDSSEVerifyWithSubject adds the subject match against a
// caller-supplied artifact digest.
func BenchmarkDSSEVerifyWithSubject(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	loop(b, func() {
		if _, err := f.verifier.VerifyEnvelope(ctx, f.env, verify.WithArtifactDigest(f.artifact)); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkParseAndVerify starts from the envelope's JSON bytes:
// attest.ParseEnvelope (strict) and VerifyEnvelope.
func BenchmarkParseAndVerify(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	loop(b, func() {
		env, err := attest.ParseEnvelope(f.envJSON)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.verifier.VerifyEnvelope(ctx, env, verify.WithoutArtifactUnsafe()); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSSLibDSSEVerify is the anchor for BenchmarkDSSEVerify:
// go-securesystemslib's EnvelopeVerifier on an already decoded envelope
// (it base64-decodes payload and signature itself, and does not decode
// the statement).
func BenchmarkSSLibDSSEVerify(b *testing.B) {
	f := newFixture(b)
	ev, err := ssldsse.NewEnvelopeVerifier(f.sslSV)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	loop(b, func() {
		if _, err := ev.Verify(ctx, f.sslEnv); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSSLibParseAndVerify is the anchor for BenchmarkParseAndVerify:
// encoding/json into dsse.Envelope, then EnvelopeVerifier.Verify.
func BenchmarkSSLibParseAndVerify(b *testing.B) {
	f := newFixture(b)
	ev, err := ssldsse.NewEnvelopeVerifier(f.sslSV)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	loop(b, func() {
		var env ssldsse.Envelope
		if err := json.Unmarshal(f.envJSON, &env); err != nil {
			b.Fatal(err)
		}
		if _, err := ev.Verify(ctx, &env); err != nil {
			b.Fatal(err)
		}
	})
}

// --- parts, to locate overhead --------------------------------------------

// BenchmarkPartParseEnvelope is attest.ParseEnvelope alone.
func BenchmarkPartParseEnvelope(b *testing.B) {
	f := newFixture(b)
	loop(b, func() {
		if _, err := attest.ParseEnvelope(f.envJSON); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkPartParseStatement is attest.ParseStatement of the payload,
// the step VerifyEnvelope adds after the signature check.
func BenchmarkPartParseStatement(b *testing.B) {
	f := newFixture(b)
	loop(b, func() {
		if _, err := attest.ParseStatement(f.payload); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkPartStdlibUnmarshalStatement is encoding/json alone on the
// same payload, the floor for any statement decoding.
func BenchmarkPartStdlibUnmarshalStatement(b *testing.B) {
	f := newFixture(b)
	loop(b, func() {
		var st attest.Statement
		if err := json.Unmarshal(f.payload, &st); err != nil {
			b.Fatal(err)
		}
	})
}
