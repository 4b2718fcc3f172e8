package sigstoretest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	ct "github.com/google/certificate-transparency-go"
	cttls "github.com/google/certificate-transparency-go/tls"
	ctx509 "github.com/google/certificate-transparency-go/x509"
	ctx509util "github.com/google/certificate-transparency-go/x509util"

	"github.com/chainmail-dev/chainmail/sigstore"
)

// T0 is the fixed epoch of the shared test Sigstore: its certificates
// start then, and its bundles are signed a minute later.
var T0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// The default identity of signing certificates: a GitHub Actions
// workflow.
const (
	SAN    = "https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1.2.3"
	Issuer = "https://token.actions.githubusercontent.com"
)

// Object identifiers of the certificate extensions the CA writes: the
// OIDC issuer (v1 and v2), the source repository and ref, the build
// signer, trigger and runner environment (Fulcio's), and the SCT list.
var (
	OIDIssuerV1   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	OIDIssuerV2   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	OIDSourceRepo = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 12}
	OIDSourceRef  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 14}
	OIDBuildSign  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 9}
	OIDTrigger    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 20}
	OIDRunnerEnv  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 11}
	OIDSCTList    = asn1.ObjectIdentifier(ctx509.OIDExtensionCTSCT)
	// OIDTimeStamping is the extended key usage of a TSA certificate.
	OIDTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
	// OIDExtKeyUsage is the extended key usage extension.
	OIDExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}
	// OIDTSAPolicy is the policy of the TSA's timestamps.
	OIDTSAPolicy = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 2}
)

// Sigstore is the set of test authorities and their keys. Tests read
// it; nothing changes it after New.
type Sigstore struct {
	// Epoch is when the certificates start (see New).
	Epoch time.Time
	// Root and Inter are the CA's root and intermediate certificates,
	// RootKey and InterKey their keys.
	RootKey, InterKey *ecdsa.PrivateKey
	Root, Inter       *x509.Certificate
	// CTKey is the CT log's key.
	CTKey *ecdsa.PrivateKey
	// Logs are two Rekor v1 logs.
	Logs []*Log
	// TSAKey signs timestamps under TSALeaf, issued by TSARoot (key
	// TSARootKey).
	TSAKey           *ecdsa.PrivateKey
	TSARoot, TSALeaf *x509.Certificate
	TSARootKey       *ecdsa.PrivateKey
	// Trusted is the trusted root of Spec.
	Trusted *sigstore.TrustedRoot
}

var (
	sharedOnce sync.Once
	shared     *Sigstore
)

// Shared returns a test Sigstore of epoch T0, built once per test binary:
// tests only read it.
func Shared(t testing.TB) *Sigstore {
	t.Helper()
	sharedOnce.Do(func() { shared = New(t, T0) })
	return shared
}

// New builds a test Sigstore whose certificates are valid from a year
// before epoch; signing certificates it issues start at epoch.
func New(t testing.TB, epoch time.Time) *Sigstore {
	t.Helper()
	s := &Sigstore{Epoch: epoch, RootKey: NewKey(t), InterKey: NewKey(t), CTKey: NewKey(t), TSAKey: NewKey(t), TSARootKey: NewKey(t)}
	s.Root = Issue(t, s.caTemplate(1, "test-fulcio-root", 10), nil, s.RootKey.Public(), s.RootKey)
	s.Inter = Issue(t, s.interTemplate(2, "test-fulcio-intermediate"), s.Root, s.InterKey.Public(), s.RootKey)
	s.Logs = []*Log{{Host: "rekor.test", Key: NewKey(t), Index: 1000}, {Host: "rekor2.test", Key: NewKey(t), Index: 5000}}
	s.TSARoot = Issue(t, s.caTemplate(3, "test-tsa-root", 10), nil, s.TSARootKey.Public(), s.TSARootKey)
	s.TSALeaf = s.IssueTSALeaf(t, s.TSAKey, nil)
	var err error
	if s.Trusted, err = sigstore.NewTrustedRoot(s.Spec()); err != nil {
		t.Fatal(err)
	}
	return s
}

// NewKey returns a new ECDSA P-256 key.
func NewKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func serial(t testing.TB) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// caTemplate is a CA certificate valid from a year before the epoch
// until years after it.
func (s *Sigstore) caTemplate(serial int64, name string, years int) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"chainmail.test"}},
		NotBefore:    s.Epoch.AddDate(-1, 0, 0), NotAfter: s.Epoch.AddDate(years, 0, 0),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
	}
}

func (s *Sigstore) interTemplate(serial int64, name string) *x509.Certificate {
	tmpl := s.caTemplate(serial, name, 5)
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}
	return tmpl
}

