package sbom

import (
	"fmt"
	"strings"
)

// Family is an SBOM standard.
type Family string

// Families.
const (
	CycloneDX Family = "CycloneDX"
	SPDX      Family = "SPDX"
)

// Encoding is a serialization of a family.
type Encoding string

// Encodings.
const (
	JSON     Encoding = "json"
	XML      Encoding = "xml"
	TagValue Encoding = "tag-value"
	YAML     Encoding = "yaml"
	JSONLD   Encoding = "json-ld"
)

// Format is a family, a spec version and an encoding, e.g. CycloneDX 1.6
// JSON. The zero Format means "unknown".
type Format struct {
	Family   Family
	Version  string // "1.6", "2.3", "3.0.1"
	Encoding Encoding
}

// Formats this package writes. It reads these and also CycloneDX 1.2 to
// 1.7 JSON and XML, SPDX 2.1 and 2.2 JSON, tag-value and YAML, SPDX 2.3
// YAML, and SPDX 3.0 JSON-LD.
var (
	CycloneDX14JSON = Format{CycloneDX, "1.4", JSON}
	CycloneDX15JSON = Format{CycloneDX, "1.5", JSON}
	CycloneDX16JSON = Format{CycloneDX, "1.6", JSON}
	CycloneDX17JSON = Format{CycloneDX, "1.7", JSON}
	CycloneDX14XML  = Format{CycloneDX, "1.4", XML}
	CycloneDX15XML  = Format{CycloneDX, "1.5", XML}
	CycloneDX16XML  = Format{CycloneDX, "1.6", XML}
	CycloneDX17XML  = Format{CycloneDX, "1.7", XML}
	SPDX23JSON      = Format{SPDX, "2.3", JSON}
	SPDX23TagValue  = Format{SPDX, "2.3", TagValue}
)

// String returns the format's name as ParseFormat reads it, e.g.
// "cyclonedx-json@1.6" or "spdx-tv@2.3".
func (f Format) String() string {
	if f == (Format{}) {
		return "unknown"
	}
	enc := string(f.Encoding)
	if f.Encoding == TagValue {
		enc = "tv"
	}
	return strings.ToLower(string(f.Family)) + "-" + enc + "@" + f.Version
}

// MediaType returns the IANA media type of the format.
func (f Format) MediaType() string {
	switch {
	case f.Family == CycloneDX && f.Encoding == JSON:
		return "application/vnd.cyclonedx+json"
	case f.Family == CycloneDX && f.Encoding == XML:
		return "application/vnd.cyclonedx+xml"
	case f.Family == SPDX && f.Encoding == JSON:
		return "application/spdx+json"
	case f.Family == SPDX && f.Encoding == TagValue:
		return "text/spdx"
	case f.Family == SPDX && f.Encoding == JSONLD:
		return "application/spdx+json"
	}
	return "application/octet-stream"
}

// Writable reports whether Encode can write the format.
func (f Format) Writable() bool {
	switch f.Family {
	case CycloneDX:
		return (f.Encoding == JSON || f.Encoding == XML) && cdxVersion(f.Version) != 0
	case SPDX:
		return f.Version == "2.3" && (f.Encoding == JSON || f.Encoding == TagValue)
	}
	return false
}

// ParseFormat reads a format name: "cyclonedx-json", "cyclonedx-xml",
// "spdx-json", "spdx-tv" (or "spdx-tag-value"), optionally with "@version"
// ("cyclonedx-json@1.5"). Without a version CycloneDX means 1.6 and SPDX
// 2.3. Only writable formats are accepted.
func ParseFormat(name string) (Format, error) {
	base, ver, _ := strings.Cut(strings.ToLower(strings.TrimSpace(name)), "@")
	var f Format
	switch base {
	case "cyclonedx-json", "cdx-json", "cyclonedx":
		f = Format{CycloneDX, "1.6", JSON}
	case "cyclonedx-xml", "cdx-xml":
		f = Format{CycloneDX, "1.6", XML}
	case "spdx-json", "spdx":
		f = Format{SPDX, "2.3", JSON}
	case "spdx-tv", "spdx-tag-value", "spdx-tagvalue":
		f = Format{SPDX, "2.3", TagValue}
	default:
		return Format{}, fmt.Errorf("%w: unknown format %q", ErrUnsupportedFormat, truncate(name))
	}
	if ver != "" {
		f.Version = ver
	}
	if !f.Writable() {
		return Format{}, fmt.Errorf("%w: cannot write %s", ErrUnsupportedFormat, f)
	}
	return f, nil
}
