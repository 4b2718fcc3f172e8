package provenance_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/provenance"
)

const commit = "8f70009fde0c94ade6ce2a054b94718c819126ec"

// gitHubEnv is a GitHub Actions runner's environment for a tag push.
func gitHubEnv() provenance.Environment {
	return provenance.Environment{
		"GITHUB_ACTIONS":             "true",
		"GITHUB_SERVER_URL":          "https://github.com",
		"GITHUB_REPOSITORY":          "org/repo",
		"GITHUB_REF":                 "refs/tags/v1.2.3",
		"GITHUB_SHA":                 commit,
		"GITHUB_WORKFLOW_REF":        "org/repo/.github/workflows/release.yml@refs/tags/v1.2.3",
		"GITHUB_RUN_ID":              "14095611671",
		"GITHUB_RUN_ATTEMPT":         "1",
		"GITHUB_EVENT_NAME":          "push",
		"GITHUB_REPOSITORY_ID":       "631710741",
		"GITHUB_REPOSITORY_OWNER_ID": "60951090",
		"RUNNER_ENVIRONMENT":         "github-hosted",
	}
}

// gitLabEnv is a GitLab CI job's environment on a branch.
func gitLabEnv() provenance.Environment {
	return provenance.Environment{
		"GITLAB_CI":          "true",
		"CI_SERVER_URL":      "https://gitlab.com",
		"CI_PROJECT_URL":     "https://gitlab.com/group/project",
		"CI_PROJECT_PATH":    "group/project",
		"CI_PROJECT_ID":      "4711",
		"CI_COMMIT_SHA":      commit,
		"CI_COMMIT_REF_NAME": "main",
		"CI_PIPELINE_ID":     "1001",
		"CI_PIPELINE_SOURCE": "push",
		"CI_JOB_ID":          "2002",
		"CI_JOB_NAME":        "build",
		"CI_JOB_URL":         "https://gitlab.com/group/project/-/jobs/2002",
		"CI_RUNNER_ID":       "12270837",
	}
}

func buildkiteEnv() provenance.Environment {
	return provenance.Environment{
		"BUILDKITE":                   "true",
		"BUILDKITE_REPO":              "git@github.com:org/repo.git",
		"BUILDKITE_COMMIT":            commit,
		"BUILDKITE_BRANCH":            "main",
		"BUILDKITE_ORGANIZATION_SLUG": "acme",
		"BUILDKITE_PIPELINE_SLUG":     "release",
		"BUILDKITE_BUILD_URL":         "https://buildkite.com/acme/release/builds/42",
		"BUILDKITE_BUILD_ID":          "0190-aaaa",
		"BUILDKITE_JOB_ID":            "0190-bbbb",
		"BUILDKITE_AGENT_ID":          "0190-cccc",
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name                                 string
		env                                  provenance.Environment
		builder, buildType, invocation, repo string
		ref                                  string
	}{
		{"github", gitHubEnv(), "https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1.2.3",
			provenance.BuildTypeGitHubWorkflow, "https://github.com/org/repo/actions/runs/14095611671/attempts/1",
			"https://github.com/org/repo", "refs/tags/v1.2.3"},
		{"gitlab", gitLabEnv(), "https://gitlab.com/group/project/-/runners/12270837", provenance.BuildTypeGitLabJob,
			"https://gitlab.com/group/project/-/jobs/2002", "https://gitlab.com/group/project", "refs/heads/main"},
		{"buildkite", buildkiteEnv(), "https://buildkite.com/acme/-/agents", provenance.BuildTypeBuildkiteJob,
			"https://buildkite.com/acme/release/builds/42#0190-bbbb", "https://github.com/org/repo", "refs/heads/main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := provenance.Detect(tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if b.BuilderID != tc.builder || b.BuildType != tc.buildType || b.InvocationID != tc.invocation ||
				b.Source != (provenance.Source{Repository: tc.repo, Ref: tc.ref, Commit: commit}) {
				t.Errorf("got %+v", b)
			}
		})
	}
	if _, err := provenance.Detect(provenance.Environment{"CI": "true"}); !errors.Is(err, provenance.ErrNoPlatform) {
		t.Errorf("no platform: %v", err)
	}
}

