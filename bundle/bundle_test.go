package bundle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/bundle"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/limits"
	"github.com/chainmail-dev/chainmail/internal/sgproto"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
	"github.com/chainmail-dev/chainmail/sign"
	"github.com/chainmail-dev/chainmail/sign/signtest"
)

var vectors = filepath.Join("..", "testdata", "vectors", "attest")

// realBundle describes a Sigstore bundle from the vectors (INDEX.md) and
// what it holds.
type realBundle struct {
	path    string
	version string
	cert    bool // certificate or chain (otherwise a public key)
	tlog    int
}

var realBundles = []realBundle{
	{"sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json", "v0.3", true, 1},
	{"sigstore-conformance/bundle-verify/dsse-invalid-sig_fail/bundle.sigstore.json", "v0.3", true, 1},
	{"sigstore-conformance/bundle-verify/dsse-mismatch-envelope_fail/bundle.sigstore.json", "v0.3", true, 1},
	{"sigstore-conformance/bundle-verify/dsse-mismatch-sig_fail/bundle.sigstore.json", "v0.3", true, 1},
	{"sigstore-conformance/bundle-verify/rekor2-dsse-happy-path/bundle.sigstore.json", "v0.3", true, 1},
	{"sigstore-conformance/bundle-verify/rekor2-dsse-invalid-sig_fail/bundle.sigstore.json", "v0.3", true, 1},
	{"sigstore-conformance/bundle-verify/rekor2-dsse-mismatch-envelope_fail/bundle.sigstore.json", "v0.3", true, 1},
	{"sigstore-conformance/bundle-verify/rekor2-dsse-mismatch-sig_fail/bundle.sigstore.json", "v0.3", true, 1},
	{"slsa-verifier/bcr/MODULE.bazel.intoto.jsonl", "v0.3", true, 1},
	{"slsa-verifier/bcr/MODULE-wrong-signer.bazel.intoto.jsonl", "v0.3", true, 1},
	{"slsa-verifier/bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl", "v0.3", true, 1},
	{"slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl", "v0.3", true, 1},
	{"slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl", "v0.3", true, 1},
	{"slsa-verifier/gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa", "v0.2", true, 1},
	{"slsa-verifier/gha_container-based/v1.10.0/binary-linux-amd64-push-v14.intoto.build.slsa", "v0.1", true, 1},
	{"slsa-verifier/bundle/valid.intoto.sigstore", "v0.1", true, 1},
	{"slsa-verifier/bundle/valid-v0.3.intoto.sigstore", "v0.3", true, 1},
	{"slsa-verifier/bundle/mismatch-tlog.intoto.sigstore", "v0.1", true, 1},
	{"slsa-verifier/bundle/invalid-set.intoto.sigstore", "v0.1", true, 1},
	{"slsa-verifier/bundle/invalid-dsse-sig.intoto.sigstore", "v0.1", true, 1},
	{"slsa-verifier/bundle/attestation.intoto.sigstore", "v0.1", true, 1},
	{"ampel/github-actions-bundle.json", "v0.1", true, 1},
	{"../../cosign/blob.txt.sigstore.json", "v0.3", false, 0},
	{"../../cosign/blob.txt.attestation.sigstore.json", "v0.3", false, 0},
}

