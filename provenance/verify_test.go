package provenance_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/policytest"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/provenance"
	"github.com/chainmail-dev/chainmail/verify"
)

const goBuilder = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml"

// signed returns the verified result of provenance of build about the
// fixture's artifact, key-signed.
func signed(t *testing.T, f *policytest.Fixture, b *provenance.Build) *verify.Result {
	t.Helper()
	st, err := b.Statement([]attest.ResourceDescriptor{attest.Subject(policytest.ArtifactName, f.Artifact)}, provenance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f.Result(t, st, policytest.T0.Add(-1), 0)
}

func gitHubBuild(t *testing.T, mutate func(provenance.Environment)) *provenance.Build {
	t.Helper()
	env := gitHubEnv()
	if mutate != nil {
		mutate(env)
	}
	b, err := provenance.GitHubActions(env)
	if err != nil {
		t.Fatal(err)
	}
	b.BuilderID = goBuilder + "@refs/tags/v2.1.0" // a reusable workflow's id, as slsa-github-generator's
	return b
}

// TestVerifyRequirements: generated provenance verifies; each tampered
// or confused field is rejected with its typed error (SECURITY.md C75,
// C76).
func TestVerifyRequirements(t *testing.T) {
	f := policytest.New(t, 1)
	good := signed(t, f, gitHubBuild(t, nil))
	base := provenance.Requirements{SourceURI: "github.com/org/repo", BuilderID: goBuilder, SourceTag: "v1.2.3",
		WorkflowPath: ".github/workflows/release.yml", BuildType: provenance.BuildTypeGitHubWorkflow, SemverTag: true}
	artifact := digest.NewSet(f.Artifact)
	if d, err := provenance.Verify(artifact, []*verify.Result{good}, base, policytest.T0); err != nil || !d.Allowed {
		t.Fatalf("good provenance: %v", err)
	}
	// Without a builder id, the builder must be in the registry.
	if _, err := provenance.Verify(artifact, []*verify.Result{good}, provenance.Requirements{SourceURI: "github.com/org/repo"}, policytest.T0); err != nil {
		t.Errorf("registered builder: %v", err)
	}
	for _, tc := range []struct {
		name string
		req  func(*provenance.Requirements)
		res  *verify.Result
		kind error
	}{
		{"C76 wrong source", func(r *provenance.Requirements) { r.SourceURI = "github.com/org/repo-fork" }, good, policy.ErrSource},
		{"C76 source case", func(r *provenance.Requirements) { r.SourceURI = "github.com/ORG/repo" }, good, policy.ErrSource},
		{"branch for a tag", func(r *provenance.Requirements) { r.SourceTag = ""; r.SourceBranch = "v1.2.3" }, good, policy.ErrSource},
		{"other tag", func(r *provenance.Requirements) { r.SourceTag = "v1.2.4" }, good, policy.ErrSource},
		{"other workflow", func(r *provenance.Requirements) { r.WorkflowPath = ".github/workflows/ci.yml" }, good, policy.ErrSource},
		{"C75 builder look-alike", func(r *provenance.Requirements) { r.BuilderID = goBuilder + ".evil" }, good, policy.ErrBuilder},
		{"C75 builder prefix", func(r *provenance.Requirements) {
			r.BuilderID = strings.TrimSuffix(goBuilder, "_slsa3.yml")
		}, good, policy.ErrBuilder},
		{"other build type", func(r *provenance.Requirements) { r.BuildType = provenance.BuildTypeGitHubWorkflowLegacy }, good, policy.ErrBuildType},
		{"unregistered builder", func(r *provenance.Requirements) {
			r.BuilderID = ""
			r.Builders = slsa.Builders{"https://example.com/b": 3}
		}, good, policy.ErrBuildLevel},
		{"C75 builder at a branch", nil, signed(t, f, func() *provenance.Build {
			b := gitHubBuild(t, nil)
			b.BuilderID = goBuilder + "@refs/heads/main"
			return b
		}()), policy.ErrBuilder},
		{"branch build for a tag policy", nil, signed(t, f, gitHubBuild(t, func(e provenance.Environment) {
			e["GITHUB_REF"] = "refs/heads/v1.2.3"
		})), policy.ErrSource},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			if tc.req != nil {
				tc.req(&r)
			}
			d, err := provenance.Verify(artifact, []*verify.Result{tc.res}, r, policytest.T0)
			if err == nil || !errors.Is(err, policy.ErrDenied) || !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want ErrDenied and %v", err, tc.kind)
			}
			if d == nil || d.Allowed || len(d.Reasons()) == 0 {
				t.Errorf("decision %+v", d)
			}
		})
	}
	// Another artifact's digest: the evidence refuses the result.
	other := digest.NewSet(policytest.Sum(t, "other"))
	if _, err := provenance.Verify(other, []*verify.Result{good}, base, policytest.T0); !errors.Is(err, policy.ErrEvidence) {
		t.Errorf("wrong digest: %v", err)
	}
	// Requirements that ask for nothing are refused.
	for _, r := range []provenance.Requirements{{}, {SourceURI: "github.com/org/repo", SourceTag: "v1", SourceBranch: "main"}} {
		if _, err := r.Policy(); !errors.Is(err, policy.ErrInvalidPolicy) {
			t.Errorf("%+v: %v", r, err)
		}
	}
}