// TestPlatformEnvironmentErrors: a missing or malformed variable is an
// ErrEnvironment that names it, never provenance with a gap.
func TestPlatformEnvironmentErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     func() provenance.Environment
		key     string
		value   string // "" deletes
		mention string
	}{
		{"github no sha", gitHubEnv, "GITHUB_SHA", "", "GITHUB_SHA"},
		{"github short sha", gitHubEnv, "GITHUB_SHA", "8f70009", "GITHUB_SHA"},
		{"github upper sha", gitHubEnv, "GITHUB_SHA", strings.ToUpper(commit), "GITHUB_SHA"},
		{"github http server", gitHubEnv, "GITHUB_SERVER_URL", "http://github.com", "GITHUB_SERVER_URL"},
		{"github workflow of another repo", gitHubEnv, "GITHUB_WORKFLOW_REF", "evil/repo/.github/workflows/release.yml@refs/heads/main", "GITHUB_WORKFLOW_REF"},
		{"github workflow without ref", gitHubEnv, "GITHUB_WORKFLOW_REF", "org/repo/.github/workflows/release.yml", "GITHUB_WORKFLOW_REF"},
		{"github repository not owner/repo", gitHubEnv, "GITHUB_REPOSITORY", "org/repo/x", "GITHUB_REPOSITORY"},
		{"github no run id", gitHubEnv, "GITHUB_RUN_ID", "", "GITHUB_RUN_ID"},
		{"gitlab project elsewhere", gitLabEnv, "CI_PROJECT_URL", "https://gitlab.com/evil/project", "CI_PROJECT_URL"},
		{"gitlab tag not ref name", gitLabEnv, "CI_COMMIT_TAG", "v9", "CI_COMMIT_TAG"},
		{"gitlab no runner", gitLabEnv, "CI_RUNNER_ID", "", "CI_RUNNER_ID"},
		{"buildkite no ref", buildkiteEnv, "BUILDKITE_BRANCH", "", "BUILDKITE_BRANCH"},
		{"buildkite http repo", buildkiteEnv, "BUILDKITE_REPO", "http://github.com/org/repo", "BUILDKITE_REPO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env()
			if tc.value == "" {
				delete(env, tc.key)
			} else {
				env[tc.key] = tc.value
			}
			_, err := provenance.Detect(env)
			if !errors.Is(err, provenance.ErrEnvironment) || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("err = %v, want ErrEnvironment naming %s", err, tc.mention)
			}
		})
	}
}

func TestParseEnviron(t *testing.T) {
	env := provenance.ParseEnviron([]string{"A=1", "B=x=y", "NOEQUALS", "=v", "A=2"})
	if len(env) != 2 || env["A"] != "2" || env["B"] != "x=y" {
		t.Errorf("got %v", env)
	}
}

// goBuild builds examples/keygen into dir through the wrapper, under
// the environment of a build platform, with a fixed clock.
func goBuild(t *testing.T, b *provenance.Build, dir string) *provenance.Record {
	t.Helper()
	out := filepath.Join(dir, "keygen")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "../examples/keygen")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	clock := []time.Time{time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 12, 0, 42, 0, time.UTC)}
	rec, err := b.Run(t.Context(), provenance.Command{
		Cmd: cmd, Outputs: []string{out}, SBOMs: true,
		Clock: func() time.Time { c := clock[0]; clock = clock[1:]; return c },
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.Bytes())
	}
	return rec
}

