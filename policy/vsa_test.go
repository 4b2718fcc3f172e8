package policy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy"
)

// vsaOptions are the options of the VSA tests, the policy named by its
// file's digest.
func vsaOptions(t *testing.T) policy.VSAOptions {
	t.Helper()
	return policy.VSAOptions{
		VerifierID:      "https://verifier.example/chainmail",
		VerifierVersion: map[string]string{"chainmail": "1.2.3"},
		ResourceURI:     "pkg:generic/app@1.0",
		PolicyURI:       "https://example.com/policies/release.json",
		PolicyDigest:    digest.NewSet(sum(t, `{"policy":"release"}`)),
		VerifiedLevels:  []string{"SLSA_BUILD_LEVEL_3"},
	}
}

// mustVSA renders d's VSA.
func mustVSA(t *testing.T, d *policy.Decision, opts policy.VSAOptions) *attest.Statement {
	t.Helper()
	st, err := d.VSA(opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// signedVSA signs st with a new verifier key, verifies the envelope
// against the artifact, and decodes the verified VSA.
func signedVSA(t *testing.T, st *attest.Statement) (*attest.Statement, *attest.VSA) {
	t.Helper()
	verifier := newFixture(t, 1)
	res := verifier.Result(t, st, time.Time{}, 0)
	vsa, err := attest.PredicateAs[attest.VSA](res.Statement)
	if err != nil {
		t.Fatal(err)
	}
	return res.Statement, vsa
}

// TestVSA renders the VSA of an allow, signs and verifies it against the
// artifact, and checks every field of the verified predicate.
func TestVSA(t *testing.T) {
	allow, deny := renderCases(t)
	opts := vsaOptions(t)
	st := mustVSA(t, &allow, opts)
	b1, _ := st.Marshal()
	b2, _ := mustVSA(t, &allow, opts).Marshal()
	if !bytes.Equal(b1, b2) {
		t.Errorf("two renderings differ:\n%s\n%s", b1, b2)
	}

	got, vsa := signedVSA(t, st)
	if got.PredicateType != attest.PredicateVSAV1 || len(got.Subject) != 1 {
		t.Fatalf("predicateType %q, %d subjects", got.PredicateType, len(got.Subject))
	}
	if s := got.Subject[0]; s.Name != "app-1.0.tar.gz" || !reflect.DeepEqual(s.Digest, allow.Artifact) {
		t.Errorf("subject %+v, want app-1.0.tar.gz %v", s, allow.Artifact)
	}
	var inputs []attest.ResourceDescriptor
	for _, in := range allow.Evidence().Inputs() {
		inputs = append(inputs, attest.ResourceDescriptor{Digest: digest.NewSet(in)})
	}
	if len(inputs) != 2 {
		t.Fatalf("%d inputs, want 2", len(inputs))
	}
	want := &attest.VSA{
		Verifier:     attest.VSAVerifier{ID: opts.VerifierID, Version: opts.VerifierVersion},
		TimeVerified: &t0,
		ResourceURI:  opts.ResourceURI,
		Policy: attest.ResourceDescriptor{Name: "release", URI: opts.PolicyURI, Digest: opts.PolicyDigest,
			Annotations: map[string]any{"version": "3"}},
		InputAttestations:  inputs,
		VerificationResult: "PASSED",
		VerifiedLevels:     []string{"SLSA_BUILD_LEVEL_3"},
		SLSAVersion:        "1.0",
	}
	if !reflect.DeepEqual(vsa, want) {
		gj, _ := json.Marshal(vsa)
		wj, _ := json.Marshal(want)
		t.Errorf("VSA\n%s\nwant\n%s", gj, wj)
	}

	// A denial: FAILED, and verifiedLevels says FAILED whatever the
	// options state; the subject name comes from the options.
	opts.SubjectName = "dist/app.tar.gz"
	got, vsa = signedVSA(t, mustVSA(t, &deny, opts))
	if vsa.VerificationResult != "FAILED" || !reflect.DeepEqual(vsa.VerifiedLevels, []string{"FAILED"}) ||
		got.Subject[0].Name != "dist/app.tar.gz" || len(vsa.InputAttestations) != 2 {
		t.Errorf("denial: subject %q, VSA %+v", got.Subject[0].Name, vsa)
	}

	// An allow stating no levels writes an empty list, never null.
	opts = vsaOptions(t)
	opts.VerifiedLevels, opts.PolicyURI = nil, ""
	st = mustVSA(t, &allow, opts)
	if !bytes.Contains(st.Predicate, []byte(`"verifiedLevels":[]`)) || bytes.Contains(st.Predicate, []byte(`"uri"`)) {
		t.Errorf("predicate %s", st.Predicate)
	}
}

// TestVSAErrors: a VSA without what the specification requires, or of a
// decision that cannot say it, is an ErrRender.
func TestVSAErrors(t *testing.T) {
	allow, _ := renderCases(t)
	noTime := allow
	noTime.Time = time.Time{}
	var decoded policy.Decision
	raw, err := json.Marshal(&allow)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		d    *policy.Decision
		edit func(*policy.VSAOptions)
	}{
		{"no verifier id", &allow, func(o *policy.VSAOptions) { o.VerifierID = "" }},
		{"zero time", &noTime, func(*policy.VSAOptions) {}},
		{"no resource uri", &allow, func(o *policy.VSAOptions) { o.ResourceURI = "" }},
		{"no policy uri or digest", &allow, func(o *policy.VSAOptions) { o.PolicyURI, o.PolicyDigest = "", nil }},
		{"bad policy digest", &allow, func(o *policy.VSAOptions) { o.PolicyDigest = digest.Set{"sha256": "zz"} }},
		{"FAILED level on an allow", &allow, func(o *policy.VSAOptions) { o.VerifiedLevels = []string{"FAILED"} }},
		{"two build levels", &allow, func(o *policy.VSAOptions) {
			o.VerifiedLevels = []string{"SLSA_BUILD_LEVEL_2", "SLSA_BUILD_LEVEL_3"}
		}},
		{"empty level", &allow, func(o *policy.VSAOptions) { o.VerifiedLevels = []string{""} }},
		{"decoded decision without evidence", &decoded, func(*policy.VSAOptions) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := vsaOptions(t)
			tc.edit(&opts)
			st, err := tc.d.VSA(opts)
			if !errors.Is(err, policy.ErrRender) || st != nil {
				t.Errorf("VSA = %v, %v; want ErrRender", st, err)
			}
		})
	}
}
