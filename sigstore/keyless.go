package sigstore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	sgsign "github.com/sigstore/sigstore-go/pkg/sign"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/errs"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/verify"
)

// KeylessConfig configures a Keyless signer. Token and Services are
// required; the zero value of every other field is a safe default.
type KeylessConfig struct {
	// Token supplies the OIDC identity token, once per signing: a
	// StaticToken, FileToken, EnvToken, GitHubActionsToken, GitLabToken,
	// BuildkiteToken, AmbientToken or your own.
	Token TokenSource
	// Services are the Fulcio, Rekor and timestamp endpoints (see
	// ServicesFromSigningConfig). At least one transparency log is
	// required unless WithoutTransparencyLogUnsafe is set, and Rekor v2
	// requires a timestamp authority.
	Services Services
	// TrustedRoot, when set, verifies every new bundle against it before
	// it is returned, with verify.Verify and this package's Authority (the
	// one path every verifier here takes): certificate chain and SCTs
	// (when the root lists CT logs), every timestamp, a log entry from
	// every Rekor service, and the certificate's identity (the token's
	// issuer, and its email for email issuers). A misconfigured or
	// misbehaving service fails the signing instead of producing a bundle
	// nobody can verify. Recommended.
	TrustedRoot *TrustedRoot
	// Transport carries every request (nil: http.DefaultTransport).
	Transport http.RoundTripper
	// Retry bounds the requests to each service (zero: the defaults).
	Retry RetryPolicy
	// Now is the clock for token expiry (nil: time.Now).
	Now func() time.Time
	// WithoutTransparencyLogUnsafe allows Services without a Rekor log.
	// The signature is then not publicly recorded, and only a timestamp
	// authority vouches for its time.
	WithoutTransparencyLogUnsafe bool
}

// Keyless signs with short-lived keys certified by Fulcio for an OIDC
// identity, and records the signatures in Rekor and with timestamp
// authorities, producing Sigstore bundles v0.3. It is immutable and safe
// for concurrent use; every signing uses a fresh ECDSA P-256 key and a
// fresh token from the TokenSource.
type Keyless struct {
	token TokenSource
	svc   Services
	trust *verify.Trust // nil without a TrustedRoot
	base  http.RoundTripper
	retry RetryPolicy
	now   func() time.Time
	sleep func(context.Context, time.Duration) error // tests replace it
}

