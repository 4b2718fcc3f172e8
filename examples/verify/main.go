// Command verify checks a signed attestation (a Sigstore bundle or a DSSE
// envelope) against trusted public keys or a Sigstore trusted root, and an
// artifact.
//
// Usage:
//
//	verify -key PUB [-key PUB2 ...] [-threshold N] -bundle FILE [-bundle FILE2 ...] ARTIFACT
//	verify -key PUB [-key PUB2 ...] [-threshold N] -envelope FILE ARTIFACT
//	verify -certificate-identity[-regexp] ID -certificate-oidc-issuer[-regexp] URL
//	       [-trusted-root FILE | -tuf-cache DIR [-offline]] -bundle FILE ARTIFACT
//
// The certificate flags are cosign's: a keyless (Fulcio) bundle verifies
// against the trusted root (a trusted_root.json file, or the public-good
// root from TUF, cached in -tuf-cache; -offline never touches the
// network) and must be signed by the identity given. -json prints the
// verification result as JSON instead of the summary.
//
// ARTIFACT is a file, or a digest "sha256:<hex>" when no such file exists.
// The threshold (default 1) counts distinct trusted keys: one key signing
// twice counts once. Several -bundle flags combine the signatures of
// bundles over the same statement (or the same artifact).
//
// On success it prints who signed and what matched. Exit status: 0
// verified; 1 rejected, with a one-line reason on standard error; 2 usage.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/examples/internal/clitrust"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

const prog = "verify"

// maxInput bounds the bundle or envelope files read.
const maxInput = 32 << 20

func main() {
	var keyPaths, bundlePaths cli.Strings
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.Var(&keyPaths, "key", "trusted PEM public key `file` (repeatable)")
	fs.Var(&bundlePaths, "bundle", "Sigstore bundle `file` (repeatable)")
	envPath := fs.String("envelope", "", "DSSE envelope `file`")
	threshold := fs.Int("threshold", 1, "distinct trusted keys that must sign")
	san := fs.String("certificate-identity", "", "the signer's exact certificate `identity` (SAN)")
	sanRE := fs.String("certificate-identity-regexp", "", "a `regexp` the whole SAN must match")
	issuer := fs.String("certificate-oidc-issuer", "", "the signer's exact OIDC issuer `URL`")
	issuerRE := fs.String("certificate-oidc-issuer-regexp", "", "a `regexp` the whole OIDC issuer must match")
	rootPath := fs.String("trusted-root", "", "Sigstore trusted root `file` (trusted_root.json)")
	tufCache := fs.String("tuf-cache", "", "TUF cache `dir` for the public-good trusted root (default: the user cache dir)")
	offline := fs.Bool("offline", false, "with TUF, use the cache only")
	asJSON := fs.Bool("json", false, "print the verification result as JSON")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: verify (-key PUB [-threshold N] | -certificate-identity[-regexp] ID -certificate-oidc-issuer[-regexp] URL [-trusted-root FILE]) (-bundle FILE | -envelope FILE) ARTIFACT")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(cli.ExitUsage)
	}
	keyless := *san != "" || *sanRE != "" || *issuer != "" || *issuerRE != ""
	if (len(keyPaths) == 0 && !keyless) || fs.NArg() != 1 || (len(bundlePaths) == 0) == (*envPath == "") {
		fs.Usage()
		os.Exit(cli.ExitUsage)
	}
	if keyless && (len(keyPaths) > 0 || *envPath != "" || len(bundlePaths) != 1) {
		cli.Exit(prog, cli.ExitUsage, fmt.Errorf("the certificate flags verify one -bundle, without -key"))
	}
	artifact, err := artifactPolicy(fs.Arg(0))
	if err != nil {
		cli.Exit(prog, cli.ExitUsage, err)
	}
	ctx := context.Background()
	var res *verify.Result
	if keyless {
		id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: *san, SANRegexp: *sanRE, Issuer: *issuer, IssuerRegexp: *issuerRE})
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		tr, err := trustedRoot(ctx, *rootPath, *tufCache, *offline)
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		auth, err := clitrust.Authority(tr)
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		trust, err := verify.NewTrust(verify.WithAuthority(auth), verify.WithMinBundleVersion("v0.1"))
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		data, err := cli.ReadFile(bundlePaths[0], maxInput)
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
		res, err = verify.Verify(ctx, verify.FromJSON(data), trust, artifact, id)
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
		report(res, *asJSON)
		return
	}

	keys := make([]*verify.PublicKey, 0, len(keyPaths))
	for _, p := range keyPaths {
		k, err := verify.LoadPublicKey(p)
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		keys = append(keys, k)
	}
	trust, err := verify.NewTrust(verify.WithKeys(keys...), verify.WithThreshold(*threshold))
	if err != nil {
		cli.Exit(prog, cli.ExitUsage, err)
	}
	if *envPath != "" || len(bundlePaths) == 1 {
		path := *envPath
		if path == "" {
			path = bundlePaths[0]
		}
		data, err := cli.ReadFile(path, maxInput)
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
		if *envPath == "" && !bundle.IsBundle(data) {
			cli.Exit(prog, cli.ExitRejected, fmt.Errorf("%s is not a Sigstore bundle", path))
		}
		if *envPath != "" && bundle.IsBundle(data) {
			cli.Exit(prog, cli.ExitRejected, fmt.Errorf("%s is a Sigstore bundle; pass it with -bundle", path))
		}
		res, err = verify.Verify(ctx, verify.FromJSON(data), trust, artifact, verify.TrustedKeys())
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
	} else {
		// Several bundles over the same content: their keys count together
		// toward the threshold.
		v, err := verify.NewVerifier(keys, verify.WithThreshold(*threshold))
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		if res, err = verifyBundles(ctx, v, bundlePaths, artifact); err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
	}
	report(res, *asJSON)
}

