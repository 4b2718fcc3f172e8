// Command oidc is a minimal OpenID Connect issuer for local tests: Fulcio
// trusts it, and tests mint identity tokens from it. It must never face a
// network: there is no login, anyone who can reach it gets a token.
//
// Endpoints (all on the -addr loopback address):
//
//	GET  /.well-known/openid-configuration   discovery
//	GET  /keys                               JWKS (one RS256 key, made at start)
//	GET  /token?email=E&sub=S&aud=A          a token as text; POST a JSON object to add claims
//	GET  /github/token?audience=A            GitHub Actions' ID-token request API: needs
//	                                         "Authorization: bearer <-request-token>", answers {"value": token}
//	POST /buildkite/jobs/{job}/oidc/tokens   Buildkite's agent API: needs
//	                                         "Authorization: Token <-request-token>", body {"audience": A},
//	                                         answers {"token": token}
//
// The CI-style endpoints mint tokens for -ci-email, so that Fulcio's
// "email" issuer type accepts them. Tokens live 10 minutes.
package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

var b64 = base64.RawURLEncoding

const kid = "localstack-1"

type issuer struct {
	url          string
	key          *rsa.PrivateKey
	requestToken string
	ciEmail      string
}

func main() {
	addr := flag.String("addr", "127.0.0.1:5556", "listen address (loopback only)")
	iss := flag.String("issuer", "", "issuer URL (default http://<addr>)")
	requestToken := flag.String("request-token", "localstack-request-token", "credential the CI-style endpoints require")
	ciEmail := flag.String("ci-email", "ci@example.test", "identity of tokens from the CI-style endpoints")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("oidc: -addr must be a loopback address, not %q", *addr)
	}
	if *iss == "" {
		*iss = "http://" + *addr
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	s := &issuer{url: *iss, key: key, requestToken: *requestToken, ciEmail: *ciEmail}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "oidc: issuer %s listening on %s\n", *iss, ln.Addr())
	srv := &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

func (s *issuer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{
			"issuer":                                s.url,
			"jwks_uri":                              s.url + "/keys",
			"authorization_endpoint":                s.url + "/auth",
			"token_endpoint":                        s.url + "/token",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"claims_supported":                      []string{"sub", "email", "email_verified", "aud", "iss", "exp", "iat"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
			"n": b64.EncodeToString(s.key.N.Bytes()),
			"e": b64.EncodeToString(big.NewInt(int64(s.key.E)).Bytes()),
		}}})
	})
	mux.HandleFunc("/token", s.handleToken)
	mux.HandleFunc("GET /github/token", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r, "bearer ") {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		tok, err := s.mint(s.ciEmail, s.ciEmail, r.URL.Query().Get("audience"), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, map[string]any{"count": len(tok), "value": tok})
	})
	mux.HandleFunc("POST /buildkite/jobs/{job}/oidc/tokens", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r, "Token ") {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var req struct {
			Audience string `json:"audience"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
			http.Error(w, "bad request body", http.StatusBadRequest)
			return
		}
		tok, err := s.mint(s.ciEmail, s.ciEmail, req.Audience, map[string]any{"job_id": r.PathValue("job")})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSONStatus(w, http.StatusCreated, map[string]any{"token": tok})
	})
	return mux
}

func (s *issuer) authorized(r *http.Request, scheme string) bool {
	h := r.Header.Get("Authorization")
	return len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) && h[len(scheme):] == s.requestToken
}

func (s *issuer) handleToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var extra map[string]any
	if r.Method == http.MethodPost {
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&extra); err != nil {
			http.Error(w, "bad claims JSON", http.StatusBadRequest)
			return
		}
	}
	if q.Get("email_verified") == "false" {
		if extra == nil {
			extra = map[string]any{}
		}
		extra["email_verified"] = false
	}
	tok, err := s.mint(q.Get("email"), q.Get("sub"), q.Get("aud"), extra)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprint(w, tok)
}

// mint signs an RS256 token for email (or sub) with audience aud (default
// "sigstore") and extra claims, which override the defaults.
func (s *issuer) mint(email, sub, aud string, extra map[string]any) (string, error) {
	if sub == "" {
		sub = email
	}
	if sub == "" {
		sub = "test-subject"
	}
	if aud == "" {
		aud = "sigstore"
	}
	now := time.Now()
	claims := map[string]any{
		"iss": s.url, "sub": sub, "aud": aud,
		"iat": now.Unix(), "nbf": now.Unix() - 5, "exp": now.Add(10 * time.Minute).Unix(),
	}
	if email != "" {
		claims["email"] = email
		claims["email_verified"] = true
	}
	for k, v := range extra {
		claims[k] = v
	}
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	in := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	d := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, d[:])
	if err != nil {
		return "", err
	}
	return in + "." + b64.EncodeToString(sig), nil
}

func writeJSON(w http.ResponseWriter, v any) { writeJSONStatus(w, http.StatusOK, v) }

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
