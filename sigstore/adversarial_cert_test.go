package sigstore_test

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
	"slices"
	"strings"
	"testing"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"

	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// signLeaf signs a default bundle with a leaf changed by edit.
func signLeaf(t *testing.T, s *sigstoretest.Sigstore, o sigstoretest.LeafOpts) sigstoretest.Signed {
	t.Helper()
	return s.Sign(t, sigstoretest.SignOpts{Leaf: o})
}

// underIntermediate issues an intermediate under the test root, changed
// by edit, and returns a trusted root listing it as the only
// intermediate, and the leaf options to issue a leaf under it.
func underIntermediate(t *testing.T, s *sigstoretest.Sigstore, edit func(*x509.Certificate)) (*sigstore.TrustedRoot, sigstoretest.LeafOpts) {
	t.Helper()
	inter, key := s.NewIntermediate(t, edit)
	tr := s.TrustedWith(t, func(spec *sigstore.TrustedRootSpec) {
		spec.CertificateAuthorities[0].Intermediates = []*x509.Certificate{inter}
	})
	return tr, sigstoretest.LeafOpts{Parent: inter, ParentKey: key}
}

// rejectUnderIntermediate: a leaf issued by an intermediate changed by
// edit is refused, even with the intermediate in the trusted root.
func rejectUnderIntermediate(t *testing.T, s *sigstoretest.Sigstore, edit func(*x509.Certificate)) {
	t.Helper()
	tr, leaf := underIntermediate(t, s, edit)
	v, _ := sigstoretest.NewVerifier(tr)
	b := signLeaf(t, s, leaf)
	_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrCertificate)
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
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	t.Run("attacker's workflow", func(t *testing.T) {
		b := signLeaf(t, s, sigstoretest.LeafOpts{SAN: "https://github.com/attacker/x/.github/workflows/release.yml@refs/tags/v1.2.3"})
		res, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrIdentity)
		var ie *verify.IdentityError
		if !errors.As(err, &ie) || ie.Identity == nil || !strings.Contains(ie.Identity.SAN, "attacker") || res != nil {
			t.Fatalf("IdentityError %+v", ie)
		}
	})
	t.Run("two SANs, the expected one second", func(t *testing.T) {
		b := signLeaf(t, s, sigstoretest.LeafOpts{SAN: "https://evil.example/x", Edit: func(c *x509.Certificate) {
			c.EmailAddresses = []string{"dev@example.com"}
		}})
		for _, id := range []verify.CertificateIdentity{
			{SAN: "dev@example.com", Issuer: sigstoretest.Issuer},
			{SAN: "https://evil.example/x", Issuer: sigstoretest.Issuer},
		} {
			p, _ := verify.NewIdentityPolicy(id)
			_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), p)
			sigstoretest.WantReject(t, err, verify.ErrCertificate)
		}
	})
	t.Run("a DNS SAN", func(t *testing.T) {
		b := signLeaf(t, s, sigstoretest.LeafOpts{Edit: func(c *x509.Certificate) { c.URIs = nil; c.DNSNames = []string{"github.com"} }})
		_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), verify.WithoutIdentityUnsafe())
		sigstoretest.WantReject(t, err, verify.ErrCertificate)
	})
	t.Run("email SAN accepted", func(t *testing.T) {
		b := signLeaf(t, s, sigstoretest.LeafOpts{SAN: "dev@example.com"})
		p, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: "dev@example.com", Issuer: sigstoretest.Issuer})
		res, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), p)
		if err != nil {
			t.Fatal(err)
		}
		if res.Identity().SANType != "email" {
			t.Fatalf("SAN type %q", res.Identity().SANType)
		}
	})
}