// trustedRoot reads the trusted root from a file, or from TUF.
func trustedRoot(ctx context.Context, path, cache string, offline bool) (*sigstore.TrustedRoot, error) {
	if path != "" {
		return sigstore.LoadTrustedRoot(path)
	}
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("no -trusted-root and no user cache dir for TUF: %w", err)
		}
		cache = filepath.Join(dir, "chainmail", "tuf")
	}
	return sigstore.FetchTrustedRoot(ctx, sigstore.TUFOptions{CacheDir: cache, Offline: offline})
}

// artifactPolicy reads ARTIFACT: a file if one exists, else a digest.
func artifactPolicy(arg string) (verify.ArtifactPolicy, error) {
	if _, err := os.Stat(arg); err == nil {
		return verify.WithArtifactFile(arg), nil
	}
	if d, err := digest.Parse(arg); err == nil {
		return verify.WithArtifactDigest(d), nil
	}
	return verify.ArtifactPolicy{}, fmt.Errorf("artifact %q is neither a file nor a digest like sha256:<hex>", arg)
}

func verifyBundles(ctx context.Context, v *verify.Verifier, paths []string, artifact verify.ArtifactPolicy) (*verify.Result, error) {
	bs := make([]*bundle.Bundle, 0, len(paths))
	for _, p := range paths {
		data, err := cli.ReadFile(p, maxInput)
		if err != nil {
			return nil, err
		}
		b, err := bundle.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		bs = append(bs, b)
	}
	return v.VerifyBundles(ctx, bs, artifact)
}

func report(res *verify.Result, asJSON bool) {
	if asJSON {
		out, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
		fmt.Println(string(out))
		return
	}
	var ids []string
	for _, s := range res.Signers {
		if s.Kind == verify.SignerCertificate {
			ids = append(ids, fmt.Sprintf("%s (issuer %s)", s.SAN, s.Issuer))
			continue
		}
		ids = append(ids, s.KeyID[:16]+"…")
	}
	if len(res.Signers) > 0 && res.Signers[0].Kind == verify.SignerCertificate {
		fmt.Printf("verified: signed by %s\n", strings.Join(ids, ", "))
	} else {
		fmt.Printf("verified: %d key(s) signed: %s\n", len(res.Signers), strings.Join(ids, ", "))
	}
	if st := res.Statement; st != nil {
		fmt.Printf("statement: %s\n", st.PredicateType)
	}
	if res.Subject != nil {
		fmt.Printf("subject: %q matches the artifact\n", res.Subject.Name)
	} else if res.MessageSignature {
		fmt.Println("message signature over the artifact")
	}
	for _, t := range res.Times {
		if t.Source != verify.TimeSourceNone {
			fmt.Printf("signed at: %s (%s %s)\n", t.Time.UTC().Format(time.RFC3339), t.Source, t.Authority)
		}
	}
	var checks []string
	for _, c := range res.Checks {
		checks = append(checks, string(c))
	}
	fmt.Printf("checks: %s\n", strings.Join(checks, " "))
}