// NewKeyless checks cfg and returns a Keyless signer. It contacts no
// service.
func NewKeyless(cfg KeylessConfig) (*Keyless, error) {
	if cfg.Token == nil {
		return nil, fmt.Errorf("%w: no token source", ErrInvalidConfig)
	}
	if err := cfg.Services.validate(); err != nil {
		return nil, err
	}
	if len(cfg.Services.Rekor) == 0 {
		if !cfg.WithoutTransparencyLogUnsafe {
			return nil, fmt.Errorf("%w: no transparency log (set WithoutTransparencyLogUnsafe to sign without one)", ErrInvalidConfig)
		}
		if len(cfg.Services.TSA) == 0 {
			return nil, fmt.Errorf("%w: neither a transparency log nor a timestamp authority: nothing would vouch for the signing time", ErrInvalidConfig)
		}
	}
	retry, err := cfg.Retry.withDefaults()
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	svc := Services{Fulcio: cfg.Services.Fulcio, Rekor: append([]RekorService(nil), cfg.Services.Rekor...), TSA: append([]string(nil), cfg.Services.TSA...)}
	k := &Keyless{token: cfg.Token, svc: svc, base: cfg.Transport, retry: retry, now: now, sleep: sleepContext}
	if cfg.TrustedRoot != nil {
		if k.trust, err = selfCheckTrust(cfg.TrustedRoot, svc, now); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// SignBlob signs the bytes of artifact, hashed with SHA-256 as a stream,
// into a bundle holding a message signature.
func (k *Keyless) SignBlob(ctx context.Context, artifact io.Reader) (*bundle.Bundle, error) {
	if artifact == nil {
		return nil, fmt.Errorf("sigstore: nil artifact")
	}
	d, err := digest.FromReader(artifact, digest.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sigstore: reading artifact: %w", err)
	}
	return k.SignDigest(ctx, d)
}

// SignDigest signs an artifact by its SHA-256 digest (the signature is
// over the artifact, as SignBlob makes it) into a bundle holding a message
// signature.
func (k *Keyless) SignDigest(ctx context.Context, d digest.Digest) (*bundle.Bundle, error) {
	if k == nil || k.token == nil {
		return nil, fmt.Errorf("%w: Keyless not made by NewKeyless", ErrInvalidConfig)
	}
	if d.Algorithm() != digest.SHA256 {
		return nil, fmt.Errorf("sigstore: keyless signatures use ECDSA P-256 with SHA-256, not a %q digest", string(d.Algorithm()))
	}
	return k.sign(ctx, content{digest: d.Bytes()})
}

// SignStatement signs st as a DSSE envelope of attest.PayloadType in a
// bundle.
func (k *Keyless) SignStatement(ctx context.Context, st *attest.Statement) (*bundle.Bundle, error) {
	if st == nil {
		return nil, fmt.Errorf("sigstore: %w: nil statement", attest.ErrMalformed)
	}
	payload, err := st.Marshal()
	if err != nil {
		return nil, fmt.Errorf("sigstore: %w", err)
	}
	return k.SignEnvelope(ctx, attest.PayloadType, payload)
}

// SignEnvelope signs payload as a DSSE envelope of payloadType in a
// bundle. The bytes are signed as given, so a statement read from a file
// keeps its exact encoding.
//
// With a TrustedRoot, payloadType must be attest.PayloadType: the
// self-check uses sigstore-go's verifier, which (v1.3.0) verifies only
// in-toto envelopes. Other types are refused before any service is
// contacted.
func (k *Keyless) SignEnvelope(ctx context.Context, payloadType string, payload []byte) (*bundle.Bundle, error) {
	if k == nil || k.token == nil {
		return nil, fmt.Errorf("%w: Keyless not made by NewKeyless", ErrInvalidConfig)
	}
	if payloadType == "" {
		return nil, fmt.Errorf("sigstore: %w: empty payloadType", attest.ErrMalformed)
	}
	if k.trust != nil && payloadType != attest.PayloadType {
		return nil, fmt.Errorf("%w: the self-check against the trusted root verifies only %q envelopes, not %q",
			ErrInvalidConfig, attest.PayloadType, truncate(payloadType))
	}
	if len(payload) > MaxKeylessPayload {
		return nil, fmt.Errorf("sigstore: %w: payload of %d bytes, limit %d", attest.ErrTooLarge, len(payload), MaxKeylessPayload)
	}
	env := &attest.Envelope{PayloadType: payloadType, Payload: bytes.Clone(payload)}
	sum := sha256.Sum256(env.PAE())
	return k.sign(ctx, content{digest: sum[:], dsse: env})
}

// MaxKeylessPayload bounds a DSSE payload SignEnvelope signs, so that the
// bundle, base64 and verification material included, stays within what
// bundle.Parse reads (limits.MaxEnvelopeBytes).
const MaxKeylessPayload = limits.MaxStatementBytes - 1<<20

// content is what one signing signs: the SHA-256 of the artifact, or of
// the PAE of a DSSE envelope.
type content struct {
	digest []byte
	dsse   *attest.Envelope
}

// sign is the keyless sequence: token, key, certificate, signature,
// timestamps, log entries, bundle, self-check.
func (k *Keyless) sign(ctx context.Context, c content) (*bundle.Bundle, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sigstore: %w", err)
	}
	tok, claims, err := k.identityToken(ctx)
	if err != nil {
		return nil, err
	}
	key, err := newEphemeralKey()
	if err != nil {
		return nil, err
	}
	der, err := k.certificate(ctx, key, tok)
	if err != nil {
		return nil, err
	}
	sig, err := ecdsa.SignASN1(rand.Reader, key.priv, c.digest)
	if err != nil {
		return nil, fmt.Errorf("sigstore: %w: %w", sign.ErrSigner, err)
	}
	pb := &protobundle.Bundle{
		MediaType: bundle.MediaTypeV03,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: der}},
		},
	}
	if c.dsse != nil {
		pb.Content = &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload:     c.dsse.Payload,
			PayloadType: c.dsse.PayloadType,
			Signatures:  []*protodsse.Signature{{Sig: sig}},
		}}
	} else {
		pb.Content = &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: c.digest},
			Signature:     sig,
		}}
	}
	for _, u := range k.svc.TSA {
		ts, err := k.timestamp(ctx, u, sig)
		if err != nil {
			return nil, err
		}
		vm := pb.VerificationMaterial
		if vm.TimestampVerificationData == nil {
			vm.TimestampVerificationData = &protobundle.TimestampVerificationData{}
		}
		vm.TimestampVerificationData.Rfc3161Timestamps = append(vm.TimestampVerificationData.Rfc3161Timestamps,
			&protocommon.RFC3161SignedTimestamp{SignedTimestamp: ts})
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	for _, r := range k.svc.Rekor {
		if err := k.logEntry(ctx, r, certPEM, pb); err != nil {
			return nil, err
		}
	}
	b, err := sgproto.FromProto(pb)
	if err != nil {
		return nil, fmt.Errorf("sigstore: %w: the services' answers make a malformed bundle: %v", ErrBadResponse, err)
	}
	if err := k.selfCheck(ctx, b, c, claims); err != nil {
		return nil, err
	}
	return b, nil
}

