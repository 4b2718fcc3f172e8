package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/errs"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Media types of the bundle versions this package reads. New bundles are
// always MediaTypeV03.
const (
	MediaTypeV01 = "application/vnd.dev.sigstore.bundle+json;version=0.1"
	MediaTypeV02 = "application/vnd.dev.sigstore.bundle+json;version=0.2"
	MediaTypeV03 = "application/vnd.dev.sigstore.bundle.v0.3+json"
)

// maxArrayLen bounds every JSON array of a bundle before it is decoded.
// The longest legitimate one is an inclusion proof (at most 64 hashes for
// a tree of 2^64 leaves); tlog entries and timestamps are capped lower
// after decoding.
const maxArrayLen = 64

// Errors. Every parse error wraps ErrMalformed; an unknown or unsupported
// version wraps ErrUnsupportedVersion as well.
var (
	ErrMalformed          = errors.New("bundle: malformed")
	ErrUnsupportedVersion = errors.New("bundle: unsupported version")
	// ErrNoSuchContent: asking for a DSSE envelope of a message-signature
	// bundle, or the reverse.
	ErrNoSuchContent = errors.New("bundle: no such content")
)

// Bundle is a parsed, structurally valid Sigstore bundle (v0.1 to v0.3).
// It is immutable: accessors return copies.
type Bundle struct {
	sg *sgbundle.Bundle
}

// Parse decodes a JSON Sigstore bundle strictly: at most
// limits.MaxEnvelopeBytes, no duplicate keys, valid UTF-8, no array longer
// than 64 elements, no unknown fields, a known media type, at most
// limits.MaxTlogEntries log entries and limits.MaxTimestamps timestamps,
// exactly one DSSE signature, and on every log entry the proof its version
// requires (an inclusion promise in v0.1, an inclusion proof from v0.2).
// The verification material must fit the declared version: a certificate
// chain (or a public key) up to v0.2, a single certificate (or a public
// key) in v0.3. Then it applies sigstore-go's structural rules.
//
// Parse checks structure only; nothing is verified.
func Parse(data []byte) (*Bundle, error) {
	if err := strictjson.CheckWith(data, nil, strictjson.Options{MaxBytes: limits.MaxEnvelopeBytes, MaxArrayLen: maxArrayLen}); err != nil {
		return nil, errs.Wrap(ErrMalformed, err)
	}
	pb := new(protobundle.Bundle)
	if err := protojson.Unmarshal(data, pb); err != nil {
		return nil, errs.Wrap(ErrMalformed, err)
	}
	return wrap(pb) // pb is ours: no copy needed
}

// New validates a protobuf bundle and wraps a copy of it.
func New(pb *protobundle.Bundle) (*Bundle, error) {
	if pb == nil {
		return nil, fmt.Errorf("%w: nil bundle", ErrMalformed)
	}
	return wrap(proto.Clone(pb).(*protobundle.Bundle))
}

// wrap validates pb, which the caller no longer uses, and wraps it.
func wrap(pb *protobundle.Bundle) (*Bundle, error) {
	if !knownMediaType(pb.GetMediaType()) {
		return nil, fmt.Errorf("%w: %w: media type %q", ErrMalformed, ErrUnsupportedVersion, truncate(pb.GetMediaType()))
	}
	if err := checkCounts(pb); err != nil {
		return nil, err
	}
	if err := checkEntries(pb); err != nil {
		return nil, err
	}
	if err := checkMaterial(pb); err != nil {
		return nil, err
	}
	sg, err := sgbundle.NewBundle(pb)
	if err != nil {
		if errors.Is(err, sgbundle.ErrUnsupportedMediaType) {
			return nil, fmt.Errorf("%w: %w: %v", ErrMalformed, ErrUnsupportedVersion, err)
		}
		return nil, errs.Wrap(ErrMalformed, err)
	}
	// sgbundle.NewBundle has parsed every tlog entry (its validate calls
	// TlogEntries and returns the error), so they are not parsed again.
	return &Bundle{sg: sg}, nil
}

// mediaTypeV03Alt is the v0.3 media type in the older form, which
// sigstore-go also reads.
const mediaTypeV03Alt = "application/vnd.dev.sigstore.bundle+json;version=0.3"

