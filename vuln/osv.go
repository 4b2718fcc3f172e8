package vuln

import (
	"errors"
	"fmt"
	"time"

	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// The errors of this package; match them with errors.Is.
var (
	// ErrMalformed: a record or database that does not parse, or breaks
	// the OSV schema's rules (no id, an unknown range type, an event
	// with no version).
	ErrMalformed = errors.New("malformed OSV data")
	// ErrTooLarge: a record, a database or one of its parts over a
	// bound.
	ErrTooLarge = errors.New("OSV data too large")
	// ErrInput: what was asked to be scanned cannot be read as an SBOM or
	// a Go binary.
	ErrInput = errors.New("unreadable scan input")
)

// Bounds of untrusted vulnerability data.
const (
	// MaxRecordBytes bounds one OSV record (the largest in the Go
	// vulnerability database is under 100 KiB; osv.dev's, under 2 MiB).
	MaxRecordBytes = 4 << 20
	// MaxRecords bounds the records of one database (osv.dev's largest
	// ecosystem, npm, has about 200,000).
	MaxRecords = 1_000_000
	// MaxDatabaseBytes bounds the total size of the records of one
	// database, read or unpacked.
	MaxDatabaseBytes = 4 << 30
	// maxArray bounds each array of a record (affected packages, events,
	// versions, symbols).
	maxArray = 100_000
	// maxElements bounds all arrays of a record together.
	maxElements = 400_000
)

// Record is an OSV record (https://ossf.github.io/osv-schema/, 1.x), the
// format of osv.dev, the Go vulnerability database and GitHub's
// advisories, with the fields a scan uses.
type Record struct {
	// SchemaVersion (schema_version) is the OSV schema version; empty
	// means 1.0.0.
	SchemaVersion string `json:"schema_version,omitempty"`
	// ID (id) names the record, e.g. "GO-2022-0969" or "GHSA-...".
	ID string `json:"id"`
	// Modified (modified) is when the record last changed.
	Modified time.Time `json:"modified"`
	// Published (published) is when it was first published; zero if
	// absent.
	Published time.Time `json:"published,omitzero"`
	// Withdrawn (withdrawn) is when it was withdrawn; nil for a record
	// in force. A scan ignores withdrawn records.
	Withdrawn *time.Time `json:"withdrawn,omitempty"`
	// Aliases (aliases) are other ids of the same vulnerability (CVE,
	// GHSA): a scan merges records that share one into one finding.
	Aliases []string `json:"aliases,omitempty"`
	// Related (related) are ids of related but different vulnerabilities.
	Related []string `json:"related,omitempty"`
	// Summary (summary) is a one-line description.
	Summary string `json:"summary,omitempty"`
	// Details (details) is the longer description, in Markdown.
	Details string `json:"details,omitempty"`
	// Severity (severity) rates the vulnerability, once per scoring
	// method.
	Severity []Severity `json:"severity,omitempty"`
	// Affected (affected) lists the affected packages and their versions.
	Affected []Affected `json:"affected,omitempty"`
	// References (references) are links about it.
	References []Reference `json:"references,omitempty"`
}

// Severity is one rating (severity[], affected[].severity[]).
type Severity struct {
	// Type (type) is "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu"...
	Type string `json:"type"`
	// Score (score) is the rating: for CVSS, the vector string.
	Score string `json:"score"`
}

// Affected is one affected package and its versions (affected[]).
type Affected struct {
	// Package (package) names it.
	Package Package `json:"package"`
	// Severity (severity) rates the vulnerability for this package.
	Severity []Severity `json:"severity,omitempty"`
	// Ranges (ranges) are the affected version ranges.
	Ranges []Range `json:"ranges,omitempty"`
	// Versions (versions) lists affected versions exactly.
	Versions []string `json:"versions,omitempty"`
	// EcosystemSpecific (ecosystem_specific) holds, for the Go
	// ecosystem, the vulnerable packages and symbols; nil if absent.
	EcosystemSpecific *GoSpecific `json:"ecosystem_specific,omitempty"`
}

// Package identifies a package in an ecosystem (affected[].package).
type Package struct {
	// Ecosystem (ecosystem) is the OSV ecosystem: "Go", "npm", "PyPI",
	// "Maven", "Debian:12"...
	Ecosystem string `json:"ecosystem"`
	// Name (name) is the package's name there: for Go the module path,
	// or "stdlib" and "toolchain".
	Name string `json:"name"`
	// PURL (purl) is the package URL, when the record gives one.
	PURL string `json:"purl,omitempty"`
}

// Range is one affected range (affected[].ranges[]): the versions from
// each introduced event up to the next fixed (excluded) or last_affected
// (included) event.
type Range struct {
	// Type (type) is "SEMVER", "ECOSYSTEM" or "GIT".
	Type string `json:"type"`
	// Repo (repo) is the repository of a GIT range.
	Repo string `json:"repo,omitempty"`
	// Events (events) are the range's boundaries.
	Events []Event `json:"events"`
}

// Event is one boundary of a range; exactly one field is set.
type Event struct {
	// Introduced (introduced): the first affected version; "0" for all
	// versions before the next fixed event.
	Introduced string `json:"introduced,omitempty"`
	// Fixed (fixed): the first version no longer affected.
	Fixed string `json:"fixed,omitempty"`
	// LastAffected (last_affected): the last affected version.
	LastAffected string `json:"last_affected,omitempty"`
	// Limit (limit): an upper bound for GIT ranges.
	Limit string `json:"limit,omitempty"`
}

// GoSpecific is the Go vulnerability database's ecosystem_specific: which
// packages of the module are vulnerable, and in which functions.
type GoSpecific struct {
	// Imports (imports) lists the vulnerable packages.
	Imports []GoImport `json:"imports,omitempty"`
}

// GoImport is one vulnerable package of a Go module.
type GoImport struct {
	// Path (path) is the package's import path.
	Path string `json:"path"`
	// GOOS and GOARCH (goos, goarch) restrict it to some platforms;
	// empty means all.
	GOOS   []string `json:"goos,omitempty"`
	GOARCH []string `json:"goarch,omitempty"`
	// Symbols (symbols) are the vulnerable functions and methods
	// ("Parse", "Server.Serve"); empty means the whole package.
	Symbols []string `json:"symbols,omitempty"`
}

// Reference is a link (references[]).
type Reference struct {
	// Type (type) is "ADVISORY", "FIX", "REPORT", "WEB"...
	Type string `json:"type"`
	// URL (url) is the link.
	URL string `json:"url"`
}

// ParseRecord reads one OSV record strictly (no duplicate or case-variant
// keys, valid UTF-8, bounded sizes) and checks the rules a scan relies
// on: an id, a known range type, events that each name one version, a
// first event that introduces. Unknown members are ignored, as the OSV
// schema allows.
func ParseRecord(data []byte) (*Record, error) {
	if len(data) > MaxRecordBytes {
		return nil, fmt.Errorf("%w: record of %d bytes, limit %d", ErrTooLarge, len(data), MaxRecordBytes)
	}
	var r Record
	if err := strictjson.UnmarshalWith(data, &r, strictjson.Options{MaxBytes: MaxRecordBytes, MaxArrayLen: maxArray, MaxElements: maxElements}); err != nil {
		if errors.Is(err, strictjson.ErrTooLarge) {
			return nil, fmt.Errorf("%w: %v", ErrTooLarge, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return &r, nil
}

func (r *Record) check() error {
	if r.ID == "" {
		return fmt.Errorf("%w: record without an id", ErrMalformed)
	}
	checkSev := func(where string, ss []Severity) error {
		for j, s := range ss {
			if s.Type == "" || s.Score == "" {
				return fmt.Errorf("%w: %s: %sseverity[%d] needs a type and a score", ErrMalformed, r.ID, where, j)
			}
		}
		return nil
	}
	if err := checkSev("", r.Severity); err != nil {
		return err
	}
	for i, a := range r.Affected {
		if err := checkSev(fmt.Sprintf("affected[%d].", i), a.Severity); err != nil {
			return err
		}
		if a.Package.Ecosystem == "" && a.Package.PURL == "" && len(a.Ranges) > 0 {
			return fmt.Errorf("%w: %s: affected[%d] names no package", ErrMalformed, r.ID, i)
		}
		for j, rg := range a.Ranges {
			switch rg.Type {
			case "SEMVER", "ECOSYSTEM", "GIT":
			default:
				return fmt.Errorf("%w: %s: affected[%d].ranges[%d]: type %q", ErrMalformed, r.ID, i, j, truncate(rg.Type))
			}
			for k, e := range rg.Events {
				n := 0
				for _, v := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
					if v != "" {
						n++
					}
				}
				if n != 1 {
					return fmt.Errorf("%w: %s: affected[%d].ranges[%d].events[%d] sets %d versions, want 1", ErrMalformed, r.ID, i, j, k, n)
				}
			}
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