// TestAdversarial_C78_V02BodyUnderV1Type: a v0.2 predicate signed under
// the v1 predicate type, and the reverse, are errors, never read as
// either; so is a v1 predicate without its externalParameters.
func TestAdversarial_C78_V02BodyUnderV1Type(t *testing.T) {
	f := policytest.New(t, 1)
	v02 := map[string]any{
		"builder":   map[string]any{"id": goBuilder + "@refs/tags/v2.1.0"},
		"buildType": "https://github.com/slsa-framework/slsa-github-generator/go@v1",
		"invocation": map[string]any{"configSource": map[string]any{
			"uri": "git+https://github.com/org/repo@refs/tags/v1.2.3", "digest": map[string]any{"sha1": commit}}},
	}
	v1 := policytest.Provenance(goBuilder+"@refs/tags/v2.1.0", "https://github.com/org/repo", "refs/tags/v1.2.3")
	noExt := policytest.Provenance(goBuilder+"@refs/tags/v2.1.0", "https://github.com/org/repo", "refs/tags/v1.2.3")
	delete(noExt["buildDefinition"].(map[string]any), "externalParameters")
	for _, tc := range []struct {
		name, predicateType string
		body                map[string]any
	}{
		{"v0.2 body under the v1 type", attest.PredicateSLSAProvenanceV1, v02},
		{"v1 body under the v0.2 type", attest.PredicateSLSAProvenanceV02, v1},
		{"v1 without externalParameters", attest.PredicateSLSAProvenanceV1, noExt},
	} {
		res := f.Result(t, f.Statement(t, tc.predicateType, tc.body), policytest.T0.Add(-1), 0)
		_, err := provenance.Verify(digest.NewSet(f.Artifact), []*verify.Result{res},
			provenance.Requirements{SourceURI: "github.com/org/repo", BuilderID: goBuilder}, policytest.T0)
		if !errors.Is(err, policy.ErrDenied) || !errors.Is(err, policy.ErrPredicate) {
			t.Errorf("%s: err = %v, want a predicate error", tc.name, err)
		}
	}
}

