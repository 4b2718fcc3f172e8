package slsa

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/verify"
)

// Types are the predicate types Require reads: SLSA provenance v1 (and
// v1.x) and v0.2.
var Types = []string{attest.PredicateSLSAProvenanceV1, attest.PredicateSLSAProvenanceV02}

// Require passes when the evidence holds SLSA provenance (v1 or v0.2)
// and every provenance attestation passes every rule: the usual way to
// write a provenance policy.
//
//	slsa.Require(
//		slsa.BuilderID("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml"),
//		slsa.SourceRepo("github.com/org/repo"),
//		slsa.Ref(verify.Exactly("refs/heads/main")),
//	)
func Require(rules ...policy.Rule[policy.Item]) policy.Rule[policy.Evidence] {
	return policy.RequireTypes(Types, policy.All(rules...))
}

// build is what the rules read of a provenance predicate, v1 or v0.2.
type build struct {
	v02                          bool
	builderID, buildType         string
	repo, ref, commit, sourceErr string
	// repoPath and refPath are the fields repo and ref were read from.
	repoPath, refPath string
	// workflowPath is the workflow file that ran the build, if named.
	workflowPath string
}

var errNotProvenance = fmt.Errorf("%w: not SLSA provenance v1 or v0.2", policy.ErrPredicate)

// Facts are what the rules of this package read of a provenance
// predicate, for code of your own that needs the same reading (the
// reproducible-build consensus of package provenance, say).
type Facts struct {
	// V02 is set for SLSA provenance v0.2.
	V02 bool
	// BuilderID is runDetails.builder.id (v1) or builder.id (v0.2).
	BuilderID string
	// BuildType is the build type.
	BuildType string
	// Repository, Ref and Commit are the source, read as SourceRepo
	// reads it: Repository as the provenance names it (not normalized),
	// Ref and Commit when named.
	Repository, Ref, Commit string
	// WorkflowPath is the workflow file that ran the build, if named.
	WorkflowPath string
}

// ReadFacts returns the facts of a decoded provenance predicate, an
// *attest.ProvenanceV1 or *attest.ProvenanceV02. Provenance that names
// two different sources is an error matching policy.ErrSource; another
// type, policy.ErrPredicate.
func ReadFacts(predicate any) (Facts, error) {
	var b build
	switch p := predicate.(type) {
	case *attest.ProvenanceV1:
		b = readV1(p)
	case *attest.ProvenanceV02:
		b = readV02(p)
	default:
		return Facts{}, errNotProvenance
	}
	if b.sourceErr != "" {
		return Facts{}, fmt.Errorf("%w: %s", policy.ErrSource, b.sourceErr)
	}
	return Facts{V02: b.v02, BuilderID: b.builderID, BuildType: b.buildType,
		Repository: b.repo, Ref: b.ref, Commit: b.commit, WorkflowPath: b.workflowPath}, nil
}

// buildKey is the Item.Cached key of an item's build facts.
type buildKey struct{}

// read returns the build facts of an item's predicate, read once per
// item (every rule of a policy reads the same facts).
func read(it *policy.Item) (build, error) {
	v, err := it.Cached(buildKey{}, func() (any, error) {
		b, err := readItem(it)
		return &b, err
	})
	if err != nil {
		return build{}, err
	}
	return *v.(*build), nil
}

func readItem(it *policy.Item) (build, error) {
	v, err := it.Predicate()
	if err != nil {
		return build{}, err
	}
	switch p := v.(type) {
	case *attest.ProvenanceV1:
		return readV1(p), nil
	case *attest.ProvenanceV02:
		return readV02(p), nil
	}
	return build{}, errNotProvenance
}

