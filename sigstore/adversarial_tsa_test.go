package sigstore_test

// SECURITY.md area E: RFC 3161 timestamps.

import (
	"crypto"
	"crypto/ecdsa"
	_ "crypto/sha1" // for the SHA-1 imprint the test must see refused
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"

	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// withTimestamps replaces the bundle's timestamps.
func withTimestamps(pb *protobundle.Bundle, tsrs ...[]byte) *protobundle.Bundle {
	var list []*protocommon.RFC3161SignedTimestamp
	for _, r := range tsrs {
		list = append(list, &protocommon.RFC3161SignedTimestamp{SignedTimestamp: r})
	}
	pb.VerificationMaterial.TimestampVerificationData = &protobundle.TimestampVerificationData{Rfc3161Timestamps: list}
	return pb
}

// tsaOnly is a bundle whose only time is a timestamp: proof without
// promise.
func tsaOnly(t *testing.T, s *sigstoretest.Sigstore) sigstoretest.Signed {
	t.Helper()
	return s.Sign(t, sigstoretest.SignOpts{NoPromise: true})
}

func TestAdversarial_C57_TimestampOverWrongData(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := tsaOnly(t, s)
	other := s.Sign(t, sigstoretest.SignOpts{})
	for name, over := range map[string][]byte{
		"another signature":   other.Sig,
		"the artifact itself": b.Artifact,
	} {
		t.Run(name, func(t *testing.T) {
			pb := withTimestamps(b.Clone(), s.Timestamp(t, over, sigstoretest.T0.Add(time.Minute), s.TSALeaf, s.TSAKey, true))
			_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrTimestamp)
		})
	}
	t.Run("over the signature", func(t *testing.T) {
		pb := withTimestamps(b.Clone(), s.Timestamp(t, b.Sig, sigstoretest.T0.Add(time.Minute), s.TSALeaf, s.TSAKey, true))
		res, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Times) != 1 || res.Times[0].Source != verify.TimeSourceTimestampAuthority || !res.Times[0].Time.Equal(sigstoretest.T0.Add(time.Minute)) {
			t.Fatalf("times %v", res.Times)
		}
	})
	t.Run("rekor2-timestamp-payload-mismatch_fail", func(t *testing.T) { sigstoretest.ConformanceCase(t, "rekor2-timestamp-payload-mismatch_fail") })
}

func TestAdversarial_C58_TSACertBag(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := tsaOnly(t, s)
	t.Run("forged cert first in the bag", func(t *testing.T) {
		// A self-made non-CA certificate with the timeStamping EKU and the
		// real leaf's issuer and serial, signed with its own key; the
		// response is signed by the real TSA key.
		forgedKey := sigstoretest.NewKey(t)
		eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
		forged := sigstoretest.Issue(t, &x509.Certificate{
			SerialNumber: s.TSALeaf.SerialNumber, Subject: s.TSALeaf.Subject, Issuer: s.TSALeaf.Issuer,
			NotBefore: sigstoretest.T0.AddDate(-1, 0, 0), NotAfter: sigstoretest.T0.AddDate(5, 0, 0),
			ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}},
		}, &x509.Certificate{Subject: s.TSARoot.Subject}, forgedKey.Public(), forgedKey)
		// The real leaf alone in the bag verifies: the surgery is sound.
		good := rawTSR(t, crypto.SHA256, b.Sig, s.TSALeaf, s.TSAKey, s.TSALeaf)
		if _, err := sigstoretest.VerifyPB(t, s.Verifier(t), withTimestamps(b.Clone(), good), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
			t.Fatalf("baseline: %v", err)
		}
		tsr := rawTSR(t, crypto.SHA256, b.Sig, s.TSALeaf, s.TSAKey, forged, s.TSALeaf)
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), withTimestamps(b.Clone(), tsr), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTimestamp)
	})
	t.Run("embedded leaf differs from the trusted leaf", func(t *testing.T) {
		// A second leaf, genuinely issued by the trusted TSA root, but not
		// the leaf the trusted root names: refused (our check; it chains).
		key := sigstoretest.NewKey(t)
		second := s.IssueTSALeaf(t, key, func(c *x509.Certificate) { c.SerialNumber = big.NewInt(99) })
		tsr := s.Timestamp(t, b.Sig, sigstoretest.T0.Add(time.Minute), second, key, true)
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), withTimestamps(b.Clone(), tsr), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTimestamp)
		// The same issuer and serial (a misissued twin): the timestamp
		// library's ESSCertID check passes; the whole certificate must
		// still be the trusted one.
		twinKey := sigstoretest.NewKey(t)
		twin := s.IssueTSALeaf(t, twinKey, nil)
		if twin.SerialNumber.Cmp(s.TSALeaf.SerialNumber) != 0 {
			t.Fatal("not a twin")
		}
		tsr = s.Timestamp(t, b.Sig, sigstoretest.T0.Add(time.Minute), twin, twinKey, true)
		_, err = sigstoretest.VerifyPB(t, s.Verifier(t), withTimestamps(b.Clone(), tsr), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTimestamp)
		// With no leaf named in the trusted root, a leaf that chains to the
		// root is accepted.
		tr := s.TrustedWith(t, func(spec *sigstore.TrustedRootSpec) { spec.TimestampAuthorities[0].Leaf = nil })
		v, _ := sigstoretest.NewVerifier(tr)
		if _, err := sigstoretest.VerifyPB(t, v, withTimestamps(b.Clone(), tsr), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail", func(t *testing.T) {
		sigstoretest.ConformanceCase(t, "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail")
	})
}

