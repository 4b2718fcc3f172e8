package sigstore

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"time"

	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	prototrustroot "github.com/sigstore/protobuf-specs/gen/pb-go/trustroot/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/chainmail-dev/chainmail/internal/errs"
	"github.com/chainmail-dev/chainmail/internal/keys"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
	"github.com/chainmail-dev/chainmail/verify"
)

// Bounds on a trusted root. The public-good root is about 7 KB with a
// handful of authorities; these leave a wide margin and stop nothing real.
const (
	// MaxTrustedRootBytes bounds a serialized trusted root.
	MaxTrustedRootBytes = 4 << 20
	// MaxTrustedAuthorities bounds each kind of authority (certificate
	// authorities, transparency logs, CT logs, timestamp authorities).
	MaxTrustedAuthorities = 64
	// MaxChainLength bounds a certificate chain, in the trusted root or
	// built during verification (SECURITY.md C55).
	MaxChainLength = 10
)

// TrustedRootMediaType is the media type of the trusted roots this package
// reads and writes.
const TrustedRootMediaType = "application/vnd.dev.sigstore.trustedroot+json;version=0.1"

// TrustedRoot is the set of Sigstore authorities an Authority
// trusts: certificate authorities (Fulcio), transparency logs (Rekor),
// certificate transparency logs, and timestamp authorities, each with the
// period in which it may be relied on. It is immutable and safe for
// concurrent use.
//
// Get one from a trusted_root.json file (ParseTrustedRoot,
// LoadTrustedRoot), from a TUF repository (FetchTrustedRoot), or build one
// in code (NewTrustedRoot). Whatever the source, the same rules apply:
// every authority needs the start of its validity period (SECURITY.md
// C41), and nothing in a bundle is ever added to it (C47).
type TrustedRoot struct {
	tr   *root.TrustedRoot
	json []byte // canonical JSON, for MarshalJSON
}

// ParseTrustedRoot decodes a trusted_root.json document strictly: at most
// MaxTrustedRootBytes, no duplicate keys, no unknown fields, the media
// type TrustedRootMediaType, a validity start for every authority, at most
// MaxTrustedAuthorities of each kind and chains of at most MaxChainLength
// certificates. Errors wrap verify.ErrTrustedRoot.
func ParseTrustedRoot(data []byte) (*TrustedRoot, error) {
	if err := strictjson.CheckWith(data, nil, strictjson.Options{MaxBytes: MaxTrustedRootBytes, MaxArrayLen: 256}); err != nil {
		return nil, errs.Wrap(verify.ErrTrustedRoot, err)
	}
	pb := new(prototrustroot.TrustedRoot)
	if err := protojson.Unmarshal(data, pb); err != nil {
		return nil, errs.Wrap(verify.ErrTrustedRoot, err)
	}
	return newTrustedRootFromProto(pb)
}

// LoadTrustedRoot reads and parses a trusted_root.json file.
func LoadTrustedRoot(path string) (*TrustedRoot, error) {
	data, err := limits.ReadFile(path, MaxTrustedRootBytes)
	if err != nil {
		return nil, errs.Wrap(verify.ErrTrustedRoot, err)
	}
	return ParseTrustedRoot(data)
}

