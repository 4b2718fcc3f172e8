package verify_test

// SECURITY.md area D: X.509, Fulcio identity, SCTs.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"

	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// signLeaf signs a default bundle with a leaf changed by edit.
func signLeaf(t *testing.T, s *testSigstore, o leafOpts) signedBundle {
	t.Helper()
	return s.sign(t, signOpts{leaf: o})
}

func replaceExt(exts []pkix.Extension, id asn1.ObjectIdentifier, with ...pkix.Extension) []pkix.Extension {
	var out []pkix.Extension
	for _, e := range exts {
		if !e.Id.Equal(id) {
			out = append(out, e)
		}
	}
	return append(out, with...)
}

func TestAdversarial_C42_IdentityMismatchOrIgnored(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	t.Run("attacker's workflow", func(t *testing.T) {
		b := signLeaf(t, s, leafOpts{san: "https://github.com/attacker/x/.github/workflows/release.yml@refs/tags/v1.2.3"})
		res, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrIdentity)
		var ie *verify.IdentityError
		if !errors.As(err, &ie) || ie.Identity == nil || !strings.Contains(ie.Identity.SAN, "attacker") || res != nil {
			t.Fatalf("IdentityError %+v", ie)
		}
	})
	t.Run("two SANs, the expected one second", func(t *testing.T) {
		b := signLeaf(t, s, leafOpts{san: "https://evil.example/x", edit: func(c *x509.Certificate) {
			c.EmailAddresses = []string{"dev@example.com"}
		}})
		for _, id := range []verify.CertificateIdentity{
			{SAN: "dev@example.com", Issuer: testIssuer},
			{SAN: "https://evil.example/x", Issuer: testIssuer},
		} {
			p, _ := verify.NewIdentityPolicy(id)
			_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), p)
			wantReject(t, err, verify.ErrCertificate)
		}
	})
	t.Run("a DNS SAN", func(t *testing.T) {
		b := signLeaf(t, s, leafOpts{edit: func(c *x509.Certificate) { c.URIs = nil; c.DNSNames = []string{"github.com"} }})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), verify.WithoutIdentityUnsafe())
		wantReject(t, err, verify.ErrCertificate)
	})
	t.Run("email SAN accepted", func(t *testing.T) {
		b := signLeaf(t, s, leafOpts{san: "dev@example.com"})
		p, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: "dev@example.com", Issuer: testIssuer})
		res, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), p)
		if err != nil {
			t.Fatal(err)
		}
		if res.Identity().SANType != "email" {
			t.Fatalf("SAN type %q", res.Identity().SANType)
		}
	})
}

func TestAdversarial_C43_RegexpAnchoring(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	pol := func(re string) verify.IdentityPolicy {
		p, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SANRegexp: re, Issuer: testIssuer})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		san, re string
		ok      bool
	}{
		{"https://evil.example/https://github.com/org/repo/.github/workflows/x.yml@refs/heads/main", `https://github.com/org/repo/.*`, false},
		{"https://github.com/org/repo-evil/.github/workflows/x.yml@refs/heads/main", `https://github\.com/org/repo/.*`, false},
		{"https://github.com/org/repo/.github/workflows/x.yml@refs/heads/main", `https://github\.com/org/repo/`, false},
		{"https://github.com/org/repo/.github/workflows/x.yml@refs/heads/main", `https://github\.com/org/repo/.*`, true},
		// An alternation does not escape the anchors: ^(?:a|b)$.
		{"https://evil.example/x", `https://github\.com/org/repo/.*|https://evil`, false},
	} {
		t.Run(tc.san+" ~ "+tc.re, func(t *testing.T) {
			b := signLeaf(t, s, leafOpts{san: tc.san})
			_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), pol(tc.re))
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantReject(t, err, verify.ErrIdentity)
		})
	}
	t.Run("issuer regexp anchored", func(t *testing.T) {
		b := signLeaf(t, s, leafOpts{issuer: "https://token.actions.githubusercontent.com.evil.com"})
		p, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: testSAN, IssuerRegexp: `https://token\.actions\.githubusercontent\.com`})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), p)
		wantReject(t, err, verify.ErrIdentity)
	})
	t.Run("exact and regexp both set is a configuration error", func(t *testing.T) {
		for _, id := range []verify.CertificateIdentity{
			{SAN: testSAN, SANRegexp: ".*", Issuer: testIssuer},
			{SAN: testSAN, Issuer: testIssuer, IssuerRegexp: ".*"},
			{SANRegexp: "(", Issuer: testIssuer},
			{SANRegexp: strings.Repeat("a", verify.MaxIdentityPatternBytes+1), Issuer: testIssuer},
		} {
			if _, err := verify.NewIdentityPolicy(id); !errors.Is(err, verify.ErrInvalidOptions) {
				t.Errorf("%+v: %v", id, err)
			}
		}
	})
}

