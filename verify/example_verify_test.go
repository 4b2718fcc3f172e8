package verify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/chainmail-dev/chainmail/verify"
)

func ExampleVerify() {
	pub, _ := verify.NewPublicKey(alice.Public())
	trust, err := verify.NewTrust(verify.WithKeys(pub))
	if err != nil {
		panic(err)
	}
	data, _ := exampleEnvelope(alice).Marshal()
	res, err := verify.Verify(context.Background(), verify.FromJSON(data), trust,
		verify.WithArtifact(strings.NewReader("hello\n")), verify.TrustedKeys())
	if err != nil {
		panic(err)
	}
	s := res.Signers[0]
	fmt.Println(s.Kind, s.KeyID == pub.ID(), s.Scheme)
	fmt.Println(res.Subject.Name, res.Times[0].Source)

	// A tampered copy is rejected, and the error says why.
	data[len(data)/2] ^= 1
	_, err = verify.Verify(context.Background(), verify.FromJSON(data), trust,
		verify.WithArtifact(strings.NewReader("hello\n")), verify.TrustedKeys())
	fmt.Println(errors.Is(err, verify.ErrUnverified))
	// Output:
	// key true PKIX_ED25519
	// hello.txt none
	// true
}

func ExampleResult_json() {
	pub, _ := verify.NewPublicKey(alice.Public())
	trust, _ := verify.NewTrust(verify.WithKeys(pub))
	res, err := verify.Verify(context.Background(), verify.FromEnvelope(exampleEnvelope(alice)), trust,
		verify.WithArtifact(strings.NewReader("hello\n")), verify.TrustedKeys())
	if err != nil {
		panic(err)
	}
	out, _ := json.Marshal(res.Signers)
	fmt.Println(string(out))
	out, _ = json.Marshal(res.Times)
	fmt.Println(string(out))
	// Output:
	// [{"kind":"key","keyId":"b8da3b1fc07ea8108fcbb892f0b619fe3eb90922b0eaa346ec298ecf3fcb303f","scheme":"PKIX_ED25519","signature":0}]
	// [{"source":"none"}]
}

func ExampleCertificateMatcher() {
	m, err := verify.NewCertificateMatcher(verify.CertificateIdentity{
		SANRegexp: `https://github\.com/org/repo/\.github/workflows/release\.yml@refs/tags/v.*`,
		Issuer:    "https://token.actions.githubusercontent.com",
	})
	if err != nil {
		panic(err)
	}
	ok := &verify.Identity{
		SAN:    "https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1.2.3",
		Issuer: "https://token.actions.githubusercontent.com",
	}
	fmt.Println(m.Match(ok))
	branch := *ok
	branch.SAN = "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main"
	fmt.Println(m.Match(&branch))
	// Output:
	// <nil>
	// verify: identity not accepted: SAN "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main" does not match "https://github\\.com/org/repo/\\.github/workflows/release\\.yml@refs/tags/v.*"
}

func ExampleMatchingRegexp() {
	m, err := verify.MatchingRegexp(`https://github\.com/org/.*`)
	if err != nil {
		panic(err)
	}
	// Anchored at both ends: a value that only contains a match does not
	// match.
	fmt.Println(m.Match("https://github.com/org/repo"), m.Match("https://evil.example/?https://github.com/org/x"))
	fmt.Println(verify.Exactly("push").Match("push"), verify.Exactly("push").Match("push "))
	// Output:
	// true false
	// true false
}