func newTrustedRootFromProto(pb *prototrustroot.TrustedRoot) (*TrustedRoot, error) {
	if err := checkTrustedRootProto(pb); err != nil {
		return nil, err
	}
	tr, err := root.NewTrustedRootFromProtobuf(pb)
	if err != nil {
		return nil, errs.Wrap(verify.ErrTrustedRoot, err)
	}
	for i, ca := range tr.FulcioCertificateAuthorities() {
		fca, ok := ca.(*root.FulcioCertificateAuthority)
		if !ok || fca.Root == nil || !fca.Root.IsCA {
			return nil, fmt.Errorf("%w: certificate authority %d has no CA root certificate", verify.ErrTrustedRoot, i)
		}
	}
	for i, tsa := range tr.TimestampingAuthorities() {
		sta, ok := tsa.(*root.SigstoreTimestampingAuthority)
		if !ok || sta.Root == nil || !sta.Root.IsCA {
			return nil, fmt.Errorf("%w: timestamp authority %d has no CA root certificate", verify.ErrTrustedRoot, i)
		}
	}
	raw, err := protojson.Marshal(pb)
	if err != nil {
		return nil, fmt.Errorf("%w: encoding: %v", verify.ErrTrustedRoot, err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("%w: encoding: %v", verify.ErrTrustedRoot, err)
	}
	return &TrustedRoot{tr: tr, json: buf.Bytes()}, nil
}

// checkTrustedRootProto applies the rules sigstore-go leaves out: a
// validity start for every authority (sigstore-go requires it for logs
// only), bounded counts and chains.
func checkTrustedRootProto(pb *prototrustroot.TrustedRoot) error {
	if pb.GetMediaType() != TrustedRootMediaType {
		return fmt.Errorf("%w: media type %q (want %q)", verify.ErrTrustedRoot, truncate(pb.GetMediaType()), TrustedRootMediaType)
	}
	type group struct {
		name  string
		count int
	}
	for _, g := range []group{
		{"certificate authorities", len(pb.GetCertificateAuthorities())},
		{"transparency logs", len(pb.GetTlogs())},
		{"CT logs", len(pb.GetCtlogs())},
		{"timestamp authorities", len(pb.GetTimestampAuthorities())},
	} {
		if g.count > MaxTrustedAuthorities {
			return fmt.Errorf("%w: %d %s, limit %d", verify.ErrTrustedRoot, g.count, g.name, MaxTrustedAuthorities)
		}
	}
	for kind, logs := range map[string][]*prototrustroot.TransparencyLogInstance{"transparency log": pb.GetTlogs(), "CT log": pb.GetCtlogs()} {
		for i, l := range logs {
			if l.GetPublicKey().GetValidFor().GetStart() == nil {
				return fmt.Errorf("%w: %s %d (%q) has no validity start", verify.ErrTrustedRoot, kind, i, truncate(l.GetBaseUrl()))
			}
		}
	}
	for kind, cas := range map[string][]*prototrustroot.CertificateAuthority{"certificate authority": pb.GetCertificateAuthorities(), "timestamp authority": pb.GetTimestampAuthorities()} {
		for i, ca := range cas {
			if ca.GetValidFor().GetStart() == nil {
				return fmt.Errorf("%w: %s %d (%q) has no validity start", verify.ErrTrustedRoot, kind, i, truncate(ca.GetUri()))
			}
			if n := len(ca.GetCertChain().GetCertificates()); n == 0 || n > MaxChainLength {
				return fmt.Errorf("%w: %s %d (%q) has a chain of %d certificates (want 1 to %d)", verify.ErrTrustedRoot, kind, i, truncate(ca.GetUri()), n, MaxChainLength)
			}
		}
	}
	return nil
}

// MarshalJSON returns the trusted root as trusted_root.json: compact, and
// the same bytes for the same root.
func (r *TrustedRoot) MarshalJSON() ([]byte, error) {
	if r == nil || r.tr == nil {
		return nil, fmt.Errorf("%w: nil trusted root", verify.ErrTrustedRoot)
	}
	return bytes.Clone(r.json), nil
}

// HasCTLogs reports whether the root lists certificate transparency logs.
// A deployment without one (a private Sigstore, a local test stack)
// issues certificates without SCTs: verify those with
// WithoutSignedCertificateTimestampsUnsafe, decided by the root, never by
// a bundle.
func (r *TrustedRoot) HasCTLogs() bool { return r != nil && r.tr != nil && len(r.tr.CTLogs()) > 0 }

// SigstoreGo returns the trusted root as sigstore-go's type, for use with
// sigstore-go directly. The caller must not modify it.
func (r *TrustedRoot) SigstoreGo() *root.TrustedRoot { return r.tr }

// CertificateAuthority is a certificate authority (Fulcio) for
// NewTrustedRoot.
type CertificateAuthority struct {
	// URI names the authority (e.g. "https://fulcio.sigstore.dev").
	URI string
	// Root is the trust anchor; it must be a CA certificate.
	Root *x509.Certificate
	// Intermediates are the authority's intermediate certificates, the one
	// that issues leaf certificates first.
	Intermediates []*x509.Certificate
	// ValidFrom is when the authority starts to be trusted. It is
	// required: a zero ValidFrom is an error, never "always".
	ValidFrom time.Time
	// ValidUntil is when it stops being trusted (inclusive); zero means
	// it is still trusted.
	ValidUntil time.Time
}

// TransparencyLog is a transparency log (Rekor) or a certificate
// transparency log for NewTrustedRoot. Its log id is the SHA-256 of its
// public key, as in Sigstore.
type TransparencyLog struct {
	// BaseURL is the log's URL; for Rekor v2 logs its host name is the
	// checkpoint origin, so it is required there.
	BaseURL string
	// PublicKey is the log's key: ECDSA P-256/P-384/P-521, Ed25519, or
	// RSA of 2048, 3072 or 4096 bits.
	PublicKey crypto.PublicKey
	// ValidFrom is when the key starts to be trusted (required).
	ValidFrom time.Time
	// ValidUntil is when it stops being trusted (inclusive); zero means
	// it is still trusted.
	ValidUntil time.Time
}

// TimestampAuthority is an RFC 3161 timestamp authority for
// NewTrustedRoot.
type TimestampAuthority struct {
	// URI names the authority.
	URI string
	// Root is the trust anchor; it must be a CA certificate.
	Root *x509.Certificate
	// Intermediates are the intermediate certificates, the one that issues
	// the leaf first.
	Intermediates []*x509.Certificate
	// Leaf is the authority's signing certificate. When set, a timestamp
	// must be signed by exactly this certificate (SECURITY.md C58).
	Leaf *x509.Certificate
	// ValidFrom is when the authority starts to be trusted (required).
	ValidFrom time.Time
	// ValidUntil is when it stops being trusted (inclusive); zero means
	// it is still trusted.
	ValidUntil time.Time
}

// TrustedRootSpec lists the authorities of a trusted root built in code.
type TrustedRootSpec struct {
	// CertificateAuthorities issue signing certificates (Fulcio).
	CertificateAuthorities []CertificateAuthority
	// TransparencyLogs record signatures (Rekor).
	TransparencyLogs []TransparencyLog
	// CTLogs sign the SCTs in signing certificates.
	CTLogs []TransparencyLog
	// TimestampAuthorities sign RFC 3161 timestamps.
	TimestampAuthorities []TimestampAuthority
}

// NewTrustedRoot builds a trusted root in code. It goes through the same
// checks as a parsed trusted_root.json: it is encoded, then parsed.
func NewTrustedRoot(spec TrustedRootSpec) (*TrustedRoot, error) {
	pb := &prototrustroot.TrustedRoot{MediaType: TrustedRootMediaType}
	for i, ca := range spec.CertificateAuthorities {
		p, err := caProto(ca.URI, nil, ca.Intermediates, ca.Root, ca.ValidFrom, ca.ValidUntil)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate authority %d: %v", verify.ErrTrustedRoot, i, err)
		}
		pb.CertificateAuthorities = append(pb.CertificateAuthorities, p)
	}
	for i, ta := range spec.TimestampAuthorities {
		p, err := caProto(ta.URI, ta.Leaf, ta.Intermediates, ta.Root, ta.ValidFrom, ta.ValidUntil)
		if err != nil {
			return nil, fmt.Errorf("%w: timestamp authority %d: %v", verify.ErrTrustedRoot, i, err)
		}
		pb.TimestampAuthorities = append(pb.TimestampAuthorities, p)
	}
	for i, l := range spec.TransparencyLogs {
		p, err := logProto(l)
		if err != nil {
			return nil, fmt.Errorf("%w: transparency log %d: %v", verify.ErrTrustedRoot, i, err)
		}
		pb.Tlogs = append(pb.Tlogs, p)
	}
	for i, l := range spec.CTLogs {
		p, err := logProto(l)
		if err != nil {
			return nil, fmt.Errorf("%w: CT log %d: %v", verify.ErrTrustedRoot, i, err)
		}
		pb.Ctlogs = append(pb.Ctlogs, p)
	}
	data, err := protojson.Marshal(pb)
	if err != nil {
		return nil, fmt.Errorf("%w: encoding: %v", verify.ErrTrustedRoot, err)
	}
	return ParseTrustedRoot(data)
}

