package verify_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func paeOf(payloadType string, payload []byte) []byte {
	return (&attest.Envelope{PayloadType: payloadType, Payload: payload}).PAE()
}

func protojsonMarshal(pb *protobundle.Bundle) ([]byte, error) { return protojson.Marshal(pb) }

func spkiOf(t testing.TB, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func contains(list []verify.Check, c verify.Check) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// denyNetwork makes every HTTP request through the default transport fail
// the test (SECURITY.md C38, C108), and counts them.
func denyNetwork(t *testing.T) *int64 {
	t.Helper()
	var calls int64
	old := http.DefaultTransport
	http.DefaultTransport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		atomic.AddInt64(&calls, 1)
		t.Errorf("network request during an offline verification: %s %s", r.Method, r.URL)
		return nil, errors.New("network denied by the test")
	})
	t.Cleanup(func() { http.DefaultTransport = old })
	return &calls
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// mutateRootJSON changes the JSON of a trusted root.
func mutateRootJSON(t testing.TB, tr *sigstore.TrustedRoot, edit func(map[string]any)) []byte {
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

// The Sigstore conformance vectors (testdata/conformance/assets), real
// bundles from the public-good and staging instances.
const (
	conformanceDir     = "../testdata/conformance/assets"
	conformanceSAN     = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
	conformanceIssuer  = "https://token.actions.githubusercontent.com"
	conformanceVersion = "v0.1"
)

type conformance struct {
	name     string
	bundle   []byte
	artifact []byte
	root     *sigstore.TrustedRoot
	rootErr  error
	rootJSON []byte
	key      *verify.PublicKey
	keyErr   error
	san      string
	issuer   string
	fail     bool
}

func loadConformance(t testing.TB, name string) *conformance {
	t.Helper()
	dir := filepath.Join(conformanceDir, "bundle-verify", name)
	c := &conformance{name: name, san: conformanceSAN, issuer: conformanceIssuer, fail: strings.HasSuffix(name, "_fail")}
	var err error
	if c.bundle, err = os.ReadFile(filepath.Join(dir, "bundle.sigstore.json")); err != nil {
		t.Fatal(err)
	}
	art := filepath.Join(dir, "artifact")
	if _, err := os.Stat(art); err != nil {
		art = filepath.Join(conformanceDir, "bundle-verify", "a.txt")
	}
	if c.artifact, err = os.ReadFile(art); err != nil {
		t.Fatal(err)
	}
	tr := filepath.Join(dir, "trusted_root.json")
	if _, err := os.Stat(tr); err != nil {
		tr = filepath.Join(conformanceDir, "production_trusted_root.json")
	}
	if c.rootJSON, err = os.ReadFile(tr); err != nil {
		t.Fatal(err)
	}
	c.root, c.rootErr = sigstore.ParseTrustedRoot(c.rootJSON)
	if data, err := os.ReadFile(filepath.Join(dir, "key.pub")); err == nil {
		c.key, c.keyErr = verify.ParsePublicKey(data)
		if c.keyErr == nil && c.key == nil {
			t.Fatal("nil key")
		}
		c.san, c.issuer = "", ""
	}
	if data, err := os.ReadFile(filepath.Join(dir, "identity")); err == nil {
		c.san = strings.TrimSpace(string(data))
	}
	if data, err := os.ReadFile(filepath.Join(dir, "issuer")); err == nil {
		c.issuer = strings.TrimSpace(string(data))
	}
	return c
}

func (c *conformance) identity(t testing.TB) verify.IdentityPolicy {
	t.Helper()
	if c.key != nil {
		p, err := verify.NewKeyPolicy(c.key)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: c.san, Issuer: c.issuer})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (c *conformance) verifier(t testing.TB) *sigstoreVerifier {
	t.Helper()
	if c.rootErr != nil {
		t.Fatalf("trusted root: %v", c.rootErr)
	}
	v, err := newSigstoreVerifier(c.root, verify.WithMinBundleVersion(conformanceVersion))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (c *conformance) proto(t testing.TB) *protobundle.Bundle {
	t.Helper()
	pb := new(protobundle.Bundle)
	if err := protojson.Unmarshal(c.bundle, pb); err != nil {
		t.Fatal(err)
	}
	return pb
}

// run verifies the vector as the conformance client does and returns the
// error (nil: verified). Key and trusted-root errors count as rejections.
func (c *conformance) run(t testing.TB, art verify.ArtifactPolicy) error {
	t.Helper()
	if c.rootErr != nil {
		return c.rootErr
	}
	if c.keyErr != nil {
		return c.keyErr
	}
	res, err := c.verifier(t).VerifyJSON(t.Context(), c.bundle, art, c.identity(t))
	checkOutcome(t, res, err)
	return err
}

// conformanceCase checks one vector against its expected outcome, with
// the artifact given as a file's bytes and as a digest.
func conformanceCase(t *testing.T, name string) {
	t.Helper()
	c := loadConformance(t, name)
	for _, art := range []struct {
		how string
		p   verify.ArtifactPolicy
	}{{"bytes", artifactOf(c.artifact)}, {"digest", artDigest(c.artifact)}} {
		err := c.run(t, art.p)
		switch {
		case c.fail && err == nil:
			t.Errorf("%s (%s): verified; want rejection", name, art.how)
		case !c.fail && err != nil:
			t.Errorf("%s (%s): %v", name, art.how, err)
		}
	}
}

var virtualArtifact = []byte("made by sigstore-go's VirtualSigstore\n")

// virtualSigstoreBundle signs a statement with sigstore-go's in-process
// VirtualSigstore (pkg/testing/ca) and turns its test entity into a v0.3
// bundle, with a trusted root made of its authorities. Its log entries
// carry an inclusion proof but no promise, so the time comes from its
// timestamp authority.
func virtualSigstoreBundle(t *testing.T) (*ca.VirtualSigstore, *protobundle.Bundle, *sigstore.TrustedRoot) {
	t.Helper()
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	entity, err := vs.AttestAtTime("dev@example.com", "https://issuer.example", statementFor(virtualArtifact), time.Now().Add(time.Minute), true)
	if err != nil {
		t.Fatal(err)
	}
	vc, _ := entity.VerificationContent()
	sc, _ := entity.SignatureContent()
	raw := sc.EnvelopeContent().RawEnvelope()
	payload, err := base64.StdEncoding.DecodeString(raw.Payload)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := base64.StdEncoding.DecodeString(raw.Signatures[0].Sig)
	if err != nil {
		t.Fatal(err)
	}
	tsrs, _ := entity.Timestamps()
	entries, _ := entity.TlogEntries()
	pb := &protobundle.Bundle{
		MediaType: bundle.MediaTypeV03,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: vc.Certificate().Raw}},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload: payload, PayloadType: raw.PayloadType, Signatures: []*protodsse.Signature{{Sig: sig}},
		}},
	}
	for _, tsr := range tsrs {
		if pb.VerificationMaterial.TimestampVerificationData == nil {
			pb.VerificationMaterial.TimestampVerificationData = &protobundle.TimestampVerificationData{}
		}
		pb.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps = append(pb.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps,
			&protocommon.RFC3161SignedTimestamp{SignedTimestamp: tsr})
	}
	for _, e := range entries {
		tle := proto.Clone(e.TransparencyLogEntry()).(*protorekor.TransparencyLogEntry)
		tle.KindVersion = &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"}
		pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, tle)
	}
	spec := sigstore.TrustedRootSpec{}
	for _, a := range vs.FulcioCertificateAuthorities() {
		f := a.(*root.FulcioCertificateAuthority)
		spec.CertificateAuthorities = append(spec.CertificateAuthorities, sigstore.CertificateAuthority{URI: f.URI, Root: f.Root, Intermediates: f.Intermediates, ValidFrom: f.ValidityPeriodStart, ValidUntil: f.ValidityPeriodEnd})
	}
	for _, a := range vs.TimestampingAuthorities() {
		f := a.(*root.SigstoreTimestampingAuthority)
		spec.TimestampAuthorities = append(spec.TimestampAuthorities, sigstore.TimestampAuthority{URI: f.URI, Root: f.Root, Intermediates: f.Intermediates, Leaf: f.Leaf, ValidFrom: f.ValidityPeriodStart, ValidUntil: f.ValidityPeriodEnd})
	}
	for _, l := range vs.RekorLogs() {
		spec.TransparencyLogs = append(spec.TransparencyLogs, sigstore.TransparencyLog{BaseURL: l.BaseURL, PublicKey: l.PublicKey, ValidFrom: l.ValidityPeriodStart, ValidUntil: l.ValidityPeriodEnd})
	}
	tr, err := sigstore.NewTrustedRoot(spec)
	if err != nil {
		t.Fatal(err)
	}
	return vs, pb, tr
}

