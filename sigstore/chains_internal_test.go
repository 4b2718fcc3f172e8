package sigstore

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// TestFastChainsAgree: the chain shortcut (chains.go) never accepts what
// sigstore-go's FulcioCertificateAuthority.Verify rejects, and when it
// accepts, it returns the chain the slow path returns; CAs it cannot
// stand in for get no shortcut.
func TestFastChainsAgree(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	serial := int64(1)
	mk := func(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
		t.Helper()
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		if parent == nil {
			parent, parentKey = tmpl, k
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, k.Public(), parentKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c, k
	}
	ca := func(name string, edit func(*x509.Certificate)) *x509.Certificate {
		c := &x509.Certificate{Subject: pkix.Name{CommonName: name}, NotBefore: now.AddDate(-2, 0, 0), NotAfter: now.AddDate(2, 0, 0),
			IsCA: true, BasicConstraintsValid: true, MaxPathLen: -1, KeyUsage: x509.KeyUsageCertSign}
		if edit != nil {
			edit(c)
		}
		return c
	}
	leafTmpl := func(edit func(*x509.Certificate)) *x509.Certificate {
		c := &x509.Certificate{Subject: pkix.Name{CommonName: "leaf"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
		if edit != nil {
			edit(c)
		}
		return c
	}
	type setup struct {
		name      string
		rootEdit  func(*x509.Certificate)
		interEdit func(*x509.Certificate)
		leafEdit  func(*x509.Certificate)
		caStart   time.Time
		twoLevels bool
		stranger  bool
		wantShort bool // a shortcut is prepared for the CA
	}
	for _, s := range []setup{
		{name: "plain", wantShort: true},
		{name: "root allows code signing", rootEdit: func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning} }, wantShort: true},
		{name: "root for TLS only", rootEdit: func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }},
		{name: "root with name constraints", rootEdit: func(c *x509.Certificate) { c.PermittedDNSDomains = []string{"example.com"} }},
		{name: "root path length 0", rootEdit: func(c *x509.Certificate) { c.MaxPathLen, c.MaxPathLenZero = 0, true }},
		{name: "root expires soon", rootEdit: func(c *x509.Certificate) { c.NotAfter = now.Add(30 * time.Minute) }, wantShort: true},
		{name: "intermediate not a CA", interEdit: func(c *x509.Certificate) {
			c.IsCA, c.BasicConstraintsValid, c.KeyUsage = false, true, x509.KeyUsageCertSign
		}},
		{name: "intermediate for TLS only", interEdit: func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }, wantShort: true},
		{name: "intermediate expired", interEdit: func(c *x509.Certificate) { c.NotAfter = now.Add(-time.Minute) }, wantShort: true},
		{name: "leaf without code signing", leafEdit: func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection} }, wantShort: true},
		{name: "CA validity starts later", caStart: now.Add(time.Minute), wantShort: true},
		{name: "two intermediates", twoLevels: true, wantShort: true},
		{name: "leaf of a stranger intermediate", stranger: true, wantShort: true},
	} {
		t.Run(s.name, func(t *testing.T) {
			r, rk := mk(ca("root", s.rootEdit), nil, nil)
			in, ik := mk(ca("intermediate", s.interEdit), r, rk)
			inters := []*x509.Certificate{in}
			issuer, issuerKey := in, ik
			if s.twoLevels {
				in2, ik2 := mk(ca("intermediate 2", nil), in, ik)
				inters = append(inters, in2)
				issuer, issuerKey = in2, ik2
			}
			if s.stranger {
				issuer, issuerKey = mk(ca("stranger", nil), nil, nil)
			}
			leaf, _ := mk(leafTmpl(s.leafEdit), issuer, issuerKey)
			fca := &root.FulcioCertificateAuthority{Root: r, Intermediates: inters, ValidityPeriodStart: s.caStart}
			tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, []root.CertificateAuthority{fca}, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			fast := fastCAs(tr)[0]
			if (fast != nil) != s.wantShort {
				t.Fatalf("shortcut prepared: %v, want %v", fast != nil, s.wantShort)
			}
			for _, at := range []time.Time{now, now.Add(-2 * time.Hour), now.Add(45 * time.Minute), now.Add(2 * time.Hour)} {
				slow, slowErr := fca.Verify(leaf, at)
				if fast == nil {
					continue
				}
				got, ok := fast.verify(leaf, at)
				switch {
				case ok && slowErr != nil:
					t.Errorf("at %s: the shortcut accepts what the slow path rejects: %v", at, slowErr)
				case ok && (len(got) != len(slow) || !sameChain(got[0], slow[0])):
					t.Errorf("at %s: chains differ", at)
				case !ok && slowErr == nil && !s.twoLevels:
					t.Errorf("at %s: the shortcut missed a valid chain", at)
				}
			}
		})
	}
}

func sameChain(a, b []*x509.Certificate) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}
