package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/errs"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Media types of the bundle versions this package reads. New bundles are
// MediaTypeV03 unless Contents says otherwise.
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
// It is immutable: accessors return copies. Make one with Parse or New.
type Bundle struct {
	w   *wireBundle
	enc *encoding // MarshalJSON's bytes, made once
}

// encoding caches a bundle's JSON: the bundle is immutable, so it is
// encoded at most once (verifiers name a bundle by its digest).
type encoding struct {
	once sync.Once
	data []byte
	sum  digest.Digest
	err  error
}

func (b *Bundle) encode() {
	b.enc.once.Do(func() {
		b.enc.data, b.enc.err = json.Marshal(b.w)
		if b.enc.err == nil {
			b.enc.sum, b.enc.err = digest.FromBytes(b.enc.data, digest.SHA256)
		}
	})
}

// Digest returns the SHA-256 of the bundle's JSON (MarshalJSON): what a
// verification result or a VSA's inputAttestations names the bundle by.
// It is computed once; the zero Digest for the zero Bundle.
func (b *Bundle) Digest() digest.Digest {
	if !b.Valid() {
		return digest.Digest{}
	}
	b.encode()
	return b.enc.sum
}

// Contents is what a bundle holds, in Go types: the input of New and the
// output of Bundle.Contents. Exactly one of PublicKey, Certificate and
// CertificateChain is set, and exactly one of Envelope and
// MessageSignature.
type Contents struct {
	// MediaType is the bundle's media type; "" means MediaTypeV03.
	MediaType string
	// PublicKey marks a key-signed bundle and carries its key hint.
	PublicKey *PublicKeyHint
	// Certificate is the signing certificate (DER) of a v0.3 bundle.
	Certificate []byte
	// CertificateChain is the certificate chain (DER, leaf first) of a
	// v0.1 or v0.2 bundle. Verifiers use only the leaf.
	CertificateChain [][]byte
	// TlogEntries are the transparency log entries, at most
	// limits.MaxTlogEntries.
	TlogEntries []TlogEntry
	// Timestamps are RFC 3161 signed timestamps (DER TimeStampResp), at
	// most limits.MaxTimestamps.
	Timestamps [][]byte
	// Envelope is the DSSE envelope, with exactly one signature.
	Envelope *attest.Envelope
	// MessageSignature is the signature over an artifact.
	MessageSignature *MessageSignature
}

// PublicKeyHint names the key of a key-signed bundle. The hint is
// unsigned: verifiers use it to pick among trusted keys, never to trust
// one.
type PublicKeyHint struct {
	Hint string
}

// TlogEntry is a transparency log entry (Rekor v1 or v2) as a bundle
// records it. Parse checks its structure; package verify checks what it
// proves.
type TlogEntry struct {
	// LogIndex is the entry's index in its log (Rekor v1: in its shard).
	LogIndex int64
	// LogID is the log's key id (SHA-256 of its public key, DER).
	LogID []byte
	// Kind and Version are the entry's type ("hashedrekord", "dsse", …)
	// and its version ("0.0.1", "0.0.2", …), as its body states them.
	Kind, Version string
	// IntegratedTime is when a Rekor v1 log integrated the entry, in Unix
	// seconds; 0 when the entry records none (Rekor v2).
	IntegratedTime int64
	// InclusionPromise is the log's signed entry timestamp (v0.1 bundles,
	// Rekor v1); nil when absent.
	InclusionPromise []byte
	// InclusionProof proves the entry is in the log's Merkle tree; nil when
	// absent (required from v0.2).
	InclusionProof *InclusionProof
	// CanonicalizedBody is the entry's body as the log stores it.
	CanonicalizedBody []byte
}

// InclusionProof is a Merkle inclusion proof of a log entry, with the
// signed checkpoint of the tree it is in.
type InclusionProof struct {
	// LogIndex is the entry's index in the tree.
	LogIndex int64
	// RootHash is the root of the tree of TreeSize entries.
	RootHash []byte
	// TreeSize is the size of the tree.
	TreeSize int64
	// Hashes are the proof's sibling hashes, leaf to root.
	Hashes [][]byte
	// Checkpoint is the log's signed note for the tree.
	Checkpoint string
}