func read(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectors, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// npmBundles returns the bundles inside slsa-verifier's npm attestation
// files ({"attestations":[{"predicateType":...,"bundle":{...}}]}).
func npmBundles(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for _, f := range []string{"slsa-verifier/npm-attestations.intoto.sigstore", "slsa-verifier/npm-stmt-mismatch-prov-predicatetype.intoto.sigstore"} {
		var doc struct {
			Attestations []struct {
				PredicateType string          `json:"predicateType"`
				Bundle        json.RawMessage `json:"bundle"`
			} `json:"attestations"`
		}
		if err := json.Unmarshal(read(t, f), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Attestations) == 0 {
			t.Fatalf("%s: no attestations", f)
		}
		for _, a := range doc.Attestations {
			out[f+" "+a.PredicateType] = a.Bundle
		}
	}
	return out
}

func TestParseRealBundles(t *testing.T) {
	for _, rb := range realBundles {
		t.Run(rb.path, func(t *testing.T) {
			data := read(t, rb.path)
			if !bundle.IsBundle(data) {
				t.Error("IsBundle is false")
			}
			b, err := bundle.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			if b.Version() != rb.version || b.HasCertificate() != rb.cert || b.TlogEntryCount() != rb.tlog {
				t.Fatalf("version %s cert %v tlog %d", b.Version(), b.HasCertificate(), b.TlogEntryCount())
			}
			if _, ok := b.PublicKeyHint(); ok == rb.cert {
				t.Errorf("PublicKeyHint ok=%v with cert=%v", ok, rb.cert)
			}
			checkRoundTrip(t, b)
			if b.IsDSSE() {
				env, err := b.Envelope()
				if err != nil || len(env.Signatures) != 1 || env.PayloadType == "" {
					t.Fatalf("envelope %v", err)
				}
				if _, err := b.MessageSignature(); !errors.Is(err, bundle.ErrNoSuchContent) {
					t.Fatalf("MessageSignature of a DSSE bundle: %v", err)
				}
			} else {
				ms, err := b.MessageSignature()
				if err != nil || len(ms.Signature) == 0 {
					t.Fatalf("message signature %v", err)
				}
				if _, err := b.Envelope(); !errors.Is(err, bundle.ErrNoSuchContent) {
					t.Fatalf("Envelope of a message bundle: %v", err)
				}
			}
		})
	}
	for name, data := range npmBundles(t) {
		t.Run(name, func(t *testing.T) {
			b, err := bundle.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			checkRoundTrip(t, b)
		})
	}
}

// checkRoundTrip: MarshalJSON is deterministic, compact, and parses back
// to an equal protobuf message.
func checkRoundTrip(t *testing.T, b *bundle.Bundle) {
	t.Helper()
	out, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, err := b.MarshalJSON()
		if err != nil || !bytes.Equal(again, out) {
			t.Fatal("MarshalJSON is not deterministic")
		}
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, out); err != nil || !bytes.Equal(compact.Bytes(), out) {
		t.Fatal("MarshalJSON output is not compact")
	}
	b2, err := bundle.Parse(out)
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	if !proto.Equal(sgproto.MustProto(b), sgproto.MustProto(b2)) {
		t.Fatal("round trip changed the bundle")
	}
	// The encoding is protojson's canonical form, compact.
	pj, err := protojson.Marshal(sgproto.MustProto(b))
	if err != nil {
		t.Fatal(err)
	}
	compact.Reset()
	if err := json.Compact(&compact, pj); err != nil || !bytes.Equal(compact.Bytes(), out) {
		t.Fatalf("MarshalJSON is not protojson's encoding: %s", firstDiff(out, compact.Bytes()))
	}
	// Contents gives back what New takes.
	b4, err := bundle.New(b.Contents())
	if err != nil {
		t.Fatalf("New(Contents()): %v", err)
	}
	if out4, _ := b4.MarshalJSON(); !bytes.Equal(out4, out) {
		t.Fatalf("New(Contents()) changed the bundle: %s", firstDiff(out, out4))
	}
	out2, _ := b2.MarshalJSON()
	if !bytes.Equal(out, out2) {
		t.Fatal("round trip changed the encoding")
	}
	// encoding/json uses the same rules.
	var b3 bundle.Bundle
	if err := json.Unmarshal(out, &b3); err != nil || !proto.Equal(sgproto.MustProto(b), sgproto.MustProto(&b3)) {
		t.Fatalf("json.Unmarshal: %v", err)
	}
}