func readV1(p *attest.ProvenanceV1) build {
	b := build{builderID: p.RunDetails.Builder.ID, buildType: p.BuildDefinition.BuildType}
	// GitHub Actions workflows (and the slsa-github-generator builders
	// that use the same shape) name the repository and ref here.
	var wfRepo, wfRef string
	if wf, ok := p.BuildDefinition.ExternalParameters["workflow"].(map[string]any); ok {
		wfRepo, _ = wf["repository"].(string)
		wfRef, _ = wf["ref"].(string)
		b.workflowPath, _ = wf["path"].(string)
	}
	// The container-based build type (and others on its model) declares
	// its source as an external parameter, a git URI.
	var srcRepo, srcRef string
	if src, ok := p.BuildDefinition.ExternalParameters["source"].(map[string]any); ok {
		if uri, _ := src["uri"].(string); strings.HasPrefix(uri, "git+") {
			srcRepo, srcRef = splitGitURI(uri)
		}
	}
	const ext = "predicate.buildDefinition.externalParameters."
	b.repoPath, b.refPath = ext+"workflow.repository", ext+"workflow.ref"
	if wfRepo != "" && srcRepo != "" && (wfRepo != srcRepo || wfRef != srcRef) {
		b.sourceErr = fmt.Sprintf("the provenance names two sources: workflow %q and source %q", truncate(wfRepo+"@"+wfRef), truncate(srcRepo+"@"+srcRef))
		return b
	}
	if wfRepo == "" && srcRepo != "" {
		wfRepo, wfRef = srcRepo, srcRef
		b.repoPath, b.refPath = ext+"source.uri", ext+"source.uri"
	}
	// The source is also the git dependency the build resolved.
	var depRepo, depRef, depCommit string
	n := 0
	for i := range p.BuildDefinition.ResolvedDependencies {
		d := &p.BuildDefinition.ResolvedDependencies[i]
		if !strings.HasPrefix(d.URI, "git+") {
			continue
		}
		n++
		if n == 1 {
			depRepo, depRef = splitGitURI(d.URI)
			depCommit = gitCommit(d.Digest)
		}
	}
	switch {
	case n > 1 && wfRepo == "":
		b.sourceErr = "the provenance resolves several git sources and names none as the workflow's or the build's source"
	case wfRepo != "" && depRepo != "" && wfRepo != depRepo:
		b.sourceErr = fmt.Sprintf("the provenance names two sources: %q and resolvedDependencies %q", truncate(wfRepo), truncate(depRepo))
	case wfRef != "" && depRef != "" && wfRef != depRef:
		b.sourceErr = fmt.Sprintf("the provenance names two refs: %q and resolvedDependencies %q", truncate(wfRef), truncate(depRef))
	}
	b.repo, b.ref, b.commit = first(wfRepo, depRepo), first(wfRef, depRef), depCommit
	if wfRepo == "" && depRepo != "" {
		b.repoPath = "predicate.buildDefinition.resolvedDependencies"
	}
	if wfRef == "" && depRef != "" {
		b.refPath = "predicate.buildDefinition.resolvedDependencies"
	}
	return b
}

