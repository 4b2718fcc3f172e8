// Package verify checks signed attestations: DSSE envelopes and Sigstore
// bundles against trusted public keys, and the statements inside them
// against the artifacts they claim to describe.
//
// # Verifying an attestation
//
// Build a [Verifier] once from the keys you trust; it is immutable and
// safe for concurrent use. Each call names the artifact the attestation
// must be about:
//
//	pub, err := verify.LoadPublicKey("release.pub")
//	v, err := verify.NewVerifier([]*verify.PublicKey{pub})
//	res, err := v.VerifyBundle(ctx, b, verify.WithArtifactFile("app.tar.gz"))
//	if err != nil {
//		// errors.Is(err, verify.ErrUnverified) always holds; err says why.
//	}
//	fmt.Println(res.Signers[0].KeyID, res.Subject.Name, res.Checks)
//
// [Verifier.VerifyEnvelope] does the same for a DSSE envelope. Either
// checks, in order: the payload type (only in-toto statements unless
// [WithPayloadTypes] says otherwise); the signatures, counting distinct
// trusted keys against the threshold ([WithThreshold], default 1); the
// statement, decoded strictly from the verified bytes; and a subject whose
// digests match the artifact's (see digest.Set.Match). A bundle with a
// message signature is checked against the artifact's bytes directly.
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
// [ErrArtifactPolicy] or [ErrNotInitialized]. Typed errors carry the facts:
// a [*ThresholdError] lists the keys that signed and a [*SignatureError]
// for each signature not counted; a [*SubjectError] holds the artifact's
// digests and, through errors.Is, the digest error (digest.ErrMismatch).
//
// # What Verify does not check
//
// A key Verifier does not check transparency log entries or timestamps
// that a bundle may carry, and refuses certificate-signed bundles: those
// need a Sigstore trusted root. It does not know whether a key was revoked
// or expired, nor how old a signature is. It proves who signed which
// statement about which artifact; whether the statement's claims are
// acceptable is the caller's policy.
package verify
