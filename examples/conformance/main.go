// Command conformance is a client for the Sigstore conformance suite
// (github.com/sigstore/sigstore-conformance), built on Chainmail's verify
// package. It speaks the suite's CLI protocol (docs/cli_protocol.md):
//
//	conformance verify-bundle [--staging] --bundle FILE
//	        (--certificate-identity IDENTITY --certificate-oidc-issuer URL | --key PUB)
//	        [--trusted-root FILE] FILE_OR_DIGEST
//	conformance sign-bundle [--staging] --identity-token TOKEN --bundle FILE
//	        [--trusted-root FILE] [--signing-config FILE] FILE
//
// FILE_OR_DIGEST is the artifact, or "sha256:<64 hex digits>" when no
// file of that name exists. Without --trusted-root, verify-bundle fetches
// the trusted root of the public-good instance (or, with --staging, of
// the staging instance) by TUF, with a cache in $CHAINMAIL_TUF_CACHE or
// the user cache directory.
//
// The verification policy is the one the suite expects of a Sigstore
// client: one transparency log entry, one verified time from a log or a
// timestamp authority, one SCT (when the trusted root lists a certificate
// transparency log; a private deployment without one issues none), bundles
// from v0.1, in-toto statements in DSSE envelopes, and the exact identity
// and issuer given.
//
// Exit status: 0 verified (or signed); 1 rejected, with a one-line
// reason on standard error; 2 usage or configuration error.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	sgtuf "github.com/sigstore/sigstore-go/pkg/tuf"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

const prog = "conformance"

// maxBundle bounds the bundle file read (as bundle.Parse does).
const maxBundle = 32 << 20

// verifyArgs are the arguments of verify-bundle.
type verifyArgs struct {
	staging     bool
	bundle      string
	identity    string
	issuer      string
	key         string
	trustedRoot string
	artifact    string
}

// signArgs are the arguments of sign-bundle.
type signArgs struct {
	staging       bool
	identityToken string
	bundle        string
	trustedRoot   string
	signingConfig string
	artifact      string
}

