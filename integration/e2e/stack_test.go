//go:build e2e

// Package e2e signs keyless against real Sigstore services running on
// loopback (integration/localstack), verifies the bundles, tampers with
// them and checks they are rejected. Run it with
//
//	integration/localstack/ci.sh            # starts the stack, runs this, stops it
//
// or, with a stack already started by start.sh:
//
//	. /tmp/chainmail-localstack/env
//	ip netns exec chainmail-ls go test -tags e2e ./integration/e2e/
//
// Without SIGSTORE_LOCAL_* variables every test skips.
package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/chainmail-dev/chainmail/sigstore"
)

// stack is the running local Sigstore stack, as start.sh describes it in
// its env file.
type stack struct {
	issuer, tokenURL        string
	requestToken, ciEmail   string
	fulcio, tsa             string
	rekorV2, rekorV1        string
	trustedRoot             root.TrustedMaterial
	ourRoot                 *sigstore.TrustedRoot // the same root, as package sigstore reads it
	trustedRootPath         string
	signingConfig, configV1 string
}

const testEmail = "alice@example.test"

func localStack(t *testing.T) *stack {
	t.Helper()
	env := func(k string) string { return os.Getenv("SIGSTORE_LOCAL_" + k) }
	if env("FULCIO_URL") == "" {
		t.Skip("no local Sigstore stack (SIGSTORE_LOCAL_* unset): run integration/localstack/ci.sh")
	}
	s := &stack{
		issuer: env("OIDC_ISSUER"), requestToken: env("OIDC_REQUEST_TOKEN"), ciEmail: env("OIDC_CI_EMAIL"),
		fulcio: env("FULCIO_URL"), tsa: env("TSA_URL"),
		rekorV2: env("REKOR_V2_URL"), rekorV1: env("REKOR_V1_URL"),
		trustedRootPath: env("TRUSTED_ROOT"), signingConfig: env("SIGNING_CONFIG"), configV1: env("SIGNING_CONFIG_V1"),
	}
	s.tokenURL = s.issuer + "/token?email=" + testEmail
	tr, err := root.NewTrustedRootFromPath(s.trustedRootPath)
	if err != nil {
		t.Fatalf("trusted root: %v", err)
	}
	s.trustedRoot = tr
	if s.ourRoot, err = sigstore.LoadTrustedRoot(s.trustedRootPath); err != nil {
		t.Fatalf("trusted root: %v", err)
	}
	return s
}

func (s *stack) needV1(t *testing.T) {
	t.Helper()
	if s.rekorV1 == "" {
		t.Skip("Rekor v1 is not running (LS_REKOR=v2)")
	}
}

func (s *stack) needV2(t *testing.T) {
	t.Helper()
	if s.rekorV2 == "" {
		t.Skip("Rekor v2 is not running (LS_REKOR=v1)")
	}
}

// mintToken gets a fresh token for email from the local issuer. query adds
// parameters; a non-empty claims JSON object is POSTed to override claims.
func (s *stack) mintToken(ctx context.Context, email, claims string) (string, error) {
	u := s.issuer + "/token?email=" + email
	method, body := http.MethodGet, io.Reader(nil)
	if claims != "" {
		method, body = http.MethodPost, strings.NewReader(claims)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token: %s", resp.Status)
	}
	return strings.TrimSpace(string(b)), nil
}

// tokens returns a TokenSource minting a fresh token for email per call.
func (s *stack) tokens(email string) sigstore.TokenSource {
	return sigstore.TokenSourceFunc(func(ctx context.Context) (string, error) { return s.mintToken(ctx, email, "") })
}

// services returns the explicit services of one signing mode.
func (s *stack) services(rekor ...int) sigstore.Services {
	svc := sigstore.Services{Fulcio: s.fulcio, TSA: []string{s.tsa}}
	for _, v := range rekor {
		switch v {
		case 1:
			svc.Rekor = append(svc.Rekor, sigstore.RekorService{URL: s.rekorV1, Version: 1})
		case 2:
			svc.Rekor = append(svc.Rekor, sigstore.RekorService{URL: s.rekorV2, Version: 2})
		}
	}
	return svc
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}