func TestAdversarial_C43_RegexpAnchoring(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	pol := func(re string) verify.IdentityPolicy {
		p, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SANRegexp: re, Issuer: sigstoretest.Issuer})
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
			b := signLeaf(t, s, sigstoretest.LeafOpts{SAN: tc.san})
			_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), pol(tc.re))
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			sigstoretest.WantReject(t, err, verify.ErrIdentity)
		})
	}
	t.Run("issuer regexp anchored", func(t *testing.T) {
		b := signLeaf(t, s, sigstoretest.LeafOpts{Issuer: "https://token.actions.githubusercontent.com.evil.com"})
		p, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: sigstoretest.SAN, IssuerRegexp: `https://token\.actions\.githubusercontent\.com`})
		_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), p)
		sigstoretest.WantReject(t, err, verify.ErrIdentity)
	})
	t.Run("exact and regexp both set is a configuration error", func(t *testing.T) {
		for _, id := range []verify.CertificateIdentity{
			{SAN: sigstoretest.SAN, SANRegexp: ".*", Issuer: sigstoretest.Issuer},
			{SAN: sigstoretest.SAN, Issuer: sigstoretest.Issuer, IssuerRegexp: ".*"},
			{SANRegexp: "(", Issuer: sigstoretest.Issuer},
			{SANRegexp: strings.Repeat("a", verify.MaxIdentityPatternBytes+1), Issuer: sigstoretest.Issuer},
		} {
			if _, err := verify.NewIdentityPolicy(id); !errors.Is(err, verify.ErrInvalidOptions) {
				t.Errorf("%+v: %v", id, err)
			}
		}
	})
}

func TestAdversarial_C44_IssuerExtensionTricks(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	ia5, _ := asn1.MarshalWithParams(sigstoretest.Issuer, "ia5")
	octet, _ := asn1.Marshal([]byte(sigstoretest.Issuer))
	for _, tc := range []struct {
		name string
		exts func([]pkix.Extension) []pkix.Extension
	}{
		{"missing", func(e []pkix.Extension) []pkix.Extension {
			return replaceExt(replaceExt(e, sigstoretest.OIDIssuerV1), sigstoretest.OIDIssuerV2)
		}},
		{"v1 and v2 disagree", func(e []pkix.Extension) []pkix.Extension {
			return replaceExt(e, sigstoretest.OIDIssuerV1, pkix.Extension{Id: sigstoretest.OIDIssuerV1, Value: []byte("https://accounts.google.com")})
		}},
		{"v2 as IA5String", func(e []pkix.Extension) []pkix.Extension {
			return replaceExt(replaceExt(e, sigstoretest.OIDIssuerV1), sigstoretest.OIDIssuerV2, pkix.Extension{Id: sigstoretest.OIDIssuerV2, Value: ia5})
		}},
		{"v2 as OCTET STRING", func(e []pkix.Extension) []pkix.Extension {
			return replaceExt(replaceExt(e, sigstoretest.OIDIssuerV1), sigstoretest.OIDIssuerV2, pkix.Extension{Id: sigstoretest.OIDIssuerV2, Value: octet})
		}},
		{"v2 with trailing bytes", func(e []pkix.Extension) []pkix.Extension {
			u, _ := asn1.MarshalWithParams(sigstoretest.Issuer, "utf8")
			return replaceExt(e, sigstoretest.OIDIssuerV2, pkix.Extension{Id: sigstoretest.OIDIssuerV2, Value: append(u, 0)})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := signLeaf(t, s, sigstoretest.LeafOpts{Edit: func(c *x509.Certificate) { c.ExtraExtensions = tc.exts(c.ExtraExtensions) }})
			_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("v1 only is read", func(t *testing.T) {
		b := signLeaf(t, s, sigstoretest.LeafOpts{Edit: func(c *x509.Certificate) { c.ExtraExtensions = replaceExt(c.ExtraExtensions, sigstoretest.OIDIssuerV2) }})
		if _, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
			t.Fatal(err)
		}
	})
	for _, issuer := range []string{"https://token.actions.githubusercontent.com.evil.com", "https://token.actions.githubusercontent.com/", "token.actions.githubusercontent.com"} {
		t.Run("issuer "+issuer, func(t *testing.T) {
			b := signLeaf(t, s, sigstoretest.LeafOpts{Issuer: issuer})
			_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrIdentity)
		})
	}
}

func TestAdversarial_C45_CertificateClaims(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	base := verify.CertificateIdentity{SAN: sigstoretest.SAN, Issuer: sigstoretest.Issuer}
	for _, tc := range []struct {
		name   string
		claims verify.FulcioClaims
		ok     bool
	}{
		{"all match", verify.FulcioClaims{SourceRepositoryURI: "https://github.com/org/repo", SourceRepositoryRef: "refs/tags/v1.2.3", BuildSignerURI: sigstoretest.SAN, BuildTrigger: "push", RunnerEnvironment: "github-hosted"}, true},
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
			res, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), p)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if res.Identity().Claims.SourceRepositoryURI != "https://github.com/org/repo" || res.Identity().Claims.BuildTrigger != "push" {
					t.Fatalf("claims %+v", res.Identity().Claims)
				}
				return
			}
			sigstoretest.WantReject(t, err, verify.ErrIdentity)
		})
	}
}

