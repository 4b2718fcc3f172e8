package sigstore

import (
	"context"
	"fmt"
	"time"
)

// Instance is a Sigstore deployment as its TUF repository describes it:
// the trusted root that verifies its bundles and the services that sign
// them. FetchInstance gets one; Keyless and NewAuthority use it:
//
//	inst, err := sigstore.FetchInstance(ctx, sigstore.TUFOptions{CacheDir: dir}) // public good
//	k, err := inst.Keyless(sigstore.AmbientToken{})
//	b, err := k.SignStatement(ctx, st)
type Instance struct {
	// TrustedRoot is the deployment's trusted root.
	TrustedRoot *TrustedRoot
	// SigningConfig is the deployment's signing config.
	SigningConfig *SigningConfig
	// Services are the services of SigningConfig valid at the time the
	// instance was fetched.
	Services Services
}

// FetchInstance reads the trusted root (DefaultTUFTarget) and the signing
// config (SigningConfigTUFTarget) of a Sigstore TUF repository, with the
// rules, cache and offline mode of FetchTrustedRoot, from one refresh of
// the repository's metadata; opts.Target is ignored. The default repository is Sigstore's public-good instance;
// StagingTUFRepository is its staging instance (both roots embedded), and
// any other needs opts.Root. The services are those valid at opts.Time
// (the current time when zero).
func FetchInstance(ctx context.Context, opts TUFOptions) (*Instance, error) {
	// One refresh of the metadata, then both targets from it.
	data, err := fetchTUFTargets(ctx, opts, DefaultTUFTarget, SigningConfigTUFTarget)
	if err != nil {
		return nil, err
	}
	tr, err := ParseTrustedRoot(data[0])
	if err != nil {
		return nil, err
	}
	sc, err := ParseSigningConfig(data[1])
	if err != nil {
		return nil, err
	}
	now := opts.Time
	if now.IsZero() {
		now = time.Now()
	}
	svc, err := ServicesFromSigningConfig(sc, now)
	if err != nil {
		return nil, err
	}
	return &Instance{TrustedRoot: tr, SigningConfig: sc, Services: svc}, nil
}

// Keyless returns a keyless signer for the instance's services, with
// tokens from token (AmbientToken{} finds the CI provider's) and every
// new bundle checked against the instance's trusted root.
func (in *Instance) Keyless(token TokenSource) (*Keyless, error) {
	if in == nil || in.TrustedRoot == nil {
		return nil, fmt.Errorf("%w: no instance", ErrInvalidConfig)
	}
	return NewKeyless(KeylessConfig{Token: token, Services: in.Services, TrustedRoot: in.TrustedRoot})
}
