package provenance_test

import (
	"errors"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/internal/testvectors"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/provenance"
	"github.com/chainmail-dev/chainmail/verify"
)

const vectors = "testdata/vectors/attest/slsa-verifier/"

// TestRealProvenance verifies slsa-verifier's real signed provenance
// (../shared/vectors/attest/INDEX.md) offline against the public-good
// trusted root, at the signing times its transparency log entries prove,
// with slsa-verifier's expected outcomes: each verifies for its source
// and builder; MODULE.bazel is not built by release_ruleset.yaml; the
// wrong-signer copy is signed by an untrusted workflow.
func TestRealProvenance(t *testing.T) {
	// Any GitHub Actions workflow may sign: the requirements decide
	// which builder is trusted, as slsa-verifier does.
	anyWorkflow := testvectors.GitHubWorkflows(t, `https://github\.com/.+`)
	const (
		gen     = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"
		ruleset = "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml"
		publish = "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml"
		example = "github.com/slsa-framework/example-package"
	)
	for _, tc := range []struct {
		name, bundle, artifact string
		req                    provenance.Requirements
		kinds                  []error // nil: allowed
	}{
		{"bcr rules_lint", "bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl", "bcr/rules_lint-v1.3.1.tar.gz",
			provenance.Requirements{SourceURI: "github.com/aspect-build/rules_lint", BuilderID: ruleset}, nil},
		{"bcr MODULE.bazel", "bcr/MODULE.bazel.intoto.jsonl", "bcr/MODULE.bazel",
			provenance.Requirements{SourceURI: "github.com/aspect-build/rules_lint", BuilderID: publish}, nil},
		{"bcr MODULE.bazel is not release_ruleset's", "bcr/MODULE.bazel.intoto.jsonl", "bcr/MODULE.bazel",
			provenance.Requirements{SourceURI: "github.com/aspect-build/rules_lint", BuilderID: ruleset}, []error{policy.ErrBuilder}},
		{"bcr wrong signer", "bcr/MODULE-wrong-signer.bazel.intoto.jsonl", "bcr/MODULE-wrong-signer.bazel",
			provenance.Requirements{SourceURI: "github.com/aspect-build/rules_lint", BuilderID: publish}, []error{policy.ErrBuilder}},
		{"bcr without a builder id: not a registered builder", "bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl", "bcr/rules_lint-v1.3.1.tar.gz",
			provenance.Requirements{SourceURI: "github.com/aspect-build/rules_lint"}, []error{policy.ErrBuildLevel}},
		{"maven builder", "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa", "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch",
			provenance.Requirements{SourceURI: example, BuilderID: gen + "builder_maven_slsa3.yml", SourceBranch: "main", BuildLevel: 3}, nil},
		{"maven builder signed by an untrusted delegator", "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa", "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch",
			provenance.Requirements{SourceURI: example, BuilderID: gen + "builder_maven_slsa3.yml", Delegators: []string{gen + "delegator_generic_slsa3.yml"}}, []error{policy.ErrBuilder}},
		{"container-based builder at tag v14", "gha_container-based/v1.10.0/binary-linux-amd64-push-v14.intoto.build.slsa",
			"gha_container-based/v1.10.0/binary-linux-amd64-push-v14",
			provenance.Requirements{SourceURI: example, BuilderID: gen + "builder_container-based_slsa3.yml", SourceTag: "v14"}, nil},
		{"container-based builder is not at tag v13", "gha_container-based/v1.10.0/binary-linux-amd64-push-v14.intoto.build.slsa",
			"gha_container-based/v1.10.0/binary-linux-amd64-push-v14",
			provenance.Requirements{SourceURI: example, BuilderID: gen + "builder_container-based_slsa3.yml", SourceTag: "v13"}, []error{policy.ErrSource}},
		{"generic generator v0.2 at tag v14", "gha_generic/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl", "",
			provenance.Requirements{SourceURI: example, SourceTag: "v14", BuildLevel: 3}, nil},
		{"generic generator v0.2, another repository", "gha_generic/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl", "",
			provenance.Requirements{SourceURI: "github.com/slsa-framework/example-package-fork", SourceTag: "v14"}, []error{policy.ErrSource}},
		{"generic generator v0.2 on a workflow dispatch", "gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl", "",
			provenance.Requirements{SourceURI: example, BuilderID: gen + "generator_generic_slsa3.yml"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			artifact := tc.artifact
			if artifact != "" {
				artifact = vectors + artifact
			}
			res, set, err := testvectors.Verify(t, vectors+tc.bundle, artifact, anyWorkflow)
			if err != nil {
				t.Fatal(err)
			}
			d, err := provenance.Verify(set, []*verify.Result{res}, tc.req, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			if tc.kinds == nil {
				if err != nil {
					t.Fatalf("denied: %v\n%s", err, d.Text())
				}
				return
			}
			for _, k := range append([]error{policy.ErrDenied}, tc.kinds...) {
				if !errors.Is(err, k) {
					t.Errorf("err = %v, want %v", err, k)
				}
			}
		})
	}
}

// TestAdversarial_C75_BuildSignerIsAnotherWorkflow: real provenance whose
// builder id is the expected builder (slsa-github-generator's maven
// builder) but whose certificate's Build Signer URI is another workflow
// (the BYOB delegator) verifies only when that workflow is a trusted
// delegator; otherwise it is rejected with ErrBuilder.
func TestAdversarial_C75_BuildSignerIsAnotherWorkflow(t *testing.T) {
	art := vectors + "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch"
	res, set, err := testvectors.Verify(t, art+".build.slsa", art, testvectors.GitHubWorkflows(t, `https://github\.com/.+`))
	if err != nil {
		t.Fatal(err)
	}
	const maven = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_maven_slsa3.yml"
	for _, tc := range []struct {
		name       string
		delegators []string
		ok         bool
	}{
		{"default delegators", nil, true},
		{"no delegator trusted", []string{}, false},
		{"another delegator trusted", []string{"https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_generic_slsa3.yml"}, false},
	} {
		_, err := provenance.Verify(set, []*verify.Result{res}, provenance.Requirements{
			SourceURI: "github.com/slsa-framework/example-package", BuilderID: maven, Delegators: tc.delegators}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, policy.ErrBuilder)) {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

// TestRealWrongSignerFailsOnIdentity: slsa-verifier's wrong-signer copy of
// a GitHub artifact attestation fails on identity when the verifier pins
// the workflow that may sign (publish-to-bcr's), while the right one
// verifies.
func TestRealWrongSignerFailsOnIdentity(t *testing.T) {
	id := testvectors.GitHubWorkflows(t, `https://github\.com/bazel-contrib/publish-to-bcr/\.github/workflows/publish\.yaml@.+`)
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"MODULE.bazel", true}, {"MODULE-wrong-signer.bazel", false}} {
		_, _, err := testvectors.Verify(t, vectors+"bcr/"+tc.name+".intoto.jsonl", vectors+"bcr/"+tc.name, id)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, verify.ErrIdentity)) {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
