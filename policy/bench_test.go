package policy_test

import (
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/slsa"
)

// benchPolicy is a release policy on SLSA provenance: builder, source,
// tag, build level and signer.
func benchPolicy(b testing.TB, ev *policy.Evidence, builder string) *policy.Policy {
	p, err := policy.New("release", policy.All(
		slsa.Require(slsa.BuilderID(builder), slsa.SourceRepo("github.com/org/repo"), slsa.SemverTag(),
			slsa.BuildLevel(3, slsa.DefaultBuilders())),
		policy.Named("signer", "signed by the release key",
			policy.Require(attest.PredicateSLSAProvenanceV1, policy.SignedBy(policy.Key(ev.Items()[0].Signers[0].KeyID)))),
	))
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkDecide decides a release policy on one provenance
// attestation: the pass path (no explanation), and a denial with its
// whole explanation and error.
func BenchmarkDecide(b *testing.B) {
	f := newFixture(b, 1)
	ev := f.Evidence(b, f.Result(b, f.Statement(b, attest.PredicateSLSAProvenanceV1,
		provenance(goBuilder+"@refs/tags/v2.1.0", repo, "refs/tags/v1.2.3")), t0.Add(-1), 0))
	b.Run("allow", func(b *testing.B) {
		p := benchPolicy(b, ev, goBuilder)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Decide(ev, t0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("deny-explained", func(b *testing.B) {
		p := benchPolicy(b, ev, goBuilder+".evil")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Decide(ev, t0); err == nil {
				b.Fatal("allowed")
			} else {
				_ = err.Error()
			}
		}
	})
}
