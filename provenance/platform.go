package provenance

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Build types this package writes and reads.
const (
	// BuildTypeGitHubWorkflow is the build type of GitHub's own artifact
	// attestations (actions/attest-build-provenance): a GitHub Actions
	// workflow run, externalParameters.workflow = {ref, repository, path}.
	BuildTypeGitHubWorkflow = "https://actions.github.io/buildtypes/workflow/v1"
	// BuildTypeGitHubWorkflowLegacy is the earlier name of the same build
	// type (slsa-framework/github-actions-buildtypes); it is read, never
	// written.
	BuildTypeGitHubWorkflowLegacy = "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1"
	// BuildTypeGitLabJob is this package's build type for a GitLab CI job:
	// externalParameters = {source, ref, configPath, entryPoint,
	// pipelineSource}; internalParameters.gitlab has the server, project,
	// pipeline, job and runner ids.
	BuildTypeGitLabJob = "https://github.com/chainmail-dev/chainmail/provenance/buildtypes/gitlab-ci/v1"
	// BuildTypeBuildkiteJob is this package's build type for a Buildkite
	// job: externalParameters = {source, ref, pipeline}; internalParameters
	// .buildkite has the organization, build and job ids and the agent.
	BuildTypeBuildkiteJob = "https://github.com/chainmail-dev/chainmail/provenance/buildtypes/buildkite/v1"
	// BuildTypeLocal is this package's build type for a build run by a
	// builder the caller names (a workstation, a private build service):
	// externalParameters = {source, ref}.
	BuildTypeLocal = "https://github.com/chainmail-dev/chainmail/provenance/buildtypes/local/v1"
)

// Errors. Each error this package returns matches one of them with
// errors.Is.
var (
	// ErrEnvironment: the environment does not describe a build of the
	// platform asked for (a required variable is missing or malformed).
	ErrEnvironment = errors.New("provenance: build environment")
	// ErrNoPlatform: Detect found no supported build platform.
	ErrNoPlatform = errors.New("provenance: no supported build platform")
	// ErrSource: the source checkout disagrees with the environment, or
	// cannot be read.
	ErrSource = errors.New("provenance: source")
	// ErrSubject: a produced file cannot be digested or is not allowed
	// (outside the output directory, not a regular file).
	ErrSubject = errors.New("provenance: subject")
	// ErrBuild: the wrapped command failed; no provenance was produced.
	ErrBuild = errors.New("provenance: build failed")
	// ErrInvalid: the arguments cannot make a valid statement.
	ErrInvalid = errors.New("provenance: invalid")
)

// Environment is the build's environment variables. The package never
// reads the process environment: the caller passes it, usually
// ParseEnviron(os.Environ()), so a test can pass any.
type Environment map[string]string

// ParseEnviron returns the Environment of "KEY=value" entries, as
// os.Environ returns them; an entry without "=" is ignored, and a later
// entry for the same key wins, as for exec.Cmd.
func ParseEnviron(kv []string) Environment {
	env := make(Environment, len(kv))
	for _, e := range kv {
		if k, v, ok := strings.Cut(e, "="); ok && k != "" {
			env[k] = v
		}
	}
	return env
}

// Source is where a build's source came from.
type Source struct {
	// Repository is the repository's URL, "https://host/path" for the
	// platforms this package knows.
	Repository string
	// Ref is the git ref built, "refs/heads/B" or "refs/tags/T"; may be
	// empty for a local build.
	Ref string
	// Commit is the git commit built, 40 (SHA-1) or 64 (SHA-256)
	// lowercase hex digits.
	Commit string
}

// Build is one run of a build on a build platform: the builder, the
// build type and its parameters, and the source. Platform functions
// (GitHubActions, GitLabCI, Buildkite, Local) fill it from the
// environment; Statement turns it, with the subjects and times, into SLSA
// provenance.
type Build struct {
	// BuilderID is runDetails.builder.id: the identity of the platform
	// that is trusted to run the build and record its provenance.
	BuilderID string
	// BuildType is buildDefinition.buildType.
	BuildType string
	// InvocationID is runDetails.metadata.invocationId: the run's URL or
	// id; may be empty.
	InvocationID string
	// ExternalParameters is buildDefinition.externalParameters: what the
	// build's user controls. Never nil in a Build from this package.
	ExternalParameters map[string]any
	// InternalParameters is buildDefinition.internalParameters: what the
	// platform set; may be nil.
	InternalParameters map[string]any
	// Source is the source built.
	Source Source
}

