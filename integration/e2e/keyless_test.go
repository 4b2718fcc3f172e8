//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/sigstore"
)

// mode is one way of signing: which logs, whether a TSA, blob or DSSE.
type mode struct {
	name     string
	rekor    []int // Rekor API versions to log in
	noTSA    bool  // Rekor v1 integrated time only
	noTlog   bool  // TSA only, WithoutTransparencyLogUnsafe
	dsse     bool
	fromFile string // "v2" or "v1": services from the signing config file
}

func TestKeylessModes(t *testing.T) {
	s := localStack(t)
	modes := []mode{
		{name: "blob/rekor-v2+tsa", rekor: []int{2}},
		{name: "dsse/rekor-v2+tsa", rekor: []int{2}, dsse: true},
		{name: "blob/rekor-v1+tsa", rekor: []int{1}},
		{name: "dsse/rekor-v1+tsa", rekor: []int{1}, dsse: true},
		{name: "blob/rekor-v1-integrated-time", rekor: []int{1}, noTSA: true},
		{name: "dsse/rekor-v1-integrated-time", rekor: []int{1}, noTSA: true, dsse: true},
		{name: "blob/rekor-v1+v2+tsa", rekor: []int{1, 2}},
		{name: "dsse/rekor-v1+v2+tsa", rekor: []int{1, 2}, dsse: true},
		{name: "blob/tsa-only", noTlog: true},
		{name: "blob/signing-config", fromFile: "v2"},
		{name: "dsse/signing-config", fromFile: "v2", dsse: true},
		{name: "blob/signing-config-v1", fromFile: "v1"},
	}
	// A bundle by another identity, for certificate and log entry swaps.
	other := signOther(t, s)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			for _, v := range m.rekor {
				if v == 1 {
					s.needV1(t)
				} else {
					s.needV2(t)
				}
			}
			cfg := sigstore.KeylessConfig{Token: s.tokens(testEmail), TrustedRoot: s.ourRoot}
			switch {
			case m.fromFile != "":
				path := s.signingConfig
				if m.fromFile == "v1" {
					s.needV1(t)
					path = s.configV1
				} else {
					s.needV2(t)
				}
				sc, err := sigstore.LoadSigningConfig(path)
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Services, err = sigstore.ServicesFromSigningConfig(sc, time.Now()); err != nil {
					t.Fatal(err)
				}
			default:
				cfg.Services = s.services(m.rekor...)
				if m.noTSA {
					cfg.Services.TSA = nil
				}
				cfg.WithoutTransparencyLogUnsafe = m.noTlog
			}
			k, err := sigstore.NewKeyless(cfg)
			if err != nil {
				t.Fatal(err)
			}
			w := want{issuer: s.issuer, san: testEmail, timestamps: len(cfg.Services.TSA), tlogs: len(cfg.Services.Rekor)}
			w.integrated = w.timestamps == 0
			artifact := []byte("chainmail e2e artifact " + m.name + " " + time.Now().String())
			var b *bundle.Bundle
			start := time.Now()
			if m.dsse {
				st := statementFor(t, artifact)
				b, err = k.SignStatement(ctx(t), st)
				w.subject, _ = digest.FromBytes(artifact, digest.SHA256)
			} else {
				b, err = k.SignBlob(ctx(t), bytes.NewReader(artifact))
				w.artifact = artifact
			}
			if err != nil {
				t.Fatalf("sign: %v", err)
			}
			t.Logf("signed in %v: %d timestamps, %d log entries", time.Since(start).Round(time.Millisecond), b.TimestampCount(), b.TlogEntryCount())
			if got := b.TlogEntryCount(); got != w.tlogs {
				t.Fatalf("bundle has %d log entries, want %d", got, w.tlogs)
			}
			if got := b.TimestampCount(); got != w.timestamps {
				t.Fatalf("bundle has %d timestamps, want %d", got, w.timestamps)
			}
			if b.MediaType() != bundle.MediaTypeV03 || !b.HasCertificate() || b.IsDSSE() != m.dsse {
				t.Fatalf("bundle shape: %s certificate=%v dsse=%v", b.MediaType(), b.HasCertificate(), b.IsDSSE())
			}
			// The bundle survives its JSON form.
			j, err := b.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if b, err = bundle.Parse(j); err != nil {
				t.Fatalf("re-parse: %v", err)
			}
			if err := verifyBundle(s.trustedRoot, b, w); err != nil {
				t.Fatalf("a good bundle was rejected: %v", err)
			}
			checkTampering(t, s, b, w, other)
		})
	}
}

