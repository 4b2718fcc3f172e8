// Command policy-gate decides whether an artifact may go on: it verifies
// every attestation given (Sigstore bundles and DSSE envelopes), builds
// the evidence about the artifact from those that verify, and decides
// with a policy file.
//
// Usage:
//
//	policy-gate -policy FILE (-bundle FILE... | -bundles DIR) [-key PUB]... [-trusted-root FILE]
//	            [-format text|json|sarif|vsa] [-o FILE] [-min-version N] ARTIFACT|sha256:HEX
//
// Key-signed attestations verify against the -key files; certificate
// (keyless) bundles against the -trusted-root, with the certificate chain,
// transparency log and timestamps checked there and who signed left to
// the policy's signedBy rules. An attestation that does not verify, or is
// about another artifact, is reported on standard error and is not
// evidence: it cannot change the decision.
//
// The decision goes to standard output (or -o FILE, written whole or not
// at all) in the -format chosen: text for a person, json (the Decision),
// sarif (SARIF 2.1.0, for code-scanning tools), or vsa (an in-toto SLSA
// Verification Summary Attestation statement, to sign with the verifier's
// key: -verifier-id names the verifier, -resource-uri the artifact,
// default ARTIFACT; the policy is named by its file's SHA-256). Exit status: 0 allow, 1 deny, 2 usage or
// error. The flags are stable.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/examples/internal/clitrust"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/policy/policyfile"
	"github.com/chainmail-dev/chainmail/verify"
)

const prog = "policy-gate"

// Bounds of what is read.
const (
	maxInput  = 32 << 20
	maxInputs = policy.MaxEvidence
)

func main() {
	os.Exit(run(os.Args[1:], time.Now()))
}

func run(args []string, now time.Time) int {
	var bundlePaths, keyPaths cli.Strings
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	policyPath := fs.String("policy", "", "policy `file` (YAML or JSON)")
	fs.Var(&bundlePaths, "bundle", "attestation `file`: a Sigstore bundle or a DSSE envelope (repeatable)")
	bundleDir := fs.String("bundles", "", "`dir`ectory of attestation files (*.json, *.jsonl, *.sigstore, *.intoto)")
	fs.Var(&keyPaths, "key", "trusted PEM public key `file` (repeatable)")
	rootPath := fs.String("trusted-root", "", "Sigstore trusted root `file` (trusted_root.json) for keyless bundles")
	format := fs.String("format", "text", "output `format`: text, json, sarif or vsa")
	verifierID := fs.String("verifier-id", "https://github.com/chainmail-dev/chainmail/examples/policy-gate", "with -format vsa, the verifier's `id`")
	resourceURI := fs.String("resource-uri", "", "with -format vsa, the artifact's `uri` (default ARTIFACT)")
	outPath := fs.String("o", "", "write the decision to `file` instead of standard output")
	minVersion := fs.Int("min-version", 0, "refuse a policy older than this `version` (the last one applied)")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: policy-gate -policy FILE (-bundle FILE... | -bundles DIR) [-key PUB]... [-trusted-root FILE] [-format text|json|sarif|vsa] [-o FILE] ARTIFACT|sha256:HEX")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cli.ExitUsage
	}
	if *policyPath == "" || fs.NArg() != 1 || (len(bundlePaths) == 0 && *bundleDir == "") || (len(keyPaths) == 0 && *rootPath == "") {
		fs.Usage()
		return cli.ExitUsage
	}
	switch *format {
	case "text", "json", "sarif", "vsa":
	default:
		return fail(cli.ExitUsage, fmt.Errorf("-format %q: want text, json, sarif or vsa", *format))
	}
	if *resourceURI == "" {
		*resourceURI = fs.Arg(0)
	}
	data, err := cli.ReadFile(*policyPath, policyfile.MaxFileBytes)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	pf, err := policyfile.Parse(data, policyfile.Options{MinVersion: *minVersion})
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
	paths := []string(bundlePaths)
	if *bundleDir != "" {
		more, err := listDir(*bundleDir)
		if err != nil {
			return fail(cli.ExitUsage, err)
		}
		paths = append(paths, more...)
	}
	if len(paths) > maxInputs {
		return fail(cli.ExitUsage, fmt.Errorf("%d attestation files, limit %d", len(paths), maxInputs))
	}
	ctx := context.Background()
	var results []*verify.Result
	for _, p := range paths {
		res, err := verifyFile(ctx, trust, p, artifact)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: not evidence: %s: %s\n", prog, p, cli.OneLine(err))
			continue
		}
		results = append(results, res)
	}
	ev, err := policy.NewEvidence(set, results)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	d, derr := pf.Policy.Decide(ev, now)
	out, err := render(&d, *format, policy.VSAOptions{VerifierID: *verifierID, ResourceURI: *resourceURI,
		PolicyURI: *policyPath, PolicyDigest: digest.NewSet(pf.Digest)})
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	if *outPath != "" {
		err = cli.WriteFile(*outPath, out, 0o644)
	} else {
		_, err = os.Stdout.Write(out)
	}
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	if derr != nil {
		if !errors.Is(derr, policy.ErrDenied) {
			return fail(cli.ExitUsage, derr)
		}
		return cli.ExitRejected
	}
	return cli.ExitOK
}

func fail(code int, err error) int {
	fmt.Fprintln(os.Stderr, cli.Message(prog, err))
	return code
}

func render(d *policy.Decision, format string, vsa policy.VSAOptions) ([]byte, error) {
	switch format {
	case "json":
		out, err := json.MarshalIndent(d, "", "  ")
		return append(out, '\n'), err
	case "sarif":
		return d.SARIF(policy.ToolInfo{Name: prog, InformationURI: "https://github.com/chainmail-dev/chainmail"})
	case "vsa":
		st, err := d.VSA(vsa)
		if err != nil {
			return nil, err
		}
		out, err := st.Marshal()
		return append(out, '\n'), err
	}
	return []byte(d.Text()), nil
}

// listDir returns the attestation files of dir, sorted.
func listDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".json", ".jsonl", ".sigstore", ".intoto", ".dsse":
			if e.Type().IsRegular() {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// verifyFile verifies one attestation file: against the keys when it is
// key-signed, against the trusted root when a certificate signed it
// (identity is the policy's to check).
func verifyFile(ctx context.Context, trust *verify.Trust, path string, artifact verify.ArtifactPolicy) (*verify.Result, error) {
	data, err := cli.ReadFile(path, maxInput)
	if err != nil {
		return nil, err
	}
	identity := verify.TrustedKeys()
	if bundle.IsBundle(data) {
		b, err := bundle.Parse(data)
		if err != nil {
			return nil, err
		}
		if _, isKey := b.PublicKeyHint(); !isKey {
			// The policy's signedBy rules decide who may have signed; the
			// certificate chain, log entries and timestamps are checked
			// here.
			identity = verify.WithoutIdentityUnsafe()
		}
	}
	return verify.Verify(ctx, verify.FromJSON(data), trust, artifact, identity)
}