// rawTSR signs an RFC 3161 response by hand, for what the timestamp
// library refuses to make: a SHA-1 message imprint, or a certificate bag
// in a chosen order (bag; without it, the signer's certificate).
func rawTSR(t *testing.T, hash crypto.Hash, sig []byte, leaf *x509.Certificate, key *ecdsa.PrivateKey, bag ...*x509.Certificate) []byte {
	t.Helper()
	hh := hash.New()
	hh.Write(sig)
	hashOID := map[crypto.Hash]asn1.ObjectIdentifier{crypto.SHA1: {1, 3, 14, 3, 2, 26}, crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1}}[hash]
	type imprint struct {
		Alg  pkix.AlgorithmIdentifier
		Hash []byte
	}
	tst, err := asn1.Marshal(struct {
		Version int
		Policy  asn1.ObjectIdentifier
		Imprint imprint
		Serial  *big.Int
		GenTime time.Time `asn1:"generalized"`
	}{1, asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 2}, imprint{pkix.AlgorithmIdentifier{Algorithm: hashOID, Parameters: asn1.NullRawValue}, hh.Sum(nil)}, big.NewInt(42), sigstoretest.T0.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	sd, err := pkcs7.NewSignedData(tst)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1})
	sd.SetContentType(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4})
	sd.GetSignedData().Version = 3
	certHash := sha256.Sum256(leaf.Raw)
	ess, err := asn1.Marshal(struct{ Certs []struct{ Hash []byte } }{[]struct{ Hash []byte }{{certHash[:]}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := pkcs7.SignerInfoConfig{
		ExtraSignedAttributes: []pkcs7.Attribute{{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}, Value: asn1.RawValue{FullBytes: ess}}},
		SkipCertificates:      len(bag) > 0,
	}
	if err := sd.AddSigner(leaf, key, cfg); err != nil {
		t.Fatal(err)
	}
	for _, c := range bag {
		sd.AddCertificate(c)
	}
	token, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := asn1.Marshal(struct {
		Status struct{ Status int }
		Token  asn1.RawValue
	}{Token: asn1.RawValue{FullBytes: token}})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestAdversarial_C59_WeakTSASignerEKU(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := tsaOnly(t, s)
	tsEKU, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	twoEKU, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}, {1, 3, 6, 1, 4, 1, 99999, 7}})
	codeEKU, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 3}})
	for name, ext := range map[string]pkix.Extension{
		"no timeStamping EKU":              {Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: codeEKU},
		"EKU not critical":                 {Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: false, Value: tsEKU},
		"timeStamping plus an unknown EKU": {Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: twoEKU},
	} {
		t.Run(name, func(t *testing.T) {
			key := sigstoretest.NewKey(t)
			leaf := s.IssueTSALeaf(t, key, func(c *x509.Certificate) {
				c.SerialNumber = big.NewInt(1000)
				c.ExtraExtensions = []pkix.Extension{ext}
			})
			// The weak leaf is the one the trusted root names, so only the
			// EKU rules can refuse it.
			tr := s.TrustedWith(t, func(spec *sigstore.TrustedRootSpec) { spec.TimestampAuthorities[0].Leaf = leaf })
			v, _ := sigstoretest.NewVerifier(tr)
			tsr := s.Timestamp(t, b.Sig, sigstoretest.T0.Add(time.Minute), leaf, key, true)
			_, err := sigstoretest.VerifyPB(t, v, withTimestamps(b.Clone(), tsr), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrTimestamp)
		})
	}
}