func timeRange(from, until time.Time) (*protocommon.TimeRange, error) {
	if from.IsZero() {
		return nil, fmt.Errorf("no ValidFrom")
	}
	tr := &protocommon.TimeRange{Start: timestamppb.New(from)}
	if !until.IsZero() {
		if until.Before(from) {
			return nil, fmt.Errorf("ValidUntil before ValidFrom")
		}
		tr.End = timestamppb.New(until)
	}
	return tr, nil
}

func caProto(uri string, leaf *x509.Certificate, intermediates []*x509.Certificate, rootCert *x509.Certificate, from, until time.Time) (*prototrustroot.CertificateAuthority, error) {
	if rootCert == nil {
		return nil, fmt.Errorf("no root certificate")
	}
	vf, err := timeRange(from, until)
	if err != nil {
		return nil, err
	}
	var chain []*protocommon.X509Certificate
	if leaf != nil {
		if leaf.IsCA {
			return nil, fmt.Errorf("the leaf certificate is a CA")
		}
		chain = append(chain, &protocommon.X509Certificate{RawBytes: leaf.Raw})
	}
	for i, c := range intermediates {
		if c == nil {
			return nil, fmt.Errorf("intermediate %d is nil", i)
		}
		chain = append(chain, &protocommon.X509Certificate{RawBytes: c.Raw})
	}
	chain = append(chain, &protocommon.X509Certificate{RawBytes: rootCert.Raw})
	dn := &protocommon.DistinguishedName{CommonName: rootCert.Subject.CommonName}
	if len(rootCert.Subject.Organization) > 0 {
		dn.Organization = rootCert.Subject.Organization[0]
	}
	return &prototrustroot.CertificateAuthority{
		Uri:       uri,
		Subject:   dn,
		ValidFor:  vf,
		CertChain: &protocommon.X509CertificateChain{Certificates: chain},
	}, nil
}

