package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/provenance"
	"github.com/chainmail-dev/chainmail/sign"
)

const (
	vectors = "../../testdata/vectors/attest/slsa-verifier/"
	root    = "../../testdata/conformance/assets/production_trusted_root.json"
	ruleset = "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml"
	gha     = "https://token.actions.githubusercontent.com"
)

// TestRun runs the command on slsa-verifier's real GitHub attestation
// (offline, the public-good trusted root) and on key-signed provenance
// made by package provenance: exit 0 verified, 1 rejected, 2 usage.
func TestRun(t *testing.T) {
	keyless := func(extra ...string) []string {
		return append([]string{"-bundle", vectors + "bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl", "-source-uri", "github.com/aspect-build/rules_lint",
			"-trusted-root", root, "-certificate-identity-regexp", `https://github\.com/bazel-contrib/.*`, "-certificate-oidc-issuer", gha}, extra...)
	}
	artifact := vectors + "bcr/rules_lint-v1.3.1.tar.gz"
	dir, keyed, pub, keyedArtifact := keySigned(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"keyless verified", append(keyless("-builder-id", ruleset, "-source-branch", "publish-to-bcr"), artifact), 0},
		{"keyless verified by digest", append(keyless("-builder-id", ruleset), "sha256:1636f443b01c9ee310ee5834956d0dce374c3d3bf8d4cebc9f6b86f8304b4982"), 0},
		{"keyless tag confused with a branch", append(keyless("-builder-id", ruleset, "-source-tag", "publish-to-bcr"), artifact), 1},
		{"keyless builder look-alike", append(keyless("-builder-id", ruleset+".evil"), artifact), 1},
		{"keyless unregistered builder", append(keyless(), artifact), 1},
		{"keyless other repository", append(keyless("-builder-id", ruleset, "-source-uri", "github.com/aspect-build/rules_lint2"), artifact), 1},
		{"keyless other identity", []string{"-bundle", vectors + "bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl", "-source-uri", "github.com/aspect-build/rules_lint",
			"-trusted-root", root, "-certificate-identity", "https://github.com/org/repo/.github/workflows/x.yml@refs/heads/main", "-certificate-oidc-issuer", gha, artifact}, 1},
		{"keyless another artifact", append(keyless("-builder-id", ruleset), vectors+"bcr/MODULE.bazel"), 1},
		{"key verified", []string{"-bundle", keyed, "-source-uri", "github.com/org/app", "-builder-id", "https://builds.example.com/ci", "-key", pub, keyedArtifact}, 0},
		{"key, json", []string{"-format", "json", "-bundle", keyed, "-source-uri", "github.com/org/app", "-builder-id", "https://builds.example.com/ci", "-key", pub, keyedArtifact}, 0},
		{"key, wrong builder, sarif", []string{"-format", "sarif", "-bundle", keyed, "-source-uri", "github.com/org/app", "-builder-id", "https://builds.example.com/other", "-key", pub, keyedArtifact}, 1},
		{"key-signed keyless flags", []string{"-bundle", keyed, "-source-uri", "github.com/org/app", "-trusted-root", root, "-certificate-identity", "x", "-certificate-oidc-issuer", gha, keyedArtifact}, 1},
		{"no source", []string{"-bundle", keyed, "-key", pub, keyedArtifact}, 2},
		{"no trust", []string{"-bundle", keyed, "-source-uri", "github.com/org/app", keyedArtifact}, 2},
		{"tag and branch", []string{"-bundle", keyed, "-source-uri", "github.com/org/app", "-source-tag", "v1", "-source-branch", "main", "-key", pub, keyedArtifact}, 2},
		{"identity without root", []string{"-bundle", keyed, "-source-uri", "github.com/org/app", "-key", pub, "-certificate-identity", "x", keyedArtifact}, 2},
		{"missing bundle", []string{"-bundle", filepath.Join(dir, "none"), "-source-uri", "github.com/org/app", "-key", pub, keyedArtifact}, 2},
		{"bad format", []string{"-format", "xml", "-bundle", keyed, "-source-uri", "github.com/org/app", "-key", pub, keyedArtifact}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout := os.Stdout
			devnull, _ := os.Open(os.DevNull)
			os.Stdout = devnull
			code := run(tc.args, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			os.Stdout = stdout
			devnull.Close()
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
		})
	}
}

// keySigned writes an artifact, a public key and a bundle of provenance
// for it made by package provenance for a local build.
func keySigned(t *testing.T) (dir, bundlePath, pubPath, artifact string) {
	t.Helper()
	dir = t.TempDir()
	artifact = filepath.Join(dir, "app")
	must(t, os.WriteFile(artifact, []byte("the app"), 0o755))
	b, err := provenance.Local("https://builds.example.com/ci", provenance.Source{
		Repository: "https://github.com/org/app", Ref: "refs/tags/v1.0.0", Commit: "8f70009fde0c94ade6ce2a054b94718c819126ec"})
	must(t, err)
	subj, err := provenance.Subjects(artifact)
	must(t, err)
	st, err := b.Statement(subj, provenance.Options{})
	must(t, err)
	k, err := sign.GenerateKey(sign.ECDSAP256)
	must(t, err)
	s, err := sign.NewSigner(k)
	must(t, err)
	bun, err := sign.StatementBundle(context.Background(), st, s)
	must(t, err)
	data, err := bun.MarshalJSON()
	must(t, err)
	bundlePath = filepath.Join(dir, "app.bundle.json")
	must(t, os.WriteFile(bundlePath, data, 0o644))
	pem, err := sign.MarshalPublicKey(k.Public())
	must(t, err)
	pubPath = filepath.Join(dir, "key.pub")
	must(t, os.WriteFile(pubPath, pem, 0o644))
	return dir, bundlePath, pubPath, artifact
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
