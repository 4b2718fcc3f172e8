package sigstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

const alice = "alice@example.test"

// sleeps records the waits between retries instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// newKeyless makes a Keyless for the virtual Sigstore that never sleeps.
func newKeyless(t *testing.T, cfg sigstore.KeylessConfig) (*sigstore.Keyless, *sleeps) {
	t.Helper()
	k, err := sigstore.NewKeyless(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeps{}
	sigstore.SetSleep(k, s.sleep)
	return k, s
}

// independentVerify checks a bundle with sigstore-go's verifier, the
// identity and the artifact included.
func independentVerify(t *testing.T, tr root.TrustedMaterial, b *bundle.Bundle, artifact []byte, subject bool) {
	t.Helper()
	var opts []sgverify.VerifierOption
	if n := b.TimestampCount(); n > 0 {
		opts = append(opts, sgverify.WithSignedTimestamps(n))
	}
	if n := b.TlogEntryCount(); n > 0 {
		opts = append(opts, sgverify.WithTransparencyLog(n))
		if b.TimestampCount() == 0 {
			opts = append(opts, sgverify.WithIntegratedTimestamps(n))
		}
	}
	v, err := sgverify.NewVerifier(tr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	id, err := sgverify.NewShortCertificateIdentity(virtualIssuer, "", alice, "")
	if err != nil {
		t.Fatal(err)
	}
	art := sgverify.WithArtifact(bytes.NewReader(artifact))
	if subject {
		sum := sha256.Sum256(artifact)
		art = sgverify.WithArtifactDigest("sha256", sum[:])
	}
	if _, err := v.Verify(sgproto.MustSigstoreGo(b), sgverify.NewPolicy(art, sgverify.WithCertificateIdentity(id))); err != nil {
		t.Fatalf("sigstore-go rejects the bundle: %v", err)
	}
	// And a different artifact is rejected.
	other := sgverify.WithArtifact(strings.NewReader("other"))
	if subject {
		sum := sha256.Sum256([]byte("other"))
		other = sgverify.WithArtifactDigest("sha256", sum[:])
	}
	if _, err := v.Verify(sgproto.MustSigstoreGo(b), sgverify.NewPolicy(other, sgverify.WithCertificateIdentity(id))); err == nil {
		t.Fatal("sigstore-go accepts the bundle for another artifact")
	}
}

func TestKeylessModes(t *testing.T) {
	v := newVirtualSigstore(t)
	tr, ours := v.TrustedRoot(), v.Root()
	v2, v1, tsa := v.Services().Rekor[0], v.RekorV1(), v.Services().TSA
	cases := []struct {
		name   string
		rekor  []sigstore.RekorService
		tsa    []string
		noTlog bool
	}{
		{"rekor-v2+tsa", []sigstore.RekorService{v2}, tsa, false},
		{"rekor-v1+tsa", []sigstore.RekorService{v1}, tsa, false},
		{"rekor-v1, integrated time", []sigstore.RekorService{v1}, nil, false},
		{"rekor-v1+v2+tsa", []sigstore.RekorService{v1, v2}, tsa, false},
		{"tsa only", nil, tsa, true},
	}
	for _, c := range cases {
		for _, dsse := range []bool{false, true} {
			name := c.name + "/blob"
			if dsse {
				name = c.name + "/dsse"
			}
			t.Run(name, func(t *testing.T) {
				svc := sigstore.Services{Fulcio: v.Services().Fulcio, Rekor: c.rekor, TSA: c.tsa}
				k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(v.Token(alice)), Services: svc,
					TrustedRoot: ours, WithoutTransparencyLogUnsafe: c.noTlog})
				artifact := []byte("artifact of " + name)
				var (
					b   *bundle.Bundle
					err error
				)
				if dsse {
					b, err = k.SignStatement(context.Background(), sigstoretest.NewStatement(t, "artifact", artifact))
				} else {
					b, err = k.SignBlob(context.Background(), bytes.NewReader(artifact))
				}
				if err != nil {
					t.Fatal(err)
				}
				if b.TlogEntryCount() != len(c.rekor) || b.TimestampCount() != len(c.tsa) || !b.HasCertificate() || b.IsDSSE() != dsse {
					t.Fatalf("bundle: %d entries, %d timestamps, certificate %v, dsse %v", b.TlogEntryCount(), b.TimestampCount(), b.HasCertificate(), b.IsDSSE())
				}
				if b.MediaType() != bundle.MediaTypeV03 {
					t.Fatalf("media type %q", b.MediaType())
				}
				independentVerify(t, tr, b, artifact, dsse)
			})
		}
	}
}

