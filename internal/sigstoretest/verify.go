package sigstoretest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// Verifier is what the Sigstore tests verify with: verify.Verify under a
// trust of a sigstore.Authority for one trusted root. A nil Verifier
// verifies without a trust.
type Verifier struct{ trust *verify.Trust }

// NewVerifier builds a Verifier from a trusted root and options of both
// kinds: sigstore.Option for the authority, verify.Option for the trust.
func NewVerifier(tr *sigstore.TrustedRoot, opts ...any) (*Verifier, error) {
	var aopts []sigstore.Option
	var vopts []verify.Option
	for _, o := range opts {
		switch o := o.(type) {
		case nil:
			vopts = append(vopts, nil)
		case sigstore.Option:
			aopts = append(aopts, o)
		case verify.Option:
			vopts = append(vopts, o)
		default:
			return nil, fmt.Errorf("option of type %T", o)
		}
	}
	a, err := sigstore.NewAuthority(tr, aopts...)
	if err != nil {
		return nil, err
	}
	trust, err := verify.NewTrust(append(vopts, verify.WithAuthority(a))...)
	if err != nil {
		return nil, err
	}
	return &Verifier{trust: trust}, nil
}

// Verifier returns a Verifier for the test Sigstore's trusted root.
func (s *Sigstore) Verifier(t testing.TB, opts ...any) *Verifier {
	t.Helper()
	v, err := NewVerifier(s.Trusted, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Verify verifies a bundle.
func (v *Verifier) Verify(ctx context.Context, b *bundle.Bundle, artifact verify.ArtifactPolicy, identity verify.IdentityPolicy) (*verify.Result, error) {
	if v == nil {
		return verify.Verify(ctx, verify.FromBundle(b), nil, artifact, identity)
	}
	if b == nil {
		return nil, fmt.Errorf("%w: nil bundle", verify.ErrMalformed)
	}
	return verify.Verify(ctx, verify.FromBundle(b), v.trust, artifact, identity)
}

// VerifyJSON verifies a bundle's JSON.
func (v *Verifier) VerifyJSON(ctx context.Context, data []byte, artifact verify.ArtifactPolicy, identity verify.IdentityPolicy) (*verify.Result, error) {
	var trust *verify.Trust
	if v != nil {
		trust = v.trust
	}
	return verify.Verify(ctx, verify.FromJSON(data), trust, artifact, identity)
}

// VerifyPB encodes pb as JSON and verifies it through VerifyJSON, so a
// bundle that does not even parse is rejected through the same API. Any
// error must wrap ErrUnverified, and a success must have a result.
func VerifyPB(t testing.TB, v *Verifier, pb *protobundle.Bundle, art verify.ArtifactPolicy, id verify.IdentityPolicy) (*verify.Result, error) {
	t.Helper()
	data, err := protojson.Marshal(pb)
	if err != nil {
		t.Fatalf("protojson: %v", err)
	}
	res, err := v.VerifyJSON(context.Background(), data, art, id)
	CheckOutcome(t, res, err)
	return res, err
}

// CheckOutcome fails the test unless a rejection wraps ErrUnverified and
// has no result, and a success has one.
func CheckOutcome(t testing.TB, res *verify.Result, err error) {
	t.Helper()
	if err != nil {
		if res != nil {
			t.Errorf("a rejection returned a result too")
		}
		if !errors.Is(err, verify.ErrUnverified) {
			t.Errorf("error %q does not wrap ErrUnverified", err)
		}
		return
	}
	if res == nil {
		t.Fatal("nil result without an error")
	}
}

// WantReject fails unless err wraps want (and ErrUnverified).
func WantReject(t testing.TB, err error, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("verified; want rejection with %v", want)
	}
	if !errors.Is(err, verify.ErrUnverified) {
		t.Fatalf("error %q does not wrap ErrUnverified", err)
	}
	if want != nil && !errors.Is(err, want) {
		t.Fatalf("error %q; want %v", err, want)
	}
	t.Logf("rejected: %v", err)
}

// ArtifactDigest is the artifact policy of b's SHA-256.
func ArtifactDigest(t testing.TB, b []byte) verify.ArtifactPolicy {
	t.Helper()
	d, err := digest.FromBytes(b, digest.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return verify.WithArtifactDigest(d)
}

// Identity is the policy accepting the default identity (SAN, Issuer).
func Identity(t testing.TB) verify.IdentityPolicy {
	t.Helper()
	p, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: SAN, Issuer: Issuer})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// DenyNetwork makes every HTTP request through the default transport fail
// the test (SECURITY.md C38, C108), and counts them, until the test ends.
func DenyNetwork(t *testing.T) *int64 {
	t.Helper()
	var calls int64
	old := http.DefaultTransport
	http.DefaultTransport = RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		atomic.AddInt64(&calls, 1)
		t.Errorf("network request during an offline verification: %s %s", r.Method, r.URL)
		return nil, errors.New("network denied by the test")
	})
	t.Cleanup(func() { http.DefaultTransport = old })
	return &calls
}

// RoundTripFunc is an http.RoundTripper of a function.
type RoundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f RoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// MutateRootJSON is the JSON of a trusted root, changed by edit.
func MutateRootJSON(t testing.TB, tr *sigstore.TrustedRoot, edit func(map[string]any)) []byte {
	t.Helper()
	data, err := tr.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