// checkTampering checks that every kind of tampering is rejected.
func checkTampering(t *testing.T, s *stack, b *bundle.Bundle, w want, other *bundle.Bundle) {
	t.Helper()
	reject := func(name string, b *bundle.Bundle, w want) {
		t.Helper()
		if b == nil {
			return // the tampered bundle does not even parse
		}
		if err := verifyBundle(s.trustedRoot, b, w); err == nil {
			t.Errorf("tampered (%s): verified", name)
		}
	}
	// The artifact.
	wa := w
	if w.artifact != nil {
		wa.artifact = append(bytes.Clone(w.artifact), '!')
	} else {
		wa.subject, _ = digest.FromBytes([]byte("another artifact"), digest.SHA256)
	}
	reject("artifact", b, wa)
	// The expected identity and issuer.
	wi := w
	wi.san = "mallory@example.test"
	reject("identity", b, wi)
	wi = w
	wi.issuer = "https://accounts.example.test"
	reject("issuer", b, wi)
	// The signature, one bit.
	reject("signature", edit(t, b, func(pb *protobundle.Bundle) {
		if env := pb.GetDsseEnvelope(); env != nil {
			env.Signatures[0].Sig[10] ^= 1
		} else {
			pb.GetMessageSignature().Signature[10] ^= 1
		}
	}), w)
	if b.IsDSSE() {
		reject("payload", edit(t, b, func(pb *protobundle.Bundle) {
			p := pb.GetDsseEnvelope().Payload
			p[len(p)/2] ^= 1
		}), w)
		reject("payload type", edit(t, b, func(pb *protobundle.Bundle) {
			pb.GetDsseEnvelope().PayloadType = "application/json"
		}), w)
	} else {
		reject("message digest", edit(t, b, func(pb *protobundle.Bundle) {
			pb.GetMessageSignature().MessageDigest.Digest[0] ^= 1
		}), w)
	}
	// The certificate, swapped for another signing's.
	otherCert := sgproto.MustProto(other).GetVerificationMaterial().GetCertificate()
	reject("certificate swap", edit(t, b, func(pb *protobundle.Bundle) {
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_Certificate{Certificate: otherCert}
	}), w)
	wo := w
	wo.san = s.ciEmail
	reject("certificate swap, other identity expected", edit(t, b, func(pb *protobundle.Bundle) {
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_Certificate{Certificate: otherCert}
	}), wo)
	// Timestamps and log entries: removed, or taken from another signing.
	if w.timestamps > 0 {
		reject("timestamps removed", edit(t, b, func(pb *protobundle.Bundle) {
			pb.VerificationMaterial.TimestampVerificationData = nil
		}), w)
		reject("timestamp swap", edit(t, b, func(pb *protobundle.Bundle) {
			pb.VerificationMaterial.TimestampVerificationData = sgproto.MustProto(other).GetVerificationMaterial().GetTimestampVerificationData()
		}), w)
	}
	if w.tlogs > 0 {
		reject("log entries removed", edit(t, b, func(pb *protobundle.Bundle) {
			pb.VerificationMaterial.TlogEntries = nil
		}), w)
		reject("log entry swap", edit(t, b, func(pb *protobundle.Bundle) {
			pb.VerificationMaterial.TlogEntries = sgproto.MustProto(other).GetVerificationMaterial().GetTlogEntries()
		}), w)
		// A Rekor v1 entry's body is the log leaf. For Rekor v2 (0.0.2)
		// sigstore-go v1.3.0 rebuilds the leaf from the bundle and never
		// reads the body, so a changed body still verifies there: only
		// v1 bodies are tampered with here.
		for i, e := range sgproto.MustProto(b).GetVerificationMaterial().GetTlogEntries() {
			if e.GetKindVersion().GetVersion() == "0.0.2" {
				continue
			}
			reject(fmt.Sprintf("log entry %d body", i), edit(t, b, func(pb *protobundle.Bundle) {
				body := pb.VerificationMaterial.TlogEntries[i].CanonicalizedBody
				body[len(body)/2] ^= 1
			}), w)
		}
	}
}

