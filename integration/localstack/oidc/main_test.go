package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/sigstore"
)

func TestIssuer(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := &issuer{key: key, requestToken: "cred", ciEmail: "ci@example.test"}
	srv := httptest.NewServer(s.routes())
	defer srv.Close()
	s.url = srv.URL

	get := func(method, path, auth, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	check := func(tok, identity string) {
		t.Helper()
		id, err := sigstore.ParseIDToken(tok)
		if err != nil || id.Issuer != srv.URL || id.Identity() != identity || !id.EmailVerified || id.Audience[0] != "sigstore" {
			t.Fatalf("token %+v, %v", id, err)
		}
	}

	code, tok := get(http.MethodGet, "/token?email=a@example.test", "", "")
	if code != 200 {
		t.Fatalf("/token: %d", code)
	}
	check(tok, "a@example.test")

	code, body := get(http.MethodGet, "/github/token?audience=sigstore", "bearer cred", "")
	var gh struct{ Value string }
	if code != 200 || json.Unmarshal([]byte(body), &gh) != nil {
		t.Fatalf("/github/token: %d %s", code, body)
	}
	check(gh.Value, "ci@example.test")

	code, body = get(http.MethodPost, "/buildkite/jobs/1/oidc/tokens", "Token cred", `{"audience":"sigstore"}`)
	var bk struct{ Token string }
	if code != 201 || json.Unmarshal([]byte(body), &bk) != nil {
		t.Fatalf("buildkite: %d %s", code, body)
	}
	check(bk.Token, "ci@example.test")

	for _, c := range []struct{ method, path, auth string }{
		{http.MethodGet, "/github/token", ""},
		{http.MethodGet, "/github/token", "bearer wrong"},
		{http.MethodGet, "/github/token", "Token cred"},
		{http.MethodPost, "/buildkite/jobs/1/oidc/tokens", "bearer cred"},
	} {
		if code, _ := get(c.method, c.path, c.auth, "{}"); code != http.StatusUnauthorized {
			t.Errorf("%s %s with %q: %d", c.method, c.path, c.auth, code)
		}
	}
}