// obj decodes JSON into a generic object for editing.
func obj(t testing.TB, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func enc(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sub(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

func TestParseRejects(t *testing.T) {
	v3 := read(t, "sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json")
	v1 := read(t, "slsa-verifier/bundle/valid.intoto.sigstore")
	v2 := read(t, "slsa-verifier/gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa")
	edit := func(base []byte, f func(m map[string]any)) []byte {
		m := obj(t, base)
		f(m)
		return enc(t, m)
	}
	mediaType := func(mt any) []byte {
		return edit(v3, func(m map[string]any) { m["mediaType"] = mt })
	}
	entries := func(base []byte, n int) []byte {
		return edit(base, func(m map[string]any) {
			vm := sub(m, "verificationMaterial")
			e := vm["tlogEntries"].([]any)[0]
			list := make([]any, n)
			for i := range list {
				list[i] = e
			}
			vm["tlogEntries"] = list
		})
	}
	// The first entry of v3 keeps its proof, a second one has none.
	secondUnproven := edit(v3, func(m map[string]any) {
		vm := sub(m, "verificationMaterial")
		e := vm["tlogEntries"].([]any)[0].(map[string]any)
		e2 := map[string]any{}
		for k, v := range e {
			e2[k] = v
		}
		delete(e2, "inclusionProof")
		vm["tlogEntries"] = []any{e, e2}
	})
	// v0.3 in the old media type form keeps its meaning.
	ours := ourBundle(t)

	for _, tc := range []struct {
		name string
		data []byte
		want []error // every one must match
	}{
		{"empty input", nil, []error{bundle.ErrMalformed}},
		{"not JSON", []byte("bundle"), []error{bundle.ErrMalformed, strictjson.ErrSyntax}},
		{"JSON null", []byte("null"), []error{bundle.ErrMalformed}},
		{"JSON array", []byte("[]"), []error{bundle.ErrMalformed}},
		{"empty object", []byte("{}"), []error{bundle.ErrMalformed, bundle.ErrUnsupportedVersion}},
		{"trailing data", append(bytes.Clone(v3), "{}"...), []error{bundle.ErrMalformed, strictjson.ErrTrailingData}},
		{"invalid UTF-8", bytes.Replace(v3, []byte(`"mediaType"`), []byte("\"mediaType\xff\""), 1), []error{bundle.ErrMalformed, strictjson.ErrInvalidUTF8}},
		{"33 MiB", append(bytes.Clone(v3), bytes.Repeat([]byte(" "), 33<<20)...), []error{bundle.ErrMalformed, strictjson.ErrTooLarge}},
		{"duplicate key", bytes.Replace(v3, []byte(`"mediaType"`), []byte(`"mediaType":"x","mediaType"`), 1), []error{bundle.ErrMalformed, strictjson.ErrDuplicateKey}},
		{"duplicate field via proto name", bytes.Replace(v3, []byte(`"mediaType"`), []byte(`"media_type":"application/vnd.dev.sigstore.bundle+json;version=0.1","mediaType"`), 1), []error{bundle.ErrMalformed}},
		{"unknown field", edit(v3, func(m map[string]any) { m["verified"] = true }), []error{bundle.ErrMalformed}},
		{"unknown nested field", edit(v3, func(m map[string]any) { sub(m, "dsseEnvelope")["trusted"] = true }), []error{bundle.ErrMalformed}},
		{"mediaType v0.9", mediaType("application/vnd.dev.sigstore.bundle.v0.9+json"), []error{bundle.ErrUnsupportedVersion}},
		{"mediaType v1.0", mediaType("application/vnd.dev.sigstore.bundle.v1.0+json"), []error{bundle.ErrUnsupportedVersion}},
		{"mediaType v0.3.1", mediaType("application/vnd.dev.sigstore.bundle.v0.3.1+json"), []error{bundle.ErrUnsupportedVersion}},
		{"mediaType v0.3-rc", mediaType("application/vnd.dev.sigstore.bundle.v0.3-rc+json"), []error{bundle.ErrUnsupportedVersion}},
		{"mediaType v0.0", mediaType("application/vnd.dev.sigstore.bundle+json;version=0.0"), []error{bundle.ErrUnsupportedVersion}},
		{"mediaType empty", mediaType(""), []error{bundle.ErrUnsupportedVersion}},
		{"mediaType missing", edit(v3, func(m map[string]any) { delete(m, "mediaType") }), []error{bundle.ErrUnsupportedVersion}},
		{"mediaType garbage", mediaType("text/plain"), []error{bundle.ErrUnsupportedVersion}},
		{"mediaType with trailing space", mediaType(bundle.MediaTypeV03 + " "), []error{bundle.ErrUnsupportedVersion}},
		{"mediaType number", mediaType(3), []error{bundle.ErrMalformed}},
		{"33 tlog entries", entries(v3, limits.MaxTlogEntries+1), []error{bundle.ErrMalformed}},
		{"65 tlog entries", entries(v3, 65), []error{bundle.ErrMalformed, strictjson.ErrTooLarge}},
		{"C37 a million {} tlog entries", []byte(`{"mediaType":"` + bundle.MediaTypeV03 + `","verificationMaterial":{"tlogEntries":[` + strings.Repeat("{},", 1e6) + `{}]}}`), []error{bundle.ErrMalformed, strictjson.ErrTooLarge}},
		// Elements that protojson could not decode prove the length is
		// checked first.
		{"65 elements of the wrong type", []byte(`{"verificationMaterial":{"tlogEntries":[` + strings.Repeat("1,", 64) + `1]}}`), []error{bundle.ErrMalformed, strictjson.ErrTooLarge}},
		{"65 hashes in a proof", edit(v3, func(m map[string]any) {
			p := sub(m, "verificationMaterial")["tlogEntries"].([]any)[0].(map[string]any)["inclusionProof"].(map[string]any)
			h := p["hashes"].([]any)[0]
			list := make([]any, 65)
			for i := range list {
				list[i] = h
			}
			p["hashes"] = list
		}), []error{bundle.ErrMalformed, strictjson.ErrTooLarge}},
		{"33 timestamps", edit(v3, func(m map[string]any) {
			ts := make([]any, limits.MaxTimestamps+1)
			for i := range ts {
				ts[i] = map[string]any{"signedTimestamp": "AAAA"}
			}
			sub(m, "verificationMaterial")["timestampVerificationData"] = map[string]any{"rfc3161Timestamps": ts}
		}), []error{bundle.ErrMalformed}},
		{"2 DSSE signatures", edit(v3, func(m map[string]any) {
			e := sub(m, "dsseEnvelope")
			s := e["signatures"].([]any)[0]
			e["signatures"] = []any{s, s}
		}), []error{bundle.ErrMalformed}},
		{"0 DSSE signatures", edit(v3, func(m map[string]any) { sub(m, "dsseEnvelope")["signatures"] = []any{} }), []error{bundle.ErrMalformed}},
		{"empty payloadType", edit(v3, func(m map[string]any) { sub(m, "dsseEnvelope")["payloadType"] = "" }), []error{bundle.ErrMalformed}},
		{"payload not base64", edit(v3, func(m map[string]any) { sub(m, "dsseEnvelope")["payload"] = "!!" }), []error{bundle.ErrMalformed}},
		{"no content", edit(v3, func(m map[string]any) { delete(m, "dsseEnvelope") }), []error{bundle.ErrMalformed}},
		{"two contents", edit(ours.msg, func(m map[string]any) { m["dsseEnvelope"] = obj(t, v3)["dsseEnvelope"] }), []error{bundle.ErrMalformed}},
		{"no verification material", edit(v3, func(m map[string]any) { delete(m, "verificationMaterial") }), []error{bundle.ErrMalformed}},
		{"empty message signature", edit(ours.msg, func(m map[string]any) { sub(m, "messageSignature")["signature"] = "" }), []error{bundle.ErrMalformed}},
		{"C33 v0.3 with certificate chain", edit(v3, func(m map[string]any) {
			vm := sub(m, "verificationMaterial")
			vm["x509CertificateChain"] = map[string]any{"certificates": []any{vm["certificate"]}}
			delete(vm, "certificate")
		}), []error{bundle.ErrMalformed}},
		{"C33 v0.3 relabelled v0.1 without promise", edit(v3, func(m map[string]any) {
			m["mediaType"] = bundle.MediaTypeV01
			delete(sub(m, "verificationMaterial")["tlogEntries"].([]any)[0].(map[string]any), "inclusionPromise")
		}), []error{bundle.ErrMalformed}},
		{"C32 v0.3 entry without proof", edit(v3, func(m map[string]any) {
			delete(sub(m, "verificationMaterial")["tlogEntries"].([]any)[0].(map[string]any), "inclusionProof")
		}), []error{bundle.ErrMalformed}},
		{"C32 v0.3 second entry without proof", secondUnproven, []error{bundle.ErrMalformed}},
		{"C32 v0.2 entry without proof", edit(v2, func(m map[string]any) {
			delete(sub(m, "verificationMaterial")["tlogEntries"].([]any)[0].(map[string]any), "inclusionProof")
		}), []error{bundle.ErrMalformed}},
		{"v0.1 entry without promise", edit(v1, func(m map[string]any) {
			delete(sub(m, "verificationMaterial")["tlogEntries"].([]any)[0].(map[string]any), "inclusionPromise")
		}), []error{bundle.ErrMalformed}},
		{"v0.1 second entry without promise", edit(v1, func(m map[string]any) {
			vm := sub(m, "verificationMaterial")
			e := vm["tlogEntries"].([]any)[0].(map[string]any)
			e2 := map[string]any{}
			for k, v := range e {
				e2[k] = v
			}
			delete(e2, "inclusionPromise")
			vm["tlogEntries"] = []any{e, e2}
		}), []error{bundle.ErrMalformed}},
		{"nesting 300 deep", []byte(strings.Repeat(`{"a":`, 300) + "1" + strings.Repeat("}", 300)), []error{bundle.ErrMalformed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := bundle.Parse(tc.data)
			if err == nil || b != nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, bundle.ErrMalformed) {
				t.Errorf("%v does not match ErrMalformed", err)
			}
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("%v does not match %v", err, w)
				}
			}
			if len(err.Error()) > 2000 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
		})
	}

	// The media types that parse.
	for _, mt := range []string{bundle.MediaTypeV03, "application/vnd.dev.sigstore.bundle+json;version=0.3"} {
		b, err := bundle.Parse(mediaType(mt))
		if err != nil || b.Version() != "v0.3" || b.MediaType() != mt {
			t.Errorf("%s: %v", mt, err)
		}
	}
	// 32 entries (the limit) parse.
	if b, err := bundle.Parse(entries(v3, limits.MaxTlogEntries)); err != nil || b.TlogEntryCount() != limits.MaxTlogEntries {
		t.Errorf("32 entries: %v", err)
	}
}

