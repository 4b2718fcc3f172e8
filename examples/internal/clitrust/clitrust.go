// Package clitrust sets up, from the example commands' flags, what they
// verify against and sign with: trust of keys and Sigstore trusted roots,
// the artifact, and keyless signing. It is apart from package cli so that
// the commands that neither verify certificates nor sign keyless (keygen,
// sbom) do not link Sigstore's clients.
package clitrust

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// Authority returns the Sigstore authority of a trusted root. A trusted
// root without CT logs (a private or local Sigstore) issues certificates
// without SCTs: the root decides, never the bundle.
func Authority(tr *sigstore.TrustedRoot) (*sigstore.Authority, error) {
	var opts []sigstore.Option
	if !tr.HasCTLogs() {
		opts = append(opts, sigstore.WithoutSignedCertificateTimestampsUnsafe())
	}
	return sigstore.NewAuthority(tr, opts...)
}

// NewTrust returns the trust of the PEM public keys and the Sigstore
// trusted root file given (either may be empty, not both).
func NewTrust(keyPaths []string, rootPath string) (*verify.Trust, error) {
	var opts []verify.Option
	if len(keyPaths) > 0 {
		keys := make([]*verify.PublicKey, 0, len(keyPaths))
		for _, p := range keyPaths {
			k, err := verify.LoadPublicKey(p)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
		opts = append(opts, verify.WithKeys(keys...))
	}
	if rootPath != "" {
		tr, err := sigstore.LoadTrustedRoot(rootPath)
		if err != nil {
			return nil, err
		}
		a, err := Authority(tr)
		if err != nil {
			return nil, err
		}
		opts = append(opts, verify.WithAuthority(a), verify.WithMinBundleVersion("v0.1"))
	}
	return verify.NewTrust(opts...)
}

// Artifact reads ARTIFACT, a file or a digest, as the artifact policy
// of verification and the digests of the evidence.
func Artifact(arg string) (verify.ArtifactPolicy, digest.Set, error) {
	if _, err := os.Stat(arg); err == nil {
		set, err := digest.SetFromFile(arg, digest.SHA256, digest.SHA512)
		if err != nil {
			return verify.ArtifactPolicy{}, nil, err
		}
		return verify.WithArtifactFile(arg), set, nil
	}
	d, err := digest.Parse(arg)
	if err != nil {
		return verify.ArtifactPolicy{}, nil, fmt.Errorf("artifact %q is neither a file nor a digest like sha256:<hex>", arg)
	}
	return verify.WithArtifactDigest(d), digest.NewSet(d), nil
}

// KeylessSigner sets up keyless signing: the token (ambient unless
// given), the services and trusted root from files, or from Sigstore's
// public-good TUF repository cached in cache.
func KeylessSigner(ctx context.Context, token, scPath, rootPath, cache string) (*sigstore.Keyless, error) {
	var src sigstore.TokenSource = sigstore.AmbientToken{}
	if token != "" {
		src = sigstore.StaticToken(token)
	}
	if scPath != "" {
		sc, err := sigstore.LoadSigningConfig(scPath)
		if err != nil {
			return nil, err
		}
		svc, err := sigstore.ServicesFromSigningConfig(sc, time.Now())
		if err != nil {
			return nil, err
		}
		tr, err := sigstore.LoadTrustedRoot(rootPath)
		if err != nil {
			return nil, err
		}
		return sigstore.NewKeyless(sigstore.KeylessConfig{Token: src, Services: svc, TrustedRoot: tr})
	}
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("no -signing-config and no user cache dir for TUF: %w", err)
		}
		cache = filepath.Join(dir, "chainmail", "tuf")
	}
	inst, err := sigstore.FetchInstance(ctx, sigstore.TUFOptions{CacheDir: cache})
	if err != nil {
		return nil, err
	}
	return inst.Keyless(src)
}

// KeylessFlags are the keyless signing flags the signing commands share
// (cosign's names): -keyless, -identity-token, -signing-config,
// -trusted-root and -tuf-cache.
type KeylessFlags struct {
	Keyless                                bool
	Token, SigningConfig, TrustedRoot, TUF string
}

// Register defines the flags on fs.
func (k *KeylessFlags) Register(fs *flag.FlagSet) {
	fs.BoolVar(&k.Keyless, "keyless", false, "sign with Sigstore (Fulcio, Rekor, timestamps) instead of a key")
	fs.StringVar(&k.Token, "identity-token", "", "with -keyless, the OIDC identity `token` (default: the ambient one)")
	fs.StringVar(&k.SigningConfig, "signing-config", "", "with -keyless, the Sigstore signing config `file`")
	fs.StringVar(&k.TrustedRoot, "trusted-root", "", "with -keyless, the Sigstore trusted root `file`")
	fs.StringVar(&k.TUF, "tuf-cache", "", "with -keyless and no files, the TUF cache `dir` (default: the user cache dir)")
}

// Check reports flags that do not go together.
func (k *KeylessFlags) Check() error {
	switch {
	case !k.Keyless && (k.Token != "" || k.SigningConfig != "" || k.TrustedRoot != "" || k.TUF != ""):
		return errors.New("-identity-token, -signing-config, -trusted-root and -tuf-cache need -keyless")
	case k.Keyless && (k.SigningConfig == "") != (k.TrustedRoot == ""):
		return errors.New("-signing-config and -trusted-root go together (or neither, for TUF)")
	}
	return nil
}

// Signer sets up keyless signing from the flags (see KeylessSigner).
func (k *KeylessFlags) Signer(ctx context.Context) (*sigstore.Keyless, error) {
	return KeylessSigner(ctx, k.Token, k.SigningConfig, k.TrustedRoot, k.TUF)
}
