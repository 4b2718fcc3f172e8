// Command verify checks a signed attestation (a Sigstore bundle or a DSSE
// envelope) against trusted public keys and an artifact.
//
// Usage:
//
//	verify -key PUB [-key PUB2 ...] [-threshold N] -bundle FILE [-bundle FILE2 ...] ARTIFACT
//	verify -key PUB [-key PUB2 ...] [-threshold N] -envelope FILE ARTIFACT
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
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
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
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: verify -key PUB [-threshold N] (-bundle FILE | -envelope FILE) ARTIFACT")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(cli.ExitUsage)
	}
	if len(keyPaths) == 0 || fs.NArg() != 1 || (len(bundlePaths) == 0) == (*envPath == "") {
		fs.Usage()
		os.Exit(cli.ExitUsage)
	}

	keys := make([]*verify.PublicKey, 0, len(keyPaths))
	for _, p := range keyPaths {
		k, err := verify.LoadPublicKey(p)
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		keys = append(keys, k)
	}
	v, err := verify.NewVerifier(keys, verify.WithThreshold(*threshold))
	if err != nil {
		cli.Exit(prog, cli.ExitUsage, err)
	}
	artifact, err := artifactPolicy(fs.Arg(0))
	if err != nil {
		cli.Exit(prog, cli.ExitUsage, err)
	}

	ctx := context.Background()
	var res *verify.Result
	if *envPath != "" {
		res, err = verifyEnvelope(ctx, v, *envPath, artifact)
	} else {
		res, err = verifyBundles(ctx, v, bundlePaths, artifact)
	}
	if err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}
	report(res)
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

func verifyEnvelope(ctx context.Context, v *verify.Verifier, path string, artifact verify.ArtifactPolicy) (*verify.Result, error) {
	data, err := cli.ReadFile(path, maxInput)
	if err != nil {
		return nil, err
	}
	env, err := attest.ParseEnvelope(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", verify.ErrMalformed, err)
	}
	return v.VerifyEnvelope(ctx, env, artifact)
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

func report(res *verify.Result) {
	var ids []string
	for _, s := range res.Signers {
		ids = append(ids, s.KeyID[:16]+"…")
	}
	fmt.Printf("verified: %d key(s) signed: %s\n", len(res.Signers), strings.Join(ids, ", "))
	if st := res.Statement; st != nil {
		fmt.Printf("statement: %s\n", st.PredicateType)
	}
	if res.Subject != nil {
		fmt.Printf("subject: %q matches the artifact\n", res.Subject.Name)
	} else if res.MessageSignature {
		fmt.Println("message signature over the artifact")
	}
	var checks []string
	for _, c := range res.Checks {
		checks = append(checks, string(c))
	}
	fmt.Printf("checks: %s\n", strings.Join(checks, " "))
}