type ourBundles struct {
	dsse, msg []byte
	env       *attest.Envelope
}

// ourBundle makes a DSSE and a message-signature bundle with signtest keys.
func ourBundle(t testing.TB) ourBundles {
	s := signtest.Key(t, "bundle")
	ctx := context.Background()
	st := signtest.Statement(t, "a", []byte("a"))
	env, err := sign.Statement(ctx, st, s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sign.StatementBundle(ctx, st, s)
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	mb, err := sign.BlobBundle(ctx, s, strings.NewReader("a"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mb.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return ourBundles{dsse: d, msg: m, env: env}
}

// TestParseMaterialFitsVersion: the verification material must fit the
// version the media type declares: x509CertificateChain (or publicKey)
// in v0.1 and v0.2, certificate (or publicKey) in v0.3.
func TestParseMaterialFitsVersion(t *testing.T) {
	v3 := read(t, "sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json")
	v3Alt := read(t, "../../conformance/assets/bundle-verify/happy-path-v0.3/bundle.sigstore.json")
	v1 := read(t, "slsa-verifier/bundle/valid.intoto.sigstore")
	v2 := read(t, "slsa-verifier/gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa")
	ours := ourBundle(t) // v0.3, public key, no log entry
	edit := func(base []byte, f func(m map[string]any)) []byte {
		m := obj(t, base)
		f(m)
		return enc(t, m)
	}
	// chainToCert replaces the certificate chain by its first certificate.
	chainToCert := func(mediaType string) func(m map[string]any) {
		return func(m map[string]any) {
			vm := sub(m, "verificationMaterial")
			vm["certificate"] = sub(vm, "x509CertificateChain")["certificates"].([]any)[0]
			delete(vm, "x509CertificateChain")
			if mediaType != "" {
				m["mediaType"] = mediaType
			}
		}
	}
	certToChain := func(m map[string]any) {
		vm := sub(m, "verificationMaterial")
		vm["x509CertificateChain"] = map[string]any{"certificates": []any{vm["certificate"]}}
		delete(vm, "certificate")
	}
	relabel := func(mediaType string) func(m map[string]any) {
		return func(m map[string]any) { m["mediaType"] = mediaType }
	}
	if !bytes.Contains(v3Alt, []byte(`"application/vnd.dev.sigstore.bundle+json;version=0.3"`)) {
		t.Fatal("the v0.3 vector in the older media type form has changed")
	}

	for _, tc := range []struct {
		name    string
		data    []byte
		wantErr string // "" means accepted
	}{
		{"v0.1 chain", v1, ""},
		{"v0.2 chain", v2, ""},
		{"v0.3 certificate", v3, ""},
		{"v0.3 certificate, older media type form", v3Alt, ""},
		{"v0.3 public key", ours.dsse, ""},
		{"v0.1 public key", edit(ours.dsse, relabel(bundle.MediaTypeV01)), ""},
		{"v0.2 public key", edit(ours.dsse, relabel(bundle.MediaTypeV02)), ""},
		{"v0.1 certificate", edit(v1, chainToCert("")), "verificationMaterial.certificate needs bundle v0.3, the bundle declares v0.1"},
		{"v0.2 certificate", edit(v2, chainToCert("")), "verificationMaterial.certificate needs bundle v0.3, the bundle declares v0.2"},
		{"v0.3 relabelled v0.2", edit(v3, relabel(bundle.MediaTypeV02)), "verificationMaterial.certificate needs bundle v0.3, the bundle declares v0.2"},
		{"v0.3 relabelled v0.1", edit(v3, relabel(bundle.MediaTypeV01)), "verificationMaterial.certificate needs bundle v0.3, the bundle declares v0.1"},
		{"v0.3 chain", edit(v3, certToChain), "verificationMaterial.x509CertificateChain needs bundle v0.1 or v0.2, the bundle declares v0.3"},
		{"v0.3 chain, older media type form", edit(v3Alt, certToChain), "verificationMaterial.x509CertificateChain needs bundle v0.1 or v0.2, the bundle declares v0.3"},
		{"v0.2 relabelled v0.3", edit(v2, relabel(bundle.MediaTypeV03)), "verificationMaterial.x509CertificateChain needs bundle v0.1 or v0.2, the bundle declares v0.3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := bundle.Parse(tc.data)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if !b.Valid() {
					t.Fatal("not valid")
				}
				return
			}
			if !errors.Is(err, bundle.ErrMalformed) {
				t.Fatalf("Parse: %v, want ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Parse: %q, want it to say %q", err, tc.wantErr)
			}
		})
	}
}

