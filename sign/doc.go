// Package sign makes signatures: DSSE envelopes over in-toto statements,
// and Sigstore bundles over statements or plain artifacts.
//
// # Signers
//
// A [Signer] is two methods, Public and Sign, so any key store fits: a
// local key, a KMS, an HSM, a remote signing service. [NewSigner] turns a
// crypto.Signer into one, after checking the key against the allow-list
// (ECDSA P-256/P-384/P-521, Ed25519, RSA of 2048 to 8192 bits):
//
//	key, err := sign.GenerateKey(sign.ECDSAP256)         // or
//	key, err := sign.LoadPrivateKey(pemBytes, password)    // PKCS#8, SEC1, PKCS#1, cosign's encrypted format
//	signer, err := sign.NewSigner(key)                     // sign.WithRSAPSS(), sign.WithRawECDSA(), sign.WithKeyID(…)
//
// Optional interfaces add capabilities: a [DigestSigner] signs digests, so
// large artifacts are hashed as a stream; a [KeyIDer] names its key in
// the signatures it makes. By default, as cosign does, DSSE signatures
// carry no keyid and bundles carry Sigstore's key hint,
// base64(SHA-256(PKIX DER)). [KeyID] (the function) gives the canonical id
// package verify reports: the hex SHA-256 of the key's PKIX encoding.
//
// # Signing
//
//	env, err := sign.Statement(ctx, st, alice, bob)   // DSSE envelope, two signatures
//	err = sign.AddSignature(ctx, env, carol)          // a third; existing ones are kept
//	b, err := sign.StatementBundle(ctx, st, alice)     // Sigstore bundle v0.3, DSSE content
//	b, err := sign.BlobBundle(ctx, alice, file)        // Sigstore bundle v0.3, message signature
//
// Bundles made here name their key by a hint and hold no transparency log
// entry or timestamp: they are verified with the public key. ECDSA
// signatures are ASN.1 DER unless [WithRawECDSA] asks for raw r||s, as the
// DSSE reference implementation writes them.
//
// Keys are written with [MarshalPrivateKey] (PKCS#8 PEM), [EncryptPrivateKey]
// (cosign's scrypt + secretbox format, readable by cosign) and
// [MarshalPublicKey]. Errors wrap [ErrUnsupportedKey], [ErrMalformedKey],
// [ErrPassword], [ErrNoSigner] or [ErrSigner].
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
//	k, err := sign.NewKeyless(sign.KeylessConfig{
//		Token:       sign.AmbientToken{},            // GitHub Actions, GitLab, Buildkite, $SIGSTORE_ID_TOKEN, a file
//		Services:    services,                       // see below
//		TrustedRoot: trustedRoot,                    // optional: each new bundle is verified before it is returned
//	})
//	b, err := k.SignBlob(ctx, file)                  // message signature over the artifact (SHA-256, streamed)
//	b, err := k.SignStatement(ctx, st)               // DSSE envelope of an in-toto statement
//
// Services come from a Sigstore signing config, a file or the one a TUF
// repository distributes ([LoadSigningConfig], [ParseSigningConfig],
// [ServicesFromSigningConfig]; verify.FetchTUFTarget fetches
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
package sign
