package verify_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sign/signtest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func newTrust(t testing.TB, opts ...verify.Option) *verify.Trust {
	t.Helper()
	tr, err := verify.NewTrust(opts...)
	if err != nil {
		t.Fatalf("NewTrust: %v", err)
	}
	return tr
}

// TestVerifyOneResult reads the same policy-relevant facts from a
// key-signed envelope (parsed and as JSON), a key-signed bundle (with and
// without a trusted root) and a keyless bundle, through one function and
// one Result type.
func TestVerifyOneResult(t *testing.T) {
	s := sigstoretest.Shared(t)
	keyless := s.Sign(t, sigstoretest.SignOpts{DSSE: true})
	artifact := keyless.Artifact
	payload := sigstoretest.Statement(t, artifact)
	signer := signtest.Key(t, "alice")
	pub := signtest.PublicKey(t, signer)
	env := signed(t, attest.PayloadType, payload, signer)
	envJSON, err := env.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	kb, err := bundle.FromEnvelope(env, "")
	if err != nil {
		t.Fatal(err)
	}
	logKey := sigstoretest.NewKey(t)
	logged := s.Sign(t, sigstoretest.SignOpts{DSSE: true, Key: logKey, Artifact: artifact})
	loggedPub, err := verify.NewPublicKey(logKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	id := sigstoretest.Identity(t)
	keyTrust := newTrust(t, verify.WithKeys(pub))
	for _, tc := range []struct {
		name     string
		in       verify.Input
		trust    *verify.Trust
		identity verify.IdentityPolicy
		kind     verify.SignerKind
		keyID    string
		source   verify.TimeSource
		bundle   bool
		input    []byte // the bytes Result.Input names, when known
	}{
		{"key-signed envelope", verify.FromEnvelope(env), keyTrust, verify.TrustedKeys(), verify.SignerKey, pub.ID(), verify.TimeSourceNone, false, envJSON},
		{"key-signed envelope JSON", verify.FromJSON(envJSON), keyTrust, verify.TrustedKeys(), verify.SignerKey, pub.ID(), verify.TimeSourceNone, false, envJSON},
		{"key-signed bundle", verify.FromBundle(kb), keyTrust, verify.TrustedKeys(), verify.SignerKey, pub.ID(), verify.TimeSourceNone, true, marshalBundle(t, kb)},
		{"key-signed bundle JSON", verify.FromJSON(marshalBundle(t, kb)), keyTrust, verify.TrustedKeys(), verify.SignerKey, pub.ID(), verify.TimeSourceNone, true, marshalBundle(t, kb)},
		{"key-signed bundle with a log", verify.FromBundle(logged.Bundle(t)), newTrust(t, verify.WithKeys(loggedPub), withRoot(s.Trusted)), verify.TrustedKeys(), verify.SignerKey, loggedPub.ID(), verify.TimeSourceTransparencyLog, true, nil},
		{"keyless bundle", verify.FromBundle(keyless.Bundle(t)), newTrust(t, withRoot(s.Trusted)), id, verify.SignerCertificate, "", verify.TimeSourceTransparencyLog, true, nil},
		{"keyless bundle, keys and root", verify.FromBundle(keyless.Bundle(t)), newTrust(t, verify.WithKeys(pub), withRoot(s.Trusted)), id, verify.SignerCertificate, "", verify.TimeSourceTransparencyLog, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := verify.Verify(ctx, tc.in, tc.trust, artifactOf(artifact), tc.identity)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.Statement == nil || res.Statement.PredicateType != attest.PredicateTestResult {
				t.Fatalf("statement %+v", res.Statement)
			}
			want, _ := digest.FromBytes(artifact, digest.SHA256)
			if res.Subject == nil || res.Subject.Name != "artifact.txt" || res.ArtifactDigests[string(digest.SHA256)] != want.Hex() {
				t.Fatalf("subject %+v, artifact digests %v", res.Subject, res.ArtifactDigests)
			}
			if len(res.Signers) != 1 || res.Signers[0].Kind != tc.kind || res.Signers[0].KeyID == "" || res.Signers[0].Scheme == "" {
				t.Fatalf("signers %+v", res.Signers)
			}
			if tc.keyID != "" && res.Signers[0].KeyID != tc.keyID {
				t.Fatalf("signer key %s, want %s", res.Signers[0].KeyID, tc.keyID)
			}
			if tc.kind == verify.SignerCertificate {
				if id := res.Identity(); id == nil || id.SAN != sigstoretest.SAN || id.Issuer != sigstoretest.Issuer || len(res.Signers[0].Certificate) == 0 {
					t.Fatalf("identity %+v", id)
				}
			} else if res.Identity() != nil {
				t.Fatalf("a key signer has an identity: %+v", res.Identity())
			}
			if len(res.Times) == 0 || res.Times[0].Source != tc.source {
				t.Fatalf("times %+v, want a first time from %s", res.Times, tc.source)
			}
			if tc.source == verify.TimeSourceNone && !res.Times[0].Time.IsZero() {
				t.Fatalf("an unknown time has a value: %+v", res.Times)
			}
			if res.Input.Algorithm() != digest.SHA256 || res.Input.IsZero() {
				t.Fatalf("input digest %v", res.Input)
			}
			if tc.input != nil {
				if sum := sha256.Sum256(tc.input); res.Input.Hex() != hexOf(sum[:]) {
					t.Fatalf("input digest %v, want the sha256 of the input's bytes", res.Input)
				}
			}
			if res.Bundle != tc.bundle || !res.Checked(verify.CheckSignatures) || !res.Checked(verify.CheckSubject) {
				t.Fatalf("bundle %v checks %v", res.Bundle, res.Checks)
			}
		})
	}
}