func TestAdversarial_C44_IssuerExtensionTricks(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	ia5, _ := asn1.MarshalWithParams(testIssuer, "ia5")
	octet, _ := asn1.Marshal([]byte(testIssuer))
	for _, tc := range []struct {
		name string
		exts func([]pkix.Extension) []pkix.Extension
	}{
		{"missing", func(e []pkix.Extension) []pkix.Extension {
			return replaceExt(replaceExt(e, oidIssuerV1), oidIssuerV2)
		}},
		{"v1 and v2 disagree", func(e []pkix.Extension) []pkix.Extension {
			return replaceExt(e, oidIssuerV1, pkix.Extension{Id: oidIssuerV1, Value: []byte("https://accounts.google.com")})
		}},
		{"v2 as IA5String", func(e []pkix.Extension) []pkix.Extension {
			return replaceExt(replaceExt(e, oidIssuerV1), oidIssuerV2, pkix.Extension{Id: oidIssuerV2, Value: ia5})
		}},
		{"v2 as OCTET STRING", func(e []pkix.Extension) []pkix.Extension {
			return replaceExt(replaceExt(e, oidIssuerV1), oidIssuerV2, pkix.Extension{Id: oidIssuerV2, Value: octet})
		}},
		{"v2 with trailing bytes", func(e []pkix.Extension) []pkix.Extension {
			u, _ := asn1.MarshalWithParams(testIssuer, "utf8")
			return replaceExt(e, oidIssuerV2, pkix.Extension{Id: oidIssuerV2, Value: append(u, 0)})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := signLeaf(t, s, leafOpts{edit: func(c *x509.Certificate) { c.ExtraExtensions = tc.exts(c.ExtraExtensions) }})
			_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("v1 only is read", func(t *testing.T) {
		b := signLeaf(t, s, leafOpts{edit: func(c *x509.Certificate) { c.ExtraExtensions = replaceExt(c.ExtraExtensions, oidIssuerV2) }})
		if _, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t)); err != nil {
			t.Fatal(err)
		}
	})
	for _, issuer := range []string{"https://token.actions.githubusercontent.com.evil.com", "https://token.actions.githubusercontent.com/", "token.actions.githubusercontent.com"} {
		t.Run("issuer "+issuer, func(t *testing.T) {
			b := signLeaf(t, s, leafOpts{issuer: issuer})
			_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, verify.ErrIdentity)
		})
	}
}

