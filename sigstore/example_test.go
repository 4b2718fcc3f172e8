package sigstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// The examples verify real bundles of the Sigstore conformance suite
// against Sigstore's production trusted root (testdata/conformance):
// fixed inputs, fixed times, so the output never changes.
const (
	exampleAssets = "../testdata/conformance/assets"
	exampleRoot   = exampleAssets + "/production_trusted_root.json"
)

// verifyJSON verifies a bundle with the authority of tr: the one way to
// verify, verify.Verify, under a trust of a Sigstore authority.
func verifyJSON(tr *sigstore.TrustedRoot, data []byte, artifact verify.ArtifactPolicy, id verify.IdentityPolicy, opts ...verify.Option) (*verify.Result, error) {
	auth, err := sigstore.NewAuthority(tr)
	if err != nil {
		return nil, err
	}
	trust, err := verify.NewTrust(append(opts, verify.WithAuthority(auth))...)
	if err != nil {
		return nil, err
	}
	return verify.Verify(context.Background(), verify.FromJSON(data), trust, artifact, id)
}

func ExampleNewAuthority() {
	tr, err := sigstore.LoadTrustedRoot(exampleRoot)
	if err != nil {
		panic(err)
	}
	auth, err := sigstore.NewAuthority(tr) // one log entry, one verified time, one SCT
	if err != nil {
		panic(err)
	}
	trust, err := verify.NewTrust(verify.WithAuthority(auth))
	if err != nil {
		panic(err)
	}
	// Who may have signed: a workflow of one repository, from GitHub
	// Actions. The regular expression must match the whole SAN.
	id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{
		SANRegexp: `https://github\.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/\.github/workflows/.*@refs/heads/main`,
		Issuer:    "https://token.actions.githubusercontent.com",
		Claims:    verify.FulcioClaims{SourceRepositoryURI: "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon"},
	})
	if err != nil {
		panic(err)
	}
	data, err := os.ReadFile(exampleAssets + "/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json")
	if err != nil {
		panic(err)
	}
	res, err := verify.Verify(context.Background(), verify.FromJSON(data), trust, verify.WithArtifactFile(exampleAssets+"/bundle-verify/a.txt"), id)
	if err != nil {
		panic(err)
	}
	fmt.Println("signed by:", res.Identity().SAN)
	fmt.Println("trigger:", res.Identity().Claims.BuildTrigger)
	fmt.Println("statement:", res.Statement.PredicateType, "about", res.Subject.Name)
	for _, t := range res.Times {
		fmt.Println("at:", t.Time.UTC().Format(time.RFC3339), "from", t.Source, t.Authority)
	}
	fmt.Println(res.Checks)
	// Output:
	// signed by: https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
	// trigger: workflow_dispatch
	// statement: https://slsa.dev/provenance/v1 about a.txt
	// at: 2024-12-16T18:42:56Z from transparency-log https://rekor.sigstore.dev
	// [payload-type signatures transparency-log timestamps certificate sct identity statement subject]
}

func ExampleNewAuthority_anchoredIdentity() {
	tr, _ := sigstore.LoadTrustedRoot(exampleRoot)
	data, _ := os.ReadFile(exampleAssets + "/bundle-verify/happy-path-v0.3/bundle.sigstore.json")
	artifact := verify.WithArtifactFile(exampleAssets + "/bundle-verify/a.txt")

	// An unanchored pattern would accept "https://evil.example/https://github.com/...":
	// patterns are anchored, so this one, which only names a prefix, does
	// not match.
	id, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{
		SANRegexp: `https://github\.com/sigstore-conformance/`,
		Issuer:    "https://token.actions.githubusercontent.com",
	})
	_, err := verifyJSON(tr, data, artifact, id)
	var ie *verify.IdentityError
	fmt.Println(errors.Is(err, verify.ErrIdentity), errors.As(err, &ie) && ie.Identity.Issuer == "https://token.actions.githubusercontent.com")

	// An identity with no SAN criteria is an error, not a wildcard.
	_, err = verify.NewIdentityPolicy(verify.CertificateIdentity{Issuer: "https://token.actions.githubusercontent.com"})
	fmt.Println(errors.Is(err, verify.ErrInvalidOptions))
	// Output:
	// true true
	// true
}

func ExampleNewAuthority_key() {
	dir := exampleAssets + "/bundle-verify/managed-key-happy-path"
	key, err := verify.LoadPublicKey(dir + "/key.pub")
	if err != nil {
		panic(err)
	}
	id, _ := verify.NewKeyPolicy(key)
	tr, _ := sigstore.LoadTrustedRoot(exampleRoot)
	data, _ := os.ReadFile(dir + "/bundle.sigstore.json")
	res, err := verifyJSON(tr, data, verify.WithArtifactFile(exampleAssets+"/bundle-verify/a.txt"), id)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Signers[0].KeyID == key.ID(), res.Identity() == nil)
	for _, t := range res.Times {
		fmt.Println(t.Source, t.Time.UTC().Format(time.RFC3339))
	}
	// Output:
	// true true
	// transparency-log 2025-12-18T17:04:39Z
	// timestamp-authority 2025-12-18T17:04:39Z
}

func ExampleNewAuthority_signingTime() {
	// A Rekor v2 bundle gets its time from a timestamp authority. Without
	// it, the caller's time does not stand in: Rekor v2 requires one.
	dir := exampleAssets + "/bundle-verify/rekor2-no-timestamp_fail"
	tr, _ := sigstore.LoadTrustedRoot(dir + "/trusted_root.json")
	id, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{
		SAN:    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
		Issuer: "https://token.actions.githubusercontent.com",
	})
	data, _ := os.ReadFile(dir + "/bundle.sigstore.json")
	artifact := verify.WithArtifactFile(exampleAssets + "/bundle-verify/a.txt")

	_, err := verifyJSON(tr, data, artifact, id)
	fmt.Println(errors.Is(err, verify.ErrTimestamp))

	_, err = verifyJSON(tr, data, artifact, id, verify.WithSigningTime(time.Date(2025, 6, 12, 12, 2, 30, 0, time.UTC)))
	fmt.Println(errors.Is(err, verify.ErrTimestamp))
	// Output:
	// true
	// true
}

func ExampleParseTrustedRoot() {
	data, _ := os.ReadFile(exampleAssets + "/bundle-verify/trust-root-tlog-missing-validity-start_fail/trusted_root.json")
	// A log key without the start of its validity period is refused: it
	// would otherwise be trusted for any time before its end.
	_, err := sigstore.ParseTrustedRoot(data)
	fmt.Println(errors.Is(err, verify.ErrTrustedRoot))
	// Output:
	// true
}
