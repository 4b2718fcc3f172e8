// Package verify checks signed attestations: DSSE envelopes and Sigstore
// bundles against trusted public keys or a bundle Authority (package
// sigstore's, for a Sigstore trusted root), and the statements inside
// them against the artifacts they claim to describe.
//
// # Verifying an attestation
//
// One function does every kind of verification: [Verify] takes the input
// (an envelope or a bundle, parsed or as JSON), what you trust (a [Trust]
// of keys, an [Authority], or both), the artifact the attestation must be
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
// Keyless (Sigstore) bundles verify the same way, with an authority for a
// trusted root (package sigstore) and the certificate identity that must
// have signed:
//
//	tr, err := sigstore.LoadTrustedRoot("trusted_root.json")
//	auth, err := sigstore.NewAuthority(tr)
//	trust, err := verify.NewTrust(verify.WithAuthority(auth))
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
// the artifact's bytes directly. For a bundle checked by an authority it
// checks the version, the material, the signature, then asks the
// authority for the log entries, timestamps and certificate chain, then
// the identity and the statement (see "Bundles and authorities" below).
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
// [Verifier] is the lower-level key verifier Verify is built from; it
// returns the same Result.
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
// With keys only (no authority in the Trust), transparency log entries
// and timestamps that a bundle may carry are not checked, and
// certificate-signed bundles are refused: those need an authority. It does not know whether a key was revoked
// or expired, nor how old a signature is. It proves who signed which
// statement about which artifact; whether the statement's claims are
// acceptable is the caller's policy.
//
// # Bundles and authorities
//
// An [Authority] establishes what anchors a bundle's signature (log
// entries, timestamps, certificate chain and SCTs); Verify does the rest:
// the version ([WithMinBundleVersion], default v0.2), the verification
// material against the identity policy (a certificate must follow the
// Fulcio profile), the signature, then the identity and the statement.
// The Sigstore authority, with sigstore-go's dependency tree, is in
// package sigstore: this package needs two modules (x/crypto and
// go-securesystemslib, for encrypted keys), so a program that verifies
// key-signed envelopes and bundles pulls in nothing else.
//
// Identity policies: [NewIdentityPolicy] for Fulcio certificates (the SAN
// exactly or by a regular expression that must match the whole SAN, the
// OIDC issuer likewise, and Fulcio claims exactly), [NewKeyPolicy] for
// bundles signed by a key, and [WithoutIdentityUnsafe]. An identity
// without SAN or issuer criteria is a configuration error, never a
// wildcard; the zero policy is rejected. The current time is never taken
// as the signing time: a bundle without a trusted time verifies only
// when the caller vouches for one with [WithSigningTime], and the result
// says so. [Result] then holds the verified [Identity] (SAN, issuer,
// [FulcioClaims], certificate), the verified times with their source
// ([VerifiedTime]), and the log entries checked ([LogEntry]).
//
// Rejections wrap [ErrUnverified] and a narrower reason:
// [ErrTransparencyLog], [ErrTimestamp], [ErrCertificate], [ErrIdentity]
// (an [*IdentityError] says what the certificate holds),
// [ErrBundleVersion], [ErrIdentityPolicy], [ErrTrustedRoot], or those of
// the key Verifier.
package verify
