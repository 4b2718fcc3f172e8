package verify_test

import (
	"encoding/base64"
	"testing"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

var virtualArtifact = []byte("made by sigstore-go's VirtualSigstore\n")

// virtualSigstoreBundle signs a statement with sigstore-go's in-process
// VirtualSigstore (pkg/testing/ca) and turns its test entity into a v0.3
// bundle, with a trusted root made of its authorities. Its log entries
// carry an inclusion proof but no promise, so the time comes from its
// timestamp authority.
func virtualSigstoreBundle(t *testing.T) (*ca.VirtualSigstore, *protobundle.Bundle, *sigstore.TrustedRoot) {
	t.Helper()
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	entity, err := vs.AttestAtTime("dev@example.com", "https://issuer.example", sigstoretest.Statement(t, virtualArtifact), time.Now().Add(time.Minute), true)
	if err != nil {
		t.Fatal(err)
	}
	vc, _ := entity.VerificationContent()
	sc, _ := entity.SignatureContent()
	raw := sc.EnvelopeContent().RawEnvelope()
	payload, err := base64.StdEncoding.DecodeString(raw.Payload)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := base64.StdEncoding.DecodeString(raw.Signatures[0].Sig)
	if err != nil {
		t.Fatal(err)
	}
	tsrs, _ := entity.Timestamps()
	entries, _ := entity.TlogEntries()
	pb := &protobundle.Bundle{
		MediaType: bundle.MediaTypeV03,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: vc.Certificate().Raw}},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload: payload, PayloadType: raw.PayloadType, Signatures: []*protodsse.Signature{{Sig: sig}},
		}},
	}
	for _, tsr := range tsrs {
		if pb.VerificationMaterial.TimestampVerificationData == nil {
			pb.VerificationMaterial.TimestampVerificationData = &protobundle.TimestampVerificationData{}
		}
		pb.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps = append(pb.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps,
			&protocommon.RFC3161SignedTimestamp{SignedTimestamp: tsr})
	}
	for _, e := range entries {
		tle := proto.Clone(e.TransparencyLogEntry()).(*protorekor.TransparencyLogEntry)
		tle.KindVersion = &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"}
		pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, tle)
	}
	spec := sigstore.TrustedRootSpec{}
	for _, a := range vs.FulcioCertificateAuthorities() {
		f := a.(*root.FulcioCertificateAuthority)
		spec.CertificateAuthorities = append(spec.CertificateAuthorities, sigstore.CertificateAuthority{URI: f.URI, Root: f.Root, Intermediates: f.Intermediates, ValidFrom: f.ValidityPeriodStart, ValidUntil: f.ValidityPeriodEnd})
	}
	for _, a := range vs.TimestampingAuthorities() {
		f := a.(*root.SigstoreTimestampingAuthority)
		spec.TimestampAuthorities = append(spec.TimestampAuthorities, sigstore.TimestampAuthority{URI: f.URI, Root: f.Root, Intermediates: f.Intermediates, Leaf: f.Leaf, ValidFrom: f.ValidityPeriodStart, ValidUntil: f.ValidityPeriodEnd})
	}
	for _, l := range vs.RekorLogs() {
		spec.TransparencyLogs = append(spec.TransparencyLogs, sigstore.TransparencyLog{BaseURL: l.BaseURL, PublicKey: l.PublicKey, ValidFrom: l.ValidityPeriodStart, ValidUntil: l.ValidityPeriodEnd})
	}
	tr, err := sigstore.NewTrustedRoot(spec)
	if err != nil {
		t.Fatal(err)
	}
	return vs, pb, tr
}

// withRoot is verify.WithAuthority for an authority of tr with default
// options.
func withRoot(tr *sigstore.TrustedRoot) verify.Option {
	a, err := sigstore.NewAuthority(tr)
	if err != nil {
		return verify.WithAuthority(nil) // refused by NewTrust
	}
	return verify.WithAuthority(a)
}
