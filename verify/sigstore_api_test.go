package verify_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/internal/sigstoretest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func TestSigstoreVerifierOptions(t *testing.T) {
	s := sigstoretest.Shared(t)
	for _, tc := range []struct {
		name string
		opts []any
	}{
		{"tlog 0", []any{sigstore.WithTransparencyLog(0)}},
		{"signed timestamps 0", []any{sigstore.WithSignedTimestamps(0)}},
		{"integrated -1", []any{sigstore.WithIntegratedTimestamps(-1)}},
		{"observer 0", []any{sigstore.WithObserverTimestamps(0)}},
		{"sct 0", []any{sigstore.WithSignedCertificateTimestamps(0)}},
		{"zero time", []any{verify.WithSigningTime(time.Time{})}},
		{"nil clock", []any{verify.WithClock(nil)}},
		{"version", []any{verify.WithMinBundleVersion("v0.4")}},
		{"no payload types", []any{verify.WithPayloadTypes()}},
		{"empty payload type", []any{verify.WithPayloadTypes("")}},
		{"tlog and skip", []any{sigstore.WithTransparencyLog(1), sigstore.WithoutTransparencyLogUnsafe()}},
		{"integrated without tlog", []any{sigstore.WithIntegratedTimestamps(1), sigstore.WithoutTransparencyLogUnsafe()}},
		{"sct and skip", []any{sigstore.WithSignedCertificateTimestamps(1), sigstore.WithoutSignedCertificateTimestampsUnsafe()}},
		{"nil option", []any{nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := sigstoretest.NewVerifier(s.Trusted, tc.opts...); !errors.Is(err, verify.ErrInvalidOptions) {
				t.Fatalf("got %v", err)
			}
		})
	}
	if _, err := sigstoretest.NewVerifier(nil); !errors.Is(err, verify.ErrInvalidOptions) {
		t.Fatal(err)
	}
	if _, err := sigstoretest.NewVerifier(&sigstore.TrustedRoot{}); !errors.Is(err, verify.ErrInvalidOptions) {
		t.Fatal(err)
	}
}

// C83: an empty identity constraint is a configuration error, never a
// wildcard; the zero policies are rejected.
func TestAdversarial_C83_EmptyIdentityIsAnError(t *testing.T) {
	for _, ids := range [][]verify.CertificateIdentity{
		nil,
		{{}},
		{{Issuer: sigstoretest.Issuer}},
		{{SAN: sigstoretest.SAN}},
		{{SANRegexp: "", Issuer: sigstoretest.Issuer}},
	} {
		if _, err := verify.NewIdentityPolicy(ids...); !errors.Is(err, verify.ErrInvalidOptions) {
			t.Errorf("%+v: %v", ids, err)
		}
	}
	if _, err := verify.NewKeyPolicy(); !errors.Is(err, verify.ErrInvalidOptions) {
		t.Error(err)
	}
	if _, err := verify.NewKeyPolicy(nil); !errors.Is(err, verify.ErrInvalidOptions) {
		t.Error(err)
	}
	if _, err := verify.NewKeyPolicy(&verify.PublicKey{}); !errors.Is(err, verify.ErrInvalidOptions) {
		t.Error(err)
	}
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	v := s.Verifier(t)
	ctx := context.Background()
	_, err := v.Verify(ctx, b.Bundle(t), sigstoretest.ArtifactDigest(t, b.Artifact), verify.IdentityPolicy{})
	sigstoretest.WantReject(t, err, verify.ErrIdentityPolicy)
	_, err = v.Verify(ctx, b.Bundle(t), verify.ArtifactPolicy{}, sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrArtifactPolicy)
}