func hexOf(b []byte) string {
	d, _ := digest.New(digest.SHA256, b)
	return d.Hex()
}

// TestVerifySigningTime: a caller-vouched time is listed as such for a
// key signature, instead of the explicit none.
func TestVerifySigningTime(t *testing.T) {
	signer := signtest.Key(t, "alice")
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	trust := newTrust(t, verify.WithKeys(signtest.PublicKey(t, signer)), verify.WithSigningTime(at))
	res, err := verify.Verify(ctx, verify.FromEnvelope(statementEnv(t, blob, signer)), trust, artifactOf(blob), verify.TrustedKeys())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Times) != 1 || res.Times[0].Source != verify.TimeSourceCaller || !res.Times[0].Time.Equal(at) {
		t.Fatalf("times %+v", res.Times)
	}
}

// TestVerifyRejects: every way to call Verify without saying what to
// trust, what to check or who must have signed is rejected.
func TestVerifyRejects(t *testing.T) {
	s := sigstoretest.Shared(t)
	alice, bob := signtest.Key(t, "alice"), signtest.Key(t, "bob")
	pa, pb := signtest.PublicKey(t, alice), signtest.PublicKey(t, bob)
	env := statementEnv(t, blob, alice)
	keyless := s.Sign(t, sigstoretest.SignOpts{DSSE: true})
	keys2 := newTrust(t, verify.WithKeys(pa, pb))
	rootOnly := newTrust(t, withRoot(s.Trusted))
	bobOnly := keyPolicy(t, pb)
	logKey := sigstoretest.NewKey(t)
	logged := s.Sign(t, sigstoretest.SignOpts{DSSE: true, Key: logKey})
	loggedPub, err := verify.NewPublicKey(logKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		in       verify.Input
		trust    *verify.Trust
		art      verify.ArtifactPolicy
		identity verify.IdentityPolicy
		want     error
	}{
		{"nil trust", verify.FromEnvelope(env), nil, artifactOf(blob), verify.TrustedKeys(), verify.ErrNotInitialized},
		{"zero trust", verify.FromEnvelope(env), &verify.Trust{}, artifactOf(blob), verify.TrustedKeys(), verify.ErrNotInitialized},
		{"zero input", verify.Input{}, keys2, artifactOf(blob), verify.TrustedKeys(), verify.ErrMalformed},
		{"nil envelope", verify.FromEnvelope(nil), keys2, artifactOf(blob), verify.TrustedKeys(), verify.ErrMalformed},
		{"zero bundle", verify.FromBundle(&bundle.Bundle{}), keys2, artifactOf(blob), verify.TrustedKeys(), verify.ErrMalformed},
		{"not JSON", verify.FromJSON([]byte("{")), keys2, artifactOf(blob), verify.TrustedKeys(), verify.ErrMalformed},
		{"zero identity policy", verify.FromEnvelope(env), keys2, artifactOf(blob), verify.IdentityPolicy{}, verify.ErrIdentityPolicy},
		{"zero artifact policy", verify.FromEnvelope(env), keys2, verify.ArtifactPolicy{}, verify.TrustedKeys(), verify.ErrArtifactPolicy},
		{"envelope without keys", verify.FromEnvelope(env), rootOnly, artifactOf(blob), verify.TrustedKeys(), verify.ErrVerificationMaterial},
		{"envelope with a certificate identity", verify.FromEnvelope(env), keys2, artifactOf(blob), sigstoretest.Identity(t), verify.ErrVerificationMaterial},
		{"key signature without identity", verify.FromEnvelope(env), keys2, artifactOf(blob), verify.WithoutIdentityUnsafe(), verify.ErrVerificationMaterial},
		{"signed by a key the policy does not name", verify.FromEnvelope(env), keys2, artifactOf(blob), bobOnly, verify.ErrIdentity},
		{"certificate bundle without a root", verify.FromBundle(keyless.Bundle(t)), keys2, artifactOf(keyless.Artifact), sigstoretest.Identity(t), verify.ErrVerificationMaterial},
		{"certificate bundle with a key policy", verify.FromBundle(keyless.Bundle(t)), rootOnly, artifactOf(keyless.Artifact), verify.TrustedKeys(), verify.ErrVerificationMaterial},
		{"wrong artifact", verify.FromEnvelope(env), keys2, artifactOf([]byte("other")), verify.TrustedKeys(), verify.ErrSubjectMismatch},
		{"policy key outside the trust", verify.FromEnvelope(env), newTrust(t, verify.WithKeys(pb)), artifactOf(blob), keyPolicy(t, pa), verify.ErrIdentityPolicy},
		{"one of two required keys", verify.FromEnvelope(env), newTrust(t, verify.WithKeys(pa, pb), verify.WithThreshold(2)), artifactOf(blob), verify.TrustedKeys(), verify.ErrThreshold},
		{"logged bundle, one of two required keys", verify.FromBundle(logged.Bundle(t)), newTrust(t, verify.WithKeys(loggedPub, pb), verify.WithThreshold(2), withRoot(s.Trusted)), artifactOf(logged.Artifact), verify.TrustedKeys(), verify.ErrThreshold},
		{"logged bundle, policy key outside the trust", verify.FromBundle(logged.Bundle(t)), newTrust(t, verify.WithKeys(pb), withRoot(s.Trusted)), artifactOf(logged.Artifact), keyPolicy(t, loggedPub), verify.ErrIdentityPolicy},
		{"logged bundle, another trusted key", verify.FromBundle(logged.Bundle(t)), newTrust(t, verify.WithKeys(pb), withRoot(s.Trusted)), artifactOf(logged.Artifact), verify.TrustedKeys(), verify.ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := verify.Verify(ctx, tc.in, tc.trust, tc.art, tc.identity)
			wantErr(t, res, err, tc.want)
		})
	}
}