// Parse decodes a JSON Sigstore bundle strictly: at most
// limits.MaxEnvelopeBytes, no duplicate keys, valid UTF-8, no array longer
// than 64 elements, no unknown fields, a known media type, at most
// limits.MaxTlogEntries log entries and limits.MaxTimestamps timestamps,
// exactly one DSSE signature, and on every log entry the fields a log
// entry has and the proof its version requires (an inclusion promise in
// v0.1, an inclusion proof from v0.2). The verification material must fit
// the declared version: a certificate chain (or a public key) up to v0.2,
// a single certificate (or a public key) in v0.3.
//
// Parse checks structure only; nothing is verified.
func Parse(data []byte) (*Bundle, error) {
	if err := strictjson.CheckWith(data, wireType, strictjson.Options{MaxBytes: limits.MaxEnvelopeBytes, MaxArrayLen: maxArrayLen}); err != nil {
		return nil, errs.Wrap(ErrMalformed, err)
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil, fmt.Errorf("%w: null", ErrMalformed)
	}
	w := new(wireBundle)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(w); err != nil {
		return nil, errs.Wrap(ErrMalformed, decodeError(err))
	}
	return check(w)
}

var wireType = reflect.TypeFor[wireBundle]()

// decodeError shortens encoding/json's messages to what failed where.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: a JSON %s where a %s belongs", te.Field, te.Value, te.Type)
	}
	return err
}

// New returns the bundle holding c, checked as Parse checks a bundle. It
// copies c: changing c afterwards does not change the bundle.
func New(c Contents) (*Bundle, error) {
	w, err := c.wire()
	if err != nil {
		return nil, err
	}
	return check(w)
}

func (c Contents) wire() (*wireBundle, error) {
	w := &wireBundle{MediaType: c.MediaType, VerificationMaterial: &wireMaterial{}}
	if w.MediaType == "" {
		w.MediaType = MediaTypeV03
	}
	vm := w.VerificationMaterial
	n := 0
	if c.PublicKey != nil {
		vm.PublicKey = &wirePublicKey{Hint: c.PublicKey.Hint}
		n++
	}
	if c.Certificate != nil {
		vm.Certificate = &wireCertificate{RawBytes: bytes.Clone(c.Certificate)}
		n++
	}
	if c.CertificateChain != nil {
		vm.X509CertificateChain = &wireChain{}
		for _, der := range c.CertificateChain {
			vm.X509CertificateChain.Certificates = append(vm.X509CertificateChain.Certificates, wireCertificate{RawBytes: bytes.Clone(der)})
		}
		n++
	}
	if n != 1 {
		return nil, fmt.Errorf("%w: %d kinds of verification material; set one of PublicKey, Certificate and CertificateChain", ErrMalformed, n)
	}
	for _, e := range c.TlogEntries {
		vm.TlogEntries = append(vm.TlogEntries, e.wire())
	}
	if len(c.Timestamps) > 0 {
		vm.TimestampVerificationData = &wireTimestampData{}
		for _, ts := range c.Timestamps {
			vm.TimestampVerificationData.RFC3161Timestamps = append(vm.TimestampVerificationData.RFC3161Timestamps, wireTimestamp{SignedTimestamp: bytes.Clone(ts)})
		}
	}
	switch {
	case c.Envelope != nil && c.MessageSignature != nil:
		return nil, fmt.Errorf("%w: both an envelope and a message signature", ErrMalformed)
	case c.Envelope != nil:
		e := &wireEnvelope{Payload: bytes.Clone(c.Envelope.Payload), PayloadType: c.Envelope.PayloadType}
		for _, s := range c.Envelope.Signatures {
			e.Signatures = append(e.Signatures, wireSignature{Sig: bytes.Clone(s.Sig), KeyID: s.KeyID})
		}
		w.DSSEEnvelope = e
	case c.MessageSignature != nil:
		ms := &wireMessageSignature{Signature: bytes.Clone(c.MessageSignature.Signature)}
		if d := c.MessageSignature.Digest; !d.IsZero() {
			alg, ok := toHashAlgorithm(d.Algorithm())
			if !ok {
				return nil, fmt.Errorf("%w: message digest algorithm %s", ErrMalformed, d.Algorithm())
			}
			ms.MessageDigest = &wireHashOutput{Algorithm: alg, Digest: d.Bytes()}
		}
		w.MessageSignature = ms
	}
	return w, nil
}

