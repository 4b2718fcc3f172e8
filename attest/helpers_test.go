package attest

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/digest"
)

// vectorDir holds the attest test vectors (see its INDEX.md).
const vectorDir = "../testdata/vectors/attest"

func readVector(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bundleEnvelope returns the DSSE envelope JSON of a Sigstore bundle
// vector, byte for byte as the bundle holds it. A file that is not a
// bundle (a bare .intoto.jsonl envelope) is returned whole.
//
// "file#N" names the bundle of the Nth entry of an npm attestations file
// ({"attestations":[{"predicateType":…,"bundle":{…}}]}).
func bundleEnvelope(t testing.TB, rel string) []byte {
	t.Helper()
	var bun struct {
		DSSEEnvelope json.RawMessage `json:"dsseEnvelope"`
	}
	file, index, npm := strings.Cut(rel, "#")
	b := readVector(t, file)
	if npm {
		var list struct {
			Attestations []struct {
				Bundle json.RawMessage `json:"bundle"`
			} `json:"attestations"`
		}
		n, err := strconv.Atoi(index)
		if err != nil || json.Unmarshal(b, &list) != nil || n >= len(list.Attestations) {
			t.Fatalf("%s: not an npm attestations file", rel)
		}
		b = list.Attestations[n].Bundle
	}
	if err := json.Unmarshal(b, &bun); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	if bun.DSSEEnvelope == nil {
		return bytes.TrimSpace(b)
	}
	return bun.DSSEEnvelope
}

// vectorStatement parses the statement in a DSSE envelope or bundle
// vector.
func vectorStatement(t testing.TB, rel string) *Statement {
	t.Helper()
	env, err := ParseEnvelope(bundleEnvelope(t, rel))
	if err != nil {
		t.Fatalf("%s: ParseEnvelope: %v", rel, err)
	}
	st, err := env.Statement()
	if err != nil {
		t.Fatalf("%s: Statement: %v", rel, err)
	}
	return st
}

func parseVector(t testing.TB, rel string) *Statement {
	t.Helper()
	st, err := ParseStatement(readVector(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return st
}

// envelopeVectors lists the DSSE envelopes among the vectors: bare ones
// and those inside Sigstore bundles. Each parses.
var envelopeVectors = []string{
	"slsa-github-generator/internal_builders_go_testdata_binary-linux-amd64.intoto.jsonl",
	"slsa-verifier/annotated-tag.intoto.jsonl",
	"slsa-verifier/binary-linux-amd64-expired-cert.intoto.jsonl",
	"slsa-verifier/vsa/gce/v1/gke-gce-pre.bcid-vsa.jsonl",
	"slsa-verifier/bcr/MODULE.bazel.intoto.jsonl",
	"slsa-verifier/bcr/MODULE-wrong-signer.bazel.intoto.jsonl",
	"slsa-verifier/bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl",
	"slsa-verifier/bundle/attestation.intoto.sigstore",
	"slsa-verifier/bundle/invalid-set.intoto.sigstore",
	"slsa-verifier/bundle/mismatch-tlog.intoto.sigstore",
	"slsa-verifier/bundle/valid-v0.3.intoto.sigstore",
	"slsa-verifier/bundle/valid.intoto.sigstore",
	"slsa-verifier/gha_container-based/v1.10.0/binary-linux-amd64-push-v14.intoto.build.slsa",
	"slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl",
	"slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
	"slsa-verifier/gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
	"slsa-verifier/npm-attestations.intoto.sigstore#0",
	"slsa-verifier/npm-attestations.intoto.sigstore#1",
	"slsa-verifier/npm-stmt-mismatch-prov-predicatetype.intoto.sigstore#0",
	"slsa-verifier/npm-stmt-mismatch-prov-predicatetype.intoto.sigstore#1",
	"sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
	"sigstore-conformance/bundle-verify/dsse-invalid-sig_fail/bundle.sigstore.json",
	"sigstore-conformance/bundle-verify/dsse-mismatch-envelope_fail/bundle.sigstore.json",
	"sigstore-conformance/bundle-verify/dsse-mismatch-sig_fail/bundle.sigstore.json",
	"sigstore-conformance/bundle-verify/rekor2-dsse-happy-path/bundle.sigstore.json",
	"sigstore-conformance/bundle-verify/rekor2-dsse-invalid-sig_fail/bundle.sigstore.json",
	"sigstore-conformance/bundle-verify/rekor2-dsse-mismatch-envelope_fail/bundle.sigstore.json",
	"sigstore-conformance/bundle-verify/rekor2-dsse-mismatch-sig_fail/bundle.sigstore.json",
	"ampel/github-actions-bundle.json",
	"in-toto-golang/test-data/demo.dsse.layout",
	"in-toto-golang/test-data/dsse-only.root.layout",
	"in-toto-golang/test-data/clone-dsse.776a00e2.link",
}

// statementVectors lists statements that parse, bare or in envelopes.
var statementVectors = []string{
	"in-toto-attestation-spec/predicates/reference-example1.json",
	"in-toto-attestation-spec/predicates/reference-example2.json",
	"in-toto-attestation-spec/predicates/test-result-example1.json",
	"in-toto-attestation-spec/predicates/vulns_02-example-normalized1.json",
	"slsa-github-generator/internal_builders_docker_testdata_slsa1-provenance.json",
	"slsa-github-generator/actions_sign-attestations_testdata_attestations_attestation1.intoto",
	"ampel/link1.json",
	"ampel/gitcommit-attestation.json",
	"openvex/ATTESTING-example-normalized1.json",
	"openvex/ATTESTING-example-normalized2.json",
}

// allStatements returns the raw statements of statementVectors and the
// payloads of the in-toto envelopes among envelopeVectors.
func allStatements(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, rel := range statementVectors {
		out[rel] = readVector(t, rel)
	}
	for _, rel := range envelopeVectors {
		env, err := ParseEnvelope(bundleEnvelope(t, rel))
		if err != nil || env.PayloadType != PayloadType {
			continue
		}
		if _, err := ParseStatement(env.Payload); err == nil {
			out[rel+"#payload"] = env.Payload
		}
	}
	return out
}

// hexOf returns n bytes of lowercase hex derived from s.
func hexOf(s string, n int) string {
	if n <= 32 {
		h := sha256.Sum256([]byte(s))
		return hex.EncodeToString(h[:n])
	}
	h := sha512.Sum512([]byte(s))
	return hex.EncodeToString(h[:n])
}

func sha256Of(s string) digest.Digest {
	d, err := digest.FromBytes([]byte(s), digest.SHA256)
	if err != nil {
		panic(err)
	}
	return d
}

// mustMarshal is json.Marshal for test inputs.
func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantErr checks that err matches every target.
func wantErr(t testing.TB, err error, targets ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", targets)
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Fatalf("error %q does not match %q", err, target)
		}
	}
	if !strings.HasPrefix(err.Error(), "attest: ") {
		t.Fatalf("error %q lacks the package prefix", err)
	}
}

// normalized returns st with what Marshal does not preserve made
// canonical: empty collections as nil and the predicate compacted.
func normalized(t testing.TB, st *Statement) *Statement {
	t.Helper()
	c := st.Clone()
	if len(c.Predicate) > 0 {
		var buf bytes.Buffer
		if err := json.Compact(&buf, c.Predicate); err != nil {
			t.Fatalf("predicate: %v", err)
		}
		c.Predicate = buf.Bytes()
	}
	for i := range c.Subject {
		s := &c.Subject[i]
		if len(s.Content) == 0 {
			s.Content = nil
		}
		if len(s.Annotations) == 0 {
			s.Annotations = nil
		}
		if len(s.Digest) == 0 {
			s.Digest = nil
		}
	}
	return c
}

func equalStatements(t testing.TB, a, b *Statement) bool {
	t.Helper()
	return reflect.DeepEqual(normalized(t, a), normalized(t, b))
}

func equalEnvelopes(a, b *Envelope) bool {
	if a.PayloadType != b.PayloadType || !bytes.Equal(a.Payload, b.Payload) || len(a.Signatures) != len(b.Signatures) {
		return false
	}
	for i := range a.Signatures {
		if a.Signatures[i].KeyID != b.Signatures[i].KeyID || !bytes.Equal(a.Signatures[i].Sig, b.Signatures[i].Sig) {
			return false
		}
	}
	return true
}

// readTree returns the files under dir (those with one of the extensions
// exts, or all when none is given), keyed by path. It fails the test when
// it finds fewer than min: a moved directory must not pass by testing
// nothing.
func readTree(tb testing.TB, dir string, min int, exts ...string) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if len(exts) > 0 && !slices.Contains(exts, filepath.Ext(path)) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out[path] = b
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) < min {
		tb.Fatalf("only %d files under %s", len(out), dir)
	}
	return out
}