func main() {
	// A panic must never pass for a verdict: report it as a usage error
	// (exit 2), never as success.
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(os.Stderr, "%s: internal error: %v\n", prog, p)
			os.Exit(cli.ExitUsage)
		}
	}()
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		usage()
		return cli.ExitUsage
	}
	switch args[0] {
	case "verify-bundle":
		a, err := parseVerify(args[1:])
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: verify-bundle: %s\n", prog, cli.OneLine(err))
			return cli.ExitUsage
		}
		return verifyBundle(a)
	case "sign-bundle":
		a, err := parseSign(args[1:])
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: sign-bundle: %s\n", prog, cli.OneLine(err))
			return cli.ExitUsage
		}
		return signBundle(a)
	case "-h", "--help", "help":
		usage()
		return cli.ExitOK
	}
	fmt.Fprintf(os.Stderr, "%s: unknown subcommand %q\n", prog, args[0])
	usage()
	return cli.ExitUsage
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  conformance verify-bundle [--staging] --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key PUB) [--trusted-root FILE] FILE_OR_DIGEST
  conformance sign-bundle [--staging] --identity-token TOKEN --bundle FILE [--trusted-root FILE] [--signing-config FILE] FILE`)
}

// parseArgs reads the protocol's arguments: "--staging", the flags named
// in flags (each taking one value, as "--flag value" or "--flag=value",
// at most once) and positional arguments, which it returns.
func parseArgs(args []string, staging *bool, flags map[string]*string) ([]string, error) {
	var positional []string
	seen := map[string]bool{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--staging":
			*staging = true
			continue
		case !strings.HasPrefix(arg, "--"):
			positional = append(positional, arg)
			continue
		}
		name, value, inline := strings.Cut(arg, "=")
		dst, ok := flags[name]
		if !ok {
			return nil, fmt.Errorf("unknown flag %s", name)
		}
		if seen[name] {
			return nil, fmt.Errorf("%s given twice", name)
		}
		seen[name] = true
		if !inline {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%s needs a value", name)
			}
			i++
			value = args[i]
		}
		*dst = value
	}
	return positional, nil
}

func parseVerify(args []string) (verifyArgs, error) {
	var a verifyArgs
	positional, err := parseArgs(args, &a.staging, map[string]*string{
		"--bundle": &a.bundle, "--certificate-identity": &a.identity, "--certificate-oidc-issuer": &a.issuer,
		"--key": &a.key, "--trusted-root": &a.trustedRoot,
	})
	switch {
	case err != nil:
		return a, err
	case len(positional) != 1:
		return a, fmt.Errorf("want one FILE_OR_DIGEST, got %d arguments", len(positional))
	case a.bundle == "":
		return a, errors.New("--bundle is required")
	case a.key != "" && (a.identity != "" || a.issuer != ""):
		return a, errors.New("--key excludes --certificate-identity and --certificate-oidc-issuer")
	case a.key == "" && (a.identity == "" || a.issuer == ""):
		return a, errors.New("--certificate-identity and --certificate-oidc-issuer are required (or --key)")
	}
	a.artifact = positional[0]
	return a, nil
}

func parseSign(args []string) (signArgs, error) {
	var a signArgs
	positional, err := parseArgs(args, &a.staging, map[string]*string{
		"--identity-token": &a.identityToken, "--bundle": &a.bundle,
		"--trusted-root": &a.trustedRoot, "--signing-config": &a.signingConfig,
	})
	switch {
	case err != nil:
		return a, err
	case len(positional) != 1:
		return a, fmt.Errorf("want one FILE, got %d arguments", len(positional))
	case a.identityToken == "":
		return a, errors.New("--identity-token is required")
	case a.bundle == "":
		return a, errors.New("--bundle is required")
	}
	a.artifact = positional[0]
	return a, nil
}

// signBundle signs FILE keyless: the identity token gets a Fulcio
// certificate for a fresh key, the signature goes to the timestamp
// authorities and transparency logs the signing config selects, and the
// bundle is written to --bundle. With --trusted-root, the new bundle is
// verified against it before it is written.
func signBundle(a signArgs) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if a.signingConfig == "" {
		return fail(cli.ExitUsage, errors.New("sign-bundle: --signing-config is required (this client does not fetch one over TUF)"))
	}
	sc, err := sigstore.LoadSigningConfig(a.signingConfig)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	services, err := sigstore.ServicesFromSigningConfig(sc, time.Now())
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	cfg := sigstore.KeylessConfig{Token: sigstore.StaticToken(a.identityToken), Services: services}
	if a.trustedRoot != "" {
		tr, err := sigstore.LoadTrustedRoot(a.trustedRoot)
		if err != nil {
			return fail(cli.ExitUsage, err)
		}
		cfg.TrustedRoot = tr
	}
	k, err := sigstore.NewKeyless(cfg)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	f, err := os.Open(a.artifact)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	defer f.Close()
	b, err := k.SignBlob(ctx, f)
	if err != nil {
		return fail(cli.ExitRejected, err)
	}
	out, err := b.MarshalJSON()
	if err != nil {
		return fail(cli.ExitRejected, err)
	}
	if err := cli.WriteFile(a.bundle, out, 0o644); err != nil {
		return fail(cli.ExitRejected, err)
	}
	return cli.ExitOK
}

// artifactPolicy reads FILE_OR_DIGEST as the protocol says: a digest if
// it is "sha256:" and 64 hex digits and no such file exists, else a file.
func artifactPolicy(arg string) verify.ArtifactPolicy {
	if hexPart, ok := strings.CutPrefix(arg, "sha256:"); ok && len(hexPart) == 64 {
		if _, err := os.Stat(arg); errors.Is(err, os.ErrNotExist) {
			if d, err := digest.FromHex(digest.SHA256, hexPart); err == nil {
				return verify.WithArtifactDigest(d)
			}
		}
	}
	return verify.WithArtifactFile(arg)
}

func verifyBundle(a verifyArgs) int {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	var (
		identity verify.IdentityPolicy
		err      error
	)
	if a.key != "" {
		k, kerr := verify.LoadPublicKey(a.key)
		if kerr != nil {
			return fail(cli.ExitUsage, kerr)
		}
		identity, err = verify.NewKeyPolicy(k)
	} else {
		identity, err = verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: a.identity, Issuer: a.issuer})
	}
	if err != nil {
		return fail(cli.ExitUsage, err)
	}

	trusted, err := trustedRoot(ctx, a.trustedRoot, a.staging)
	if err != nil {
		// A trusted root that does not parse or verify (for example one
		// with a log key that has no validity start) is a rejection: the
		// bundle cannot be verified against it.
		return fail(cli.ExitRejected, err)
	}
	var aopts []sigstore.Option
	if !trusted.HasCTLogs() {
		// A deployment whose trusted root lists no certificate
		// transparency log (a private Sigstore, the project's local test
		// stack) issues certificates without SCTs; there is nothing to
		// check them against. The trusted root decides, never the bundle.
		aopts = append(aopts, sigstore.WithoutSignedCertificateTimestampsUnsafe())
	}
	auth, err := sigstore.NewAuthority(trusted, aopts...)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	trust, err := verify.NewTrust(verify.WithAuthority(auth), verify.WithMinBundleVersion("v0.1"))
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	data, err := cli.ReadFile(a.bundle, maxBundle)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	res, err := verify.Verify(ctx, verify.FromJSON(data), trust, artifactPolicy(a.artifact), identity)
	if err != nil {
		return fail(cli.ExitRejected, err)
	}
	who := ""
	if res.Identity() != nil {
		who = res.Identity().SAN
	} else if len(res.Signers) > 0 {
		who = "key " + res.Signers[0].KeyID
	}
	when := ""
	if len(res.Times) > 0 {
		when = fmt.Sprintf(" at %s (%s)", res.Times[0].Time.UTC().Format(time.RFC3339), res.Times[0].Source)
	}
	fmt.Printf("verified: signed by %s%s\n", who, when)
	return cli.ExitOK
}

func trustedRoot(ctx context.Context, path string, staging bool) (*sigstore.TrustedRoot, error) {
	if path != "" {
		return sigstore.LoadTrustedRoot(path)
	}
	cache := os.Getenv("CHAINMAIL_TUF_CACHE")
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("no --trusted-root and no cache directory for TUF: %w", err)
		}
		cache = filepath.Join(dir, "chainmail", "tuf")
	}
	opts := sigstore.TUFOptions{CacheDir: cache}
	if staging {
		opts.RepositoryURL = sgtuf.StagingMirror
		opts.Root = sgtuf.StagingRoot()
	}
	return sigstore.FetchTrustedRoot(ctx, opts)
}

func fail(code int, err error) int {
	msg := cli.OneLine(err)
	if !strings.HasPrefix(msg, prog+":") {
		msg = prog + ": " + msg
	}
	fmt.Fprintln(os.Stderr, msg)
	return code
}
