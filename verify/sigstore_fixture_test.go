package verify_test

// An in-process test Sigstore: a Fulcio-like CA (root, intermediate),
// a CT log that embeds SCTs, two Rekor v1 logs (inclusion promises and
// proofs with signed checkpoints), and an RFC 3161 timestamp authority.
// Every time is fixed (t0), so results never depend on the clock; keys
// are random, so nothing prints them. Tests change one thing of a valid
// bundle and expect a rejection (SECURITY.md section 4).

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	ct "github.com/google/certificate-transparency-go"
	cttls "github.com/google/certificate-transparency-go/tls"
	ctx509 "github.com/google/certificate-transparency-go/x509"
	ctx509util "github.com/google/certificate-transparency-go/x509util"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	rekorutil "github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore/pkg/signature"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// t0 is when the test Sigstore issues certificates.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	testSAN    = "https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1.2.3"
	testIssuer = "https://token.actions.githubusercontent.com"
)

var (
	oidIssuerV1   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	oidSourceRepo = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 12}
	oidSourceRef  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 14}
	oidBuildSign  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 9}
	oidTrigger    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 20}
	oidRunnerEnv  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 11}
	oidSCTList    = asn1.ObjectIdentifier(ctx509.OIDExtensionCTSCT)
)

func mustKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

func utf8Ext(id asn1.ObjectIdentifier, v string) pkix.Extension {
	b, err := asn1.MarshalWithParams(v, "utf8")
	if err != nil {
		panic(err)
	}
	return pkix.Extension{Id: id, Value: b}
}

func logID(pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(der)
	return sum[:]
}

// testLog is a Rekor v1 log.
type testLog struct {
	host  string
	key   *ecdsa.PrivateKey
	index int64
}

// testSigstore is the set of authorities.
type testSigstore struct {
	rootKey, interKey *ecdsa.PrivateKey
	root, inter       *x509.Certificate
	ctKey             *ecdsa.PrivateKey
	logs              []*testLog
	tsaKey            *ecdsa.PrivateKey
	tsaRoot, tsaLeaf  *x509.Certificate
	tsaRootKey        *ecdsa.PrivateKey

	trusted *sigstore.TrustedRoot
}

var (
	sharedOnce sync.Once
	shared     *testSigstore
)

// theSigstore returns the shared test Sigstore (built once: tests only
// read it).
func theSigstore(t testing.TB) *testSigstore {
	t.Helper()
	sharedOnce.Do(func() { shared = newTestSigstore() })
	return shared
}

func newTestSigstore() *testSigstore {
	s := &testSigstore{rootKey: mustKey(), interKey: mustKey(), ctKey: mustKey(), tsaKey: mustKey(), tsaRootKey: mustKey()}
	s.root = s.issueCA(&x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test-fulcio-root", Organization: []string{"chainmail.test"}},
		NotBefore:    t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(10, 0, 0),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
	}, nil, s.rootKey, s.rootKey)
	s.inter = s.issueCA(&x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "test-fulcio-intermediate", Organization: []string{"chainmail.test"}},
		NotBefore:    t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}, s.root, s.interKey, s.rootKey)
	s.logs = []*testLog{{host: "rekor.test", key: mustKey(), index: 1000}, {host: "rekor2.test", key: mustKey(), index: 5000}}
	s.tsaRoot = s.issueCA(&x509.Certificate{
		SerialNumber: big.NewInt(3),
		Subject:      pkix.Name{CommonName: "test-tsa-root", Organization: []string{"chainmail.test"}},
		NotBefore:    t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(10, 0, 0),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
	}, nil, s.tsaRootKey, s.tsaRootKey)
	s.tsaLeaf = s.issueTSALeaf(s.tsaKey, nil)
	var err error
	s.trusted, err = sigstore.NewTrustedRoot(s.spec())
	if err != nil {
		panic(err)
	}
	return s
}