func TestAdversarial_C45_CertificateClaims(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	b := s.sign(t, signOpts{})
	base := verify.CertificateIdentity{SAN: testSAN, Issuer: testIssuer}
	for _, tc := range []struct {
		name   string
		claims verify.FulcioClaims
		ok     bool
	}{
		{"all match", verify.FulcioClaims{SourceRepositoryURI: "https://github.com/org/repo", SourceRepositoryRef: "refs/tags/v1.2.3", BuildSignerURI: testSAN, BuildTrigger: "push", RunnerEnvironment: "github-hosted"}, true},
		{"other repository", verify.FulcioClaims{SourceRepositoryURI: "https://github.com/org/repo-fork"}, false},
		{"other build signer", verify.FulcioClaims{BuildSignerURI: "https://github.com/org/repo/.github/workflows/other.yml@refs/tags/v1.2.3"}, false},
		{"other commit", verify.FulcioClaims{SourceRepositoryDigest: "0123456789abcdef0123456789abcdef01234567"}, false},
		{"self-hosted required, github-hosted used", verify.FulcioClaims{RunnerEnvironment: "self-hosted"}, false},
		{"other trigger", verify.FulcioClaims{BuildTrigger: "workflow_dispatch"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := base
			id.Claims = tc.claims
			p, err := verify.NewIdentityPolicy(id)
			if err != nil {
				t.Fatal(err)
			}
			res, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), p)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if res.Identity().Claims.SourceRepositoryURI != "https://github.com/org/repo" || res.Identity().Claims.BuildTrigger != "push" {
					t.Fatalf("claims %+v", res.Identity().Claims)
				}
				return
			}
			wantReject(t, err, verify.ErrIdentity)
		})
	}
}

// C75 and C76 are about provenance (package policy); the certificate side
// of them is exact claim matching, tested here.
func TestAdversarial_C75_C76_BuilderAndSourceClaimsExact(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	b := s.sign(t, signOpts{})
	for _, claims := range []verify.FulcioClaims{
		{BuildSignerURI: testSAN + ".evil"},
		{BuildSignerURI: strings.Replace(testSAN, "refs/tags/v1.2.3", "refs/heads/main", 1)},
		{SourceRepositoryURI: "https://github.com/org/repo/../evil"},
		{SourceRepositoryURI: "https://github.com/ORG/repo"},
		{SourceRepositoryURI: "git+https://github.com/org/repo"},
	} {
		p, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: testSAN, Issuer: testIssuer, Claims: claims})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), p)
		wantReject(t, err, verify.ErrIdentity)
	}
}

func TestAdversarial_C46_IntermediateNotCA(t *testing.T) {
	s := theSigstore(t)
	for _, tc := range []struct {
		name string
		edit func(*x509.Certificate)
	}{
		{"CA:false", func(c *x509.Certificate) { c.IsCA = false }},
		{"no basicConstraints", func(c *x509.Certificate) { c.BasicConstraintsValid = false; c.IsCA = false }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inter, key := s.newIntermediate(tc.edit)
			tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
				spec.CertificateAuthorities[0].Intermediates = append(spec.CertificateAuthorities[0].Intermediates, inter)
			})
			v, _ := newSigstoreVerifier(tr)
			b := signLeaf(t, s, leafOpts{parent: inter, parentKey: key})
			_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("path length exceeded", func(t *testing.T) {
		first, firstKey := s.newIntermediate(func(c *x509.Certificate) { c.MaxPathLen = 0; c.MaxPathLenZero = true })
		tmpl := &x509.Certificate{
			SerialNumber: s.inter.SerialNumber, Subject: pkix.Name{CommonName: "second"},
			NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(5, 0, 0),
			KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		}
		secondKey := mustKey()
		second := issue(tmpl, first, secondKey.Public(), firstKey)
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.CertificateAuthorities[0].Intermediates = []*x509.Certificate{second, first}
		})
		v, _ := newSigstoreVerifier(tr)
		b := signLeaf(t, s, leafOpts{parent: second, parentKey: secondKey})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrCertificate)
	})
	t.Run("leaf is a CA", func(t *testing.T) {
		b := signLeaf(t, s, leafOpts{edit: func(c *x509.Certificate) { c.BasicConstraintsValid = true; c.IsCA = true }})
		_, err := verifyPB(t, s.verifier(t), b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrCertificate)
	})
}

