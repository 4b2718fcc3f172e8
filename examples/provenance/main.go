// Command provenance runs a build command and writes SLSA provenance v1
// for what it produced, signed into a Sigstore bundle when asked.
//
// Usage:
//
//	provenance [-o FILE] (-artifact PATH... | -artifact-dir DIR) [-sbom-dir DIR]
//	           [-key KEY | -keyless [-identity-token T] [-signing-config F -trusted-root F | -tuf-cache D]]
//	           [-builder-id ID] [-source-uri URL] -- COMMAND ARGS...
//
// The build platform is read from the environment: GitHub Actions,
// GitLab CI or Buildkite. Elsewhere it is a local build, which needs
// -builder-id (who ran it) and -source-uri (the repository), and reads
// the commit from the git checkout in the current directory. On a CI
// platform, a checkout in the current directory must be at the commit the
// environment names. -builder-id also overrides the platform's builder
// id (a reusable workflow's, say).
//
// The subjects are the -artifact files (or every regular file under
// -artifact-dir), with their SHA-256 digests; the modules and toolchain
// of each Go binary among them are listed as resolved dependencies, and
// -sbom-dir writes a CycloneDX SBOM of each (NAME.cdx.json) and, when
// signing, the SBOM as a signed attestation about the binary
// (NAME.sbom.sigstore.json). Without -key or -keyless the statement is
// written unsigned. A command that fails writes nothing.
// SOURCE_DATE_EPOCH, when set, is the SBOMs' time.
//
// Exit status: 0 written, 1 the build or signing failed, 2 usage.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/examples/internal/clitrust"
	"github.com/chainmail-dev/chainmail/provenance"
	"github.com/chainmail-dev/chainmail/sbom"
	"github.com/chainmail-dev/chainmail/sign"
)

const prog = "provenance"

func main() {
	var artifacts cli.Strings
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	out := fs.String("o", "-", "output `file` (- for stdout)")
	fs.Var(&artifacts, "artifact", "a `file` the command produces (repeatable)")
	artifactDir := fs.String("artifact-dir", "", "a `dir`ectory whose regular files the command produces")
	sbomDir := fs.String("sbom-dir", "", "write a CycloneDX SBOM of each Go binary produced into `dir`")
	keyPath := fs.String("key", "", "sign with this PEM private key `file` into a Sigstore bundle")
	var kf clitrust.KeylessFlags
	kf.Register(fs)
	builderID := fs.String("builder-id", "", "the builder `id` (required for a local build; overrides the platform's)")
	sourceURI := fs.String("source-uri", "", "for a local build, the source repository `url`")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: provenance [-o FILE] (-artifact PATH... | -artifact-dir DIR) [-key KEY | -keyless] [-builder-id ID] -- COMMAND ARGS...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(cli.ExitUsage)
	}
	switch {
	case fs.NArg() == 0, (len(artifacts) == 0) == (*artifactDir == ""):
		fs.Usage()
		os.Exit(cli.ExitUsage)
	case *keyPath != "" && kf.Keyless:
		cli.Exit(prog, cli.ExitUsage, errors.New("-key and -keyless are exclusive"))
	case kf.Check() != nil:
		cli.Exit(prog, cli.ExitUsage, kf.Check())
	}
	ctx := context.Background()

	env := provenance.ParseEnviron(os.Environ())
	b, err := build(env, *builderID, *sourceURI)
	if err != nil {
		cli.Exit(prog, cli.ExitUsage, err)
	}
	// Set up signing before building: a bad key fails before the build runs.
	signStatement, err := signer(ctx, *keyPath, &kf)
	signed := *keyPath != "" || kf.Keyless
	if err != nil {
		cli.Exit(prog, cli.ExitUsage, err)
	}

	cmd := exec.CommandContext(ctx, fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stderr, os.Stderr
	c := provenance.Command{Cmd: cmd, Outputs: artifacts, OutputDir: *artifactDir, Clock: time.Now, SBOMs: *sbomDir != ""}
	if t, ok := sourceDateEpoch(env); ok {
		c.SBOMOptions = []sbom.Option{sbom.WithTime(t)}
	}
	rec, err := b.Run(ctx, c)
	if err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}
	output, err := signStatement(ctx, rec.Statement)
	if err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}
	// Everything is encoded (and signed) before anything is written.
	files := map[string][]byte{}
	for _, subj := range rec.Subjects {
		doc, ok := rec.SBOMs[subj.Name]
		if !ok {
			continue
		}
		var buf bytes.Buffer
		if _, err := sbom.Encode(&buf, doc, sbom.CycloneDX16JSON); err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
		base := filepath.Join(*sbomDir, filepath.Base(subj.Name))
		files[base+".cdx.json"] = buf.Bytes()
		if signed {
			// The SBOM as an attestation about its binary, signed like
			// the provenance.
			st, err := attest.NewStatement(attest.PredicateCycloneDX, json.RawMessage(buf.Bytes()), subj)
			if err != nil {
				cli.Exit(prog, cli.ExitRejected, err)
			}
			b, err := signStatement(ctx, st)
			if err != nil {
				cli.Exit(prog, cli.ExitRejected, err)
			}
			files[base+".sbom.sigstore.json"] = append(b, '\n')
		}
	}
	for path, data := range files {
		if err := cli.WriteFile(path, data, 0o644); err != nil {
			cli.Exit(prog, cli.ExitRejected, err)
		}
	}
	if err := cli.WriteFile(*out, append(output, '\n'), 0o644); err != nil {
		cli.Exit(prog, cli.ExitRejected, err)
	}
}