// spec is the trusted root of the test Sigstore.
func (s *testSigstore) spec() sigstore.TrustedRootSpec {
	from := t0.AddDate(-1, 0, 0)
	spec := sigstore.TrustedRootSpec{
		CertificateAuthorities: []sigstore.CertificateAuthority{{URI: "https://fulcio.test", Root: s.root, Intermediates: []*x509.Certificate{s.inter}, ValidFrom: from}},
		CTLogs:                 []sigstore.TransparencyLog{{BaseURL: "https://ct.test", PublicKey: s.ctKey.Public(), ValidFrom: from}},
		TimestampAuthorities:   []sigstore.TimestampAuthority{{URI: "https://tsa.test", Root: s.tsaRoot, Leaf: s.tsaLeaf, ValidFrom: from}},
	}
	for _, l := range s.logs {
		spec.TransparencyLogs = append(spec.TransparencyLogs, sigstore.TransparencyLog{BaseURL: "https://" + l.host, PublicKey: l.key.Public(), ValidFrom: from})
	}
	return spec
}

func (s *testSigstore) issueCA(tmpl, parent *x509.Certificate, key, parentKey *ecdsa.PrivateKey) *x509.Certificate {
	return issue(tmpl, parent, key.Public(), parentKey)
}

// issue signs tmpl for pub with parentKey (self-signed without parent).
func issue(tmpl, parent *x509.Certificate, pub crypto.PublicKey, parentKey crypto.Signer) *x509.Certificate {
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		panic(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return c
}

func (s *testSigstore) issueTSALeaf(key *ecdsa.PrivateKey, edit func(*x509.Certificate)) *x509.Certificate {
	eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(4),
		Subject:      pkix.Name{CommonName: "test-tsa", Organization: []string{"chainmail.test"}},
		NotBefore:    t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(5, 0, 0),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}},
	}
	if edit != nil {
		edit(tmpl)
	}
	return s.issueCA(tmpl, s.tsaRoot, key, s.tsaRootKey)
}

// leafOpts describes a signing certificate.
type leafOpts struct {
	san       string
	issuer    string
	notBefore time.Time
	// edit changes the template after the defaults are set; the SCT is
	// added afterwards unless noSCT.
	edit  func(*x509.Certificate)
	noSCT bool
	// parent, parentKey issue the leaf (default: the intermediate).
	parent    *x509.Certificate
	parentKey *ecdsa.PrivateKey
	// sctKeys sign one SCT each (default: the CT log's key).
	sctKeys []*ecdsa.PrivateKey
	// sctIssuer is the issuer whose key hash the SCTs name (default:
	// parent), to make an SCT over the wrong precertificate.
	sctIssuer *x509.Certificate
}

func (s *testSigstore) leafTemplate(o leafOpts, pub crypto.PublicKey) *x509.Certificate {
	if o.san == "" {
		o.san = testSAN
	}
	if o.issuer == "" {
		o.issuer = testIssuer
	}
	if o.notBefore.IsZero() {
		o.notBefore = t0
	}
	u, err := url.Parse(o.san)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		NotBefore:    o.notBefore, NotAfter: o.notBefore.Add(10 * time.Minute),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		URIs:        []*url.URL{u},
		ExtraExtensions: []pkix.Extension{
			{Id: oidIssuerV1, Value: []byte(o.issuer)},
			utf8Ext(oidIssuerV2, o.issuer),
			utf8Ext(oidBuildSign, testSAN),
			utf8Ext(oidRunnerEnv, "github-hosted"),
			utf8Ext(oidSourceRepo, "https://github.com/org/repo"),
			utf8Ext(oidSourceRef, "refs/tags/v1.2.3"),
			utf8Ext(oidTrigger, "push"),
		},
	}
	if strings.Contains(o.san, "@") && !strings.Contains(o.san, "://") {
		tmpl.URIs = nil
		tmpl.EmailAddresses = []string{o.san}
	}
	_ = pub
	if o.edit != nil {
		o.edit(tmpl)
	}
	return tmpl
}

