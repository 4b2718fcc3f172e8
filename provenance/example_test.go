package provenance_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/provenance"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
)

// A GitHub Actions run, from the variables the runner sets (a program
// passes provenance.ParseEnviron(os.Environ())).
func ExampleDetect() {
	env := provenance.Environment{
		"GITHUB_ACTIONS":             "true",
		"GITHUB_SERVER_URL":          "https://github.com",
		"GITHUB_REPOSITORY":          "org/app",
		"GITHUB_REF":                 "refs/tags/v1.0.0",
		"GITHUB_SHA":                 "8f70009fde0c94ade6ce2a054b94718c819126ec",
		"GITHUB_WORKFLOW_REF":        "org/app/.github/workflows/release.yml@refs/tags/v1.0.0",
		"GITHUB_RUN_ID":              "42",
		"GITHUB_RUN_ATTEMPT":         "1",
		"GITHUB_EVENT_NAME":          "push",
		"GITHUB_REPOSITORY_ID":       "1",
		"GITHUB_REPOSITORY_OWNER_ID": "2",
		"RUNNER_ENVIRONMENT":         "github-hosted",
	}
	b, err := provenance.Detect(env)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.BuilderID)
	fmt.Println(b.BuildType)
	fmt.Println(b.Source.Repository, b.Source.Ref)
	// Output:
	// https://github.com/org/app/.github/workflows/release.yml@refs/tags/v1.0.0
	// https://actions.github.io/buildtypes/workflow/v1
	// https://github.com/org/app refs/tags/v1.0.0
}

// The provenance of a local build, from subjects digested elsewhere.
func ExampleBuild_Statement() {
	b, err := provenance.Local("https://builds.example.com/release", provenance.Source{
		Repository: "https://github.com/org/app", Ref: "refs/heads/main", Commit: "8f70009fde0c94ade6ce2a054b94718c819126ec"})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := digest.FromBytes([]byte("the app"), digest.SHA256)
	st, err := b.Statement([]attest.ResourceDescriptor{attest.Subject("app", d)}, provenance.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := attest.PredicateAs[attest.ProvenanceV1](st)
	fmt.Println(st.PredicateType)
	fmt.Println(p.RunDetails.Builder.ID)
	fmt.Println(p.BuildDefinition.ResolvedDependencies[0].URI)
	// Output:
	// https://slsa.dev/provenance/v1
	// https://builds.example.com/release
	// git+https://github.com/org/app@refs/heads/main
}

// Verifying provenance: the signature first (package verify), then what
// the provenance says; every mismatch is reported.
func ExampleVerify() {
	ctx := context.Background()
	b, _ := provenance.Local("https://builds.example.com/release", provenance.Source{
		Repository: "https://github.com/org/app", Ref: "refs/heads/main", Commit: "8f70009fde0c94ade6ce2a054b94718c819126ec"})
	d, _ := digest.FromBytes([]byte("the app"), digest.SHA256)
	st, _ := b.Statement([]attest.ResourceDescriptor{attest.Subject("app", d)}, provenance.Options{})
	key, _ := sign.GenerateKey(sign.ECDSAP256)
	signer, _ := sign.NewSigner(key)
	env, _ := sign.Statement(ctx, st, signer)

	pub, _ := verify.NewPublicKey(key.Public())
	trust, _ := verify.NewTrust(verify.WithKeys(pub))
	res, err := verify.Verify(ctx, verify.FromEnvelope(env), trust, verify.WithArtifactDigest(d), verify.TrustedKeys())
	if err != nil {
		fmt.Println(err)
		return
	}
	dec, err := provenance.Verify(digest.NewSet(d), []*verify.Result{res}, provenance.Requirements{
		SourceURI:    "github.com/org/app",
		BuilderID:    "https://builds.example.com/nightly",
		SourceBranch: "release",
	}, time.Now())
	fmt.Println(errors.Is(err, policy.ErrDenied), errors.Is(err, policy.ErrBuilder), errors.Is(err, policy.ErrSource))
	for _, r := range dec.Reasons() {
		fmt.Println(r)
	}
	// Output:
	// true true true
	// provenance: predicate.runDetails.builder.id is "https://builds.example.com/release", want "https://builds.example.com/nightly", or at a released version (@refs/tags/vX.Y.Z)
	// provenance: predicate.buildDefinition.resolvedDependencies is "refs/heads/main", want "refs/heads/release"
}