// Spec is the trusted root of the test Sigstore, to change and build
// with sigstore.NewTrustedRoot.
func (s *Sigstore) Spec() sigstore.TrustedRootSpec {
	from := s.Epoch.AddDate(-1, 0, 0)
	spec := sigstore.TrustedRootSpec{
		CertificateAuthorities: []sigstore.CertificateAuthority{{URI: "https://fulcio.test", Root: s.Root, Intermediates: []*x509.Certificate{s.Inter}, ValidFrom: from}},
		CTLogs:                 []sigstore.TransparencyLog{{BaseURL: "https://ct.test", PublicKey: s.CTKey.Public(), ValidFrom: from}},
		TimestampAuthorities:   []sigstore.TimestampAuthority{{URI: "https://tsa.test", Root: s.TSARoot, Leaf: s.TSALeaf, ValidFrom: from}},
	}
	for _, l := range s.Logs {
		spec.TransparencyLogs = append(spec.TransparencyLogs, sigstore.TransparencyLog{BaseURL: "https://" + l.Host, PublicKey: l.Key.Public(), ValidFrom: from})
	}
	return spec
}

// TrustedWith builds a trusted root from the test Sigstore's Spec,
// changed by edit.
func (s *Sigstore) TrustedWith(t testing.TB, edit func(*sigstore.TrustedRootSpec)) *sigstore.TrustedRoot {
	t.Helper()
	spec := s.Spec()
	edit(&spec)
	tr, err := sigstore.NewTrustedRoot(spec)
	if err != nil {
		t.Fatalf("NewTrustedRoot: %v", err)
	}
	return tr
}

func issue(tmpl, parent *x509.Certificate, pub crypto.PublicKey, parentKey crypto.Signer) (*x509.Certificate, error) {
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// Issue signs tmpl for pub with parentKey (self-signed without parent).
func Issue(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	c, err := issue(tmpl, parent, pub, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// NewIntermediate issues a CA certificate under the test root, changed by
// edit, and returns it with its key.
func (s *Sigstore) NewIntermediate(t testing.TB, edit func(*x509.Certificate)) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key := NewKey(t)
	tmpl := s.interTemplate(0, "test-fulcio-intermediate-2")
	tmpl.SerialNumber = serial(t)
	if edit != nil {
		edit(tmpl)
	}
	return Issue(t, tmpl, s.Root, key.Public(), s.RootKey), key
}

// IssueTSALeaf issues a timestamping certificate for key under the TSA
// root, changed by edit.
func (s *Sigstore) IssueTSALeaf(t testing.TB, key *ecdsa.PrivateKey, edit func(*x509.Certificate)) *x509.Certificate {
	t.Helper()
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{OIDTimeStamping})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(4),
		Subject:      pkix.Name{CommonName: "test-tsa", Organization: []string{"chainmail.test"}},
		NotBefore:    s.Epoch.AddDate(-1, 0, 0), NotAfter: s.Epoch.AddDate(5, 0, 0),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: OIDExtKeyUsage, Critical: true, Value: eku}},
	}
	if edit != nil {
		edit(tmpl)
	}
	return Issue(t, tmpl, s.TSARoot, key.Public(), s.TSARootKey)
}

// LeafOpts describes a signing certificate. The zero value is a
// certificate for SAN from Issuer, valid for ten minutes from the epoch,
// with the GitHub workflow claims and one SCT.
type LeafOpts struct {
	// SAN is the subject (default SAN): a URI, or an email address.
	SAN string
	// Issuer is the OIDC issuer (default Issuer).
	Issuer string
	// NotBefore is when the certificate starts (default the epoch); it
	// lasts ten minutes.
	NotBefore time.Time
	// Edit changes the template after the defaults are set; the SCT is
	// added afterwards.
	Edit func(*x509.Certificate)
	// NoSCT leaves the SCT out.
	NoSCT bool
	// Parent and ParentKey issue the leaf (default: the intermediate).
	Parent    *x509.Certificate
	ParentKey *ecdsa.PrivateKey
	// SCTKeys sign one SCT each (default: the CT log's key).
	SCTKeys []*ecdsa.PrivateKey
	// SCTIssuer is the issuer whose key hash the SCTs name (default:
	// Parent), to make an SCT over the wrong precertificate.
	SCTIssuer *x509.Certificate
}

func utf8Ext(id asn1.ObjectIdentifier, v string) (pkix.Extension, error) {
	b, err := asn1.MarshalWithParams(v, "utf8")
	return pkix.Extension{Id: id, Value: b}, err
}

