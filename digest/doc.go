// Package digest computes and compares cryptographic digests of artifacts.
// It uses only the standard library, so every other package can depend on
// it.
//
// # Computing digests
//
// [FromFile] and [FromReader] stream their input through the hash in
// constant memory; [SetFromReader] computes several algorithms in one pass:
//
//	d, err := digest.FromFile("app.tar.gz", digest.SHA256)
//	fmt.Println(d) // sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//
// A [Digest] is a comparable value: == compares algorithm and bytes, and it
// works as a map key. Its text form "alg:hex" (lowercase hex, exactly the
// algorithm's length) is the only form [Parse] accepts, and it marshals to
// JSON and text as that string.
//
// # Digest sets and matching
//
// A [Set] is an in-toto DigestSet, the "digest" object of a statement
// subject: {"sha256": "…", "sha512": "…"}. [Set.Match] decides whether a
// claimed set describes an artifact whose digests were computed locally,
// and closes the downgrade attacks seen in other tools: only sha256, sha384
// and sha512 count (never sha1, md5 or gitCommit), every algorithm present
// on both sides must agree, and the strongest claimed algorithm must be
// among those checked. Values are compared whole and must be canonical.
//
//	claimed := digest.Set{"sha256": d.Hex()}
//	actual, _ := digest.SetFromFile("app.tar.gz", digest.SHA256)
//	if _, err := claimed.Match(actual); err != nil { /* not this artifact */ }
//
// Errors wrap [ErrMalformed], [ErrUnsupportedAlgorithm], [ErrMismatch] or
// [ErrNoAcceptedAlgorithm]; a mismatch is a [*MismatchError] with both
// values.
package digest