func readV02(p *attest.ProvenanceV02) build {
	b := build{v02: true, builderID: p.Builder.ID, buildType: p.BuildType}
	if p.Invocation != nil && p.Invocation.ConfigSource != nil {
		cs := p.Invocation.ConfigSource
		b.repo, b.ref = splitGitURI(cs.URI)
		b.commit = gitCommit(cs.Digest)
		b.workflowPath = cs.EntryPoint
	}
	return b
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// splitGitURI splits "git+https://host/path@ref" into "https://host/path"
// and "ref". The ref is what follows the last "@" after the host.
func splitGitURI(u string) (repo, ref string) {
	u = strings.TrimPrefix(u, "git+")
	scheme := strings.Index(u, "://")
	if at := strings.LastIndexByte(u, '@'); at > scheme+3 && scheme >= 0 && !strings.Contains(u[scheme+3:at], "@") && strings.Contains(u[scheme+3:at], "/") {
		return u[:at], u[at+1:]
	}
	return u, ""
}

func gitCommit(d map[string]string) string {
	if c := d["gitCommit"]; c != "" {
		return c
	}
	return d["sha1"]
}

func truncate(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

func path(v1, v02 string) func(*policy.Item) string {
	return func(it *policy.Item) string {
		if _, ok := firstPredicate(it).(*attest.ProvenanceV02); ok {
			return v02
		}
		return v1
	}
}

// sourcePath returns the path of the field the source repository (or,
// with ref, its ref) was read from.
func sourcePath(ref bool) func(*policy.Item) string {
	return func(it *policy.Item) string {
		b, err := read(it)
		switch {
		case err != nil || b.v02:
			return "predicate.invocation.configSource.uri"
		case ref:
			return b.refPath
		}
		return b.repoPath
	}
}

func firstPredicate(it *policy.Item) any {
	v, _ := it.Predicate()
	return v
}

// leaf returns an item rule on the build facts: test returns whether
// they pass, and got what was found, for explanations.
func leaf(id, want string, kind error, paths func(*policy.Item) string, test func(*build) (bool, error), got func(*build) string) *policy.Leaf[policy.Item] {
	return &policy.Leaf[policy.Item]{
		ID: id, Want: want, Kind: kind, PathOf: paths,
		Test: func(_ *policy.Context, it *policy.Item) (bool, error) {
			b, err := read(it)
			if err != nil {
				return false, err
			}
			return test(&b)
		},
		Got: func(it *policy.Item) string {
			b, err := read(it)
			if err != nil {
				return ""
			}
			return got(&b)
		},
	}
}

func quoted(s string) string {
	if s == "" {
		return "nothing"
	}
	return strconv.Quote(truncate(s))
}

// isSemverTag reports whether ref is "refs/tags/vX.Y.Z" with an optional
// "-prerelease" suffix of [0-9A-Za-z.-], X, Y and Z decimal without
// leading zeros: the refs of released builder versions. It is the regular
// expression
//
//	^refs/tags/v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$
//
// written out, since it runs on every decision (TestSemverTagMatchesRegexp).
func isSemverTag(ref string) bool {
	s, ok := strings.CutPrefix(ref, "refs/tags/v")
	if !ok {
		return false
	}
	for i := range 3 {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 || (n > 1 && s[0] == '0') {
			return false
		}
		s = s[n:]
		if i < 2 {
			if s == "" || s[0] != '.' {
				return false
			}
			s = s[1:]
		}
	}
	if s == "" {
		return true
	}
	if s[0] != '-' || len(s) == 1 {
		return false
	}
	for _, c := range []byte(s[1:]) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// BuilderID passes when the provenance's builder id is want, by these
// rules (SECURITY.md C75): with a version ("…/builder_go_slsa3.yml@refs/tags/v1.2.3"),
// exactly that; without one ("…/builder_go_slsa3.yml"), that id alone or
// followed by "@refs/tags/vX.Y.Z", a released version — never a branch
// ("@refs/heads/main"), and never a longer id ("….yml.evil"). Comparison
// is exact and case-sensitive. The id read is runDetails.builder.id (v1)
// or builder.id (v0.2).
func BuilderID(want string) policy.Rule[policy.Item] {
	r := leaf("slsa.builder-id", quoted(want), policy.ErrBuilder, path("predicate.runDetails.builder.id", "predicate.builder.id"),
		func(b *build) (bool, error) { return builderMatches(want, b.builderID), nil },
		func(b *build) string { return quoted(b.builderID) })
	if want == "" {
		r.Invalid = fmt.Errorf("%w: slsa.BuilderID: empty id", policy.ErrInvalidPolicy)
	}
	if strings.Contains(want, "@") {
		r.Want = quoted(want) + " exactly"
	} else {
		r.Want = quoted(want) + ", or at a released version (@refs/tags/vX.Y.Z)"
	}
	return r
}

func builderMatches(want, got string) bool {
	if got == want {
		return true
	}
	if strings.Contains(want, "@") || !strings.HasPrefix(got, want) || len(got) <= len(want) || got[len(want)] != '@' {
		return false
	}
	return isSemverTag(got[len(want)+1:])
}

// BuildType passes when the provenance's build type is want, exactly.
func BuildType(want string) policy.Rule[policy.Item] {
	r := leaf("slsa.build-type", quoted(want), policy.ErrBuildType, path("predicate.buildDefinition.buildType", "predicate.buildType"),
		func(b *build) (bool, error) { return b.buildType == want, nil },
		func(b *build) string { return quoted(b.buildType) })
	if want == "" {
		r.Invalid = fmt.Errorf("%w: slsa.BuildType: empty type", policy.ErrInvalidPolicy)
	}
	return r
}

// ErrRepository is the error of a repository that SourceRepo cannot
// compare: not an https URL of a host and a clean path.
var ErrRepository = errors.New("slsa: invalid repository")

// NormalizeRepo returns the form SourceRepo compares: "https://host/path"
// with the host in lower case, from "github.com/org/repo",
// "https://github.com/org/repo" or "git+https://github.com/org/repo". It
// rejects other schemes, user info, queries, fragments, escapes, and
// paths that are not clean ("/org/repo/../evil", "/org/repo/").
func NormalizeRepo(s string) (string, error) {
	u := strings.TrimPrefix(s, "git+")
	if !strings.Contains(u, "://") {
		u = "https://" + u
	}
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		return "", fmt.Errorf("%w %q: not https", ErrRepository, truncate(s))
	}
	host, p, ok := strings.Cut(rest, "/")
	switch {
	case !ok || host == "" || p == "":
		return "", fmt.Errorf("%w %q: no host and path", ErrRepository, truncate(s))
	case strings.ContainsAny(rest, "@?#%\\ \t\n") || strings.ContainsAny(host, ":"):
		return "", fmt.Errorf("%w %q: user info, port, query, fragment, escape or space", ErrRepository, truncate(s))
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", fmt.Errorf("%w %q: path is not clean", ErrRepository, truncate(s))
		}
	}
	return "https://" + strings.ToLower(host) + "/" + p, nil
}

// SourceRepo passes when the provenance's source repository is repo
// (SECURITY.md C76). repo is normalized by NormalizeRepo; the source the
// provenance names (buildDefinition.externalParameters.workflow.repository,
// else the git URI of externalParameters.source, as the container-based
// build type declares it, else the only git entry of resolvedDependencies,
// for v1; invocation.configSource.uri for v0.2) must then equal it byte
// for byte, so "…/org/repo-fork",
// "…/org/repo/../evil" and "…/ORG/repo" are all other repositories.
// Provenance that names two different sources errs.
func SourceRepo(repo string) policy.Rule[policy.Item] {
	want, err := NormalizeRepo(repo)
	r := leaf("slsa.source-repo", quoted(want), policy.ErrSource,
		sourcePath(false),
		func(b *build) (bool, error) {
			if b.sourceErr != "" {
				return false, fmt.Errorf("%w: %s", policy.ErrSource, b.sourceErr)
			}
			return b.repo == want, nil
		},
		func(b *build) string { return quoted(b.repo) })
	if err != nil {
		r.Invalid = fmt.Errorf("%w: %w", policy.ErrInvalidPolicy, err)
	}
	return r
}

// Ref passes when the provenance's source ref (e.g. "refs/tags/v1.2.3",
// from workflow.ref or the git dependency's "@ref" in v1, the config
// source's "@ref" in v0.2) matches m: verify.Exactly, or an anchored
// expression from verify.MatchingRegexp.
func Ref(m verify.StringMatcher) policy.Rule[policy.Item] {
	r := leaf("slsa.ref", m.String(), policy.ErrSource,
		sourcePath(true),
		func(b *build) (bool, error) {
			if b.sourceErr != "" {
				return false, fmt.Errorf("%w: %s", policy.ErrSource, b.sourceErr)
			}
			return b.ref != "" && m.Match(b.ref), nil
		},
		func(b *build) string { return quoted(b.ref) })
	if m.String() == "<nothing>" {
		r.Invalid = fmt.Errorf("%w: slsa.Ref: zero matcher", policy.ErrInvalidPolicy)
	}
	return r
}

// SemverTag passes when the source ref is a release tag,
// "refs/tags/vX.Y.Z" (with an optional pre-release suffix).
func SemverTag() policy.Rule[policy.Item] {
	return leaf("slsa.semver-tag", "refs/tags/vX.Y.Z", policy.ErrSource,
		sourcePath(true),
		func(b *build) (bool, error) { return b.sourceErr == "" && isSemverTag(b.ref), nil },
		func(b *build) string { return quoted(b.ref) })
}

// SourceMatchesCertificate passes when the attestation was signed by a
// Fulcio certificate whose source claims (repository URI, ref, commit)
// each equal, where the certificate has them, what the provenance says:
// a workflow of one repository cannot sign provenance that names another
// (SECURITY.md C76). It fails when no certificate signed.
func SourceMatchesCertificate() policy.Rule[policy.Item] {
	return &policy.Leaf[policy.Item]{
		ID: "slsa.source-matches-certificate", Path: "signers.claims", Kind: policy.ErrSource,
		Want: "the certificate's source repository, ref and commit",
		Test: func(_ *policy.Context, it *policy.Item) (bool, error) {
			b, err := read(it)
			if err != nil {
				return false, err
			}
			return certMismatch(it, &b) == "", nil
		},
		Got: func(it *policy.Item) string {
			b, err := read(it)
			if err != nil {
				return ""
			}
			return certMismatch(it, &b)
		},
	}
}

// certMismatch says how the certificate signers disagree with b, or ""
// when there is a certificate signer and all agree.
// WorkflowPath passes when the workflow file that ran the build is
// exactly want, e.g. ".github/workflows/release.yml": the path of
// externalParameters.workflow (v1) or invocation.configSource.entryPoint
// (v0.2).
func WorkflowPath(want string) policy.Rule[policy.Item] {
	r := leaf("slsa.workflow-path", quoted(want), policy.ErrSource,
		path("predicate.buildDefinition.externalParameters.workflow.path", "predicate.invocation.configSource.entryPoint"),
		func(b *build) (bool, error) { return b.workflowPath == want, nil },
		func(b *build) string { return quoted(b.workflowPath) })
	if want == "" {
		r.Invalid = fmt.Errorf("%w: slsa.WorkflowPath with an empty path", policy.ErrInvalidPolicy)
	}
	return r
}

// BuilderMatchesCertificate passes when the attestation was signed by a
// Fulcio certificate whose Build Signer URI, where the certificate has
// one, is exactly the provenance's builder id (the workflow that signed
// is the builder the provenance names: for GitHub's attest actions and
// slsa-github-generator's reusable workflows, both are the workflow at
// its ref), or is one of delegators at a released version: the
// workflows of slsa-github-generator's BYOB framework
// (DefaultDelegators), which sign for the builder that called them, as
// slsa-verifier accepts them. It fails when no certificate signed.
func BuilderMatchesCertificate(delegators ...string) policy.Rule[policy.Item] {
	dels := append([]string(nil), delegators...)
	mismatch := func(it *policy.Item, b *build) string {
		certs := 0
	signers:
		for i := range it.Signers {
			s := &it.Signers[i]
			if s.Kind != verify.SignerCertificate {
				continue
			}
			certs++
			u := s.Claims.BuildSignerURI
			if u == "" || u == b.builderID {
				continue
			}
			for _, d := range dels {
				if builderMatches(d, u) && u != d {
					continue signers
				}
			}
			return fmt.Sprintf("certificate build signer %q, provenance builder %q", truncate(u), truncate(b.builderID))
		}
		if certs == 0 {
			return "no certificate signer"
		}
		return ""
	}
	r := &policy.Leaf[policy.Item]{
		ID: "slsa.builder-matches-certificate", Path: "signers.claims.buildSignerURI", Kind: policy.ErrBuilder,
		Want: "the certificate's build signer, or a trusted delegator",
		Test: func(_ *policy.Context, it *policy.Item) (bool, error) {
			b, err := read(it)
			if err != nil {
				return false, err
			}
			return mismatch(it, &b) == "", nil
		},
		Got: func(it *policy.Item) string {
			b, err := read(it)
			if err != nil {
				return ""
			}
			return mismatch(it, &b)
		},
	}
	for _, d := range dels {
		if d == "" || strings.Contains(d, "@") {
			r.Invalid = fmt.Errorf("%w: slsa.BuilderMatchesCertificate: delegator %q must be non-empty and without a version", policy.ErrInvalidPolicy, truncate(d))
		}
	}
	return r
}

// DefaultDelegators returns the workflows of slsa-github-generator's
// BYOB framework, which sign provenance for the builder that called them
// (the maven, gradle and container-based builders among others).
func DefaultDelegators() []string {
	const gen = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"
	return []string{gen + "delegator_generic_slsa3.yml", gen + "delegator_lowperms-generic_slsa3.yml"}
}

func certMismatch(it *policy.Item, b *build) string {
	certs := 0
	for i := range it.Signers {
		s := &it.Signers[i]
		if s.Kind != verify.SignerCertificate {
			continue
		}
		certs++
		c := &s.Claims
		switch {
		case c.SourceRepositoryURI != "" && c.SourceRepositoryURI != b.repo:
			return fmt.Sprintf("certificate repository %q, provenance %q", truncate(c.SourceRepositoryURI), truncate(b.repo))
		case c.SourceRepositoryRef != "" && c.SourceRepositoryRef != b.ref:
			return fmt.Sprintf("certificate ref %q, provenance %q", truncate(c.SourceRepositoryRef), truncate(b.ref))
		case c.SourceRepositoryDigest != "" && c.SourceRepositoryDigest != b.commit:
			return fmt.Sprintf("certificate commit %q, provenance %q", truncate(c.SourceRepositoryDigest), truncate(b.commit))
		}
	}
	if certs == 0 {
		return "no certificate signer"
	}
	return ""
}

// Builders is a trusted-builder registry: builder ids (without a version,
// matched as BuilderID matches them) to the SLSA build level each is
// trusted for. It is an open world: start from DefaultBuilders, add your
// own (a GitLab runner, a private builder) and pass it to BuildLevel.
//
// An entry ending in "*" is a platform: every builder id that starts with
// what precedes the "*" (and matches no exact entry) gets its level, the
// longest such prefix winning. Use it for platforms whose builder ids
// name the workflow or runner ("https://github.com/*" for GitHub-hosted
// workflows), and only with a signer bound to the platform: a certificate
// whose issuer is the platform's, with BuilderMatchesCertificate.
type Builders map[string]int

// DefaultBuilders returns a new registry of the SLSA Build Level 3
// builders of slsa-framework/slsa-github-generator.
func DefaultBuilders() Builders {
	const gen = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"
	return Builders{
		gen + "generator_generic_slsa3.yml":          3,
		gen + "generator_container_slsa3.yml":        3,
		gen + "builder_go_slsa3.yml":                 3,
		gen + "builder_container-based_slsa3.yml":    3,
		gen + "builder_nodejs_slsa3.yml":             3,
		gen + "delegator_generic_slsa3.yml":          3,
		gen + "delegator_lowperms-generic_slsa3.yml": 3,
		"https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_maven_slsa3.yml":  3,
		"https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_gradle_slsa3.yml": 3,
	}
}

// BuildLevel passes when the provenance's builder is in builders at
// level n or above. The registry is copied: changing it later changes
// nothing in the rule.
func BuildLevel(n int, builders Builders) policy.Rule[policy.Item] {
	reg := make(Builders, len(builders))
	for id, l := range builders {
		reg[id] = l
	}
	r := leaf("slsa.build-level", fmt.Sprintf("a builder trusted for SLSA Build L%d", n), policy.ErrBuildLevel,
		path("predicate.runDetails.builder.id", "predicate.builder.id"),
		func(b *build) (bool, error) { return levelOf(reg, b.builderID) >= n, nil },
		func(b *build) string { return fmt.Sprintf("%s (L%d)", quoted(b.builderID), levelOf(reg, b.builderID)) })
	switch {
	case n < 1 || n > 4:
		r.Invalid = fmt.Errorf("%w: slsa.BuildLevel %d", policy.ErrInvalidPolicy, n)
	case len(reg) == 0:
		r.Invalid = fmt.Errorf("%w: slsa.BuildLevel with no trusted builders", policy.ErrInvalidPolicy)
	}
	for id := range reg {
		if id == "" || id == "*" || strings.Contains(id, "@") || strings.Contains(strings.TrimSuffix(id, "*"), "*") {
			r.Invalid = fmt.Errorf("%w: slsa.BuildLevel: builder id %q must be non-empty and without a version, with \"*\" only at the end of a prefix", policy.ErrInvalidPolicy, truncate(id))
		}
	}
	return r
}

func levelOf(reg Builders, id string) int {
	base, _, _ := strings.Cut(id, "@")
	l, ok := reg[base]
	if ok && builderMatches(base, id) {
		return l
	}
	// Platform entries: the longest "PREFIX*" that id starts with.
	best, level := -1, 0
	for k, l := range reg {
		if p, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(id, p) && len(p) > best {
			best, level = len(p), l
		}
	}
	return level
}
