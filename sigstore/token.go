package sigstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/chainmail-dev/chainmail/internal/netpolicy"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// TokenSource supplies the OIDC identity token a keyless signing exchanges
// for a certificate. Token is called once per signing, so a source may
// return a fresh token each time (CI tokens are short-lived).
//
// Tokens are credentials: sources never put them in errors, and neither
// does anything else in this package.
type TokenSource interface {
	// Token returns an identity token, a compact JWT (keyless signing
	// checks it with ParseIDToken). The sources of this package fail
	// with ErrNoToken when they find none.
	Token(ctx context.Context) (string, error)
}

// TokenSourceFunc adapts a function to TokenSource.
type TokenSourceFunc func(ctx context.Context) (string, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

// LookupEnvFunc reads an environment variable, like os.LookupEnv (the
// default wherever one is nil). Tests pass a map's lookup instead.
type LookupEnvFunc func(key string) (string, bool)

func (f LookupEnvFunc) get(key string) string {
	if f == nil {
		f = os.LookupEnv
	}
	v, _ := f(key)
	return strings.TrimSpace(v)
}

// Token sources' defaults and bounds.
const (
	// DefaultAudience is the audience Sigstore's Fulcio expects.
	DefaultAudience = "sigstore"
	// MaxTokenBytes bounds an identity token.
	MaxTokenBytes = 64 << 10
	// DefaultTokenFile is where AmbientToken looks for a token file, as
	// cosign does (a Kubernetes projected service account token, say).
	DefaultTokenFile = "/var/run/sigstore/cosign/oidc-token"
	// DefaultBuildkiteEndpoint is the Buildkite agent API.
	DefaultBuildkiteEndpoint = "https://agent.buildkite.com/v3"
)

// Environment variables the token sources read.
const (
	// EnvSigstoreIDToken holds a ready identity token, in any CI; it is
	// the first place AmbientToken and GitLabToken look.
	EnvSigstoreIDToken = "SIGSTORE_ID_TOKEN"
	// EnvGitHubRequestURL is the URL GitHub Actions sets for requesting
	// an ID token, when the job has permissions: id-token: write.
	EnvGitHubRequestURL = "ACTIONS_ID_TOKEN_REQUEST_URL"
	// EnvGitHubRequestToken is the bearer token of that request.
	EnvGitHubRequestToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
	// EnvGitLabJobJWTV2 is GitLab CI's older job token variable.
	EnvGitLabJobJWTV2 = "CI_JOB_JWT_V2"
	// EnvGitLabJobJWT is GitLab CI's original job token variable, read
	// after EnvGitLabJobJWTV2.
	EnvGitLabJobJWT = "CI_JOB_JWT"
	// EnvBuildkiteAccessToken is the Buildkite agent's access token,
	// which authorizes the request to the agent API.
	EnvBuildkiteAccessToken = "BUILDKITE_AGENT_ACCESS_TOKEN"
	// EnvBuildkiteJobID is the id of the current Buildkite job, whose
	// token is requested.
	EnvBuildkiteJobID = "BUILDKITE_JOB_ID"
	// EnvBuildkiteAgentEndpoint overrides the agent API's base URL
	// (default DefaultBuildkiteEndpoint).
	EnvBuildkiteAgentEndpoint = "BUILDKITE_AGENT_ENDPOINT"
)

// StaticToken is a token given as a string.
type StaticToken string

// Token returns the token after checking its shape (see ParseIDToken).
func (t StaticToken) Token(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return checkToken(string(t), "static token")
}

// FileToken reads a token from a file on every call, so a token that is
// refreshed in place (a projected Kubernetes token) stays current.
type FileToken struct {
	// Path is the token file's path; empty is ErrNoToken.
	Path string
}

// Token reads and checks the token. A missing or empty file is ErrNoToken.
func (f FileToken) Token(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if f.Path == "" {
		return "", fmt.Errorf("%w: FileToken without a path", ErrNoToken)
	}
	fh, err := os.Open(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: token file %q does not exist", ErrNoToken, truncate(f.Path))
	}
	if err != nil {
		return "", fmt.Errorf("sigstore: reading token file: %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, MaxTokenBytes+2))
	if err != nil {
		return "", fmt.Errorf("sigstore: reading token file %q: %w", truncate(f.Path), err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("%w: token file %q is empty", ErrNoToken, truncate(f.Path))
	}
	return checkToken(tok, "token file")
}

// EnvToken reads a token from an environment variable.
type EnvToken struct {
	Name      string        // the variable, e.g. EnvSigstoreIDToken; empty is ErrNoToken
	LookupEnv LookupEnvFunc // nil: os.LookupEnv
}

// Token returns the variable's value; unset or empty is ErrNoToken.
func (e EnvToken) Token(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if e.Name == "" {
		return "", fmt.Errorf("%w: EnvToken without a variable name", ErrNoToken)
	}
	tok := e.LookupEnv.get(e.Name)
	if tok == "" {
		return "", fmt.Errorf("%w: $%s is not set", ErrNoToken, e.Name)
	}
	return checkToken(tok, "$"+e.Name)
}

// GitLabToken reads GitLab CI's ID token: $SIGSTORE_ID_TOKEN (the name
// GitLab documents for an `id_tokens:` entry with `aud: sigstore`), then
// the older $CI_JOB_JWT_V2 and $CI_JOB_JWT.
type GitLabToken struct {
	LookupEnv LookupEnvFunc // nil: os.LookupEnv
}

// Token returns the first variable that is set.
func (g GitLabToken) Token(ctx context.Context) (string, error) {
	for _, name := range []string{EnvSigstoreIDToken, EnvGitLabJobJWTV2, EnvGitLabJobJWT} {
		if g.LookupEnv.get(name) != "" {
			return EnvToken{Name: name, LookupEnv: g.LookupEnv}.Token(ctx)
		}
	}
	return "", fmt.Errorf("%w: GitLab CI: none of $%s, $%s, $%s is set (add an id_tokens entry with aud: sigstore)",
		ErrNoToken, EnvSigstoreIDToken, EnvGitLabJobJWTV2, EnvGitLabJobJWT)
}

// GitHubActionsToken requests an ID token from GitHub Actions, at
// $ACTIONS_ID_TOKEN_REQUEST_URL with the bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN.
// The workflow needs `permissions: id-token: write`.
type GitHubActionsToken struct {
	Audience  string            // default DefaultAudience
	LookupEnv LookupEnvFunc     // nil: os.LookupEnv
	Transport http.RoundTripper // nil: http.DefaultTransport
	Retry     RetryPolicy       // of the token request; zero: the defaults
}

// Token requests a token. Failures of the request are *ServiceError with
// Service ServiceOIDC.
func (g GitHubActionsToken) Token(ctx context.Context) (string, error) {
	rawURL, bearer := g.LookupEnv.get(EnvGitHubRequestURL), g.LookupEnv.get(EnvGitHubRequestToken)
	if rawURL == "" || bearer == "" {
		return "", fmt.Errorf("%w: GitHub Actions: $%s and $%s must be set (does the job have permissions: id-token: write?)",
			ErrNoToken, EnvGitHubRequestURL, EnvGitHubRequestToken)
	}
	u, err := credentialURL(rawURL, EnvGitHubRequestURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("audience", orDefault(g.Audience, DefaultAudience))
	u.RawQuery = q.Encode()
	var resp struct {
		Value string `json:"value"`
	}
	if err := fetchToken(ctx, g.Transport, g.Retry, http.MethodGet, u, nil, "bearer "+bearer, &resp, bearer); err != nil {
		return "", err
	}
	return checkFetched(resp.Value, u)
}

// BuildkiteToken requests an ID token for the current job from the
// Buildkite agent API, as `buildkite-agent oidc request-token` does but
// without running a process: POST $BUILDKITE_AGENT_ENDPOINT/jobs/$BUILDKITE_JOB_ID/oidc/tokens
// with the agent's $BUILDKITE_AGENT_ACCESS_TOKEN.
type BuildkiteToken struct {
	Audience  string            // default DefaultAudience
	LookupEnv LookupEnvFunc     // nil: os.LookupEnv
	Transport http.RoundTripper // nil: http.DefaultTransport
	Retry     RetryPolicy       // of the token request; zero: the defaults
}

// Token requests a token. Failures of the request are *ServiceError with
// Service ServiceOIDC.
func (b BuildkiteToken) Token(ctx context.Context) (string, error) {
	access, job := b.LookupEnv.get(EnvBuildkiteAccessToken), b.LookupEnv.get(EnvBuildkiteJobID)
	if access == "" || job == "" {
		return "", fmt.Errorf("%w: Buildkite: $%s and $%s must be set", ErrNoToken, EnvBuildkiteAccessToken, EnvBuildkiteJobID)
	}
	if !isJobID(job) {
		return "", fmt.Errorf("%w: $%s is not a Buildkite job id", ErrInvalidConfig, EnvBuildkiteJobID)
	}
	endpoint := orDefault(b.LookupEnv.get(EnvBuildkiteAgentEndpoint), DefaultBuildkiteEndpoint)
	u, err := credentialURL(endpoint, EnvBuildkiteAgentEndpoint)
	if err != nil {
		return "", err
	}
	u = u.JoinPath("jobs", job, "oidc", "tokens")
	body, _ := json.Marshal(map[string]string{"audience": orDefault(b.Audience, DefaultAudience)})
	var resp struct {
		Token string `json:"token"`
	}
	if err := fetchToken(ctx, b.Transport, b.Retry, http.MethodPost, u, body, "Token "+access, &resp, access); err != nil {
		return "", err
	}
	return checkFetched(resp.Token, u)
}

// AmbientToken finds a token in the environment the program runs in. It
// tries, in order:
//
//  1. $SIGSTORE_ID_TOKEN (any CI; GitLab's documented name);
//  2. GitHub Actions, when $ACTIONS_ID_TOKEN_REQUEST_URL and
//     $ACTIONS_ID_TOKEN_REQUEST_TOKEN are set;
//  3. Buildkite, when $BUILDKITE_AGENT_ACCESS_TOKEN and $BUILDKITE_JOB_ID
//     are set;
//  4. GitLab's older $CI_JOB_JWT_V2 and $CI_JOB_JWT;
//  5. the file TokenFile (default DefaultTokenFile), if it exists.
type AmbientToken struct {
	Audience  string            // for the providers that mint tokens; default DefaultAudience
	LookupEnv LookupEnvFunc     // nil: os.LookupEnv
	Transport http.RoundTripper // nil: http.DefaultTransport
	Retry     RetryPolicy       // of the providers' token requests; zero: the defaults
	TokenFile string            // default DefaultTokenFile
}

// Provider names Detect returns.
const (
	// ProviderEnv: $SIGSTORE_ID_TOKEN is set (an EnvToken).
	ProviderEnv = "env"
	// ProviderGitHubActions: GitHub Actions' token request variables are
	// set (a GitHubActionsToken).
	ProviderGitHubActions = "github-actions"
	// ProviderBuildkite: the Buildkite agent's variables are set (a
	// BuildkiteToken).
	ProviderBuildkite = "buildkite"
	// ProviderGitLab: one of GitLab's older job token variables is set (a
	// GitLabToken).
	ProviderGitLab = "gitlab"
	// ProviderFile: the token file exists (a FileToken).
	ProviderFile = "file"
)

// Detect returns the first provider that applies, and its name. It makes
// no request; ErrNoToken means none applies.
func (a AmbientToken) Detect() (TokenSource, string, error) {
	env := a.LookupEnv
	switch {
	case env.get(EnvSigstoreIDToken) != "":
		return EnvToken{Name: EnvSigstoreIDToken, LookupEnv: env}, ProviderEnv, nil
	case env.get(EnvGitHubRequestURL) != "" && env.get(EnvGitHubRequestToken) != "":
		return GitHubActionsToken{Audience: a.Audience, LookupEnv: env, Transport: a.Transport, Retry: a.Retry}, ProviderGitHubActions, nil
	case env.get(EnvBuildkiteAccessToken) != "" && env.get(EnvBuildkiteJobID) != "":
		return BuildkiteToken{Audience: a.Audience, LookupEnv: env, Transport: a.Transport, Retry: a.Retry}, ProviderBuildkite, nil
	case env.get(EnvGitLabJobJWTV2) != "" || env.get(EnvGitLabJobJWT) != "":
		return GitLabToken{LookupEnv: env}, ProviderGitLab, nil
	}
	path := orDefault(a.TokenFile, DefaultTokenFile)
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		return FileToken{Path: path}, ProviderFile, nil
	}
	return nil, "", fmt.Errorf("%w: no ambient credentials: set $%s, run in GitHub Actions (id-token: write), Buildkite or GitLab CI, or provide %s",
		ErrNoToken, EnvSigstoreIDToken, truncate(path))
}

// Token detects a provider and asks it for a token.
func (a AmbientToken) Token(ctx context.Context) (string, error) {
	src, _, err := a.Detect()
	if err != nil {
		return "", err
	}
	return src.Token(ctx)
}

// credentialURL parses the URL a credential is sent to: https, or http
// only to a loopback address (test servers).
func credentialURL(raw, name string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: $%s is not a URL", ErrInvalidConfig, name)
	}
	if !netpolicy.SecureURL(u) {
		return nil, fmt.Errorf("%w: $%s must be an https URL, not %q", ErrInvalidConfig, name, u.Scheme)
	}
	return u, nil
}

// fetchToken makes one token request through a service transport (bounded,
// retried) and decodes the JSON answer into out.
func fetchToken(ctx context.Context, base http.RoundTripper, retry RetryPolicy, method string, u *url.URL, body []byte, auth string, out any, secret string) error {
	retry, err := retry.withDefaults()
	if err != nil {
		return err
	}
	t := newServiceTransport(ctx, ServiceOIDC, base, retry, nil)
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: building the token request: %v", ErrInvalidConfig, scrub(err.Error(), secret))
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.client().Do(req)
	if err != nil {
		return serviceError(t, err, secret)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		kind := ErrRejected
		if resp.StatusCode < 400 {
			kind = ErrBadResponse
		}
		return t.fail(resp.StatusCode, t.record.attempts, fmt.Errorf("%w: %s", kind, scrub(snippet(resp.Body), secret)))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 2*MaxTokenBytes+1))
	if err == nil && len(data) > 2*MaxTokenBytes {
		err = fmt.Errorf("response larger than %d bytes", 2*MaxTokenBytes)
	}
	if err == nil {
		err = strictjson.Unmarshal(data, out, 2*MaxTokenBytes)
	}
	if err != nil {
		return t.fail(resp.StatusCode, t.record.attempts, fmt.Errorf("%w: token response: %s", ErrBadResponse, scrub(err.Error(), secret)))
	}
	return nil
}

func checkFetched(tok string, u *url.URL) (string, error) {
	if tok == "" {
		return "", &ServiceError{Service: ServiceOIDC, URL: safeURL(u), StatusCode: http.StatusOK, Attempts: 1,
			Err: fmt.Errorf("%w: the response holds no token", ErrBadResponse)}
	}
	return checkToken(tok, "token from "+safeURL(u))
}

func checkToken(tok, from string) (string, error) {
	tok = strings.TrimSpace(tok)
	if _, err := ParseIDToken(tok); err != nil {
		return "", fmt.Errorf("%w (%s)", err, from)
	}
	return tok, nil
}

// isJobID reports whether s can be a Buildkite job id (a UUID), and so a
// single, harmless path segment.
func isJobID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// IDToken holds the claims of an identity token that keyless signing
// uses. They are read WITHOUT verifying the token's signature: Fulcio
// verifies the token; this is for early, clear errors (an expired token)
// and for display.
type IDToken struct {
	Issuer        string    // the iss claim, which ParseIDToken requires
	Subject       string    // the sub claim; ParseIDToken requires it or Email
	Email         string    // the email claim; empty if absent
	EmailVerified bool      // the email_verified claim: true or "true"
	Audience      []string  // the aud claim, a single string as one element; nil if absent
	Expiry        time.Time // zero if absent
	IssuedAt      time.Time // zero if absent
}

// Identity returns what Fulcio puts in the certificate for a token of an
// email issuer, the address, and otherwise the subject. It is the value
// sigstore-go signs as proof of possession.
func (t *IDToken) Identity() string {
	if t.Email != "" {
		return t.Email
	}
	return t.Subject
}

// ParseIDToken reads the claims of a JWT in compact form without
// verifying it. It rejects, with ErrToken: more than MaxTokenBytes, a
// count of dots other than two (counted before splitting), parts that are
// empty or not unpadded base64url, claims that are not one JSON object
// (strictly: no duplicate keys), a missing issuer, and no subject or
// email. The token never appears in the error.
func ParseIDToken(raw string) (*IDToken, error) {
	if raw == "" {
		return nil, fmt.Errorf("%w: empty", ErrNoToken)
	}
	if len(raw) > MaxTokenBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrToken, len(raw), MaxTokenBytes)
	}
	if n := strings.Count(raw, "."); n != 2 {
		return nil, fmt.Errorf("%w: not a compact JWT (%d dots, want 2)", ErrToken, n)
	}
	parts := strings.SplitN(raw, ".", 3)
	for i, p := range parts {
		if p == "" && i < 2 {
			return nil, fmt.Errorf("%w: JWT part %d is empty", ErrToken, i+1)
		}
		for j := 0; j < len(p); j++ {
			if !isBase64URL(p[j]) {
				return nil, fmt.Errorf("%w: JWT part %d is not base64url", ErrToken, i+1)
			}
		}
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: JWT claims are not base64url", ErrToken)
	}
	var c struct {
		Iss           string          `json:"iss"`
		Sub           string          `json:"sub"`
		Email         string          `json:"email"`
		EmailVerified json.RawMessage `json:"email_verified"`
		Aud           json.RawMessage `json:"aud"`
		Exp           json.Number     `json:"exp"`
		Iat           json.Number     `json:"iat"`
	}
	if err := strictjson.Unmarshal(payload, &c, MaxTokenBytes); err != nil {
		var se *strictjson.Error
		if errors.As(err, &se) {
			// Offsets and kinds only: the claims are not secret, but keep
			// messages short and free of token text.
			return nil, fmt.Errorf("%w: JWT claims: %v", ErrToken, se.Kind)
		}
		return nil, fmt.Errorf("%w: JWT claims are not a JSON object", ErrToken)
	}
	t := &IDToken{Issuer: c.Iss, Subject: c.Sub, Email: c.Email}
	if t.Issuer == "" {
		return nil, fmt.Errorf("%w: no issuer (iss) claim", ErrToken)
	}
	if t.Subject == "" && t.Email == "" {
		return nil, fmt.Errorf("%w: no subject (sub) or email claim", ErrToken)
	}
	switch v := string(c.EmailVerified); v {
	case "true", `"true"`:
		t.EmailVerified = true
	}
	if aud, err := parseAudience(c.Aud); err != nil {
		return nil, err
	} else {
		t.Audience = aud
	}
	if t.Expiry, err = parseNumericDate(c.Exp, "exp"); err != nil {
		return nil, err
	}
	if t.IssuedAt, err = parseNumericDate(c.Iat, "iat"); err != nil {
		return nil, err
	}
	return t, nil
}

func isBase64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func parseAudience(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("%w: aud claim is neither a string nor a list of strings", ErrToken)
	}
	return many, nil
}

// parseNumericDate reads a JWT NumericDate (seconds, possibly fractional)
// from a bounded token; an absurd value is an error, not a wrap-around.
func parseNumericDate(n json.Number, name string) (time.Time, error) {
	if n == "" {
		return time.Time{}, nil
	}
	if len(n) > 32 {
		return time.Time{}, fmt.Errorf("%w: %s claim is not a date", ErrToken, name)
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, fmt.Errorf("%w: %s claim is not a date", ErrToken, name)
	}
	return time.Unix(int64(f), 0).UTC(), nil
}