func TestKeylessBlobContent(t *testing.T) {
	v := newVirtualSigstore(t)
	tok := v.Token(alice)
	k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(tok), Services: v.Services(), TrustedRoot: v.Root()})
	artifact := bytes.Repeat([]byte("large artifact, hashed as a stream "), 1<<15)
	b, err := k.SignBlob(context.Background(), bytes.NewReader(artifact))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := b.MessageSignature()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := digest.FromBytes(artifact, digest.SHA256)
	if ms.Digest != want {
		t.Fatalf("digest %s, want %s", ms.Digest, want)
	}
	// Fulcio got the token as a bearer credential, nothing else did.
	if _, h := v.Request(vFulcio); h.Get("Authorization") != "Bearer "+tok {
		t.Fatal("Fulcio did not get the token")
	}
	for _, s := range []string{vTSA, vRekor2} {
		if body, h := v.Request(s); h.Get("Authorization") != "" || bytes.Contains(body, []byte(tok)) {
			t.Fatalf("%s received the token", s)
		}
	}
	// SignDigest of the same digest makes an equivalent bundle.
	b2, err := k.SignDigest(context.Background(), want)
	if err != nil {
		t.Fatal(err)
	}
	independentVerify(t, v.TrustedRoot(), b2, artifact, false)
	// Only SHA-256 digests: the key is P-256.
	d512, _ := digest.FromBytes(artifact, digest.SHA512)
	if _, err := k.SignDigest(context.Background(), d512); err == nil {
		t.Fatal("a SHA-512 digest was signed")
	}
}