// build returns the build of the platform the environment describes, or
// a local build of the checkout in the current directory.
func build(env provenance.Environment, builderID, sourceURI string) (*provenance.Build, error) {
	b, err := provenance.Detect(env)
	switch {
	case errors.Is(err, provenance.ErrNoPlatform):
		if builderID == "" || sourceURI == "" {
			return nil, fmt.Errorf("%w: a local build needs -builder-id and -source-uri", err)
		}
		commit, ref, err := provenance.ReadGit(".")
		if err != nil {
			return nil, err
		}
		return provenance.Local(builderID, provenance.Source{Repository: sourceURI, Ref: ref, Commit: commit})
	case err != nil:
		return nil, err
	case sourceURI != "":
		return nil, errors.New("-source-uri is for local builds: the platform names the source")
	}
	if _, err := os.Stat(".git"); err == nil {
		if err := b.CheckSource("."); err != nil {
			return nil, err
		}
	}
	if builderID != "" {
		b.BuilderID = builderID
	}
	return b, nil
}

// signer returns how the statement is written: a bundle signed with the
// key or keyless, or the bare statement.
func signer(ctx context.Context, keyPath string, kf *clitrust.KeylessFlags) (func(context.Context, *attest.Statement) ([]byte, error), error) {
	switch {
	case kf.Keyless:
		k, err := kf.Signer(ctx)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, st *attest.Statement) ([]byte, error) {
			b, err := k.SignStatement(ctx, st)
			if err != nil {
				return nil, err
			}
			return b.MarshalJSON()
		}, nil
	case keyPath != "":
		pemBytes, err := cli.ReadFile(keyPath, 64<<10)
		if err != nil {
			return nil, err
		}
		key, err := sign.LoadPrivateKey(pemBytes, cli.Password)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keyPath, err)
		}
		s, err := sign.NewSigner(key)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, st *attest.Statement) ([]byte, error) {
			b, err := sign.StatementBundle(ctx, st, s)
			if err != nil {
				return nil, err
			}
			return b.MarshalJSON()
		}, nil
	}
	return func(_ context.Context, st *attest.Statement) ([]byte, error) { return st.Marshal() }, nil
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH, the reproducible-builds time.
func sourceDateEpoch(env provenance.Environment) (time.Time, bool) {
	s, ok := env["SOURCE_DATE_EPOCH"]
	if !ok {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0).UTC(), true
}