func (e TlogEntry) wire() wireTlogEntry {
	w := wireTlogEntry{
		LogIndex:          int64str(e.LogIndex),
		LogID:             &wireLogID{KeyID: bytes.Clone(e.LogID)},
		KindVersion:       &wireKindVersion{Kind: e.Kind, Version: e.Version},
		IntegratedTime:    int64str(e.IntegratedTime),
		CanonicalizedBody: bytes.Clone(e.CanonicalizedBody),
	}
	if e.InclusionPromise != nil {
		w.InclusionPromise = &wirePromise{SignedEntryTimestamp: bytes.Clone(e.InclusionPromise)}
	}
	if p := e.InclusionProof; p != nil {
		w.InclusionProof = &wireProof{
			LogIndex: int64str(p.LogIndex), RootHash: bytes.Clone(p.RootHash), TreeSize: int64str(p.TreeSize),
			Checkpoint: &wireCheckpoint{Envelope: p.Checkpoint},
		}
		for _, h := range p.Hashes {
			w.InclusionProof.Hashes = append(w.InclusionProof.Hashes, bytes.Clone(h))
		}
	}
	return w
}

// check validates w, which the caller no longer uses, and wraps it.
func check(w *wireBundle) (*Bundle, error) {
	if !knownMediaType(w.MediaType) {
		return nil, fmt.Errorf("%w: %w: media type %q", ErrMalformed, ErrUnsupportedVersion, truncate(w.MediaType))
	}
	switch {
	case w.DSSEEnvelope == nil && w.MessageSignature == nil:
		return nil, fmt.Errorf("%w: no content: a bundle holds a messageSignature or a dsseEnvelope", ErrMalformed)
	case w.DSSEEnvelope != nil && w.MessageSignature != nil:
		return nil, fmt.Errorf("%w: both a messageSignature and a dsseEnvelope", ErrMalformed)
	}
	vm := w.VerificationMaterial
	if vm == nil {
		return nil, fmt.Errorf("%w: no verificationMaterial", ErrMalformed)
	}
	n := 0
	for _, set := range []bool{vm.PublicKey != nil, vm.X509CertificateChain != nil, vm.Certificate != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("%w: verificationMaterial holds %d of publicKey, x509CertificateChain and certificate; it must hold one", ErrMalformed, n)
	}
	if td := vm.TimestampVerificationData; td != nil && len(td.RFC3161Timestamps) == 0 {
		vm.TimestampVerificationData = nil // empty: the same as none
	}
	if err := checkCounts(w); err != nil {
		return nil, err
	}
	if err := checkEntries(w); err != nil {
		return nil, err
	}
	if err := checkMaterial(w); err != nil {
		return nil, err
	}
	return &Bundle{w: w, enc: new(encoding)}, nil
}

// mediaTypeV03Alt is the v0.3 media type in the older form, which
// sigstore-go also reads.
const mediaTypeV03Alt = "application/vnd.dev.sigstore.bundle+json;version=0.3"

// knownMediaType reports whether mt names a bundle version this package
// knows. sigstore-go takes any semver-shaped version from v0.1 to below
// v0.4 ("...bundle.v0.3.7+json"); a version nobody has specified is
// refused here instead (SECURITY.md C33).
func knownMediaType(mt string) bool { return declaredVersion(mt) != "" }

// checkEntries checks the fields of every log entry and applies the
// per-version proof rules: from v0.2 each entry needs an inclusion proof,
// in v0.1 each needs an inclusion promise. sigstore-go checks only that
// some entry has one, which would let a second, unproven entry ride along
// (SECURITY.md C32).
func checkEntries(w *wireBundle) error {
	v01 := w.MediaType == MediaTypeV01
	for i, e := range w.VerificationMaterial.TlogEntries {
		if err := checkEntry(e); err != nil {
			return fmt.Errorf("%w: tlog entry %d: %v", ErrMalformed, i, err)
		}
		switch {
		case v01 && e.InclusionPromise == nil:
			return fmt.Errorf("%w: tlog entry %d has no inclusion promise (required in v0.1)", ErrMalformed, i)
		case !v01 && e.InclusionProof == nil:
			return fmt.Errorf("%w: tlog entry %d has no inclusion proof (required from v0.2)", ErrMalformed, i)
		}
	}
	return nil
}