func TestKeylessEnvelopeBytes(t *testing.T) {
	v := newVirtualSigstore(t)
	k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(v.Token(alice)), Services: v.Services(), TrustedRoot: v.Root()})
	// An in-toto statement keeps its exact bytes.
	st, _ := sigstoretest.NewStatement(t, "artifact", []byte("x")).Marshal()
	spaced := append(append([]byte("  "), st...), '\n')
	b, err := k.SignEnvelope(context.Background(), attest.PayloadType, spaced)
	if err != nil {
		t.Fatal(err)
	}
	if env, _ := b.Envelope(); !bytes.Equal(env.Payload, spaced) {
		t.Fatal("the payload was re-encoded")
	}
	independentVerify(t, v.TrustedRoot(), b, []byte("x"), true)
	// Other payload types cannot be self-checked as statements...
	payload := []byte("{ \"not\": \"re-encoded\" }\n")
	calls := v.Calls(vFulcio)
	if _, err := k.SignEnvelope(context.Background(), "application/vnd.example+json", payload); !errors.Is(err, sigstore.ErrInvalidConfig) {
		t.Fatalf("custom payload type with a trusted root: %v", err)
	}
	if v.Calls(vFulcio) != calls {
		t.Fatal("Fulcio was contacted")
	}
	// ... but are signed without a trusted root.
	k, _ = newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(v.Token(alice)), Services: v.Services()})
	b, err = k.SignEnvelope(context.Background(), "application/vnd.example+json", payload)
	if err != nil {
		t.Fatal(err)
	}
	env, err := b.Envelope()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(env.Payload, payload) || env.PayloadType != "application/vnd.example+json" || len(env.Signatures) != 1 {
		t.Fatalf("envelope %+v", env)
	}
	if _, err := k.SignEnvelope(context.Background(), "", payload); !errors.Is(err, attest.ErrMalformed) {
		t.Fatalf("empty payload type: %v", err)
	}
	if _, err := k.SignEnvelope(context.Background(), attest.PayloadType, make([]byte, sigstore.MaxKeylessPayload+1)); !errors.Is(err, attest.ErrTooLarge) {
		t.Fatalf("oversized payload: %v", err)
	}
	if _, err := k.SignStatement(context.Background(), nil); !errors.Is(err, attest.ErrMalformed) {
		t.Fatalf("nil statement: %v", err)
	}
	if _, err := k.SignStatement(context.Background(), &attest.Statement{}); err == nil {
		t.Fatal("an invalid statement was signed")
	}
	if _, err := k.SignBlob(context.Background(), nil); err == nil {
		t.Fatal("a nil reader was signed")
	}
	if _, err := k.SignBlob(context.Background(), iotestErrReader{}); err == nil || !strings.Contains(err.Error(), "reading artifact") {
		t.Fatalf("a failing reader: %v", err)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// checkServiceError checks err is a *ServiceError of service matching
// kind, with status and attempts when non-zero, and holds no token part.
func checkServiceError(t *testing.T, err error, service string, kind error, status, attempts int, tok string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	var se *sigstore.ServiceError
	if !errors.As(err, &se) {
		t.Fatalf("%v: not a *ServiceError", err)
	}
	if se.Service != service || !errors.Is(err, sigstore.ErrService) || !errors.Is(err, kind) {
		t.Fatalf("%v: want service %s and %v", err, service, kind)
	}
	if status != 0 && se.StatusCode != status {
		t.Fatalf("%v: status %d, want %d", err, se.StatusCode, status)
	}
	if attempts != 0 && se.Attempts != attempts {
		t.Fatalf("%v: %d attempts, want %d", err, se.Attempts, attempts)
	}
	noSecret(t, err, tok)
}

func noSecret(t *testing.T, err error, tok string) {
	t.Helper()
	if tok == "" || err == nil {
		return
	}
	for i, part := range strings.Split(tok, ".") {
		if len(part) >= 16 && strings.Contains(err.Error(), part) {
			t.Fatalf("error holds part %d of the token: %v", i+1, err)
		}
	}
}

func TestKeylessRetries(t *testing.T) {
	unavailable := fault{Status: http.StatusServiceUnavailable, Body: "try later"}
	cases := []struct {
		name     string
		service  string // virtual service to fault
		faults   []fault
		rekorV1  bool
		calls    int             // requests the service gets
		sleeps   []time.Duration // waits between them
		errSvc   string          // "" if the signing succeeds
		kind     error
		status   int
		attempts int
	}{
		{name: "fulcio recovers", service: vFulcio, faults: []fault{unavailable, unavailable}, calls: 3, sleeps: []time.Duration{time.Second, 2 * time.Second}},
		{name: "fulcio 429 with Retry-After", service: vFulcio, faults: []fault{{Status: 429, Header: map[string]string{"Retry-After": "7"}}}, calls: 2, sleeps: []time.Duration{7 * time.Second}},
		{name: "Retry-After is capped", service: vFulcio, faults: []fault{{Status: 429, Header: map[string]string{"Retry-After": "3600"}}}, calls: 2, sleeps: []time.Duration{10 * time.Second}},
		{name: "fulcio stays down", service: vFulcio, faults: []fault{unavailable, unavailable, unavailable}, calls: 3, sleeps: []time.Duration{time.Second, 2 * time.Second},
			errSvc: sigstore.ServiceFulcio, kind: sigstore.ErrUnavailable, status: 503, attempts: 3},
		{name: "fulcio refuses", service: vFulcio, faults: []fault{{Status: 403, Body: `{"message":"no"}`}}, calls: 1,
			errSvc: sigstore.ServiceFulcio, kind: sigstore.ErrRejected, status: 403, attempts: 1},
		{name: "tsa recovers", service: vTSA, faults: []fault{{Status: 500}}, calls: 2, sleeps: []time.Duration{time.Second}},
		{name: "tsa stays down", service: vTSA, faults: []fault{{Status: 500}, {Status: 502}, {Status: 504}}, calls: 3, sleeps: []time.Duration{time.Second, 2 * time.Second},
			errSvc: sigstore.ServiceTSA, kind: sigstore.ErrUnavailable, status: 504, attempts: 3},
		{name: "tsa refuses", service: vTSA, faults: []fault{{Status: 400, Body: "bad request"}}, calls: 1, errSvc: sigstore.ServiceTSA, kind: sigstore.ErrRejected, status: 400},
		{name: "rekor v2 recovers", service: vRekor2, faults: []fault{{Status: 502}}, calls: 2, sleeps: []time.Duration{time.Second}},
		{name: "rekor v2 conflict", service: vRekor2, faults: []fault{{Status: 409, Body: "an equivalent entry already exists"}}, calls: 1,
			errSvc: sigstore.ServiceRekor, kind: sigstore.ErrRejected, status: 409},
		{name: "rekor v1 recovers (body replayed)", service: vRekor1, rekorV1: true, faults: []fault{{Status: 503}}, calls: 2, sleeps: []time.Duration{time.Second}},
		{name: "rekor v1 refuses", service: vRekor1, rekorV1: true, faults: []fault{{Status: 400, Body: `{"code":400,"message":"bad"}`}}, calls: 1,
			errSvc: sigstore.ServiceRekor, kind: sigstore.ErrRejected, status: 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newVirtualSigstore(t)
			svc := v.Services()
			if c.rekorV1 {
				svc.Rekor = []sigstore.RekorService{v.RekorV1()}
			}
			tok := v.Token(alice)
			k, s := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(tok), Services: svc, TrustedRoot: v.Root()})
			v.Fail(c.service, c.faults...)
			b, err := k.SignBlob(context.Background(), strings.NewReader("x"))
			if got := v.Calls(c.service); got != c.calls {
				t.Errorf("%s got %d requests, want %d", c.service, got, c.calls)
			}
			if got := s.got(); !equalDurations(got, c.sleeps) {
				t.Errorf("waits %v, want %v", got, c.sleeps)
			}
			if c.errSvc == "" {
				if err != nil {
					t.Fatal(err)
				}
				independentVerify(t, v.TrustedRoot(), b, []byte("x"), false)
				return
			}
			if b != nil {
				t.Fatal("a bundle came with an error")
			}
			checkServiceError(t, err, c.errSvc, c.kind, c.status, c.attempts, tok)
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestKeylessBadResponses(t *testing.T) {
	huge := strings.Repeat("x", sigstore.MaxResponseBytes+10)
	cases := []struct {
		name    string
		service string
		f       fault
		rekorV1 bool
		errSvc  string
	}{
		{"fulcio certifies another key", vFulcio, fault{WrongKey: true}, false, sigstore.ServiceFulcio},
		{"fulcio answers garbage", vFulcio, fault{Status: 200, Body: "<html>"}, false, sigstore.ServiceFulcio},
		{"fulcio answers no certificate", vFulcio, fault{Status: 200, Body: `{"signedCertificateEmbeddedSct":{"chain":{"certificates":[]}}}`}, false, sigstore.ServiceFulcio},
		{"fulcio answers a non-certificate", vFulcio, fault{Status: 200, Body: `{"signedCertificateEmbeddedSct":{"chain":{"certificates":["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]}}}`}, false, sigstore.ServiceFulcio},
		{"fulcio answers too much", vFulcio, fault{Status: 200, Body: huge}, false, sigstore.ServiceFulcio},
		{"tsa answers garbage", vTSA, fault{Status: 200, Body: "not DER"}, false, sigstore.ServiceTSA},
		{"rekor v2 answers garbage", vRekor2, fault{Status: 201, Body: "{"}, false, sigstore.ServiceRekor},
		{"rekor v2 answers too much", vRekor2, fault{Status: 201, Body: huge}, false, sigstore.ServiceRekor},
		{"rekor v2 answers 200", vRekor2, fault{Status: 200, Body: "{}"}, false, sigstore.ServiceRekor},
		{"rekor v1 answers garbage", vRekor1, fault{Status: 201, Body: "[]"}, true, sigstore.ServiceRekor},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newVirtualSigstore(t)
			svc := v.Services()
			if c.rekorV1 {
				svc.Rekor = []sigstore.RekorService{v.RekorV1()}
			}
			tok := v.Token(alice)
			k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(tok), Services: svc})
			v.Fail(c.service, c.f)
			b, err := k.SignBlob(context.Background(), strings.NewReader("x"))
			if b != nil {
				t.Fatal("a bundle came with an error")
			}
			checkServiceError(t, err, c.errSvc, sigstore.ErrBadResponse, 0, 0, tok)
		})
	}
}