// keyPolicy is NewKeyPolicy(k).
func keyPolicy(t testing.TB, k *verify.PublicKey) verify.IdentityPolicy {
	t.Helper()
	p, err := verify.NewKeyPolicy(k)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestNewTrustRejects: conflicting or inapplicable options fail when the
// trust is built.
func TestNewTrustRejects(t *testing.T) {
	s := sigstoretest.Shared(t)
	pa := signtest.PublicKey(t, signtest.Key(t, "alice"))
	for _, tc := range []struct {
		name string
		opts []verify.Option
	}{
		{"nothing", nil},
		{"nil option", []verify.Option{nil}},
		{"no keys", []verify.Option{verify.WithKeys()}},
		{"threshold without keys", []verify.Option{withRoot(s.Trusted), verify.WithThreshold(1)}},
		{"threshold above the keys", []verify.Option{verify.WithKeys(pa), verify.WithThreshold(2)}},
		{"key twice", []verify.Option{verify.WithKeys(pa, pa)}},
		{"authority option without an authority", []verify.Option{verify.WithKeys(pa), verify.WithClock(time.Now)}},
		{"nil authority", []verify.Option{verify.WithAuthority(nil)}},
		{"nil authority pointer", []verify.Option{verify.WithAuthority((*sigstore.Authority)(nil))}},
		{"authority twice", []verify.Option{withRoot(s.Trusted), withRoot(s.Trusted)}},
		{"zero signing time", []verify.Option{verify.WithKeys(pa), verify.WithSigningTime(time.Time{})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tr, err := verify.NewTrust(tc.opts...); !errors.Is(err, verify.ErrInvalidOptions) {
				t.Fatalf("NewTrust = %v, %v; want ErrInvalidOptions", tr, err)
			}
		})
	}
	// The lower-level constructors take their trust as arguments, and
	// never silently ignore an option.
	for name, err := range map[string]error{
		"NewVerifier with an authority option": second(verify.NewVerifier([]*verify.PublicKey{pa}, verify.WithMinBundleVersion("v0.3"))),
		"NewVerifier with WithKeys":            second(verify.NewVerifier([]*verify.PublicKey{pa}, verify.WithKeys(pa))),
		"NewVerifier with WithAuthority":       second(verify.NewVerifier([]*verify.PublicKey{pa}, withRoot(s.Trusted))),
		"NewAuthority with no trusted root":    second(sigstore.NewAuthority(nil)),
		"NewAuthority with a nil option":       second(sigstore.NewAuthority(s.Trusted, nil)),
	} {
		if !errors.Is(err, verify.ErrInvalidOptions) {
			t.Errorf("%s: %v, want ErrInvalidOptions", name, err)
		}
	}
}

// TestVerifyResultJSON: the JSON encoding of a Result has the documented
// field names and reads back into the same facts. The golden file pins
// the encoding of a deterministic (Ed25519) key-signed envelope.
func TestVerifyResultJSON(t *testing.T) {
	signer := signtest.Ed25519Key(t, "golden")
	trust := newTrust(t, verify.WithKeys(signtest.PublicKey(t, signer)))
	res, err := verify.Verify(ctx, verify.FromEnvelope(statementEnv(t, blob, signer)), trust, artifactOf(blob), verify.TrustedKeys())
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "result-key-envelope.json")
	if os.Getenv("CHAINMAIL_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Result JSON changed (CHAINMAIL_UPDATE_GOLDEN=1 rewrites it):\n%s", got)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(got, &fields); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"input", "payloadType", "payload", "statement", "signers", "subject", "artifactDigests", "times", "checks"} {
		if _, ok := fields[f]; !ok {
			t.Errorf("no %q field", f)
		}
	}
	var back verify.Result
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("reading the JSON back: %v", err)
	}
	if back.Input != res.Input || back.Signers[0].KeyID != res.Signers[0].KeyID || back.Signers[0].Kind != verify.SignerKey ||
		back.Subject.Name != res.Subject.Name || back.Times[0].Source != verify.TimeSourceNone || !slices.Equal(back.Checks, res.Checks) {
		t.Fatalf("read back %+v, want %+v", back, res)
	}
	// Only the verification's own result says it is one.
	if !res.Verified() {
		t.Error("the result of Verify is not Verified")
	}
	copied := verify.Result{Statement: res.Statement, Signers: res.Signers, Subject: res.Subject, Times: res.Times}
	var nilResult *verify.Result
	if back.Verified() || copied.Verified() || nilResult.Verified() {
		t.Error("a Result read from JSON or written as a literal is Verified")
	}
}

