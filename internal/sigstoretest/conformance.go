package sigstoretest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// The Sigstore conformance vectors (testdata/conformance/assets), real
// bundles from the public-good and staging instances, as seen from a
// package directory of the module.
const (
	ConformanceDir     = "../testdata/conformance/assets"
	ConformanceSAN     = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
	ConformanceIssuer  = "https://token.actions.githubusercontent.com"
	ConformanceVersion = "v0.1"
)

// Conformance is one bundle-verify conformance vector.
type Conformance struct {
	Name     string
	Bundle   []byte
	Artifact []byte
	// Root is the vector's trusted root, or RootErr why it does not
	// parse; RootJSON is its JSON.
	Root     *sigstore.TrustedRoot
	RootErr  error
	RootJSON []byte
	// Key is the vector's trusted key, if any, or KeyErr why it does not
	// parse.
	Key    *verify.PublicKey
	KeyErr error
	// SAN and Issuer are the expected identity.
	SAN    string
	Issuer string
	// Fail says the vector must be rejected.
	Fail bool
}

// LoadConformance reads the vector called name.
func LoadConformance(t testing.TB, name string) *Conformance {
	t.Helper()
	dir := filepath.Join(ConformanceDir, "bundle-verify", name)
	c := &Conformance{Name: name, SAN: ConformanceSAN, Issuer: ConformanceIssuer, Fail: strings.HasSuffix(name, "_fail")}
	var err error
	if c.Bundle, err = os.ReadFile(filepath.Join(dir, "bundle.sigstore.json")); err != nil {
		t.Fatal(err)
	}
	art := filepath.Join(dir, "artifact")
	if _, err := os.Stat(art); err != nil {
		art = filepath.Join(ConformanceDir, "bundle-verify", "a.txt")
	}
	if c.Artifact, err = os.ReadFile(art); err != nil {
		t.Fatal(err)
	}
	tr := filepath.Join(dir, "trusted_root.json")
	if _, err := os.Stat(tr); err != nil {
		tr = filepath.Join(ConformanceDir, "production_trusted_root.json")
	}
	if c.RootJSON, err = os.ReadFile(tr); err != nil {
		t.Fatal(err)
	}
	c.Root, c.RootErr = sigstore.ParseTrustedRoot(c.RootJSON)
	if data, err := os.ReadFile(filepath.Join(dir, "key.pub")); err == nil {
		c.Key, c.KeyErr = verify.ParsePublicKey(data)
		if c.KeyErr == nil && c.Key == nil {
			t.Fatal("nil key")
		}
		c.SAN, c.Issuer = "", ""
	}
	if data, err := os.ReadFile(filepath.Join(dir, "identity")); err == nil {
		c.SAN = strings.TrimSpace(string(data))
	}
	if data, err := os.ReadFile(filepath.Join(dir, "issuer")); err == nil {
		c.Issuer = strings.TrimSpace(string(data))
	}
	return c
}

// Identity is the vector's identity (or key) policy.
func (c *Conformance) Identity(t testing.TB) verify.IdentityPolicy {
	t.Helper()
	if c.Key != nil {
		p, err := verify.NewKeyPolicy(c.Key)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: c.SAN, Issuer: c.Issuer})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Verifier is a Verifier of the vector's trusted root, configured as the
// conformance client configures it.
func (c *Conformance) Verifier(t testing.TB) *Verifier {
	t.Helper()
	if c.RootErr != nil {
		t.Fatalf("trusted root: %v", c.RootErr)
	}
	v, err := NewVerifier(c.Root, verify.WithMinBundleVersion(ConformanceVersion))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Proto is the vector's bundle, to change.
func (c *Conformance) Proto(t testing.TB) *protobundle.Bundle {
	t.Helper()
	pb := new(protobundle.Bundle)
	if err := protojson.Unmarshal(c.Bundle, pb); err != nil {
		t.Fatal(err)
	}
	return pb
}

// Run verifies the vector as the conformance client does and returns the
// error (nil: verified). Key and trusted-root errors count as rejections.
func (c *Conformance) Run(t testing.TB, art verify.ArtifactPolicy) error {
	t.Helper()
	if c.RootErr != nil {
		return c.RootErr
	}
	if c.KeyErr != nil {
		return c.KeyErr
	}
	res, err := c.Verifier(t).VerifyJSON(t.Context(), c.Bundle, art, c.Identity(t))
	CheckOutcome(t, res, err)
	return err
}

// ConformanceCase checks the vector called name against its expected
// outcome, with the artifact given as a file's bytes and as a digest.
func ConformanceCase(t *testing.T, name string) {
	t.Helper()
	c := LoadConformance(t, name)
	for _, art := range []struct {
		how string
		p   verify.ArtifactPolicy
	}{{"bytes", verify.WithArtifact(bytes.NewReader(c.Artifact))}, {"digest", ArtifactDigest(t, c.Artifact)}} {
		err := c.Run(t, art.p)
		switch {
		case c.Fail && err == nil:
			t.Errorf("%s (%s): verified; want rejection", name, art.how)
		case !c.Fail && err != nil:
			t.Errorf("%s (%s): %v", name, art.how, err)
		}
	}
}