func TestKeylessSelfCheck(t *testing.T) {
	v := newVirtualSigstore(t)
	stranger := newVirtualSigstore(t)
	k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(v.Token(alice)), Services: v.Services(), TrustedRoot: stranger.Root()})
	b, err := k.SignBlob(context.Background(), strings.NewReader("x"))
	if !errors.Is(err, sigstore.ErrSelfCheck) || b != nil {
		t.Fatalf("got %v, %v; want ErrSelfCheck and no bundle", b, err)
	}
	// The verifier's reason, said once under the self-check's.
	if !errors.Is(err, verify.ErrUnverified) || strings.Contains(err.Error(), "verify: ") || strings.Count(err.Error(), "sigstore: ") != 1 {
		t.Errorf("self-check error %q", err)
	}
	// Without a trusted root the same services sign.
	k, _ = newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(v.Token(alice)), Services: v.Services()})
	if _, err := k.SignBlob(context.Background(), strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
}

// TestAdversarial_C110_TokenErrors: every token failure is typed, and the
// token never appears in the error (noSecret).
func TestAdversarial_C110_TokenErrors(t *testing.T) {
	v := newVirtualSigstore(t)
	expired := v.Token(alice, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Second).Unix() })
	unverified := v.Token(alice, func(c map[string]any) { c["email_verified"] = false })
	wrongAud := v.Token(alice, func(c map[string]any) { c["aud"] = "other" })
	srcErr := errors.New("vault sealed")
	cases := []struct {
		name   string
		src    sigstore.TokenSource
		is     error
		fulcio bool // the error comes from Fulcio
		secret string
	}{
		{"expired", sigstore.StaticToken(expired), sigstore.ErrToken, false, expired},
		{"unverified email", sigstore.StaticToken(unverified), sigstore.ErrToken, false, unverified},
		{"not a JWT", sigstore.StaticToken("opaque-access-token"), sigstore.ErrToken, false, ""},
		{"empty", sigstore.StaticToken(""), sigstore.ErrNoToken, false, ""},
		{"source fails", sigstore.TokenSourceFunc(func(context.Context) (string, error) { return "", srcErr }), srcErr, false, ""},
		{"source returns junk", sigstore.TokenSourceFunc(func(context.Context) (string, error) { return "a.b", nil }), sigstore.ErrToken, false, ""},
		{"fulcio refuses the audience", sigstore.StaticToken(wrongAud), sigstore.ErrRejected, true, wrongAud},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, _ := newKeyless(t, sigstore.KeylessConfig{Token: c.src, Services: v.Services()})
			calls := v.Calls(vFulcio)
			_, err := k.SignBlob(context.Background(), strings.NewReader("x"))
			if !errors.Is(err, c.is) {
				t.Fatalf("got %v, want %v", err, c.is)
			}
			var se *sigstore.ServiceError
			if errors.As(err, &se) != c.fulcio {
				t.Fatalf("%v: service error %v, want %v", err, se != nil, c.fulcio)
			}
			if !c.fulcio && v.Calls(vFulcio) != calls {
				t.Fatal("Fulcio was contacted")
			}
			noSecret(t, err, c.secret)
		})
	}
}

