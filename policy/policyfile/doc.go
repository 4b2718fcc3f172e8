// Package policyfile loads policies written as files, YAML or JSON, into
// the same typed rules of package policy that a Go program builds.
//
//	apiVersion: chainmail.dev/policy/v1
//	name: release
//	version: 7
//	rule:
//	  all:
//	    - slsa:
//	        - builderId: https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml
//	        - sourceRepo: github.com/org/repo
//	        - semverTag: true
//	    - require:
//	        predicateType: https://in-toto.io/attestation/test-result/v0.1
//	        rule:
//	          testsPassed: true
//	    - named:
//	        id: signer
//	        message: signed by the release workflow
//	        rule:
//	          require:
//	            predicateType: https://slsa.dev/provenance/v1
//	            rule:
//	              signedBy:
//	                - identity:
//	                    sanRegexp: https://github\.com/org/repo/\.github/workflows/release\.yml@refs/tags/v.*
//	                    issuer: https://token.actions.githubusercontent.com
//
// Every rule is a mapping with one key, its name. Evidence rules: all,
// any, not, atLeast {n, rules}, when {if, then}, named {id, message,
// remediation, severity, expires, rule}, require and requireAny
// {predicateType, rule}, slsa [attestation rules], distinctSigners {n,
// predicateType, signers}, artifactIn [digests], vulns {atOrAbove,
// afterVex, vexSigners, products}, sbom [SBOM rules: licensesAllowed
// {licenses, unknownLicensesPass}, licensesDenied {licenses}, banned
// {purl, versions}, and the combinators]. Attestation rules (inside require and
// slsa): the same combinators, signedBy [{key: ID} | {identity: {san,
// sanRegexp, issuer, issuerRegexp, claims}}], freshWithin (720h, 30d),
// subjectName, testsPassed, vsaPassed {verifierId, levels}, builderId, buildType, sourceRepo, ref,
// refRegexp, semverTag, sourceMatchesCertificate, buildLevel {level,
// builders, defaultBuilders}, and cel.
//
// Loading is strict: unknown fields, wrong types, empty strings and
// lists, unknown rule names, and YAML anchors or aliases are errors
// (*Error, with the line and column) that match policy.ErrInvalidPolicy.
//
// # CEL
//
// A cel rule is the escape hatch: a CEL expression over one attestation,
// compiled once when the file loads and type-checked against the SDK's
// Go types, so a misspelt field ("predicate.runDetail") is a load error,
// not a silent false. Inside require or slsa, predicate has the Go type
// of its predicate type (attest.ProvenanceV1, ...) with the JSON field
// names; elsewhere it is dyn. Each evaluation is stopped at
// Options.CELCostLimit with policy.ErrPolicyBudget (SECURITY.md C86), and
// an expression that errs denies.
//
// # Signed policies and replay
//
// A policy file is an artifact like any other: sign it (an attestation
// whose subject is the file), verify it with package verify before
// loading, and pass Options.MinVersion, the version of the last policy
// applied, so that an older, validly signed version is refused with
// ErrReplay (SECURITY.md C91). File.Digest is the file's SHA-256, for a
// VSA's policy field.
package policyfile
