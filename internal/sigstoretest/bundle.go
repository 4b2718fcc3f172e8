package sigstoretest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
)

// Artifact is what bundles sign by default.
var Artifact = []byte("hello, sigstore\n")

// SignOpts describes a bundle to make. The zero value is a v0.3 bundle
// with a message signature over Artifact, logged in the first log
// (promise and proof), integrated a minute after the epoch, with no
// timestamp.
type SignOpts struct {
	// Version is the bundle version: "v0.1", "v0.2" or "v0.3" (default).
	Version string
	// DSSE signs a DSSE envelope instead of the artifact.
	DSSE bool
	// Statement is the DSSE payload (default: a statement about the
	// artifact).
	Statement []byte
	// Artifact is what is signed (default Artifact).
	Artifact []byte
	// Leaf describes the signing certificate.
	Leaf LeafOpts
	// Integrated is the integrated time (default a minute after the
	// epoch).
	Integrated time.Time
	// NoProof leaves out the inclusion proofs, NoPromise the signed
	// entry timestamps, and NoTlog the log entries altogether.
	NoProof   bool
	NoPromise bool
	NoTlog    bool
	// Logs are the indexes of the logs to enter the signature in
	// (default: log 0).
	Logs []int
	// TSA adds an RFC 3161 timestamp at TSATime (default a minute after
	// the epoch).
	TSA     bool
	TSATime time.Time
	// Key signs with a bare key instead of a certificate.
	Key *ecdsa.PrivateKey
	// PayloadType overrides the DSSE payload type.
	PayloadType string
}

// Signed is a bundle and what was signed.
type Signed struct {
	// PB is the bundle.
	PB *protobundle.Bundle
	// Key is the signing key (the certificate's, or the bare key).
	Key *ecdsa.PrivateKey
	// Leaf is the signing certificate (nil with a bare key).
	Leaf *x509.Certificate
	// Sig is the signature.
	Sig []byte
	// Artifact is what was signed.
	Artifact []byte
}

// Bundle validates and wraps the protobuf bundle.
func (b Signed) Bundle(t testing.TB) *bundle.Bundle {
	t.Helper()
	out, err := sgproto.FromProto(b.PB)
	if err != nil {
		t.Fatalf("bundle.New: %v", err)
	}
	return out
}

// Clone returns a deep copy of the protobuf bundle to mutate.
func (b Signed) Clone() *protobundle.Bundle { return proto.Clone(b.PB).(*protobundle.Bundle) }

