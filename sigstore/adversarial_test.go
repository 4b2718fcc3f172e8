package sigstore_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"testing"

	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// noNetwork fails the test on any HTTP request made through the default
// transport.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("network request during offline verification: %s %s", r.Method, r.URL)
	return nil, errors.New("no network")
}

func productionCase(t *testing.T) (*verify.Trust, []byte, verify.ArtifactPolicy, verify.IdentityPolicy) {
	t.Helper()
	tr, err := sigstore.LoadTrustedRoot(exampleRoot)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := sigstore.NewAuthority(tr)
	if err != nil {
		t.Fatal(err)
	}
	trust, err := verify.NewTrust(verify.WithAuthority(auth))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exampleAssets + "/bundle-verify/happy-path-v0.3/bundle.sigstore.json")
	if err != nil {
		t.Fatal(err)
	}
	id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{
		SAN:    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
		Issuer: "https://token.actions.githubusercontent.com",
	})
	if err != nil {
		t.Fatal(err)
	}
	return trust, data, verify.WithArtifactFile(exampleAssets + "/bundle-verify/a.txt"), id
}

// TestAdversarial_C108_OfflineVerifyMakesNoRequest: a keyless bundle
// full of URLs (issuer, log, certificate extensions) verifies with no
// network request at all, and so does its rejection.
func TestAdversarial_C108_OfflineVerifyMakesNoRequest(t *testing.T) {
	old := http.DefaultTransport
	http.DefaultTransport = noNetwork{t}
	defer func() { http.DefaultTransport = old }()
	trust, data, art, id := productionCase(t)
	if _, err := verify.Verify(context.Background(), verify.FromJSON(data), trust, art, id); err != nil {
		t.Fatal(err)
	}
	if _, err := verify.Verify(context.Background(), verify.FromJSON(data), trust, verify.WithArtifactFile(exampleRoot), id); err == nil {
		t.Fatal("another artifact verified")
	}
}

// panicAuthority is an authority that fails by panicking.
type panicAuthority struct{}

func (panicAuthority) Anchor(context.Context, *verify.AnchorRequest) (*verify.Anchors, error) {
	panic("authority failed")
}

// TestAdversarial_C109_PanicIsNeverAPass: a panic inside verification (here
// in the authority) propagates; nothing recovers it into a result.
func TestAdversarial_C109_PanicIsNeverAPass(t *testing.T) {
	_, data, art, id := productionCase(t)
	trust, err := verify.NewTrust(verify.WithAuthority(panicAuthority{}))
	if err != nil {
		t.Fatal(err)
	}
	var res *verify.Result
	panicked := func() (p bool) {
		defer func() { p = recover() != nil }()
		res, err = verify.Verify(context.Background(), verify.FromJSON(data), trust, art, id)
		return false
	}()
	if !panicked || res != nil {
		t.Fatalf("a panicking authority gave %v, %v (panicked %v)", res, err, panicked)
	}
}
