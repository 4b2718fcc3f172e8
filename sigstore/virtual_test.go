package sigstore_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
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
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	rekortilespb "github.com/sigstore/rekor-tiles/v2/pkg/generated/protobuf"
	rekornote "github.com/sigstore/rekor-tiles/v2/pkg/note"
	"github.com/sigstore/rekor/pkg/generated/models"
	"github.com/sigstore/rekor/pkg/types"
	rekorutil "github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore/pkg/signature"
	flog "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/chainmail-dev/chainmail/sigstore"
)

// virtualSigstore is an in-process Sigstore for hermetic tests: an OIDC
// issuer (tokens signed with an ES256 key), a Fulcio that checks the token
// and the proof of possession and issues certificates from a test CA, an
// RFC 3161 timestamp authority, a Rekor v2 log and a Rekor v1 log whose
// entries, checkpoints and promises verify, all behind one httptest
// server on loopback. Faults can be queued per service.
type virtualSigstore struct {
	t      testing.TB
	srv    *httptest.Server
	issuer string

	issuerKey        *ecdsa.PrivateKey
	rootCert, caCert *x509.Certificate
	caKey            *ecdsa.PrivateKey
	tsaChain         []*x509.Certificate // leaf, intermediate, root
	tsaKey           *ecdsa.PrivateKey
	rekor2Key        *ecdsa.PrivateKey
	rekor1Key        *ecdsa.PrivateKey
	epoch            time.Time
	mu               sync.Mutex
	faults           map[string][]fault
	calls            map[string]int
	requests         map[string][]byte // last request body per service
	headers          map[string]http.Header
	rekor1Index      int64
}

// fault is one canned answer of a service, used instead of the real one.
type fault struct {
	status   int
	body     string
	header   map[string]string
	wrongKey bool // Fulcio: certify another key
	delay    time.Duration
}

// Service names of the virtual Sigstore, as its URL paths use them.
const (
	vFulcio = "fulcio"
	vTSA    = "tsa"
	vRekor2 = "rekor2"
	vRekor1 = "rekor1"
)

const virtualIssuer = "https://issuer.virtual.test"

func newVirtualSigstore(t testing.TB) *virtualSigstore {
	t.Helper()
	v := &virtualSigstore{t: t, issuer: virtualIssuer, epoch: time.Now().Add(-time.Hour),
		faults: map[string][]fault{}, calls: map[string]int{}, requests: map[string][]byte{}, headers: map[string]http.Header{}}
	var err error
	must := func(e error) {
		if e != nil {
			t.Fatal(e)
		}
	}
	v.issuerKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	var rootKey *ecdsa.PrivateKey
	v.rootCert, rootKey, err = ca.GenerateRootCa()
	must(err)
	v.caCert, v.caKey, err = ca.GenerateFulcioIntermediate(v.rootCert, rootKey)
	must(err)
	tsaInter, tsaInterKey, err := ca.GenerateTSAIntermediate(v.rootCert, rootKey)
	must(err)
	v.tsaKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	tsaLeaf, err := ca.GenerateTSALeafCert(time.Now().Add(-time.Minute), v.tsaKey, tsaInter, tsaInterKey)
	must(err)
	v.tsaChain = []*x509.Certificate{tsaLeaf, tsaInter, v.rootCert}
	v.rekor2Key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	v.rekor1Key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)

	mux := http.NewServeMux()
	mux.HandleFunc("POST /fulcio/api/v2/signingCert", v.wrap(vFulcio, v.fulcio))
	mux.HandleFunc("POST /tsa/api/v1/timestamp", v.wrap(vTSA, v.tsa))
	mux.HandleFunc("POST /rekor2/api/v2/log/entries", v.wrap(vRekor2, v.rekor2))
	mux.HandleFunc("POST /rekor1/api/v1/log/entries", v.wrap(vRekor1, v.rekor1))
	v.srv = httptest.NewServer(mux)
	t.Cleanup(v.srv.Close)
	return v
}

// Services returns the virtual services: Fulcio, Rekor v2 and the TSA.
func (v *virtualSigstore) Services() sigstore.Services {
	return sigstore.Services{
		Fulcio: v.srv.URL + "/fulcio",
		Rekor:  []sigstore.RekorService{{URL: v.srv.URL + "/rekor2", Version: 2}},
		TSA:    []string{v.srv.URL + "/tsa/api/v1/timestamp"},
	}
}

// RekorV1 returns the Rekor v1 log's service.
func (v *virtualSigstore) RekorV1() sigstore.RekorService {
	return sigstore.RekorService{URL: v.srv.URL + "/rekor1", Version: 1}
}

// TrustedRoot returns the trust material of every virtual service.
// Root is TrustedRoot as this package's type.
func (v *virtualSigstore) Root() *sigstore.TrustedRoot {
	v.t.Helper()
	raw, err := v.TrustedRoot().MarshalJSON()
	if err != nil {
		v.t.Fatal(err)
	}
	tr, err := sigstore.ParseTrustedRoot(raw)
	if err != nil {
		v.t.Fatal(err)
	}
	return tr
}