func (s *Sigstore) leafTemplate(o LeafOpts) (*x509.Certificate, error) {
	if o.SAN == "" {
		o.SAN = SAN
	}
	if o.Issuer == "" {
		o.Issuer = Issuer
	}
	if o.NotBefore.IsZero() {
		o.NotBefore = s.Epoch
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: n,
		NotBefore:    o.NotBefore, NotAfter: o.NotBefore.Add(10 * time.Minute),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		ExtraExtensions: []pkix.Extension{{Id: OIDIssuerV1, Value: []byte(o.Issuer)}},
	}
	for _, e := range []struct {
		id asn1.ObjectIdentifier
		v  string
	}{
		{OIDIssuerV2, o.Issuer}, {OIDBuildSign, SAN}, {OIDRunnerEnv, "github-hosted"},
		{OIDSourceRepo, "https://github.com/org/repo"}, {OIDSourceRef, "refs/tags/v1.2.3"}, {OIDTrigger, "push"},
	} {
		ext, err := utf8Ext(e.id, e.v)
		if err != nil {
			return nil, err
		}
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, ext)
	}
	if strings.Contains(o.SAN, "@") && !strings.Contains(o.SAN, "://") {
		tmpl.EmailAddresses = []string{o.SAN}
	} else {
		u, err := url.Parse(o.SAN)
		if err != nil {
			return nil, err
		}
		tmpl.URIs = []*url.URL{u}
	}
	if o.Edit != nil {
		o.Edit(tmpl)
	}
	return tmpl, nil
}

// LeafTemplate is the template of the signing certificate o describes,
// before its SCT is added.
func (s *Sigstore) LeafTemplate(t testing.TB, o LeafOpts) *x509.Certificate {
	t.Helper()
	tmpl, err := s.leafTemplate(o)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// issueLeaf issues the signing certificate o describes for pub.
func (s *Sigstore) issueLeaf(o LeafOpts, pub crypto.PublicKey) (*x509.Certificate, error) {
	parent, parentKey := o.Parent, o.ParentKey
	if parent == nil {
		parent, parentKey = s.Inter, s.InterKey
	}
	tmpl, err := s.leafTemplate(o)
	if err != nil {
		return nil, err
	}
	if !o.NoSCT {
		// The precertificate: the same TBS without the SCT list, which
		// the CT log signs (RFC 6962 section 3.2).
		pre, err := issue(tmpl, parent, pub, parentKey)
		if err != nil {
			return nil, err
		}
		keys := o.SCTKeys
		if keys == nil {
			keys = []*ecdsa.PrivateKey{s.CTKey}
		}
		sctIssuer := o.SCTIssuer
		if sctIssuer == nil {
			sctIssuer = parent
		}
		list, err := sctList(pre, sctIssuer, tmpl.NotBefore, keys...)
		if err != nil {
			return nil, err
		}
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: OIDSCTList, Value: list})
	}
	return issue(tmpl, parent, pub, parentKey)
}

// IssueLeaf issues the signing certificate o describes for pub, with
// its embedded SCTs.
func (s *Sigstore) IssueLeaf(t testing.TB, o LeafOpts, pub crypto.PublicKey) *x509.Certificate {
	t.Helper()
	c, err := s.issueLeaf(o, pub)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sctList is the SCT list extension of a precertificate: one SCT per key,
// at time at (plus one millisecond per SCT).
func sctList(pre, issuer *x509.Certificate, at time.Time, keys ...*ecdsa.PrivateKey) ([]byte, error) {
	var scts []*ct.SignedCertificateTimestamp
	for i, key := range keys {
		id, err := logID(key.Public())
		if err != nil {
			return nil, err
		}
		in := ct.SignedCertificateTimestamp{SCTVersion: ct.V1, LogID: ct.LogID{KeyID: [32]byte(id)}, Timestamp: uint64(at.UnixMilli()) + uint64(i)}
		entry := ct.LogEntry{Leaf: ct.MerkleTreeLeaf{
			Version: ct.V1, LeafType: ct.TimestampedEntryLeafType,
			TimestampedEntry: &ct.TimestampedEntry{
				Timestamp: in.Timestamp, EntryType: ct.PrecertLogEntryType,
				PrecertEntry: &ct.PreCert{IssuerKeyHash: sha256.Sum256(issuer.RawSubjectPublicKeyInfo), TBSCertificate: pre.RawTBSCertificate},
			},
		}}
		data, err := ct.SerializeSCTSignatureInput(in, entry)
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(data)
		sig, err := ecdsa.SignASN1(rand.Reader, key, h[:])
		if err != nil {
			return nil, err
		}
		in.Signature = ct.DigitallySigned{Algorithm: cttls.SignatureAndHashAlgorithm{Hash: cttls.SHA256, Signature: cttls.ECDSA}, Signature: sig}
		scts = append(scts, &in)
	}
	list, err := ctx509util.MarshalSCTsIntoSCTList(scts)
	if err != nil {
		return nil, err
	}
	b, err := cttls.Marshal(*list)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(b)
}

func logID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(der)
	return sum[:], nil
}

// LogID is the ID of a log (Rekor or CT) with key pub: the SHA-256 of its
// DER public key.
func LogID(t testing.TB, pub crypto.PublicKey) []byte {
	t.Helper()
	id, err := logID(pub)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