func TestKeylessClock(t *testing.T) {
	v := newVirtualSigstore(t)
	tok := v.Token(alice) // expires in ten minutes
	later := func() time.Time { return time.Now().Add(time.Hour) }
	k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(tok), Services: v.Services(), Now: later})
	if _, err := k.SignBlob(context.Background(), strings.NewReader("x")); !errors.Is(err, sigstore.ErrToken) {
		t.Fatalf("got %v, want an expired token", err)
	}
}

func TestKeylessContext(t *testing.T) {
	v := newVirtualSigstore(t)
	tok := v.Token(alice)
	t.Run("canceled before", func(t *testing.T) {
		k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(tok), Services: v.Services()})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		calls := v.Calls(vFulcio)
		if _, err := k.SignBlob(ctx, strings.NewReader("x")); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if v.Calls(vFulcio) != calls {
			t.Fatal("Fulcio was contacted")
		}
	})
	t.Run("canceled while waiting to retry", func(t *testing.T) {
		k, err := sigstore.NewKeyless(sigstore.KeylessConfig{Token: sigstore.StaticToken(tok), Services: v.Services()})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		sigstore.SetSleep(k, func(c context.Context, _ time.Duration) error { cancel(); <-c.Done(); return c.Err() })
		v.Fail(vTSA, fault{Status: 503})
		_, err = k.SignBlob(ctx, strings.NewReader("x"))
		checkServiceError(t, err, sigstore.ServiceTSA, context.Canceled, 503, 1, tok)
	})
	t.Run("attempt timeout", func(t *testing.T) {
		k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(tok), Services: v.Services(),
			Retry: sigstore.RetryPolicy{Attempts: 2, AttemptTimeout: 20 * time.Millisecond}})
		v.Fail(vRekor2, fault{Delay: time.Second}, fault{Delay: time.Second})
		_, err := k.SignBlob(context.Background(), strings.NewReader("x"))
		checkServiceError(t, err, sigstore.ServiceRekor, sigstore.ErrUnavailable, 0, 2, tok)
	})
	t.Run("caller deadline", func(t *testing.T) {
		k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(tok), Services: v.Services()})
		v.Fail(vFulcio, fault{Delay: 5 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := k.SignBlob(ctx, strings.NewReader("x"))
		checkServiceError(t, err, sigstore.ServiceFulcio, context.DeadlineExceeded, 0, 1, tok)
	})
}

