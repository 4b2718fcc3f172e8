// Package sigstore verifies Sigstore bundles against a Sigstore trusted
// root: the [Authority] that package verify calls for what anchors a
// bundle's signature (transparency log entries, RFC 3161 timestamps, the
// Fulcio certificate chain and its SCTs), and the trusted roots it
// trusts, from a file, from TUF, or built in code.
//
// # Verifying a keyless bundle
//
// Verification is package verify's one function, under a trust that
// holds an authority:
//
//	tr, err := sigstore.LoadTrustedRoot("trusted_root.json")
//	// or, from Sigstore's public-good TUF repository, with a cache:
//	// tr, err := sigstore.FetchTrustedRoot(ctx, sigstore.TUFOptions{CacheDir: dir})
//	auth, err := sigstore.NewAuthority(tr)
//	trust, err := verify.NewTrust(verify.WithAuthority(auth))
//	id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{
//		SANRegexp: `https://github\.com/org/repo/\.github/workflows/release\.yml@refs/tags/v.*`,
//		Issuer:    "https://token.actions.githubusercontent.com",
//	})
//	res, err := verify.Verify(ctx, verify.FromJSON(bundleJSON), trust, verify.WithArtifactFile("app.tar.gz"), id)
//	fmt.Println(res.Identity().SAN, res.Times[0].Time, res.Times[0].Source)
//
// By default the authority requires an entry in one transparency log,
// one verified time from a log's signed promise or a timestamp authority
// (none when the caller vouches for a time with verify.WithSigningTime),
// and one SCT in a certificate ([WithTransparencyLog],
// [WithObserverTimestamps], [WithSignedTimestamps],
// [WithIntegratedTimestamps], [WithSignedCertificateTimestamps]). The
// certificate chain must be valid at every verified time.
//
// The package is built on sigstore-go (pkg/verify, pkg/root, pkg/tlog):
// log entries, timestamps, certificate authorities and SCTs are checked by
// sigstore-go's code, one entry and one timestamp at a time, from the
// bundle's own types (package bundle; no sigstore-go or protobuf type is
// part of a bundle). Only programs that import this package pull in
// sigstore-go's dependencies. One check is not repeated for every bundle:
// an Authority verifies each Fulcio intermediate's signature by its root
// once, and then lets crypto/x509 verify leaves against the checked
// intermediate, when the root adds nothing x509 would apply below it
// (anything else takes sigstore-go's path; the decisions are the same,
// TestFastChainsAgree).
//
// # Keyless signing
//
// [Keyless] signs the way cosign and sigstore-go do without a long-lived
// key: for each signing it makes a fresh ECDSA P-256 key, exchanges an
// OIDC identity token for a ten-minute Fulcio certificate binding the key
// to the identity, signs, has every configured RFC 3161 timestamp
// authority timestamp the signature and every Rekor log (v2 or v1) record
// it, and returns a Sigstore bundle v0.3. The network protocols are
// sigstore-go's (pkg/sign); this package adds the configuration checks,
// the context, bounded retries, size limits and typed errors.
//
//	k, err := sigstore.NewKeyless(sigstore.KeylessConfig{
//		Token:       sigstore.AmbientToken{},            // GitHub Actions, GitLab, Buildkite, $SIGSTORE_ID_TOKEN, a file
//		Services:    services,                       // see below
//		TrustedRoot: trustedRoot,                    // optional: each new bundle is verified before it is returned
//	})
//	b, err := k.SignBlob(ctx, file)                  // message signature over the artifact (SHA-256, streamed)
//	b, err := k.SignStatement(ctx, st)               // DSSE envelope of an in-toto statement
//
// Services come from a Sigstore signing config, a file or the one a TUF
// repository distributes ([LoadSigningConfig], [ParseSigningConfig],
// [ServicesFromSigningConfig]; [FetchTUFTarget] fetches
// "signing_config.v0.2.json" through TUF), or are written out: a Fulcio URL, Rekor
// logs with their API version, timestamp URLs. Rekor v2 entries carry no
// signing time, so Rekor v2 requires a timestamp authority; signing
// without any transparency log must be asked for with
// KeylessConfig.WithoutTransparencyLogUnsafe.
//
// Tokens come from a [TokenSource]: [StaticToken], [FileToken],
// [EnvToken], [GitHubActionsToken] (the job's ID-token request API),
// [GitLabToken] ($SIGSTORE_ID_TOKEN from an id_tokens entry, or the older
// $CI_JOB_JWT_V2), [BuildkiteToken] (the agent API, without running the
// agent binary), or [AmbientToken], which picks the one that applies.
// Tokens are checked before use ([ParseIDToken]: bounded, split safely,
// not expired, an issuer and a subject) and never appear in errors.
//
// Every request to a service goes through one transport: it is bound to
// the caller's context, limited to [MaxResponseBytes], retried on
// connection errors, 5xx and 429 with exponential backoff ([RetryPolicy]),
// never redirected with credentials. A failure is a [*ServiceError]
// naming the service ("oidc", "fulcio", "rekor", "tsa"), its URL and
// status, matching [ErrService] and one of [ErrUnavailable],
// [ErrRejected], [ErrBadResponse] (or the context's error). Other
// failures wrap [ErrInvalidConfig], [ErrNoToken], [ErrToken] or
// [ErrSelfCheck].
//
// With a TrustedRoot, every new bundle is verified before it is
// returned through the same path as any other: verify.Verify under this
// package's Authority, with the token's identity (its issuer, and its
// email for email issuers) and SCTs when the root lists CT logs.
//
// # What it adds to sigstore-go
//
// Added to sigstore-go's checks (SECURITY.md areas C to F): an inclusion
// proof per log entry, not per bundle (C32); a minimum bundle version
// (C33); log thresholds counted by distinct log (C34); every entry and
// every timestamp must verify, none is skipped when it fails (C38);
// entry kinds checked against the bundle's labels, and Rekor v1
// checkpoint signer names against their origin; exactly one SAN (C42);
// anchored regular expressions (C43); the issuer extension present,
// UTF8String-typed and not contradicted by its v1 form (C44); a leaf that
// is not a CA (C46) and lists code signing without anyExtendedKeyUsage
// (C48); intermediates from the trusted root only (C47); a validity start
// for every trusted authority (C41); log keys valid at every verified
// time (C52); a timestamp signed by the trusted authority's own leaf
// certificate (C58); TUF keys whose type and scheme agree (C73).
// Rejections wrap verify.ErrUnverified and a narrower reason:
// verify.ErrTransparencyLog, verify.ErrTimestamp, verify.ErrCertificate, verify.ErrIdentity
// (a *verify.IdentityError says what the certificate holds),
// verify.ErrBundleVersion, verify.ErrIdentityPolicy, verify.ErrTrustedRoot, or those of
// the key verifier.
//
// # Departures from sigstore-go
//
// Real bundles from production Sigstore (sigstore-python, sigstore-js,
// GitHub's attest actions, cosign, sigstore-go, sigstore-java and
// sigstore-rs; v0.1 to v0.3) verify here as in sigstore-go v1.3.0, with
// these triaged disagreements (TestProductionBundles):
//
//	bundle                                   sigstore-go  here    why
//	dsse entry labelled hashedrekord/0.0.1   accepts      rejects the bundle's kindVersion must be the entry's
//	(sigstore-rs)                                                 kind: a label is what selects the checks
//	checkpoint signature in non-canonical    accepts      rejects one encoding per signed checkpoint
//	base64 (padding bits set)
//
// P-384 Fulcio leaves signing over SHA-256 (the CPython 3.11 and 3.12
// release bundles) verify in both, through the registry's P-384/SHA-256
// scheme.
package sigstore
