package sigstore_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func conformanceNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(sigstoretest.ConformanceDir, "bundle-verify"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) != 70 {
		t.Fatalf("%d conformance vectors, want 70", len(names))
	}
	return names
}

// TestConformanceVectors runs every sigstore-conformance bundle-verify
// vector through the API, with the artifact as bytes and as a digest:
// the 140 cases of testdata/conformance/run.sh, in process.
func TestConformanceVectors(t *testing.T) {
	sigstoretest.DenyNetwork(t)
	for _, name := range conformanceNames(t) {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

// sigstoreGoDecision verifies a vector with sigstore-go directly,
// configured as the conformance client configures ours.
func sigstoreGoDecision(t *testing.T, c *sigstoretest.Conformance, dir string) error {
	t.Helper()
	tr, err := root.NewTrustedRootFromJSON(c.RootJSON)
	if err != nil {
		return err
	}
	var b sgbundle.Bundle
	if err := b.UnmarshalJSON(bytes.Clone(c.Bundle)); err != nil {
		return err
	}
	var tm root.TrustedMaterial = tr
	var pol []sgverify.PolicyOption
	// SCTs apply to certificates; sigstore-go refuses a key-signed bundle
	// outright when they are required, so they are required only for
	// certificate vectors (as its conformance client does).
	opts := []sgverify.VerifierOption{sgverify.WithTransparencyLog(1), sgverify.WithObserverTimestamps(1)}
	if kb, err := os.ReadFile(filepath.Join(dir, "key.pub")); err == nil {
		pub, err := cryptoutils.UnmarshalPEMToPublicKey(kb)
		if err != nil {
			return err
		}
		v, err := signature.LoadDefaultVerifier(pub)
		if err != nil {
			return err
		}
		tm = root.TrustedMaterialCollection{tr, root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
			return root.NewExpiringKey(v, time.Time{}, time.Time{}), nil
		})}
		pol = append(pol, sgverify.WithKey())
	} else {
		ci, err := sgverify.NewShortCertificateIdentity(c.Issuer, "", c.SAN, "")
		if err != nil {
			return err
		}
		pol = append(pol, sgverify.WithCertificateIdentity(ci))
		opts = append(opts, sgverify.WithSignedCertificateTimestamps(1))
	}
	v, err := sgverify.NewVerifier(tm, opts...)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(c.Artifact)
	_, err = v.Verify(&b, sgverify.NewPolicy(sgverify.WithArtifactDigest("sha256", sum[:]), pol...))
	return err
}

// TestAdversarial_C112_DifferentialSigstoreGo compares every decision
// with sigstore-go's on the conformance vectors and on the real bundles
// of slsa-verifier and ampel. Where Chainmail is stricter on purpose,
// the case is listed with the reason; any other difference fails.
func TestAdversarial_C112_DifferentialSigstoreGo(t *testing.T) {
	// Decisions that differ from sigstore-go's, and why (the triage).
	triage := map[string]string{}
	for _, name := range conformanceNames(t) {
		t.Run(name, func(t *testing.T) {
			c := sigstoretest.LoadConformance(t, name)
			ours := c.Run(t, sigstoretest.ArtifactDigest(t, c.Artifact))
			theirs := sigstoreGoDecision(t, c, filepath.Join(sigstoretest.ConformanceDir, "bundle-verify", name))
			if (ours == nil) != (theirs == nil) {
				if why, ok := triage[name]; ok {
					t.Logf("differs from sigstore-go (triaged: %s): ours %v, sigstore-go %v", why, ours, theirs)
					return
				}
				t.Errorf("differs from sigstore-go: ours %v, sigstore-go %v", ours, theirs)
			}
		})
	}

	// Real bundles from other projects, against the production root:
	// the expected outcome is the one their own tests assert.
	prod, err := os.ReadFile(filepath.Join(sigstoretest.ConformanceDir, "production_trusted_root.json"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sigstore.ParseTrustedRoot(prod)
	if err != nil {
		t.Fatal(err)
	}
	sgRoot, err := root.NewTrustedRootFromJSON(prod)
	if err != nil {
		t.Fatal(err)
	}
	const vectors = "../testdata/vectors/attest"
	for _, tc := range []struct {
		path string
		ok   bool
		// why Chainmail decides otherwise than sigstore-go, if it does.
		triage string
	}{
		// slsa-verifier's tests check its bundle layer only: the statement
		// inside has an empty predicateType, which the in-toto spec does
		// not allow and Chainmail's statement parser refuses.
		{"slsa-verifier/bundle/valid.intoto.sigstore", false, "statement with an empty predicateType"},
		{"slsa-verifier/bundle/valid-v0.3.intoto.sigstore", true, ""},
		{"slsa-verifier/bundle/attestation.intoto.sigstore", true, ""},
		{"slsa-verifier/bundle/mismatch-tlog.intoto.sigstore", false, ""},
		{"slsa-verifier/bundle/invalid-set.intoto.sigstore", false, ""},
		{"slsa-verifier/bundle/invalid-dsse-sig.intoto.sigstore", false, ""},
		{"slsa-verifier/gha_container-based/v1.10.0/binary-linux-amd64-push-v14.intoto.build.slsa", true, ""},
		{"slsa-verifier/gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa", true, ""},
		{"slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl", true, ""},
		{"slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl", true, ""},
		// GitHub artifact attestations of public repositories, signed by
		// the public-good instance.
		{"slsa-verifier/bcr/MODULE.bazel.intoto.jsonl", true, ""},
		{"slsa-verifier/bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl", true, ""},
		{"ampel/github-actions-bundle.json", true, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(vectors, tc.path))
			if err != nil {
				t.Fatal(err)
			}
			if !bundle.IsBundle(data) {
				t.Fatal("not a bundle")
			}
			v, err := sigstoretest.NewVerifier(tr, verify.WithMinBundleVersion("v0.1"))
			if err != nil {
				t.Fatal(err)
			}
			res, ours := v.VerifyJSON(t.Context(), data, verify.WithoutArtifactUnsafe(), verify.WithoutIdentityUnsafe())
			sigstoretest.CheckOutcome(t, res, ours)
			sv, err := sgverify.NewVerifier(sgRoot, sgverify.WithTransparencyLog(1), sgverify.WithObserverTimestamps(1), sgverify.WithSignedCertificateTimestamps(1))
			if err != nil {
				t.Fatal(err)
			}
			var theirs error
			var b sgbundle.Bundle
			if theirs = b.UnmarshalJSON(compactBytes(data)); theirs == nil {
				_, theirs = sv.Verify(&b, sgverify.NewPolicy(sgverify.WithoutArtifactUnsafe(), sgverify.WithoutIdentitiesUnsafe()))
			}
			if (ours == nil) != tc.ok {
				t.Errorf("ours: %v; want ok=%v", ours, tc.ok)
			}
			if (ours == nil) != (theirs == nil) {
				if tc.triage != "" {
					t.Logf("differs from sigstore-go (triaged: %s): ours %v, sigstore-go %v", tc.triage, ours, theirs)
				} else {
					t.Errorf("differs from sigstore-go: ours %v, sigstore-go %v", ours, theirs)
				}
			}
			if res != nil {
				t.Logf("verified: %s (%s), %d log entries, times %v", res.Identity().SAN, res.Identity().Issuer, len(res.LogEntries), res.Times)
			}
		})
	}
}

func compactBytes(data []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, data) != nil {
		return data
	}
	return buf.Bytes()
}

var _ = strings.TrimSpace