// identityToken gets a token and checks its shape and expiry; it
// returns the token and its claims.
func (k *Keyless) identityToken(ctx context.Context) (string, *IDToken, error) {
	tok, err := k.token.Token(ctx)
	if err != nil {
		var se *ServiceError
		if errors.As(err, &se) || errors.Is(err, ErrNoToken) || errors.Is(err, ErrToken) || errors.Is(err, ErrInvalidConfig) {
			return "", nil, err // the package's own sources say enough
		}
		return "", nil, fmt.Errorf("sigstore: identity token: %w", err)
	}
	tok = strings.TrimSpace(tok)
	id, err := ParseIDToken(tok)
	if err != nil {
		return "", nil, err
	}
	if id.Email != "" && !id.EmailVerified {
		// Fulcio certifies an email only if the issuer verified it, and
		// sigstore-go's client refuses to prove possession otherwise.
		return "", nil, fmt.Errorf("%w: the email claim is not verified (email_verified is not true)", ErrToken)
	}
	if now := k.now(); !id.Expiry.IsZero() && !now.Before(id.Expiry) {
		return "", nil, fmt.Errorf("%w: expired at %s (now %s)", ErrToken, id.Expiry.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return tok, id, nil
}

func (k *Keyless) transport(ctx context.Context, service string) *serviceTransport {
	return newServiceTransport(ctx, service, k.base, k.retry, k.sleep)
}

// certificate asks Fulcio to certify key for the token's identity, with
// sigstore-go's client, and checks that the certificate is for key.
func (k *Keyless) certificate(ctx context.Context, key *ephemeralKey, tok string) ([]byte, error) {
	t := k.transport(ctx, ServiceFulcio)
	f := sgsign.NewFulcio(&sgsign.FulcioOptions{BaseURL: strings.TrimSuffix(k.svc.Fulcio, "/"), Timeout: -1, Transport: t})
	der, err := f.GetCertificate(ctx, key, &sgsign.CertificateProviderOptions{IDToken: tok})
	if err != nil {
		return nil, serviceError(t, err, tok)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, t.fail(t.record.status, t.record.attempts, fmt.Errorf("%w: certificate: %v", ErrBadResponse, err))
	}
	if !key.priv.PublicKey.Equal(cert.PublicKey) {
		return nil, t.fail(t.record.status, t.record.attempts, fmt.Errorf("%w: the certificate is for another key", ErrBadResponse))
	}
	return der, nil
}

func (k *Keyless) timestamp(ctx context.Context, u string, sig []byte) ([]byte, error) {
	t := k.transport(ctx, ServiceTSA)
	ts := sgsign.NewTimestampAuthority(&sgsign.TimestampAuthorityOptions{URL: u, Timeout: -1, Transport: t})
	resp, err := ts.GetTimestamp(ctx, sig)
	if err != nil {
		return nil, serviceError(t, err)
	}
	return resp, nil
}

func (k *Keyless) logEntry(ctx context.Context, r RekorService, certPEM []byte, pb *protobundle.Bundle) error {
	t := k.transport(ctx, ServiceRekor)
	base, err := parseBase(r.URL)
	if err != nil {
		return err
	}
	opts := &sgsign.RekorOptions{BaseURL: base.String(), Version: r.Version, Timeout: k.operationTimeout()}
	if r.Version == 2 {
		opts.ClientV2 = &rekorV2Client{base: base, http: t.client()}
	} else {
		opts.Client = rekorV1Client(base, t.client())
	}
	before := len(pb.GetVerificationMaterial().GetTlogEntries())
	if err := sgsign.NewRekor(opts).GetTransparencyLogEntry(ctx, certPEM, pb); err != nil {
		return serviceError(t, err)
	}
	if len(pb.GetVerificationMaterial().GetTlogEntries()) != before+1 {
		return t.fail(t.record.status, t.record.attempts, fmt.Errorf("%w: no log entry", ErrBadResponse))
	}
	return nil
}

// operationTimeout bounds one retried request: every attempt and every
// wait (go-openapi otherwise applies 30 s to the whole).
func (k *Keyless) operationTimeout() time.Duration {
	total := time.Duration(k.retry.Attempts) * k.retry.AttemptTimeout
	for i := 1; i < k.retry.Attempts; i++ {
		total += k.retry.delay(i, nil)
	}
	return total
}

// selfCheckTrust is the trust a new bundle is checked under: an
// Authority for tr that requires what the services were asked for (a
// timestamp from every TSA, an entry in every log, signed integrated
// times when no TSA vouches for the time, SCTs when tr lists CT logs).
func selfCheckTrust(tr *TrustedRoot, svc Services, now func() time.Time) (*verify.Trust, error) {
	var opts []Option
	if n := len(svc.TSA); n > 0 {
		opts = append(opts, WithSignedTimestamps(n))
	}
	if n := len(svc.Rekor); n > 0 {
		opts = append(opts, WithTransparencyLog(n))
		if len(svc.TSA) == 0 {
			opts = append(opts, WithIntegratedTimestamps(n))
		}
	} else {
		opts = append(opts, WithoutTransparencyLogUnsafe())
	}
	if !tr.HasCTLogs() {
		opts = append(opts, WithoutSignedCertificateTimestampsUnsafe())
	}
	a, err := NewAuthority(tr, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: trusted root: %v", ErrInvalidConfig, err)
	}
	trust, err := verify.NewTrust(verify.WithAuthority(a), verify.WithClock(now), verify.WithMinBundleVersion("v0.3"))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	return trust, nil
}

// selfCheck verifies a new bundle with verify.Verify under k.trust, when
// there is one. The identity is the token's: its issuer exactly, and for
// a token with an email, that address as the SAN (for CI issuers Fulcio
// certifies a workflow URI the token does not spell, so only the issuer
// is compared).
func (k *Keyless) selfCheck(ctx context.Context, b *bundle.Bundle, c content, tok *IDToken) error {
	if k.trust == nil {
		return nil
	}
	want := verify.CertificateIdentity{SANRegexp: ".+", Issuer: tok.Issuer}
	if tok.Email != "" {
		want = verify.CertificateIdentity{SAN: tok.Email, Issuer: tok.Issuer}
	}
	id, err := verify.NewIdentityPolicy(want)
	if err != nil {
		return fmt.Errorf("%w: identity of the token: %v", ErrSelfCheck, err)
	}
	artifact := verify.WithoutArtifactUnsafe()
	if c.dsse == nil {
		d, err := digest.New(digest.SHA256, c.digest)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrSelfCheck, err)
		}
		artifact = verify.WithArtifactDigest(d)
	}
	if _, err := verify.Verify(ctx, verify.FromBundle(b), k.trust, artifact, id); err != nil {
		return errs.Wrap(ErrSelfCheck, err)
	}
	return nil
}

