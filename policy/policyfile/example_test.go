package policyfile_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/policyfile"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
)

// A policy file, loaded into typed rules, with a CEL expression
// type-checked against attest.ProvenanceV1, deciding on a signed and
// verified provenance attestation.
func ExampleParse() {
	file := []byte(`apiVersion: chainmail.dev/policy/v1
name: release
version: 3
rule:
  named:
    id: provenance
    message: built from org/app by its release workflow
    rule:
      slsa:
        - sourceRepo: github.com/org/app
        - semverTag: true
        - cel: predicate.buildDefinition.externalParameters.workflow.path == ".github/workflows/release.yml"
`)
	pf, err := policyfile.Parse(file, policyfile.Options{MinVersion: 3})
	if err != nil {
		panic(err)
	}

	// Sign provenance about an artifact, and verify it.
	ctx := context.Background()
	key, _ := sign.GenerateKey(sign.ECDSAP256)
	signer, _ := sign.NewSigner(key)
	pub, _ := verify.NewPublicKey(key.Public())
	trust, _ := verify.NewTrust(verify.WithKeys(pub))
	d, _ := digest.FromBytes([]byte("app 1.4.0"), digest.SHA256)
	decide := func(ref string) (policy.Decision, error) {
		st, _ := attest.NewPredicateStatement(&attest.ProvenanceV1{
			BuildDefinition: attest.BuildDefinition{BuildType: "https://actions.github.io/buildtypes/workflow/v1",
				ExternalParameters: map[string]any{"workflow": map[string]any{
					"repository": "https://github.com/org/app", "ref": ref, "path": ".github/workflows/release.yml"}}},
			RunDetails: attest.RunDetails{Builder: attest.Builder{ID: "https://github.com/actions/runner/github-hosted"}},
		}, attest.Subject("app.tar.gz", d))
		env, _ := sign.Statement(ctx, st, signer)
		res, err := verify.Verify(ctx, verify.FromEnvelope(env), trust, verify.WithArtifactDigest(d), verify.TrustedKeys())
		if err != nil {
			panic(err)
		}
		ev, _ := policy.NewEvidence(digest.NewSet(d), []*verify.Result{res})
		return pf.Policy.Decide(ev, time.Now())
	}

	dec, err := decide("refs/tags/v1.4.0")
	fmt.Println(pf.Name, pf.Version, "tag build allowed:", dec.Allowed, err)
	dec, err = decide("refs/heads/main")
	fmt.Println("branch build allowed:", dec.Allowed, errors.Is(err, policy.ErrSource))
	fmt.Println(dec.Reasons()[0])

	// A typo in a field name is a load error with its line, not a rule
	// that never matches.
	_, err = policyfile.Parse([]byte("apiVersion: chainmail.dev/policy/v1\nname: p\nrule:\n  slsa:\n    - cel: predicate.runDetail.builder.id == 'x'\n"), policyfile.Options{})
	var fe *policyfile.Error
	fmt.Println(errors.As(err, &fe), fe.Line)
	// Output:
	// release 3 tag build allowed: true <nil>
	// branch build allowed: false true
	// provenance: predicate.buildDefinition.externalParameters.workflow.ref is "refs/heads/main", want refs/tags/vX.Y.Z
	// true 5
}