// issueLeaf issues a signing certificate for key, with an embedded SCT.
func (s *testSigstore) issueLeaf(o leafOpts, key crypto.Signer) *x509.Certificate {
	parent, parentKey := o.parent, o.parentKey
	if parent == nil {
		parent, parentKey = s.inter, s.interKey
	}
	tmpl := s.leafTemplate(o, key.Public())
	if !o.noSCT {
		// The precertificate: the same TBS without the SCT list, which
		// the CT log signs (RFC 6962 section 3.2).
		pre := issue(tmpl, parent, key.Public(), parentKey)
		keys := o.sctKeys
		if keys == nil {
			keys = []*ecdsa.PrivateKey{s.ctKey}
		}
		sctIssuer := o.sctIssuer
		if sctIssuer == nil {
			sctIssuer = parent
		}
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: oidSCTList, Value: sctList(pre, sctIssuer, keys...)})
	}
	return issue(tmpl, parent, key.Public(), parentKey)
}

func sctList(pre, issuer *x509.Certificate, keys ...*ecdsa.PrivateKey) []byte {
	var scts []*ct.SignedCertificateTimestamp
	for i, key := range keys {
		var id [32]byte
		copy(id[:], logID(key.Public()))
		in := ct.SignedCertificateTimestamp{SCTVersion: ct.V1, LogID: ct.LogID{KeyID: id}, Timestamp: uint64(t0.UnixMilli()) + uint64(i)}
		entry := ct.LogEntry{Leaf: ct.MerkleTreeLeaf{
			Version: ct.V1, LeafType: ct.TimestampedEntryLeafType,
			TimestampedEntry: &ct.TimestampedEntry{
				Timestamp: in.Timestamp, EntryType: ct.PrecertLogEntryType,
				PrecertEntry: &ct.PreCert{IssuerKeyHash: sha256.Sum256(issuer.RawSubjectPublicKeyInfo), TBSCertificate: pre.RawTBSCertificate},
			},
		}}
		data, err := ct.SerializeSCTSignatureInput(in, entry)
		if err != nil {
			panic(err)
		}
		h := sha256.Sum256(data)
		sig, err := ecdsa.SignASN1(rand.Reader, key, h[:])
		if err != nil {
			panic(err)
		}
		in.Signature = ct.DigitallySigned{Algorithm: cttls.SignatureAndHashAlgorithm{Hash: cttls.SHA256, Signature: cttls.ECDSA}, Signature: sig}
		scts = append(scts, &in)
	}
	list, err := ctx509util.MarshalSCTsIntoSCTList(scts)
	if err != nil {
		panic(err)
	}
	b, err := cttls.Marshal(*list)
	if err != nil {
		panic(err)
	}
	out, err := asn1.Marshal(b)
	if err != nil {
		panic(err)
	}
	return out
}

// signOpts describes a bundle to make. The zero value is a v0.3 bundle
// with a message signature over testArtifact, logged in the first log
// (promise and proof), integrated at t0+1m, with no timestamp.
type signOpts struct {
	version string // "v0.1", "v0.2", "v0.3"
	dsse    bool
	// statement is the DSSE payload (default: a statement about the
	// artifact).
	statement []byte
	artifact  []byte
	leaf      leafOpts
	// integrated is the integrated time (default t0+1m).
	integrated time.Time
	noProof    bool
	noPromise  bool
	noTlog     bool
	// logs are the logs to enter the signature in (default: log 0).
	logs []int
	// tsa adds an RFC 3161 timestamp at tsaTime (default t0+1m).
	tsa     bool
	tsaTime time.Time
	// key signs with a bare key instead of a certificate.
	key *ecdsa.PrivateKey
	// payloadType overrides the DSSE payload type.
	payloadType string
}

var testArtifact = []byte("hello, sigstore\n")

// signedBundle is a bundle and what was signed.
type signedBundle struct {
	pb       *protobundle.Bundle
	key      *ecdsa.PrivateKey // the signing key (leaf or bare)
	leaf     *x509.Certificate
	sig      []byte
	artifact []byte
}

// bundle validates and wraps the protobuf bundle.
func (b signedBundle) bundle(t testing.TB) *bundle.Bundle {
	t.Helper()
	out, err := sgproto.FromProto(b.pb)
	if err != nil {
		t.Fatalf("bundle.New: %v", err)
	}
	return out
}

