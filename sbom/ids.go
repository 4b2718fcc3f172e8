package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
)

var uuidRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// nameUUID returns an RFC 4122 name-based UUID (version 5 layout, SHA-256
// truncated) of b.
func nameUUID(b []byte) string {
	sum := sha256.Sum256(b)
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// contentUUID is a UUID derived from the document's content (everything
// but its namespace), so equal documents get equal serial numbers and
// namespaces, and different ones different.
func contentUUID(d *Document) string {
	c := *d
	c.Namespace = ""
	c.Format = Format{}
	b, err := json.Marshal(&c)
	if err != nil {
		b = []byte(d.Name)
	}
	return nameUUID(b)
}

// documentUUID returns the UUID the document's namespace carries, or one
// derived from it, or from the content when there is no namespace.
func documentUUID(d *Document) string {
	ns := d.Namespace
	switch {
	case ns == "":
		return contentUUID(d)
	case uuidRE.MatchString(ns):
		return strings.ToLower(uuidRE.FindString(ns))
	}
	return nameUUID([]byte(ns))
}

// cdxSerial returns the CycloneDX serial number of the document.
func cdxSerial(d *Document) string {
	return "urn:uuid:" + documentUUID(d)
}

// spdxNamespace returns the SPDX documentNamespace of the document.
func spdxNamespace(d *Document, name string) string {
	ns := d.Namespace
	if (strings.HasPrefix(ns, "https://") || strings.HasPrefix(ns, "http://")) && !strings.ContainsAny(ns, " #") {
		return ns
	}
	return "https://spdx.org/spdxdocs/" + sanitizeID(name) + "-" + documentUUID(d)
}
