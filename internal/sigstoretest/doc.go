// Package sigstoretest is an in-process Sigstore for tests of package
// sigstore and package verify: one implementation of every service a
// Sigstore bundle depends on, so that tests can make bundles that verify
// and then change one thing of them.
//
// A Sigstore (New) holds the authorities and their keys:
//
//   - a Fulcio-like certificate authority (a root and an intermediate)
//     that issues signing certificates with Fulcio's extensions;
//   - a certificate transparency log that signs SCTs embedded in them;
//   - two Rekor v1 logs, whose entries carry signed entry timestamps
//     (inclusion promises) and inclusion proofs with signed checkpoints;
//   - an RFC 3161 timestamp authority;
//   - the trusted root made of them (Spec, Trusted).
//
// Sign builds bundles from it (message signatures or DSSE envelopes,
// keyless or with a bare key, logged in chosen logs, timestamped or not),
// and the Verifier and VerifyPB helpers verify them through verify.Verify
// with a sigstore.Authority.
//
// A Server (NewServer) puts an HTTP front on a Sigstore, on loopback: an
// OIDC issuer (Token), Fulcio, an RFC 3161 timestamp service, a Rekor v1
// and a Rekor v2 log, each with a queue of canned faults (Fail). Package
// sigstore's keyless signing is tested against it.
//
// Every time is an input: New takes the epoch at which certificates start
// (tests use the fixed T0, so results never depend on the clock) and
// NewServer the clock its services read (tests pass time.Now). Keys are
// random and never printed. Functions that can fail take a testing.TB
// and stop the test.
//
// The package is for tests only: nothing outside _test.go files imports
// it.
package sigstoretest