func TestAdversarial_C60_UntrustedTSAOrBadTime(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := tsaOnly(t, s)
	otherRootKey, otherKey := sigstoretest.NewKey(t), sigstoretest.NewKey(t)
	otherRoot := sigstoretest.Issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(77), Subject: pkix.Name{CommonName: "other-tsa-root"},
		NotBefore: sigstoretest.T0.AddDate(-1, 0, 0), NotAfter: sigstoretest.T0.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}, nil, otherRootKey.Public(), otherRootKey)
	eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	otherLeaf := sigstoretest.Issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(78), Subject: pkix.Name{CommonName: "other-tsa"},
		NotBefore: sigstoretest.T0.AddDate(-1, 0, 0), NotAfter: sigstoretest.T0.AddDate(5, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}},
	}, otherRoot, otherKey.Public(), otherRootKey)
	for _, tc := range []struct {
		name string
		tsr  func() []byte
		root func(*sigstore.TrustedRootSpec)
	}{
		{"untrusted TSA, embedded cert", func() []byte {
			return s.Timestamp(t, b.Sig, sigstoretest.T0.Add(time.Minute), otherLeaf, otherKey, true)
		}, nil},
		{"untrusted TSA, no embedded cert", func() []byte {
			return s.Timestamp(t, b.Sig, sigstoretest.T0.Add(time.Minute), otherLeaf, otherKey, false)
		}, nil},
		{"genTime outside the TSA certificate", func() []byte {
			return s.Timestamp(t, b.Sig, sigstoretest.T0.AddDate(6, 0, 0), s.TSALeaf, s.TSAKey, true)
		}, nil},
		{"genTime outside the trust-root window", func() []byte {
			return s.Timestamp(t, b.Sig, sigstoretest.T0.Add(time.Minute), s.TSALeaf, s.TSAKey, true)
		},
			func(spec *sigstore.TrustedRootSpec) {
				spec.TimestampAuthorities[0].ValidFrom = sigstoretest.T0.Add(2 * time.Minute)
			}},
		{"genTime outside the signing certificate", func() []byte {
			return s.Timestamp(t, b.Sig, sigstoretest.T0.Add(11*time.Minute), s.TSALeaf, s.TSAKey, true)
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := s.Verifier(t)
			if tc.root != nil {
				v, _ = sigstoretest.NewVerifier(s.TrustedWith(t, tc.root))
			}
			_, err := sigstoretest.VerifyPB(t, v, withTimestamps(b.Clone(), tc.tsr()), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, nil)
		})
	}
	// "Expired today, valid at genTime" needs a response whose PKCS#7
	// signing time is in the past; the library stamps the current time,
	// so the real vector stands in: rekor2-timestamp-with-expired-cert-chain.
	for _, name := range []string{
		"rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail", "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
		"rekor2-timestamp-outside-tsa-cert-validity_fail", "rekor2-timestamp-outside-trust-root-tsa-validity_fail",
		"rekor2-timestamp-with-incorrect-time_fail", "intoto-tsa-timestamp-outside-cert-validity_fail",
		"rekor2-timestamp-with-expired-cert-chain", "rekor2-timestamp-with-embedded-cert", "rekor2-timestamp-without-embedded-cert",
	} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C61_TimestampThreshold(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := tsaOnly(t, s)
	tsr1 := s.Timestamp(t, b.Sig, sigstoretest.T0.Add(time.Minute), s.TSALeaf, s.TSAKey, true)
	tsr2 := s.Timestamp(t, b.Sig, sigstoretest.T0.Add(2*time.Minute), s.TSALeaf, s.TSAKey, true)
	t.Run("threshold 2 met by one TSA twice", func(t *testing.T) {
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithSignedTimestamps(2)), withTimestamps(b.Clone(), tsr1, tsr2), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTimestamp)
	})
	t.Run("observer threshold 3 with one log and one TSA", func(t *testing.T) {
		full := s.Sign(t, sigstoretest.SignOpts{TSA: true})
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithObserverTimestamps(3)), full.Clone(), sigstoretest.ArtifactDigest(t, full.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTimestamp)
		res, err := sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithObserverTimestamps(2)), full.Clone(), sigstoretest.ArtifactDigest(t, full.Artifact), sigstoretest.Identity(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Times) != 2 {
			t.Fatalf("times %v", res.Times)
		}
	})
	t.Run("33 timestamps", func(t *testing.T) {
		var many [][]byte
		for i := 0; i < 33; i++ {
			many = append(many, tsr1)
		}
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), withTimestamps(b.Clone(), many...), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrMalformed)
	})
}

func TestAdversarial_C62_WeakTSRFields(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := tsaOnly(t, s)
	// The hand-made response verifies with SHA-256, and is refused with
	// SHA-1 alone changed.
	good := rawTSR(t, crypto.SHA256, b.Sig, s.TSALeaf, s.TSAKey)
	if _, err := sigstoretest.VerifyPB(t, s.Verifier(t), withTimestamps(b.Clone(), good), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
		t.Fatalf("baseline: %v", err)
	}
	weak := rawTSR(t, crypto.SHA1, b.Sig, s.TSALeaf, s.TSAKey)
	_, err := sigstoretest.VerifyPB(t, s.Verifier(t), withTimestamps(b.Clone(), weak), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrTimestamp)
}
