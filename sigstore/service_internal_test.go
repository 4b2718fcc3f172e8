package sigstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	p, err := RetryPolicy{Attempts: 6}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	withHeader := func(v string) *http.Response {
		return &http.Response{Header: http.Header{"Retry-After": []string{v}}}
	}
	cases := []struct {
		n    int
		resp *http.Response
		want time.Duration
	}{
		{1, nil, time.Second},
		{2, nil, 2 * time.Second},
		{3, nil, 4 * time.Second},
		{4, nil, 8 * time.Second},
		{5, nil, 10 * time.Second},
		{60, nil, 10 * time.Second},
		{1, withHeader("3"), 3 * time.Second},
		{1, withHeader("0"), 0},
		{1, withHeader("99999"), time.Second}, // too long to be a number of seconds we honor
		{1, withHeader("600"), 10 * time.Second},
		{1, withHeader("-1"), time.Second},
		{1, withHeader("Wed, 21 Oct 2015 07:28:00 GMT"), time.Second},
	}
	for _, c := range cases {
		if got := p.delay(c.n, c.resp); got != c.want {
			t.Errorf("delay(%d, %v) = %v, want %v", c.n, c.resp, got, c.want)
		}
	}
}

func TestLimitedBody(t *testing.T) {
	for _, n := range []int{0, 1, MaxResponseBytes - 1, MaxResponseBytes} {
		canceled := false
		b := &limitedBody{rc: io.NopCloser(bytes.NewReader(make([]byte, n))), n: MaxResponseBytes, cancel: func() { canceled = true }}
		got, err := io.ReadAll(b)
		if err != nil || len(got) != n {
			t.Fatalf("%d bytes: got %d, %v", n, len(got), err)
		}
		b.Close()
		if !canceled {
			t.Fatal("Close did not release the attempt")
		}
	}
	b := &limitedBody{rc: io.NopCloser(bytes.NewReader(make([]byte, MaxResponseBytes+1))), n: MaxResponseBytes, cancel: func() {}}
	if _, err := io.ReadAll(b); !errors.Is(err, ErrBadResponse) {
		t.Fatalf("oversized body: %v", err)
	}
}

func TestSafeURLAndScrub(t *testing.T) {
	u, _ := url.Parse("https://user:pass@example.test/path?token=secret#frag")
	if got := safeURL(u); got != "https://example.test/path" {
		t.Fatalf("safeURL = %q", got)
	}
	if safeURL(nil) != "" {
		t.Fatal("safeURL(nil)")
	}
	tok := "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIn0.c2lnbmF0dXJlIGJ5dGVzIGhlcmUgYW5kIG1vcmU"
	parts := strings.Split(tok, ".")
	msg := scrub("bad token "+tok+" and its claims "+parts[1]+" and \xff", tok)
	for _, p := range parts {
		if strings.Contains(msg, p) {
			t.Fatalf("scrub left %q in %q", p, msg)
		}
	}
	if !strings.Contains(msg, "[REDACTED]") || !strings.Contains(msg, "?") {
		t.Fatalf("scrub = %q", msg)
	}
	if got := scrub(strings.Repeat("x", 10_000)); len(got) > 2*maxErrorSnippet+3 {
		t.Fatalf("scrub did not truncate: %d bytes", len(got))
	}
	if got := snippet(strings.NewReader("")); got != "no message" {
		t.Fatalf("snippet of nothing = %q", got)
	}
	if got := snippet(strings.NewReader(strings.Repeat("y", 1000))); len(got) > maxErrorSnippet+10 {
		t.Fatalf("snippet not bounded: %d", len(got))
	}
}

// TestTransportReplaysBody checks that a retried request sends the same
// body, even when the client gave no GetBody, and that oversized request
// bodies are refused.
func TestTransportReplaysBody(t *testing.T) {
	var calls atomic.Int32
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	p, _ := RetryPolicy{}.withDefaults()
	noSleep := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	tr := newServiceTransport(context.Background(), ServiceRekor, nil, p, noSleep)
	req, _ := http.NewRequest(http.MethodPost, srv.URL, io.NopCloser(strings.NewReader("entry")))
	req.GetBody = nil
	resp, err := tr.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok" || len(bodies) != 3 || bodies[0] != "entry" || bodies[2] != "entry" {
		t.Fatalf("got %q after bodies %q", b, bodies)
	}
	if tr.record.attempts != 3 || tr.record.status != 200 {
		t.Fatalf("record %+v", tr.record)
	}

	big := io.LimitReader(zeros{}, maxRequestBytes+1)
	req, _ = http.NewRequest(http.MethodPost, srv.URL, big)
	_, err = tr.client().Do(req)
	var se *ServiceError
	if !errors.As(err, &se) || !errors.Is(err, ErrRejected) || se.Attempts != 0 {
		t.Fatalf("oversized request: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestTransportNoRedirect checks that credentials are not followed to
// another location.
func TestTransportNoRedirect(t *testing.T) {
	var hit atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit.Store(true) }))
	defer other.Close()
	srv := httptest.NewServer(http.RedirectHandler(other.URL, http.StatusFound))
	defer srv.Close()
	p, _ := RetryPolicy{}.withDefaults()
	tr := newServiceTransport(context.Background(), ServiceOIDC, nil, p, nil)
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("Authorization", "bearer x")
	resp, err := tr.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || hit.Load() {
		t.Fatalf("redirect followed: %d, %v", resp.StatusCode, hit.Load())
	}
}

func TestServiceErrorMessage(t *testing.T) {
	e := &ServiceError{Service: ServiceTSA, URL: "https://tsa.example/api", StatusCode: 503, Attempts: 3, Err: ErrUnavailable}
	if got, want := e.Error(), "sigstore: tsa (https://tsa.example/api): status 503 after 3 attempts: service unavailable"; got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if !errors.Is(e, ErrService) || !errors.Is(e, ErrUnavailable) || errors.Is(e, ErrRejected) {
		t.Fatal("errors.Is")
	}
	if got := (&ServiceError{Service: ServiceOIDC}).Error(); got != "sigstore: oidc" {
		t.Fatalf("got %q", got)
	}
}

func TestSleepContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if err := sleepContext(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if err := sleepContext(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
}