func (v *virtualSigstore) TrustedRoot() *root.TrustedRoot {
	v.t.Helper()
	pub2 := v.rekor2Key.Public()
	_, id2, err := rekornote.KeyHash("127.0.0.1", pub2)
	if err != nil {
		v.t.Fatal(err)
	}
	id1 := v.rekor1LogID()
	logs := map[string]*root.TransparencyLog{
		hex.EncodeToString(id2): {BaseURL: v.srv.URL + "/rekor2", ID: id2, ValidityPeriodStart: v.epoch,
			HashFunc: crypto.SHA256, PublicKey: pub2, SignatureHashFunc: crypto.SHA256},
		hex.EncodeToString(id1): {BaseURL: v.srv.URL + "/rekor1", ID: id1, ValidityPeriodStart: v.epoch,
			HashFunc: crypto.SHA256, PublicKey: v.rekor1Key.Public(), SignatureHashFunc: crypto.SHA256},
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01,
		[]root.CertificateAuthority{&root.FulcioCertificateAuthority{Root: v.rootCert, Intermediates: []*x509.Certificate{v.caCert},
			URI: v.srv.URL + "/fulcio", ValidityPeriodStart: v.epoch}},
		nil,
		[]root.TimestampingAuthority{&root.SigstoreTimestampingAuthority{Leaf: v.tsaChain[0], Intermediates: v.tsaChain[1:2], Root: v.rootCert,
			URI: v.srv.URL + "/tsa", ValidityPeriodStart: v.epoch}},
		logs)
	if err != nil {
		v.t.Fatal(err)
	}
	return tr
}

func (v *virtualSigstore) rekor1LogID() []byte {
	der, err := x509.MarshalPKIXPublicKey(v.rekor1Key.Public())
	if err != nil {
		v.t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return sum[:]
}

// Token mints an ES256 identity token for email; edit changes the claims.
func (v *virtualSigstore) Token(email string, edit ...func(map[string]any)) string {
	now := time.Now()
	claims := map[string]any{"iss": v.issuer, "sub": "user-" + email, "email": email, "email_verified": true,
		"aud": "sigstore", "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
	for _, e := range edit {
		e(claims)
	}
	h, _ := json.Marshal(map[string]string{"alg": "ES256", "typ": "JWT", "kid": "virtual"})
	c, _ := json.Marshal(claims)
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
func (v *virtualSigstore) Fail(service string, f ...fault) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.faults[service] = append(v.faults[service], f...)
}

// Calls returns how many requests a service received.
func (v *virtualSigstore) Calls(service string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.calls[service]
}

// Request returns the last request body and headers a service received.
func (v *virtualSigstore) Request(service string) ([]byte, http.Header) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.requests[service], v.headers[service]
}

type handler func(w http.ResponseWriter, body []byte, h http.Header, f *fault) (int, []byte, string)

// wrap counts and records the request, then answers with the next fault
// or the service's real answer.
func (v *virtualSigstore) wrap(service string, h handler) http.HandlerFunc {
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
		var f *fault
		if q := v.faults[service]; len(q) > 0 {
			f, v.faults[service] = &q[0], q[1:]
		}
		v.mu.Unlock()
		if f != nil {
			if f.delay > 0 {
				select {
				case <-time.After(f.delay):
				case <-r.Context().Done():
					return
				}
			}
			for k, val := range f.header {
				w.Header().Set(k, val)
			}
			if f.status != 0 {
				w.WriteHeader(f.status)
				io.WriteString(w, f.body)
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

// fulcio checks the token and the proof of possession and certifies the
// key for the token's email.
func (v *virtualSigstore) fulcio(_ http.ResponseWriter, body []byte, h http.Header, f *fault) (int, []byte, string) {
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
	if f != nil && f.wrongKey {
		other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		ecPub = &other.PublicKey
	}
	issuerExt, _ := asn1.MarshalWithParams(v.issuer, "utf8")
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber:   serial,
		EmailAddresses: []string{email},
		NotBefore:      time.Now().Add(-time.Minute),
		NotAfter:       time.Now().Add(10 * time.Minute),
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		ExtraExtensions: []pkix.Extension{
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}, Value: []byte(v.issuer)},
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}, Value: issuerExt},
		},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, v.caCert, ecPub, v.caKey)
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	chain := []string{pemCert(der), pemCert(v.caCert.Raw), pemCert(v.rootCert.Raw)}
	out, _ := json.Marshal(map[string]any{"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": chain}}})
	return http.StatusOK, out, "application/json"
}

// checkToken verifies an ES256 token of the virtual issuer for audience
// sigstore that has not expired.
func (v *virtualSigstore) checkToken(tok string) (map[string]any, bool) {
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
	if claims["iss"] != v.issuer || claims["aud"] != "sigstore" || time.Now().Unix() >= int64(exp) {
		return nil, false
	}
	return claims, true
}

