// Package slsa holds the policy rules for SLSA provenance (v1, and v0.2
// for the attestations that still carry it), for any builder.
//
// Rules are policy.Rule[policy.Item] values over one provenance
// attestation; Require applies them to every provenance attestation of
// the evidence and fails when there is none:
//
//	rule := slsa.Require(
//		slsa.BuilderID("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml"),
//		slsa.SourceRepo("github.com/org/repo"),
//		slsa.SemverTag(),
//		slsa.SourceMatchesCertificate(),
//		slsa.BuildLevel(3, slsa.DefaultBuilders()),
//	)
//
// Builder ids are compared exactly, with an explicit rule for versions:
// an expected id without a version accepts only released versions of
// that builder ("@refs/tags/vX.Y.Z"), never a branch and never a longer
// id (SECURITY.md C75). Repositories are normalized once, on the
// policy's side, and then compared byte for byte with what the
// provenance names, so forks, dot segments and case variants are other
// repositories (C76); SourceMatchesCertificate checks the provenance
// against the Fulcio claims of the certificate that signed it.
//
// The trusted-builder registry (Builders) is an open world: start from
// DefaultBuilders and add the builders you trust, at the level you trust
// them for.
package slsa