func TestFromEnvelope(t *testing.T) {
	ob := ourBundle(t)
	env := ob.env.Clone()
	env.Signatures[0].KeyID = "some-key"
	b, err := bundle.FromEnvelope(env, "hint")
	if err != nil {
		t.Fatal(err)
	}
	if b.MediaType() != bundle.MediaTypeV03 || !b.IsDSSE() || b.HasCertificate() {
		t.Fatal("not a key-signed v0.3 DSSE bundle")
	}
	if hint, ok := b.PublicKeyHint(); !ok || hint != "hint" {
		t.Fatalf("hint %q %v", hint, ok)
	}
	got, err := b.Envelope()
	if err != nil {
		t.Fatal(err)
	}
	if got.PayloadType != env.PayloadType || !bytes.Equal(got.Payload, env.Payload) || !bytes.Equal(got.Signatures[0].Sig, env.Signatures[0].Sig) {
		t.Fatal("content changed")
	}
	if got.Signatures[0].KeyID != "" {
		t.Fatalf("keyid %q kept in the bundle", got.Signatures[0].KeyID)
	}
	// The bundle holds copies: neither the input nor an output aliases it.
	env.Payload[0] ^= 1
	env.Signatures[0].Sig[0] ^= 1
	got.Payload[1] ^= 1
	again, _ := b.Envelope()
	if !bytes.Equal(again.Payload, ob.env.Payload) || !bytes.Equal(again.Signatures[0].Sig, ob.env.Signatures[0].Sig) {
		t.Fatal("bundle shares buffers with its input or output")
	}
	c := b.Contents()
	c.MediaType = "x"
	c.Envelope.Payload[0] ^= 1
	if b.MediaType() != bundle.MediaTypeV03 || !bytes.Equal(mustMarshal(t, b), mustMarshal(t, mustParse(t, mustMarshal(t, b)))) {
		t.Fatal("Contents returned the bundle's own buffers")
	}

	for _, tc := range []struct {
		name string
		env  *attest.Envelope
	}{
		{"nil", nil},
		{"no signature", &attest.Envelope{PayloadType: "t", Payload: []byte("p")}},
		{"two signatures", &attest.Envelope{PayloadType: "t", Payload: []byte("p"), Signatures: []attest.Signature{{Sig: []byte{1}}, {Sig: []byte{2}}}}},
		{"empty payloadType", &attest.Envelope{Payload: []byte("p"), Signatures: []attest.Signature{{Sig: []byte{1}}}}},
	} {
		if b, err := bundle.FromEnvelope(tc.env, ""); !errors.Is(err, bundle.ErrMalformed) || b != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func mustMarshal(t testing.TB, b *bundle.Bundle) []byte {
	t.Helper()
	out, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustParse(t testing.TB, data []byte) *bundle.Bundle {
	t.Helper()
	b, err := bundle.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFromMessageSignature(t *testing.T) {
	for _, alg := range digest.Algorithms() {
		d, err := digest.FromBytes([]byte("x"), alg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := bundle.FromMessageSignature(d, []byte{1, 2, 3}, "h")
		if err != nil {
			t.Fatal(err)
		}
		ms, err := b.MessageSignature()
		if err != nil || ms.Digest != d || !bytes.Equal(ms.Signature, []byte{1, 2, 3}) {
			t.Fatalf("%s: %+v %v", alg, ms, err)
		}
		ms.Signature[0] = 9
		if ms2, _ := b.MessageSignature(); ms2.Signature[0] != 1 {
			t.Fatal("MessageSignature shares the bundle's buffer")
		}
		checkRoundTrip(t, b)
	}
	d, _ := digest.FromBytes([]byte("x"), digest.SHA256)
	if _, err := bundle.FromMessageSignature(digest.Digest{}, []byte{1}, ""); !errors.Is(err, bundle.ErrMalformed) {
		t.Errorf("zero digest: %v", err)
	}
	if _, err := bundle.FromMessageSignature(d, nil, ""); !errors.Is(err, bundle.ErrMalformed) {
		t.Errorf("empty signature: %v", err)
	}
}

// TestMessageDigestShape covers C39(b): a digest whose length does not fit
// its algorithm parses as a bundle, but MessageSignature refuses it.
func TestMessageDigestShape(t *testing.T) {
	for _, tc := range []struct {
		name string
		alg  protocommon.HashAlgorithm
		size int
	}{
		{"SHA2_256 with 64 bytes", protocommon.HashAlgorithm_SHA2_256, 64},
		{"SHA2_512 with 32 bytes", protocommon.HashAlgorithm_SHA2_512, 32},
		{"empty digest", protocommon.HashAlgorithm_SHA2_256, 0},
		{"unspecified algorithm", protocommon.HashAlgorithm_HASH_ALGORITHM_UNSPECIFIED, 32},
		{"unknown enum value", protocommon.HashAlgorithm(99), 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := &protobundle.Bundle{
				MediaType: bundle.MediaTypeV03,
				VerificationMaterial: &protobundle.VerificationMaterial{
					Content: &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{}},
				},
				Content: &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
					MessageDigest: &protocommon.HashOutput{Algorithm: tc.alg, Digest: make([]byte, tc.size)},
					Signature:     []byte{1},
				}},
			}
			b, err := sgproto.FromProto(pb)
			if err != nil {
				return // refused early: fine
			}
			if _, err := b.MessageSignature(); !errors.Is(err, bundle.ErrMalformed) {
				t.Fatalf("MessageSignature: %v", err)
			}
		})
	}
}

func TestNew(t *testing.T) {
	good := mustParse(t, ourBundle(t).dsse).Contents()
	b, err := bundle.New(good)
	if err != nil {
		t.Fatal(err)
	}
	// New copies: changing the input afterwards changes nothing.
	good.MediaType = "changed"
	good.Envelope.PayloadType = "changed"
	good.Envelope.Payload[0] ^= 1
	if b.MediaType() != bundle.MediaTypeV03 {
		t.Fatal("New keeps the caller's contents")
	}
	if env, _ := b.Envelope(); env.PayloadType != attest.PayloadType || env.Payload[0] == good.Envelope.Payload[0] {
		t.Fatal("New keeps the caller's contents")
	}
	env, _ := b.Envelope()
	for _, tc := range []struct {
		name string
		c    bundle.Contents
	}{
		{"nothing", bundle.Contents{}},
		{"no material", bundle.Contents{Envelope: env}},
		{"two materials", bundle.Contents{PublicKey: &bundle.PublicKeyHint{}, Certificate: []byte{1}, Envelope: env}},
		{"no content", bundle.Contents{PublicKey: &bundle.PublicKeyHint{}}},
		{"two contents", bundle.Contents{PublicKey: &bundle.PublicKeyHint{}, Envelope: env, MessageSignature: &bundle.MessageSignature{Signature: []byte{1}}}},
		{"chain in v0.3", bundle.Contents{CertificateChain: [][]byte{{1}}, Envelope: env}},
		{"certificate in v0.1", bundle.Contents{MediaType: bundle.MediaTypeV01, Certificate: []byte{1}, Envelope: env}},
		{"empty chain", bundle.Contents{MediaType: bundle.MediaTypeV02, CertificateChain: [][]byte{}, Envelope: env}},
		{"unknown media type", bundle.Contents{MediaType: "x", PublicKey: &bundle.PublicKeyHint{}, Envelope: env}},
		{"entry without proof", bundle.Contents{PublicKey: &bundle.PublicKeyHint{}, Envelope: env, TlogEntries: []bundle.TlogEntry{{LogID: []byte{1}, Kind: "k", Version: "v", CanonicalizedBody: []byte(`{"kind":"k","apiVersion":"v"}`)}}}},
		{"entry relabelled", bundle.Contents{PublicKey: &bundle.PublicKeyHint{}, Envelope: env, TlogEntries: []bundle.TlogEntry{{LogID: []byte{1}, Kind: "dsse", Version: "0.0.1",
			CanonicalizedBody: []byte(`{"kind":"hashedrekord","apiVersion":"0.0.1"}`), InclusionProof: &bundle.InclusionProof{Checkpoint: "c"}}}}},
	} {
		if b, err := bundle.New(tc.c); !errors.Is(err, bundle.ErrMalformed) || b != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// The protobuf form converts both ways, exactly.
	pb := sgproto.MustProto(b)
	back, err := sgproto.FromProto(pb)
	if err != nil || !bytes.Equal(mustMarshal(t, back), mustMarshal(t, b)) {
		t.Fatalf("FromProto(Proto(b)): %v", err)
	}
	if b, err := sgproto.FromProto(nil); !errors.Is(err, bundle.ErrMalformed) || b != nil {
		t.Fatalf("FromProto(nil): %v", err)
	}
	if sgproto.MustSigstoreGo(b).GetMediaType() != bundle.MediaTypeV03 {
		t.Fatal("SigstoreGo")
	}
}

func TestIsBundle(t *testing.T) {
	for in, want := range map[string]bool{
		`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`:               true,
		`{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}`:        true,
		`{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[]}`: false,
		`{"mediaType":"application/json"}`:                                            false,
		`[]`:                                                                          false,
		``:                                                                            false,
	} {
		if got := bundle.IsBundle([]byte(in)); got != want {
			t.Errorf("IsBundle(%s) = %v", in, got)
		}
	}
}

// TestUnmarshalJSONError: a bad bundle inside a larger document fails the
// whole decode with the bundle's error.
func TestUnmarshalJSONError(t *testing.T) {
	var doc struct{ B *bundle.Bundle }
	err := json.Unmarshal([]byte(`{"B":{"mediaType":"x"}}`), &doc)
	if !errors.Is(err, bundle.ErrUnsupportedVersion) {
		t.Fatalf("got %v", err)
	}
}

// TestZeroBundle: the zero and the nil Bundle hold nothing, and no method
// panics on them.
func TestZeroBundle(t *testing.T) {
	for name, b := range map[string]*bundle.Bundle{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			if b.Valid() || b.MediaType() != "" || b.Version() != "" || b.Certificate() != nil || b.TlogEntries() != nil || b.Timestamps() != nil ||
				b.IsDSSE() || b.HasCertificate() || b.TlogEntryCount() != 0 || b.TimestampCount() != 0 {
				t.Fatal("zero bundle is not empty")
			}
			if _, ok := b.PublicKeyHint(); ok {
				t.Fatal("zero bundle has a key hint")
			}
			if c := b.Contents(); c.MediaType != "" || c.Envelope != nil || c.MessageSignature != nil {
				t.Fatal("zero bundle has contents")
			}
			if _, err := b.Envelope(); !errors.Is(err, bundle.ErrMalformed) {
				t.Fatalf("Envelope: %v", err)
			}
			if _, err := b.MessageSignature(); !errors.Is(err, bundle.ErrMalformed) {
				t.Fatalf("MessageSignature: %v", err)
			}
			if _, err := b.MarshalJSON(); !errors.Is(err, bundle.ErrMalformed) {
				t.Fatalf("MarshalJSON: %v", err)
			}
		})
	}
	if !mustParse(t, ourBundle(t).dsse).Valid() {
		t.Fatal("parsed bundle not valid")
	}
}

