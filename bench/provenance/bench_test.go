// Package provenance_test measures package provenance: generating SLSA
// provenance for a large Go binary, and verifying real signed provenance
// against what slsa-verifier would ask, side by side with sigstore-go's
// verifier plus the same checks written directly (slsa-verifier v2.7.1
// builds here but cannot verify offline: it has no trusted-root option
// and refreshes Sigstore's TUF repository on every run). Run with
// bash bench/provenance.sh.
package provenance_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/testvectors"
	"github.com/chainmail-dev/chainmail/provenance"
	"github.com/chainmail-dev/chainmail/verify"
)

const (
	vectors = "../../testdata/vectors/attest/slsa-verifier/"
	trusted = "../../testdata/conformance/assets/production_trusted_root.json"
	gha     = "https://token.actions.githubusercontent.com"
	gen     = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"
)

// A case is real signed provenance and slsa-verifier's questions for it.
type benchCase struct {
	name, bundle, artifact string
	source, builder        string
	delegators             []string // workflows that may sign for the builder
}

var cases = []benchCase{
	{"github-attestation", "bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl", "bcr/rules_lint-v1.3.1.tar.gz",
		"https://github.com/aspect-build/rules_lint", "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml", nil},
	{"slsa-github-generator-byob", "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa", "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch",
		"https://github.com/slsa-framework/example-package", gen + "builder_maven_slsa3.yml",
		[]string{gen + "delegator_generic_slsa3.yml", gen + "delegator_lowperms-generic_slsa3.yml"}},
}

type loaded struct {
	benchCase
	data []byte
	sum  [32]byte
}

func load(b testing.TB, c benchCase) loaded {
	data, err := os.ReadFile(vectors + c.bundle)
	if err != nil {
		b.Fatal(err)
	}
	art, err := os.ReadFile(vectors + c.artifact)
	if err != nil {
		b.Fatal(err)
	}
	return loaded{c, bytes.TrimSpace(data), sha256.Sum256(art)}
}

// chainmailVerify is verify.Verify and provenance.Verify.
type chainmailVerify struct {
	trust *verify.Trust
	id    verify.IdentityPolicy
	art   verify.ArtifactPolicy
	set   digest.Set
	req   provenance.Requirements
}

func newChainmail(b testing.TB, l loaded) *chainmailVerify {
	trust := testvectors.ProductionTrust(b)
	id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SANRegexp: `https://github\.com/.+`, Issuer: gha})
	if err != nil {
		b.Fatal(err)
	}
	d, err := digest.New(digest.SHA256, l.sum[:])
	if err != nil {
		b.Fatal(err)
	}
	return &chainmailVerify{trust: trust, id: id, art: verify.WithArtifactDigest(d), set: digest.NewSet(d),
		req: provenance.Requirements{SourceURI: l.source, BuilderID: l.builder, Delegators: l.delegators}}
}

func (c *chainmailVerify) run(b testing.TB, data []byte) error {
	res, err := verify.Verify(b.Context(), verify.FromJSON(data), c.trust, c.art, c.id)
	if err != nil {
		return err
	}
	_, err = provenance.Verify(c.set, []*verify.Result{res}, c.req, time.Now())
	return err
}

// direct is sigstore-go's verifier and slsa-verifier's checks written
// out: builder id exact or at a release tag, the source repository of the
// workflow build type or the first git dependency, and the certificate's
// source repository and build signer agreeing with them.
type direct struct {
	v      *sgverify.Verifier
	policy sgverify.PolicyBuilder
	l      loaded
}

var releaseTag = regexp.MustCompile(`^refs/tags/v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$`)

func newDirect(b testing.TB, l loaded) *direct {
	data, err := os.ReadFile(trusted)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := root.NewTrustedRootFromJSON(data)
	if err != nil {
		b.Fatal(err)
	}
	v, err := sgverify.NewVerifier(tr, sgverify.WithTransparencyLog(1), sgverify.WithObserverTimestamps(1), sgverify.WithSignedCertificateTimestamps(1))
	if err != nil {
		b.Fatal(err)
	}
	ci, err := sgverify.NewShortCertificateIdentity(gha, "", "", `^https://github\.com/.+$`)
	if err != nil {
		b.Fatal(err)
	}
	return &direct{v: v, policy: sgverify.NewPolicy(sgverify.WithArtifactDigest("sha256", l.sum[:]), sgverify.WithCertificateIdentity(ci)), l: l}
}

func builderOK(want, got string) bool {
	if got == want {
		return true
	}
	rest, ok := strings.CutPrefix(got, want+"@")
	return ok && releaseTag.MatchString(rest)
}