func TestAdversarial_C47_TrustAnchorsFromBundle(t *testing.T) {
	s := theSigstore(t)
	attackerRootKey := mustKey()
	attackerRoot := issue(&x509.Certificate{
		SerialNumber: s.root.SerialNumber, Subject: s.root.Subject,
		NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}, nil, attackerRootKey.Public(), attackerRootKey)
	attackerInterKey := mustKey()
	attackerInter := issue(&x509.Certificate{
		SerialNumber: s.inter.SerialNumber, Subject: s.inter.Subject,
		NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}, attackerRoot, attackerInterKey.Public(), attackerRootKey)
	b := s.sign(t, signOpts{version: "v0.2", leaf: leafOpts{parent: attackerInter, parentKey: attackerInterKey}})
	pb := b.clone()
	pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_X509CertificateChain{X509CertificateChain: &protocommon.X509CertificateChain{
		Certificates: []*protocommon.X509Certificate{{RawBytes: b.leaf.Raw}, {RawBytes: attackerInter.Raw}, {RawBytes: attackerRoot.Raw}},
	}}
	_, err := verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
	wantReject(t, err, verify.ErrCertificate)
	t.Run("bundle-with-root-cert_fail", func(t *testing.T) { conformanceCase(t, "bundle-with-root-cert_fail") })
	t.Run("bundle-empty-certificate-chain_fail", func(t *testing.T) { conformanceCase(t, "bundle-empty-certificate-chain_fail") })
}

func TestAdversarial_C48_WrongEKU(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	for _, tc := range []struct {
		name string
		eku  []x509.ExtKeyUsage
	}{
		{"no EKU at all", nil},
		{"serverAuth only", []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		{"anyExtendedKeyUsage", []x509.ExtKeyUsage{x509.ExtKeyUsageAny}},
		{"codeSigning and anyExtendedKeyUsage", []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning, x509.ExtKeyUsageAny}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := signLeaf(t, s, leafOpts{edit: func(c *x509.Certificate) { c.ExtKeyUsage = tc.eku }})
			_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("intermediate without codeSigning", func(t *testing.T) {
		inter, key := s.newIntermediate(func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} })
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.CertificateAuthorities[0].Intermediates = []*x509.Certificate{inter}
		})
		v, _ := newSigstoreVerifier(tr)
		b := signLeaf(t, s, leafOpts{parent: inter, parentKey: key})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrCertificate)
	})
}

func TestAdversarial_C49_UnknownCriticalExtension(t *testing.T) {
	s := theSigstore(t)
	crit := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}}
	t.Run("leaf", func(t *testing.T) {
		b := signLeaf(t, s, leafOpts{edit: func(c *x509.Certificate) { c.ExtraExtensions = append(c.ExtraExtensions, crit) }})
		_, err := verifyPB(t, s.verifier(t), b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrCertificate)
	})
	t.Run("intermediate", func(t *testing.T) {
		inter, key := s.newIntermediate(func(c *x509.Certificate) { c.ExtraExtensions = []pkix.Extension{crit} })
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.CertificateAuthorities[0].Intermediates = []*x509.Certificate{inter}
		})
		v, _ := newSigstoreVerifier(tr)
		b := signLeaf(t, s, leafOpts{parent: inter, parentKey: key})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrCertificate)
	})
}

func TestAdversarial_C50_ExpiredCertificateWithoutTrustedTime(t *testing.T) {
	calls := denyNetwork(t)
	s := theSigstore(t)
	t.Run("no log, no timestamp", func(t *testing.T) {
		b := s.sign(t, signOpts{noTlog: true})
		_, err := verifyPB(t, s.verifier(t, sigstore.WithoutTransparencyLogUnsafe()), b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTimestamp)
	})
	t.Run("proof without promise, no timestamp", func(t *testing.T) {
		// The proof shows the entry is in the log, but not when: the
		// integrated time is not signed.
		b := s.sign(t, signOpts{noPromise: true})
		_, err := verifyPB(t, s.verifier(t), b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTimestamp)
	})
	t.Run("the caller's time must be inside the certificate", func(t *testing.T) {
		b := s.sign(t, signOpts{noTlog: true})
		v := s.verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(t0.Add(time.Hour)))
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrCertificate)
		v = s.verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(t0.Add(2*time.Minute)))
		res, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Times) != 1 || res.Times[0].Source != verify.TimeSourceCaller {
			t.Fatalf("times %v", res.Times)
		}
	})
	t.Run("intoto-expired-certificate_fail", func(t *testing.T) { conformanceCase(t, "intoto-expired-certificate_fail") })
	if *calls != 0 {
		t.Fatal("network")
	}
}

