package policy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/testvectors"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/verify"
)

var update = flag.Bool("update", false, "rewrite the golden decisions in testdata/")

const bcr = "testdata/vectors/attest/slsa-verifier/bcr"

// realEvidence verifies a real public-good bundle (GitHub artifact
// attestations, SLSA provenance v1) offline against the production
// trusted root, and returns the evidence about its artifact.
func realEvidence(t *testing.T, artifact, bundleFile string) *policy.Evidence {
	t.Helper()
	res, set, err := testvectors.Verify(t, bcr+"/"+bundleFile, bcr+"/"+artifact,
		testvectors.GitHubWorkflows(t, `https://github\.com/bazel-contrib/.*`))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := policy.NewEvidence(set, []*verify.Result{res})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// bcrPolicy is what the Bazel Central Registry asks of a release
// archive: built by its release workflow from the repository, and signed
// by that workflow's certificate.
func bcrPolicy(t *testing.T, builder string) *policy.Policy {
	t.Helper()
	p, err := policy.New("bcr-release", policy.All(
		policy.Named("provenance", "built by the BCR release workflow from aspect-build/rules_lint",
			slsa.Require(
				slsa.BuilderID(builder),
				slsa.SourceRepo("github.com/aspect-build/rules_lint"),
				slsa.BuildType("https://actions.github.io/buildtypes/workflow/v1"),
				slsa.SourceMatchesCertificate(),
			)).Remediate("publish with bazel-contrib's release_ruleset workflow"),
		policy.Named("signer", "signed by a bazel-contrib workflow on GitHub Actions",
			policy.Require("https://slsa.dev/provenance/v1", policy.SignedBy(policy.Identity(verify.CertificateIdentity{
				SANRegexp: `https://github\.com/bazel-contrib/\.github/\.github/workflows/release_ruleset\.yaml@refs/tags/v[0-9.]+`,
				Issuer:    "https://token.actions.githubusercontent.com",
			})))),
	), policy.WithVersion("1"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRealProvenanceGolden decides real signed provenance and compares
// the decisions with the golden files in testdata/ (go test -update
// rewrites them). The expected outcomes are those of slsa-verifier's
// tests (../shared/vectors/attest/INDEX.md): rules_lint's archive was
// built by release_ruleset.yaml; MODULE.bazel by publish-to-bcr's
// publish.yaml, so the release_ruleset policy denies it.
func TestRealProvenanceGolden(t *testing.T) {
	const ruleset = "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml"
	decisionTime := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, artifact, bundle string
		allow                  bool
		kinds                  []error
	}{
		{"rules_lint-allow", "rules_lint-v1.3.1.tar.gz", "rules_lint-v1.3.1.tar.gz.intoto.jsonl", true, nil},
		{"module-deny", "MODULE.bazel", "MODULE.bazel.intoto.jsonl", false, []error{policy.ErrBuilder, policy.ErrSigner}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := realEvidence(t, tc.artifact, tc.bundle)
			d, err := bcrPolicy(t, ruleset).Explain(ev, decisionTime)
			if d.Allowed != tc.allow || (err == nil) != tc.allow {
				t.Fatalf("allowed = %v, err = %v; want allowed = %v", d.Allowed, err, tc.allow)
			}
			for _, k := range tc.kinds {
				if !errors.Is(err, k) {
					t.Errorf("%v does not match %v", err, k)
				}
			}
			if err != nil {
				t.Logf("%v", err)
			}
			got, jerr := json.MarshalIndent(&d, "", "  ")
			if jerr != nil {
				t.Fatal(jerr)
			}
			golden(t, filepath.Join("testdata", tc.name+".json"), append(got, '\n'))
			golden(t, filepath.Join("testdata", tc.name+".txt"), []byte(d.Text()))
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the decision:\n%s", path, got)
	}
}

// TestRealVSAGolden consumes slsa-verifier's real, keyed VSA (offline;
// ../shared/vectors/attest/INDEX.md): verifier id, PASSED, levels BCID_L1
// and SLSA_BUILD_LEVEL_2, subject digest gce_image_id:8970095005306000053.
func TestRealVSAGolden(t *testing.T) {
	dir := "../testdata/vectors/attest/slsa-verifier/vsa/gce/v1"
	key, err := verify.LoadPublicKey(filepath.Join(dir, "vsa_signing_public_key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "gke-gce-pre.bcid-vsa.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	trust, err := verify.NewTrust(verify.WithKeys(key))
	if err != nil {
		t.Fatal(err)
	}
	res, err := verify.Verify(t.Context(), verify.FromJSON(bytes.TrimSpace(data)), trust,
		verify.WithSubjectDigest("gce_image_id", "8970095005306000053"), verify.TrustedKeys())
	if err != nil {
		t.Fatal(err)
	}
	artifact := digest.Set{"gce_image_id": "8970095005306000053"}
	if _, err := policy.NewEvidence(artifact, []*verify.Result{res}); !errors.Is(err, policy.ErrEvidence) {
		t.Errorf("an unvouched digest algorithm was accepted: %v", err)
	}
	ev, err := policy.NewEvidence(artifact, []*verify.Result{res}, policy.WithDigestAlgorithms("gce_image_id"))
	if err != nil {
		t.Fatal(err)
	}
	const bcid = "https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.1"
	for _, tc := range []struct {
		name   string
		rule   policy.Rule[attest.VSA]
		allow  bool
		golden string
	}{
		{"level 2", policy.VSAPassed(bcid, "SLSA_BUILD_LEVEL_2", "BCID_L1"), true, "vsa-allow"},
		{"level 1 is met by 2", policy.VSAPassed(bcid, "SLSA_BUILD_LEVEL_1"), true, ""},
		{"level 3", policy.VSAPassed(bcid, "SLSA_BUILD_LEVEL_3"), false, "vsa-deny"},
		{"another verifier", policy.VSAPassed("https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.2", "BCID_L1"), false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := policy.New("gce-image", policy.Named("vsa", "verified by BCID", policy.Require(attest.PredicateVSAV1, policy.Predicate(tc.rule))))
			if err != nil {
				t.Fatal(err)
			}
			d, err := p.Explain(ev, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			if d.Allowed != tc.allow || (err == nil) != tc.allow {
				t.Fatalf("allowed = %v, err = %v", d.Allowed, err)
			}
			if tc.golden != "" {
				golden(t, filepath.Join("testdata", tc.golden+".txt"), []byte(d.Text()))
			}
		})
	}
}
