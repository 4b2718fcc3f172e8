package sigstoretest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer"
	"github.com/digitorus/timestamp"
	"github.com/go-openapi/runtime"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	rekortilespb "github.com/sigstore/rekor-tiles/v2/pkg/generated/protobuf"
	"github.com/sigstore/rekor/pkg/generated/models"
	"github.com/sigstore/rekor/pkg/types"
	"github.com/sigstore/sigstore-go/pkg/root"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/chainmail-dev/chainmail/sigstore"
)

// Service names of a Server, as its URL paths use them.
const (
	Fulcio = "fulcio"
	TSA    = "tsa"
	Rekor2 = "rekor2"
	Rekor1 = "rekor1"
)

// ServerIssuer is the OIDC issuer of a Server's tokens.
const ServerIssuer = "https://issuer.virtual.test"

// Server is a test Sigstore behind one httptest server on loopback, for
// hermetic tests of keyless signing: an OIDC issuer (tokens signed with
// an ES256 key), a Fulcio that checks the token and the proof of
// possession and issues certificates from the CA, the RFC 3161 timestamp
// authority, a Rekor v2 log and a Rekor v1 log. Faults can be queued per
// service.
type Server struct {
	// Sigstore holds the authorities; its certificates start an hour
	// before the server's clock at NewServer.
	Sigstore *Sigstore

	t         testing.TB
	now       func() time.Time
	srv       *httptest.Server
	issuerKey *ecdsa.PrivateKey
	rekor1    *Log
	rekor2    *Log

	mu       sync.Mutex
	faults   map[string][]Fault
	calls    map[string]int
	requests map[string][]byte // last request body per service
	headers  map[string]http.Header
}

// Fault is one canned answer of a service, used instead of the real one.
type Fault struct {
	// Status, when not zero, is answered with Body instead of the real
	// answer.
	Status int
	Body   string
	// Header is set on the answer.
	Header map[string]string
	// WrongKey makes Fulcio certify another key.
	WrongKey bool
	// Delay is waited before answering.
	Delay time.Duration
}

