// Command attest makes a signed in-toto attestation about one or more
// artifacts: a Sigstore bundle (default) or a DSSE envelope.
//
// Usage:
//
//	attest -key KEY [-key KEY2 ...] -predicate-type URI -predicate FILE -o OUT [-envelope] ARTIFACT...
//	attest -keyless [-identity-token TOKEN] [-signing-config FILE -trusted-root FILE | -tuf-cache DIR]
//	       -predicate-type URI -predicate FILE -o OUT ARTIFACT...
//
// Each ARTIFACT becomes a subject, named by its base name, with its SHA-256
// digest. The predicate FILE holds the predicate's JSON object ("-" reads
// standard input); if Chainmail knows the predicate type (SLSA provenance,
// VSA, test results, vulns, OpenVEX, SPDX, CycloneDX), the predicate is
// checked against it first. KEY is a PEM private key; an encrypted key
// (cosign's format) takes its password from CHAINMAIL_PASSWORD or
// COSIGN_PASSWORD.
//
// A bundle carries one signature, so several -key flags need -envelope,
// which writes one DSSE envelope signed by every key.
//
// -keyless signs with Sigstore instead (cosign's flag names): an OIDC
// token (-identity-token, else the CI provider's ambient token or
// $SIGSTORE_ID_TOKEN), a Fulcio certificate, timestamps and Rekor entries
// from the services of a signing config, and the new bundle checked
// against the trusted root before it is written. The signing config and
// trusted root come from files (-signing-config, -trusted-root) or from
// Sigstore's public-good TUF repository (cached in -tuf-cache).
//
// Exit status: 0 written, 1 failed, 2 usage.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/examples/internal/clitrust"
	"github.com/chainmail-dev/chainmail/sign"
)

const prog = "attest"

func main() {
	var keyPaths cli.Strings
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.Var(&keyPaths, "key", "PEM private key `file` (repeatable with -envelope)")
	predType := fs.String("predicate-type", "", "predicate type `URI`")
	predPath := fs.String("predicate", "", "predicate JSON `file` (- for stdin)")
	out := fs.String("o", "", "output `file` (- for stdout)")
	envelope := fs.Bool("envelope", false, "write a DSSE envelope instead of a Sigstore bundle")
	var kf clitrust.KeylessFlags
	kf.Register(fs)
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: attest -key KEY -predicate-type URI -predicate FILE -o OUT [-envelope] ARTIFACT...")
		fmt.Fprintln(os.Stderr, "       attest -keyless [-identity-token T] [-signing-config F -trusted-root F | -tuf-cache D] -predicate-type URI -predicate FILE -o OUT ARTIFACT...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(cli.ExitUsage)
	}
	switch {
	case (len(keyPaths) == 0) == !kf.Keyless, *predType == "", *predPath == "", *out == "", fs.NArg() == 0:
		fs.Usage()
		os.Exit(cli.ExitUsage)
	case kf.Keyless && *envelope:
		cli.Exit(prog, cli.ExitUsage, errors.New("-keyless writes a Sigstore bundle; -envelope is for keys"))
	case kf.Check() != nil:
		cli.Exit(prog, cli.ExitUsage, kf.Check())
	case len(keyPaths) > 1 && !*envelope:
		cli.Exit(prog, cli.ExitUsage, errors.New("a bundle carries one signature: use -envelope to sign with several keys"))
	}

	signers := make([]sign.Signer, 0, len(keyPaths))
	for _, p := range keyPaths {
		pemBytes, err := cli.ReadFile(p, 64<<10)
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		key, err := sign.LoadPrivateKey(pemBytes, cli.Password)
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, fmt.Errorf("%s: %w", p, err))
		}
		s, err := sign.NewSigner(key)
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		signers = append(signers, s)
	}

	predicate, err := cli.ReadFile(*predPath, 32<<20)
	if err != nil {
		cli.Exit(prog, cli.ExitUsage, err)
	}
	st, err := statement(*predType, predicate, fs.Args())
	if err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}

	ctx := context.Background()
	var output []byte
	if kf.Keyless {
		k, err := kf.Signer(ctx)
		if err != nil {
			cli.Exit(prog, cli.ExitUsage, err)
		}
		b, err := k.SignStatement(ctx, st)
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
		if output, err = b.MarshalJSON(); err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
	} else if *envelope {
		env, err := sign.Statement(ctx, st, signers...)
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
		output, err = env.Marshal()
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
	} else {
		b, err := sign.StatementBundle(ctx, st, signers[0])
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
		output, err = b.MarshalJSON()
		if err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
	}
	if err := cli.WriteFile(*out, append(output, '\n'), 0o644); err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}
}

// statement builds the statement: the predicate checked against its
// registered type when there is one, and one subject per artifact.
func statement(predType string, predicate []byte, artifacts []string) (*attest.Statement, error) {
	if !json.Valid(predicate) {
		return nil, errors.New("the predicate file is not JSON")
	}
	subjects := make([]attest.ResourceDescriptor, 0, len(artifacts))
	for _, a := range artifacts {
		d, err := digest.FromFile(a, digest.SHA256)
		if err != nil {
			return nil, err
		}
		subjects = append(subjects, attest.Subject(filepath.Base(a), d))
	}
	st, err := attest.NewStatement(predType, json.RawMessage(predicate), subjects...)
	if err != nil {
		return nil, err
	}
	if _, err := attest.DecodePredicate(st); err != nil && !errors.Is(err, attest.ErrUnknownPredicateType) {
		return nil, fmt.Errorf("the predicate does not match %s: %w", predType, err)
	}
	return st, nil
}
