package sigstore

import (
	"crypto/x509"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// Fulcio chains are root -> intermediate -> leaf, and every bundle of a
// CA repeats the intermediate-to-root signature check, a P-384 ECDSA
// verification (a fifth of a whole bundle verification). That check does
// not depend on the leaf or the time, so an Authority does it once, when
// it is built, and then lets crypto/x509 verify each leaf against the
// checked intermediate as its anchor.
//
// The shortcut is taken only when it decides as x509 would on the whole
// chain (the slow path, sigstore-go's FulcioCertificateAuthority.Verify):
//
//   - the intermediate is a CA (BasicConstraints, IsCA: x509 checks this
//     for intermediates, not for anchors), and its signature by the root
//     verifies (CheckSignatureFrom also requires the root to be allowed to
//     sign certificates);
//   - the root has nothing x509 would apply to the chain below it: no name
//     constraints, no extended key usage other than any/code signing, no
//     path length below 1, no policy constraints or mappings;
//   - the root and the CA's validity period hold at the verified time,
//     checked here;
//   - everything else (the leaf's and the intermediate's validity, the
//     leaf's signature, key usages, the intermediate's own constraints) x509
//     checks as it always does.
//
// Whatever the shortcut cannot verify goes the slow path: it only ever
// saves work on a chain that verifies. TestFastChainsAgree compares the
// two on valid and invalid chains.
type fastCA struct {
	ca      *root.FulcioCertificateAuthority
	anchors *x509.CertPool // intermediates whose signature by Root verified
	links   map[*x509.Certificate]bool
}

// fastCAs prepares the shortcut for every CA of tm that allows it; the
// result is indexed like tm.FulcioCertificateAuthorities(), nil where the
// slow path applies.
func fastCAs(tm root.TrustedMaterial) []*fastCA {
	cas := tm.FulcioCertificateAuthorities()
	out := make([]*fastCA, len(cas))
	for i, c := range cas {
		ca, ok := c.(*root.FulcioCertificateAuthority)
		if !ok || ca.Root == nil || !inertRoot(ca.Root) {
			continue
		}
		f := &fastCA{ca: ca, anchors: x509.NewCertPool(), links: map[*x509.Certificate]bool{}}
		for _, in := range ca.Intermediates {
			if in.BasicConstraintsValid && in.IsCA && in.CheckSignatureFrom(ca.Root) == nil {
				f.anchors.AddCert(in)
				f.links[in] = true
			}
		}
		if len(f.links) > 0 {
			out[i] = f
		}
	}
	return out
}

// inertRoot reports whether x509 would apply nothing of root to the
// chain below it beyond its signature and its validity period.
func inertRoot(r *x509.Certificate) bool {
	if r.PermittedDNSDomainsCritical || len(r.PermittedDNSDomains) > 0 || len(r.ExcludedDNSDomains) > 0 ||
		len(r.PermittedIPRanges) > 0 || len(r.ExcludedIPRanges) > 0 ||
		len(r.PermittedEmailAddresses) > 0 || len(r.ExcludedEmailAddresses) > 0 ||
		len(r.PermittedURIDomains) > 0 || len(r.ExcludedURIDomains) > 0 {
		return false
	}
	if len(r.UnknownExtKeyUsage) > 0 {
		return false
	}
	for _, u := range r.ExtKeyUsage {
		if u != x509.ExtKeyUsageAny && u != x509.ExtKeyUsageCodeSigning {
			return false
		}
	}
	if r.BasicConstraintsValid && r.MaxPathLen == 0 {
		return false // no intermediate allowed below it
	}
	if r.RequireExplicitPolicy > 0 || r.RequireExplicitPolicyZero || r.InhibitPolicyMapping > 0 || r.InhibitPolicyMappingZero ||
		r.InhibitAnyPolicy > 0 || r.InhibitAnyPolicyZero || len(r.PolicyMappings) > 0 {
		return false
	}
	return len(r.UnhandledCriticalExtensions) == 0
}

// verify returns leaf's chains (leaf, intermediate, root) valid at t, or
// ok false when the shortcut does not apply and the slow path decides.
func (f *fastCA) verify(leaf *x509.Certificate, t time.Time) (chains [][]*x509.Certificate, ok bool) {
	ca := f.ca
	if (!ca.ValidityPeriodStart.IsZero() && t.Before(ca.ValidityPeriodStart)) || (!ca.ValidityPeriodEnd.IsZero() && t.After(ca.ValidityPeriodEnd)) {
		return nil, false
	}
	if t.Before(ca.Root.NotBefore) || t.After(ca.Root.NotAfter) {
		return nil, false
	}
	found, err := leaf.Verify(x509.VerifyOptions{CurrentTime: t, Roots: f.anchors, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}})
	if err != nil {
		return nil, false
	}
	for _, c := range found {
		if len(c) != 2 || !f.links[c[1]] {
			return nil, false // not the shape the shortcut was prepared for
		}
		chains = append(chains, []*x509.Certificate{c[0], c[1], ca.Root})
	}
	return chains, len(chains) > 0
}
