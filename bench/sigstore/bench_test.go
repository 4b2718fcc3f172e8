// Package sigstore_test compares Chainmail's Sigstore bundle verification
// with calling sigstore-go's verifier directly, on the same bundles and
// trusted roots (real bundles from the Sigstore conformance suite). Run:
//
//	go test ./bench/sigstore -run '^$' -bench . -benchmem -count 10
//
// bench/sigstore.sh turns the output into overhead ratios.
package sigstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

const (
	assets   = "../../testdata/conformance/assets"
	identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
	issuer   = "https://token.actions.githubusercontent.com"
)

// cases are conformance bundles of each shape: a message signature with a
// Rekor v1 entry (proof and promise), a DSSE statement, and a Rekor v2
// entry with an RFC 3161 timestamp.
var cases = []string{"happy-path-v0.3", "happy-path-intoto-in-dsse-v3", "rekor2-happy-path"}

type fixture struct {
	name     string
	data     []byte // bundle JSON
	artifact []byte
	sum      [32]byte
	rootJSON []byte
}

func load(b *testing.B, name string) fixture {
	b.Helper()
	dir := filepath.Join(assets, "bundle-verify", name)
	f := fixture{name: name}
	var err error
	if f.data, err = os.ReadFile(filepath.Join(dir, "bundle.sigstore.json")); err != nil {
		b.Fatal(err)
	}
	art := filepath.Join(dir, "artifact")
	if _, err := os.Stat(art); err != nil {
		art = filepath.Join(assets, "bundle-verify", "a.txt")
	}
	if f.artifact, err = os.ReadFile(art); err != nil {
		b.Fatal(err)
	}
	f.sum = sha256.Sum256(f.artifact)
	tr := filepath.Join(dir, "trusted_root.json")
	if _, err := os.Stat(tr); err != nil {
		tr = filepath.Join(assets, "production_trusted_root.json")
	}
	if f.rootJSON, err = os.ReadFile(tr); err != nil {
		b.Fatal(err)
	}
	return f
}

// chainmail is verify.Verify under a trust of a sigstore.Authority.
type chainmail struct{ trust *verify.Trust }

func (c chainmail) Verify(ctx context.Context, b *bundle.Bundle, art verify.ArtifactPolicy, id verify.IdentityPolicy) (*verify.Result, error) {
	return verify.Verify(ctx, verify.FromBundle(b), c.trust, art, id)
}

func (c chainmail) VerifyJSON(ctx context.Context, data []byte, art verify.ArtifactPolicy, id verify.IdentityPolicy) (*verify.Result, error) {
	return verify.Verify(ctx, verify.FromJSON(data), c.trust, art, id)
}

func chainmailVerifier(b *testing.B, f fixture) (chainmail, verify.IdentityPolicy, verify.ArtifactPolicy) {
	b.Helper()
	tr, err := sigstore.ParseTrustedRoot(f.rootJSON)
	if err != nil {
		b.Fatal(err)
	}
	auth, err := sigstore.NewAuthority(tr)
	if err != nil {
		b.Fatal(err)
	}
	trust, err := verify.NewTrust(verify.WithAuthority(auth))
	if err != nil {
		b.Fatal(err)
	}
	v := chainmail{trust}
	id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: identity, Issuer: issuer})
	if err != nil {
		b.Fatal(err)
	}
	d, err := digest.New(digest.SHA256, f.sum[:])
	if err != nil {
		b.Fatal(err)
	}
	return v, id, verify.WithArtifactDigest(d)
}

