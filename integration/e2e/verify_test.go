//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// want is what a verification requires of a bundle.
type want struct {
	artifact []byte        // message-signature bundles: the artifact's bytes
	subject  digest.Digest // DSSE bundles: a subject digest of the statement
	issuer   string        // the OIDC issuer in the certificate
	san      string        // the identity (email) in the certificate

	timestamps int  // signed timestamps required
	tlogs      int  // transparency log entries required
	integrated bool // Rekor v1 integrated time is the time source (no TSA)
}

// verifyBundle is the one place the e2e tests call a verifier. Package
// verify decides; sigstore-go's verifier runs on the same bundle as a
// second opinion, and a bundle that sigstore-go rejects must never pass
// ours (ours may be stricter: it checks more, see SECURITY.md).
func verifyBundle(tr root.TrustedMaterial, b *bundle.Bundle, w want) error {
	ours := verifyOurs(tr, b, w)
	theirs := verifySigstoreGo(tr, b, w)
	if ours == nil && theirs != nil {
		return fmt.Errorf("e2e: package verify accepted a bundle sigstore-go rejects: %v", theirs)
	}
	return ours
}

// ourRoots caches package verify's reading of each sigstore-go trusted
// root. It also keeps the parallel tests from calling sigstore-go's
// TrustedRoot.MarshalJSON at the same time: that method rebuilds the
// root's protobuf in place, so concurrent calls race, and one of them can
// marshal a root with a transparency log missing (seen here as a bundle
// "from log …, which the trusted root does not list", about one signing in
// 150).
var ourRoots struct {
	sync.Mutex
	m map[*root.TrustedRoot]*sigstore.TrustedRoot
}

func ourRoot(tr root.TrustedMaterial) (*sigstore.TrustedRoot, error) {
	sgRoot, ok := tr.(*root.TrustedRoot)
	if !ok {
		return nil, fmt.Errorf("e2e: trusted material %T is not a trusted root", tr)
	}
	ourRoots.Lock()
	defer ourRoots.Unlock()
	if r, ok := ourRoots.m[sgRoot]; ok {
		return r, nil
	}
	raw, err := sgRoot.MarshalJSON()
	if err != nil {
		return nil, err
	}
	r, err := sigstore.ParseTrustedRoot(raw)
	if err != nil {
		return nil, err
	}
	if ourRoots.m == nil {
		ourRoots.m = map[*root.TrustedRoot]*sigstore.TrustedRoot{}
	}
	ourRoots.m[sgRoot] = r
	return r, nil
}

// verifyOurs verifies with verify.Verify under a sigstore.Authority.
func verifyOurs(tr root.TrustedMaterial, b *bundle.Bundle, w want) error {
	trusted, err := ourRoot(tr)
	if err != nil {
		return err
	}
	// The local stack has no certificate transparency log, so its
	// certificates carry no SCTs.
	opts := []sigstore.Option{sigstore.WithoutSignedCertificateTimestampsUnsafe()}
	if w.timestamps > 0 {
		opts = append(opts, sigstore.WithSignedTimestamps(w.timestamps))
	}
	if w.tlogs > 0 {
		opts = append(opts, sigstore.WithTransparencyLog(w.tlogs))
		if w.integrated {
			opts = append(opts, sigstore.WithIntegratedTimestamps(w.tlogs))
		}
	} else {
		opts = append(opts, sigstore.WithoutTransparencyLogUnsafe())
	}
	if w.timestamps == 0 && w.tlogs == 0 {
		return errors.New("e2e: a verification must require a time source")
	}
	auth, err := sigstore.NewAuthority(trusted, opts...)
	if err != nil {
		return err
	}
	trust, err := verify.NewTrust(verify.WithAuthority(auth))
	if err != nil {
		return err
	}
	id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: w.san, Issuer: w.issuer})
	if err != nil {
		return err
	}
	var artifact verify.ArtifactPolicy
	switch {
	case w.artifact != nil:
		artifact = verify.WithArtifact(bytes.NewReader(w.artifact))
	case !w.subject.IsZero():
		artifact = verify.WithArtifactDigest(w.subject)
	default:
		return errors.New("e2e: a verification must name the artifact")
	}
	res, err := verify.Verify(context.Background(), verify.FromBundle(b), trust, artifact, id)
	if err != nil {
		return err
	}
	if res.Identity() == nil || res.Identity().SAN != w.san || res.Identity().Issuer != w.issuer || len(res.Times) == 0 {
		return fmt.Errorf("e2e: verified, but the result is incomplete: %+v", res)
	}
	return nil
}

// verifySigstoreGo verifies with sigstore-go's verifier.
func verifySigstoreGo(tr root.TrustedMaterial, b *bundle.Bundle, w want) error {
	var opts []sgverify.VerifierOption
	if w.timestamps > 0 {
		opts = append(opts, sgverify.WithSignedTimestamps(w.timestamps))
	}
	if w.tlogs > 0 {
		opts = append(opts, sgverify.WithTransparencyLog(w.tlogs))
		if w.integrated {
			opts = append(opts, sgverify.WithIntegratedTimestamps(w.tlogs))
		}
	}
	if len(opts) == 0 {
		return errors.New("e2e: a verification must require a time source")
	}
	v, err := sgverify.NewVerifier(tr, opts...)
	if err != nil {
		return err
	}
	id, err := sgverify.NewShortCertificateIdentity(w.issuer, "", w.san, "")
	if err != nil {
		return err
	}
	var artifact sgverify.ArtifactPolicyOption
	switch {
	case w.artifact != nil:
		artifact = sgverify.WithArtifact(bytes.NewReader(w.artifact))
	case !w.subject.IsZero():
		artifact = sgverify.WithArtifactDigest(string(w.subject.Algorithm()), w.subject.Bytes())
	default:
		return errors.New("e2e: a verification must name the artifact")
	}
	// A bundle sigstore-go cannot even read (a tampered log entry body)
	// is its rejection too.
	sg, err := sgproto.SigstoreGo(b)
	if err != nil {
		return fmt.Errorf("sigstore-go: %w", err)
	}
	if _, err := v.Verify(sg, sgverify.NewPolicy(artifact, sgverify.WithCertificateIdentity(id))); err != nil {
		return fmt.Errorf("sigstore-go: %w", err)
	}
	return nil
}