var zeroTime time.Time

// sigstoreVerifier is what the Sigstore tests verify with: verify.Verify
// under a trust of a sigstore.Authority for one trusted root.
type sigstoreVerifier struct{ trust *verify.Trust }

// newSigstoreVerifier builds it from a trusted root and options of both
// kinds: sigstore.Option for the authority, verify.Option for the trust.
func newSigstoreVerifier(tr *sigstore.TrustedRoot, opts ...any) (*sigstoreVerifier, error) {
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
	return &sigstoreVerifier{trust: trust}, nil
}

func (v *sigstoreVerifier) Verify(ctx context.Context, b *bundle.Bundle, artifact verify.ArtifactPolicy, identity verify.IdentityPolicy) (*verify.Result, error) {
	if v == nil {
		return verify.Verify(ctx, verify.FromBundle(b), nil, artifact, identity)
	}
	if b == nil {
		return nil, fmt.Errorf("%w: nil bundle", verify.ErrMalformed)
	}
	return verify.Verify(ctx, verify.FromBundle(b), v.trust, artifact, identity)
}

func (v *sigstoreVerifier) VerifyJSON(ctx context.Context, data []byte, artifact verify.ArtifactPolicy, identity verify.IdentityPolicy) (*verify.Result, error) {
	var trust *verify.Trust
	if v != nil {
		trust = v.trust
	}
	return verify.Verify(ctx, verify.FromJSON(data), trust, artifact, identity)
}

// withRoot is verify.WithAuthority for an authority of tr with default
// options.
func withRoot(tr *sigstore.TrustedRoot) verify.Option {
	a, err := sigstore.NewAuthority(tr)
	if err != nil {
		return verify.WithAuthority(nil) // refused by NewTrust
	}
	return verify.WithAuthority(a)
}