// edit returns a copy of b changed by f, or nil if the result is not even
// a structurally valid bundle (which is a rejection too).
func edit(t *testing.T, b *bundle.Bundle, f func(*protobundle.Bundle)) *bundle.Bundle {
	t.Helper()
	pb := sgproto.MustProto(b)
	f(pb)
	nb, err := sgproto.FromProto(pb)
	if err != nil {
		return nil
	}
	return nb
}

var (
	otherOnce   sync.Once
	otherBundle *bundle.Bundle
	otherErr    error
)

// signOther signs a blob as another identity with every log and the TSA.
func signOther(t *testing.T, s *stack) *bundle.Bundle {
	t.Helper()
	otherOnce.Do(func() {
		var rekor []int
		if s.rekorV1 != "" {
			rekor = append(rekor, 1)
		}
		if s.rekorV2 != "" {
			rekor = append(rekor, 2)
		}
		k, err := sigstore.NewKeyless(sigstore.KeylessConfig{Token: s.tokens(s.ciEmail), Services: s.services(rekor...), TrustedRoot: s.ourRoot})
		if err != nil {
			otherErr = err
			return
		}
		otherBundle, otherErr = k.SignBlob(ctx(t), strings.NewReader("someone else's artifact"))
	})
	if otherErr != nil {
		t.Fatalf("signing as another identity: %v", otherErr)
	}
	return otherBundle
}

