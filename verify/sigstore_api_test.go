package verify_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

func TestSigstoreVerifierOptions(t *testing.T) {
	s := theSigstore(t)
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
			if _, err := newSigstoreVerifier(s.trusted, tc.opts...); !errors.Is(err, verify.ErrInvalidOptions) {
				t.Fatalf("got %v", err)
			}
		})
	}
	if _, err := newSigstoreVerifier(nil); !errors.Is(err, verify.ErrInvalidOptions) {
		t.Fatal(err)
	}
	if _, err := newSigstoreVerifier(&sigstore.TrustedRoot{}); !errors.Is(err, verify.ErrInvalidOptions) {
		t.Fatal(err)
	}
}

// C83: an empty identity constraint is a configuration error, never a
// wildcard; the zero policies are rejected.
func TestAdversarial_C83_EmptyIdentityIsAnError(t *testing.T) {
	for _, ids := range [][]verify.CertificateIdentity{
		nil,
		{{}},
		{{Issuer: testIssuer}},
		{{SAN: testSAN}},
		{{SANRegexp: "", Issuer: testIssuer}},
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
	s := theSigstore(t)
	b := s.sign(t, signOpts{})
	v := s.verifier(t)
	ctx := context.Background()
	_, err := v.Verify(ctx, b.bundle(t), artDigest(b.artifact), verify.IdentityPolicy{})
	wantReject(t, err, verify.ErrIdentityPolicy)
	_, err = v.Verify(ctx, b.bundle(t), verify.ArtifactPolicy{}, testIdentity(t))
	wantReject(t, err, verify.ErrArtifactPolicy)
}

func TestSigstoreZeroAndNil(t *testing.T) {
	s := theSigstore(t)
	b := s.sign(t, signOpts{})
	ctx := context.Background()
	var nilV *sigstoreVerifier
	_, err := nilV.Verify(ctx, b.bundle(t), artDigest(b.artifact), testIdentity(t))
	wantReject(t, err, verify.ErrNotInitialized)
	zero, err := verify.NewTrust(verify.WithAuthority(&sigstore.Authority{}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = verify.Verify(ctx, verify.FromBundle(b.bundle(t)), zero, artDigest(b.artifact), testIdentity(t))
	wantReject(t, err, verify.ErrNotInitialized)
	v := s.verifier(t)
	_, err = v.Verify(ctx, nil, artDigest(b.artifact), testIdentity(t))
	wantReject(t, err, verify.ErrMalformed)
	var nilCtx context.Context // a nil context is what is tested
	_, err = v.Verify(nilCtx, b.bundle(t), artDigest(b.artifact), testIdentity(t))
	wantReject(t, err, nil)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = v.Verify(cctx, b.bundle(t), artDigest(b.artifact), testIdentity(t))
	wantReject(t, err, nil)
	for _, data := range [][]byte{nil, []byte("{}"), []byte("null"), []byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`)} {
		_, err = v.VerifyJSON(ctx, data, artDigest(b.artifact), testIdentity(t))
		wantReject(t, err, verify.ErrMalformed)
	}
}

func TestSigstoreKeySigned(t *testing.T) {
	s := theSigstore(t)
	key := mustKey()
	pub, _ := verify.NewPublicKey(key.Public())
	other, _ := verify.NewPublicKey(mustKey().Public())
	p, err := verify.NewKeyPolicy(other, pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, dsse := range []bool{false, true} {
		b := s.sign(t, signOpts{key: key, dsse: dsse})
		res, err := verifyPB(t, s.verifier(t), b.clone(), artifactOf(b.artifact), p)
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
		b := s.sign(t, signOpts{key: key})
		_, err := verifyPB(t, s.verifier(t), b.clone(), artifactOf(b.artifact), verify.WithoutIdentityUnsafe())
		wantReject(t, err, verify.ErrVerificationMaterial)
	})
}

func TestSigstoreResult(t *testing.T) {
	s := theSigstore(t)
	b := s.sign(t, signOpts{dsse: true, tsa: true})
	data, err := protojson.Marshal(b.clone())
	if err != nil {
		t.Fatal(err)
	}
	orig := bytes.Clone(data)
	res, err := s.verifier(t).VerifyJSON(context.Background(), data, artifactOf(b.artifact), testIdentity(t))
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
	if id.SAN != testSAN || id.SANType != "uri" || id.Issuer != testIssuer || id.Claims.SourceRepositoryURI != "https://github.com/org/repo" || len(res.Signers[0].Certificate) == 0 {
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
	s := theSigstore(t)
	// C03 through a Sigstore bundle: a cosign simple-signing payload
	// signed by a trusted identity is refused before it is parsed.
	const simple = "application/vnd.dev.cosign.simplesigning.v1+json"
	b := s.sign(t, signOpts{dsse: true, payloadType: simple, statement: []byte(`{"critical":{}}`)})
	_, err := verifyPB(t, s.verifier(t), b.clone(), verify.WithoutArtifactUnsafe(), testIdentity(t))
	wantReject(t, err, verify.ErrPayloadType)
	res, err := verifyPB(t, s.verifier(t, verify.WithPayloadTypes(simple)), b.clone(), verify.WithoutArtifactUnsafe(), testIdentity(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.PayloadType != simple || res.Statement != nil || !contains(res.Skipped, verify.CheckSubject) {
		t.Fatalf("result %+v", res)
	}
	// A statement needs an artifact or an explicit skip; a message
	// signature cannot be skipped.
	m := s.sign(t, signOpts{})
	_, err = verifyPB(t, s.verifier(t), m.clone(), verify.WithoutArtifactUnsafe(), testIdentity(t))
	wantReject(t, err, verify.ErrArtifactPolicy)
}

// C09: one verifier, many goroutines, the same bundle: same results, no
// race (run with -race).
func TestSigstoreConcurrent(t *testing.T) {
	s := theSigstore(t)
	v := s.verifier(t)
	good := s.sign(t, signOpts{tsa: true}).bundle(t)
	bad := s.sign(t, signOpts{artifact: []byte("other\n")}).bundle(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := v.Verify(context.Background(), good, artDigest(testArtifact), testIdentity(t)); err != nil {
				errs <- err
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := v.Verify(context.Background(), bad, artDigest(testArtifact), testIdentity(t)); err == nil {
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
	s := theSigstore(t)
	key := mustKey()
	pub, _ := verify.NewPublicKey(key.Public())
	p, _ := verify.NewKeyPolicy(pub)
	b := s.sign(t, signOpts{key: key, noTlog: true})
	_, err := verifyPB(t, s.verifier(t, sigstore.WithoutTransparencyLogUnsafe()), b.clone(), artDigest(b.artifact), p)
	wantReject(t, err, verify.ErrTimestamp)
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	res, err := verifyPB(t, s.verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(at)), b.clone(), artDigest(b.artifact), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Times) != 1 || !res.Times[0].Time.Equal(at) || res.Times[0].Source != verify.TimeSourceCaller {
		t.Fatalf("times %v", res.Times)
	}
	// An explicit threshold still requires a trusted time.
	_, err = verifyPB(t, s.verifier(t, sigstore.WithoutTransparencyLogUnsafe(), verify.WithSigningTime(at), sigstore.WithObserverTimestamps(1)), b.clone(), artDigest(b.artifact), p)
	wantReject(t, err, verify.ErrTimestamp)
}

func TestTrustedRoot(t *testing.T) {
	s := theSigstore(t)
	data, err := s.trusted.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	again, err := sigstore.ParseTrustedRoot(data)
	if err != nil {
		t.Fatal(err)
	}
	data2, _ := again.MarshalJSON()
	if !bytes.Equal(data, data2) {
		t.Fatal("MarshalJSON is not stable")
	}
	if again.SigstoreGo() == nil || len(again.SigstoreGo().RekorLogs()) != 2 {
		t.Fatal("sigstore-go view")
	}
	// Strict parsing: duplicate keys, unknown fields, wrong media type,
	// oversize.
	for name, bad := range map[string][]byte{
		"duplicate key": append([]byte(`{"mediaType":"x",`), data[1:]...),
		"unknown field": append([]byte(`{"extra":1,`), data[1:]...),
		"media type":    bytes.Replace(data, []byte(sigstore.TrustedRootMediaType), []byte("application/json"), 1),
		"oversize":      append(data, bytes.Repeat([]byte(" "), sigstore.MaxTrustedRootBytes)...),
		"not json":      []byte("{"),
	} {
		if _, err := sigstore.ParseTrustedRoot(bad); !errors.Is(err, verify.ErrTrustedRoot) {
			t.Errorf("%s: %v", name, err)
		}
	}
	var nilRoot *sigstore.TrustedRoot
	if _, err := nilRoot.MarshalJSON(); err == nil {
		t.Error("nil root marshalled")
	}
	if _, err := sigstore.LoadTrustedRoot("does-not-exist.json"); !errors.Is(err, verify.ErrTrustedRoot) {
		t.Error(err)
	}
	tr, err := sigstore.LoadTrustedRoot(conformanceDir + "/production_trusted_root.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.SigstoreGo().FulcioCertificateAuthorities()) != 2 {
		t.Fatal("production root")
	}
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
	s := theSigstore(t)
	b := s.sign(t, signOpts{tsa: true})
	data, err := protojson.Marshal(b.clone())
	if err != nil {
		t.Fatal(err)
	}
	data = compactJSON(t, data)
	v := s.verifier(t)
	ctx := context.Background()
	want, err := v.VerifyJSON(ctx, data, artDigest(b.artifact), testIdentity(t))
	if err != nil {
		t.Fatal(err)
	}
	tsr := b64(b.pb.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps[0].SignedTimestamp)
	tsrStart := bytes.Index(data, []byte(tsr))
	if tsrStart < 0 {
		t.Fatal("no timestamp in the bundle JSON")
	}
	orig := b.clone()
	rejected, tsrAccepted := 0, 0
	for i := range data {
		mut := bytes.Clone(data)
		mut[i] ^= 0x01
		res, err := v.VerifyJSON(ctx, mut, artDigest(b.artifact), testIdentity(t))
		checkOutcome(t, res, err)
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
	v, err := newSigstoreVerifier(root, sigstore.WithoutSignedCertificateTimestampsUnsafe())
	if err != nil {
		t.Fatal(err)
	}
	p, _ := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: "dev@example.com", Issuer: "https://issuer.example"})
	res, err := verifyPB(t, v, entity, artifactOf(virtualArtifact), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Identity().SAN != "dev@example.com" || res.Identity().SANType != "email" {
		t.Fatalf("identity %+v", res.Identity())
	}
	// The same bundle with another identity is refused.
	p, _ = verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: "other@example.com", Issuer: "https://issuer.example"})
	_, err = verifyPB(t, v, entity, artifactOf(virtualArtifact), p)
	wantReject(t, err, verify.ErrIdentity)
}

var _ = protobundle.Bundle{}
var _ = protocommon.HashOutput{}