// Detect returns the Build of the platform env describes: GitHub Actions
// (GITHUB_ACTIONS=true), GitLab CI (GITLAB_CI=true) or Buildkite
// (BUILDKITE=true). With none of them it returns ErrNoPlatform: a local
// build must name its builder (Local).
func Detect(env Environment) (*Build, error) {
	switch {
	case env["GITHUB_ACTIONS"] == "true":
		return GitHubActions(env)
	case env["GITLAB_CI"] == "true":
		return GitLabCI(env)
	case env["BUILDKITE"] == "true":
		return Buildkite(env)
	}
	return nil, fmt.Errorf("%w: none of GITHUB_ACTIONS, GITLAB_CI, BUILDKITE is \"true\"", ErrNoPlatform)
}

// need returns the values of the named variables, or an error naming
// every one that is missing.
func need(env Environment, platform string, names ...string) ([]string, error) {
	vals := make([]string, len(names))
	var missing []string
	for i, n := range names {
		vals[i] = env[n]
		if vals[i] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %s: %s not set", ErrEnvironment, platform, strings.Join(missing, ", "))
	}
	return vals, nil
}

// httpsURL checks that s is an https URL with a host and no user,
// query or fragment, and returns it without a trailing slash.
func httpsURL(platform, name, s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%w: %s: %s %q is not an https URL", ErrEnvironment, platform, name, s)
	}
	return strings.TrimSuffix(s, "/"), nil
}

// GitHubActions returns the Build of a GitHub Actions workflow run, in
// the build type GitHub's artifact attestations use
// (BuildTypeGitHubWorkflow), from the variables the runner sets:
// GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_REF, GITHUB_SHA,
// GITHUB_WORKFLOW_REF, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT,
// GITHUB_EVENT_NAME, GITHUB_REPOSITORY_ID, GITHUB_REPOSITORY_OWNER_ID and
// RUNNER_ENVIRONMENT. The builder id is the workflow,
// "https://github.com/OWNER/REPO/.github/workflows/FILE@REF"; a build in
// a reusable workflow sets BuilderID to that workflow's (the OIDC token's
// job_workflow_ref) after the call.
func GitHubActions(env Environment) (*Build, error) {
	const p = "GitHub Actions"
	v, err := need(env, p, "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_REF", "GITHUB_SHA", "GITHUB_WORKFLOW_REF",
		"GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT", "GITHUB_EVENT_NAME", "GITHUB_REPOSITORY_ID", "GITHUB_REPOSITORY_OWNER_ID")
	if err != nil {
		return nil, err
	}
	server, err := httpsURL(p, "GITHUB_SERVER_URL", v[0])
	if err != nil {
		return nil, err
	}
	repo, ref, sha, wfRef := v[1], v[2], v[3], v[4]
	if strings.Count(repo, "/") != 1 || strings.HasPrefix(repo, "/") || strings.HasSuffix(repo, "/") {
		return nil, fmt.Errorf("%w: %s: GITHUB_REPOSITORY %q is not OWNER/REPO", ErrEnvironment, p, repo)
	}
	// GITHUB_WORKFLOW_REF is OWNER/REPO/PATH@REF.
	wf, wfAt, ok := strings.Cut(wfRef, "@")
	path, inRepo := strings.CutPrefix(wf, repo+"/")
	if !ok || !inRepo || path == "" || wfAt == "" {
		return nil, fmt.Errorf("%w: %s: GITHUB_WORKFLOW_REF %q is not %s/PATH@REF", ErrEnvironment, p, wfRef, repo)
	}
	if err := checkCommit(sha); err != nil {
		return nil, fmt.Errorf("%w: %s: GITHUB_SHA: %v", ErrEnvironment, p, err)
	}
	runner := env["RUNNER_ENVIRONMENT"]
	if runner == "" {
		runner = "unknown"
	}
	repoURL := server + "/" + repo
	return &Build{
		BuilderID:    server + "/" + wfRef,
		BuildType:    BuildTypeGitHubWorkflow,
		InvocationID: repoURL + "/actions/runs/" + v[5] + "/attempts/" + v[6],
		ExternalParameters: map[string]any{
			"workflow": map[string]any{"ref": ref, "repository": repoURL, "path": path},
		},
		InternalParameters: map[string]any{
			"github": map[string]any{
				"event_name":          v[7],
				"repository_id":       v[8],
				"repository_owner_id": v[9],
				"runner_environment":  runner,
			},
		},
		Source: Source{Repository: repoURL, Ref: ref, Commit: sha},
	}, nil
}