func statementFor(t *testing.T, artifact []byte) *attest.Statement {
	t.Helper()
	d, err := digest.FromBytes(artifact, digest.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	st, err := attest.NewPredicateStatement(&attest.TestResult{Result: "PASSED"}, attest.Subject("artifact.txt", d))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestKeylessTokenSources signs with each token source against the real
// issuer and Fulcio: the CI-style sources call the issuer's imitation of
// the GitHub Actions and Buildkite APIs.
func TestKeylessTokenSources(t *testing.T) {
	s := localStack(t)
	s.needV2(t)
	dir := t.TempDir()
	tok, err := s.mintToken(ctx(t), testEmail, "")
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(dir, "oidc-token")
	if err := os.WriteFile(tokenFile, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(kv ...string) sigstore.LookupEnvFunc {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	gha := env(sigstore.EnvGitHubRequestURL, s.issuer+"/github/token?api-version=2.0", sigstore.EnvGitHubRequestToken, s.requestToken)
	bk := env(sigstore.EnvBuildkiteAccessToken, s.requestToken, sigstore.EnvBuildkiteJobID, "0190-job", sigstore.EnvBuildkiteAgentEndpoint, s.issuer+"/buildkite")
	cases := []struct {
		name     string
		src      sigstore.TokenSource
		identity string
	}{
		{"static", sigstore.StaticToken(tok), testEmail},
		{"file", sigstore.FileToken{Path: tokenFile}, testEmail},
		{"env", sigstore.EnvToken{Name: "ID_TOKEN", LookupEnv: env("ID_TOKEN", tok)}, testEmail},
		{"gitlab", sigstore.GitLabToken{LookupEnv: env(sigstore.EnvSigstoreIDToken, tok)}, testEmail},
		{"github-actions", sigstore.GitHubActionsToken{LookupEnv: gha}, s.ciEmail},
		{"buildkite", sigstore.BuildkiteToken{LookupEnv: bk}, s.ciEmail},
		{"ambient/github-actions", sigstore.AmbientToken{LookupEnv: gha, TokenFile: filepath.Join(dir, "absent")}, s.ciEmail},
		{"ambient/buildkite", sigstore.AmbientToken{LookupEnv: bk, TokenFile: filepath.Join(dir, "absent")}, s.ciEmail},
		{"ambient/file", sigstore.AmbientToken{LookupEnv: env(), TokenFile: tokenFile}, testEmail},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			k, err := sigstore.NewKeyless(sigstore.KeylessConfig{Token: c.src, Services: s.services(2), TrustedRoot: s.ourRoot})
			if err != nil {
				t.Fatal(err)
			}
			artifact := []byte("token source " + c.name)
			b, err := k.SignBlob(ctx(t), bytes.NewReader(artifact))
			if err != nil {
				t.Fatalf("sign: %v", err)
			}
			w := want{artifact: artifact, issuer: s.issuer, san: c.identity, timestamps: 1, tlogs: 1}
			if err := verifyBundle(s.trustedRoot, b, w); err != nil {
				t.Fatalf("verify: %v", err)
			}
		})
	}
}

// TestKeylessFailures checks the errors real services cause: each names
// the service, none contains the token.
func TestKeylessFailures(t *testing.T) {
	s := localStack(t)
	s.needV2(t)
	fast := sigstore.RetryPolicy{Attempts: 2, Backoff: 10 * time.Millisecond}
	good, err := s.mintToken(ctx(t), testEmail, "")
	if err != nil {
		t.Fatal(err)
	}
	claims := func(js string) string {
		tok, err := s.mintToken(ctx(t), testEmail, js)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// A token signed by someone else: the issuer's header and claims, a
	// signature that does not verify.
	parts := strings.SplitN(good, ".", 3)
	forged := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	closed := "http://127.0.0.1:1"
	cases := []struct {
		name    string
		token   string
		svc     func(sigstore.Services) sigstore.Services
		service string // "" for a client-side error
		is      error
		status  bool // a 4xx status is expected
	}{
		{name: "expired token", token: claims(fmt.Sprintf(`{"exp": %d}`, time.Now().Add(-time.Minute).Unix())), is: sigstore.ErrToken},
		{name: "wrong audience", token: claims(`{"aud": "not-sigstore"}`), service: sigstore.ServiceFulcio, is: sigstore.ErrRejected, status: true},
		{name: "unverified email", token: claims(`{"email_verified": false}`), is: sigstore.ErrToken},
		{name: "forged token", token: forged, service: sigstore.ServiceFulcio, is: sigstore.ErrRejected, status: true},
		{name: "fulcio down", token: good, svc: func(v sigstore.Services) sigstore.Services { v.Fulcio = closed; return v }, service: sigstore.ServiceFulcio, is: sigstore.ErrUnavailable},
		{name: "tsa down", token: good, svc: func(v sigstore.Services) sigstore.Services { v.TSA = []string{closed + "/api/v1/timestamp"}; return v }, service: sigstore.ServiceTSA, is: sigstore.ErrUnavailable},
		{name: "tsa wrong path", token: good, svc: func(v sigstore.Services) sigstore.Services { v.TSA = []string{s.tsa + "/nope"}; return v }, service: sigstore.ServiceTSA, is: sigstore.ErrRejected, status: true},
		{name: "rekor down", token: good, svc: func(v sigstore.Services) sigstore.Services { v.Rekor[0].URL = closed; return v }, service: sigstore.ServiceRekor, is: sigstore.ErrUnavailable},
		{name: "rekor v1 API at a v2 log", token: good, svc: func(v sigstore.Services) sigstore.Services { v.Rekor[0].Version = 1; return v }, service: sigstore.ServiceRekor, is: sigstore.ErrService},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			svc := s.services(2)
			if c.svc != nil {
				svc = c.svc(svc)
			}
			k, err := sigstore.NewKeyless(sigstore.KeylessConfig{Token: sigstore.StaticToken(c.token), Services: svc, Retry: fast, TrustedRoot: s.ourRoot})
			if err != nil {
				t.Fatal(err)
			}
			_, err = k.SignBlob(ctx(t), strings.NewReader("x"))
			if err == nil {
				t.Fatal("signed")
			}
			t.Logf("error: %v", err)
			if !errors.Is(err, c.is) {
				t.Errorf("error does not match %v", c.is)
			}
			var se *sigstore.ServiceError
			switch {
			case c.service == "" && errors.As(err, &se):
				t.Errorf("client-side error reported as a service error")
			case c.service != "" && !errors.As(err, &se):
				t.Errorf("no *ServiceError")
			case c.service != "" && se.Service != c.service:
				t.Errorf("service %q, want %q", se.Service, c.service)
			case c.status && (se.StatusCode < 400 || se.StatusCode > 499):
				t.Errorf("status %d, want 4xx", se.StatusCode)
			}
			for i, p := range strings.Split(c.token, ".") {
				if len(p) >= 16 && strings.Contains(err.Error(), p) {
					t.Errorf("the error holds part %d of the token", i+1)
				}
			}
		})
	}
	t.Run("canceled", func(t *testing.T) {
		k, err := sigstore.NewKeyless(sigstore.KeylessConfig{Token: sigstore.StaticToken(good), Services: s.services(2)})
		if err != nil {
			t.Fatal(err)
		}
		c, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := k.SignBlob(c, strings.NewReader("x")); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	})
}