func (d *direct) run(data []byte) error {
	var bun sgbundle.Bundle
	if err := bun.UnmarshalJSON(data); err != nil {
		return err
	}
	res, err := d.v.Verify(&bun, d.policy)
	if err != nil {
		return err
	}
	if res.Statement == nil || res.Statement.GetPredicateType() != attest.PredicateSLSAProvenanceV1 {
		return errors.New("not SLSA provenance v1")
	}
	p := res.Statement.GetPredicate().AsMap()
	bd, _ := p["buildDefinition"].(map[string]any)
	rd, _ := p["runDetails"].(map[string]any)
	bl, _ := rd["builder"].(map[string]any)
	builder, _ := bl["id"].(string)
	if !builderOK(d.l.builder, builder) {
		return fmt.Errorf("builder %q", builder)
	}
	var repo string
	if ext, ok := bd["externalParameters"].(map[string]any); ok {
		if wf, ok := ext["workflow"].(map[string]any); ok {
			repo, _ = wf["repository"].(string)
		}
	}
	if repo == "" {
		if deps, ok := bd["resolvedDependencies"].([]any); ok && len(deps) > 0 {
			dep, _ := deps[0].(map[string]any)
			uri, _ := dep["uri"].(string)
			repo, _, _ = strings.Cut(strings.TrimPrefix(uri, "git+"), "@")
		}
	}
	if repo != d.l.source {
		return fmt.Errorf("source %q", repo)
	}
	cert := res.Signature.Certificate
	if cert.SourceRepositoryURI != "" && cert.SourceRepositoryURI != repo {
		return fmt.Errorf("certificate source %q", cert.SourceRepositoryURI)
	}
	if cert.BuildSignerURI != builder {
		ok := false
		for _, del := range d.l.delegators {
			ok = ok || builderOK(del, cert.BuildSignerURI)
		}
		if !ok {
			return fmt.Errorf("certificate build signer %q", cert.BuildSignerURI)
		}
	}
	return nil
}

// TestAgree: both verify the cases, and both reject a wrong builder.
func TestAgree(t *testing.T) {
	for _, c := range cases {
		l := load(t, c)
		if err := newChainmail(t, l).run(t, l.data); err != nil {
			t.Errorf("%s: chainmail: %v", c.name, err)
		}
		if err := newDirect(t, l).run(l.data); err != nil {
			t.Errorf("%s: sigstore-go: %v", c.name, err)
		}
		l.builder += ".evil"
		if newChainmail(t, l).run(t, l.data) == nil || newDirect(t, l).run(l.data) == nil {
			t.Errorf("%s: a look-alike builder verified", c.name)
		}
	}
}

// BenchmarkVerifyProvenance verifies real provenance from its bundle's
// bytes: the bundle, then slsa-verifier's questions.
func BenchmarkVerifyProvenance(b *testing.B) {
	for _, c := range cases {
		l := load(b, c)
		b.Run(c.name+"/impl=chainmail", func(b *testing.B) {
			v := newChainmail(b, l)
			b.ReportAllocs()
			for b.Loop() {
				if err := v.run(b, l.data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/impl=sigstore-go+checks", func(b *testing.B) {
			v := newDirect(b, l)
			b.ReportAllocs()
			for b.Loop() {
				if err := v.run(l.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyRatio alternates the two, call by call, and reports the
// ratio of their total times (chainmail/sigstore-go+checks).
func BenchmarkVerifyRatio(b *testing.B) {
	for _, c := range cases {
		l := load(b, c)
		b.Run(c.name, func(b *testing.B) {
			ours, theirs := newChainmail(b, l), newDirect(b, l)
			var tOurs, tTheirs time.Duration
			for b.Loop() {
				t0 := time.Now()
				if err := ours.run(b, l.data); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if err := theirs.run(l.data); err != nil {
					b.Fatal(err)
				}
				tOurs += t1.Sub(t0)
				tTheirs += time.Since(t1)
			}
			b.ReportMetric(float64(tOurs)/float64(tTheirs), "chainmail/sigstore-go+checks")
		})
	}
}

// BenchmarkGenerate makes the provenance of a large Go binary: its
// digest, its toolchain and every module it links (GoDependencies), and
// the statement. The binary is $CHAINMAIL_BENCH_GO_BINARY (bench/provenance.sh
// sets it to syft, 300+ modules), else this test binary.
func BenchmarkGenerate(b *testing.B) {
	bin := os.Getenv("CHAINMAIL_BENCH_GO_BINARY")
	if bin == "" {
		var err error
		if bin, err = os.Executable(); err != nil {
			b.Fatal(err)
		}
	}
	bld, err := provenance.Local("https://builds.example.com/ci", provenance.Source{
		Repository: "https://github.com/org/app", Ref: "refs/tags/v1.0.0", Commit: "8f70009fde0c94ade6ce2a054b94718c819126ec"})
	if err != nil {
		b.Fatal(err)
	}
	deps, err := provenance.GoDependencies(bin)
	if err != nil {
		b.Fatal(err)
	}
	name := filepath.Base(bin)
	// The floor: digesting the binary, which any provenance needs.
	b.Run("digest-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := provenance.Subjects(bin); err != nil {
				b.Fatal(err)
			}
		}
	})
	// What provenance adds: the modules and the statement.
	b.Run("deps-and-statement", func(b *testing.B) {
		subj, err := provenance.Subjects(bin)
		if err != nil {
			b.Fatal(err)
		}
		subj[0].Name = name
		b.ReportAllocs()
		for b.Loop() {
			deps, err := provenance.GoDependencies(bin)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := bld.Statement(subj, provenance.Options{Dependencies: deps}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			subj, err := provenance.Subjects(bin)
			if err != nil {
				b.Fatal(err)
			}
			subj[0].Name = name
			deps, err := provenance.GoDependencies(bin)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := bld.Statement(subj, provenance.Options{Dependencies: deps}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(deps)), "deps")
	})
}
