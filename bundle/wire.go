package bundle

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The wire types mirror the protobuf messages of the Sigstore bundle
// (protobuf-specs v0.5: sigstore_bundle.proto, sigstore_common.proto,
// sigstore_rekor.proto, envelope.proto) in their canonical protojson
// form: lowerCamelCase field names, bytes as base64, 64-bit integers as
// decimal strings, enums by name. Field order is the messages'
// declaration order, as protojson writes it, so MarshalJSON gives the
// bytes sigstore-go and cosign write (without protojson's randomized white
// space).
//
// Reading accepts what protojson accepts for these values (base64 with or
// without padding, standard or URL-safe; 64-bit integers as strings or
// numbers; null for an absent field), except the proto field names
// ("media_type"): the bundle specification's JSON form is lowerCamelCase,
// and every client writes it so.

type wireBundle struct {
	MediaType            string                `json:"mediaType,omitempty"`
	VerificationMaterial *wireMaterial         `json:"verificationMaterial,omitempty"`
	MessageSignature     *wireMessageSignature `json:"messageSignature,omitempty"`
	DSSEEnvelope         *wireEnvelope         `json:"dsseEnvelope,omitempty"`
}

type wireMaterial struct {
	PublicKey                 *wirePublicKey     `json:"publicKey,omitempty"`
	X509CertificateChain      *wireChain         `json:"x509CertificateChain,omitempty"`
	Certificate               *wireCertificate   `json:"certificate,omitempty"`
	TlogEntries               []wireTlogEntry    `json:"tlogEntries,omitempty"`
	TimestampVerificationData *wireTimestampData `json:"timestampVerificationData,omitempty"`
}

type wirePublicKey struct {
	Hint string `json:"hint,omitempty"`
}

type wireChain struct {
	Certificates []wireCertificate `json:"certificates,omitempty"`
}

type wireCertificate struct {
	RawBytes b64 `json:"rawBytes,omitempty"`
}

type wireTimestampData struct {
	RFC3161Timestamps []wireTimestamp `json:"rfc3161Timestamps,omitempty"`
}

type wireTimestamp struct {
	SignedTimestamp b64 `json:"signedTimestamp,omitempty"`
}

type wireTlogEntry struct {
	LogIndex          int64str         `json:"logIndex,omitempty"`
	LogID             *wireLogID       `json:"logId,omitempty"`
	KindVersion       *wireKindVersion `json:"kindVersion,omitempty"`
	IntegratedTime    int64str         `json:"integratedTime,omitempty"`
	InclusionPromise  *wirePromise     `json:"inclusionPromise,omitempty"`
	InclusionProof    *wireProof       `json:"inclusionProof,omitempty"`
	CanonicalizedBody b64              `json:"canonicalizedBody,omitempty"`
}

type wireLogID struct {
	KeyID b64 `json:"keyId,omitempty"`
}

type wireKindVersion struct {
	Kind    string `json:"kind,omitempty"`
	Version string `json:"version,omitempty"`
}

type wirePromise struct {
	SignedEntryTimestamp b64 `json:"signedEntryTimestamp,omitempty"`
}

type wireProof struct {
	LogIndex   int64str        `json:"logIndex,omitempty"`
	RootHash   b64             `json:"rootHash,omitempty"`
	TreeSize   int64str        `json:"treeSize,omitempty"`
	Hashes     []b64           `json:"hashes,omitempty"`
	Checkpoint *wireCheckpoint `json:"checkpoint,omitempty"`
}

type wireCheckpoint struct {
	Envelope string `json:"envelope,omitempty"`
}

type wireMessageSignature struct {
	MessageDigest *wireHashOutput `json:"messageDigest,omitempty"`
	Signature     b64             `json:"signature,omitempty"`
}

type wireHashOutput struct {
	Algorithm hashAlgorithm `json:"algorithm,omitempty"`
	Digest    b64           `json:"digest,omitempty"`
}

type wireEnvelope struct {
	Payload     b64             `json:"payload,omitempty"`
	PayloadType string          `json:"payloadType,omitempty"`
	Signatures  []wireSignature `json:"signatures,omitempty"`
}

type wireSignature struct {
	Sig   b64    `json:"sig,omitempty"`
	KeyID string `json:"keyid,omitempty"`
}

// b64 is a protobuf bytes field: base64 in JSON.
type b64 []byte

func (b b64) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(b))+2)
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, b)
	return append(out, '"'), nil
}

var errBase64 = errors.New("not base64")

func (b *b64) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*b = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	// protojson's rule: standard or URL-safe alphabet, padded or not.
	enc := base64.StdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.URLEncoding
	}
	if len(s)%4 != 0 {
		enc = enc.WithPadding(base64.NoPadding)
	}
	out, err := enc.DecodeString(s)
	if err != nil {
		return errBase64
	}
	*b = out
	return nil
}

// int64str is a protobuf int64 field: a decimal string in JSON (a number
// is read too).
type int64str int64

func (n int64str) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, strconv.FormatInt(int64(n), 10)), nil
}

func (n *int64str) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*n = 0
		return nil
	}
	s := string(data)
	if len(s) >= 2 && s[0] == '"' {
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not a 64-bit integer: %.40q", s)
	}
	*n = int64str(v)
	return nil
}

// hashAlgorithm is the HashAlgorithm enum of sigstore_common.proto, by
// name.
type hashAlgorithm string

// The enum's names and numbers.
var hashAlgorithms = map[string]int{
	"HASH_ALGORITHM_UNSPECIFIED": 0,
	"SHA2_256":                   1,
	"SHA2_384":                   2,
	"SHA2_512":                   3,
	"SHA3_256":                   4,
	"SHA3_384":                   5,
}

func (h *hashAlgorithm) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*h = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		if _, ok := hashAlgorithms[s]; !ok {
			return fmt.Errorf("unknown hash algorithm %.40q", s)
		}
		*h = hashAlgorithm(s)
		if s == "HASH_ALGORITHM_UNSPECIFIED" {
			*h = "" // the default value: omitted on output
		}
		return nil
	}
	v, err := strconv.Atoi(string(data))
	if err != nil {
		return fmt.Errorf("hash algorithm %.40s", data)
	}
	if v == 0 {
		*h = ""
		return nil
	}
	for name, n := range hashAlgorithms {
		if n == v {
			*h = hashAlgorithm(name)
			return nil
		}
	}
	return fmt.Errorf("unknown hash algorithm %d", v)
}

// MarshalJSON writes the name; the default value (UNSPECIFIED) is held
// as "" and omitted by omitempty.
func (h hashAlgorithm) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, string(h)), nil
}
