// Package verify checks signed attestations: DSSE envelopes and Sigstore
// bundles against trusted public keys or Sigstore trusted roots, and the
// statements inside them against the artifacts they claim to describe.
//
// # Verifying an attestation
//
// One function does every kind of verification: [Verify] takes the input
// (an envelope or a bundle, parsed or as JSON), what you trust (a [Trust]
// of keys, a trusted root, or both), the artifact the attestation must be
// about, and who must have signed; it returns one [Result] whatever signed
// and whatever was verified. Build the Trust once; it is immutable and
// safe for concurrent use:
//
//	pub, err := verify.LoadPublicKey("release.pub")
//	trust, err := verify.NewTrust(verify.WithKeys(pub))
//	res, err := verify.Verify(ctx, verify.FromJSON(data), trust,
//		verify.WithArtifactFile("app.tar.gz"), verify.TrustedKeys())
//	if err != nil {
//		// errors.Is(err, verify.ErrUnverified) always holds; err says why.
//	}
//	fmt.Println(res.Signers[0].KeyID, res.Subject.Name, res.Times[0].Source)
//
// Keyless (Sigstore) bundles verify the same way, with a trusted root and
// the certificate identity that must have signed:
//
//	tr, err := verify.LoadTrustedRoot("trusted_root.json")
//	trust, err := verify.NewTrust(verify.WithTrustedRoot(tr))
//	id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{
//		SAN: "https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1",
//		Issuer: "https://token.actions.githubusercontent.com",
//	})
//	res, err := verify.Verify(ctx, verify.FromJSON(data), trust, verify.WithArtifactFile("app.tar.gz"), id)
//	fmt.Println(res.Signers[0].SAN, res.Times[0].Time, res.Times[0].Source)
//
// For a key signature Verify checks, in order: the payload type (only
// in-toto statements unless [WithPayloadTypes] says otherwise); the
// signatures, counting distinct trusted keys against the threshold
// ([WithThreshold], default 1); the statement, decoded strictly from the
// verified bytes; and a subject whose digests match the artifact's (see
// digest.Set.Match). A bundle with a message signature is checked against
// the artifact's bytes directly. For a certificate it checks the log
// entries, timestamps, the chain and the identity first (see "Sigstore
// bundles" below).
//
// # The result
//
// A [Result] has one [Signer] record per distinct verified signer, of kind
// key or certificate (with SAN, issuer and Fulcio claims), the times the
// signature is known to have existed with their source (an explicit
// [TimeSourceNone] for a bare key signature, [TimeSourceCaller] for a time
// vouched for with [WithSigningTime]), the matched subject and the
// artifact's verified digests, the SHA-256 of the verified envelope or
// bundle (Result.Input, what a VSA's inputAttestations names), the
// statement, and the checks done and skipped. It encodes to JSON with
// stable field names, so other processes and package policy can read it.
// [CertificateMatcher] and [StringMatcher] match identities on their own,
// with the verifier's rules, for rules over verified signers.
//
// [Verifier] and [SigstoreVerifier] are the lower-level verifiers Verify is
// built from, for keys and for trusted roots; they return the same Result.
//
// # Signature schemes
//
// Keys verify with the schemes of Sigstore's algorithm registry: ECDSA
// P-256 over SHA-256, P-384 over SHA-384, P-521 over SHA-512, Ed25519, RSA
// PKCS#1 v1.5 or PSS over SHA-256; and, as sigstore-go does, P-384 and
// P-521 keys over SHA-256 (sigstore-python signed that way for years).
// Signer.Scheme says which one verified. No hash below SHA-256 is ever
// accepted.
//
// # Keys and thresholds
//
// Keys are identified by their key material ([PublicKey.ID]), never by the
// keyid a signature carries: a keyid only decides which key is tried
// first. A key that signs twice, under two keyids, or with a malleated
// ECDSA signature counts once. [NewVerifier] refuses a threshold below 1 or
// above the number of keys, and a key listed twice. RSA keys verify PKCS#1
// v1.5 unless made with [RSAPSS]; one key never accepts both paddings.
//
// # The artifact policy
//
// Every call takes an [ArtifactPolicy]: [WithArtifactFile],
// [WithArtifact] (a reader), [WithArtifactDigest] (digests you computed),
// [WithSubjectDigest] (an identifier you vouch for), or
// [WithoutArtifactUnsafe], which must be written out to skip the check.
// The zero policy is rejected.
//
// # Errors
//
// Every rejection wraps [ErrUnverified], and a narrower reason:
// [ErrMalformed], [ErrPayloadType], [ErrNoSignature], [ErrSignature],
// [ErrThreshold], [ErrSubjectMismatch], [ErrVerificationMaterial],
// [ErrArtifactPolicy] or [ErrNotInitialized]. Each message says its
// reason once ("verify: malformed input: envelope: …"), without repeating
// the prefixes of the layers below. Typed errors carry the facts:
// a [*ThresholdError] lists the keys that signed and a [*SignatureError]
// for each signature not counted; a [*SubjectError] holds the artifact's
// digests and, through errors.Is, the digest error (digest.ErrMismatch).
//
// # What Verify does not check
//
// With keys only (no trusted root in the Trust), transparency log entries
// and timestamps that a bundle may carry are not checked, and
// certificate-signed bundles are refused: those need a Sigstore trusted
// root. It does not know whether a key was revoked
// or expired, nor how old a signature is. It proves who signed which
// statement about which artifact; whether the statement's claims are
// acceptable is the caller's policy.
//
// # Sigstore bundles
//
// A [SigstoreVerifier] checks Sigstore bundles (v0.1 to v0.3, message
// signatures and DSSE envelopes) the way cosign and sigstore-go do, and
// is built on sigstore-go. It trusts a [TrustedRoot]: from a
// trusted_root.json file ([LoadTrustedRoot], [ParseTrustedRoot]), from
// TUF with the public-good root embedded and a local cache
// ([FetchTrustedRoot], offline with [TUFOptions].Offline), or built in
// code ([NewTrustedRoot]). Each call names the artifact, as for a key
// [Verifier], and who must have signed, as an [IdentityPolicy]:
//
//	tr, err := verify.LoadTrustedRoot("trusted_root.json")
//	trust, err := verify.NewTrust(verify.WithTrustedRoot(tr))
//	id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{
//		SANRegexp: `https://github\.com/org/repo/\.github/workflows/release\.yml@refs/tags/v.*`,
//		Issuer:    "https://token.actions.githubusercontent.com",
//		Claims:    verify.FulcioClaims{SourceRepositoryURI: "https://github.com/org/repo"},
//	})
//	res, err := verify.Verify(ctx, verify.FromJSON(bundleJSON), trust, verify.WithArtifactFile("app.tar.gz"), id)
//	fmt.Println(res.Identity().SAN, res.Times[0].Time, res.Times[0].Source)
//
// Identity policies: [NewIdentityPolicy] for Fulcio certificates (the SAN
// exactly or by a regular expression that must match the whole SAN, the
// OIDC issuer likewise, and Fulcio claims exactly), [NewKeyPolicy] for
// bundles signed by a key, and [WithoutIdentityUnsafe]. An identity
// without SAN or issuer criteria is a configuration error, never a
// wildcard; the zero policy is rejected.
//
// By default the verifier requires an entry in one transparency log, one
// verified time from a log's signed promise or a timestamp authority,
// one SCT in a certificate, and bundles of v0.2 or later
// ([WithTransparencyLog], [WithObserverTimestamps], [WithSignedTimestamps],
// [WithIntegratedTimestamps], [WithSignedCertificateTimestamps],
// [WithMinBundleVersion]). The certificate chain must be valid at every
// verified time. The current time is never taken as the signing time: a
// bundle without a trusted time verifies only when the caller vouches for
// one with [WithSigningTime] (for air-gapped or long-lived keys), and the result
// says so. [Result] then holds the verified [Identity] (SAN, issuer,
// [FulcioClaims], certificate), the verified times with their source
// ([VerifiedTime]), and the log entries checked ([LogEntry]).
//
// What it adds to sigstore-go (SECURITY.md areas C to F): an inclusion
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
// Rejections wrap [ErrUnverified] and a narrower reason:
// [ErrTransparencyLog], [ErrTimestamp], [ErrCertificate], [ErrIdentity]
// (an [*IdentityError] says what the certificate holds),
// [ErrBundleVersion], [ErrIdentityPolicy], [ErrTrustedRoot], or those of
// the key Verifier.
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
package verify