// C75 and C76 are about provenance (package policy); the certificate side
// of them is exact claim matching, tested here.
func TestAdversarial_C75_C76_BuilderAndSourceClaimsExact(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	for _, claims := range []verify.FulcioClaims{
		{BuildSignerURI: sigstoretest.SAN + ".evil"},
		{BuildSignerURI: strings.Replace(sigstoretest.SAN, "refs/tags/v1.2.3", "refs/heads/main", 1)},
		{SourceRepositoryURI: "https://github.com/org/repo/../evil"},
		{SourceRepositoryURI: "https://github.com/ORG/repo"},
		{SourceRepositoryURI: "git+https://github.com/org/repo"},
	} {
		p, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: sigstoretest.SAN, Issuer: sigstoretest.Issuer, Claims: claims})
		_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), p)
		sigstoretest.WantReject(t, err, verify.ErrIdentity)
	}
}

func TestAdversarial_C46_IntermediateNotCA(t *testing.T) {
	s := sigstoretest.Shared(t)
	for _, tc := range []struct {
		name string
		edit func(*x509.Certificate)
	}{
		{"CA:false", func(c *x509.Certificate) { c.IsCA = false }},
		{"no basicConstraints", func(c *x509.Certificate) { c.BasicConstraintsValid = false; c.IsCA = false }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inter, key := s.NewIntermediate(t, tc.edit)
			tr := s.TrustedWith(t, func(spec *sigstore.TrustedRootSpec) {
				spec.CertificateAuthorities[0].Intermediates = append(spec.CertificateAuthorities[0].Intermediates, inter)
			})
			v, _ := sigstoretest.NewVerifier(tr)
			b := signLeaf(t, s, sigstoretest.LeafOpts{Parent: inter, ParentKey: key})
			_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("path length exceeded", func(t *testing.T) {
		first, firstKey := s.NewIntermediate(t, func(c *x509.Certificate) { c.MaxPathLen = 0; c.MaxPathLenZero = true })
		tmpl := &x509.Certificate{
			SerialNumber: s.Inter.SerialNumber, Subject: pkix.Name{CommonName: "second"},
			NotBefore: sigstoretest.T0.AddDate(-1, 0, 0), NotAfter: sigstoretest.T0.AddDate(5, 0, 0),
			KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		}
		secondKey := sigstoretest.NewKey(t)
		second := sigstoretest.Issue(t, tmpl, first, secondKey.Public(), firstKey)
		tr := s.TrustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.CertificateAuthorities[0].Intermediates = []*x509.Certificate{second, first}
		})
		v, _ := sigstoretest.NewVerifier(tr)
		b := signLeaf(t, s, sigstoretest.LeafOpts{Parent: second, ParentKey: secondKey})
		_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrCertificate)
	})
	t.Run("leaf is a CA", func(t *testing.T) {
		b := signLeaf(t, s, sigstoretest.LeafOpts{Edit: func(c *x509.Certificate) { c.BasicConstraintsValid = true; c.IsCA = true }})
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrCertificate)
	})
}

