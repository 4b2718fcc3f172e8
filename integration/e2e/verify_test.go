//go:build e2e

package e2e

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
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

// verifyBundle is the one place the e2e tests call a verifier. It is
// sigstore-go's for now; package verify's Sigstore API replaces it when
// the two branches meet, and nothing else in these tests changes.
func verifyBundle(tr root.TrustedMaterial, b *bundle.Bundle, w want) error {
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
	if _, err := v.Verify(b.SigstoreGo(), sgverify.NewPolicy(artifact, sgverify.WithCertificateIdentity(id))); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	return nil
}
