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
// Keyless signing (Fulcio certificates, Rekor entries, timestamps, OIDC
// tokens) is in package sigstore, with sigstore-go's dependency tree:
// this package needs two modules (x/crypto and go-securesystemslib), so a
// program that signs with keys pulls in nothing else.
package sign