func TestSigstoreZeroAndNil(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{})
	ctx := context.Background()
	var nilV *sigstoretest.Verifier
	_, err := nilV.Verify(ctx, b.Bundle(t), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrNotInitialized)
	zero, err := verify.NewTrust(verify.WithAuthority(&sigstore.Authority{}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = verify.Verify(ctx, verify.FromBundle(b.Bundle(t)), zero, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrNotInitialized)
	v := s.Verifier(t)
	_, err = v.Verify(ctx, nil, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrMalformed)
	var nilCtx context.Context // a nil context is what is tested
	_, err = v.Verify(nilCtx, b.Bundle(t), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, nil)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = v.Verify(cctx, b.Bundle(t), sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, nil)
	for _, data := range [][]byte{nil, []byte("{}"), []byte("null"), []byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`)} {
		_, err = v.VerifyJSON(ctx, data, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.WantReject(t, err, verify.ErrMalformed)
	}
}

func TestSigstoreKeySigned(t *testing.T) {
	s := sigstoretest.Shared(t)
	key := sigstoretest.NewKey(t)
	pub, _ := verify.NewPublicKey(key.Public())
	other, _ := verify.NewPublicKey(sigstoretest.NewKey(t).Public())
	p, err := verify.NewKeyPolicy(other, pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, dsse := range []bool{false, true} {
		b := s.Sign(t, sigstoretest.SignOpts{Key: key, DSSE: dsse})
		res, err := sigstoretest.VerifyPB(t, s.Verifier(t), b.Clone(), artifactOf(b.Artifact), p)
		if err != nil {
			t.Fatalf("dsse=%v: %v", dsse, err)
		}
		if res.Identity() != nil || len(res.Signers) != 1 || res.Signers[0].KeyID != pub.ID() || res.Signers[0].KeyIDHint != "test-key" {
			t.Fatalf("result %+v", res)
		}
		if !res.Checked(verify.CheckIdentity) || !res.Checked(verify.CheckTransparencyLog) || res.Checked(verify.CheckCertificate) {
			t.Fatalf("checks %v", res.Checks)
		}
	}
	t.Run("no identity check without a key", func(t *testing.T) {
		b := s.Sign(t, sigstoretest.SignOpts{Key: key})
		_, err := sigstoretest.VerifyPB(t, s.Verifier(t), b.Clone(), artifactOf(b.Artifact), verify.WithoutIdentityUnsafe())
		sigstoretest.WantReject(t, err, verify.ErrVerificationMaterial)
	})
}

func TestSigstoreResult(t *testing.T) {
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{DSSE: true, TSA: true})
	data, err := protojson.Marshal(b.Clone())
	if err != nil {
		t.Fatal(err)
	}
	orig := bytes.Clone(data)
	res, err := s.Verifier(t).VerifyJSON(context.Background(), data, artifactOf(b.Artifact), sigstoretest.Identity(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []verify.Check{verify.CheckPayloadType, verify.CheckSignatures, verify.CheckTransparencyLog, verify.CheckTimestamps,
		verify.CheckCertificate, verify.CheckSCT, verify.CheckIdentity, verify.CheckStatement, verify.CheckSubject}
	if len(res.Checks) != len(want) {
		t.Fatalf("checks %v", res.Checks)
	}
	for i := range want {
		if res.Checks[i] != want[i] {
			t.Fatalf("checks %v, want %v", res.Checks, want)
		}
	}
	if res.BundleVersion != "v0.3" || !res.Bundle || res.MessageSignature || res.Statement == nil || res.Subject == nil || res.Subject.Name != "artifact.txt" {
		t.Fatalf("result %+v", res)
	}
	if len(res.Times) != 2 || res.Times[0].Source != verify.TimeSourceTransparencyLog || res.Times[1].Source != verify.TimeSourceTimestampAuthority ||
		res.Times[0].Authority != "https://rekor.test" || res.Times[1].Authority != "https://tsa.test" {
		t.Fatalf("times %+v", res.Times)
	}
	le := res.LogEntries
	if len(le) != 1 || le[0].Kind != "dsse" || le[0].Version != "0.0.1" || le[0].Index != 1000 || !le[0].InclusionProof || !le[0].InclusionPromise || le[0].IntegratedTime.IsZero() {
		t.Fatalf("log entries %+v", le)
	}
	id := res.Identity()
	if id.SAN != sigstoretest.SAN || id.SANType != "uri" || id.Issuer != sigstoretest.Issuer || id.Claims.SourceRepositoryURI != "https://github.com/org/repo" || len(res.Signers[0].Certificate) == 0 {
		t.Fatalf("identity %+v", id)
	}
	// The result holds copies (C10): scribbling over the input changes
	// nothing.
	payload := bytes.Clone(res.Payload)
	for i := range data {
		data[i] = 'x'
	}
	if !bytes.Equal(res.Payload, payload) || bytes.Equal(orig, data) {
		t.Fatal("the result shares the input buffer")
	}
}

func TestSigstorePayloadType(t *testing.T) {
	s := sigstoretest.Shared(t)
	// C03 through a Sigstore bundle: a cosign simple-signing payload
	// signed by a trusted identity is refused before it is parsed.
	const simple = "application/vnd.dev.cosign.simplesigning.v1+json"
	b := s.Sign(t, sigstoretest.SignOpts{DSSE: true, PayloadType: simple, Statement: []byte(`{"critical":{}}`)})
	_, err := sigstoretest.VerifyPB(t, s.Verifier(t), b.Clone(), verify.WithoutArtifactUnsafe(), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrPayloadType)
	res, err := sigstoretest.VerifyPB(t, s.Verifier(t, verify.WithPayloadTypes(simple)), b.Clone(), verify.WithoutArtifactUnsafe(), sigstoretest.Identity(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.PayloadType != simple || res.Statement != nil || !slices.Contains(res.Skipped, verify.CheckSubject) {
		t.Fatalf("result %+v", res)
	}
	// A statement needs an artifact or an explicit skip; a message
	// signature cannot be skipped.
	m := s.Sign(t, sigstoretest.SignOpts{})
	_, err = sigstoretest.VerifyPB(t, s.Verifier(t), m.Clone(), verify.WithoutArtifactUnsafe(), sigstoretest.Identity(t))
	sigstoretest.WantReject(t, err, verify.ErrArtifactPolicy)
}

// C09: one verifier, many goroutines, the same bundle: same results, no
// race (run with -race).
func TestSigstoreConcurrent(t *testing.T) {
	s := sigstoretest.Shared(t)
	v := s.Verifier(t)
	good := s.Sign(t, sigstoretest.SignOpts{TSA: true}).Bundle(t)
	bad := s.Sign(t, sigstoretest.SignOpts{Artifact: []byte("other\n")}).Bundle(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := v.Verify(context.Background(), good, sigstoretest.ArtifactDigest(t, sigstoretest.Artifact), sigstoretest.Identity(t)); err != nil {
				errs <- err
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := v.Verify(context.Background(), bad, sigstoretest.ArtifactDigest(t, sigstoretest.Artifact), sigstoretest.Identity(t)); err == nil {
				errs <- errors.New("verified the wrong artifact")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The caller's time is explicit and reported: it makes a bundle without
// any trusted time verifiable, but never silently.
func TestSigstoreCallerTime(t *testing.T) {
	s := sigstoretest.Shared(t)
	key := sigstoretest.NewKey(t)
	pub, _ := verify.NewPublicKey(key.Public())
	p, _ := verify.NewKeyPolicy(pub)
	b := s.Sign(t, sigstoretest.SignOpts{Key: key, NoTlog: true})
	_, err := sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithoutTransparencyLogUnsafe()), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), p)
	sigstoretest.WantReject(t, err, verify.ErrTimestamp)
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	res, err := sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(at)), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Times) != 1 || !res.Times[0].Time.Equal(at) || res.Times[0].Source != verify.TimeSourceCaller {
		t.Fatalf("times %v", res.Times)
	}
	// An explicit threshold still requires a trusted time.
	_, err = sigstoretest.VerifyPB(t, s.Verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(at), sigstore.WithObserverTimestamps(1)), b.Clone(), sigstoretest.ArtifactDigest(t, b.Artifact), p)
	sigstoretest.WantReject(t, err, verify.ErrTimestamp)
}

// Mutation test: flip every byte of a valid bundle. Each mutant is
// rejected, or parses to the very same bundle (a change only in bits
// that base64 ignores). One exception, checked apart: an RFC 3161 token
// has fields no signature covers (CMS digestAlgorithms, BER lengths the
// parser tolerates); a mutant there may verify, but only with the same
// verified times.
func TestSigstoreBundleMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("flips every byte of a bundle")
	}
	s := sigstoretest.Shared(t)
	b := s.Sign(t, sigstoretest.SignOpts{TSA: true})
	data, err := protojson.Marshal(b.Clone())
	if err != nil {
		t.Fatal(err)
	}
	data = compactJSON(t, data)
	v := s.Verifier(t)
	ctx := context.Background()
	want, err := v.VerifyJSON(ctx, data, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
	if err != nil {
		t.Fatal(err)
	}
	tsr := b64(b.PB.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps[0].SignedTimestamp)
	tsrStart := bytes.Index(data, []byte(tsr))
	if tsrStart < 0 {
		t.Fatal("no timestamp in the bundle JSON")
	}
	orig := b.Clone()
	rejected, tsrAccepted := 0, 0
	for i := range data {
		mut := bytes.Clone(data)
		mut[i] ^= 0x01
		res, err := v.VerifyJSON(ctx, mut, sigstoretest.ArtifactDigest(t, b.Artifact), sigstoretest.Identity(t))
		sigstoretest.CheckOutcome(t, res, err)
		if err != nil {
			rejected++
			continue
		}
		parsed, perr := bundle.Parse(mut)
		if perr == nil && proto.Equal(sgproto.MustProto(parsed), orig) {
			continue
		}
		if i >= tsrStart && i < tsrStart+len(tsr) && sameTimes(res.Times, want.Times) {
			tsrAccepted++
			continue
		}
		lo, hi := max(0, i-60), min(len(data), i+20)
		t.Fatalf("byte %d (%q -> %q): a changed bundle verified: ...%s...", i, data[i], mut[i], data[lo:hi])
	}
	t.Logf("%d bytes: %d mutants rejected, %d in the timestamp token verified with the same times", len(data), rejected, tsrAccepted)
}

func sameTimes(a, b []verify.VerifiedTime) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Time.Equal(b[i].Time) || a[i].Source != b[i].Source || a[i].Authority != b[i].Authority {
			return false
		}
	}
	return true
}

func compactJSON(t *testing.T, data []byte) []byte {
	t.Helper()
	b, err := bundle.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The in-process test Sigstore and sigstore-go's own VirtualSigstore
// both go through the same API: a bundle made from a VirtualSigstore
// entity verifies against a trusted root built from its authorities.
func TestSigstoreVirtualSigstore(t *testing.T) {
	vs, entity, root := virtualSigstoreBundle(t)
	_ = vs
	v, err := sigstoretest.NewVerifier(root, sigstore.WithoutSignedCertificateTimestampsUnsafe())
	if err != nil {
		t.Fatal(err)
	}
	p, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: "dev@example.com", Issuer: "https://issuer.example"})
	res, err := sigstoretest.VerifyPB(t, v, entity, artifactOf(virtualArtifact), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Identity().SAN != "dev@example.com" || res.Identity().SANType != "email" {
		t.Fatalf("identity %+v", res.Identity())
	}
	// The same bundle with another identity is refused.
	p, _ = verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: "other@example.com", Issuer: "https://issuer.example"})
	_, err = sigstoretest.VerifyPB(t, v, entity, artifactOf(virtualArtifact), p)
	sigstoretest.WantReject(t, err, verify.ErrIdentity)
}

var _ = protobundle.Bundle{}
var _ = protocommon.HashOutput{}