// clone returns a deep copy of the protobuf bundle to mutate.
func (b signedBundle) clone() *protobundle.Bundle { return proto.Clone(b.pb).(*protobundle.Bundle) }

func statementFor(artifact []byte) []byte {
	d, _ := digest.FromBytes(artifact, digest.SHA256)
	st, err := attest.NewPredicateStatement(&attest.TestResult{Result: "PASSED"}, attest.Subject("artifact.txt", d))
	if err != nil {
		panic(err)
	}
	out, err := st.Marshal()
	if err != nil {
		panic(err)
	}
	return out
}

func (s *testSigstore) sign(t testing.TB, o signOpts) signedBundle {
	t.Helper()
	if o.version == "" {
		o.version = "v0.3"
	}
	if o.artifact == nil {
		o.artifact = testArtifact
	}
	if o.integrated.IsZero() {
		o.integrated = t0.Add(time.Minute)
	}
	if o.tsaTime.IsZero() {
		o.tsaTime = t0.Add(time.Minute)
	}
	if o.logs == nil {
		o.logs = []int{0}
	}
	var (
		signer crypto.Signer = mustKey()
		leaf   *x509.Certificate
	)
	if o.key != nil {
		signer = o.key
	} else {
		leaf = s.issueLeaf(o.leaf, signer)
	}
	out := signedBundle{leaf: leaf, artifact: o.artifact, key: signer.(*ecdsa.PrivateKey)}
	pb := &protobundle.Bundle{VerificationMaterial: &protobundle.VerificationMaterial{}}
	switch o.version {
	case "v0.1":
		pb.MediaType = bundle.MediaTypeV01
	case "v0.2":
		pb.MediaType = bundle.MediaTypeV02
	default:
		pb.MediaType = bundle.MediaTypeV03
	}
	var env *protodsse.Envelope
	if o.dsse {
		payload := o.statement
		if payload == nil {
			payload = statementFor(o.artifact)
		}
		pt := attest.PayloadType
		if o.payloadType != "" {
			pt = o.payloadType
		}
		pae := (&attest.Envelope{PayloadType: pt, Payload: payload}).PAE()
		h := sha256.Sum256(pae)
		sig, err := ecdsa.SignASN1(rand.Reader, signer.(*ecdsa.PrivateKey), h[:])
		if err != nil {
			t.Fatal(err)
		}
		out.sig = sig
		env = &protodsse.Envelope{Payload: payload, PayloadType: pt, Signatures: []*protodsse.Signature{{Sig: sig}}}
		pb.Content = &protobundle.Bundle_DsseEnvelope{DsseEnvelope: env}
	} else {
		h := sha256.Sum256(o.artifact)
		sig, err := ecdsa.SignASN1(rand.Reader, signer.(*ecdsa.PrivateKey), h[:])
		if err != nil {
			t.Fatal(err)
		}
		out.sig = sig
		pb.Content = &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: h[:]},
			Signature:     sig,
		}}
	}
	switch {
	case o.key != nil:
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{Hint: "test-key"}}
	case o.version == "v0.3":
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: leaf.Raw}}
	default:
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_X509CertificateChain{X509CertificateChain: &protocommon.X509CertificateChain{
			Certificates: []*protocommon.X509Certificate{{RawBytes: leaf.Raw}, {RawBytes: s.inter.Raw}},
		}}
	}
	if !o.noTlog {
		var pubPEM []byte
		if leaf != nil {
			pubPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})
		} else {
			der, _ := x509.MarshalPKIXPublicKey(signer.Public())
			pubPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		}
		for _, i := range o.logs {
			body := rekorBody(t, o, env, out.sig, pubPEM)
			pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, s.logs[i].entry(t, body, o))
		}
	}
	if o.tsa {
		pb.VerificationMaterial.TimestampVerificationData = &protobundle.TimestampVerificationData{
			Rfc3161Timestamps: []*protocommon.RFC3161SignedTimestamp{{SignedTimestamp: s.timestamp(t, out.sig, o.tsaTime, s.tsaLeaf, s.tsaKey, true)}},
		}
	}
	out.pb = pb
	return out
}