// ephemeralKey is a one-signing ECDSA P-256 key. It implements
// sigstore-go's Keypair, which its Fulcio client uses for the proof of
// possession.
type ephemeralKey struct {
	priv *ecdsa.PrivateKey
	hint []byte
}

func newEphemeralKey() (*ephemeralKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sigstore: %w: generating a key: %w", sign.ErrSigner, err)
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("sigstore: %w: %w", sign.ErrSigner, err)
	}
	sum := sha256.Sum256(der)
	return &ephemeralKey{priv: priv, hint: []byte(base64.StdEncoding.EncodeToString(sum[:]))}, nil
}

// GetHashAlgorithm returns SHA2_256, the hash SignData uses.
func (e *ephemeralKey) GetHashAlgorithm() protocommon.HashAlgorithm {
	return protocommon.HashAlgorithm_SHA2_256
}

// GetSigningAlgorithm returns PKIX_ECDSA_P256_SHA_256.
func (e *ephemeralKey) GetSigningAlgorithm() protocommon.PublicKeyDetails {
	return protocommon.PublicKeyDetails_PKIX_ECDSA_P256_SHA_256
}

// GetHint returns the key hint, base64(SHA-256(PKIX DER)).
func (e *ephemeralKey) GetHint() []byte { return e.hint }

// GetKeyAlgorithm returns "ECDSA".
func (e *ephemeralKey) GetKeyAlgorithm() string { return "ECDSA" }

// GetPublicKey returns the public key.
func (e *ephemeralKey) GetPublicKey() crypto.PublicKey { return &e.priv.PublicKey }

// GetPublicKeyPem returns the public key as PKIX PEM.
func (e *ephemeralKey) GetPublicKeyPem() (string, error) {
	b, err := sign.MarshalPublicKey(&e.priv.PublicKey)
	return string(b), err
}

// SignData hashes data with SHA-256 and signs it; it returns the signature
// and the digest.
func (e *ephemeralKey) SignData(_ context.Context, data []byte) ([]byte, []byte, error) {
	sum := sha256.Sum256(data)
	sig, err := ecdsa.SignASN1(rand.Reader, e.priv, sum[:])
	if err != nil {
		return nil, nil, err
	}
	return sig, sum[:], nil
}

var _ sgsign.Keypair = (*ephemeralKey)(nil)
