// Command quickstart walks one real artifact through Chainmail's main job:
// make its SBOM, put the SBOM in an in-toto statement about the artifact,
// sign the statement into a Sigstore bundle, verify the bundle against the
// signer and the artifact, check what the verified SBOM says, decide with
// a policy whether the artifact may go on (allow), and show that a
// tampered copy of the artifact is rejected by verification and denied by
// the policy.
//
// Usage:
//
//	go run ./examples/quickstart [-o DIR] [-mode auto|key|keyless] [ARTIFACT]
//
// ARTIFACT defaults to the quickstart's own executable, a Go binary whose
// SBOM comes from its embedded build information. Any other file gets a
// statement with a minimal file predicate instead. With -o, the statement,
// the signed bundle and, for a key, the public key are written to DIR.
//
// It signs with a fresh ECDSA key, or keyless against the project's local
// Sigstore services when they are running (integration/localstack: source
// its env file, which sets SIGSTORE_LOCAL_SIGNING_CONFIG,
// SIGSTORE_LOCAL_TRUSTED_ROOT and SIGSTORE_LOCAL_OIDC_TOKEN_URL): an OIDC
// token ($SIGSTORE_ID_TOKEN, else one from the local issuer), a Fulcio
// certificate, a timestamp and a Rekor entry, verified against that
// trusted root and the token's identity. -mode auto (the default) picks
// keyless when those variables are set.
package main

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/examples/internal/cli"
	"github.com/chainmail-dev/chainmail/policy"
	"github.com/chainmail-dev/chainmail/sbom"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sigstore"
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
	out := flag.String("o", "", "write statement.json, bundle.json (and key.pub) to this directory")
	mode := flag.String("mode", "auto", "key, keyless (local Sigstore services), or auto: keyless when $"+envSigningConfig+" is set")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: quickstart [-o DIR] [-mode auto|key|keyless] [ARTIFACT]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}
	keyless := false
	switch *mode {
	case "key":
	case "keyless":
		keyless = true
	case "auto":
		keyless = os.Getenv(envSigningConfig) != ""
	default:
		fmt.Fprintf(os.Stderr, "quickstart: -mode %q: want auto, key or keyless\n", *mode)
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
	ctx := context.Background()
	var (
		s   signer
		err error
	)
	if keyless {
		s, err = newKeylessSigner(ctx)
	} else {
		s, err = newKeySigner()
	}
	if err != nil {
		fail(err)
	}
	if err := run(ctx, os.Stdout, s, artifact, *out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "quickstart:", err)
	os.Exit(1)
}