func TestAdversarial_C51_IntermediateNotValidAtSigningTime(t *testing.T) {
	s := theSigstore(t)
	for _, tc := range []struct {
		name  string
		edit  func(*x509.Certificate)
		o     signOpts
		vopts []any
	}{
		{"intermediate expired before signing, with log", func(c *x509.Certificate) { c.NotAfter = t0.Add(-time.Hour) }, signOpts{}, nil},
		{"intermediate expired before signing, log skipped", func(c *x509.Certificate) { c.NotAfter = t0.Add(-time.Hour) },
			signOpts{noTlog: true, tsa: true}, []any{sigstore.WithoutTransparencyLogUnsafe()}},
		{"intermediate not yet valid", func(c *x509.Certificate) { c.NotBefore = t0.Add(time.Hour) }, signOpts{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inter, key := s.newIntermediate(tc.edit)
			tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
				spec.CertificateAuthorities[0].Intermediates = []*x509.Certificate{inter}
			})
			v, err := newSigstoreVerifier(tr, tc.vopts...)
			if err != nil {
				t.Fatal(err)
			}
			tc.o.leaf = leafOpts{parent: inter, parentKey: key}
			b := s.sign(t, tc.o)
			_, err = verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("every verified time", func(t *testing.T) {
		// The log's time is inside the certificate; the timestamp's is
		// not: both are checked, so the bundle fails.
		b := s.sign(t, signOpts{tsa: true, tsaTime: t0.Add(20 * time.Minute)})
		_, err := verifyPB(t, s.verifier(t), b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrCertificate)
	})
}

func TestAdversarial_C52_KeyValidityWindow(t *testing.T) {
	s := theSigstore(t)
	t.Run("log key window ends before the promise", func(t *testing.T) {
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.TransparencyLogs[0].ValidUntil = t0.Add(time.Minute - time.Second)
		})
		v, _ := newSigstoreVerifier(tr)
		b := s.sign(t, signOpts{})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTransparencyLog)
	})
	t.Run("log key window ends before the timestamp (proof only)", func(t *testing.T) {
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.TransparencyLogs[0].ValidUntil = t0.Add(time.Minute - time.Second)
		})
		v, _ := newSigstoreVerifier(tr)
		b := s.sign(t, signOpts{noPromise: true, tsa: true})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTransparencyLog)
	})
	t.Run("TSA window ends before the timestamp", func(t *testing.T) {
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.TimestampAuthorities[0].ValidUntil = t0.Add(time.Minute - time.Second)
		})
		v, _ := newSigstoreVerifier(tr)
		b := s.sign(t, signOpts{noPromise: true, tsa: true})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTimestamp)
	})
	t.Run("CA window ends before signing", func(t *testing.T) {
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) { spec.CertificateAuthorities[0].ValidUntil = t0 })
		v, _ := newSigstoreVerifier(tr)
		b := s.sign(t, signOpts{})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrCertificate)
	})
	t.Run("a window but no timestamps", func(t *testing.T) {
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) { spec.TransparencyLogs[0].ValidUntil = t0.AddDate(1, 0, 0) })
		v, _ := newSigstoreVerifier(tr)
		b := s.sign(t, signOpts{noPromise: true})
		_, err := verifyPB(t, v, b.clone(), artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrTimestamp)
	})
}

