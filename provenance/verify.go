package provenance

import (
	"fmt"
	"time"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/slsa"
	"github.com/chainmail-dev/chainmail/verify"
)

// Requirements are what provenance must say for an artifact to pass, as
// slsa-verifier's flags say it, for any builder. SourceURI is required;
// everything else left zero is not asked for, except the builder: without
// BuilderID, the builder must be in Builders (at BuildLevel, at least 1).
type Requirements struct {
	// SourceURI is the source repository, e.g. "github.com/org/repo"
	// (slsa.NormalizeRepo; compared exactly after that). Required.
	SourceURI string
	// BuilderID is the trusted builder: with a version, exactly that;
	// without, that builder at any released version (slsa.BuilderID).
	BuilderID string
	// SourceTag is the git tag built, e.g. "v1.2.3" (refs/tags/v1.2.3).
	SourceTag string
	// SourceBranch is the git branch built, e.g. "main"
	// (refs/heads/main). At most one of SourceTag and SourceBranch.
	SourceBranch string
	// SemverTag asks for a release tag, refs/tags/vX.Y.Z.
	SemverTag bool
	// WorkflowPath is the workflow file that ran the build, e.g.
	// ".github/workflows/release.yml".
	WorkflowPath string
	// BuildType is the build type, exactly.
	BuildType string
	// BuildLevel is the SLSA build level the builder must be trusted for
	// in Builders; 0 means 1 when BuilderID is empty, and no level check
	// when it is given.
	BuildLevel int
	// Builders is the trusted-builder registry; nil means
	// slsa.DefaultBuilders.
	Builders slsa.Builders
	// Delegators are the workflows that may sign provenance for another
	// builder (slsa.BuilderMatchesCertificate); nil means
	// slsa.DefaultDelegators, and an empty non-nil list trusts none.
	Delegators []string
}

// Rule returns the requirements as a policy rule: every SLSA provenance
// attestation of the evidence must meet each one; for provenance signed
// by a Fulcio certificate, the certificate's source repository, ref,
// commit and build signer must also agree with the provenance's source and
// builder, or the signer be a trusted delegator (SECURITY.md C76).
func (r Requirements) Rule() (policy.Rule[policy.Evidence], error) {
	if r.SourceURI == "" {
		return nil, fmt.Errorf("%w: requirements without a source repository", policy.ErrInvalidPolicy)
	}
	if r.SourceTag != "" && r.SourceBranch != "" {
		return nil, fmt.Errorf("%w: a source tag and a source branch are exclusive", policy.ErrInvalidPolicy)
	}
	rules := []policy.Rule[policy.Item]{slsa.SourceRepo(r.SourceURI)}
	builders := r.Builders
	if builders == nil {
		builders = slsa.DefaultBuilders()
	}
	level := r.BuildLevel
	if r.BuilderID != "" {
		rules = append(rules, slsa.BuilderID(r.BuilderID))
	} else if level == 0 {
		level = 1
	}
	if level > 0 {
		rules = append(rules, slsa.BuildLevel(level, builders))
	}
	switch {
	case r.SourceTag != "":
		rules = append(rules, slsa.Ref(verify.Exactly("refs/tags/"+r.SourceTag)))
	case r.SourceBranch != "":
		rules = append(rules, slsa.Ref(verify.Exactly("refs/heads/"+r.SourceBranch)))
	}
	if r.SemverTag {
		rules = append(rules, slsa.SemverTag())
	}
	if r.WorkflowPath != "" {
		rules = append(rules, slsa.WorkflowPath(r.WorkflowPath))
	}
	if r.BuildType != "" {
		rules = append(rules, slsa.BuildType(r.BuildType))
	}
	delegators := r.Delegators
	if delegators == nil {
		delegators = slsa.DefaultDelegators()
	}
	rules = append(rules, policy.When(signedByCertificate(),
		policy.All(slsa.SourceMatchesCertificate(), slsa.BuilderMatchesCertificate(delegators...))))
	return policy.Named("provenance", "SLSA provenance from "+r.SourceURI+" by a trusted builder",
		slsa.Require(rules...)), nil
}

// signedByCertificate passes for an attestation signed by a certificate.
func signedByCertificate() policy.Rule[policy.Item] {
	return policy.Func("signed-by-certificate", "a certificate signer",
		func(_ *policy.Context, it *policy.Item) (bool, error) {
			for i := range it.Signers {
				if it.Signers[i].Kind == verify.SignerCertificate {
					return true, nil
				}
			}
			return false, nil
		})
}

// Policy returns the requirements as a policy named "provenance".
func (r Requirements) Policy() (*policy.Policy, error) {
	rule, err := r.Rule()
	if err != nil {
		return nil, err
	}
	return policy.New("provenance", rule)
}

// Verify decides whether the verified results' provenance meets r for
// the artifact: results must have verified (verify.Verify) against the
// artifact's digests. It returns the decision with every finding, and an
// error matching policy.ErrDenied (and the kind of each failing check:
// policy.ErrSource, policy.ErrBuilder, policy.ErrBuildLevel, ...) unless
// the provenance passes. now is the decision time.
func Verify(artifact digest.Set, results []*verify.Result, r Requirements, now time.Time) (*policy.Decision, error) {
	p, err := r.Policy()
	if err != nil {
		return nil, err
	}
	ev, err := policy.NewEvidence(artifact, results)
	if err != nil {
		return nil, err
	}
	d, err := p.Explain(ev, now)
	return &d, err
}

// Builders returns a registry of trusted builders for Requirements.Builders
// that also trusts the hosted platforms, at SLSA Build L2: slsa-github-
// generator's builders at L3 (slsa.DefaultBuilders), and at L2 every
// GitHub Actions workflow ("https://github.com/*": actions/attest-build-
// provenance, and this package's wrapper on GitHub) and every GitLab.com
// runner ("https://gitlab.com/*": GitLab's runner provenance, and this
// package's wrapper on GitLab CI). It is not the default: with it, any
// workflow of the platform is a trusted builder, which is only sound for
// provenance signed by the platform's own identity (a Fulcio certificate
// from its OIDC issuer, as Rule checks for certificates); pin BuilderID
// where you know the builder. Extend it with your own builders, e.g. the
// builder id you pass to Local.
func Builders() slsa.Builders {
	b := slsa.DefaultBuilders()
	b["https://github.com/*"] = 2
	b["https://gitlab.com/*"] = 2
	return b
}