func TestAdversarial_C47_TrustAnchorsFromBundle(t *testing.T) {
	s := sigstoretest.Shared(t)
	attackerRootKey := sigstoretest.NewKey(t)
	attackerRoot := sigstoretest.Issue(t, &x509.Certificate{
		SerialNumber: s.Root.SerialNumber, Subject: s.Root.Subject,
		NotBefore: sigstoretest.T0.AddDate(-1, 0, 0), NotAfter: sigstoretest.T0.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}, nil, attackerRootKey.Public(), attackerRootKey)
	attackerInterKey := sigstoretest.NewKey(t)
	attackerInter := sigstoretest.Issue(t, &x509.Certificate{
		SerialNumber: s.Inter.SerialNumber, Subject: s.Inter.Subject,
		NotBefore: sigstoretest.T0.AddDate(-1, 0, 0), NotAfter: sigstoretest.T0.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}, attackerRoot, attackerInterKey.Public(), attackerRootKey)
	b := s.Sign(t, sigstoretest.SignOpts{Version: "v0.2", Leaf: sigstoretest.LeafOpts{Parent: attackerInter, ParentKey: attackerInterKey}})
	pb := b.Clone()
	pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_X509CertificateChain{X509CertificateChain: &protocommon.X509CertificateChain{
		Certificates: []*protocommon.X509Certificate{{RawBytes: b.Leaf.Raw}, {RawBytes: attackerInter.Raw}, {RawBytes: attackerRoot.Raw}},
	}}
	_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrCertificate)
	t.Run("bundle-with-root-cert_fail", func(t *testing.T) { sigstoretest.ConformanceCase(t, "bundle-with-root-cert_fail") })
	t.Run("bundle-empty-certificate-chain_fail", func(t *testing.T) { sigstoretest.ConformanceCase(t, "bundle-empty-certificate-chain_fail") })
}

func TestAdversarial_C48_WrongEKU(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
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
			b := signLeaf(t, s, sigstoretest.LeafOpts{Edit: func(c *x509.Certificate) { c.ExtKeyUsage = tc.eku }})
			_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("intermediate without codeSigning", func(t *testing.T) {
		rejectUnderIntermediate(t, s, func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} })
	})
}

func TestAdversarial_C49_UnknownCriticalExtension(t *testing.T) {
	s := sigstoretest.Shared(t)
	crit := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}}
	t.Run("leaf", func(t *testing.T) {
		b := signLeaf(t, s, sigstoretest.LeafOpts{Edit: func(c *x509.Certificate) { c.ExtraExtensions = append(c.ExtraExtensions, crit) }})
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrCertificate)
	})
	t.Run("intermediate", func(t *testing.T) {
		rejectUnderIntermediate(t, s, func(c *x509.Certificate) { c.ExtraExtensions = []pkix.Extension{crit} })
	})
}

func TestAdversarial_C50_ExpiredCertificateWithoutTrustedTime(t *testing.T) {
	calls := sigstoretest.DenyNetwork(t)
	s := sigstoretest.Shared(t)
	t.Run("no log, no timestamp", func(t *testing.T) {
		b := s.Sign(t, sigstoretest.SignOpts{NoTlog: true})
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithoutTransparencyLogUnsafe()), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTimestamp)
	})
	t.Run("proof without promise, no timestamp", func(t *testing.T) {
		// The proof shows the entry is in the log, but not when: the
		// integrated time is not signed.
		b := s.Sign(t, sigstoretest.SignOpts{NoPromise: true})
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrTimestamp)
	})
	t.Run("the caller's time must be inside the certificate", func(t *testing.T) {
		b := s.Sign(t, sigstoretest.SignOpts{NoTlog: true})
		v := s.Verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(sigstoretest.T0.Add(time.Hour)))
		_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrCertificate)
		v = s.Verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(sigstoretest.T0.Add(2*time.Minute)))
		res, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Times) != 1 || res.Times[0].Source != verify.TimeSourceCaller {
			t.Fatalf("times %v", res.Times)
		}
	})
	t.Run("intoto-expired-certificate_fail", func(t *testing.T) { sigstoretest.ConformanceCase(t, "intoto-expired-certificate_fail") })
	if *calls != 0 {
		t.Fatal("network")
	}
}

