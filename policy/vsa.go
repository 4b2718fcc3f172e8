package policy

import (
	"slices"
	"strings"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
)

// SLSAVersion is the version of the SLSA specification the VSAs of this
// package follow (slsaVersion).
const SLSAVersion = "1.0"

// vsaFailed is the verifiedLevels entry of a failed verification.
const vsaFailed = "FAILED"

// VSAOptions says what a Verification Summary Attestation states besides
// the decision: who verified, what resource, against which policy, and
// which levels the policy establishes.
type VSAOptions struct {
	// VerifierID is the URI naming the verifier (verifier.id): the
	// service or tool that decided, whose key signs the VSA. Required.
	VerifierID string
	// VerifierVersion maps the verifier's components to their versions
	// (verifier.version); optional.
	VerifierVersion map[string]string
	// ResourceURI is the URI of the resource the artifact is associated
	// with (resourceUri), e.g. its package URL or download address.
	// Required.
	ResourceURI string
	// PolicyURI names the policy (policy.uri) and PolicyDigest holds the
	// digests of its bytes, e.g. of the policy file (policy.digest). At
	// least one is required; the SLSA specification requires the URI, so
	// give it whenever the policy has one.
	PolicyURI    string
	PolicyDigest digest.Set
	// SubjectName is the name of the subject; when empty, the name of
	// the first statement subject of the evidence that matched the
	// artifact, if any.
	SubjectName string
	// VerifiedLevels are the SLSA levels an allow establishes, at most
	// one per track, e.g. "SLSA_BUILD_LEVEL_3": the policy's author
	// states them, since no rule can infer them. A denial states
	// "FAILED" instead, as the specification requires, whatever they
	// are.
	VerifiedLevels []string
}

// VSA renders the decision as an in-toto statement of a SLSA
// Verification Summary Attestation v1 (attest.VSA), for the caller to
// sign (sign.Statement) with the verifier's key. Its subject is the
// decided artifact (the decision's digests, named by opts.SubjectName or
// the evidence's matched subject); its predicate states the verifier,
// timeVerified (the decision time), resourceUri, the policy (its URI and
// digests from opts, its name and version annotation from the decision),
// one inputAttestations entry per evidence item (the SHA-256 of the
// verified envelope or bundle, Item.Input), verificationResult PASSED or
// FAILED from Allowed, verifiedLevels (opts.VerifiedLevels for an allow,
// ["FAILED"] for a denial) and slsaVersion SLSAVersion.
//
// The same decision and options always give the same statement bytes.
// VSA fails with ErrRender without opts.VerifierID, opts.ResourceURI or
// a policy URI or digest, with invalid policy digests, with verified
// levels that are empty, "FAILED" or two of one track, and for a
// decision without a time, artifact digests or evidence (one decoded
// from JSON), or with an evidence item without an input digest.
func (d *Decision) VSA(opts VSAOptions) (*attest.Statement, error) {
	switch {
	case opts.VerifierID == "":
		return nil, errorf(ErrRender, "a VSA needs the verifier's id")
	case opts.ResourceURI == "":
		return nil, errorf(ErrRender, "a VSA needs the resource URI")
	case opts.PolicyURI == "" && len(opts.PolicyDigest) == 0:
		return nil, errorf(ErrRender, "a VSA needs the policy's URI or digest")
	case d.Time.IsZero():
		return nil, errorf(ErrRender, "a VSA needs the time of the decision, and the decision has none")
	case len(d.Artifact) == 0:
		return nil, errorf(ErrRender, "a VSA needs the artifact's digests, and the decision has none")
	case d.evidence == nil:
		return nil, errorf(ErrRender, "a VSA needs the evidence decided on, and the decision has none (decoded, or decided on nil evidence)")
	}
	if len(opts.PolicyDigest) > 0 {
		if err := opts.PolicyDigest.Validate(); err != nil {
			return nil, errorf(ErrRender, "policy digest: %v", err)
		}
	}
	levels := []string{vsaFailed}
	result := "FAILED"
	if d.Allowed {
		var err error
		if levels, err = verifiedLevels(opts.VerifiedLevels); err != nil {
			return nil, err
		}
		result = "PASSED"
	}
	items := d.evidence.Items()
	inputs := make([]attest.ResourceDescriptor, 0, len(items))
	name := opts.SubjectName
	for i := range items {
		it := &items[i]
		if it.Input.IsZero() {
			return nil, errorf(ErrRender, "evidence item %d has no input digest", it.Index)
		}
		inputs = append(inputs, attest.ResourceDescriptor{Digest: digest.NewSet(it.Input)})
		if name == "" && it.Subject != nil {
			name = it.Subject.Name
		}
	}
	pol := attest.ResourceDescriptor{Name: d.Policy, URI: opts.PolicyURI, Digest: cloneSet(opts.PolicyDigest)}
	if d.Version != "" {
		pol.Annotations = map[string]any{"version": d.Version}
	}
	when := d.Time.UTC()
	vsa := &attest.VSA{
		Verifier:           attest.VSAVerifier{ID: opts.VerifierID, Version: opts.VerifierVersion},
		TimeVerified:       &when,
		ResourceURI:        opts.ResourceURI,
		Policy:             pol,
		InputAttestations:  inputs,
		VerificationResult: result,
		VerifiedLevels:     levels,
		SLSAVersion:        SLSAVersion,
	}
	return attest.NewPredicateStatement(vsa, attest.ResourceDescriptor{Name: name, Digest: cloneSet(d.Artifact)})
}

// verifiedLevels checks the levels an allow states and returns them
// sorted, never nil: at most one per track ("SLSA_BUILD_LEVEL_3" is of
// track "SLSA_BUILD"), none empty or "FAILED".
func verifiedLevels(in []string) ([]string, error) {
	out := slices.Clone(in)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	tracks := make(map[string]string, len(out))
	for _, l := range out {
		switch {
		case l == "":
			return nil, errorf(ErrRender, "an empty verified level")
		case l == vsaFailed:
			return nil, errorf(ErrRender, "verified level %q for an allow", vsaFailed)
		}
		track, _, ok := strings.Cut(l, "_LEVEL_")
		if !ok {
			continue
		}
		if prev, dup := tracks[track]; dup {
			return nil, errorf(ErrRender, "verified levels %q and %q are of one track", truncate(prev), truncate(l))
		}
		tracks[track] = l
	}
	return out, nil
}
