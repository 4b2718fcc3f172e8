// Command verify-provenance verifies SLSA provenance for an artifact, as
// slsa-verifier verify-artifact does, for any builder: the bundle's
// signature (a key, or a Sigstore certificate and its identity), then
// what the provenance says, with every mismatch reported.
//
// Usage:
//
//	verify-provenance -bundle FILE -source-uri URI [-builder-id ID]
//	    [-source-tag TAG | -source-branch BRANCH] [-source-versioned-tag]
//	    [-workflow-path PATH] [-build-type URI] [-build-level N]
//	    (-key PUB | -trusted-root FILE (-certificate-identity ID | -certificate-identity-regexp RE)
//	     (-certificate-oidc-issuer URL | -certificate-oidc-issuer-regexp RE))
//	    [-format text|json|sarif] ARTIFACT
//
// ARTIFACT is a file, or its digest (sha256:HEX). -bundle takes a Sigstore
// bundle or a DSSE envelope. Without -builder-id, the builder must be one
// of the trusted builders (slsa-github-generator's) at -build-level (1 by
// default). For keyless provenance the certificate's source repository,
// ref, commit and build signer must agree with the provenance.
//
// Exit status: 0 verified, 1 rejected (every reason on standard output,
// in the chosen format), 2 usage or unreadable input.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/examples/internal/clitrust"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/provenance"
	"github.com/chainmail-dev/chainmail/verify"
)

const (
	prog     = "verify-provenance"
	maxInput = 32 << 20
)

func main() { os.Exit(run(os.Args[1:], time.Now())) }

func run(args []string, now time.Time) int {
	var keyPaths cli.Strings
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	bundlePath := fs.String("bundle", "", "the provenance `file`: a Sigstore bundle or a DSSE envelope")
	var req provenance.Requirements
	fs.StringVar(&req.SourceURI, "source-uri", "", "the source repository, e.g. github.com/org/repo (required)")
	fs.StringVar(&req.BuilderID, "builder-id", "", "the trusted builder `id` (exact, or without @version for any released one)")
	fs.StringVar(&req.SourceTag, "source-tag", "", "the git `tag` built")
	fs.StringVar(&req.SourceBranch, "source-branch", "", "the git `branch` built")
	fs.BoolVar(&req.SemverTag, "source-versioned-tag", false, "require a release tag vX.Y.Z")
	fs.StringVar(&req.WorkflowPath, "workflow-path", "", "the workflow `file` that ran the build")
	fs.StringVar(&req.BuildType, "build-type", "", "the build type `uri`")
	fs.IntVar(&req.BuildLevel, "build-level", 0, "the SLSA build `level` the builder must be trusted for")
	fs.Var(&keyPaths, "key", "trusted PEM public key `file` (repeatable)")
	rootPath := fs.String("trusted-root", "", "Sigstore trusted root `file` for keyless provenance")
	san := fs.String("certificate-identity", "", "the signing certificate's identity")
	sanRE := fs.String("certificate-identity-regexp", "", "the signing certificate's identity, an RE2 regexp")
	issuer := fs.String("certificate-oidc-issuer", "", "the signing certificate's OIDC issuer")
	issuerRE := fs.String("certificate-oidc-issuer-regexp", "", "the signing certificate's OIDC issuer, an RE2 regexp")
	format := fs.String("format", "text", "output `format`: text, json or sarif")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: verify-provenance -bundle FILE -source-uri URI [-builder-id ID] [-source-tag T | -source-branch B] (-key PUB | -trusted-root F -certificate-identity ID -certificate-oidc-issuer URL) ARTIFACT")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cli.ExitUsage
	}
	keyless := *san != "" || *sanRE != "" || *issuer != "" || *issuerRE != ""
	switch {
	case *bundlePath == "", req.SourceURI == "", fs.NArg() != 1, len(keyPaths) == 0 && *rootPath == "":
		fs.Usage()
		return cli.ExitUsage
	case keyless && *rootPath == "":
		return fail(cli.ExitUsage, errors.New("the certificate flags need -trusted-root"))
	case *rootPath != "" && !keyless:
		return fail(cli.ExitUsage, errors.New("-trusted-root needs -certificate-identity[-regexp] and -certificate-oidc-issuer[-regexp]"))
	case *format != "text" && *format != "json" && *format != "sarif":
		return fail(cli.ExitUsage, fmt.Errorf("unknown -format %q", *format))
	}
	p, err := req.Policy()
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	trust, err := clitrust.NewTrust(keyPaths, *rootPath)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	artifact, set, err := clitrust.Artifact(fs.Arg(0))
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	data, err := cli.ReadFile(*bundlePath, maxInput)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	identity := verify.TrustedKeys()
	if keyless {
		if identity, err = verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: *san, SANRegexp: *sanRE, Issuer: *issuer, IssuerRegexp: *issuerRE}); err != nil {
			return fail(cli.ExitUsage, err)
		}
	} else if bundle.IsBundle(data) {
		if b, err := bundle.Parse(data); err == nil {
			if _, isKey := b.PublicKeyHint(); !isKey {
				return fail(cli.ExitRejected, errors.New("the bundle is signed with a certificate: verify it with -trusted-root and the certificate flags"))
			}
		}
	}
	res, err := verify.Verify(context.Background(), verify.FromJSON(data), trust, artifact, identity)
	if err != nil {
		return fail(cli.ExitRejected, err)
	}
	ev, err := policy.NewEvidence(set, []*verify.Result{res})
	if err != nil {
		return fail(cli.ExitRejected, err)
	}
	d, derr := p.Explain(ev, now)
	var out []byte
	switch *format {
	case "json":
		out, err = json.MarshalIndent(&d, "", "  ")
	case "sarif":
		out, err = d.SARIF(policy.ToolInfo{Name: prog})
	default:
		out = []byte(d.Text())
	}
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	os.Stdout.Write(out)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		fmt.Println()
	}
	if derr != nil {
		if errors.Is(derr, policy.ErrDenied) {
			fmt.Fprintln(os.Stderr, prog+": rejected:", cli.OneLine(derr))
			return cli.ExitRejected
		}
		return fail(cli.ExitUsage, derr)
	}
	return cli.ExitOK
}

func fail(code int, err error) int {
	fmt.Fprintln(os.Stderr, cli.Message(prog, err))
	return code
}
