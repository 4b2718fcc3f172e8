package provenance_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy/policytest"
	"github.com/chainmail-dev/chainmail/provenance"
	"github.com/chainmail-dev/chainmail/verify"
)

// BenchmarkGoDependencies reads the modules of a real Go binary: this
// test binary (it links package sbom's dependencies).
func BenchmarkGoDependencies(b *testing.B) {
	bin, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	deps, err := provenance.GoDependencies(bin)
	if err != nil || len(deps) == 0 {
		b.Fatalf("%d dependencies, %v", len(deps), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := provenance.GoDependencies(bin); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(deps)), "deps")
}

// BenchmarkStatement makes the statement of a build with 400 resolved
// dependencies, the size of a large Go binary's module list.
func BenchmarkStatement(b *testing.B) {
	bld, err := provenance.GitHubActions(gitHubEnv())
	if err != nil {
		b.Fatal(err)
	}
	var deps []attest.ResourceDescriptor
	for i := range 400 {
		deps = append(deps, attest.ResourceDescriptor{Name: fmt.Sprintf("example.com/m%03d", i),
			URI: fmt.Sprintf("pkg:golang/example.com/m%03d@v1.0.%d", i, i), Digest: digest.Set{"goModuleH1": fmt.Sprintf("%064x", i)}})
	}
	d, _ := digest.FromBytes([]byte("app"), digest.SHA256)
	subj := []attest.ResourceDescriptor{attest.Subject("app", d)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bld.Statement(subj, provenance.Options{Dependencies: deps}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify decides slsa-verifier's questions (source, builder,
// tag, workflow, build type) on verified key-signed provenance.
func BenchmarkVerify(b *testing.B) {
	f := policytest.New(b, 1)
	bld, err := provenance.GitHubActions(gitHubEnv())
	if err != nil {
		b.Fatal(err)
	}
	bld.BuilderID = goBuilder + "@refs/tags/v2.1.0"
	st, err := bld.Statement([]attest.ResourceDescriptor{attest.Subject(policytest.ArtifactName, f.Artifact)}, provenance.Options{})
	if err != nil {
		b.Fatal(err)
	}
	res := f.Result(b, st, policytest.T0.Add(-1), 0)
	req := provenance.Requirements{SourceURI: "github.com/org/repo", BuilderID: goBuilder, SourceTag: "v1.2.3",
		WorkflowPath: ".github/workflows/release.yml", BuildType: provenance.BuildTypeGitHubWorkflow}
	set := digest.NewSet(f.Artifact)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := provenance.Verify(set, []*verify.Result{res}, req, policytest.T0); err != nil {
			b.Fatal(err)
		}
	}
}
