package provenance_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/policy/policytest"
	"github.com/chainmail-dev/chainmail/provenance"
	"github.com/chainmail-dev/chainmail/verify"
)

// rebuild returns the verified provenance of builder's build of the
// source at commit c, producing the named outputs with their contents.
func rebuild(t *testing.T, f *policytest.Fixture, builder, c string, outputs ...string) *verify.Result {
	t.Helper()
	b, err := provenance.Local(builder, provenance.Source{Repository: "https://github.com/org/repo", Ref: "refs/tags/v1.2.3", Commit: c})
	must(t, err)
	var subj []attest.ResourceDescriptor
	for i := 0; i < len(outputs); i += 2 {
		d, err := digest.FromBytes([]byte(outputs[i+1]), digest.SHA256)
		must(t, err)
		subj = append(subj, attest.Subject(outputs[i], d))
	}
	st, err := b.Statement(subj, provenance.Options{})
	must(t, err)
	trust, err := verify.NewTrust(verify.WithKeys(f.Pubs...))
	must(t, err)
	res, err := verify.Verify(t.Context(), verify.FromEnvelope(f.Sign(t, st, 0)), trust, verify.WithoutArtifactUnsafe(), verify.TrustedKeys())
	must(t, err)
	return res
}

func TestConsensus(t *testing.T) {
	f := policytest.New(t, 1)
	const (
		a = "https://builds.example.com/a"
		b = "https://rebuild.example.org/b"
		c = "https://ci.example.net/c"
	)
	ra := rebuild(t, f, a, commit, "app", "v1", "app.sbom", "s")
	rb := rebuild(t, f, b, commit, "app", "v1", "app.sbom", "s")
	agreed, err := provenance.Consensus([]*verify.Result{rb, ra}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if agreed.Result != provenance.Agreed || len(agreed.Disagreeing) != 0 || len(agreed.Subjects) != 2 || !agreed.Subjects[0].Agreed ||
		agreed.Builders[0].ID != a || agreed.Source.URI != "git+https://github.com/org/repo" || agreed.Source.Digest["gitCommit"] != commit {
		t.Fatalf("agreement %+v", agreed)
	}
	// c produced app differently and no SBOM: it is the one that differs.
	rc := rebuild(t, f, c, commit, "app", "v1-but-not-reproducible")
	dis, err := provenance.Consensus([]*verify.Result{ra, rb, rc}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if dis.Result != provenance.Disagreed || strings.Join(dis.Disagreeing, ",") != c {
		t.Fatalf("disagreement %+v", dis)
	}
	app := dis.Subjects[0]
	if app.Name != "app" || app.Agreed || len(app.Digests) != 2 || strings.Join(app.Digests[0].Builders, ",") != a+","+b ||
		strings.Join(app.Digests[1].Builders, ",") != c {
		t.Errorf("app %+v", app)
	}
	if sbom := dis.Subjects[1]; sbom.Agreed || strings.Join(sbom.Missing, ",") != c {
		t.Errorf("app.sbom %+v", sbom)
	}
	// The statement names every digest produced, and its predicate is
	// the agreement, deterministically.
	st, err := dis.Statement()
	must(t, err)
	if st.PredicateType != provenance.PredicateReproducible || len(st.Subject) != 3 {
		t.Errorf("statement %+v", st)
	}
	again, err := provenance.Consensus([]*verify.Result{rc, rb, ra}, 3)
	must(t, err)
	st2, err := again.Statement()
	must(t, err)
	j1, _ := json.Marshal(st)
	j2, _ := json.Marshal(st2)
	if string(j1) != string(j2) {
		t.Errorf("order changes the statement:\n%s\n%s", j1, j2)
	}

	// What cannot be a consensus.
	other := rebuild(t, f, c, "0123456789abcdef0123456789abcdef01234567", "app", "v1")
	for _, tc := range []struct {
		name    string
		results []*verify.Result
		min     int
		kind    error
	}{
		{"one builder", []*verify.Result{ra}, 2, provenance.ErrInvalid},
		{"min below 2", []*verify.Result{ra, rb}, 1, provenance.ErrInvalid},
		{"fewer than min", []*verify.Result{ra, rb}, 3, provenance.ErrInvalid},
		{"same builder twice", []*verify.Result{ra, ra}, 2, provenance.ErrInvalid},
		{"another commit", []*verify.Result{ra, other}, 2, provenance.ErrSource},
		{"unverified result", []*verify.Result{ra, {Statement: ra.Statement, Signers: ra.Signers}}, 2, provenance.ErrInvalid},
		{"nil result", []*verify.Result{ra, nil}, 2, provenance.ErrInvalid},
	} {
		if _, err := provenance.Consensus(tc.results, tc.min); !errors.Is(err, tc.kind) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.kind)
		}
	}
}
