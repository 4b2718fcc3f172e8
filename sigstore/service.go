package sigstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Names of the services a keyless signing talks to, as ServiceError
// reports them.
const (
	ServiceOIDC   = "oidc"   // an identity token provider (GitHub Actions, Buildkite)
	ServiceFulcio = "fulcio" // the certificate authority
	ServiceRekor  = "rekor"  // a transparency log
	ServiceTSA    = "tsa"    // an RFC 3161 timestamp authority
)

// Errors of keyless signing. A failure of a remote service is a
// *ServiceError, which matches ErrService and one of ErrUnavailable,
// ErrRejected or ErrBadResponse (or the context's error).
var (
	// ErrService: a remote service failed; errors.As finds the
	// *ServiceError that names it.
	ErrService = errors.New("sigstore: service failed")
	// ErrUnavailable: the service could not be reached, or kept answering
	// 5xx or 429, until the retries ran out.
	ErrUnavailable = errors.New("sigstore: service unavailable")
	// ErrRejected: the service refused the request (a 4xx status), e.g.
	// Fulcio refusing an expired or unknown identity token.
	ErrRejected = errors.New("sigstore: request rejected")
	// ErrBadResponse: the service answered something unusable: oversized,
	// undecodable, or not matching the request (a certificate for another
	// key).
	ErrBadResponse = errors.New("sigstore: bad response")
	// ErrNoToken: no identity token was found (unset variable, empty file,
	// no CI provider detected).
	ErrNoToken = errors.New("sigstore: no identity token")
	// ErrToken: the identity token is malformed, oversized or expired.
	ErrToken = errors.New("sigstore: bad identity token")
	// ErrInvalidConfig: a keyless configuration that cannot sign safely.
	ErrInvalidConfig = errors.New("sigstore: invalid keyless configuration")
	// ErrSelfCheck: a freshly made bundle did not verify against the
	// configured trusted root; it is not returned.
	ErrSelfCheck = errors.New("sigstore: new bundle does not verify against the trusted root")
)

// ServiceError reports which service failed, where, and how. It never
// holds a token or a credential: URLs lose their query and user info, and
// service messages are truncated and scrubbed of the token.
type ServiceError struct {
	// Service is ServiceOIDC, ServiceFulcio, ServiceRekor or ServiceTSA.
	Service string
	// URL is the endpoint, without user info or query.
	URL string
	// StatusCode is the last HTTP status received, 0 if none.
	StatusCode int
	// Attempts is the number of requests made.
	Attempts int
	// Err is the cause: it matches ErrUnavailable, ErrRejected,
	// ErrBadResponse, context.Canceled or context.DeadlineExceeded.
	Err error
}

// Error describes the failure: service, URL, status, attempts, cause.
func (e *ServiceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sigstore: %s", e.Service)
	if e.URL != "" {
		fmt.Fprintf(&b, " (%s)", e.URL)
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": status %d", e.StatusCode)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "sigstore: "))
	}
	return b.String()
}

// Unwrap returns ErrService and the cause.
func (e *ServiceError) Unwrap() []error { return []error{ErrService, e.Err} }

// RetryPolicy bounds the requests made to one service endpoint for one
// operation. Connection errors and 5xx or 429 answers are retried with
// exponential backoff (a Retry-After header is honored up to MaxBackoff);
// other answers are final. The zero value means the defaults.
type RetryPolicy struct {
	// Attempts is the number of requests, at most 10 (default 3; 1 means
	// no retry).
	Attempts int
	// Backoff is the wait before the first retry, doubled for each
	// further one (default 1s).
	Backoff time.Duration
	// MaxBackoff caps one wait (default 10s).
	MaxBackoff time.Duration
	// AttemptTimeout bounds one request, response body included
	// (default 30s). The caller's context bounds them all.
	AttemptTimeout time.Duration
}

// Defaults and bounds of RetryPolicy.
const (
	// DefaultAttempts is the number of requests when Attempts is 0.
	DefaultAttempts = 3
	// MaxAttempts is the largest Attempts accepted; more is
	// ErrInvalidConfig.
	MaxAttempts = 10
	// DefaultBackoff is the first wait when Backoff is 0.
	DefaultBackoff = time.Second
	// DefaultMaxBackoff is the cap on one wait when MaxBackoff is 0.
	DefaultMaxBackoff = 10 * time.Second
	// DefaultAttemptTimeout bounds one request when AttemptTimeout is 0.
	DefaultAttemptTimeout = 30 * time.Second
)

