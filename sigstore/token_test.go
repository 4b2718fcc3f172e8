package sigstore_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/sigstore"
)

// jwt builds an unsigned-looking compact JWT with the given claims JSON.
func jwt(claims string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"ES256"}`)) + "." + enc.EncodeToString([]byte(claims)) + "." + enc.EncodeToString([]byte("signature bytes, unchecked"))
}

var goodJWT = jwt(`{"iss":"https://issuer.example","sub":"repo:x","email":"a@example.test","email_verified":true,"aud":["sigstore","x"],"exp":1900000000,"iat":1800000000}`)

func env(kv ...string) sigstore.LookupEnvFunc {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseIDToken(t *testing.T) {
	tok, err := sigstore.ParseIDToken(goodJWT)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Issuer != "https://issuer.example" || tok.Subject != "repo:x" || tok.Email != "a@example.test" || !tok.EmailVerified ||
		len(tok.Audience) != 2 || tok.Expiry.Unix() != 1900000000 || tok.IssuedAt.Unix() != 1800000000 || tok.Identity() != "a@example.test" {
		t.Fatalf("claims %+v", tok)
	}
	if id, _ := sigstore.ParseIDToken(jwt(`{"iss":"i","sub":"s","aud":"sigstore","email_verified":"true"}`)); id == nil || id.Identity() != "s" || id.Audience[0] != "sigstore" {
		t.Fatalf("subject identity: %+v", id)
	}
	cases := []struct {
		name string
		tok  string
		is   error
	}{
		{"empty", "", sigstore.ErrNoToken},
		{"one part", "abc", sigstore.ErrToken},
		{"four parts", goodJWT + ".x", sigstore.ErrToken},
		{"many dots", strings.Repeat(".", 1000), sigstore.ErrToken},
		{"empty header", "." + strings.SplitN(goodJWT, ".", 2)[1], sigstore.ErrToken},
		{"empty claims", "a..b", sigstore.ErrToken},
		{"padded", strings.Replace(goodJWT, ".", "=.", 1), sigstore.ErrToken},
		{"standard base64", jwt(`{"iss":"i","sub":"s"}`) + "+/", sigstore.ErrToken},
		{"space", "a b.c.d", sigstore.ErrToken},
		{"claims not JSON", "e30.bm90IGpzb24.c2ln", sigstore.ErrToken},
		{"claims an array", jwt(`["iss"]`), sigstore.ErrToken},
		{"duplicate iss", jwt(`{"iss":"a","iss":"b","sub":"s"}`), sigstore.ErrToken},
		{"no issuer", jwt(`{"sub":"s"}`), sigstore.ErrToken},
		{"no subject", jwt(`{"iss":"i"}`), sigstore.ErrToken},
		{"aud a number", jwt(`{"iss":"i","sub":"s","aud":5}`), sigstore.ErrToken},
		{"exp a string", jwt(`{"iss":"i","sub":"s","exp":"soon"}`), sigstore.ErrToken},
		{"exp negative", jwt(`{"iss":"i","sub":"s","exp":-1}`), sigstore.ErrToken},
		{"exp huge", jwt(`{"iss":"i","sub":"s","exp":1e300}`), sigstore.ErrToken},
		{"exp long", jwt(`{"iss":"i","sub":"s","exp":` + strings.Repeat("1", 100) + `}`), sigstore.ErrToken},
		{"too large", jwt(`{"iss":"i","sub":"` + strings.Repeat("s", sigstore.MaxTokenBytes) + `"}`), sigstore.ErrToken},
		{"invalid UTF-8 claims", jwt("{\"iss\":\"\xff\",\"sub\":\"s\"}"), sigstore.ErrToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sigstore.ParseIDToken(c.tok)
			if !errors.Is(err, c.is) {
				t.Fatalf("got %v, want %v", err, c.is)
			}
			if len(c.tok) > 20 && strings.Contains(err.Error(), c.tok[:20]) {
				t.Fatalf("the error quotes the token: %v", err)
			}
		})
	}
}

func FuzzParseIDToken(f *testing.F) {
	f.Add(goodJWT)
	f.Add(jwt(`{"iss":"i","sub":"s","aud":"sigstore","exp":1.5e9}`))
	f.Add("a.b.c")
	f.Add("..")
	f.Add(jwt(`{"iss":"i","iss":"j"}`))
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := sigstore.ParseIDToken(s)
		if err == nil {
			if tok.Issuer == "" || tok.Identity() == "" {
				t.Fatalf("accepted a token without issuer or identity: %+v", tok)
			}
			if strings.Count(s, ".") != 2 || len(s) > sigstore.MaxTokenBytes {
				t.Fatal("accepted a token of the wrong shape")
			}
		} else if !errors.Is(err, sigstore.ErrToken) && !errors.Is(err, sigstore.ErrNoToken) {
			t.Fatalf("untyped error %v", err)
		}
	})
}

func BenchmarkParseIDToken(b *testing.B) {
	for b.Loop() {
		if _, err := sigstore.ParseIDToken(goodJWT); err != nil {
			b.Fatal(err)
		}
	}
}

func TestStaticEnvFileTokens(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		src  sigstore.TokenSource
		ctx  context.Context
		is   error // nil: goodJWT expected
	}{
		{"static", sigstore.StaticToken(goodJWT), nil, nil},
		{"static, spaces", sigstore.StaticToken(" " + goodJWT + "\n"), nil, nil},
		{"static, empty", sigstore.StaticToken(""), nil, sigstore.ErrNoToken},
		{"static, junk", sigstore.StaticToken("hunter2"), nil, sigstore.ErrToken},
		{"static, canceled", sigstore.StaticToken(goodJWT), canceled, context.Canceled},
		{"file", sigstore.FileToken{Path: write("tok", goodJWT+"\n")}, nil, nil},
		{"file, missing", sigstore.FileToken{Path: filepath.Join(dir, "missing")}, nil, sigstore.ErrNoToken},
		{"file, empty", sigstore.FileToken{Path: write("empty", " \n")}, nil, sigstore.ErrNoToken},
		{"file, no path", sigstore.FileToken{}, nil, sigstore.ErrNoToken},
		{"file, too large", sigstore.FileToken{Path: write("large", strings.Repeat("a", sigstore.MaxTokenBytes+10))}, nil, sigstore.ErrToken},
		{"file, a directory", sigstore.FileToken{Path: dir}, nil, nil},
		{"env", sigstore.EnvToken{Name: "TOK", LookupEnv: env("TOK", goodJWT)}, nil, nil},
		{"env, unset", sigstore.EnvToken{Name: "TOK", LookupEnv: env()}, nil, sigstore.ErrNoToken},
		{"env, blank", sigstore.EnvToken{Name: "TOK", LookupEnv: env("TOK", "  ")}, nil, sigstore.ErrNoToken},
		{"env, no name", sigstore.EnvToken{}, nil, sigstore.ErrNoToken},
		{"gitlab, SIGSTORE_ID_TOKEN", sigstore.GitLabToken{LookupEnv: env(sigstore.EnvSigstoreIDToken, goodJWT, sigstore.EnvGitLabJobJWT, "junk")}, nil, nil},
		{"gitlab, CI_JOB_JWT_V2", sigstore.GitLabToken{LookupEnv: env(sigstore.EnvGitLabJobJWTV2, goodJWT, sigstore.EnvGitLabJobJWT, "junk")}, nil, nil},
		{"gitlab, CI_JOB_JWT", sigstore.GitLabToken{LookupEnv: env(sigstore.EnvGitLabJobJWT, goodJWT)}, nil, nil},
		{"gitlab, none", sigstore.GitLabToken{LookupEnv: env()}, nil, sigstore.ErrNoToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := c.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			tok, err := c.src.Token(ctx)
			if c.name == "file, a directory" {
				if err == nil {
					t.Fatal("read a directory")
				}
				return
			}
			if c.is == nil {
				if err != nil || tok != goodJWT {
					t.Fatalf("got %q, %v", tok, err)
				}
				return
			}
			if !errors.Is(err, c.is) {
				t.Fatalf("got %v, want %v", err, c.is)
			}
			noSecret(t, err, goodJWT)
		})
	}
}

// tokenServer imitates the GitHub Actions and Buildkite token endpoints.
type tokenServer struct {
	srv      *httptest.Server
	calls    atomic.Int32
	failures atomic.Int32 // answer 503 this many times first
	status   int          // answer this status (after failures), 0: success
	body     string       // answer this body instead of a token
	gotAud   atomic.Value
	gotAuth  atomic.Value
	gotPath  atomic.Value
}

const requestCredential = "request-credential-0123456789abcdef"

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{}
	ts.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.calls.Add(1)
		ts.gotAuth.Store(r.Header.Get("Authorization"))
		ts.gotPath.Store(r.URL.EscapedPath())
		aud := r.URL.Query().Get("audience")
		if r.Method == http.MethodPost {
			var req struct {
				Audience string `json:"audience"`
			}
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &req)
			aud = req.Audience
		}
		ts.gotAud.Store(aud)
		if ts.failures.Load() > 0 {
			ts.failures.Add(-1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if ts.status != 0 {
			w.WriteHeader(ts.status)
			// A server quoting the credential back must not leak it.
			io.WriteString(w, "denied: "+r.Header.Get("Authorization"))
			return
		}
		if ts.body != "" {
			io.WriteString(w, ts.body)
			return
		}
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(map[string]string{"token": goodJWT})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"count": 1, "value": goodJWT})
	}))
	t.Cleanup(ts.srv.Close)
	return ts
}

var fastRetry = sigstore.RetryPolicy{Attempts: 3, Backoff: time.Millisecond, MaxBackoff: time.Millisecond}

func TestGitHubActionsToken(t *testing.T) {
	ts := newTokenServer(t)
	e := env(sigstore.EnvGitHubRequestURL, ts.srv.URL+"/token?api-version=2.0", sigstore.EnvGitHubRequestToken, requestCredential)
	tok, err := sigstore.GitHubActionsToken{LookupEnv: e, Retry: fastRetry}.Token(context.Background())
	if err != nil || tok != goodJWT {
		t.Fatalf("got %q, %v", tok, err)
	}
	if ts.gotAud.Load() != "sigstore" || ts.gotAuth.Load() != "bearer "+requestCredential {
		t.Fatalf("audience %v, authorization %v", ts.gotAud.Load(), ts.gotAuth.Load())
	}
	if _, err := (sigstore.GitHubActionsToken{Audience: "other", LookupEnv: e}).Token(context.Background()); err != nil || ts.gotAud.Load() != "other" {
		t.Fatalf("audience: %v %v", ts.gotAud.Load(), err)
	}
	ts.failures.Store(2)
	if _, err := (sigstore.GitHubActionsToken{LookupEnv: e, Retry: fastRetry}).Token(context.Background()); err != nil {
		t.Fatalf("after two 503s: %v", err)
	}
	testTokenFailures(t, ts, func(tsURL string) sigstore.TokenSource {
		return sigstore.GitHubActionsToken{LookupEnv: env(sigstore.EnvGitHubRequestURL, tsURL, sigstore.EnvGitHubRequestToken, requestCredential), Retry: fastRetry}
	})
	for _, e := range []sigstore.LookupEnvFunc{env(), env(sigstore.EnvGitHubRequestURL, ts.srv.URL), env(sigstore.EnvGitHubRequestToken, "x")} {
		if _, err := (sigstore.GitHubActionsToken{LookupEnv: e}).Token(context.Background()); !errors.Is(err, sigstore.ErrNoToken) {
			t.Fatalf("missing variables: %v", err)
		}
	}
}

func TestBuildkiteToken(t *testing.T) {
	ts := newTokenServer(t)
	e := env(sigstore.EnvBuildkiteAccessToken, requestCredential, sigstore.EnvBuildkiteJobID, "0190a1b2-job", sigstore.EnvBuildkiteAgentEndpoint, ts.srv.URL+"/v3")
	tok, err := sigstore.BuildkiteToken{LookupEnv: e, Retry: fastRetry}.Token(context.Background())
	if err != nil || tok != goodJWT {
		t.Fatalf("got %q, %v", tok, err)
	}
	if ts.gotAud.Load() != "sigstore" || ts.gotAuth.Load() != "Token "+requestCredential || ts.gotPath.Load() != "/v3/jobs/0190a1b2-job/oidc/tokens" {
		t.Fatalf("audience %v, authorization %v, path %v", ts.gotAud.Load(), ts.gotAuth.Load(), ts.gotPath.Load())
	}
	testTokenFailures(t, ts, func(tsURL string) sigstore.TokenSource {
		return sigstore.BuildkiteToken{LookupEnv: env(sigstore.EnvBuildkiteAccessToken, requestCredential, sigstore.EnvBuildkiteJobID, "1", sigstore.EnvBuildkiteAgentEndpoint, tsURL), Retry: fastRetry}
	})
	for _, job := range []string{"job/../1", "1?x", "../..", strings.Repeat("a", 65)} {
		bad := env(sigstore.EnvBuildkiteAccessToken, requestCredential, sigstore.EnvBuildkiteJobID, job, sigstore.EnvBuildkiteAgentEndpoint, ts.srv.URL)
		if _, err := (sigstore.BuildkiteToken{LookupEnv: bad}).Token(context.Background()); !errors.Is(err, sigstore.ErrInvalidConfig) {
			t.Fatalf("job id %q: %v", job, err)
		}
	}
	if _, err := (sigstore.BuildkiteToken{LookupEnv: env(sigstore.EnvBuildkiteJobID, "1")}).Token(context.Background()); !errors.Is(err, sigstore.ErrNoToken) {
		t.Fatalf("missing variables: %v", err)
	}
}

// testTokenFailures checks the failure modes shared by the token sources
// that make requests.
func testTokenFailures(t *testing.T, ts *tokenServer, src func(url string) sigstore.TokenSource) {
	t.Helper()
	run := func(name string, setup func(), url string, check func(error)) {
		t.Run(name, func(t *testing.T) {
			ts.status, ts.body = 0, ""
			ts.failures.Store(0)
			setup()
			_, err := src(url).Token(context.Background())
			check(err)
			if err != nil && strings.Contains(err.Error(), requestCredential) {
				t.Fatalf("the error holds the request credential: %v", err)
			}
		})
	}
	service := func(kind error, status int) func(error) {
		return func(err error) {
			var se *sigstore.ServiceError
			if !errors.As(err, &se) || se.Service != sigstore.ServiceOIDC || !errors.Is(err, kind) || se.StatusCode != status {
				t.Fatalf("got %v, want an oidc %v with status %d", err, kind, status)
			}
		}
	}
	run("refused", func() { ts.status = http.StatusForbidden }, ts.srv.URL, service(sigstore.ErrRejected, 403))
	run("down", func() { ts.failures.Store(10) }, ts.srv.URL, service(sigstore.ErrUnavailable, 503))
	run("not JSON", func() { ts.body = "<html>" }, ts.srv.URL, service(sigstore.ErrBadResponse, 200))
	run("no token", func() { ts.body = `{"value":"","token":""}` }, ts.srv.URL, service(sigstore.ErrBadResponse, 200))
	run("duplicate keys", func() { ts.body = `{"value":"a","value":"b","token":"a","token":"b"}` }, ts.srv.URL, service(sigstore.ErrBadResponse, 200))
	run("too large", func() { ts.body = `{"value":"` + strings.Repeat("a", 3*sigstore.MaxTokenBytes) + `"}` }, ts.srv.URL, service(sigstore.ErrBadResponse, 200))
	run("a junk token", func() { ts.body = `{"value":"junk","token":"junk"}` }, ts.srv.URL, func(err error) {
		if !errors.Is(err, sigstore.ErrToken) {
			t.Fatalf("got %v", err)
		}
	})
	invalid := func(err error) {
		if !errors.Is(err, sigstore.ErrInvalidConfig) {
			t.Fatalf("got %v, want ErrInvalidConfig", err)
		}
	}
	run("plain http to a remote host", func() {}, "http://token.example.test/x", invalid)
	run("not a URL", func() {}, "::", invalid)
}

func TestAmbientToken(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "oidc-token")
	if err := os.WriteFile(file, []byte(goodJWT), 0o600); err != nil {
		t.Fatal(err)
	}
	absent := filepath.Join(dir, "absent")
	gh := []string{sigstore.EnvGitHubRequestURL, "https://gh.example/x", sigstore.EnvGitHubRequestToken, "t"}
	bk := []string{sigstore.EnvBuildkiteAccessToken, "t", sigstore.EnvBuildkiteJobID, "1"}
	cases := []struct {
		name string
		env  []string
		file string
		want string
	}{
		{"nothing", nil, absent, ""},
		{"SIGSTORE_ID_TOKEN wins", append(append([]string{sigstore.EnvSigstoreIDToken, goodJWT}, gh...), bk...), file, sigstore.ProviderEnv},
		{"github actions", append(append([]string(nil), gh...), bk...), file, sigstore.ProviderGitHubActions},
		{"github actions needs both variables", append([]string{sigstore.EnvGitHubRequestURL, "https://gh.example"}, bk...), absent, sigstore.ProviderBuildkite},
		{"buildkite", bk, file, sigstore.ProviderBuildkite},
		{"gitlab legacy", []string{sigstore.EnvGitLabJobJWTV2, goodJWT}, file, sigstore.ProviderGitLab},
		{"file", nil, file, sigstore.ProviderFile},
		{"a directory is not a token file", nil, dir, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := sigstore.AmbientToken{LookupEnv: env(c.env...), TokenFile: c.file}
			src, name, err := a.Detect()
			if c.want == "" {
				if !errors.Is(err, sigstore.ErrNoToken) || src != nil {
					t.Fatalf("got %v, %q, %v", src, name, err)
				}
				if _, err := a.Token(context.Background()); !errors.Is(err, sigstore.ErrNoToken) {
					t.Fatalf("Token: %v", err)
				}
				return
			}
			if err != nil || name != c.want {
				t.Fatalf("got %q, %v; want %q", name, err, c.want)
			}
		})
	}
	tok, err := sigstore.AmbientToken{LookupEnv: env(), TokenFile: file}.Token(context.Background())
	if err != nil || tok != goodJWT {
		t.Fatalf("got %q, %v", tok, err)
	}
}
