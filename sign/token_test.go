package sign_test

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

	"github.com/chainmail-dev/chainmail/sign"
)

// jwt builds an unsigned-looking compact JWT with the given claims JSON.
func jwt(claims string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"ES256"}`)) + "." + enc.EncodeToString([]byte(claims)) + "." + enc.EncodeToString([]byte("signature bytes, unchecked"))
}

var goodJWT = jwt(`{"iss":"https://issuer.example","sub":"repo:x","email":"a@example.test","email_verified":true,"aud":["sigstore","x"],"exp":1900000000,"iat":1800000000}`)

func env(kv ...string) sign.LookupEnvFunc {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseIDToken(t *testing.T) {
	tok, err := sign.ParseIDToken(goodJWT)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Issuer != "https://issuer.example" || tok.Subject != "repo:x" || tok.Email != "a@example.test" || !tok.EmailVerified ||
		len(tok.Audience) != 2 || tok.Expiry.Unix() != 1900000000 || tok.IssuedAt.Unix() != 1800000000 || tok.Identity() != "a@example.test" {
		t.Fatalf("claims %+v", tok)
	}
	if id, _ := sign.ParseIDToken(jwt(`{"iss":"i","sub":"s","aud":"sigstore","email_verified":"true"}`)); id == nil || id.Identity() != "s" || id.Audience[0] != "sigstore" {
		t.Fatalf("subject identity: %+v", id)
	}
	cases := []struct {
		name string
		tok  string
		is   error
	}{
		{"empty", "", sign.ErrNoToken},
		{"one part", "abc", sign.ErrToken},
		{"four parts", goodJWT + ".x", sign.ErrToken},
		{"many dots", strings.Repeat(".", 1000), sign.ErrToken},
		{"empty header", "." + strings.SplitN(goodJWT, ".", 2)[1], sign.ErrToken},
		{"empty claims", "a..b", sign.ErrToken},
		{"padded", strings.Replace(goodJWT, ".", "=.", 1), sign.ErrToken},
		{"standard base64", jwt(`{"iss":"i","sub":"s"}`) + "+/", sign.ErrToken},
		{"space", "a b.c.d", sign.ErrToken},
		{"claims not JSON", "e30.bm90IGpzb24.c2ln", sign.ErrToken},
		{"claims an array", jwt(`["iss"]`), sign.ErrToken},
		{"duplicate iss", jwt(`{"iss":"a","iss":"b","sub":"s"}`), sign.ErrToken},
		{"no issuer", jwt(`{"sub":"s"}`), sign.ErrToken},
		{"no subject", jwt(`{"iss":"i"}`), sign.ErrToken},
		{"aud a number", jwt(`{"iss":"i","sub":"s","aud":5}`), sign.ErrToken},
		{"exp a string", jwt(`{"iss":"i","sub":"s","exp":"soon"}`), sign.ErrToken},
		{"exp negative", jwt(`{"iss":"i","sub":"s","exp":-1}`), sign.ErrToken},
		{"exp huge", jwt(`{"iss":"i","sub":"s","exp":1e300}`), sign.ErrToken},
		{"exp long", jwt(`{"iss":"i","sub":"s","exp":` + strings.Repeat("1", 100) + `}`), sign.ErrToken},
		{"too large", jwt(`{"iss":"i","sub":"` + strings.Repeat("s", sign.MaxTokenBytes) + `"}`), sign.ErrToken},
		{"invalid UTF-8 claims", jwt("{\"iss\":\"\xff\",\"sub\":\"s\"}"), sign.ErrToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sign.ParseIDToken(c.tok)
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
		tok, err := sign.ParseIDToken(s)
		if err == nil {
			if tok.Issuer == "" || tok.Identity() == "" {
				t.Fatalf("accepted a token without issuer or identity: %+v", tok)
			}
			if strings.Count(s, ".") != 2 || len(s) > sign.MaxTokenBytes {
				t.Fatal("accepted a token of the wrong shape")
			}
		} else if !errors.Is(err, sign.ErrToken) && !errors.Is(err, sign.ErrNoToken) {
			t.Fatalf("untyped error %v", err)
		}
	})
}

func BenchmarkParseIDToken(b *testing.B) {
	for b.Loop() {
		if _, err := sign.ParseIDToken(goodJWT); err != nil {
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
		src  sign.TokenSource
		ctx  context.Context
		is   error // nil: goodJWT expected
	}{
		{"static", sign.StaticToken(goodJWT), nil, nil},
		{"static, spaces", sign.StaticToken(" " + goodJWT + "\n"), nil, nil},
		{"static, empty", sign.StaticToken(""), nil, sign.ErrNoToken},
		{"static, junk", sign.StaticToken("hunter2"), nil, sign.ErrToken},
		{"static, canceled", sign.StaticToken(goodJWT), canceled, context.Canceled},
		{"file", sign.FileToken{Path: write("tok", goodJWT+"\n")}, nil, nil},
		{"file, missing", sign.FileToken{Path: filepath.Join(dir, "missing")}, nil, sign.ErrNoToken},
		{"file, empty", sign.FileToken{Path: write("empty", " \n")}, nil, sign.ErrNoToken},
		{"file, no path", sign.FileToken{}, nil, sign.ErrNoToken},
		{"file, too large", sign.FileToken{Path: write("large", strings.Repeat("a", sign.MaxTokenBytes+10))}, nil, sign.ErrToken},
		{"file, a directory", sign.FileToken{Path: dir}, nil, nil},
		{"env", sign.EnvToken{Name: "TOK", LookupEnv: env("TOK", goodJWT)}, nil, nil},
		{"env, unset", sign.EnvToken{Name: "TOK", LookupEnv: env()}, nil, sign.ErrNoToken},
		{"env, blank", sign.EnvToken{Name: "TOK", LookupEnv: env("TOK", "  ")}, nil, sign.ErrNoToken},
		{"env, no name", sign.EnvToken{}, nil, sign.ErrNoToken},
		{"gitlab, SIGSTORE_ID_TOKEN", sign.GitLabToken{LookupEnv: env(sign.EnvSigstoreIDToken, goodJWT, sign.EnvGitLabJobJWT, "junk")}, nil, nil},
		{"gitlab, CI_JOB_JWT_V2", sign.GitLabToken{LookupEnv: env(sign.EnvGitLabJobJWTV2, goodJWT, sign.EnvGitLabJobJWT, "junk")}, nil, nil},
		{"gitlab, CI_JOB_JWT", sign.GitLabToken{LookupEnv: env(sign.EnvGitLabJobJWT, goodJWT)}, nil, nil},
		{"gitlab, none", sign.GitLabToken{LookupEnv: env()}, nil, sign.ErrNoToken},
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

var fastRetry = sign.RetryPolicy{Attempts: 3, Backoff: time.Millisecond, MaxBackoff: time.Millisecond}

func TestGitHubActionsToken(t *testing.T) {
	ts := newTokenServer(t)
	e := env(sign.EnvGitHubRequestURL, ts.srv.URL+"/token?api-version=2.0", sign.EnvGitHubRequestToken, requestCredential)
	tok, err := sign.GitHubActionsToken{LookupEnv: e, Retry: fastRetry}.Token(context.Background())
	if err != nil || tok != goodJWT {
		t.Fatalf("got %q, %v", tok, err)
	}
	if ts.gotAud.Load() != "sigstore" || ts.gotAuth.Load() != "bearer "+requestCredential {
		t.Fatalf("audience %v, authorization %v", ts.gotAud.Load(), ts.gotAuth.Load())
	}
	if _, err := (sign.GitHubActionsToken{Audience: "other", LookupEnv: e}).Token(context.Background()); err != nil || ts.gotAud.Load() != "other" {
		t.Fatalf("audience: %v %v", ts.gotAud.Load(), err)
	}
	ts.failures.Store(2)
	if _, err := (sign.GitHubActionsToken{LookupEnv: e, Retry: fastRetry}).Token(context.Background()); err != nil {
		t.Fatalf("after two 503s: %v", err)
	}
	testTokenFailures(t, ts, func(tsURL string) sign.TokenSource {
		return sign.GitHubActionsToken{LookupEnv: env(sign.EnvGitHubRequestURL, tsURL, sign.EnvGitHubRequestToken, requestCredential), Retry: fastRetry}
	})
	for _, e := range []sign.LookupEnvFunc{env(), env(sign.EnvGitHubRequestURL, ts.srv.URL), env(sign.EnvGitHubRequestToken, "x")} {
		if _, err := (sign.GitHubActionsToken{LookupEnv: e}).Token(context.Background()); !errors.Is(err, sign.ErrNoToken) {
			t.Fatalf("missing variables: %v", err)
		}
	}
}

func TestBuildkiteToken(t *testing.T) {
	ts := newTokenServer(t)
	e := env(sign.EnvBuildkiteAccessToken, requestCredential, sign.EnvBuildkiteJobID, "0190a1b2-job", sign.EnvBuildkiteAgentEndpoint, ts.srv.URL+"/v3")
	tok, err := sign.BuildkiteToken{LookupEnv: e, Retry: fastRetry}.Token(context.Background())
	if err != nil || tok != goodJWT {
		t.Fatalf("got %q, %v", tok, err)
	}
	if ts.gotAud.Load() != "sigstore" || ts.gotAuth.Load() != "Token "+requestCredential || ts.gotPath.Load() != "/v3/jobs/0190a1b2-job/oidc/tokens" {
		t.Fatalf("audience %v, authorization %v, path %v", ts.gotAud.Load(), ts.gotAuth.Load(), ts.gotPath.Load())
	}
	testTokenFailures(t, ts, func(tsURL string) sign.TokenSource {
		return sign.BuildkiteToken{LookupEnv: env(sign.EnvBuildkiteAccessToken, requestCredential, sign.EnvBuildkiteJobID, "1", sign.EnvBuildkiteAgentEndpoint, tsURL), Retry: fastRetry}
	})
	for _, job := range []string{"job/../1", "1?x", "../..", strings.Repeat("a", 65)} {
		bad := env(sign.EnvBuildkiteAccessToken, requestCredential, sign.EnvBuildkiteJobID, job, sign.EnvBuildkiteAgentEndpoint, ts.srv.URL)
		if _, err := (sign.BuildkiteToken{LookupEnv: bad}).Token(context.Background()); !errors.Is(err, sign.ErrInvalidConfig) {
			t.Fatalf("job id %q: %v", job, err)
		}
	}
	if _, err := (sign.BuildkiteToken{LookupEnv: env(sign.EnvBuildkiteJobID, "1")}).Token(context.Background()); !errors.Is(err, sign.ErrNoToken) {
		t.Fatalf("missing variables: %v", err)
	}
}

// testTokenFailures checks the failure modes shared by the token sources
// that make requests.
func testTokenFailures(t *testing.T, ts *tokenServer, src func(url string) sign.TokenSource) {
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
			var se *sign.ServiceError
			if !errors.As(err, &se) || se.Service != sign.ServiceOIDC || !errors.Is(err, kind) || se.StatusCode != status {
				t.Fatalf("got %v, want an oidc %v with status %d", err, kind, status)
			}
		}
	}
	run("refused", func() { ts.status = http.StatusForbidden }, ts.srv.URL, service(sign.ErrRejected, 403))
	run("down", func() { ts.failures.Store(10) }, ts.srv.URL, service(sign.ErrUnavailable, 503))
	run("not JSON", func() { ts.body = "<html>" }, ts.srv.URL, service(sign.ErrBadResponse, 200))
	run("no token", func() { ts.body = `{"value":"","token":""}` }, ts.srv.URL, service(sign.ErrBadResponse, 200))
	run("duplicate keys", func() { ts.body = `{"value":"a","value":"b","token":"a","token":"b"}` }, ts.srv.URL, service(sign.ErrBadResponse, 200))
	run("too large", func() { ts.body = `{"value":"` + strings.Repeat("a", 3*sign.MaxTokenBytes) + `"}` }, ts.srv.URL, service(sign.ErrBadResponse, 200))
	run("a junk token", func() { ts.body = `{"value":"junk","token":"junk"}` }, ts.srv.URL, func(err error) {
		if !errors.Is(err, sign.ErrToken) {
			t.Fatalf("got %v", err)
		}
	})
	invalid := func(err error) {
		if !errors.Is(err, sign.ErrInvalidConfig) {
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
	gh := []string{sign.EnvGitHubRequestURL, "https://gh.example/x", sign.EnvGitHubRequestToken, "t"}
	bk := []string{sign.EnvBuildkiteAccessToken, "t", sign.EnvBuildkiteJobID, "1"}
	cases := []struct {
		name string
		env  []string
		file string
		want string
	}{
		{"nothing", nil, absent, ""},
		{"SIGSTORE_ID_TOKEN wins", append(append([]string{sign.EnvSigstoreIDToken, goodJWT}, gh...), bk...), file, sign.ProviderEnv},
		{"github actions", append(append([]string(nil), gh...), bk...), file, sign.ProviderGitHubActions},
		{"github actions needs both variables", append([]string{sign.EnvGitHubRequestURL, "https://gh.example"}, bk...), absent, sign.ProviderBuildkite},
		{"buildkite", bk, file, sign.ProviderBuildkite},
		{"gitlab legacy", []string{sign.EnvGitLabJobJWTV2, goodJWT}, file, sign.ProviderGitLab},
		{"file", nil, file, sign.ProviderFile},
		{"a directory is not a token file", nil, dir, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := sign.AmbientToken{LookupEnv: env(c.env...), TokenFile: c.file}
			src, name, err := a.Detect()
			if c.want == "" {
				if !errors.Is(err, sign.ErrNoToken) || src != nil {
					t.Fatalf("got %v, %q, %v", src, name, err)
				}
				if _, err := a.Token(context.Background()); !errors.Is(err, sign.ErrNoToken) {
					t.Fatalf("Token: %v", err)
				}
				return
			}
			if err != nil || name != c.want {
				t.Fatalf("got %q, %v; want %q", name, err, c.want)
			}
		})
	}
	tok, err := sign.AmbientToken{LookupEnv: env(), TokenFile: file}.Token(context.Background())
	if err != nil || tok != goodJWT {
		t.Fatalf("got %q, %v", tok, err)
	}
}