// rekorBody is the canonical body (sorted keys, compact) of a Rekor
// hashedrekord or dsse v0.0.1 entry.
func rekorBody(t testing.TB, o signOpts, env *protodsse.Envelope, sig, pubPEM []byte) []byte {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString
	if env == nil {
		h := sha256.Sum256(o.artifact)
		return []byte(fmt.Sprintf(`{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":%q}},"signature":{"content":%q,"publicKey":{"content":%q}}}}`,
			hex.EncodeToString(h[:]), b64(sig), b64(pubPEM)))
	}
	envJSON, err := json.Marshal(map[string]any{
		"payload":     b64(env.Payload),
		"payloadType": env.PayloadType,
		"signatures":  []map[string]string{{"sig": b64(sig)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	eh := sha256.Sum256(envJSON)
	ph := sha256.Sum256(env.Payload)
	return []byte(fmt.Sprintf(`{"apiVersion":"0.0.1","kind":"dsse","spec":{"envelopeHash":{"algorithm":"sha256","value":%q},"payloadHash":{"algorithm":"sha256","value":%q},"signatures":[{"signature":%q,"verifier":%q}]}}`,
		hex.EncodeToString(eh[:]), hex.EncodeToString(ph[:]), b64(sig), b64(pubPEM)))
}

// entry logs body: a signed entry timestamp (promise) and an inclusion
// proof in a two-leaf tree with a signed checkpoint.
func (l *testLog) entry(t testing.TB, body []byte, o signOpts) *protorekor.TransparencyLogEntry {
	t.Helper()
	id := logID(l.key.Public())
	kind := "hashedrekord"
	if o.dsse {
		kind = "dsse"
	}
	tle := &protorekor.TransparencyLogEntry{
		LogIndex:          l.index,
		LogId:             &protocommon.LogId{KeyId: id},
		KindVersion:       &protorekor.KindVersion{Kind: kind, Version: "0.0.1"},
		IntegratedTime:    o.integrated.Unix(),
		CanonicalizedBody: body,
	}
	if !o.noPromise {
		tle.InclusionPromise = &protorekor.InclusionPromise{SignedEntryTimestamp: l.set(t, tle)}
	}
	if !o.noProof {
		tle.InclusionProof = l.proof(t, body, l.index)
	}
	return tle
}

// set signs the entry's canonical payload, as Rekor v1 does.
func (l *testLog) set(t testing.TB, tle *protorekor.TransparencyLogEntry) []byte {
	t.Helper()
	payload := fmt.Sprintf(`{"body":%q,"integratedTime":%d,"logID":%q,"logIndex":%d}`,
		base64.StdEncoding.EncodeToString(tle.CanonicalizedBody), tle.IntegratedTime, hex.EncodeToString(tle.LogId.KeyId), tle.LogIndex)
	h := sha256.Sum256([]byte(payload))
	sig, err := ecdsa.SignASN1(rand.Reader, l.key, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func leafHash(body []byte) []byte {
	h := sha256.Sum256(append([]byte{0}, body...))
	return h[:]
}

func nodeHash(l, r []byte) []byte {
	h := sha256.Sum256(append(append([]byte{1}, l...), r...))
	return h[:]
}

// proof puts body at the index in a tree of two leaves: a sibling, then
// the entry (RFC 6962), and signs a checkpoint over the root.
func (l *testLog) proof(t testing.TB, body []byte, index int64) *protorekor.InclusionProof {
	t.Helper()
	sibling := leafHash([]byte("another entry"))
	root := nodeHash(sibling, leafHash(body))
	signer, err := signature.LoadECDSASignerVerifier(l.key, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := rekorutil.CreateAndSignCheckpoint(context.Background(), l.host, 1234, 2, root, signer)
	if err != nil {
		t.Fatal(err)
	}
	_ = index
	return &protorekor.InclusionProof{
		LogIndex:   1,
		RootHash:   root,
		TreeSize:   2,
		Hashes:     [][]byte{sibling},
		Checkpoint: &protorekor.Checkpoint{Envelope: string(cp)},
	}
}

// timestamp is an RFC 3161 response over sig at time at.
func (s *testSigstore) timestamp(t testing.TB, sig []byte, at time.Time, leaf *x509.Certificate, key *ecdsa.PrivateKey, embed bool, extra ...*x509.Certificate) []byte {
	t.Helper()
	h := sha256.Sum256(sig)
	ts := timestamp.Timestamp{
		HashAlgorithm:     crypto.SHA256,
		HashedMessage:     h[:],
		Time:              at,
		Policy:            asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 2},
		AddTSACertificate: embed,
		Certificates:      extra,
	}
	resp, err := ts.CreateResponseWithOpts(leaf, key, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// verifier returns a SigstoreVerifier for the test Sigstore.
func (s *testSigstore) verifier(t testing.TB, opts ...any) *sigstoreVerifier {
	t.Helper()
	v, err := newSigstoreVerifier(s.trusted, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// identity is the policy accepting the default test identity.
func testIdentity(t testing.TB) verify.IdentityPolicy {
	t.Helper()
	p, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: testSAN, Issuer: testIssuer})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// trustedWith builds a trusted root from the test Sigstore's, changed by
// edit.
func (s *testSigstore) trustedWith(t testing.TB, edit func(*sigstore.TrustedRootSpec)) *sigstore.TrustedRoot {
	t.Helper()
	spec := s.spec()
	edit(&spec)
	tr, err := sigstore.NewTrustedRoot(spec)
	if err != nil {
		t.Fatalf("NewTrustedRoot: %v", err)
	}
	return tr
}

// newIntermediate issues a CA certificate under the test root, changed by
// edit.
func (s *testSigstore) newIntermediate(edit func(*x509.Certificate)) (*x509.Certificate, *ecdsa.PrivateKey) {
	key := mustKey()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "test-fulcio-intermediate-2", Organization: []string{"chainmail.test"}},
		NotBefore:    t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}
	if edit != nil {
		edit(tmpl)
	}
	return issue(tmpl, s.root, key.Public(), s.rootKey), key
}

// verifyPB encodes pb as JSON and verifies it through VerifyJSON, so a
// bundle that does not even parse is rejected through the same API. Any
// error must wrap ErrUnverified, and a success must have a result.
func verifyPB(t testing.TB, v *sigstoreVerifier, pb *protobundle.Bundle, art verify.ArtifactPolicy, id verify.IdentityPolicy) (*verify.Result, error) {
	t.Helper()
	data, err := protojson.Marshal(pb)
	if err != nil {
		t.Fatalf("protojson: %v", err)
	}
	res, err := v.VerifyJSON(context.Background(), data, art, id)
	checkOutcome(t, res, err)
	return res, err
}

func checkOutcome(t testing.TB, res *verify.Result, err error) {
	t.Helper()
	if err != nil {
		if res != nil {
			t.Errorf("a rejection returned a result too")
		}
		if !errors.Is(err, verify.ErrUnverified) {
			t.Errorf("error %q does not wrap ErrUnverified", err)
		}
		return
	}
	if res == nil {
		t.Fatal("nil result without an error")
	}
}

// wantReject fails unless err wraps want (and ErrUnverified).
func wantReject(t testing.TB, err error, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("verified; want rejection with %v", want)
	}
	if !errors.Is(err, verify.ErrUnverified) {
		t.Fatalf("error %q does not wrap ErrUnverified", err)
	}
	if want != nil && !errors.Is(err, want) {
		t.Fatalf("error %q; want %v", err, want)
	}
	t.Logf("rejected: %v", err)
}

func artDigest(b []byte) verify.ArtifactPolicy {
	d, err := digest.FromBytes(b, digest.SHA256)
	if err != nil {
		panic(err)
	}
	return verify.WithArtifactDigest(d)
}
