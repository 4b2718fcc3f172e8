// Package testvectors reads the project's real test vectors for tests:
// the public-good Sigstore trusted root of the conformance suite, and the
// subject digest a bundle's statement names. It is a test helper like
// internal/sigstoretest: no library package imports it.
package testvectors

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// Root returns the absolute path of name under the module's root, e.g.
// Root("testdata/vectors/attest/slsa-verifier").
func Root(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(name))
}

// ProductionTrust returns a verify.Trust of the public-good Sigstore
// trusted root (testdata/conformance/assets/production_trusted_root.json),
// accepting bundles from v0.1 on, for verifying real bundles offline.
func ProductionTrust(t testing.TB) *verify.Trust {
	t.Helper()
	tr, err := sigstore.LoadTrustedRoot(Root("testdata/conformance/assets/production_trusted_root.json"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := sigstore.NewAuthority(tr)
	if err != nil {
		t.Fatal(err)
	}
	trust, err := verify.NewTrust(verify.WithAuthority(a), verify.WithMinBundleVersion("v0.1"))
	if err != nil {
		t.Fatal(err)
	}
	return trust
}

// StatementSHA256 reads the first subject's sha256 from a bundle's DSSE
// statement, unverified: it stands in for the digest of an artifact file
// the vectors do not include, and verification then checks it.
func StatementSHA256(t testing.TB, bundleJSON []byte) digest.Digest {
	t.Helper()
	var b struct {
		DSSEEnvelope struct {
			Payload string `json:"payload"`
		} `json:"dsseEnvelope"`
	}
	if err := json.Unmarshal(bundleJSON, &b); err != nil {
		t.Fatal(err)
	}
	payload, err := base64.StdEncoding.DecodeString(b.DSSEEnvelope.Payload)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Subject []struct {
			Digest map[string]string `json:"digest"`
		} `json:"subject"`
	}
	if err := json.Unmarshal(payload, &st); err != nil || len(st.Subject) == 0 {
		t.Fatalf("statement: %v", err)
	}
	d, err := digest.Parse("sha256:" + st.Subject[0].Digest["sha256"])
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// ReadFile reads a file of the module, failing the test if it cannot.
func ReadFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(Root(name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
