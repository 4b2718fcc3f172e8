// Package attest holds the formats of attestations: in-toto statements,
// their predicates, and DSSE envelopes. It parses and encodes; it does not
// sign (package sign) or verify (package verify).
//
// # Statements
//
// A [Statement] says that a predicate (provenance, an SBOM, a test result)
// is about some subjects, each named by its digests. The Go structs follow
// the in-toto v1 JSON field for field:
//
//	d, _ := digest.FromFile("app.tar.gz", digest.SHA256)
//	st, err := attest.NewPredicateStatement(&attest.ProvenanceV1{…}, attest.Subject("app.tar.gz", d))
//	payload, err := st.Marshal() // compact, deterministic
//
// [ParseStatement] is strict, because a signed statement must mean one
// thing to every reader: it rejects duplicate JSON keys ([ErrDuplicateKey]),
// keys that differ from a field only in case ([ErrKeyCase]), invalid UTF-8,
// trailing data, a _type other than in-toto v1 (or v0.1), an empty subject
// list ([ErrNoSubject]), malformed digest sets, and input beyond the limits
// (1024 subjects, 32 digests a subject, nesting depth 256). Unknown fields
// are ignored, as the spec requires. Every error wraps [ErrMalformed].
//
// # Predicates
//
// The predicate stays raw JSON in [Statement.Predicate] until asked for.
// Predicate type URIs map to Go types: [PredicateAs] decodes into the
// built-in type you name and fails with [ErrPredicateType] if the
// statement's predicateType belongs to another one, so asking for SLSA
// provenance never yields something else that merely parses.
//
//	prov, err := attest.PredicateAs[attest.ProvenanceV1](st)
//	if err != nil { /* wrong type, missing, or invalid: never skipped */ }
//	fmt.Println(prov.RunDetails.Builder.ID)
//
// Built-in types: [ProvenanceV1], [ProvenanceV02] (read), [VSA],
// [SPDXDocument], [CycloneDXBOM], [TestResult], [Vulns] and [OpenVEX].
// Matching follows the version in the URI: a type registered for
// ".../v1" decodes ".../v1.1" too; below 1.0 the minor version must match.
//
// For types of your own, make a registry: [DefaultPredicates] returns a
// new [Predicates] holding the built-in types, [Register] adds a type to
// it and [Predicates.Decode] decodes with it. There is no global
// registry: what one library registers changes nothing for another, nor
// for [PredicateAs] and [DecodePredicate], which know the built-in types
// only.
//
//	preds := attest.DefaultPredicates()
//	err := attest.Register[MyPredicate](preds, "https://example.com/my-predicate/v1")
//	v, err := preds.Decode(st) // a *MyPredicate for a ".../my-predicate/v1.x" statement
//
// # DSSE envelopes
//
// An [Envelope] carries a payload, its type and signatures over
// [PAE](payloadType, payload). Fields are held decoded; [ParseEnvelope]
// accepts both base64 alphabets (as the DSSE spec requires) but no
// ambiguous encodings, and bounds sizes and the signature count before
// anything else is done. Only the decoded bytes are used afterwards.
package attest
