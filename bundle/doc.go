// Package bundle reads and writes Sigstore bundles, the standard container
// for a signature and the material to verify it (a public key hint or a
// certificate, transparency log entries, timestamps).
//
// [Parse] reads bundle versions v0.1 to v0.3 strictly: the JSON is checked
// for duplicate keys, invalid UTF-8 and oversized arrays before it is
// decoded, unknown fields and media types are rejected, and counts are
// bounded (32 log entries, 32 timestamps, exactly one DSSE signature).
// Every log entry must have the fields a log entry has, a kindVersion
// that is its body's, and the proof its bundle version requires.
// Parsing checks structure only: verifying a bundle is the job of package
// verify.
//
//	b, err := bundle.Parse(data)
//	if errors.Is(err, bundle.ErrMalformed) { … }
//	env, err := b.Envelope()          // the DSSE envelope, as an attest.Envelope
//	ms, err := b.MessageSignature()   // or the signature over an artifact
//	entries := b.TlogEntries()        // copies, in Go types
//
// [FromEnvelope] and [FromMessageSignature] make v0.3 bundles for
// key-signed content (package sign uses them); [New] makes any bundle
// from its [Contents], and [Bundle.Contents] gives them back.
// [Bundle.MarshalJSON] writes the same bytes for the same bundle: the
// canonical protojson form, compact.
//
// # Dependencies
//
// The package uses the standard library only: its types are its own, not
// the protobuf messages of protobuf-specs, so reading or writing a bundle
// (and verifying a key-signed one with package verify) pulls in neither
// protobuf nor sigstore-go, and a sigstore-go upgrade changes no type
// here. To hand a bundle to sigstore-go, pass its JSON: the encoding is
// the one protojson reads and writes, field for field.
//
// One departure from protojson: field names must be lowerCamelCase, the
// bundle specification's JSON form that every client writes; protojson
// also accepts the proto names ("media_type").
package bundle