func TestNewKeylessConfig(t *testing.T) {
	v := newVirtualSigstore(t)
	good := v.Services()
	tok := sigstore.StaticToken("x")
	with := func(f func(*sigstore.KeylessConfig)) sigstore.KeylessConfig {
		c := sigstore.KeylessConfig{Token: tok, Services: sigstore.Services{Fulcio: good.Fulcio, Rekor: good.Rekor, TSA: good.TSA}}
		f(&c)
		return c
	}
	cases := []struct {
		name string
		cfg  sigstore.KeylessConfig
		ok   bool
	}{
		{"good", with(func(*sigstore.KeylessConfig) {}), true},
		{"zero", sigstore.KeylessConfig{}, false},
		{"no token source", with(func(c *sigstore.KeylessConfig) { c.Token = nil }), false},
		{"no fulcio", with(func(c *sigstore.KeylessConfig) { c.Services.Fulcio = "" }), false},
		{"fulcio not a URL", with(func(c *sigstore.KeylessConfig) { c.Services.Fulcio = "fulcio.example" }), false},
		{"fulcio ftp", with(func(c *sigstore.KeylessConfig) { c.Services.Fulcio = "ftp://fulcio.example" }), false},
		{"fulcio with credentials", with(func(c *sigstore.KeylessConfig) { c.Services.Fulcio = "https://u:p@fulcio.example" }), false},
		{"fulcio with query", with(func(c *sigstore.KeylessConfig) { c.Services.Fulcio = "https://fulcio.example/?x=1" }), false},
		{"rekor version 3", with(func(c *sigstore.KeylessConfig) {
			c.Services.Rekor = []sigstore.RekorService{{URL: good.Fulcio, Version: 3}}
		}), false},
		{"rekor version 0", with(func(c *sigstore.KeylessConfig) { c.Services.Rekor = []sigstore.RekorService{{URL: good.Fulcio}} }), false},
		{"rekor bad URL", with(func(c *sigstore.KeylessConfig) { c.Services.Rekor = []sigstore.RekorService{{URL: "::", Version: 1}} }), false},
		{"rekor v2 without tsa", with(func(c *sigstore.KeylessConfig) { c.Services.TSA = nil }), false},
		{"rekor v1 without tsa", with(func(c *sigstore.KeylessConfig) {
			c.Services.TSA = nil
			c.Services.Rekor = []sigstore.RekorService{v.RekorV1()}
		}), true},
		{"tsa bad URL", with(func(c *sigstore.KeylessConfig) { c.Services.TSA = []string{"nope"} }), false},
		{"no rekor", with(func(c *sigstore.KeylessConfig) { c.Services.Rekor = nil }), false},
		{"no rekor, unsafe", with(func(c *sigstore.KeylessConfig) { c.Services.Rekor = nil; c.WithoutTransparencyLogUnsafe = true }), true},
		{"no rekor, no tsa, unsafe", with(func(c *sigstore.KeylessConfig) {
			c.Services.Rekor, c.Services.TSA, c.WithoutTransparencyLogUnsafe = nil, nil, true
		}), false},
		{"log twice", with(func(c *sigstore.KeylessConfig) {
			c.Services.Rekor = []sigstore.RekorService{v.RekorV1(), {URL: v.RekorV1().URL + "/", Version: 1}}
		}), false},
		{"tsa twice", with(func(c *sigstore.KeylessConfig) { c.Services.TSA = append(c.Services.TSA, c.Services.TSA[0]) }), false},
		{"too many logs", with(func(c *sigstore.KeylessConfig) {
			for i := range sigstore.MaxServices {
				c.Services.Rekor = append(c.Services.Rekor, sigstore.RekorService{URL: fmt.Sprintf("https://rekor%d.example", i), Version: 1})
			}
		}), false},
		{"retry attempts 1", with(func(c *sigstore.KeylessConfig) { c.Retry.Attempts = 1 }), true},
		{"retry attempts -1", with(func(c *sigstore.KeylessConfig) { c.Retry.Attempts = -1 }), false},
		{"retry attempts 11", with(func(c *sigstore.KeylessConfig) { c.Retry.Attempts = sigstore.MaxAttempts + 1 }), false},
		{"negative backoff", with(func(c *sigstore.KeylessConfig) { c.Retry.Backoff = -time.Second }), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := sigstore.NewKeyless(c.cfg)
			if c.ok != (err == nil) || (k == nil) == (err == nil) {
				t.Fatalf("got %v, %v", k, err)
			}
			if err != nil && !errors.Is(err, sigstore.ErrInvalidConfig) {
				t.Fatalf("%v does not match ErrInvalidConfig", err)
			}
		})
	}
}

