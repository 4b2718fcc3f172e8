// Command quickstart walks one real artifact through Chainmail's main job:
// make its SBOM, put the SBOM in an in-toto statement about the artifact,
// sign the statement with a fresh key into a Sigstore bundle, verify the
// bundle against the key and the artifact, check what the verified SBOM
// says, and show that a tampered copy of the artifact is rejected.
//
// Usage:
//
//	go run ./examples/quickstart [-o DIR] [ARTIFACT]
//
// ARTIFACT defaults to the quickstart's own executable, a Go binary whose
// SBOM comes from its embedded build information. Any other file gets a
// statement with a minimal file predicate instead. With -o, the statement,
// the signed bundle and the public key are written to DIR.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/sbom"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
)

// predicateType is the quickstart's predicate for files that are not Go
// binaries: what it knows about the file.
const predicateType = "https://chainmail.dev/quickstart/file/v1"

type filePredicate struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

func main() {
	out := flag.String("o", "", "write statement.json, bundle.json and key.pub to this directory")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: quickstart [-o DIR] [ARTIFACT]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}
	artifact := flag.Arg(0)
	if artifact == "" {
		self, err := os.Executable()
		if err != nil {
			fail(err)
		}
		artifact = self
	}
	if err := run(context.Background(), os.Stdout, artifact, *out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "quickstart:", err)
	os.Exit(1)
}

func run(ctx context.Context, w io.Writer, artifact, outDir string) error {
	start := time.Now()

	// 1. Digest the artifact (streamed, constant memory).
	info, err := os.Stat(artifact)
	if err != nil {
		return err
	}
	d, err := digest.FromFile(artifact, digest.SHA256)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "artifact   %s (%d bytes)\n           %s\n", artifact, info.Size(), d)

	// 2. An in-toto statement about it: its SBOM (CycloneDX 1.6) when it
	// is a Go binary, else a minimal file predicate.
	subject := attest.Subject(filepath.Base(artifact), d)
	var st *attest.Statement
	doc, sbomErr := sbom.FromBinaryFile(ctx, artifact)
	if sbomErr == nil {
		fmt.Fprintf(w, "sbom       %d components from the binary's build info\n", len(doc.Components))
		st, err = sbom.Statement(doc, sbom.CycloneDX16JSON, subject)
	} else {
		fmt.Fprintf(w, "sbom       none (%v)\n", sbomErr)
		st, err = attest.NewStatement(predicateType, filePredicate{Path: filepath.Base(artifact), Size: info.Size()}, subject)
	}
	if err != nil {
		return err
	}
	stJSON, err := st.Marshal()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "statement  %s, %d subject, predicate %s, %d bytes\n", st.Type, len(st.Subject), st.PredicateType, len(stJSON))

	// 3. Sign it with a fresh key into a Sigstore bundle.
	key, err := sign.GenerateKey(sign.ECDSAP256)
	if err != nil {
		return err
	}
	signer, err := sign.NewSigner(key)
	if err != nil {
		return err
	}
	b, err := sign.StatementBundle(ctx, st, signer)
	if err != nil {
		return err
	}
	bundleJSON, err := b.MarshalJSON()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "signed     %s key %.16s…, bundle %s, %d bytes\n", signer.Scheme(), signer.ID(), b.Version(), len(bundleJSON))

	// 4. Verify: parse the bundle as a consumer would, against the
	// trusted public key and the artifact on disk.
	pub, err := verify.NewPublicKey(key.Public())
	if err != nil {
		return err
	}
	v, err := verify.NewVerifier([]*verify.PublicKey{pub})
	if err != nil {
		return err
	}
	parsed, err := bundle.Parse(bundleJSON)
	if err != nil {
		return err
	}
	res, err := v.VerifyBundle(ctx, parsed, verify.WithArtifactFile(artifact))
	if err != nil {
		return fmt.Errorf("verification failed: %w", err)
	}
	fmt.Fprintf(w, "verified   %d of %d keys; subject %q matches; checks: %v\n", len(res.Signers), 1, res.Subject.Name, res.Checks)

	// 5. Use what was verified: the SBOM decoded from the signed statement.
	if sbomErr == nil {
		verified, err := sbom.FromStatement(res.Statement)
		if err != nil {
			return fmt.Errorf("the verified statement's SBOM: %w", err)
		}
		if root := verified.Root(); root != nil {
			version := root.Version
			if version == "" {
				version = "(no version stamp)"
			}
			fmt.Fprintf(w, "contents   %s %s, %d components, %d dependency edges (from the verified SBOM)\n", root.Name, version, len(verified.Components), len(verified.Edges))
		}
	}

	// 6. Tamper: a copy of the artifact with one byte changed must fail.
	tampered, err := flipFirstByte(artifact)
	if err != nil {
		return err
	}
	_, err = v.VerifyBundle(ctx, parsed, verify.WithArtifact(bytes.NewReader(tampered)))
	if !errors.Is(err, verify.ErrUnverified) {
		return fmt.Errorf("a tampered artifact was not rejected: %v", err)
	}
	fmt.Fprintf(w, "tampered   rejected: %v\n", err)

	if outDir != "" {
		pubPEM, err := sign.MarshalPublicKey(key.Public())
		if err != nil {
			return err
		}
		if err := writeFiles(outDir, map[string][]byte{
			"statement.json": stJSON, "bundle.json": bundleJSON, "key.pub": pubPEM,
		}); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote      %s/{statement.json,bundle.json,key.pub}\n", outDir)
	}
	fmt.Fprintf(w, "done in    %v\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// flipFirstByte returns the artifact's bytes with the first byte changed.
// The quickstart reads at most 64 MiB of it; larger files are truncated,
// which only makes the copy more different.
func flipFirstByte(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 64<<20))
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return []byte{0}, nil
	}
	data[0] ^= 0xff
	return data, nil
}

// writeFiles writes each file atomically (see cli.WriteFile).
func writeFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := cli.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