func TestAdversarial_C51_IntermediateNotValidAtSigningTime(t *testing.T) {
	s := sigstoretest.Shared(t)
	for _, tc := range []struct {
		name  string
		edit  func(*x509.Certificate)
		o     sigstoretest.SignOpts
		vopts []any
	}{
		{"intermediate expired before signing, with log", func(c *x509.Certificate) { c.NotAfter = sigstoretest.T0.Add(-time.Hour) }, sigstoretest.SignOpts{}, nil},
		{"intermediate expired before signing, log skipped", func(c *x509.Certificate) { c.NotAfter = sigstoretest.T0.Add(-time.Hour) },
			sigstoretest.SignOpts{NoTlog: true, TSA: true}, []any{sigstore.WithoutTransparencyLogUnsafe()}},
		{"intermediate not yet valid", func(c *x509.Certificate) { c.NotBefore = sigstoretest.T0.Add(time.Hour) }, sigstoretest.SignOpts{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, leaf := underIntermediate(t, s, tc.edit)
			v, err := sigstoretest.NewVerifier(tr, tc.vopts...)
			if err != nil {
				t.Fatal(err)
			}
			tc.o.Leaf = leaf
			b := s.Sign(t, tc.o)
			_, err = sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("every verified time", func(t *testing.T) {
		// The log's time is inside the certificate; the timestamp's is
		// not: both are checked, so the bundle fails.
		b := s.Sign(t, sigstoretest.SignOpts{TSA: true, TSATime: sigstoretest.T0.Add(20 * time.Minute)})
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrCertificate)
	})
}

func TestAdversarial_C52_KeyValidityWindow(t *testing.T) {
	s := sigstoretest.Shared(t)
	justBefore := sigstoretest.T0.Add(time.Minute - time.Second) // the bundles' times are T0+1m
	for _, tc := range []struct {
		name string
		root func(*sigstore.TrustedRootSpec)
		o    sigstoretest.SignOpts
		want error
	}{
		{"log key window ends before the promise", func(spec *sigstore.TrustedRootSpec) { spec.TransparencyLogs[0].ValidUntil = justBefore },
			sigstoretest.SignOpts{}, verify.ErrTransparencyLog},
		{"log key window ends before the timestamp (proof only)", func(spec *sigstore.TrustedRootSpec) { spec.TransparencyLogs[0].ValidUntil = justBefore },
			sigstoretest.SignOpts{NoPromise: true, TSA: true}, verify.ErrTransparencyLog},
		{"TSA window ends before the timestamp", func(spec *sigstore.TrustedRootSpec) { spec.TimestampAuthorities[0].ValidUntil = justBefore },
			sigstoretest.SignOpts{NoPromise: true, TSA: true}, verify.ErrTimestamp},
		{"CA window ends before signing", func(spec *sigstore.TrustedRootSpec) { spec.CertificateAuthorities[0].ValidUntil = sigstoretest.T0 },
			sigstoretest.SignOpts{}, verify.ErrCertificate},
		{"a window but no timestamps", func(spec *sigstore.TrustedRootSpec) {
			spec.TransparencyLogs[0].ValidUntil = sigstoretest.T0.AddDate(1, 0, 0)
		},
			sigstoretest.SignOpts{NoPromise: true}, verify.ErrTimestamp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := sigstoretest.NewVerifier(s.TrustedWith(t, tc.root))
			b := s.Sign(t, tc.o)
			_, err := sigstoretest.VerifyPB(t, v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, tc.want)
		})
	}
}

func TestAdversarial_C53_SCTs(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	otherCT := sigstoretest.NewKey(t)
	for _, tc := range []struct {
		name string
		o    sigstoretest.LeafOpts
		v    *sigstoretest.Verifier
	}{
		{"no SCT", sigstoretest.LeafOpts{NoSCT: true}, v},
		{"SCT from a log not in the trusted root", sigstoretest.LeafOpts{SCTKeys: []*ecdsa.PrivateKey{otherCT}}, v},
		{"SCT over another precertificate", sigstoretest.LeafOpts{SCTIssuer: s.Root}, v},
		{"two SCTs from one log, threshold 2", sigstoretest.LeafOpts{SCTKeys: []*ecdsa.PrivateKey{s.CTKey, s.CTKey}}, s.Verifier(t, sigstore.WithSignedCertificateTimestamps(2))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := signLeaf(t, s, tc.o)
			_, err := sigstoretest.VerifyPB(t, tc.v, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrCertificate)
		})
	}
	t.Run("two SCTs from two logs, threshold 2", func(t *testing.T) {
		tr := s.TrustedWith(t, func(spec *sigstore.TrustedRootSpec) {
			spec.CTLogs = append(spec.CTLogs, sigstore.TransparencyLog{BaseURL: "https://ct2.test", PublicKey: otherCT.Public(), ValidFrom: sigstoretest.T0.AddDate(-1, 0, 0)})
		})
		v2, _ := sigstoretest.NewVerifier(tr, sigstore.WithSignedCertificateTimestamps(2))
		b := signLeaf(t, s, sigstoretest.LeafOpts{SCTKeys: []*ecdsa.PrivateKey{s.CTKey, otherCT}})
		if _, err := sigstoretest.VerifyPB(t, v2, b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no SCT, explicitly allowed", func(t *testing.T) {
		b := signLeaf(t, s, sigstoretest.LeafOpts{NoSCT: true})
		res, err := sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithoutSignedCertificateTimestampsUnsafe()), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(res.Skipped, verify.CheckSCT) {
			t.Fatalf("skipped %v", res.Skipped)
		}
	})
	for _, name := range []string{"invalid-ct-key_fail", "bundle-with-sct-with-extensions"} {
		t.Run(name, func(t *testing.T) { sigstoretest.ConformanceCase(t, name) })
	}
}