func run(ctx context.Context, w io.Writer, s signer, artifact, outDir string) error {
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

	// 3. Sign it into a Sigstore bundle.
	b, err := s.sign(ctx, st)
	if err != nil {
		return err
	}
	bundleJSON, err := b.MarshalJSON()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "signed     %s, bundle %s, %d bytes\n", s.describe(b), b.Version(), len(bundleJSON))

	// 4. Verify: parse the bundle as a consumer would, against the
	// trusted signer and the artifact on disk.
	parsed, err := bundle.Parse(bundleJSON)
	if err != nil {
		return err
	}
	res, err := s.verify(ctx, parsed, verify.WithArtifactFile(artifact))
	if err != nil {
		return fmt.Errorf("verification failed: %w", err)
	}
	fmt.Fprintf(w, "verified   %s; subject %q matches; checks: %v\n", who(res), res.Subject.Name, res.Checks)

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

	// 6. Decide: may this artifact go on? A policy over the verified
	// evidence: an attestation of this predicate type about the artifact,
	// signed by the expected signer (and, keyless, signed in the last hour
	// by the transparency log's or timestamp authority's time).
	pol, err := quickstartPolicy(st.PredicateType, s)
	if err != nil {
		return err
	}
	ev, err := policy.NewEvidence(digest.NewSet(d), []*verify.Result{res})
	if err != nil {
		return err
	}
	decision, err := pol.Decide(ev, time.Now())
	if err != nil {
		return fmt.Errorf("the policy denied the artifact: %w", err)
	}
	fmt.Fprintf(w, "decision   allow: policy %q, %d attestation\n", decision.Policy, ev.Len())

	// 7. Tamper: a copy of the artifact with one byte changed must fail
	// verification, and the policy must deny it: the verified attestation
	// is about the original, so it is not evidence about the copy.
	tampered, err := flipFirstByte(artifact)
	if err != nil {
		return err
	}
	_, err = s.verify(ctx, parsed, verify.WithArtifact(bytes.NewReader(tampered)))
	if !errors.Is(err, verify.ErrUnverified) {
		return fmt.Errorf("a tampered artifact was not rejected: %v", err)
	}
	fmt.Fprintf(w, "tampered   rejected: %v\n", err)
	td, err := digest.FromBytes(tampered, digest.SHA256)
	if err != nil {
		return err
	}
	if _, err := policy.NewEvidence(digest.NewSet(td), []*verify.Result{res}); !errors.Is(err, policy.ErrEvidence) {
		return fmt.Errorf("the original's attestation was taken as evidence about the tampered copy: %v", err)
	}
	empty, err := policy.NewEvidence(digest.NewSet(td), nil)
	if err != nil {
		return err
	}
	denied, err := pol.Decide(empty, time.Now())
	if !errors.Is(err, policy.ErrDenied) || denied.Allowed {
		return fmt.Errorf("the policy did not deny the tampered copy: %v", err)
	}
	fmt.Fprintf(w, "decision   deny (tampered): %s\n", strings.Join(denied.Reasons(), "; "))

	if outDir != "" {
		files := map[string][]byte{"statement.json": stJSON, "bundle.json": bundleJSON}
		if err := s.addFiles(files); err != nil {
			return err
		}
		if err := writeFiles(outDir, files); err != nil {
			return err
		}
		names := make([]string, 0, len(files))
		for name := range files {
			names = append(names, name)
		}
		slices.Sort(names)
		fmt.Fprintf(w, "wrote      %s/{%s}\n", outDir, strings.Join(names, ","))
	}
	fmt.Fprintf(w, "done in    %v\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// quickstartPolicy requires an attestation of predicateType, about the
// artifact by name, signed by s's signer.
func quickstartPolicy(predicateType string, s signer) (*policy.Policy, error) {
	rules := []policy.Rule[policy.Item]{policy.SignedBy(s.signerMatch())}
	if s.hasTime() {
		rules = append(rules, policy.FreshWithin(time.Hour))
	}
	return policy.New("quickstart", policy.Named("attested", "attested by the quickstart's signer",
		policy.Require(predicateType, policy.All(rules...))).
		Remediate("sign the artifact with the quickstart"))
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

// who says who signed a verified bundle.
func who(res *verify.Result) string {
	if res.Identity() != nil {
		when := ""
		if len(res.Times) > 0 {
			when = fmt.Sprintf(" at %s (%s)", res.Times[0].Time.UTC().Format(time.RFC3339), res.Times[0].Source)
		}
		return fmt.Sprintf("signed by %s (issuer %s)%s", res.Identity().SAN, res.Identity().Issuer, when)
	}
	return fmt.Sprintf("%d of 1 keys", len(res.Signers))
}

// A signer signs a statement into a bundle and verifies bundles against
// what it signed with: a fresh key, or a keyless identity.
type signer interface {
	sign(ctx context.Context, st *attest.Statement) (*bundle.Bundle, error)
	verify(ctx context.Context, b *bundle.Bundle, artifact verify.ArtifactPolicy) (*verify.Result, error)
	describe(b *bundle.Bundle) string
	addFiles(files map[string][]byte) error
	// signerMatch is the signer, for a policy.
	signerMatch() policy.SignerMatch
	// hasTime says whether its signatures carry a verified time.
	hasTime() bool
}

// keySigner signs with a fresh ECDSA P-256 key.
type keySigner struct {
	key    crypto.Signer
	signer *sign.KeySigner
	pub    *verify.PublicKey
	v      *verify.Verifier
}

func newKeySigner() (*keySigner, error) {
	key, err := sign.GenerateKey(sign.ECDSAP256)
	if err != nil {
		return nil, err
	}
	signer, err := sign.NewSigner(key)
	if err != nil {
		return nil, err
	}
	pub, err := verify.NewPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	v, err := verify.NewVerifier([]*verify.PublicKey{pub})
	if err != nil {
		return nil, err
	}
	return &keySigner{key: key, signer: signer, pub: pub, v: v}, nil
}

func (k *keySigner) signerMatch() policy.SignerMatch { return policy.KeyOf(k.pub) }

func (k *keySigner) hasTime() bool { return false }

func (k *keySigner) sign(ctx context.Context, st *attest.Statement) (*bundle.Bundle, error) {
	return sign.StatementBundle(ctx, st, k.signer)
}

func (k *keySigner) verify(ctx context.Context, b *bundle.Bundle, artifact verify.ArtifactPolicy) (*verify.Result, error) {
	return k.v.VerifyBundle(ctx, b, artifact)
}

func (k *keySigner) describe(*bundle.Bundle) string {
	return fmt.Sprintf("%s key %.16s…", k.signer.Scheme(), k.signer.ID())
}

func (k *keySigner) addFiles(files map[string][]byte) error {
	pubPEM, err := sign.MarshalPublicKey(k.key.Public())
	if err != nil {
		return err
	}
	files["key.pub"] = pubPEM
	return nil
}

// The local Sigstore stack's variables (integration/localstack/start.sh
// writes them to its env file).
const (
	envSigningConfig = "SIGSTORE_LOCAL_SIGNING_CONFIG"
	envTrustedRoot   = "SIGSTORE_LOCAL_TRUSTED_ROOT"
	envTokenURL      = "SIGSTORE_LOCAL_OIDC_TOKEN_URL"
)

// keylessSigner signs keyless against the services of a signing config
// and verifies against a trusted root and the token's identity.
type keylessSigner struct {
	k        *sigstore.Keyless
	trust    *verify.Trust
	identity verify.IdentityPolicy
	id       verify.CertificateIdentity
}

func (k *keylessSigner) signerMatch() policy.SignerMatch { return policy.Identity(k.id) }

func (k *keylessSigner) hasTime() bool { return true }

func newKeylessSigner(ctx context.Context) (*keylessSigner, error) {
	scPath, trPath := os.Getenv(envSigningConfig), os.Getenv(envTrustedRoot)
	if scPath == "" || trPath == "" {
		return nil, fmt.Errorf("keyless: set $%s and $%s (source the env file of integration/localstack/start.sh)", envSigningConfig, envTrustedRoot)
	}
	sc, err := sigstore.LoadSigningConfig(scPath)
	if err != nil {
		return nil, err
	}
	services, err := sigstore.ServicesFromSigningConfig(sc, time.Now())
	if err != nil {
		return nil, err
	}
	trusted, err := sigstore.LoadTrustedRoot(trPath)
	if err != nil {
		return nil, err
	}
	// One token, minted now: its identity is the one to verify against.
	tok, err := identityToken(ctx)
	if err != nil {
		return nil, err
	}
	claims, err := sigstore.ParseIDToken(tok)
	if err != nil {
		return nil, err
	}
	k, err := sigstore.NewKeyless(sigstore.KeylessConfig{
		Token:       sigstore.StaticToken(tok),
		Services:    services,
		TrustedRoot: trusted,
	})
	if err != nil {
		return nil, err
	}
	var opts []sigstore.Option
	if !trusted.HasCTLogs() {
		// The local Fulcio has no certificate transparency log, so its
		// certificates carry no SCT; the trusted root says so.
		opts = append(opts, sigstore.WithoutSignedCertificateTimestampsUnsafe())
	}
	auth, err := sigstore.NewAuthority(trusted, opts...)
	if err != nil {
		return nil, err
	}
	trust, err := verify.NewTrust(verify.WithAuthority(auth))
	if err != nil {
		return nil, err
	}
	id := verify.CertificateIdentity{SAN: claims.Identity(), Issuer: claims.Issuer}
	identity, err := verify.NewIdentityPolicy(id)
	if err != nil {
		return nil, err
	}
	return &keylessSigner{k: k, trust: trust, identity: identity, id: id}, nil
}

// identityToken returns $SIGSTORE_ID_TOKEN, else a token from the local
// OIDC issuer's token URL.
func identityToken(ctx context.Context) (string, error) {
	if os.Getenv(sigstore.EnvSigstoreIDToken) != "" {
		return sigstore.EnvToken{Name: sigstore.EnvSigstoreIDToken}.Token(ctx)
	}
	u := os.Getenv(envTokenURL)
	if u == "" {
		return "", fmt.Errorf("keyless: set $%s or $%s", sigstore.EnvSigstoreIDToken, envTokenURL)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("keyless: OIDC token: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, sigstore.MaxTokenBytes+1))
	if err != nil {
		return "", fmt.Errorf("keyless: OIDC token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("keyless: OIDC token: %s", resp.Status)
	}
	return sigstore.StaticToken(strings.TrimSpace(string(body))).Token(ctx)
}

func (k *keylessSigner) sign(ctx context.Context, st *attest.Statement) (*bundle.Bundle, error) {
	return k.k.SignStatement(ctx, st)
}

func (k *keylessSigner) verify(ctx context.Context, b *bundle.Bundle, artifact verify.ArtifactPolicy) (*verify.Result, error) {
	return verify.Verify(ctx, verify.FromBundle(b), k.trust, artifact, k.identity)
}

func (k *keylessSigner) describe(b *bundle.Bundle) string {
	return fmt.Sprintf("keyless (Fulcio certificate; timestamps: %d, log entries: %d)", b.TimestampCount(), b.TlogEntryCount())
}

func (k *keylessSigner) addFiles(map[string][]byte) error { return nil }
