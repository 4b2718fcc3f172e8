// Package provenance makes SLSA provenance v1 for real builds, on any
// build platform, and verifies it like slsa-verifier does, for any
// builder, with the reasons of every mismatch.
//
// # Generating
//
// A Build is one run of a build: the builder, the build type and its
// parameters, and the source. Make it from the environment the caller
// passes (the package never reads the process environment or the clock):
//
//	b, err := provenance.Detect(provenance.ParseEnviron(os.Environ()))
//	// GitHub Actions (GitHub's own build type, as actions/attest-build-provenance
//	// writes it), GitLab CI or Buildkite; or, for a workstation or a
//	// builder of your own:
//	b, err = provenance.Local("https://builds.example.com/release", src)
//	err = b.CheckSource(".") // the checkout is at the commit the environment names
//
// Then run the build through it: Run starts the command, and when it
// succeeds records the outputs' SHA-256 digests as subjects (read in
// constant memory; symbolic links are never followed), the source commit,
// the toolchain and every module linked into each Go binary produced (as
// `go version -m` lists them, with their go.sum hashes) as resolved
// dependencies, and optionally an SBOM per Go binary:
//
//	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", "dist/app", "./cmd/app")
//	rec, err := b.Run(ctx, provenance.Command{
//		Cmd: cmd, Outputs: []string{"dist/app"}, Clock: time.Now, SBOMs: true,
//	})
//	env, err := sign.Statement(ctx, rec.Statement, signer) // or keyless, with package sigstore
//
// A failed command produces no provenance (ErrBuild). The same Build,
// outputs and times give byte-identical statements; without Run,
// Build.Statement makes one from subjects you digested (Subjects,
// SubjectsInDir) and dependencies you list (GoDependencies).
//
// # Verifying
//
// Requirements are slsa-verifier's questions, for any builder: the source
// repository (required), the builder id (exact, or any released version
// of it), tag or branch, semantic-version tag, workflow path, build type
// and SLSA build level through an open registry of trusted builders
// (slsa.Builders). For provenance signed with a Fulcio certificate, the
// certificate's source repository, ref, commit and build signer must
// agree with the provenance. Verify the bundles first (package verify),
// then decide:
//
//	res, err := verify.Verify(ctx, verify.FromJSON(bundle), trust, verify.WithArtifactFile("dist/app"), identity)
//	set, err := digest.SetFromFile("dist/app", digest.SHA256)
//	d, err := provenance.Verify(set, []*verify.Result{res}, provenance.Requirements{
//		SourceURI: "github.com/org/repo",
//		BuilderID: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml",
//		SourceTag: "v1.2.3",
//	}, time.Now())
//	if errors.Is(err, policy.ErrDenied) {
//		fmt.Print(d.Text()) // every mismatch: field, got, want
//	}
//
// The requirements are a package policy rule (Requirements.Rule), so they
// combine with any other rule and explain themselves the same way: text,
// JSON, SARIF or a VSA. The source is read as GitHub's workflow build type
// names it (externalParameters.workflow), as the container-based build
// type declares it (externalParameters.source), or from the only git
// dependency; provenance that names two sources is an error, never one of
// them.
//
// # Reproducible builds
//
// Consensus compares verified provenance from several independent
// builders of one source commit, subject by subject: whether they all
// produced the same SHA-256, and which builders differ from the most (or
// did not produce a subject at all). The Agreement is a statement to sign
// like any other (PredicateReproducible), whose subjects are every digest
// produced, so a policy finds it from any of the artifacts:
//
//	a, err := provenance.Consensus(results, 2)
//	if a.Result != provenance.Agreed {
//		fmt.Println("not reproducible; differs:", a.Disagreeing)
//	}
//	st, err := a.Statement()
//
// # Build types
//
// GitHub Actions builds use GitHub's build type (BuildTypeGitHubWorkflow),
// so provenance made here reads like GitHub's artifact attestations; the
// other platforms and local builds use this package's own build types,
// documented at their constants.
package provenance