// knownMediaType reports whether mt names a bundle version this package
// knows. sigstore-go takes any semver-shaped version from v0.1 to below
// v0.4 ("...bundle.v0.3.7+json"); a version nobody has specified is
// refused here instead (SECURITY.md C33).
func knownMediaType(mt string) bool {
	switch mt {
	case MediaTypeV01, MediaTypeV02, MediaTypeV03, mediaTypeV03Alt:
		return true
	}
	return false
}

// checkEntries applies the per-version proof rules to every log entry:
// from v0.2 each entry needs an inclusion proof, in v0.1 each needs an
// inclusion promise. sigstore-go checks only that some entry has one,
// which would let a second, unproven entry ride along (SECURITY.md C32).
func checkEntries(pb *protobundle.Bundle) error {
	v01 := pb.GetMediaType() == MediaTypeV01
	for i, e := range pb.GetVerificationMaterial().GetTlogEntries() {
		switch {
		case v01 && e.GetInclusionPromise() == nil:
			return fmt.Errorf("%w: tlog entry %d has no inclusion promise (required in v0.1)", ErrMalformed, i)
		case !v01 && e.GetInclusionProof() == nil:
			return fmt.Errorf("%w: tlog entry %d has no inclusion proof (required from v0.2)", ErrMalformed, i)
		}
	}
	return nil
}

// declaredVersion returns the version a known media type declares
// ("v0.1", "v0.2", "v0.3"), or "" for an unknown one.
func declaredVersion(mt string) string {
	switch mt {
	case MediaTypeV01:
		return "v0.1"
	case MediaTypeV02:
		return "v0.2"
	case MediaTypeV03, mediaTypeV03Alt:
		return "v0.3"
	}
	return ""
}

// checkMaterial requires the verification material to fit the declared
// version: v0.1 and v0.2 carry an x509CertificateChain or a publicKey,
// v0.3 a single certificate or a publicKey. A v0.3-only field in a bundle
// declaring an older version (or the reverse) is malformed: the version
// decides the proof rules, so it must not be relabelled.
func checkMaterial(pb *protobundle.Bundle) error {
	vm := pb.GetVerificationMaterial()
	switch v := declaredVersion(pb.GetMediaType()); {
	case v == "v0.1" || v == "v0.2":
		if vm.GetCertificate() != nil {
			return fmt.Errorf("%w: verificationMaterial.certificate needs bundle v0.3, the bundle declares %s", ErrMalformed, v)
		}
	case v == "v0.3":
		if vm.GetX509CertificateChain() != nil {
			return fmt.Errorf("%w: verificationMaterial.x509CertificateChain needs bundle v0.1 or v0.2, the bundle declares %s (use certificate)", ErrMalformed, v)
		}
	}
	return nil
}

func checkCounts(pb *protobundle.Bundle) error {
	vm := pb.GetVerificationMaterial()
	if n := len(vm.GetTlogEntries()); n > limits.MaxTlogEntries {
		return fmt.Errorf("%w: %d tlog entries, limit %d", ErrMalformed, n, limits.MaxTlogEntries)
	}
	if n := len(vm.GetTimestampVerificationData().GetRfc3161Timestamps()); n > limits.MaxTimestamps {
		return fmt.Errorf("%w: %d timestamps, limit %d", ErrMalformed, n, limits.MaxTimestamps)
	}
	if env := pb.GetDsseEnvelope(); env != nil {
		if n := len(env.GetSignatures()); n != 1 {
			return fmt.Errorf("%w: DSSE envelope in a bundle must have exactly one signature, has %d", ErrMalformed, n)
		}
		if env.GetPayloadType() == "" {
			return fmt.Errorf("%w: DSSE envelope has an empty payloadType", ErrMalformed)
		}
	}
	if ms := pb.GetMessageSignature(); ms != nil && len(ms.GetSignature()) == 0 {
		return fmt.Errorf("%w: message signature is empty", ErrMalformed)
	}
	return nil
}

