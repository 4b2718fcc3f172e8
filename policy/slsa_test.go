package policy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/verify"
)

const (
	goBuilder = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml"
	repo      = "https://github.com/org/repo"
)

// provenanceEvidence is evidence of one SLSA v1 provenance attestation.
func provenanceEvidence(t *testing.T, builder, source, ref string) *policy.Evidence {
	t.Helper()
	f := newFixture(t, 1)
	return f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateSLSAProvenanceV1, provenance(builder, source, ref)), time.Time{}, 0))
}

// TestAdversarial_C75_BuilderIDConfusion: builder ids match exactly, and a
// version is accepted only where the rule says so.
func TestAdversarial_C75_BuilderIDConfusion(t *testing.T) {
	for _, tc := range []struct {
		want, got string
		ok        bool
	}{
		{goBuilder, goBuilder, true},
		{goBuilder, goBuilder + "@refs/tags/v1.2.3", true},
		{goBuilder, goBuilder + "@refs/tags/v2.0.0-rc.1", true},
		{goBuilder, goBuilder + ".evil", false},
		{goBuilder, goBuilder + ".evil@refs/tags/v1.2.3", false},
		{goBuilder, goBuilder + "@refs/heads/main", false},
		{goBuilder, goBuilder + "@refs/tags/v1.2", false},
		{goBuilder, goBuilder + "@refs/tags/v1.2.3@refs/heads/main", false},
		{goBuilder, strings.ToUpper(goBuilder), false},
		{goBuilder + "@refs/tags/v1.2.3", goBuilder + "@refs/tags/v1.2.3", true},
		{goBuilder + "@refs/tags/v1.2.3", goBuilder + "@refs/heads/main", false},
		{goBuilder + "@refs/tags/v1.2.3", goBuilder + "@refs/tags/v1.2.4", false},
		{goBuilder + "@refs/tags/v1.2.3", goBuilder, false},
		{goBuilder, "https://github.com/evil/slsa-github-generator/.github/workflows/builder_go_slsa3.yml", false},
	} {
		ev := provenanceEvidence(t, tc.got, repo, "refs/heads/main")
		_, err := decide(t, slsa.Require(slsa.BuilderID(tc.want)), ev)
		if (err == nil) != tc.ok {
			t.Errorf("BuilderID(%q) on %q: err = %v, want ok=%v", tc.want, tc.got, err, tc.ok)
		}
		if err != nil && !errors.Is(err, policy.ErrBuilder) {
			t.Errorf("BuilderID(%q) on %q: %v does not match ErrBuilder", tc.want, tc.got, err)
		}
	}
}