// TestCompatibleSchemes: a P-384 key that signed over SHA-256 (as
// sigstore-python did for years) verifies, as in sigstore-go, and the
// signer says which scheme; a P-256 key never verifies a SHA-512
// signature, a pair outside Sigstore's algorithm registry.
func TestCompatibleSchemes(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, tc := range []struct {
		name   string
		key    *ecdsa.PrivateKey
		hash   crypto.Hash
		ok     bool
		scheme string
	}{
		{"P-384 over SHA-384", p384, crypto.SHA384, true, "PKIX_ECDSA_P384_SHA_384"},
		{"P-384 over SHA-256", p384, crypto.SHA256, true, "PKIX_ECDSA_P384_SHA_256"},
		{"P-384 over SHA-512", p384, crypto.SHA512, false, ""},
		{"P-256 over SHA-256", p256, crypto.SHA256, true, "PKIX_ECDSA_P256_SHA_256"},
		{"P-256 over SHA-512", p256, crypto.SHA512, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pub, err := verify.NewPublicKey(tc.key.Public())
			if err != nil {
				t.Fatal(err)
			}
			trust := newTrust(t, verify.WithKeys(pub))
			hash := func(b []byte) []byte { h := tc.hash.New(); h.Write(b); return h.Sum(nil) }
			// A message signature over the artifact, with the digest the
			// bundle states in the same algorithm.
			sig, err := ecdsa.SignASN1(rand.Reader, tc.key, hash(blob))
			if err != nil {
				t.Fatal(err)
			}
			alg := map[crypto.Hash]digest.Algorithm{crypto.SHA256: digest.SHA256, crypto.SHA384: digest.SHA384, crypto.SHA512: digest.SHA512}[tc.hash]
			d, _ := digest.FromBytes(blob, alg)
			mb, err := bundle.FromMessageSignature(d, sig, "")
			if err != nil {
				t.Fatal(err)
			}
			// A DSSE envelope whose PAE was hashed the same way.
			payload := signtest.Statement(t, "artifact", blob)
			pl, _ := payload.Marshal()
			esig, err := ecdsa.SignASN1(rand.Reader, tc.key, hash(attest.PAE(attest.PayloadType, pl)))
			if err != nil {
				t.Fatal(err)
			}
			env := &attest.Envelope{PayloadType: attest.PayloadType, Payload: pl, Signatures: []attest.Signature{{Sig: esig}}}
			for name, in := range map[string]verify.Input{"message": verify.FromBundle(mb), "dsse": verify.FromEnvelope(env)} {
				res, err := verify.Verify(ctx, in, trust, artifactOf(blob), verify.TrustedKeys())
				if !tc.ok {
					wantErr(t, res, err, verify.ErrSignature)
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if res.Signers[0].Scheme != tc.scheme {
					t.Fatalf("%s: scheme %s, want %s", name, res.Signers[0].Scheme, tc.scheme)
				}
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }
