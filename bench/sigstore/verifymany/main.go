// Command verifymany verifies one Sigstore bundle N times in one process,
// reading the bundle and the artifact from disk each time, as N runs of
// `cosign verify-blob` would: the in-process side of bench/sigstore.sh.
//
// Usage:
//
//	verifymany [-n N] [-parallel P] [-impl chainmail|sigstore-go] -bundle FILE -trusted-root FILE
//	        (-certificate-identity ID -certificate-oidc-issuer URL | -key PUB) ARTIFACT
//
// With -parallel P, P goroutines share the N verifications (one verifier,
// as a registry or admission controller would use it). It prints the
// count and the wall time per verification; any failure stops it with
// exit status 1.
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func main() {
	n := flag.Int("n", 1000, "verifications")
	parallel := flag.Int("parallel", 1, "goroutines sharing the verifications")
	impl := flag.String("impl", "chainmail", "chainmail or sigstore-go")
	bundlePath := flag.String("bundle", "", "Sigstore bundle `file`")
	rootPath := flag.String("trusted-root", "", "trusted_root.json `file`")
	san := flag.String("certificate-identity", "", "expected SAN")
	issuer := flag.String("certificate-oidc-issuer", "", "expected OIDC issuer")
	keyPath := flag.String("key", "", "trusted public key `file` (instead of an identity)")
	flag.Parse()
	if flag.NArg() != 1 || *bundlePath == "" || *rootPath == "" || (*keyPath == "") == (*san == "" || *issuer == "") {
		flag.Usage()
		os.Exit(2)
	}
	artifact := flag.Arg(0)
	var run func() error
	switch *impl {
	case "chainmail":
		run = chainmail(*rootPath, *bundlePath, *san, *issuer, *keyPath, artifact)
	case "sigstore-go":
		if *keyPath != "" {
			fail(fmt.Errorf("-key is only for -impl chainmail"))
		}
		run = sigstoreGo(*rootPath, *bundlePath, *san, *issuer, artifact)
	default:
		fail(fmt.Errorf("unknown -impl %q", *impl))
	}
	if *parallel < 1 {
		fail(fmt.Errorf("-parallel %d", *parallel))
	}
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < *parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := run(); err != nil {
					fail(fmt.Errorf("verification %d: %w", i, err))
				}
			}
		}()
	}
	for i := 0; i < *n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	d := time.Since(start)
	name := *impl
	if *parallel > 1 {
		name = fmt.Sprintf("%s-x%d", *impl, *parallel)
	}
	fmt.Printf("%s: %d verified in %.3fs (%.3f ms each)\n", name, *n, d.Seconds(), float64(d.Microseconds())/1000/float64(*n))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "verifymany:", err)
	os.Exit(1)
}

func chainmail(rootPath, bundlePath, san, issuer, keyPath, artifact string) func() error {
	tr, err := sigstore.LoadTrustedRoot(rootPath)
	if err != nil {
		fail(err)
	}
	auth, err := sigstore.NewAuthority(tr)
	if err != nil {
		fail(err)
	}
	trust, err := verify.NewTrust(verify.WithAuthority(auth))
	if err != nil {
		fail(err)
	}
	var id verify.IdentityPolicy
	if keyPath != "" {
		k, err := verify.LoadPublicKey(keyPath)
		if err != nil {
			fail(err)
		}
		id, err = verify.NewKeyPolicy(k)
		if err != nil {
			fail(err)
		}
	} else if id, err = verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: san, Issuer: issuer}); err != nil {
		fail(err)
	}
	ctx := context.Background()
	return func() error {
		data, err := os.ReadFile(bundlePath)
		if err != nil {
			return err
		}
		_, err = verify.Verify(ctx, verify.FromJSON(data), trust, verify.WithArtifactFile(artifact), id)
		return err
	}
}

func sigstoreGo(rootPath, bundlePath, san, issuer, artifact string) func() error {
	tr, err := root.NewTrustedRootFromPath(rootPath)
	if err != nil {
		fail(err)
	}
	v, err := sgverify.NewVerifier(tr, sgverify.WithTransparencyLog(1), sgverify.WithObserverTimestamps(1), sgverify.WithSignedCertificateTimestamps(1))
	if err != nil {
		fail(err)
	}
	ci, err := sgverify.NewShortCertificateIdentity(issuer, "", san, "")
	if err != nil {
		fail(err)
	}
	return func() error {
		b, err := sgbundle.LoadJSONFromPath(bundlePath)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(artifact)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		_, err = v.Verify(b, sgverify.NewPolicy(sgverify.WithArtifactDigest("sha256", sum[:]), sgverify.WithCertificateIdentity(ci)))
		return err
	}
}
