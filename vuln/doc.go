// Package vuln checks SBOMs and Go binaries against OSV vulnerability
// records, offline, applies VEX, and reports what is left as an in-toto
// vulns attestation that policy can gate on.
//
// Open a database once: a directory of OSV records (the Go vulnerability
// database's data/osv), a zip as osv.dev publishes one per ecosystem, or
// the Go database's served layout (what govulncheck -db file:///DIR
// reads), whose records are read only as scans need them. Nothing is
// fetched, while loading or scanning:
//
//	db, err := vuln.Open("vulndb/data/osv")
//	defer db.Close()
//
// [Fetch] is the one step that uses the network, and only when called: it
// updates a local zip from a URL you give (https), checks its digest when
// you know it and every record before it replaces the old copy.
//
// Scan an SBOM the sbom package read or made, or a Go binary:
//
//	rep, err := db.ScanSBOM(doc, vuln.Options{})
//	rep, err := db.ScanBinary("bin/app", vuln.Options{})
//
// Each [Finding] is one vulnerability of one package: the records that
// match it, merged when they share an id or an alias (GO-2022-0969 and
// GHSA-69cg-p879-7622 are one finding), with the lowest version that
// fixes it and the severities computed from the records' CVSS v3 and v4
// vectors ([CVSS3Base], [CVSS4Score]), never copied from free text. For a Go binary, a finding
// also says whether the vulnerable functions the Go database names are
// linked into it ([SymbolCheck], read from the binary's function table
// as govulncheck's binary mode does): "module present, vulnerable code
// not linked" is a different risk from a linked one.
//
// Versions are ordered per ecosystem: Go module versions (pseudo-versions,
// +incompatible) and Go releases ("go1.21rc2") as the go command orders
// them, SemVer (npm, crates.io...), PEP 440 for PyPI (names normalised as
// PEP 503 says), dpkg's order for Debian and Ubuntu, Maven's
// ComparableVersion order, Gem::Version's for RubyGems, NuGet's, and
// apk's for Alpine. A package whose ecosystem's versions this package
// cannot order (RPM distributions, and any ecosystem not named here) is
// never reported as unaffected: it is in [Report.Unchecked]. Withdrawn records are ignored.
//
// VEX suppresses findings only from the documents you pass as
// [Options.TrustedVEX]: the predicates of attestations that verify
// checked, or documents of your own. A statement applies when it names
// the vulnerability (or an alias) and the artifact ([Options.Products],
// compared exactly) with the package among its subcomponents, or the
// package itself; the latest applicable statement wins; not_affected
// needs a justification or an impact statement unless
// [Options.AllowUnjustifiedUnsafe] says otherwise. Every suppression is in
// the report with its statement.
//
// Report it as a vulns predicate ([Report.Predicate]: sign it with the
// sign package, decide on it with policy.NoVulnsAtOrAbove), as SARIF
// ([Report.WriteSARIF]) or as text ([Report.WriteText]). examples/scan is
// the command-line form.
//
// # Untrusted input
//
// Records are parsed strictly (no duplicate or case-variant keys, valid
// UTF-8) and bounded: [MaxRecordBytes] each, [MaxRecords] and
// [MaxDatabaseBytes] for a database, every file's size checked before it
// is read and a zip entry read no further than the bound whatever its
// header claims. A record that does not parse fails the whole load
// ([ErrMalformed], naming the file): a database is never half-read.
//
// # Not done here
//
// CVSS v2 vectors are not computed (a finding rated only in v2 has no
// computed severity, which policy counts as at or above every level);
// ECOSYSTEM ranges of RPM distributions are not ordered;
// symbol tables of PE (Windows) binaries are not read. A CycloneDX VEX
// enters as the OpenVEX statements
// sbom.OpenVEXFromDocument makes of it (examples/scan -vex does this).
package vuln