// writeGit writes a git directory's files.
func writeGit(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

func TestReadGit(t *testing.T) {
	const other = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name        string
		files       map[string]string
		commit, ref string
		err         bool
	}{
		{"loose ref", map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": commit + "\n"}, commit, "refs/heads/main", false},
		{"packed ref", map[string]string{".git/HEAD": "ref: refs/heads/main\n",
			".git/packed-refs": "# pack-refs with: peeled fully-peeled sorted\n" + other + " refs/heads/dev\n" + commit + " refs/heads/main\n^" + other + "\n"}, commit, "refs/heads/main", false},
		{"loose ref wins over packed", map[string]string{".git/HEAD": "ref: refs/heads/main", ".git/refs/heads/main": commit,
			".git/packed-refs": other + " refs/heads/main\n"}, commit, "refs/heads/main", false},
		{"detached", map[string]string{".git/HEAD": commit + "\n"}, commit, "", false},
		{"linked work tree", map[string]string{".git": "gitdir: ../repo/.git/worktrees/wt\n",
			"../repo/.git/worktrees/wt/HEAD":      "ref: refs/heads/feature\n",
			"../repo/.git/worktrees/wt/commondir": "../..\n",
			"../repo/.git/refs/heads/feature":     commit}, commit, "refs/heads/feature", false},
		{"ref escapes", map[string]string{".git/HEAD": "ref: refs/../../../etc/passwd"}, "", "", true},
		{"not a ref", map[string]string{".git/HEAD": "ref: HEAD"}, "", "", true},
		{"missing ref", map[string]string{".git/HEAD": "ref: refs/heads/none"}, "", "", true},
		{"garbage commit", map[string]string{".git/HEAD": "not-a-commit"}, "", "", true},
		{"upper-case commit", map[string]string{".git/HEAD": strings.ToUpper(commit)}, "", "", true},
		{"no .git", map[string]string{"README": "x"}, "", "", true},
		{"symref loop", map[string]string{".git/HEAD": "ref: refs/heads/a", ".git/refs/heads/a": "ref: refs/heads/b", ".git/refs/heads/b": "ref: refs/heads/a"}, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			wt := filepath.Join(root, "wt")
			must(t, os.MkdirAll(wt, 0o755))
			writeGit(t, wt, tc.files)
			c, ref, err := provenance.ReadGit(wt)
			if tc.err {
				if !errors.Is(err, provenance.ErrSource) {
					t.Errorf("err = %v, want ErrSource", err)
				}
				return
			}
			if err != nil || c != tc.commit || ref != tc.ref {
				t.Errorf("ReadGit = %q, %q, %v; want %q, %q", c, ref, err, tc.commit, tc.ref)
			}
		})
	}
}

// TestCheckSource: the commit in the provenance is the checkout's, not
// the environment's alone.
func TestCheckSource(t *testing.T) {
	b := gitHubBuild(t, nil)
	dir := t.TempDir()
	writeGit(t, dir, map[string]string{".git/HEAD": commit})
	if err := b.CheckSource(dir); err != nil {
		t.Errorf("same commit: %v", err)
	}
	writeGit(t, dir, map[string]string{".git/HEAD": "0123456789abcdef0123456789abcdef01234567"})
	if err := b.CheckSource(dir); !errors.Is(err, provenance.ErrSource) {
		t.Errorf("other commit: %v", err)
	}
}