// GitLabCI returns the Build of a GitLab CI job (BuildTypeGitLabJob),
// from CI_SERVER_URL, CI_PROJECT_URL, CI_PROJECT_PATH, CI_PROJECT_ID,
// CI_COMMIT_SHA, CI_COMMIT_REF_NAME (with CI_COMMIT_TAG for a tag),
// CI_PIPELINE_ID, CI_PIPELINE_SOURCE, CI_JOB_ID, CI_JOB_NAME, CI_JOB_URL,
// CI_RUNNER_ID and CI_CONFIG_PATH (default ".gitlab-ci.yml"). The builder
// id is the runner, "CI_SERVER_URL/CI_PROJECT_PATH/-/runners/CI_RUNNER_ID".
func GitLabCI(env Environment) (*Build, error) {
	const p = "GitLab CI"
	v, err := need(env, p, "CI_SERVER_URL", "CI_PROJECT_URL", "CI_PROJECT_PATH", "CI_PROJECT_ID", "CI_COMMIT_SHA",
		"CI_COMMIT_REF_NAME", "CI_PIPELINE_ID", "CI_PIPELINE_SOURCE", "CI_JOB_ID", "CI_JOB_NAME", "CI_JOB_URL", "CI_RUNNER_ID")
	if err != nil {
		return nil, err
	}
	server, err := httpsURL(p, "CI_SERVER_URL", v[0])
	if err != nil {
		return nil, err
	}
	project, err := httpsURL(p, "CI_PROJECT_URL", v[1])
	if err != nil {
		return nil, err
	}
	if project != server+"/"+v[2] {
		return nil, fmt.Errorf("%w: %s: CI_PROJECT_URL %q is not CI_SERVER_URL/CI_PROJECT_PATH", ErrEnvironment, p, project)
	}
	if err := checkCommit(v[4]); err != nil {
		return nil, fmt.Errorf("%w: %s: CI_COMMIT_SHA: %v", ErrEnvironment, p, err)
	}
	ref := "refs/heads/" + v[5]
	if tag := env["CI_COMMIT_TAG"]; tag != "" {
		if tag != v[5] {
			return nil, fmt.Errorf("%w: %s: CI_COMMIT_TAG %q is not CI_COMMIT_REF_NAME %q", ErrEnvironment, p, tag, v[5])
		}
		ref = "refs/tags/" + tag
	}
	config := env["CI_CONFIG_PATH"]
	if config == "" {
		config = ".gitlab-ci.yml"
	}
	return &Build{
		BuilderID:    server + "/" + v[2] + "/-/runners/" + v[11],
		BuildType:    BuildTypeGitLabJob,
		InvocationID: v[10],
		ExternalParameters: map[string]any{
			"source":         project,
			"ref":            ref,
			"configPath":     config,
			"entryPoint":     v[9],
			"pipelineSource": v[7],
		},
		InternalParameters: map[string]any{
			"gitlab": map[string]any{
				"server_url":  server,
				"project_id":  v[3],
				"pipeline_id": v[6],
				"job_id":      v[8],
				"runner_id":   v[11],
			},
		},
		Source: Source{Repository: project, Ref: ref, Commit: v[4]},
	}, nil
}

