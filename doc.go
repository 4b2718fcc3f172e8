// Package chainmail is an embeddable Go SDK for software supply-chain
// security: it produces and checks the evidence that software is what it
// claims to be. This root package holds documentation only; the work is
// done by the packages below, which a program imports one by one.
//
// # Package map
//
//   - [github.com/chainmail-dev/chainmail/digest]: streaming SHA-256/384/512
//     of files and readers, a comparable Digest value ("sha256:…"), and
//     in-toto digest sets with downgrade-proof matching. Standard library
//     only.
//   - [github.com/chainmail-dev/chainmail/attest]: the formats. in-toto
//     Statement v1 as plain Go structs with strict parsing, typed predicates
//     (SLSA provenance v1 and v0.2, VSA, SPDX, CycloneDX, test results,
//     vulnerability scans, OpenVEX; registries of your own for other
//     types), and DSSE envelopes with PAE.
//   - [github.com/chainmail-dev/chainmail/sbom]: SBOMs. CycloneDX and SPDX
//     documents of Go modules and binaries (what is really linked, licenses
//     detected offline and written where consumers read them, go.sum
//     h1 hashes, PURLs, the dependency graph); decoding of
//     every common format, validation, conversion, merge, diff and OpenVEX.
//   - [github.com/chainmail-dev/chainmail/bundle]: Sigstore bundles
//     (v0.1–v0.3) in types of its own, parsed strictly and written
//     deterministically; the standard library only.
//   - [github.com/chainmail-dev/chainmail/sign]: the Signer interface any
//     KMS or HSM adapter implements; signers for ECDSA, Ed25519 and RSA keys;
//     key loading (PEM, cosign's encrypted format) and generation; signing
//     statements into DSSE envelopes and Sigstore bundles. Two
//     third-party modules.
//   - [github.com/chainmail-dev/chainmail/verify]: verification of
//     envelopes and bundles against trusted keys with a threshold of
//     distinct keys, of bundles anchored by an Authority (package
//     sigstore's) with identity policies, and of statement subjects
//     against artifacts, through one function (verify.Verify)
//     that returns one Result for every kind of signature: who signed
//     (keys, or certificates with their identity), when (and by whose
//     clock), about which digest, and what was checked; typed errors;
//     a stable JSON encoding. Two third-party modules.
//   - [github.com/chainmail-dev/chainmail/sigstore]: everything that
//     talks to Sigstore, built on sigstore-go: keyless signing (OIDC token
//     -> Fulcio certificate -> Rekor entry -> RFC 3161 timestamp) with
//     token sources for CI providers, each new bundle checked by
//     verify.Verify; the Authority package verify calls (transparency
//     logs, timestamps, Fulcio chains and SCTs); trusted roots (a file, a
//     value built in code, or TUF).
//   - [github.com/chainmail-dev/chainmail/policy]: decisions. Evidence is
//     made only of verify.Result values that verified, about one artifact;
//     rules are typed Go values (All, Any, Not, AtLeast, When, Some, Every,
//     named, enforced or advisory, with expiry) over it, in three-valued
//     logic where an error never passes; a Decision explains itself as a
//     tree of findings, rendered as text, JSON, SARIF 2.1.0 or a signed-
//     ready SLSA Verification Summary Attestation. A library of rules:
//     signers and identities, m-of-n distinct signers, predicate types,
//     freshness on verified times, tests, VSAs, vulnerabilities after
//     verified OpenVEX. Two third-party modules.
//   - [github.com/chainmail-dev/chainmail/policy/slsa]: SLSA provenance
//     rules (v1, and v0.2 read): builder ids with explicit version rules,
//     source repository, ref and semver tag, build type, and build levels
//     from an open registry of trusted builders.
//   - [github.com/chainmail-dev/chainmail/policy/sbompolicy]: SBOM rules:
//     licenses allowed or denied by evaluated SPDX expressions, banned
//     components by package URL and version range.
//   - [github.com/chainmail-dev/chainmail/policy/policyfile]: the same
//     rules as a YAML or JSON file, checked at load with line numbers, with
//     CEL expressions (cel-go) type-checked at load and cost-limited at run
//     time, and refusal of a replayed older version.
//   - [github.com/chainmail-dev/chainmail/policy/intoto]: in-toto layout
//     verification (in-toto-golang) as one more rule; inspections run only
//     when the caller opts in.
//   - [github.com/chainmail-dev/chainmail/policy/policytest]: evidence for
//     tests, made by signing and verifying, never by hand.
//   - [github.com/chainmail-dev/chainmail/provenance]: SLSA provenance v1
//     of real builds (GitHub Actions in GitHub's own build type, GitLab CI,
//     Buildkite, local builders), a build wrapper that records outputs,
//     the source commit and each Go binary's modules, verification like
//     slsa-verifier's for any builder as policy rules, and reproducible-
//     build consensus across independent builders.
//   - [github.com/chainmail-dev/chainmail/vuln]: SBOMs and Go binaries
//     against OSV records (the Go vulnerability database, osv.dev zips),
//     offline: Go and SemVer version order, aliases merged, withdrawn
//     records ignored, CVSS v3 scores computed, for Go binaries whether
//     the vulnerable functions are linked, trusted VEX applied; the
//     result as an in-toto vulns predicate, SARIF or text.
//
// Import graph, checked by a test: digest imports only the standard
// library; attest imports digest; sbom and bundle import attest; sign and
// verify import attest, bundle and digest, never each other; sigstore
// imports sign, verify and sigstore-go; policy imports attest, digest and
// verify (never sign or sigstore); its subpackages build on policy, and
// only policytest, for tests, signs; provenance imports attest, digest,
// sbom, verify, policy and policy/slsa, and signs nothing itself; vuln
// imports attest and sbom, verifies nothing and is imported by no other
// package (policy reads its output as a predicate).
// Each package has a budget of third-party modules, checked by another
// test (budget_test.go).
//
// # Quick start
//
//	d, err := digest.FromFile("app.tar.gz", digest.SHA256)
//	if err != nil {
//		return err
//	}
//	st, err := attest.NewPredicateStatement(
//		&attest.TestResult{Result: "PASSED"}, attest.Subject("app.tar.gz", d))
//	if err != nil {
//		return err
//	}
//	key, err := sign.GenerateKey(sign.ECDSAP256)
//	if err != nil {
//		return err
//	}
//	signer, err := sign.NewSigner(key)
//	if err != nil {
//		return err
//	}
//	b, err := sign.StatementBundle(ctx, st, signer)
//	if err != nil {
//		return err
//	}
//
//	pub, err := verify.NewPublicKey(key.Public())
//	if err != nil {
//		return err
//	}
//	trust, err := verify.NewTrust(verify.WithKeys(pub))
//	if err != nil {
//		return err
//	}
//	res, err := verify.Verify(ctx, verify.FromBundle(b), trust,
//		verify.WithArtifactFile("app.tar.gz"), verify.TrustedKeys())
//	if err != nil {
//		return err // errors.Is(err, verify.ErrUnverified); err says why
//	}
//	fmt.Println(res.Signers[0].KeyID, res.Subject.Name)
//
// Then decide on it: evidence from verified results only, a policy of
// typed rules, a decision that explains itself.
//
//	ev, err := policy.NewEvidence(digest.NewSet(d), []*verify.Result{res})
//	if err != nil {
//		return err
//	}
//	p, err := policy.New("release", policy.Require(attest.PredicateTestResult,
//		policy.Predicate(policy.TestsPassed())))
//	if err != nil {
//		return err
//	}
//	dec, err := p.Decide(ev, time.Now())
//	if errors.Is(err, policy.ErrDenied) {
//		fmt.Print(dec.Text()) // every failing rule, with what was found and wanted
//	}
//
// The examples directory holds complete programs: quickstart, keygen,
// attest, verify, sbom, policy-gate, provenance, verify-provenance and
// conformance.
//
// # Security model
//
// What a successful verification means: at least the threshold of
// distinct trusted keys (keys given by the caller, identified by their key
// material, never by a keyid in the signed object) signed exactly the
// bytes that were verified, with a payload type the caller accepts; the
// payload is an in-toto statement that parses under strict rules; and one
// of its subjects has the artifact's digest, computed locally, with the
// strongest digest algorithm the subject names.
//
// The rules that make that hold:
//
//   - Fail closed. Every rejection wraps verify.ErrUnverified. A nil or
//     zero Trust or Verifier, a zero Input, ArtifactPolicy or
//     IdentityPolicy, a threshold of 0 or a duplicate trusted key are
//     rejected; skipping the artifact check must be written as
//     verify.WithoutArtifactUnsafe(), and the identity check as
//     verify.WithoutIdentityUnsafe().
//   - One reading of the bytes. Statements, envelopes and bundles are
//     parsed strictly: no duplicate JSON keys, no keys that differ from a
//     field only in case, valid UTF-8 only, bounded size, depth and counts.
//     What is verified is what is decoded and returned; results hold copies.
//   - Distinct keys. Thresholds count keys, not signatures or keyids: one
//     key signing twice, under two keyids, or with a malleated ECDSA
//     signature counts once.
//   - Allow-listed cryptography: ECDSA P-256/P-384/P-521, Ed25519, RSA of
//     2048 to 8192 bits with a fixed padding per key, each with the hashes
//     Sigstore's algorithm registry pairs with it (P-384 and P-521 also
//     over SHA-256, as sigstore-go accepts), never below SHA-256. Digest matching uses
//     sha256/sha384/sha512 only and refuses downgrades.
//   - Bounded input. Limits (32 MiB per envelope or bundle, 100
//     signatures, 1024 subjects, 32 digests per subject, nesting depth 256)
//     are checked before any signature work.
//
// What an allowing policy decision means: every rule of the policy passed
// on evidence that holds only verified results about the artifact (a
// result that did not verify, was verified without the artifact, or is
// about another artifact cannot enter), with predicates decoded by their
// strict decoders. Decisions fail closed: empty evidence, a required
// predicate type that is absent, an empty constraint (no signers, an
// empty All), a rule that errs or exceeds its CEL budget, an expired rule
// or policy: each denies, with its reason, and an error never counts as a
// pass, not even under Not. Every attestation of a required type is
// judged, so a failing one cannot hide behind a passing one. Freshness
// reads verified signing times only, against the caller's clock.
//
// Each attack these rules answer is a test named for its case in the
// project's adversarial catalogue (TestAdversarial_Cxx).
//
// # What is not checked
//
//   - A Trust of keys only checks signatures: a transparency log entry or
//     timestamp in a key-signed bundle is checked only when the Trust has a
//     trusted root too, and Result.Checks never claims it was otherwise. A
//     bare key signature says nothing of when it was made: its Result.Times
//     holds one entry of source "none".
//   - Certificate revocation: Fulcio certificates are short-lived and
//     checked against verified signing times, never the wall clock; long
//     lived keys are trusted within the validity the trusted root gives.
//   - Key revocation and expiry for keys the caller passes: a trusted key
//     is trusted until the caller stops passing it.
//   - Freshness: an old valid signature verifies; freshness is a policy
//     rule (policy.FreshWithin), on the caller's clock.
//   - Predicate semantics: verification proves who signed a statement, not
//     that its claims (a builder id, a test result) are true; a policy
//     decides which signed claims, from which signers, are acceptable. A
//     builder named in provenance is trusted as far as the policy's
//     registry of builders and signers says, no further.
package chainmail