// TestAdversarial_C76_SourceConfusion: repositories are parsed, then
// compared exactly.
func TestAdversarial_C76_SourceConfusion(t *testing.T) {
	for _, tc := range []struct {
		want, got string
		ok        bool
	}{
		{"github.com/org/repo", repo, true},
		{"https://github.com/org/repo", repo, true},
		{"git+https://github.com/org/repo", repo, true},
		{"GitHub.com/org/repo", repo, true}, // the host is case-insensitive, on the policy's side only
		{"github.com/org/repo", "https://github.com/org/repo-fork", false},
		{"github.com/org/repo", "https://github.com/org/repo/../evil", false},
		{"github.com/org/repo", "https://github.com/ORG/repo", false},
		{"github.com/org/repo", "https://github.com/org/repo/", false},
		{"github.com/org/repo", "https://github.com/org/repo.git", false},
		{"github.com/org/repo", "http://github.com/org/repo", false},
		{"github.com/org/repo", "https://github.com.evil/org/repo", false},
		{"github.com/org/repo", "https://evil@github.com/org/repo", false},
	} {
		ev := provenanceEvidence(t, goBuilder, tc.got, "refs/heads/main")
		_, err := decide(t, slsa.Require(slsa.SourceRepo(tc.want)), ev)
		if (err == nil) != tc.ok {
			t.Errorf("SourceRepo(%q) on %q: err = %v, want ok=%v", tc.want, tc.got, err, tc.ok)
		}
	}
	for _, bad := range []string{"", "ssh://github.com/org/repo", "github.com", "github.com/org/../repo", "github.com/org/repo?x=1",
		"https://user@github.com/org/repo", "github.com:443/org/repo", "github.com//repo", "github.com/org/repo/"} {
		if _, err := slsa.NormalizeRepo(bad); !errors.Is(err, slsa.ErrRepository) {
			t.Errorf("NormalizeRepo(%q) = %v, want ErrRepository", bad, err)
		}
		if _, err := policy.New("p", slsa.Require(slsa.SourceRepo(bad))); !errors.Is(err, policy.ErrInvalidPolicy) {
			t.Errorf("SourceRepo(%q) is a valid rule: %v", bad, err)
		}
	}
	// Provenance that names two sources errs, whichever one is asked for.
	f := newFixture(t, 1)
	p := provenance(goBuilder, repo, "refs/heads/main")
	p["buildDefinition"].(map[string]any)["resolvedDependencies"] = []any{map[string]any{
		"uri": "git+https://github.com/evil/repo@refs/heads/main", "digest": map[string]any{"gitCommit": "8f70009fde0c94ade6ce2a054b94718c819126ec"}}}
	ev := f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateSLSAProvenanceV1, p), time.Time{}, 0))
	d, err := decide(t, slsa.Require(slsa.SourceRepo("github.com/org/repo")), ev)
	if err == nil || d.Outcome != policy.Error || !errors.Is(err, policy.ErrSource) {
		t.Errorf("two sources: outcome %v, err %v", d.Outcome, err)
	}
	// A build that declares its source as externalParameters.source (the
	// container-based build type) and resolves several git dependencies:
	// the declared source is the source; one that disagrees with the
	// workflow errs.
	for _, tc := range []struct {
		name     string
		workflow bool
		source   string
		ok       bool
	}{
		{"declared source", false, "git+https://github.com/org/repo@refs/tags/v14", true},
		{"declared other source", false, "git+https://github.com/evil/repo@refs/tags/v14", false},
		{"workflow and source agree", true, "git+https://github.com/org/repo@refs/tags/v14", true},
		{"workflow and source disagree", true, "git+https://github.com/evil/repo@refs/tags/v14", false},
		{"source ref disagrees with workflow", true, "git+https://github.com/org/repo@refs/heads/main", false},
	} {
		p := provenance(goBuilder, repo, "refs/tags/v14")
		bd := p["buildDefinition"].(map[string]any)
		if !tc.workflow {
			delete(bd["externalParameters"].(map[string]any), "workflow")
		}
		bd["externalParameters"].(map[string]any)["source"] = map[string]any{"uri": tc.source}
		bd["resolvedDependencies"] = []any{
			map[string]any{"uri": tc.source, "digest": map[string]any{"sha1": "d37a7f740ee7404914456f24dcd90e865a0509e8"}},
			map[string]any{"uri": "git+https://github.com/slsa-framework/slsa-github-generator@refs/tags/v1.10.0"},
		}
		ev := f.Evidence(t, f.Result(t, f.Statement(t, attest.PredicateSLSAProvenanceV1, p), time.Time{}, 0))
		_, err := decide(t, slsa.Require(slsa.SourceRepo("github.com/org/repo"), slsa.Ref(verify.Exactly("refs/tags/v14"))), ev)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, policy.ErrSource)) {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	// Refs.
	ev = provenanceEvidence(t, goBuilder, repo, "refs/tags/v1.2.3")
	for _, tc := range []struct {
		rule policy.Rule[policy.Item]
		ok   bool
	}{
		{slsa.Ref(verify.Exactly("refs/tags/v1.2.3")), true},
		{slsa.Ref(verify.Exactly("refs/heads/main")), false},
		{slsa.SemverTag(), true},
	} {
		if _, err := decide(t, slsa.Require(tc.rule), ev); (err == nil) != tc.ok {
			t.Errorf("ref rule: %v, want ok=%v", err, tc.ok)
		}
	}
	ev = provenanceEvidence(t, goBuilder, repo, "refs/heads/v1.2.3")
	if _, err := decide(t, slsa.Require(slsa.SemverTag()), ev); err == nil {
		t.Error("a branch named like a version passed SemverTag")
	}
	// A key-signed provenance has no certificate to compare with.
	if _, err := decide(t, slsa.Require(slsa.SourceMatchesCertificate()), ev); !errors.Is(err, policy.ErrSource) {
		t.Errorf("SourceMatchesCertificate without a certificate: %v", err)
	}
}

func TestBuildLevel(t *testing.T) {
	reg := slsa.DefaultBuilders()
	reg["https://gitlab.example/builder"] = 2
	for _, tc := range []struct {
		builder string
		level   int
		ok      bool
	}{
		{goBuilder + "@refs/tags/v2.1.0", 3, true},
		{goBuilder + "@refs/heads/main", 3, false},
		{"https://gitlab.example/builder", 2, true},
		{"https://gitlab.example/builder", 3, false},
		{"https://unknown.example/builder", 1, false},
	} {
		ev := provenanceEvidence(t, tc.builder, repo, "refs/heads/main")
		_, err := decide(t, slsa.Require(slsa.BuildLevel(tc.level, reg)), ev)
		if (err == nil) != tc.ok {
			t.Errorf("BuildLevel(%d) of %q: %v, want ok=%v", tc.level, tc.builder, err, tc.ok)
		}
		if err != nil && !errors.Is(err, policy.ErrBuildLevel) {
			t.Errorf("%v does not match ErrBuildLevel", err)
		}
	}
	// The registry is copied into the rule.
	rule := slsa.BuildLevel(2, reg)
	delete(reg, "https://gitlab.example/builder")
	if _, err := decide(t, slsa.Require(rule), provenanceEvidence(t, "https://gitlab.example/builder", repo, "refs/heads/main")); err != nil {
		t.Errorf("changing the registry changed the rule: %v", err)
	}
}