// goVersionM lists the modules `go version -m` prints for a binary, as
// pkg:golang package URLs with their go.sum hashes in hex.
func goVersionM(t *testing.T, bin string) (toolchain string, mods map[string]string) {
	t.Helper()
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	mods = map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for first := true; sc.Scan(); first = false {
		f := strings.Fields(sc.Text())
		switch {
		case first:
			toolchain = strings.TrimPrefix(f[len(f)-1], "go")
		case len(f) >= 3 && f[0] == "dep":
			h := ""
			if len(f) >= 4 {
				raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(f[3], "h1:"))
				if err != nil {
					t.Fatal(err)
				}
				h = hex.EncodeToString(raw)
			}
			mods["pkg:golang/"+f[1]+"@"+f[2]] = h
		case len(f) >= 3 && f[0] == "=>":
			t.Fatalf("replacements not expected in this build: %s", sc.Text())
		}
	}
	return toolchain, mods
}

// TestGoBuildProvenance generates provenance for `go build` of an example
// under simulated GitHub Actions and GitLab CI environments: the subject
// is the binary's SHA-256, the resolved dependencies are the source
// commit, the toolchain and exactly the modules `go version -m` lists,
// and two runs give byte-identical statements.
func TestGoBuildProvenance(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	for _, tc := range []struct {
		name string
		env  provenance.Environment
	}{{"github", gitHubEnv()}, {"gitlab", gitLabEnv()}} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := provenance.Detect(tc.env)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			rec := goBuild(t, b, dir)
			bin := filepath.Join(dir, "keygen")
			want, err := digest.FromFile(bin, digest.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.Subjects) != 1 || rec.Subjects[0].Digest["sha256"] != want.Hex() {
				t.Fatalf("subjects %+v, want the binary's %s", rec.Subjects, want)
			}
			p, err := attest.PredicateAs[attest.ProvenanceV1](rec.Statement)
			if err != nil {
				t.Fatal(err)
			}
			deps := p.BuildDefinition.ResolvedDependencies
			if len(deps) == 0 || deps[0].URI != "git+"+b.Source.Repository+"@"+b.Source.Ref || deps[0].Digest["gitCommit"] != commit {
				t.Fatalf("first dependency %+v, want the source", deps)
			}
			toolchain, mods := goVersionM(t, bin)
			got := map[string]string{}
			for _, d := range deps[1:] {
				got[d.URI] = d.Digest["goModuleH1"]
			}
			std := "pkg:golang/stdlib@" + toolchain
			if _, ok := got[std]; !ok {
				t.Errorf("no toolchain dependency %s in %v", std, got)
			}
			delete(got, std)
			if len(mods) == 0 || !equalMaps(got, mods) {
				t.Errorf("module dependencies differ from go version -m:\n got %v\nwant %v", got, mods)
			}
			if m := p.RunDetails.Metadata; m == nil || m.StartedOn == nil || m.FinishedOn == nil || m.FinishedOn.Sub(*m.StartedOn) != 42*time.Second {
				t.Errorf("metadata %+v", m)
			}
			if rec.SBOMs[rec.Subjects[0].Name] == nil {
				t.Error("no SBOM for the Go binary")
			}
			// Byte-identical on a second run.
			rec2 := goBuild(t, b, dir)
			j1, _ := json.Marshal(rec.Statement)
			j2, _ := json.Marshal(rec2.Statement)
			if !bytes.Equal(j1, j2) {
				t.Errorf("two runs differ:\n%s\n%s", j1, j2)
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestRunFailedBuild: a command that fails produces no provenance.
func TestRunFailedBuild(t *testing.T) {
	b, err := provenance.Detect(gitHubEnv())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	rec, err := b.Run(t.Context(), provenance.Command{
		Cmd:     exec.Command("sh", "-c", "echo partial > "+out+"; exit 3"),
		Outputs: []string{out},
	})
	if rec != nil || !errors.Is(err, provenance.ErrBuild) || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("rec %v, err %v", rec, err)
	}
	// An output that is missing after a successful command, and one
	// that is a symbolic link, are subject errors.
	for _, tc := range []struct{ name, script string }{
		{"missing", "true"},
		{"symlink", "ln -s /etc/passwd " + out},
	} {
		os.Remove(out)
		_, err := b.Run(t.Context(), provenance.Command{Cmd: exec.Command("sh", "-c", tc.script), Outputs: []string{out}})
		if !errors.Is(err, provenance.ErrSubject) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := b.Run(t.Context(), provenance.Command{Cmd: exec.Command("true")}); !errors.Is(err, provenance.ErrInvalid) {
		t.Errorf("no outputs: %v", err)
	}
}

// TestSubjectsInDir lists regular files only: a symbolic link to a file
// outside the directory is neither followed nor listed.
func TestSubjectsInDir(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret")
	must(t, os.WriteFile(outside, []byte("secret"), 0o600))
	must(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "bin", "app"), []byte("app"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "README"), []byte("readme"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(dir, "leak")))
	subj, err := provenance.SubjectsInDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range subj {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "README,bin/app" {
		t.Errorf("subjects %v", names)
	}
	if _, err := provenance.SubjectsInDir(t.TempDir()); !errors.Is(err, provenance.ErrSubject) {
		t.Errorf("empty directory: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestStatementDeterministicAndValid(t *testing.T) {
	b, err := provenance.Local("https://builds.example.com/workstation", provenance.Source{
		Repository: "https://github.com/org/repo", Ref: "refs/heads/main", Commit: commit})
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := digest.FromBytes([]byte("a"), digest.SHA256)
	d2, _ := digest.FromBytes([]byte("b"), digest.SHA256)
	dep := attest.ResourceDescriptor{Name: "golang.org/x/mod", URI: "pkg:golang/golang.org/x/mod@v0.20.0", Digest: digest.Set{"goModuleH1": strings.Repeat("ab", 32)}}
	s1, err := b.Statement([]attest.ResourceDescriptor{attest.Subject("b", d2), attest.Subject("a", d1)}, provenance.Options{Dependencies: []attest.ResourceDescriptor{dep, dep}})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := b.Statement([]attest.ResourceDescriptor{attest.Subject("a", d1), attest.Subject("b", d2)}, provenance.Options{Dependencies: []attest.ResourceDescriptor{dep}})
	if err != nil {
		t.Fatal(err)
	}
	j1, _ := json.Marshal(s1)
	j2, _ := json.Marshal(s2)
	if !bytes.Equal(j1, j2) {
		t.Errorf("not deterministic:\n%s\n%s", j1, j2)
	}
	// The statement reads back through the strict decoder.
	if _, err := attest.ParseStatement(j1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		subjects []attest.ResourceDescriptor
		opts     provenance.Options
	}{
		{"no subjects", nil, provenance.Options{}},
		{"duplicate names", []attest.ResourceDescriptor{attest.Subject("a", d1), attest.Subject("a", d2)}, provenance.Options{}},
		{"finished before started", []attest.ResourceDescriptor{attest.Subject("a", d1)},
			provenance.Options{StartedOn: time.Unix(100, 0), FinishedOn: time.Unix(99, 0)}},
		{"one dependency, two digests", []attest.ResourceDescriptor{attest.Subject("a", d1)},
			provenance.Options{Dependencies: []attest.ResourceDescriptor{dep, {Name: dep.Name, URI: dep.URI, Digest: digest.Set{"goModuleH1": strings.Repeat("cd", 32)}}}}},
	} {
		if _, err := b.Statement(tc.subjects, tc.opts); !errors.Is(err, provenance.ErrInvalid) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := provenance.Local("not a uri", provenance.Source{Repository: "https://github.com/org/repo", Commit: commit}); !errors.Is(err, provenance.ErrInvalid) {
		t.Errorf("local without a builder URI: %v", err)
	}
	var zero provenance.Build
	if _, err := zero.Statement([]attest.ResourceDescriptor{attest.Subject("a", d1)}, provenance.Options{}); !errors.Is(err, provenance.ErrInvalid) {
		t.Errorf("zero Build: %v", err)
	}
}