func pemCert(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// tsa answers an RFC 3161 request.
func (v *virtualSigstore) tsa(_ http.ResponseWriter, body []byte, _ http.Header, _ *fault) (int, []byte, string) {
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		return textError(http.StatusBadRequest, "bad timestamp request")
	}
	ts := timestamp.Timestamp{
		HashAlgorithm: req.HashAlgorithm,
		HashedMessage: req.HashedMessage,
		Time:          time.Now(),
		Nonce:         req.Nonce,
		Policy:        asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 2},
	}
	resp, err := ts.CreateResponseWithOpts(v.tsaChain[0], v.tsaKey, crypto.SHA256)
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	return http.StatusCreated, resp, "application/timestamp-reply"
}

// rekor2 adds a hashedrekord v0.0.2 entry to a fresh one-entry log and
// answers with the entry, its inclusion proof and a signed checkpoint,
// the way rekor-tiles does.
func (v *virtualSigstore) rekor2(_ http.ResponseWriter, body []byte, _ http.Header, _ *fault) (int, []byte, string) {
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
		return textError(http.StatusInternalServerError, err.Error())
	}
	canon, err := jsoncanonicalizer.Transform(raw)
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	leaf := rfc6962.DefaultHasher.HashLeaf(canon)
	sv, err := signature.LoadECDSASignerVerifier(v.rekor2Key, crypto.SHA256)
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	ns, err := rekornote.NewNoteSigner(context.Background(), "127.0.0.1", sv)
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	cp, err := note.Sign(&note.Note{Text: string(flog.Checkpoint{Origin: "127.0.0.1", Size: 1, Hash: leaf}.Marshal())}, ns)
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	_, id, _ := rekornote.KeyHash("127.0.0.1", v.rekor2Key.Public())
	tle := &protorekor.TransparencyLogEntry{
		LogIndex:          0,
		LogId:             &protocommon.LogId{KeyId: id},
		KindVersion:       &protorekor.KindVersion{Kind: "hashedrekord", Version: "0.0.2"},
		InclusionProof:    &protorekor.InclusionProof{LogIndex: 0, TreeSize: 1, RootHash: leaf, Checkpoint: &protorekor.Checkpoint{Envelope: string(cp)}},
		CanonicalizedBody: canon,
	}
	out, err := protojson.Marshal(tle)
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	return http.StatusCreated, out, "application/json"
}

// rekor1 canonicalizes a proposed entry with Rekor's own types and answers
// with the entry, a signed entry timestamp and an inclusion proof in a
// one-entry tree.
func (v *virtualSigstore) rekor1(w http.ResponseWriter, body []byte, _ http.Header, _ *fault) (int, []byte, string) {
	ctx := context.Background()
	pe, err := models.UnmarshalProposedEntry(bytes.NewReader(body), runtime.JSONConsumer())
	if err != nil {
		return textError(http.StatusBadRequest, err.Error())
	}
	ei, err := types.CreateVersionedEntry(pe)
	if err != nil {
		return textError(http.StatusBadRequest, err.Error())
	}
	canon, err := types.CanonicalizeEntry(ctx, ei)
	if err != nil {
		return textError(http.StatusBadRequest, err.Error())
	}
	v.mu.Lock()
	v.rekor1Index++
	index := v.rekor1Index
	v.mu.Unlock()
	logID := hex.EncodeToString(v.rekor1LogID())
	integrated := time.Now().Unix()
	b64 := base64.StdEncoding.EncodeToString(canon)
	payload, _ := json.Marshal(map[string]any{"body": b64, "integratedTime": integrated, "logIndex": index, "logID": logID})
	canonPayload, err := jsoncanonicalizer.Transform(payload)
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	sum := sha256.Sum256(canonPayload)
	set, err := ecdsa.SignASN1(rand.Reader, v.rekor1Key, sum[:])
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	leaf := rfc6962.DefaultHasher.HashLeaf(canon)
	sv, _ := signature.LoadECDSASignerVerifier(v.rekor1Key, crypto.SHA256)
	cp, err := rekorutil.CreateAndSignCheckpoint(ctx, "127.0.0.1", 1, 1, leaf, sv)
	if err != nil {
		return textError(http.StatusInternalServerError, err.Error())
	}
	uuid := hex.EncodeToString(leaf)
	w.Header().Set("ETag", uuid)
	w.Header().Set("Location", "/api/v1/log/entries/"+uuid)
	out, _ := json.Marshal(map[string]any{uuid: map[string]any{
		"body": b64, "integratedTime": integrated, "logID": logID, "logIndex": index,
		"verification": map[string]any{
			"signedEntryTimestamp": base64.StdEncoding.EncodeToString(set),
			"inclusionProof": map[string]any{"checkpoint": string(cp), "hashes": []string{}, "logIndex": 0,
				"rootHash": hex.EncodeToString(leaf), "treeSize": 1},
		},
	}})
	return http.StatusCreated, out, "application/json"
}
