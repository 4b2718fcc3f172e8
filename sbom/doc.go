// Package sbom makes, reads, checks, converts, merges and compares
// software bills of materials, with Go modules and binaries first in mind.
//
// # The model
//
// Every format decodes to a [Document]: its [Component]s (a Go module,
// the standard library, an application, a file...), the [Edge]s between
// them (depends on, contains, ...), and facts about each: version,
// package URL, CPEs, hashes of files (for a Go module, the SHA-256 of
// its module zip, where the module cache has it; go.sum's "h1:" is not a
// hash of a file but of Go's dirhash summary, so it is [Component.GoH1],
// a property in CycloneDX and an annotation in SPDX, never a hash
// labelled SHA-256; [H1Hex] gives in-toto's goModuleH1 form), and
// [License]s kept apart by source: declared by the authors, concluded by
// a reviewer, or detected in the module's files with a confidence.
// Detected licenses are
// written where consumers read them: with nothing declared, as the
// component's declared license (CycloneDX components[].licenses, with
// acknowledgement "declared" from 1.6 on; SPDX licenseDeclared), the
// module's license file being its authors' declaration, and with their
// file and confidence in CycloneDX evidence.licenses (SPDX annotations).
// Decoding gives back the detected licenses, not a declared copy.
//
// # Generating
//
// [FromModule] describes a Go module directory. [ModeModule] (the
// default) lists the selected build list with its module graph, with
// go.sum's h1 for each module, the SHA-256 of its zip and its licenses
// detected offline, both from the module cache:
//
//	doc, err := sbom.FromModule(ctx, ".")
//
// Module versions are immutable, so the licenses detected in each and
// the digest of its zip can be kept between runs: [WithCache] names a
// directory for them (the package picks none itself), and a repeated SBOM
// of the same build list then costs about what `go list` does.
//
// [ModePackages] lists exactly the modules linked into some main packages
// for a GOOS/GOARCH and build tags, with edges from package imports:
//
//	doc, err := sbom.FromModule(ctx, ".", sbom.WithMain("./cmd/app"), sbom.WithBuildContext("linux", "arm64"))
//
// [FromBinary] reads what the Go linker embedded in an executable,
// [Self] the running program's own build information. The main module's
// version is never "(devel)" when a tag, a VCS stamp, -ldflags -X or
// [WithMainVersion] says better; a directory outside git is no error.
// Output is deterministic: the creation time comes from [WithTime], else
// the VCS, never the clock or the environment (a program honouring
// SOURCE_DATE_EPOCH reads it and passes [WithTime]). SPDX 2.3 output of
// a document without a creation time says the Unix epoch.
//
// # Reading, writing, converting
//
// [Decode] reads CycloneDX 1.2-1.7 JSON and XML, SPDX 2.1-2.3 JSON,
// tag-value and YAML, and SPDX 3.0 JSON-LD, detecting the format
// ([Detect]). [Encode] writes CycloneDX 1.4-1.7 JSON and XML and SPDX 2.3
// JSON and tag-value, and returns a [LossReport] of what the target
// cannot carry. What the model does not hold is kept for a re-encode in
// the same family, so CycloneDX -> Document -> CycloneDX and SPDX ->
// Document -> SPDX keep it; a change of family reports it as lost.
//
//	d, err := sbom.Decode(r)
//	loss, err := sbom.Encode(w, d, sbom.SPDX23JSON)
//
// # Checking
//
// [Validate] checks a document against the official JSON schema of its
// format and version (embedded; format assertions on; nothing fetched),
// then semantics no schema expresses: unique references, no dangling
// dependency, package URL syntax ([ParsePURL]), SPDX license expressions
// ([ValidateLicenseExpression]), cycles; and, with
// [ValidateOptions].NTIA, the NTIA minimum elements.
//
// # Operations
//
// [Merge] combines documents (deduplicating by package URL, then hash);
// [Diff] reports added, removed and changed components (version, license,
// hash). [DecodeOpenVEX], [EncodeOpenVEX], [OpenVEXFromDocument] and
// [ApplyOpenVEX] move VEX statements between OpenVEX (the
// attest.OpenVEX predicate) and CycloneDX vulnerabilities. [Statement]
// wraps an SBOM in an in-toto statement for signing.
//
// # Untrusted input
//
// Decoding is bounded: at most 100 MiB (read no further), nesting depth
// 256, 150,000 elements per array and 1,500,000 in all (the largest
// documents these let through decode within 256 MiB), no XML DOCTYPE (so no entity expansion
// and no external DTD), graph walks without recursion. Bad input gets an
// error wrapping [ErrMalformed] (and [ErrTooLarge] for a limit), never a
// panic.
package sbom
