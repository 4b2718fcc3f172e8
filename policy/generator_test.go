package policy_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/internal/testvectors"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/verify"
)

const generatorVectors = "testdata/vectors/attest/slsa-verifier"

// generatorEvidence verifies a real bundle of slsa-github-generator's
// builders offline against the production trusted root, signed by a
// workflow of slsa-framework/slsa-github-generator, about the artifact
// file or, where the artifact was not copied, the sha256 its statement
// names.
func generatorEvidence(t *testing.T, bundleFile, artifactFile string) *policy.Evidence {
	t.Helper()
	if artifactFile != "" {
		artifactFile = generatorVectors + "/" + artifactFile
	}
	res, set, err := testvectors.Verify(t, generatorVectors+"/"+bundleFile, artifactFile,
		testvectors.GitHubWorkflows(t, `https://github\.com/slsa-framework/slsa-github-generator/\.github/workflows/.*`))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := policy.NewEvidence(set, []*verify.Result{res})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestRealGeneratorProvenanceGolden decides real provenance of three
// slsa-github-generator builders (SLSA v1 from the maven and
// container-based builders, v0.2 from the generic generator) with one
// release policy per builder, and compares the decisions with the golden
// files in testdata/. The expected outcomes are slsa-verifier's
// (../shared/vectors/attest/INDEX.md): each verifies for source
// github.com/slsa-framework/example-package with its own builder, at
// build level 3 by the default builder registry; the push-v14 builds are
// at the semantic-version tag v14 only in name (not vX.Y.Z); another
// builder's policy denies with ErrBuilder.
func TestRealGeneratorProvenanceGolden(t *testing.T) {
	const (
		gen       = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"
		maven     = gen + "builder_maven_slsa3.yml"
		container = gen + "builder_container-based_slsa3.yml"
		generic   = gen + "generator_generic_slsa3.yml"
	)
	decisionTime := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, bundle, artifact, builder string
		allow                           bool
		kinds                           []error
	}{
		{"maven-allow", "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
			"gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch", maven, true, nil},
		{"container-based-allow", "gha_container-based/v1.10.0/binary-linux-amd64-push-v14.intoto.build.slsa",
			"gha_container-based/v1.10.0/binary-linux-amd64-push-v14", container, true, nil},
		{"generic-v0.2-allow", "gha_generic/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl", "", generic, true, nil},
		{"maven-as-container-deny", "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
			"gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch", container, false, []error{policy.ErrBuilder}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := generatorEvidence(t, tc.bundle, tc.artifact)
			p, err := policy.New("example-package-release", policy.Named("provenance",
				"built by slsa-github-generator at SLSA build level 3 from slsa-framework/example-package",
				slsa.Require(
					slsa.BuilderID(tc.builder),
					slsa.SourceRepo("github.com/slsa-framework/example-package"),
					slsa.BuildLevel(3, slsa.DefaultBuilders()),
					slsa.SourceMatchesCertificate(),
				)))
			if err != nil {
				t.Fatal(err)
			}
			d, err := p.Explain(ev, decisionTime)
			if d.Allowed != tc.allow || (err == nil) != tc.allow {
				t.Fatalf("allowed = %v, err = %v; want allowed = %v\n%s", d.Allowed, err, tc.allow, d.Text())
			}
			for _, k := range tc.kinds {
				if !errors.Is(err, k) {
					t.Errorf("%v does not match %v", err, k)
				}
			}
			golden(t, filepath.Join("testdata", "generator-"+tc.name+".txt"), []byte(d.Text()))
		})
	}
}