func logProto(l TransparencyLog) (*prototrustroot.TransparencyLogInstance, error) {
	scheme, err := keys.SchemeFor(l.PublicKey, false)
	if err != nil {
		return nil, err
	}
	var details protocommon.PublicKeyDetails
	switch scheme {
	case keys.ECDSAP256SHA256:
		details = protocommon.PublicKeyDetails_PKIX_ECDSA_P256_SHA_256
	case keys.ECDSAP384SHA384:
		details = protocommon.PublicKeyDetails_PKIX_ECDSA_P384_SHA_384
	case keys.ECDSAP521SHA512:
		details = protocommon.PublicKeyDetails_PKIX_ECDSA_P521_SHA_512
	case keys.Ed25519:
		details = protocommon.PublicKeyDetails_PKIX_ED25519
	case keys.RSAPKCS1v15SHA256:
		type sizer interface{ Size() int }
		switch l.PublicKey.(sizer).Size() * 8 {
		case 2048:
			details = protocommon.PublicKeyDetails_PKIX_RSA_PKCS1V15_2048_SHA256
		case 3072:
			details = protocommon.PublicKeyDetails_PKIX_RSA_PKCS1V15_3072_SHA256
		case 4096:
			details = protocommon.PublicKeyDetails_PKIX_RSA_PKCS1V15_4096_SHA256
		default:
			return nil, fmt.Errorf("RSA log keys must have 2048, 3072 or 4096 bits")
		}
	default:
		return nil, fmt.Errorf("unsupported log key scheme %s", scheme)
	}
	der, err := x509.MarshalPKIXPublicKey(l.PublicKey)
	if err != nil {
		return nil, err
	}
	vf, err := timeRange(l.ValidFrom, l.ValidUntil)
	if err != nil {
		return nil, err
	}
	id := sha256.Sum256(der)
	return &prototrustroot.TransparencyLogInstance{
		BaseUrl:       l.BaseURL,
		HashAlgorithm: protocommon.HashAlgorithm_SHA2_256,
		PublicKey:     &protocommon.PublicKey{RawBytes: der, KeyDetails: details, ValidFor: vf},
		LogId:         &protocommon.LogId{KeyId: id[:]},
	}, nil
}