// NewServer starts a Server whose services read the time from now; it
// stops when the test ends.
func NewServer(t testing.TB, now func() time.Time) *Server {
	t.Helper()
	v := &Server{t: t, now: now, Sigstore: New(t, now().Add(-time.Hour)), issuerKey: NewKey(t),
		rekor1: &Log{Host: "127.0.0.1", Key: NewKey(t)}, rekor2: &Log{Host: "127.0.0.1", Key: NewKey(t), Index: 1, V2: true},
		faults: map[string][]Fault{}, calls: map[string]int{}, requests: map[string][]byte{}, headers: map[string]http.Header{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /fulcio/api/v2/signingCert", v.wrap(Fulcio, v.fulcio))
	mux.HandleFunc("POST /tsa/api/v1/timestamp", v.wrap(TSA, v.tsa))
	mux.HandleFunc("POST /rekor2/api/v2/log/entries", v.wrap(Rekor2, v.rekor2Entry))
	mux.HandleFunc("POST /rekor1/api/v1/log/entries", v.wrap(Rekor1, v.rekor1Entry))
	v.srv = httptest.NewServer(mux)
	t.Cleanup(v.srv.Close)
	return v
}

// Services returns the server's services: Fulcio, Rekor v2 and the TSA.
func (v *Server) Services() sigstore.Services {
	return sigstore.Services{
		Fulcio: v.srv.URL + "/" + Fulcio,
		Rekor:  []sigstore.RekorService{{URL: v.srv.URL + "/" + Rekor2, Version: 2}},
		TSA:    []string{v.srv.URL + "/tsa/api/v1/timestamp"},
	}
}

// RekorV1 returns the Rekor v1 log's service.
func (v *Server) RekorV1() sigstore.RekorService {
	return sigstore.RekorService{URL: v.srv.URL + "/" + Rekor1, Version: 1}
}

// Spec is the trusted root of every service of the server: the CA, both
// Rekor logs and the TSA (no CT log: Fulcio embeds no SCT).
func (v *Server) Spec() sigstore.TrustedRootSpec {
	spec := v.Sigstore.Spec()
	spec.CertificateAuthorities[0].URI = v.srv.URL + "/" + Fulcio
	spec.TimestampAuthorities[0].URI = v.srv.URL + "/" + TSA
	spec.CTLogs = nil
	from := spec.TransparencyLogs[0].ValidFrom
	spec.TransparencyLogs = []sigstore.TransparencyLog{
		{BaseURL: v.srv.URL + "/" + Rekor2, PublicKey: v.rekor2.Key.Public(), ValidFrom: from},
		{BaseURL: v.srv.URL + "/" + Rekor1, PublicKey: v.rekor1.Key.Public(), ValidFrom: from},
	}
	return spec
}

// Root returns the trusted root of every service of the server.
func (v *Server) Root() *sigstore.TrustedRoot {
	v.t.Helper()
	tr, err := sigstore.NewTrustedRoot(v.Spec())
	if err != nil {
		v.t.Fatal(err)
	}
	return tr
}

// TrustedRoot is Root as sigstore-go's type.
func (v *Server) TrustedRoot() *root.TrustedRoot {
	v.t.Helper()
	raw, err := v.Root().MarshalJSON()
	if err != nil {
		v.t.Fatal(err)
	}
	tr, err := root.NewTrustedRootFromJSON(raw)
	if err != nil {
		v.t.Fatal(err)
	}
	return tr
}

// Token mints an ES256 identity token for email, valid for ten minutes;
// edit changes the claims.
func (v *Server) Token(email string, edit ...func(map[string]any)) string {
	now := v.now()
	claims := map[string]any{"iss": ServerIssuer, "sub": "user-" + email, "email": email, "email_verified": true,
		"aud": "sigstore", "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
	for _, e := range edit {
		e(claims)
	}
	h, _ := json.Marshal(map[string]string{"alg": "ES256", "typ": "JWT", "kid": "virtual"})
	c, err := json.Marshal(claims)
	if err != nil {
		v.t.Fatal(err)
	}
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, v.issuerKey, sum[:])
	if err != nil {
		v.t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// Fail queues canned answers for a service, used before real ones.
func (v *Server) Fail(service string, f ...Fault) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.faults[service] = append(v.faults[service], f...)
}

// Calls returns how many requests a service received.
func (v *Server) Calls(service string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.calls[service]
}

// Request returns the last request body and headers a service received.
func (v *Server) Request(service string) ([]byte, http.Header) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.requests[service], v.headers[service]
}

type handler func(w http.ResponseWriter, body []byte, h http.Header, f *Fault) (int, []byte, string)

// wrap counts and records the request, then answers with the next fault
// or the service's real answer.
func (v *Server) wrap(service string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		v.mu.Lock()
		v.calls[service]++
		v.requests[service] = body
		v.headers[service] = r.Header.Clone()
		var f *Fault
		if q := v.faults[service]; len(q) > 0 {
			f, v.faults[service] = &q[0], q[1:]
		}
		v.mu.Unlock()
		if f != nil {
			if f.Delay > 0 {
				select {
				case <-time.After(f.Delay):
				case <-r.Context().Done():
					return
				}
			}
			for k, val := range f.Header {
				w.Header().Set(k, val)
			}
			if f.Status != 0 {
				w.WriteHeader(f.Status)
				io.WriteString(w, f.Body)
				return
			}
		}
		status, out, ctype := h(w, body, r.Header, f)
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		w.Write(out)
	}
}

func textError(status int, msg string) (int, []byte, string) {
	return status, []byte(msg), "text/plain"
}

func internalError(err error) (int, []byte, string) {
	return textError(http.StatusInternalServerError, err.Error())
}

// fulcio checks the token and the proof of possession and certifies the
// key for the token's email.
func (v *Server) fulcio(_ http.ResponseWriter, body []byte, h http.Header, f *Fault) (int, []byte, string) {
	claims, ok := v.checkToken(strings.TrimPrefix(h.Get("Authorization"), "Bearer "))
	if !ok {
		return textError(http.StatusUnauthorized, `{"code":16,"message":"There was an error processing the identity token"}`)
	}
	var req struct {
		PublicKeyRequest struct {
			PublicKey struct {
				Algorithm string `json:"algorithm"`
				Content   string `json:"content"`
			} `json:"publicKey"`
			ProofOfPossession string `json:"proofOfPossession"`
		} `json:"publicKeyRequest"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return textError(http.StatusBadRequest, "bad request")
	}
	blk, _ := pem.Decode([]byte(req.PublicKeyRequest.PublicKey.Content))
	if blk == nil {
		return textError(http.StatusBadRequest, "bad public key")
	}
	pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
	ecPub, isEC := pub.(*ecdsa.PublicKey)
	if err != nil || !isEC {
		return textError(http.StatusBadRequest, "bad public key")
	}
	pop, err := base64.StdEncoding.DecodeString(req.PublicKeyRequest.ProofOfPossession)
	email, _ := claims["email"].(string)
	sum := sha256.Sum256([]byte(email))
	if err != nil || !ecdsa.VerifyASN1(ecPub, sum[:], pop) {
		return textError(http.StatusBadRequest, "proof of possession failed")
	}
	var certified crypto.PublicKey = ecPub
	if f != nil && f.WrongKey {
		other, err := ecdsa.GenerateKey(ecPub.Curve, rand.Reader)
		if err != nil {
			return internalError(err)
		}
		certified = other.Public()
	}
	leaf, err := v.Sigstore.issueLeaf(LeafOpts{SAN: email, Issuer: ServerIssuer, NotBefore: v.now().Add(-time.Minute), NoSCT: true}, certified)
	if err != nil {
		return internalError(err)
	}
	chain := []string{string(PEMCert(leaf.Raw)), string(PEMCert(v.Sigstore.Inter.Raw)), string(PEMCert(v.Sigstore.Root.Raw))}
	out, _ := json.Marshal(map[string]any{"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": chain}}})
	return http.StatusOK, out, "application/json"
}

// checkToken verifies an ES256 token of the server's issuer for audience
// sigstore that has not expired.
func (v *Server) checkToken(tok string) (map[string]any, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return nil, false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(&v.issuerKey.PublicKey, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return nil, false
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return nil, false
	}
	exp, _ := claims["exp"].(float64)
	if claims["iss"] != ServerIssuer || claims["aud"] != "sigstore" || v.now().Unix() >= int64(exp) {
		return nil, false
	}
	return claims, true
}

// tsa answers an RFC 3161 request.
func (v *Server) tsa(_ http.ResponseWriter, body []byte, _ http.Header, _ *Fault) (int, []byte, string) {
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		return textError(http.StatusBadRequest, "bad timestamp request")
	}
	resp, err := timestampResponse(timestamp.Timestamp{
		HashAlgorithm: req.HashAlgorithm,
		HashedMessage: req.HashedMessage,
		Time:          v.now(),
		Nonce:         req.Nonce,
	}, v.Sigstore.TSALeaf, v.Sigstore.TSAKey)
	if err != nil {
		return internalError(err)
	}
	return http.StatusCreated, resp, "application/timestamp-reply"
}

// rekor2Entry adds a hashedrekord v0.0.2 entry to the Rekor v2 log and
// answers with the entry, its inclusion proof and a signed checkpoint,
// the way rekor-tiles does.
func (v *Server) rekor2Entry(_ http.ResponseWriter, body []byte, _ http.Header, _ *Fault) (int, []byte, string) {
	req := new(rekortilespb.CreateEntryRequest)
	if err := protojson.Unmarshal(body, req); err != nil {
		return textError(http.StatusBadRequest, "bad entry")
	}
	hr := req.GetHashedRekordRequestV002()
	if hr == nil {
		return textError(http.StatusBadRequest, "only hashedrekord 0.0.2")
	}
	entry := &rekortilespb.Entry{
		Kind:       "hashedrekord",
		ApiVersion: "0.0.2",
		Spec: &rekortilespb.Spec{Spec: &rekortilespb.Spec_HashedRekordV002{HashedRekordV002: &rekortilespb.HashedRekordLogEntryV002{
			Data:      &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: hr.GetDigest()},
			Signature: hr.GetSignature(),
		}}},
	}
	raw, err := protojson.Marshal(entry)
	if err != nil {
		return internalError(err)
	}
	canon, err := jsoncanonicalizer.Transform(raw)
	if err != nil {
		return internalError(err)
	}
	tle, err := v.rekor2.entry(canon, "hashedrekord", SignOpts{})
	if err != nil {
		return internalError(err)
	}
	out, err := protojson.Marshal(tle)
	if err != nil {
		return internalError(err)
	}
	return http.StatusCreated, out, "application/json"
}

// rekor1Entry canonicalizes a proposed entry with Rekor's own types, adds
// it to the Rekor v1 log (at the next index) and answers with the entry,
// its signed entry timestamp and its inclusion proof.
func (v *Server) rekor1Entry(w http.ResponseWriter, body []byte, _ http.Header, _ *Fault) (int, []byte, string) {
	pe, err := models.UnmarshalProposedEntry(bytes.NewReader(body), runtime.JSONConsumer())
	if err != nil {
		return textError(http.StatusBadRequest, err.Error())
	}
	ei, err := types.CreateVersionedEntry(pe)
	if err != nil {
		return textError(http.StatusBadRequest, err.Error())
	}
	canon, err := types.CanonicalizeEntry(context.Background(), ei)
	if err != nil {
		return textError(http.StatusBadRequest, err.Error())
	}
	v.mu.Lock()
	v.rekor1.Index++
	tle, err := v.rekor1.entry(canon, pe.Kind(), SignOpts{Integrated: v.now()})
	v.mu.Unlock()
	if err != nil {
		return internalError(err)
	}
	p := tle.InclusionProof
	hashes := []string{}
	for _, h := range p.Hashes {
		hashes = append(hashes, hex.EncodeToString(h))
	}
	uuid := hex.EncodeToString(LeafHash(canon))
	w.Header().Set("ETag", uuid)
	w.Header().Set("Location", "/api/v1/log/entries/"+uuid)
	out, err := json.Marshal(map[string]any{uuid: map[string]any{
		"body": base64.StdEncoding.EncodeToString(canon), "integratedTime": tle.IntegratedTime,
		"logID": hex.EncodeToString(tle.LogId.KeyId), "logIndex": tle.LogIndex,
		"verification": map[string]any{
			"signedEntryTimestamp": base64.StdEncoding.EncodeToString(tle.InclusionPromise.SignedEntryTimestamp),
			"inclusionProof": map[string]any{"checkpoint": p.Checkpoint.Envelope, "hashes": hashes, "logIndex": p.LogIndex,
				"rootHash": hex.EncodeToString(p.RootHash), "treeSize": p.TreeSize},
		},
	}})
	if err != nil {
		return internalError(err)
	}
	return http.StatusCreated, out, "application/json"
}