// NewStatement is an in-toto statement (a passing test result) about
// artifact, under the subject name.
func NewStatement(t testing.TB, name string, artifact []byte) *attest.Statement {
	t.Helper()
	d, err := digest.FromBytes(artifact, digest.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	st, err := attest.NewPredicateStatement(&attest.TestResult{Result: "PASSED"}, attest.Subject(name, d))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Statement is the JSON of a NewStatement about artifact.txt.
func Statement(t testing.TB, artifact []byte) []byte {
	t.Helper()
	out, err := NewStatement(t, "artifact.txt", artifact).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// PEMCert is a certificate in PEM.
func PEMCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func signASN1(t testing.TB, key *ecdsa.PrivateKey, data []byte) []byte {
	t.Helper()
	h := sha256.Sum256(data)
	sig, err := ecdsa.SignASN1(rand.Reader, key, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// Sign makes the bundle o describes.
func (s *Sigstore) Sign(t testing.TB, o SignOpts) Signed {
	t.Helper()
	if o.Version == "" {
		o.Version = "v0.3"
	}
	if o.Artifact == nil {
		o.Artifact = Artifact
	}
	if o.Integrated.IsZero() {
		o.Integrated = s.Epoch.Add(time.Minute)
	}
	if o.TSATime.IsZero() {
		o.TSATime = s.Epoch.Add(time.Minute)
	}
	if o.Logs == nil {
		o.Logs = []int{0}
	}
	out := Signed{Artifact: o.Artifact, Key: o.Key}
	if o.Key == nil {
		out.Key = NewKey(t)
		out.Leaf = s.IssueLeaf(t, o.Leaf, out.Key.Public())
	}
	pb := &protobundle.Bundle{VerificationMaterial: &protobundle.VerificationMaterial{}}
	switch o.Version {
	case "v0.1":
		pb.MediaType = bundle.MediaTypeV01
	case "v0.2":
		pb.MediaType = bundle.MediaTypeV02
	default:
		pb.MediaType = bundle.MediaTypeV03
	}
	var env *protodsse.Envelope
	if o.DSSE {
		payload := o.Statement
		if payload == nil {
			payload = Statement(t, o.Artifact)
		}
		pt := attest.PayloadType
		if o.PayloadType != "" {
			pt = o.PayloadType
		}
		out.Sig = signASN1(t, out.Key, (&attest.Envelope{PayloadType: pt, Payload: payload}).PAE())
		env = &protodsse.Envelope{Payload: payload, PayloadType: pt, Signatures: []*protodsse.Signature{{Sig: out.Sig}}}
		pb.Content = &protobundle.Bundle_DsseEnvelope{DsseEnvelope: env}
	} else {
		out.Sig = signASN1(t, out.Key, o.Artifact)
		h := sha256.Sum256(o.Artifact)
		pb.Content = &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: h[:]},
			Signature:     out.Sig,
		}}
	}
	switch {
	case o.Key != nil:
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{Hint: "test-key"}}
	case o.Version == "v0.3":
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: out.Leaf.Raw}}
	default:
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_X509CertificateChain{X509CertificateChain: &protocommon.X509CertificateChain{
			Certificates: []*protocommon.X509Certificate{{RawBytes: out.Leaf.Raw}, {RawBytes: s.Inter.Raw}},
		}}
	}
	if !o.NoTlog {
		var pubPEM []byte
		if out.Leaf != nil {
			pubPEM = PEMCert(out.Leaf.Raw)
		} else {
			der, err := x509.MarshalPKIXPublicKey(out.Key.Public())
			if err != nil {
				t.Fatal(err)
			}
			pubPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		}
		for _, i := range o.Logs {
			body := RekorBody(t, o.Artifact, env, out.Sig, pubPEM)
			pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, s.Logs[i].Entry(t, body, o))
		}
	}
	if o.TSA {
		pb.VerificationMaterial.TimestampVerificationData = &protobundle.TimestampVerificationData{
			Rfc3161Timestamps: []*protocommon.RFC3161SignedTimestamp{{SignedTimestamp: s.Timestamp(t, out.Sig, o.TSATime, s.TSALeaf, s.TSAKey, true)}},
		}
	}
	out.PB = pb
	return out
}

// timestampResponse is an RFC 3161 response of the TSA's policy for ts,
// signed by key under leaf.
func timestampResponse(ts timestamp.Timestamp, leaf *x509.Certificate, key *ecdsa.PrivateKey) ([]byte, error) {
	ts.Policy = OIDTSAPolicy
	return ts.CreateResponseWithOpts(leaf, key, crypto.SHA256)
}

// Timestamp is an RFC 3161 response over the SHA-256 of sig at time at,
// signed by key under leaf; embed puts leaf in it, and extra are more
// certificates to put in.
func (s *Sigstore) Timestamp(t testing.TB, sig []byte, at time.Time, leaf *x509.Certificate, key *ecdsa.PrivateKey, embed bool, extra ...*x509.Certificate) []byte {
	t.Helper()
	h := sha256.Sum256(sig)
	resp, err := timestampResponse(timestamp.Timestamp{
		HashAlgorithm:     crypto.SHA256,
		HashedMessage:     h[:],
		Time:              at,
		AddTSACertificate: embed,
		Certificates:      extra,
	}, leaf, key)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
