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

// Verify verifies the real bundle at name (a path under the module root,
// e.g. "testdata/vectors/attest/slsa-verifier/bcr/MODULE.bazel.intoto.jsonl")
// offline against ProductionTrust with identity, about the artifact file
// at artifact or, when artifact is "", about the sha256 the bundle's
// statement names (StatementSHA256). It returns the error of verification
// with the result, and the artifact's digest set.
func Verify(t testing.TB, name, artifact string, identity verify.IdentityPolicy) (*verify.Result, digest.Set, error) {
	t.Helper()
	data := ReadFile(t, name) // as distributed: Result.Input is the digest of these bytes
	var art verify.ArtifactPolicy
	var set digest.Set
	if artifact != "" {
		path := Root(artifact)
		art = verify.WithArtifactFile(path)
		var err error
		if set, err = digest.SetFromFile(path, digest.SHA256); err != nil {
			t.Fatal(err)
		}
	} else {
		d := StatementSHA256(t, data)
		art, set = verify.WithArtifactDigest(d), digest.NewSet(d)
	}
	res, err := verify.Verify(t.Context(), verify.FromJSON(data), ProductionTrust(t), art, identity)
	return res, set, err
}

// GitHubWorkflows is an identity policy of GitHub Actions workflows whose
// certificate SAN matches sanRegexp (anchored RE2).
func GitHubWorkflows(t testing.TB, sanRegexp string) verify.IdentityPolicy {
	t.Helper()
	id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SANRegexp: sanRegexp, Issuer: "https://token.actions.githubusercontent.com"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