// Bounds of what the keyless code sends to and accepts from a service.
const (
	// MaxResponseBytes bounds a service's response body.
	MaxResponseBytes = 10 << 20
	// maxRequestBytes bounds a request body this package builds (a Rekor
	// v1 DSSE entry carries the envelope).
	maxRequestBytes = 64 << 20
	// maxErrorSnippet bounds the part of an error response quoted in an
	// error.
	maxErrorSnippet = 200
)

func (p RetryPolicy) withDefaults() (RetryPolicy, error) {
	if p.Attempts == 0 {
		p.Attempts = DefaultAttempts
	}
	if p.Backoff == 0 {
		p.Backoff = DefaultBackoff
	}
	if p.MaxBackoff == 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	if p.AttemptTimeout == 0 {
		p.AttemptTimeout = DefaultAttemptTimeout
	}
	switch {
	case p.Attempts < 1 || p.Attempts > MaxAttempts:
		return p, fmt.Errorf("%w: retry attempts %d (want 1 to %d)", ErrInvalidConfig, p.Attempts, MaxAttempts)
	case p.Backoff < 0 || p.MaxBackoff < 0 || p.AttemptTimeout < 0:
		return p, fmt.Errorf("%w: negative retry duration", ErrInvalidConfig)
	}
	return p, nil
}

// delay returns the wait before retry n (1-based), honoring Retry-After.
func (p RetryPolicy) delay(n int, resp *http.Response) time.Duration {
	d := p.Backoff
	for i := 1; i < n && d < p.MaxBackoff; i++ {
		d *= 2
	}
	if resp != nil {
		if s := resp.Header.Get("Retry-After"); s != "" && len(s) <= 4 {
			if secs, err := strconv.Atoi(s); err == nil && secs >= 0 {
				d = time.Duration(secs) * time.Second
			}
		}
	}
	return min(d, p.MaxBackoff)
}

// serviceTransport is the http.RoundTripper under every request of a
// signing operation: it binds the operation's context (sigstore-go's
// Fulcio and TSA clients make requests without one), bounds request and
// response sizes, retries what may be retried, and turns final failures
// into *ServiceError. Answers that are final but not 2xx (4xx) are passed
// to the client, which builds its own error; record keeps their status.
type serviceTransport struct {
	service string
	base    http.RoundTripper
	ctx     context.Context
	retry   RetryPolicy
	sleep   func(context.Context, time.Duration) error
	record  *callRecord
}

// callRecord remembers what the transport saw, for the error a client
// returns after a final non-2xx answer.
type callRecord struct {
	url      string
	status   int
	attempts int
}

func newServiceTransport(ctx context.Context, service string, base http.RoundTripper, retry RetryPolicy, sleep func(context.Context, time.Duration) error) *serviceTransport {
	if base == nil {
		base = http.DefaultTransport
	}
	if sleep == nil {
		sleep = sleepContext
	}
	return &serviceTransport{service: service, base: base, ctx: ctx, retry: retry, sleep: sleep, record: &callRecord{}}
}

func (t *serviceTransport) client() *http.Client {
	return &http.Client{Transport: t, CheckRedirect: noRedirects}
}

// noRedirects keeps requests, and the credentials in their headers, on the
// configured host.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (t *serviceTransport) fail(status, attempts int, err error) *ServiceError {
	return &ServiceError{Service: t.service, URL: t.record.url, StatusCode: status, Attempts: attempts, Err: err}
}

// RoundTrip sends req, retrying as the policy allows; a final failure
// is a *ServiceError, and a response's body is bounded by
// MaxResponseBytes.
func (t *serviceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.record.url = safeURL(req.URL)
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(io.LimitReader(req.Body, maxRequestBytes+1))
		req.Body.Close()
		if err != nil {
			return nil, t.fail(0, 0, fmt.Errorf("%w: reading request: %v", ErrBadResponse, err))
		}
		if len(b) > maxRequestBytes {
			return nil, t.fail(0, 0, fmt.Errorf("%w: request larger than %d bytes", ErrRejected, maxRequestBytes))
		}
		body = b
	}
	var (
		lastStatus int
		lastErr    error
	)
	for attempt := 1; ; attempt++ {
		t.record.attempts = attempt
		actx, cancel := t.attemptContext(req.Context())
		r := req.Clone(actx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			r.ContentLength = int64(len(body))
		}
		resp, err := t.base.RoundTrip(r)
		if err != nil {
			cancel()
			if cerr := t.callerDone(req.Context()); cerr != nil {
				return nil, t.fail(lastStatus, attempt, cerr)
			}
			lastErr = fmt.Errorf("%w: %v", ErrUnavailable, scrubNetError(err))
		} else if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			lastStatus = resp.StatusCode
			t.record.status = resp.StatusCode
			lastErr = fmt.Errorf("%w: %s", ErrUnavailable, snippet(resp.Body))
			resp.Body.Close()
			cancel()
		} else {
			t.record.status = resp.StatusCode
			resp.Body = &limitedBody{rc: resp.Body, n: MaxResponseBytes, cancel: cancel}
			return resp, nil
		}
		if attempt >= t.retry.Attempts {
			return nil, t.fail(lastStatus, attempt, lastErr)
		}
		sctx, scancel := context.WithCancel(req.Context())
		stop := context.AfterFunc(t.ctx, scancel)
		serr := t.sleep(sctx, t.retry.delay(attempt, resp))
		stop()
		scancel()
		if serr != nil {
			if cerr := t.callerDone(req.Context()); cerr != nil {
				serr = cerr
			}
			return nil, t.fail(lastStatus, attempt, serr)
		}
	}
}