// MarshalJSON returns the bundle's canonical JSON: protojson field names,
// compact, and the same bytes for the same bundle (protojson's randomized
// white space is normalized away).
func (b *Bundle) MarshalJSON() ([]byte, error) {
	pb := b.pb()
	if pb == nil {
		return nil, errZero
	}
	raw, err := protojson.Marshal(pb)
	if err != nil {
		return nil, fmt.Errorf("bundle: encoding: %w", err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("bundle: encoding: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalJSON implements json.Unmarshaler with the rules of Parse.
func (b *Bundle) UnmarshalJSON(data []byte) error {
	v, err := Parse(data)
	if err != nil {
		return err
	}
	*b = *v
	return nil
}

// errZero is the error of a zero (or nil) Bundle, which holds nothing:
// every accessor treats it as empty, and every method that returns an
// error returns this one.
var errZero = fmt.Errorf("%w: zero Bundle; use Parse or New", ErrMalformed)

// pb returns the protobuf message, or nil for a zero or nil Bundle.
func (b *Bundle) pb() *protobundle.Bundle {
	if b == nil || b.sg == nil {
		return nil
	}
	return b.sg.Bundle
}

// Valid reports whether b was made by Parse or New; the zero Bundle is
// not valid, and its accessors return zero values.
func (b *Bundle) Valid() bool { return b.pb() != nil }

// MediaType returns the bundle's media type.
func (b *Bundle) MediaType() string { return b.pb().GetMediaType() }

// Version returns the bundle version, e.g. "v0.3".
func (b *Bundle) Version() string {
	if !b.Valid() {
		return ""
	}
	v, _ := b.sg.Version() // validated by New
	return v
}

// Proto returns a copy of the bundle as its protobuf message (nil for the
// zero Bundle).
func (b *Bundle) Proto() *protobundle.Bundle {
	if !b.Valid() {
		return nil
	}
	return proto.Clone(b.sg.Bundle).(*protobundle.Bundle)
}

// SigstoreGo returns the bundle as sigstore-go's type, for use with
// sigstore-go's verifier (nil for the zero Bundle). The caller must not
// modify it.
func (b *Bundle) SigstoreGo() *sgbundle.Bundle {
	if !b.Valid() {
		return nil
	}
	return b.sg
}

// IsDSSE reports whether the bundle carries a DSSE envelope (otherwise it
// carries a message signature).
func (b *Bundle) IsDSSE() bool { return b.pb().GetDsseEnvelope() != nil }

// Envelope returns a copy of the bundle's DSSE envelope.
func (b *Bundle) Envelope() (*attest.Envelope, error) {
	if !b.Valid() {
		return nil, errZero
	}
	env := b.sg.GetDsseEnvelope()
	if env == nil {
		return nil, fmt.Errorf("%w: the bundle holds a message signature, not a DSSE envelope", ErrNoSuchContent)
	}
	out := &attest.Envelope{PayloadType: env.GetPayloadType(), Payload: bytes.Clone(env.GetPayload())}
	for _, s := range env.GetSignatures() {
		out.Signatures = append(out.Signatures, attest.Signature{KeyID: s.GetKeyid(), Sig: bytes.Clone(s.GetSig())})
	}
	return out, nil
}

// MessageSignature is a signature over an artifact's bytes, with the
// artifact's digest as the signer stated it. The digest is a hint: a
// verifier computes the artifact's digest itself and compares.
type MessageSignature struct {
	Digest    digest.Digest
	Signature []byte
}

// MessageSignature returns the bundle's message signature.
func (b *Bundle) MessageSignature() (*MessageSignature, error) {
	if !b.Valid() {
		return nil, errZero
	}
	ms := b.sg.GetMessageSignature()
	if ms == nil {
		return nil, fmt.Errorf("%w: the bundle holds a DSSE envelope, not a message signature", ErrNoSuchContent)
	}
	out := &MessageSignature{Signature: bytes.Clone(ms.GetSignature())}
	if md := ms.GetMessageDigest(); md != nil {
		alg, ok := fromProtoHash(md.GetAlgorithm())
		if !ok {
			return nil, fmt.Errorf("%w: message digest algorithm %v", ErrMalformed, md.GetAlgorithm())
		}
		d, err := digest.New(alg, md.GetDigest())
		if err != nil {
			return nil, fmt.Errorf("%w: message digest: %v", ErrMalformed, err)
		}
		out.Digest = d
	}
	return out, nil
}

// PublicKeyHint returns the key hint of a key-signed bundle. ok is false
// for bundles verified by certificate.
func (b *Bundle) PublicKeyHint() (hint string, ok bool) {
	pk := b.pb().GetVerificationMaterial().GetPublicKey()
	if pk == nil {
		return "", false
	}
	return pk.GetHint(), true
}

// HasCertificate reports whether the bundle's verification material is an
// X.509 certificate or chain.
func (b *Bundle) HasCertificate() bool {
	vm := b.pb().GetVerificationMaterial()
	return vm.GetCertificate() != nil || vm.GetX509CertificateChain() != nil
}

// TlogEntryCount returns the number of transparency log entries.
func (b *Bundle) TlogEntryCount() int { return len(b.pb().GetVerificationMaterial().GetTlogEntries()) }

// TimestampCount returns the number of RFC 3161 timestamps.
func (b *Bundle) TimestampCount() int {
	return len(b.pb().GetVerificationMaterial().GetTimestampVerificationData().GetRfc3161Timestamps())
}

// FromEnvelope returns a v0.3 bundle holding env, which must have exactly
// one signature, for verification with the public key that keyHint names.
//
// The signature's keyid is dropped: in a bundle the verification material
// names the key, and the DSSE verifier of sigstore-go and cosign
// (go-securesystemslib's) skips a signature whose keyid differs from the
// id it computes for the key, so a keyid there would make the bundle
// unverifiable by them. The keyid is not signed; nothing else changes.
func FromEnvelope(env *attest.Envelope, keyHint string) (*Bundle, error) {
	if env == nil {
		return nil, fmt.Errorf("%w: nil envelope", ErrMalformed)
	}
	pe := &protodsse.Envelope{Payload: bytes.Clone(env.Payload), PayloadType: env.PayloadType}
	for _, s := range env.Signatures {
		pe.Signatures = append(pe.Signatures, &protodsse.Signature{Sig: bytes.Clone(s.Sig)})
	}
	return New(&protobundle.Bundle{
		MediaType:            MediaTypeV03,
		VerificationMaterial: keyMaterial(keyHint),
		Content:              &protobundle.Bundle_DsseEnvelope{DsseEnvelope: pe},
	})
}

// FromMessageSignature returns a v0.3 bundle holding a signature over an
// artifact whose digest is d, for verification with the public key that
// keyHint names.
func FromMessageSignature(d digest.Digest, sig []byte, keyHint string) (*Bundle, error) {
	alg, ok := toProtoHash(d.Algorithm())
	if !ok {
		return nil, fmt.Errorf("%w: digest %q", ErrMalformed, d.String())
	}
	return New(&protobundle.Bundle{
		MediaType:            MediaTypeV03,
		VerificationMaterial: keyMaterial(keyHint),
		Content: &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: alg, Digest: d.Bytes()},
			Signature:     bytes.Clone(sig),
		}},
	})
}

func keyMaterial(hint string) *protobundle.VerificationMaterial {
	return &protobundle.VerificationMaterial{
		Content: &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{Hint: hint}},
	}
}

func toProtoHash(a digest.Algorithm) (protocommon.HashAlgorithm, bool) {
	switch a {
	case digest.SHA256:
		return protocommon.HashAlgorithm_SHA2_256, true
	case digest.SHA384:
		return protocommon.HashAlgorithm_SHA2_384, true
	case digest.SHA512:
		return protocommon.HashAlgorithm_SHA2_512, true
	}
	return 0, false
}

func fromProtoHash(h protocommon.HashAlgorithm) (digest.Algorithm, bool) {
	switch h {
	case protocommon.HashAlgorithm_SHA2_256:
		return digest.SHA256, true
	case protocommon.HashAlgorithm_SHA2_384:
		return digest.SHA384, true
	case protocommon.HashAlgorithm_SHA2_512:
		return digest.SHA512, true
	}
	return "", false
}

// IsBundle reports whether data looks like a Sigstore bundle (a JSON
// object with a Sigstore bundle media type) rather than a bare DSSE
// envelope, so tools can accept either.
func IsBundle(data []byte) bool {
	var probe struct {
		MediaType string `json:"mediaType"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	return strings.HasPrefix(probe.MediaType, "application/vnd.dev.sigstore.bundle")
}

func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