// checkEntry requires the fields every log entry has (as sigstore-go's
// tlog.ParseTransparencyLogEntry does), and its kindVersion to be the kind
// and version its body states: sigstore-go copies the bundle's values
// into the parsed entry and then compares them with themselves, so a
// bundle could label an entry as anything.
func checkEntry(e wireTlogEntry) error {
	switch {
	case len(e.CanonicalizedBody) == 0:
		return errors.New("no canonicalizedBody")
	case e.LogIndex < 0:
		return fmt.Errorf("negative logIndex %d", e.LogIndex)
	case e.LogID == nil || len(e.LogID.KeyID) == 0:
		return errors.New("no logId")
	case e.KindVersion == nil:
		return errors.New("no kindVersion")
	case e.IntegratedTime < 0:
		return fmt.Errorf("negative integratedTime %d", e.IntegratedTime)
	}
	if p := e.InclusionProof; p != nil {
		switch {
		case p.Checkpoint == nil || p.Checkpoint.Envelope == "":
			return errors.New("inclusion proof without a checkpoint")
		case p.LogIndex < 0 || p.TreeSize < 0:
			return errors.New("inclusion proof with a negative index or size")
		}
	}
	var body struct {
		Kind       string `json:"kind"`
		APIVersion string `json:"apiVersion"`
	}
	if err := strictjson.Unmarshal(e.CanonicalizedBody, &body, limits.MaxEnvelopeBytes); err != nil {
		return fmt.Errorf("canonicalizedBody: %v", err)
	}
	kv := e.KindVersion
	if body.Kind != kv.Kind || body.APIVersion != kv.Version {
		return fmt.Errorf("the bundle says %s/%s, the entry is %s/%s", truncate(kv.Kind), truncate(kv.Version), truncate(body.Kind), truncate(body.APIVersion))
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
func checkMaterial(w *wireBundle) error {
	vm := w.VerificationMaterial
	switch v := declaredVersion(w.MediaType); {
	case v == "v0.1" || v == "v0.2":
		if vm.Certificate != nil {
			return fmt.Errorf("%w: verificationMaterial.certificate needs bundle v0.3, the bundle declares %s", ErrMalformed, v)
		}
	case v == "v0.3":
		if vm.X509CertificateChain != nil {
			return fmt.Errorf("%w: verificationMaterial.x509CertificateChain needs bundle v0.1 or v0.2, the bundle declares %s (use certificate)", ErrMalformed, v)
		}
	}
	if c := vm.X509CertificateChain; c != nil && len(c.Certificates) == 0 {
		return fmt.Errorf("%w: empty x509CertificateChain", ErrMalformed)
	}
	return nil
}

func checkCounts(w *wireBundle) error {
	vm := w.VerificationMaterial
	if n := len(vm.TlogEntries); n > limits.MaxTlogEntries {
		return fmt.Errorf("%w: %d tlog entries, limit %d", ErrMalformed, n, limits.MaxTlogEntries)
	}
	if td := vm.TimestampVerificationData; td != nil {
		if n := len(td.RFC3161Timestamps); n > limits.MaxTimestamps {
			return fmt.Errorf("%w: %d timestamps, limit %d", ErrMalformed, n, limits.MaxTimestamps)
		}
	}
	if env := w.DSSEEnvelope; env != nil {
		if n := len(env.Signatures); n != 1 {
			return fmt.Errorf("%w: DSSE envelope in a bundle must have exactly one signature, has %d", ErrMalformed, n)
		}
		if env.PayloadType == "" {
			return fmt.Errorf("%w: DSSE envelope has an empty payloadType", ErrMalformed)
		}
	}
	if ms := w.MessageSignature; ms != nil && len(ms.Signature) == 0 {
		return fmt.Errorf("%w: message signature is empty", ErrMalformed)
	}
	return nil
}

// MarshalJSON returns the bundle's JSON in the canonical protojson form
// (field names, order and encodings as protojson writes them), compact:
// the same bytes for the same bundle.
func (b *Bundle) MarshalJSON() ([]byte, error) {
	if !b.Valid() {
		return nil, errZero
	}
	b.encode()
	if b.enc.err != nil {
		return nil, fmt.Errorf("bundle: encoding: %w", b.enc.err)
	}
	return bytes.Clone(b.enc.data), nil
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

// Valid reports whether b was made by Parse or New; the zero Bundle is
// not valid, and its accessors return zero values.
func (b *Bundle) Valid() bool { return b != nil && b.w != nil && b.enc != nil }

// material returns the verification material, or an empty one for a zero
// Bundle.
func (b *Bundle) material() *wireMaterial {
	if !b.Valid() {
		return &wireMaterial{}
	}
	return b.w.VerificationMaterial
}

// MediaType returns the bundle's media type.
func (b *Bundle) MediaType() string {
	if !b.Valid() {
		return ""
	}
	return b.w.MediaType
}

// Version returns the bundle version, e.g. "v0.3".
func (b *Bundle) Version() string { return declaredVersion(b.MediaType()) }

// Contents returns a copy of what the bundle holds.
func (b *Bundle) Contents() Contents {
	if !b.Valid() {
		return Contents{}
	}
	vm := b.w.VerificationMaterial
	c := Contents{MediaType: b.w.MediaType, Certificate: b.Certificate(), TlogEntries: b.TlogEntries(), Timestamps: b.Timestamps()}
	if vm.PublicKey != nil {
		c.PublicKey = &PublicKeyHint{Hint: vm.PublicKey.Hint}
	}
	if vm.X509CertificateChain != nil {
		c.Certificate = nil
		c.CertificateChain = [][]byte{}
		for _, cert := range vm.X509CertificateChain.Certificates {
			c.CertificateChain = append(c.CertificateChain, bytes.Clone(cert.RawBytes))
		}
	}
	if b.IsDSSE() {
		c.Envelope, _ = b.Envelope()
	} else {
		c.MessageSignature = b.messageSignature()
	}
	return c
}

// IsDSSE reports whether the bundle carries a DSSE envelope (otherwise it
// carries a message signature).
func (b *Bundle) IsDSSE() bool { return b.Valid() && b.w.DSSEEnvelope != nil }

// Envelope returns a copy of the bundle's DSSE envelope.
func (b *Bundle) Envelope() (*attest.Envelope, error) {
	if !b.Valid() {
		return nil, errZero
	}
	env := b.w.DSSEEnvelope
	if env == nil {
		return nil, fmt.Errorf("%w: the bundle holds a message signature, not a DSSE envelope", ErrNoSuchContent)
	}
	out := &attest.Envelope{PayloadType: env.PayloadType, Payload: bytes.Clone([]byte(env.Payload))}
	if out.Payload == nil {
		out.Payload = []byte{}
	}
	for _, s := range env.Signatures {
		out.Signatures = append(out.Signatures, attest.Signature{KeyID: s.KeyID, Sig: bytes.Clone([]byte(s.Sig))})
	}
	return out, nil
}

// MessageSignature is a signature over an artifact's bytes, with the
// artifact's digest as the signer stated it. The digest is a hint: a
// verifier computes the artifact's digest itself and compares.
type MessageSignature struct {
	// Digest is the artifact's digest as the bundle states it (zero when
	// the bundle states none).
	Digest digest.Digest
	// Signature is the signature over the artifact.
	Signature []byte
}

// MessageSignature returns the bundle's message signature. A digest whose
// algorithm this SDK does not support, or whose length does not fit its
// algorithm, is ErrMalformed.
func (b *Bundle) MessageSignature() (*MessageSignature, error) {
	if !b.Valid() {
		return nil, errZero
	}
	ms := b.w.MessageSignature
	if ms == nil {
		return nil, fmt.Errorf("%w: the bundle holds a DSSE envelope, not a message signature", ErrNoSuchContent)
	}
	out := &MessageSignature{Signature: bytes.Clone([]byte(ms.Signature))}
	if md := ms.MessageDigest; md != nil {
		alg, ok := fromHashAlgorithm(md.Algorithm)
		if !ok {
			return nil, fmt.Errorf("%w: message digest algorithm %q", ErrMalformed, md.Algorithm)
		}
		d, err := digest.New(alg, md.Digest)
		if err != nil {
			return nil, fmt.Errorf("%w: message digest: %v", ErrMalformed, err)
		}
		out.Digest = d
	}
	return out, nil
}

// messageSignature is MessageSignature for Contents: a digest it cannot
// represent is left zero.
func (b *Bundle) messageSignature() *MessageSignature {
	if ms, err := b.MessageSignature(); err == nil {
		return ms
	}
	return &MessageSignature{Signature: bytes.Clone([]byte(b.w.MessageSignature.Signature))}
}

// PublicKeyHint returns the key hint of a key-signed bundle. ok is false
// for bundles verified by certificate.
func (b *Bundle) PublicKeyHint() (hint string, ok bool) {
	pk := b.material().PublicKey
	if pk == nil {
		return "", false
	}
	return pk.Hint, true
}

// HasCertificate reports whether the bundle's verification material is an
// X.509 certificate or chain.
func (b *Bundle) HasCertificate() bool {
	vm := b.material()
	return vm.Certificate != nil || vm.X509CertificateChain != nil
}

// Certificate returns a copy of the signing certificate (DER): the v0.3
// certificate, or the first of a v0.1 or v0.2 chain; nil for a key-signed
// bundle. Only the leaf is returned: verifiers take intermediates and
// roots from their trusted root alone (SECURITY.md C47).
func (b *Bundle) Certificate() []byte {
	vm := b.material()
	switch {
	case vm.Certificate != nil:
		return bytes.Clone([]byte(vm.Certificate.RawBytes))
	case vm.X509CertificateChain != nil && len(vm.X509CertificateChain.Certificates) > 0:
		return bytes.Clone([]byte(vm.X509CertificateChain.Certificates[0].RawBytes))
	}
	return nil
}

// TlogEntryCount returns the number of transparency log entries.
func (b *Bundle) TlogEntryCount() int { return len(b.material().TlogEntries) }

// TlogEntries returns copies of the transparency log entries.
func (b *Bundle) TlogEntries() []TlogEntry {
	var out []TlogEntry
	for _, e := range b.material().TlogEntries {
		t := TlogEntry{
			LogIndex:          int64(e.LogIndex),
			LogID:             bytes.Clone([]byte(e.LogID.KeyID)),
			Kind:              e.KindVersion.Kind,
			Version:           e.KindVersion.Version,
			IntegratedTime:    int64(e.IntegratedTime),
			CanonicalizedBody: bytes.Clone([]byte(e.CanonicalizedBody)),
		}
		if e.InclusionPromise != nil {
			t.InclusionPromise = bytes.Clone([]byte(e.InclusionPromise.SignedEntryTimestamp))
			if t.InclusionPromise == nil {
				t.InclusionPromise = []byte{}
			}
		}
		if p := e.InclusionProof; p != nil {
			t.InclusionProof = &InclusionProof{LogIndex: int64(p.LogIndex), RootHash: bytes.Clone([]byte(p.RootHash)), TreeSize: int64(p.TreeSize), Checkpoint: p.Checkpoint.Envelope}
			for _, h := range p.Hashes {
				t.InclusionProof.Hashes = append(t.InclusionProof.Hashes, bytes.Clone([]byte(h)))
			}
		}
		out = append(out, t)
	}
	return out
}

// TimestampCount returns the number of RFC 3161 timestamps.
func (b *Bundle) TimestampCount() int {
	if td := b.material().TimestampVerificationData; td != nil {
		return len(td.RFC3161Timestamps)
	}
	return 0
}

// Timestamps returns copies of the RFC 3161 signed timestamps (DER).
func (b *Bundle) Timestamps() [][]byte {
	td := b.material().TimestampVerificationData
	if td == nil {
		return nil
	}
	var out [][]byte
	for _, ts := range td.RFC3161Timestamps {
		out = append(out, bytes.Clone([]byte(ts.SignedTimestamp)))
	}
	return out
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
	e := &attest.Envelope{PayloadType: env.PayloadType, Payload: env.Payload}
	for _, s := range env.Signatures {
		e.Signatures = append(e.Signatures, attest.Signature{Sig: s.Sig})
	}
	return New(Contents{PublicKey: &PublicKeyHint{Hint: keyHint}, Envelope: e})
}

// FromMessageSignature returns a v0.3 bundle holding a signature over an
// artifact whose digest is d, for verification with the public key that
// keyHint names.
func FromMessageSignature(d digest.Digest, sig []byte, keyHint string) (*Bundle, error) {
	if _, ok := toHashAlgorithm(d.Algorithm()); !ok || d.IsZero() {
		return nil, fmt.Errorf("%w: digest %q", ErrMalformed, d.String())
	}
	return New(Contents{PublicKey: &PublicKeyHint{Hint: keyHint}, MessageSignature: &MessageSignature{Digest: d, Signature: sig}})
}

var hashNames = []struct {
	alg  digest.Algorithm
	name hashAlgorithm
}{
	{digest.SHA256, "SHA2_256"},
	{digest.SHA384, "SHA2_384"},
	{digest.SHA512, "SHA2_512"},
}

func toHashAlgorithm(a digest.Algorithm) (hashAlgorithm, bool) {
	for _, x := range hashNames {
		if x.alg == a {
			return x.name, true
		}
	}
	return "", false
}

func fromHashAlgorithm(h hashAlgorithm) (digest.Algorithm, bool) {
	for _, x := range hashNames {
		if x.name == h {
			return x.alg, true
		}
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