// attemptContext is canceled when the request's context or the operation's
// context is done, or after the attempt timeout.
func (t *serviceTransport) attemptContext(reqCtx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(reqCtx, t.retry.AttemptTimeout)
	stop := context.AfterFunc(t.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// callerDone returns the error of whichever caller context is done.
func (t *serviceTransport) callerDone(reqCtx context.Context) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	return reqCtx.Err()
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// limitedBody fails a read past n bytes, instead of truncating silently,
// and releases the attempt's context when closed.
type limitedBody struct {
	rc     io.ReadCloser
	n      int64
	cancel context.CancelFunc
}

// Read reads from the body, failing with ErrBadResponse once it runs
// past n bytes.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		// One more byte tells "exactly n" from "more than n".
		var one [1]byte
		if k, _ := b.rc.Read(one[:]); k > 0 {
			return 0, fmt.Errorf("%w: response larger than %d bytes", ErrBadResponse, MaxResponseBytes)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	k, err := b.rc.Read(p)
	b.n -= int64(k)
	return k, err
}

// Close closes the body and releases the attempt's context.
func (b *limitedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}

// safeURL returns u without user info, query or fragment.
func safeURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.RawQuery = ""
	c.ForceQuery = false
	c.Fragment = ""
	c.RawFragment = ""
	return truncate(c.String())
}

// scrubNetError keeps a transport error's message but drops the URL that
// *url.Error repeats (it may carry a query).
func scrubNetError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// snippet returns the start of an error response, for the error message.
func snippet(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, maxErrorSnippet+1))
	s := strings.ToValidUTF8(strings.TrimSpace(string(b)), "?")
	if len(s) > maxErrorSnippet {
		s = s[:maxErrorSnippet] + "..."
	}
	if s == "" {
		return "no message"
	}
	return strconv.Quote(s)
}

func truncate(s string) string {
	const max = 120
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// serviceError turns the error of a sigstore-go client call into a
// *ServiceError naming the service. Errors from the transport already are
// one; others are the client's own report of a final answer (status in
// the record) or of a response it could not use. Secrets are scrubbed.
func serviceError(t *serviceTransport, err error, secrets ...string) error {
	var se *ServiceError
	if errors.As(err, &se) {
		return se
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return t.fail(t.record.status, t.record.attempts, ctxErr(err))
	}
	msg := scrub(err.Error(), secrets...)
	if t.record.attempts == 0 {
		// The client gave up before sending anything: a local problem
		// with what it was asked to send, not a service failure.
		return fmt.Errorf("%w: preparing the %s request: %s", ErrInvalidConfig, t.service, msg)
	}
	kind := ErrBadResponse
	if s := t.record.status; s >= 400 && s < 500 {
		kind = ErrRejected
	}
	return t.fail(t.record.status, t.record.attempts, fmt.Errorf("%w: %s", kind, msg))
}

func ctxErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

// scrub removes secrets from a message (and each dot-separated part of a
// JWT, which servers sometimes quote), makes it valid UTF-8 and truncates
// it.
func scrub(msg string, secrets ...string) string {
	for _, s := range secrets {
		if s == "" {
			continue
		}
		msg = strings.ReplaceAll(msg, s, "[REDACTED]")
		for _, part := range strings.SplitN(s, ".", 4) {
			if len(part) >= 16 {
				msg = strings.ReplaceAll(msg, part, "[REDACTED]")
			}
		}
	}
	msg = strings.ToValidUTF8(msg, "?")
	if len(msg) > 2*maxErrorSnippet {
		msg = msg[:2*maxErrorSnippet] + "..."
	}
	return msg
}