func TestAdversarial_C54_KeyConfusion(t *testing.T) {
	s := sigstoretest.Shared(t)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for name, pub := range map[string]any{"P-224": p224.Public(), "RSA-1024": rsa1024.Public()} {
		t.Run(name, func(t *testing.T) {
			// A certificate for the weak key, swapped into a valid bundle.
			b := s.Sign(t, sigstoretest.SignOpts{})
			tmpl := s.LeafTemplate(t, sigstoretest.LeafOpts{})
			leaf := sigstoretest.Issue(t, tmpl, s.Inter, pub, s.InterKey)
			pb := b.Clone()
			pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: leaf.Raw}}
			_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, verify.ErrCertificate)
		})
	}
}

func TestAdversarial_C55_ChainBounds(t *testing.T) {
	s := sigstoretest.Shared(t)
	t.Run("trusted chain longer than 10", func(t *testing.T) {
		spec := s.Spec()
		for i := 0; i < sigstore.MaxChainLength; i++ {
			spec.CertificateAuthorities[0].Intermediates = append(spec.CertificateAuthorities[0].Intermediates, s.Inter)
		}
		_, err := sigstore.NewTrustedRoot(spec)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
	t.Run("too many authorities", func(t *testing.T) {
		spec := s.Spec()
		for i := 0; i < sigstore.MaxTrustedAuthorities; i++ {
			spec.CertificateAuthorities = append(spec.CertificateAuthorities, spec.CertificateAuthorities[0])
		}
		_, err := sigstore.NewTrustedRoot(spec)
		sigstoretest.WantReject(t, err, verify.ErrTrustedRoot)
	})
}

func TestAdversarial_C56_DERParsing(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	for name, edit := range map[string]func([]byte) []byte{
		"trailing byte": func(d []byte) []byte { return append(append([]byte{}, d...), 0) },
		"truncated":     func(d []byte) []byte { return d[:len(d)-1] },
		"BER length":    func(d []byte) []byte { return append([]byte{0x30, 0x80}, append(append([]byte{}, d[4:]...), 0, 0)...) },
		"nested":        func([]byte) []byte { return []byte(strings.Repeat("\x30\x82\xff\xff", 1000)) },
	} {
		t.Run(name, func(t *testing.T) {
			pb := b.Clone()
			pb.VerificationMaterial.GetCertificate().RawBytes = edit(b.Leaf.Raw)
			_, err := sigstoretest.VerifyPB(t, s.Verifier(t), pb, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
			sigstoretest.WantReject(t, err, nil)
		})
	}
}

var _ = url.Parse