// firstDiff shows where two encodings part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-40)
	return fmt.Sprintf("at byte %d: %q vs %q", i, a[from:min(len(a), i+40)], b[from:min(len(b), i+40)])
}

// TestCheckKindVersion: an entry's kindVersion must be the kind and
// version its body states (sigstore-go compares the bundle's values with
// themselves), and an entry must have the fields every entry has.
func TestCheckKindVersion(t *testing.T) {
	env := &attest.Envelope{PayloadType: "t", Payload: []byte("p"), Signatures: []attest.Signature{{Sig: []byte{1}}}}
	proof := &bundle.InclusionProof{Checkpoint: "c"}
	for _, tc := range []struct {
		name string
		e    bundle.TlogEntry
		ok   bool
	}{
		{"matching", bundle.TlogEntry{LogID: []byte{1}, Kind: "hashedrekord", Version: "0.0.1", CanonicalizedBody: []byte(`{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{}}`), InclusionProof: proof}, true},
		{"other kind", bundle.TlogEntry{LogID: []byte{1}, Kind: "iashedrekord", Version: "0.0.1", CanonicalizedBody: []byte(`{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{}}`), InclusionProof: proof}, false},
		{"other version", bundle.TlogEntry{LogID: []byte{1}, Kind: "hashedrekord", Version: "0.0.2", CanonicalizedBody: []byte(`{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{}}`), InclusionProof: proof}, false},
		{"body not JSON", bundle.TlogEntry{LogID: []byte{1}, Kind: "hashedrekord", Version: "0.0.1", CanonicalizedBody: []byte(`not json`), InclusionProof: proof}, false},
		{"body with a duplicate kind", bundle.TlogEntry{LogID: []byte{1}, Kind: "dsse", Version: "0.0.1", CanonicalizedBody: []byte(`{"apiVersion":"0.0.1","kind":"dsse","kind":"hashedrekord"}`), InclusionProof: proof}, false},
		{"no body", bundle.TlogEntry{LogID: []byte{1}, Kind: "hashedrekord", Version: "0.0.1", InclusionProof: proof}, false},
		{"no log id", bundle.TlogEntry{Kind: "hashedrekord", Version: "0.0.1", CanonicalizedBody: []byte(`{"apiVersion":"0.0.1","kind":"hashedrekord"}`), InclusionProof: proof}, false},
		{"negative index", bundle.TlogEntry{LogIndex: -1, LogID: []byte{1}, Kind: "hashedrekord", Version: "0.0.1", CanonicalizedBody: []byte(`{"apiVersion":"0.0.1","kind":"hashedrekord"}`), InclusionProof: proof}, false},
		{"proof without checkpoint", bundle.TlogEntry{LogID: []byte{1}, Kind: "hashedrekord", Version: "0.0.1", CanonicalizedBody: []byte(`{"apiVersion":"0.0.1","kind":"hashedrekord"}`), InclusionProof: &bundle.InclusionProof{}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := bundle.New(bundle.Contents{PublicKey: &bundle.PublicKeyHint{}, Envelope: env, TlogEntries: []bundle.TlogEntry{tc.e}})
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if got := b.TlogEntries(); len(got) != 1 || got[0].Kind != tc.e.Kind || !bytes.Equal(got[0].CanonicalizedBody, tc.e.CanonicalizedBody) {
					t.Fatalf("entries %+v", got)
				}
				return
			}
			if !errors.Is(err, bundle.ErrMalformed) {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
}

// TestDigest: a bundle's digest is the SHA-256 of its JSON, the same for
// a parsed bundle and one made from its contents.
func TestDigest(t *testing.T) {
	b := mustParse(t, ourBundle(t).dsse)
	want, err := digest.FromBytes(mustMarshal(t, b), digest.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	first, second := b.Digest(), b.Digest() // the second from the cache
	if first != want || second != want {
		t.Fatalf("Digest %v then %v, want %v", first, second, want)
	}
	again, err := bundle.New(b.Contents())
	if err != nil || again.Digest() != want {
		t.Fatalf("New(Contents()).Digest = %v, %v", again.Digest(), err)
	}
	if !(&bundle.Bundle{}).Digest().IsZero() || !(*bundle.Bundle)(nil).Digest().IsZero() {
		t.Fatal("zero bundle has a digest")
	}
}