func sigstoreGoVerifier(b *testing.B, f fixture) (*sgverify.Verifier, sgverify.PolicyBuilder) {
	b.Helper()
	tr, err := root.NewTrustedRootFromJSON(f.rootJSON)
	if err != nil {
		b.Fatal(err)
	}
	v, err := sgverify.NewVerifier(tr, sgverify.WithTransparencyLog(1), sgverify.WithObserverTimestamps(1), sgverify.WithSignedCertificateTimestamps(1))
	if err != nil {
		b.Fatal(err)
	}
	ci, err := sgverify.NewShortCertificateIdentity(issuer, "", identity, "")
	if err != nil {
		b.Fatal(err)
	}
	return v, sgverify.NewPolicy(sgverify.WithArtifactDigest("sha256", f.sum[:]), sgverify.WithCertificateIdentity(ci))
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and reports, besides wall time, the process CPU
// time per operation ("cpu-ns/op"): on a shared machine, other processes
// inflate wall time much more than CPU time.
func loop(b *testing.B, f func() error) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkVerify verifies a parsed bundle: the verification work alone.
func BenchmarkVerify(b *testing.B) {
	for _, name := range cases {
		f := load(b, name)
		b.Run(name+"/impl=chainmail", func(b *testing.B) {
			v, id, art := chainmailVerifier(b, f)
			bun, err := bundle.Parse(f.data)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			loop(b, func() error { _, err := v.Verify(ctx, bun, art, id); return err })
		})
		b.Run(name+"/impl=sigstore-go", func(b *testing.B) {
			v, pol := sigstoreGoVerifier(b, f)
			var bun sgbundle.Bundle
			if err := bun.UnmarshalJSON(f.data); err != nil {
				b.Fatal(err)
			}
			loop(b, func() error { _, err := v.Verify(&bun, pol); return err })
		})
	}
}

// BenchmarkVerifyJSON includes parsing the bundle JSON (Chainmail's parse
// is strict: duplicate keys, bounds; sigstore-go's is protojson alone).
func BenchmarkVerifyJSON(b *testing.B) {
	for _, name := range cases {
		f := load(b, name)
		b.Run(name+"/impl=chainmail", func(b *testing.B) {
			v, id, art := chainmailVerifier(b, f)
			ctx := context.Background()
			loop(b, func() error { _, err := v.VerifyJSON(ctx, f.data, art, id); return err })
		})
		b.Run(name+"/impl=sigstore-go", func(b *testing.B) {
			v, pol := sigstoreGoVerifier(b, f)
			loop(b, func() error {
				var bun sgbundle.Bundle
				if err := bun.UnmarshalJSON(bytes.Clone(f.data)); err != nil {
					return err
				}
				_, err := v.Verify(&bun, pol)
				return err
			})
		})
	}
}

// BenchmarkOverheadRatio alternates the two verifiers call by call on the
// same parsed bundle, so both see the same machine load, and reports the
// ratio of their total times ("chainmail/sigstore-go"): the overhead of
// Chainmail's API over calling sigstore-go directly (goal <= 1.05).
func BenchmarkOverheadRatio(b *testing.B) {
	for _, name := range cases {
		f := load(b, name)
		b.Run(name, func(b *testing.B) {
			v, id, art := chainmailVerifier(b, f)
			ours, err := bundle.Parse(f.data)
			if err != nil {
				b.Fatal(err)
			}
			sv, pol := sigstoreGoVerifier(b, f)
			var theirs sgbundle.Bundle
			if err := theirs.UnmarshalJSON(f.data); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var tOurs, tTheirs time.Duration
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				// Alternate which goes first, so neither always runs with a
				// warm cache.
				for j := 0; j < 2; j++ {
					start := time.Now()
					if (i+j)%2 == 0 {
						if _, err := v.Verify(ctx, ours, art, id); err != nil {
							b.Fatal(err)
						}
						tOurs += time.Since(start)
					} else {
						if _, err := sv.Verify(&theirs, pol); err != nil {
							b.Fatal(err)
						}
						tTheirs += time.Since(start)
					}
				}
			}
			b.ReportMetric(float64(tOurs)/float64(tTheirs), "chainmail/sigstore-go")
			b.ReportMetric(float64(tOurs)/float64(b.N), "chainmail-ns/op")
			b.ReportMetric(float64(tTheirs)/float64(b.N), "sigstore-go-ns/op")
		})
	}
}