func TestAdversarial_C53_SCTs(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	otherCT := mustKey()
	for _, tc := range []struct {
		name string
		o    leafOpts
		v    *sigstoreVerifier
	}{
		{"no SCT", leafOpts{noSCT: true}, v},
		{"SCT from a log not in the trusted root", leafOpts{sctKeys: []*ecdsa.PrivateKey{otherCT}}, v},
		{"SCT over another precertificate", leafOpts{sctIssuer: s.root}, v},
		{"two SCTs from one log, threshold 2", leafOpts{sctKeys: []*ecdsa.PrivateKey{s.ctKey, s.ctKey}}, s.verifier(t, sigstore.WithSignedCertificateTimestamps(2))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := signLeaf(t, s, tc.o)
			_, err := verifyPB(t, tc.v, b.clone(), artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("two SCTs from two logs, threshold 2", func(t *testing.T) {
		tr := s.trustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.CTLogs = append(spec.CTLogs, sigstore.TransparencyLog{BaseURL: "https://ct2.test", PublicKey: otherCT.Public(), ValidFrom: t0.AddDate(-1, 0, 0)})
		})
		v2, _ := newSigstoreVerifier(tr, sigstore.WithSignedCertificateTimestamps(2))
		b := signLeaf(t, s, leafOpts{sctKeys: []*ecdsa.PrivateKey{s.ctKey, otherCT}})
		if _, err := verifyPB(t, v2, b.clone(), artDigest(b.artifact), testIdentity(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no SCT, explicitly allowed", func(t *testing.T) {
		b := signLeaf(t, s, leafOpts{noSCT: true})
		res, err := verifyPB(t, s.verifier(t, sigstore.WithoutSignedCertificateTimestampsUnsafe()), b.clone(), artDigest(b.artifact), testIdentity(t))
		if err != nil {
			t.Fatal(err)
		}
		if !contains(res.Skipped, verify.CheckSCT) {
			t.Fatalf("skipped %v", res.Skipped)
		}
	})
	for _, name := range []string{"invalid-ct-key_fail", "bundle-with-sct-with-extensions"} {
		t.Run(name, func(t *testing.T) { conformanceCase(t, name) })
	}
}

func TestAdversarial_C54_KeyConfusion(t *testing.T) {
	s := theSigstore(t)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for name, pub := range map[string]any{"P-224": p224.Public(), "RSA-1024": rsa1024.Public()} {
		t.Run(name, func(t *testing.T) {
			// A certificate for the weak key, swapped into a valid bundle.
			b := s.sign(t, signOpts{})
			tmpl := s.leafTemplate(leafOpts{}, pub)
			leaf := issue(tmpl, s.inter, pub, s.interKey)
			pb := b.clone()
			pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: leaf.Raw}}
			_, err := verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, verify.ErrCertificate)
		})
	}
}

func TestAdversarial_C55_ChainBounds(t *testing.T) {
	s := theSigstore(t)
	t.Run("trusted chain longer than 10", func(t *testing.T) {
		spec := s.spec()
		for i := 0; i < sigstore.MaxChainLength; i++ {
			spec.CertificateAuthorities[0].Intermediates = append(spec.CertificateAuthorities[0].Intermediates, s.inter)
		}
		_, err := sigstore.NewTrustedRoot(spec)
		wantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("too many authorities", func(t *testing.T) {
		spec := s.spec()
		for i := 0; i < sigstore.MaxTrustedAuthorities; i++ {
			spec.CertificateAuthorities = append(spec.CertificateAuthorities, spec.CertificateAuthorities[0])
		}
		_, err := sigstore.NewTrustedRoot(spec)
		wantReject(t, err, verify.ErrTrustedRoot)
	})
}

func TestAdversarial_C56_DERParsing(t *testing.T) {
	s := theSigstore(t)
	b := s.sign(t, signOpts{})
	for name, edit := range map[string]func([]byte) []byte{
		"trailing byte": func(d []byte) []byte { return append(append([]byte{}, d...), 0) },
		"truncated":     func(d []byte) []byte { return d[:len(d)-1] },
		"BER length":    func(d []byte) []byte { return append([]byte{0x30, 0x80}, append(append([]byte{}, d[4:]...), 0, 0)...) },
		"nested":        func([]byte) []byte { return []byte(strings.Repeat("\x30\x82\xff\xff", 1000)) },
	} {
		t.Run(name, func(t *testing.T) {
			pb := b.clone()
			pb.VerificationMaterial.GetCertificate().RawBytes = edit(b.leaf.Raw)
			_, err := verifyPB(t, s.verifier(t), pb, artDigest(b.artifact), testIdentity(t))
			wantReject(t, err, nil)
		})
	}
}

var _ = url.Parse
