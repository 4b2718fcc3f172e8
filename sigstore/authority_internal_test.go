package sigstore

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
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// The timestamp library already compares an embedded signer certificate
// with the trusted one; checkTSASigner (SECURITY.md C58) does not rely on
// it: a twin certificate (same issuer and serial, another key) is refused.
func TestCheckTSASigner(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	rootKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rootTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "r"}, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, _ := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	rootCert, _ := x509.ParseCertificate(der)
	leaf := func() (*x509.Certificate, *ecdsa.PrivateKey) {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(4), Subject: pkix.Name{CommonName: "tsa"}, NotBefore: now.AddDate(-1, 0, 0), NotAfter: time.Now().AddDate(5, 0, 0),
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}
		d, err := x509.CreateCertificate(rand.Reader, tmpl, rootCert, k.Public(), rootKey)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(d)
		return c, k
	}
	a, _ := leaf()
	b, bKey := leaf()
	sig := sha256.Sum256([]byte("signature"))
	tsr := func(embed bool) []byte {
		ts := timestamp.Timestamp{HashAlgorithm: crypto.SHA256, HashedMessage: sig[:], Time: now, Policy: asn1.ObjectIdentifier{1, 2, 3}, AddTSACertificate: embed}
		out, err := ts.CreateResponseWithOpts(b, bKey, crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		tsa     root.TimestampingAuthority
		tsr     []byte
		wantErr bool
	}{
		{"twin embedded, other leaf trusted", &root.SigstoreTimestampingAuthority{Root: rootCert, Leaf: a}, tsr(true), true},
		{"embedded signer is the trusted leaf", &root.SigstoreTimestampingAuthority{Root: rootCert, Leaf: b}, tsr(true), false},
		{"no leaf in the trusted root", &root.SigstoreTimestampingAuthority{Root: rootCert}, tsr(true), false},
		{"nothing embedded", &root.SigstoreTimestampingAuthority{Root: rootCert, Leaf: a}, tsr(false), false},
		{"garbage", &root.SigstoreTimestampingAuthority{Root: rootCert, Leaf: a}, []byte{0x30, 0x03, 0x02, 0x01, 0x00}, true},
	} {
		err := checkTSASigner(tc.tsr, tc.tsa)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestCheckCheckpoint(t *testing.T) {
	sig := "\u2014 rekor.sigstore.dev wNI9ajBFAiEA\n"
	body := "rekor.sigstore.dev - 1193050959916656506\n42\nabc=\n"
	for _, tc := range []struct {
		env string
		ok  bool
	}{
		{body + "\n" + sig, true},
		{body + "\n" + "\u2014 rekor.evil.dev wNI9ajBFAiEA\n", false},
		{body + "\n" + sig + "\u2014 witness.example wNI9\n", false},
		{body + "\n" + "- rekor.sigstore.dev wNI9\n", false},
		// Not a Rekor v1 origin: left to sigstore-go (Rekor v2 rules).
		{"log2025-1.rekor.sigstore.dev\n42\nabc=\n\n\u2014 witness.example wNI9\n", true},
		{"", true},
		// One spelling per signature: "AAAAAQ==" is canonical, "AAAAAR=="
		// decodes to the same bytes with a padding bit set.
		{body + "\n" + "\u2014 rekor.sigstore.dev AAAAAQ==\n", true},
		{body + "\n" + "\u2014 rekor.sigstore.dev AAAAAR==\n", false},
		{"log2025-1.rekor.sigstore.dev\n42\nabc=\n\n\u2014 witness.example AAAAAR==\n", false},
		{body + "\n" + "\u2014 rekor.sigstore.dev AAAA AQ==\n", false},
	} {
		if err := checkCheckpoint(tc.env); (err == nil) != tc.ok {
			t.Errorf("%q: %v", tc.env, err)
		}
	}
}