// Buildkite returns the Build of a Buildkite job (BuildTypeBuildkiteJob),
// from BUILDKITE_REPO (an https URL, or "git@host:path.git", which is
// read as https://host/path), BUILDKITE_COMMIT, BUILDKITE_BRANCH or
// BUILDKITE_TAG, BUILDKITE_ORGANIZATION_SLUG, BUILDKITE_PIPELINE_SLUG,
// BUILDKITE_BUILD_URL, BUILDKITE_BUILD_ID, BUILDKITE_JOB_ID and
// BUILDKITE_AGENT_ID. The builder id is the organization's agents,
// "https://buildkite.com/ORG/-/agents" (Buildkite's agents run on the
// organization's machines: register the id at the level you trust them).
func Buildkite(env Environment) (*Build, error) {
	const p = "Buildkite"
	v, err := need(env, p, "BUILDKITE_REPO", "BUILDKITE_COMMIT", "BUILDKITE_ORGANIZATION_SLUG", "BUILDKITE_PIPELINE_SLUG",
		"BUILDKITE_BUILD_URL", "BUILDKITE_BUILD_ID", "BUILDKITE_JOB_ID", "BUILDKITE_AGENT_ID")
	if err != nil {
		return nil, err
	}
	repo := v[0]
	if rest, ok := strings.CutPrefix(repo, "git@"); ok {
		if host, path, ok := strings.Cut(rest, ":"); ok {
			repo = "https://" + host + "/" + strings.TrimSuffix(path, ".git")
		}
	}
	repo, err = httpsURL(p, "BUILDKITE_REPO", strings.TrimSuffix(repo, ".git"))
	if err != nil {
		return nil, err
	}
	if err := checkCommit(v[1]); err != nil {
		return nil, fmt.Errorf("%w: %s: BUILDKITE_COMMIT: %v", ErrEnvironment, p, err)
	}
	var ref string
	switch tag, branch := env["BUILDKITE_TAG"], env["BUILDKITE_BRANCH"]; {
	case tag != "":
		ref = "refs/tags/" + tag
	case branch != "":
		ref = "refs/heads/" + branch
	default:
		return nil, fmt.Errorf("%w: %s: neither BUILDKITE_TAG nor BUILDKITE_BRANCH set", ErrEnvironment, p)
	}
	return &Build{
		BuilderID:    "https://buildkite.com/" + url.PathEscape(v[2]) + "/-/agents",
		BuildType:    BuildTypeBuildkiteJob,
		InvocationID: v[4] + "#" + v[6],
		ExternalParameters: map[string]any{
			"source":   repo,
			"ref":      ref,
			"pipeline": v[3],
		},
		InternalParameters: map[string]any{
			"buildkite": map[string]any{
				"organization": v[2],
				"build_id":     v[5],
				"job_id":       v[6],
				"agent_id":     v[7],
			},
		},
		Source: Source{Repository: repo, Ref: ref, Commit: v[1]},
	}, nil
}

// Local returns the Build of a build run by the builder the caller
// names (BuildTypeLocal), from src: read it from the checkout with
// ReadGit. builderID must be an absolute URI.
func Local(builderID string, src Source) (*Build, error) {
	u, err := url.Parse(builderID)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("%w: builder id %q is not an absolute URI", ErrInvalid, builderID)
	}
	if src.Repository == "" {
		return nil, fmt.Errorf("%w: local build without a source repository", ErrInvalid)
	}
	if err := checkCommit(src.Commit); err != nil {
		return nil, fmt.Errorf("%w: source commit: %v", ErrInvalid, err)
	}
	ext := map[string]any{"source": src.Repository}
	if src.Ref != "" {
		ext["ref"] = src.Ref
	}
	return &Build{BuilderID: builderID, BuildType: BuildTypeLocal, ExternalParameters: ext, Source: src}, nil
}

// checkCommit checks a git commit id: 40 or 64 lowercase hex digits.
func checkCommit(c string) error {
	if len(c) != 40 && len(c) != 64 {
		return fmt.Errorf("commit %q is not 40 or 64 hex digits", truncate(c))
	}
	for i := 0; i < len(c); i++ {
		if !(c[i] >= '0' && c[i] <= '9' || c[i] >= 'a' && c[i] <= 'f') {
			return fmt.Errorf("commit %q is not lowercase hex", truncate(c))
		}
	}
	return nil
}

func truncate(s string) string {
	const n = 80
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