// TestGeneratedReadsAsGitHubAttestation: provenance generated under
// GitHub Actions has the shape of GitHub's own artifact attestations
// (the real rules_lint one in testdata), field for field.
func TestGeneratedReadsAsGitHubAttestation(t *testing.T) {
	env := gitHubEnv()
	env["GITHUB_REPOSITORY"] = "aspect-build/rules_lint"
	env["GITHUB_REF"] = "refs/heads/publish-to-bcr"
	env["GITHUB_WORKFLOW_REF"] = "aspect-build/rules_lint/.github/workflows/release.yml@refs/heads/publish-to-bcr"
	env["GITHUB_EVENT_NAME"] = "workflow_dispatch"
	b, err := provenance.GitHubActions(env)
	if err != nil {
		t.Fatal(err)
	}
	b.BuilderID = "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0"
	d, _ := digest.Parse("sha256:1636f443b01c9ee310ee5834956d0dce374c3d3bf8d4cebc9f6b86f8304b4982")
	st, err := b.Statement([]attest.ResourceDescriptor{attest.Subject("rules_lint-v1.3.1.tar.gz", d)}, provenance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := attest.PredicateAs[attest.ProvenanceV1](st)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../testdata/vectors/attest/slsa-verifier/bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		DSSEEnvelope attest.Envelope `json:"dsseEnvelope"`
	}
	must(t, json.Unmarshal(data, &bundle))
	real, err := attest.ParseStatement(bundle.DSSEEnvelope.Payload)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := attest.PredicateAs[attest.ProvenanceV1](real)
	if err != nil {
		t.Fatal(err)
	}
	// Everything but the run's own ids (commit, run, repository ids).
	ours.BuildDefinition.ResolvedDependencies[0].Digest = theirs.BuildDefinition.ResolvedDependencies[0].Digest
	ours.BuildDefinition.InternalParameters = theirs.BuildDefinition.InternalParameters
	ours.RunDetails.Metadata = theirs.RunDetails.Metadata
	a, _ := json.Marshal(ours)
	b2, _ := json.Marshal(theirs)
	if string(a) != string(b2) {
		t.Errorf("generated provenance differs from GitHub's:\n ours   %s\n theirs %s", a, b2)
	}
}

// TestBuilders: the hosted-platform registry trusts GitHub workflows at
// L2 (not L3), keeps the generators at L3, and trusts no look-alike host.
func TestBuilders(t *testing.T) {
	f := policytest.New(t, 1)
	artifact := digest.NewSet(f.Artifact)
	wf := gitHubBuild(t, nil)
	wf.BuilderID = "https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1.2.3"
	gen := gitHubBuild(t, nil)
	evil := gitHubBuild(t, nil)
	evil.BuilderID = "https://github.com.evil.example/org/repo/.github/workflows/release.yml@refs/tags/v1.2.3"
	for _, tc := range []struct {
		name  string
		b     *provenance.Build
		level int
		ok    bool
	}{
		{"workflow at L2", wf, 2, true},
		{"workflow not L3", wf, 3, false},
		{"generator at L3", gen, 3, true},
		{"look-alike host", evil, 1, false},
	} {
		_, err := provenance.Verify(artifact, []*verify.Result{signed(t, f, tc.b)},
			provenance.Requirements{SourceURI: "github.com/org/repo", BuildLevel: tc.level, Builders: provenance.Builders()}, policytest.T0)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, policy.ErrBuildLevel)) {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	// Without the hosted registry, a workflow is no trusted builder.
	if _, err := provenance.Verify(artifact, []*verify.Result{signed(t, f, wf)},
		provenance.Requirements{SourceURI: "github.com/org/repo"}, policytest.T0); !errors.Is(err, policy.ErrBuildLevel) {
		t.Errorf("default registry: %v", err)
	}
	for _, bad := range []slsa.Builders{{"*": 2}, {"https://a*b*": 2}} {
		if _, err := (provenance.Requirements{SourceURI: "github.com/org/repo", Builders: bad}).Policy(); !errors.Is(err, policy.ErrInvalidPolicy) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}

// TestReadGitErrorsSaidOnce: a checkout that cannot be read says
// ErrSource once, with the file that failed.
func TestReadGitErrorsSaidOnce(t *testing.T) {
	dir := t.TempDir()
	writeGit(t, dir, map[string]string{".git/HEAD": "ref: refs/heads/main", ".git/refs/heads/main": strings.Repeat("0", 70<<10)})
	_, _, err := provenance.ReadGit(dir)
	if !errors.Is(err, provenance.ErrSource) || strings.Count(err.Error(), "provenance: source") != 1 ||
		!strings.Contains(err.Error(), filepath.Join(".git", "refs", "heads", "main")) {
		t.Errorf("err = %v", err)
	}
}
