// Package bundle reads and writes Sigstore bundles, the standard container
// for a signature and the material to verify it (a public key hint or a
// certificate, transparency log entries, timestamps).
//
// [Parse] reads bundle versions v0.1 to v0.3 strictly: the JSON is checked
// for duplicate keys, invalid UTF-8 and oversized arrays before protojson
// decodes it, unknown fields and media types are rejected, and counts are
// bounded (32 log entries, 32 timestamps, exactly one DSSE signature).
// sigstore-go's structural rules apply on top. Parsing checks structure
// only: verifying a bundle is the job of package verify.
//
//	b, err := bundle.Parse(data)
//	if errors.Is(err, bundle.ErrMalformed) { … }
//	env, err := b.Envelope()          // the DSSE envelope, as an attest.Envelope
//	ms, err := b.MessageSignature()   // or the signature over an artifact
//
// [FromEnvelope] and [FromMessageSignature] make v0.3 bundles for
// key-signed content (package sign uses them), and [Bundle.MarshalJSON]
// writes the same bytes for the same bundle. [Bundle.SigstoreGo] hands the
// bundle to sigstore-go's verifier.
package bundle
