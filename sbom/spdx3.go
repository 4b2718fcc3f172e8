package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// spdx3Element is the part of an SPDX 3 JSON-LD graph element this package
// reads. SPDX 3 support is read-only: documents decode into the model (and
// so convert to CycloneDX or SPDX 2.3) but are not written.
type spdx3Element struct {
	Type         string          `json:"type"`
	SPDXID       string          `json:"spdxId"`
	ID           string          `json:"@id"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Comment      string          `json:"comment"`
	CreationInfo json.RawMessage `json:"creationInfo"`
	// CreationInfo
	Created      string   `json:"created"`
	CreatedBy    []string `json:"createdBy"`
	CreatedUsing []string `json:"createdUsing"`
	// SpdxDocument, Sbom, Bom
	RootElement []string `json:"rootElement"`
	// packages and files
	Version       string `json:"software_packageVersion"`
	PURL          string `json:"software_packageUrl"`
	DownloadURL   string `json:"software_downloadLocation"`
	Homepage      string `json:"software_homePage"`
	Copyright     string `json:"software_copyrightText"`
	PrimaryPurpos string `json:"software_primaryPurpose"`
	SuppliedBy    string `json:"suppliedBy"`
	OriginatedBy  []string
	Originated    json.RawMessage `json:"originatedBy"`
	VerifiedUsing []struct {
		Type      string `json:"type"`
		Algorithm string `json:"algorithm"`
		HashValue string `json:"hashValue"`
	} `json:"verifiedUsing"`
	ExternalIdentifier []struct {
		Type       string `json:"externalIdentifierType"`
		Identifier string `json:"identifier"`
	} `json:"externalIdentifier"`
	// Relationship
	From             string          `json:"from"`
	To               json.RawMessage `json:"to"`
	RelationshipType string          `json:"relationshipType"`
	// licenses
	LicenseExpression string `json:"simplelicensing_licenseExpression"`
}

func (e *spdx3Element) key() string {
	if e.SPDXID != "" {
		return e.SPDXID
	}
	return e.ID
}

func stringOrList(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return nil
}

func decodeSPDX3(data []byte) (*Document, error) {
	var top struct {
		Context json.RawMessage   `json:"@context"`
		Graph   []json.RawMessage `json:"@graph"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, malformed("SPDX 3 JSON-LD", err)
	}
	if top.Graph == nil {
		return nil, malformedf("SPDX 3 JSON-LD without @graph")
	}
	if len(top.Graph) > maxComponentsLimit*8 {
		return nil, tooLarge("SPDX 3 graph with more than %d elements", maxComponentsLimit*8)
	}
	d := &Document{}
	els := make(map[string]*spdx3Element, len(top.Graph))
	raws := make(map[string]json.RawMessage, len(top.Graph))
	graph := make([]spdx3Element, 0, len(top.Graph))
	for i, raw := range top.Graph {
		var e spdx3Element
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, malformed(fmt.Sprintf("SPDX 3 @graph[%d]", i), err)
		}
		e.OriginatedBy = stringOrList(e.Originated)
		if k := e.key(); k != "" {
			if old, dup := raws[k]; dup {
				// JSON-LD merges nodes with the same id; an identical
				// repetition is harmless, a different one ambiguous.
				if bytes.Equal(old, raw) {
					continue
				}
				return nil, malformedf("SPDX 3 element id %q defined twice, differently", truncate(k))
			}
			raws[k] = raw
		}
		graph = append(graph, e)
	}
	for i := range graph {
		if k := graph[i].key(); k != "" {
			els[k] = &graph[i]
		}
	}
	name := func(id string) string {
		if e := els[id]; e != nil && e.Name != "" {
			return e.Name
		}
		return id
	}
	license := func(id string) (string, bool) {
		e := els[id]
		switch {
		case e != nil && e.LicenseExpression != "":
			return e.LicenseExpression, true
		case strings.HasPrefix(id, "https://spdx.org/licenses/"):
			return strings.TrimPrefix(id, "https://spdx.org/licenses/"), true
		case e != nil && e.Type == "expandedlicensing_CustomLicense":
			return "LicenseRef-" + sanitizeID(e.Name), true
		}
		return "", false
	}
	var docEl *spdx3Element
	byID := map[string]*Component{}
	for i := range graph {
		e := &graph[i]
		switch e.Type {
		case "SpdxDocument":
			if docEl == nil {
				docEl = e
			}
		case "CreationInfo":
			if t, err := time.Parse(time.RFC3339, e.Created); err == nil && d.Created.IsZero() {
				d.Created = t.UTC()
				for _, id := range e.CreatedUsing {
					d.Tools = append(d.Tools, parseToolCreator(name(id)))
				}
				for _, id := range e.CreatedBy {
					a := els[id]
					p := Party{Name: name(id)}
					p.Organization = a != nil && a.Type == "Organization"
					d.Authors = append(d.Authors, p)
				}
			}
		case "software_Package", "ai_AIPackage", "dataset_DatasetPackage", "software_File":
			if len(d.Components) >= maxComponentsLimit {
				return nil, tooLarge("more than %d components", maxComponentsLimit)
			}
			c := &Component{
				ID:          e.key(),
				Name:        e.Name,
				Version:     e.Version,
				Description: e.Description,
				PURL:        e.PURL,
				DownloadURL: noAssert(e.DownloadURL),
				Homepage:    e.Homepage,
				Copyright:   noAssert(e.Copyright),
			}
			switch {
			case e.Type == "software_File":
				c.Kind = KindFile
			case e.Type == "ai_AIPackage":
				c.Kind = KindMachineLearning
			case e.Type == "dataset_DatasetPackage":
				c.Kind = KindData
			default:
				if k, ok := spdxPurpose[strings.ToUpper(e.PrimaryPurpos)]; ok {
					c.Kind = k
				}
			}
			for _, h := range e.VerifiedUsing {
				if h.Type == "Hash" {
					c.Hashes = append(c.Hashes, Hash{Algorithm: hashFromSPDX3(h.Algorithm), Value: strings.ToLower(h.HashValue)})
				}
			}
			for _, x := range e.ExternalIdentifier {
				switch x.Type {
				case "cpe23", "cpe22":
					c.CPEs = append(c.CPEs, x.Identifier)
				case "packageUrl":
					if c.PURL == "" {
						c.PURL = x.Identifier
					}
				default:
					c.ExternalRefs = append(c.ExternalRefs, ExternalRef{Type: x.Type, URL: x.Identifier})
				}
			}
			if e.SuppliedBy != "" {
				c.Supplier = &Party{Name: name(e.SuppliedBy), Organization: els[e.SuppliedBy] != nil && els[e.SuppliedBy].Type == "Organization"}
			}
			for _, o := range e.OriginatedBy {
				c.Authors = append(c.Authors, Party{Name: name(o), Organization: els[o] != nil && els[o].Type == "Organization"})
			}
			d.Components = append(d.Components, c)
			byID[c.ID] = c
		}
	}
	if docEl == nil {
		return nil, malformedf("SPDX 3 graph without an SpdxDocument element")
	}
	d.Name = docEl.Name
	d.Namespace = docEl.key()
	d.Comment = docEl.Comment
	var roots []string
	for _, r := range docEl.RootElement {
		if e := els[r]; e != nil && (e.Type == "software_Sbom" || e.Type == "Bom") {
			roots = append(roots, e.RootElement...)
			continue
		}
		roots = append(roots, r)
	}
	for _, r := range roots {
		if byID[r] != nil {
			d.Describes = append(d.Describes, r)
		}
	}
	for i := range graph {
		e := &graph[i]
		if e.Type != "Relationship" && e.Type != "LifecycleScopedRelationship" {
			continue
		}
		for _, to := range stringOrList(e.To) {
			switch e.RelationshipType {
			case "hasDeclaredLicense", "hasConcludedLicense":
				c := byID[e.From]
				expr, ok := license(to)
				if c == nil || !ok || expr == noAssertion || expr == spdxNone {
					continue
				}
				src := LicenseDeclared
				if e.RelationshipType == "hasConcludedLicense" {
					src = LicenseConcluded
				}
				c.Licenses = append(c.Licenses, License{Expression: expr, Source: src})
			case "dependsOn":
				d.Edges = append(d.Edges, Edge{e.From, to, EdgeDependsOn})
			case "contains":
				d.Edges = append(d.Edges, Edge{e.From, to, EdgeContains})
			case "describes":
				if els[e.From] != nil && (els[e.From].Type == "SpdxDocument" || els[e.From].Type == "software_Sbom") {
					if byID[to] != nil {
						d.Describes = append(d.Describes, to)
					}
					continue
				}
				d.Edges = append(d.Edges, Edge{e.From, to, "DESCRIBES"})
			default:
				if byID[e.From] != nil || byID[to] != nil {
					d.Edges = append(d.Edges, Edge{e.From, to, EdgeKind(strings.ToUpper(camelToSnake(e.RelationshipType)))})
				}
			}
		}
	}
	return d, nil
}

func hashFromSPDX3(a string) string {
	switch strings.ToLower(a) {
	case "sha1":
		return SHA1
	case "sha256":
		return SHA256
	case "sha384":
		return SHA384
	case "sha512":
		return SHA512
	case "md5":
		return MD5
	}
	return strings.ToUpper(a)
}

func camelToSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return b.String()
}