func TestKeylessZeroValue(t *testing.T) {
	var zero sigstore.Keyless
	var null *sigstore.Keyless
	for _, k := range []*sigstore.Keyless{&zero, null} {
		if _, err := k.SignBlob(context.Background(), strings.NewReader("x")); !errors.Is(err, sigstore.ErrInvalidConfig) {
			t.Fatalf("SignBlob: %v", err)
		}
		if _, err := k.SignEnvelope(context.Background(), "t", nil); !errors.Is(err, sigstore.ErrInvalidConfig) {
			t.Fatalf("SignEnvelope: %v", err)
		}
		if _, err := k.SignStatement(context.Background(), sigstoretest.NewStatement(t, "artifact", []byte("x"))); !errors.Is(err, sigstore.ErrInvalidConfig) {
			t.Fatalf("SignStatement: %v", err)
		}
	}
}

// TestKeylessBundleMutations flips every byte of a keyless bundle's
// signature and checks that sigstore-go rejects each.
func TestKeylessBundleMutations(t *testing.T) {
	v := newVirtualSigstore(t)
	k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.StaticToken(v.Token(alice)), Services: v.Services(), TrustedRoot: v.Root()})
	artifact := []byte("mutation target")
	b, err := k.SignBlob(context.Background(), bytes.NewReader(artifact))
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := sgverify.NewVerifier(v.TrustedRoot(), sgverify.WithSignedTimestamps(1), sgverify.WithTransparencyLog(1))
	if err != nil {
		t.Fatal(err)
	}
	policy := func() sgverify.PolicyBuilder {
		return sgverify.NewPolicy(sgverify.WithArtifact(bytes.NewReader(artifact)), sgverify.WithoutIdentitiesUnsafe())
	}
	if _, err := verifier.Verify(sgproto.MustSigstoreGo(b), policy()); err != nil {
		t.Fatal(err)
	}
	sig := sgproto.MustProto(b).GetMessageSignature().GetSignature()
	for i := range sig {
		pb := sgproto.MustProto(b)
		pb.GetMessageSignature().Signature[i] ^= 0x01
		nb, err := sgproto.FromProto(pb)
		if err != nil {
			continue
		}
		if _, err := verifier.Verify(sgproto.MustSigstoreGo(nb), policy()); err == nil {
			t.Fatalf("signature byte %d flipped: verified", i)
		}
	}
}

func TestKeylessConcurrent(t *testing.T) {
	v := newVirtualSigstore(t)
	k, _ := newKeyless(t, sigstore.KeylessConfig{Token: sigstore.TokenSourceFunc(func(context.Context) (string, error) { return v.Token(alice), nil }),
		Services: v.Services(), TrustedRoot: v.Root()})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := k.SignBlob(context.Background(), strings.NewReader(strings.Repeat("x", i)))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func BenchmarkKeylessSignBlob(b *testing.B) {
	v := newVirtualSigstore(b)
	k, err := sigstore.NewKeyless(sigstore.KeylessConfig{Token: sigstore.StaticToken(v.Token(alice)), Services: v.Services()})
	if err != nil {
		b.Fatal(err)
	}
	artifact := bytes.Repeat([]byte{'x'}, 1<<20)
	b.SetBytes(int64(len(artifact)))
	for b.Loop() {
		if _, err := k.SignBlob(context.Background(), bytes.NewReader(artifact)); err != nil {
			b.Fatal(err)
		}
	}
}
