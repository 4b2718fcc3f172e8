package attest

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/internal/strictjson"
)

// Types registered by the registry tests only.
type (
	regA      struct{ A string }
	regB      struct{ B string }
	regC      struct{ C string }
	regD      struct{ D string }
	regE      struct{ E string }
	regDraft  struct{ X string }
	regOther  struct{ O string }
	regSame   struct{ S string }
	regZero   struct{ Z string }
	regZeroV1 struct{ Z string }
)

// stmtWith returns a valid statement with the given predicate bytes.
func stmtWith(predicateType string, predicate []byte) *Statement {
	return &Statement{
		Type:          StatementTypeV1,
		Subject:       []ResourceDescriptor{Subject("x", sha256Of("x"))},
		PredicateType: predicateType,
		Predicate:     predicate,
	}
}

func mustRegisterT[T any](t *testing.T, p *Predicates, uri string) {
	t.Helper()
	if err := Register[T](p, uri); err != nil {
		t.Fatalf("Register(%q): %v", uri, err)
	}
}

// lookup returns the built-in type for uri, as DefaultPredicates has it.
func lookup(uri string) reflect.Type {
	t, _ := DefaultPredicates().Lookup(uri)
	return t
}

func TestRegistryVersionMatching(t *testing.T) {
	var p Predicates // the zero value is an empty registry
	mustRegisterT[regA](t, &p, "https://test.example/a/v1")
	mustRegisterT[regB](t, &p, "https://test.example/b/v0.2")
	mustRegisterT[regC](t, &p, "https://test.example/c")
	mustRegisterT[regD](t, &p, "https://test.example/c/v2")
	mustRegisterT[regDraft](t, &p, "https://test.example/d/v1.0?draft")
	mustRegisterT[regE](t, &p, "https://test.example/e/v1.2.3")
	mustRegisterT[regZero](t, &p, "https://test.example/z/v0")
	mustRegisterT[regZeroV1](t, &p, "https://test.example/z/v1")

	tA, tB, tC, tD := reflect.TypeFor[regA](), reflect.TypeFor[regB](), reflect.TypeFor[regC](), reflect.TypeFor[regD]()
	tests := []struct {
		uri  string
		want reflect.Type
	}{
		// Major versions >= 1: every minor and patch of the major.
		{"https://test.example/a/v1", tA},
		{"https://test.example/a/v1.0", tA},
		{"https://test.example/a/v1.1", tA},
		{"https://test.example/a/v1.10.3", tA},
		{"https://test.example/a/v2", nil},
		{"https://test.example/a/v10", nil},
		{"https://test.example/a/v0.1", nil},
		{"https://test.example/a/v01", nil},
		{"https://test.example/a/V1", nil},
		{"https://test.example/a/v1/", nil},
		{"https://test.example/a/v1.", nil},
		{"https://test.example/a/v1.x", nil},
		{"https://test.example/a/v1 ", nil},
		{"https://test.example/a", nil},
		{"https://test.example/a/v1?draft", nil},
		{"https://test.example/a/v1#frag", nil},
		{"http://test.example/a/v1", nil},
		{"https://TEST.example/a/v1", nil},
		{"https://test.example/A/v1", nil},
		{"https://test.example/x/a/v1", nil},
		// Below 1.0 the minor version must match too.
		{"https://test.example/b/v0.2", tB},
		{"https://test.example/b/v0.2.1", tB},
		{"https://test.example/b/v0.3", nil},
		{"https://test.example/b/v0.1", nil},
		{"https://test.example/b/v0", nil},
		{"https://test.example/b/v1", nil},
		{"https://test.example/z/v0", reflect.TypeFor[regZero]()},
		{"https://test.example/z/v0.0", reflect.TypeFor[regZero]()},
		{"https://test.example/z/v0.1", nil},
		{"https://test.example/z/v1.4", reflect.TypeFor[regZeroV1]()},
		// Unversioned registrations cover versioned forms, unless a more
		// specific registration exists.
		{"https://test.example/c", tC},
		{"https://test.example/c/v1", tC},
		{"https://test.example/c/v3.1", tC},
		{"https://test.example/c/v0.9", tC},
		{"https://test.example/c/v2", tD},
		{"https://test.example/c/v2.5", tD},
		{"https://test.example/c/other", nil},
		{"https://test.example/c/v2/x", nil},
		{"https://test.example/c?draft", nil},
		// Query and fragment forms match exactly only.
		{"https://test.example/d/v1.0?draft", reflect.TypeFor[regDraft]()},
		{"https://test.example/d/v1.0", nil},
		{"https://test.example/d/v1", nil},
		{"https://test.example/d/v1.0?draft=1", nil},
		// A registration with minor and patch is a major registration.
		{"https://test.example/e/v1", reflect.TypeFor[regE]()},
		{"https://test.example/e/v1.9", reflect.TypeFor[regE]()},
		// Not URIs at all.
		{"", nil},
		{"v1", nil},
		{"/v1", nil},
	}
	for _, tt := range tests {
		if got, ok := p.Lookup(tt.uri); got != tt.want || ok != (tt.want != nil) {
			t.Errorf("Lookup(%q) = %v, %v, want %v", tt.uri, got, ok, tt.want)
		}
	}
}

func TestRegisterConflicts(t *testing.T) {
	p := DefaultPredicates()
	mustRegisterT[regOther](t, p, "https://test.example/conflict/v1")
	// The same type again, under any URI with the same key: no-op.
	mustRegisterT[regOther](t, p, "https://test.example/conflict/v1")
	mustRegisterT[regOther](t, p, "https://test.example/conflict/v1.3")
	for _, uri := range []string{
		"https://test.example/conflict/v1",
		"https://test.example/conflict/v1.1",
		"https://test.example/conflict/v1.0.0",
		PredicateSLSAProvenanceV1,
		"https://slsa.dev/provenance/v1.1",
		PredicateOpenVEX,
		"https://openvex.dev/ns",
	} {
		err := Register[regSame](p, uri)
		if err == nil || !strings.HasPrefix(err.Error(), "attest: ") {
			t.Errorf("Register(%q) over another type = %v", uri, err)
		}
	}
	// The built-in types stay in place.
	if got, _ := p.Lookup("https://slsa.dev/provenance/v1.1"); got != reflect.TypeFor[ProvenanceV1]() {
		t.Errorf("built-in replaced by %v", got)
	}
	// A different key of the same base is not a conflict.
	mustRegisterT[regSame](t, p, "https://test.example/conflict/v2")
	t1, _ := p.Lookup("https://test.example/conflict/v1.9")
	t2, _ := p.Lookup("https://test.example/conflict/v2.0")
	if t1 != reflect.TypeFor[regOther]() || t2 != reflect.TypeFor[regSame]() {
		t.Error("registrations mixed up")
	}
	for _, uri := range []string{"", " ", "https://x/ v1", "https://x/\x00", strings.Repeat("u", 2049), "https://x/\xff"} {
		if err := Register[regSame](p, uri); err == nil {
			t.Errorf("Register(%q) accepted", uri)
		}
	}
	if err := Register[regSame](nil, "https://test.example/nil/v1"); err == nil || !strings.HasPrefix(err.Error(), "attest: ") {
		t.Errorf("Register(nil registry) = %v", err)
	}
}

func TestBuiltinRegistrations(t *testing.T) {
	tests := []struct {
		uri  string
		want reflect.Type
	}{
		{PredicateSLSAProvenanceV1, reflect.TypeFor[ProvenanceV1]()},
		{"https://slsa.dev/provenance/v1.0", reflect.TypeFor[ProvenanceV1]()},
		{"https://slsa.dev/provenance/v1.1", reflect.TypeFor[ProvenanceV1]()},
		{"https://slsa.dev/provenance/v1.0?draft", nil},
		{"https://slsa.dev/provenance/v2", nil},
		{PredicateSLSAProvenanceV02, reflect.TypeFor[ProvenanceV02]()},
		{"https://slsa.dev/provenance/v0.1", nil},
		{"https://slsa.dev/provenance/v0.3", nil},
		{PredicateVSAV1, reflect.TypeFor[VSA]()},
		{"https://slsa.dev/verification_summary/v1.1", reflect.TypeFor[VSA]()},
		{"https://slsa.dev/verification_summary/v0.2", nil},
		{PredicateSPDX, reflect.TypeFor[SPDXDocument]()},
		{PredicateSPDXV23, reflect.TypeFor[SPDXDocument]()},
		{"https://spdx.dev/Document/v2.2", reflect.TypeFor[SPDXDocument]()},
		{PredicateCycloneDX, reflect.TypeFor[CycloneDXBOM]()},
		{PredicateCycloneDXV16, reflect.TypeFor[CycloneDXBOM]()},
		{"https://cyclonedx.org/bom/v1.4", reflect.TypeFor[CycloneDXBOM]()},
		{PredicateTestResult, reflect.TypeFor[TestResult]()},
		{"https://in-toto.io/attestation/test-result/v0.2", nil},
		{PredicateVulns, reflect.TypeFor[Vulns]()},
		{"https://in-toto.io/attestation/vulns/v0.1", nil},
		{PredicateOpenVEX, reflect.TypeFor[OpenVEX]()},
		{"https://openvex.dev/ns", reflect.TypeFor[OpenVEX]()},
		{"https://in-toto.io/attestation/release/v0.1", nil},
		{"custom", nil},
	}
	for _, tt := range tests {
		if got := lookup(tt.uri); got != tt.want {
			t.Errorf("DefaultPredicates().Lookup(%q) = %v, want %v", tt.uri, got, tt.want)
		}
		// PredicateAs and DecodePredicate see the same built-in table.
		if got, _ := lookupType(builtinTypes, tt.uri); got != tt.want {
			t.Errorf("built-in lookup of %q = %v, want %v", tt.uri, got, tt.want)
		}
	}
	// Each built-in type names its own predicateType, which resolves back
	// to the type.
	for _, p := range []Predicate{&ProvenanceV1{}, &ProvenanceV02{}, &VSA{}, &TestResult{}, &Vulns{}, &OpenVEX{}, &SPDXDocument{}, &CycloneDXBOM{}} {
		if got := lookup(p.PredicateType()); got != reflect.TypeOf(p).Elem() {
			t.Errorf("%T.PredicateType() = %q resolves to %v", p, p.PredicateType(), got)
		}
	}
}

// Registries are values: registering in one changes no other registry,
// no later DefaultPredicates, and neither PredicateAs nor DecodePredicate.
func TestPredicatesIndependent(t *testing.T) {
	a, b := DefaultPredicates(), DefaultPredicates()
	const custom = "https://test.example/indep/v1"
	mustRegisterT[regA](t, a, custom)
	// A registration more specific than a built-in one shadows it, in a
	// only: CycloneDX v2 is regB there and CycloneDXBOM everywhere else.
	mustRegisterT[regB](t, a, "https://cyclonedx.org/bom/v2")

	st := stmtWith(custom+".1", []byte(`{"A":"x"}`))
	v, err := a.Decode(st)
	if got, ok := v.(*regA); err != nil || !ok || got.A != "x" {
		t.Fatalf("a.Decode = %#v, %v", v, err)
	}
	for name, p := range map[string]*Predicates{"b": b, "new DefaultPredicates": DefaultPredicates(), "zero": {}, "nil": nil} {
		if typ, ok := p.Lookup(custom); ok {
			t.Errorf("%s.Lookup(custom) = %v", name, typ)
		}
		if _, err := p.Decode(st); !errors.Is(err, ErrUnknownPredicateType) {
			t.Errorf("%s.Decode(custom) = %v", name, err)
		}
	}
	if _, err := DecodePredicate(st); !errors.Is(err, ErrUnknownPredicateType) {
		t.Errorf("DecodePredicate(custom) = %v", err)
	}
	if _, err := PredicateAs[regA](st); !errors.Is(err, ErrPredicateType) {
		t.Errorf("PredicateAs[regA](custom) = %v", err)
	}

	bom := stmtWith("https://cyclonedx.org/bom/v2", []byte(`{"bomFormat":"CycloneDX","specVersion":"2.0"}`))
	if typ, _ := a.Lookup(bom.PredicateType); typ != reflect.TypeFor[regB]() {
		t.Errorf("a.Lookup(bom/v2) = %v", typ)
	}
	for name, p := range map[string]*Predicates{"b": b, "new DefaultPredicates": DefaultPredicates()} {
		if typ, _ := p.Lookup(bom.PredicateType); typ != reflect.TypeFor[CycloneDXBOM]() {
			t.Errorf("%s.Lookup(bom/v2) = %v", name, typ)
		}
	}
	if _, err := PredicateAs[regB](bom); !errors.Is(err, ErrPredicateType) {
		t.Errorf("PredicateAs[regB](bom/v2) = %v", err)
	}
	if typ, _ := lookupType(builtinTypes, bom.PredicateType); typ != reflect.TypeFor[CycloneDXBOM]() {
		t.Errorf("built-in bom/v2 = %v", typ)
	}

	// b can take another type for the URI a gave to regA: no conflict
	// across registries.
	mustRegisterT[regC](t, b, custom)
	if typ, _ := a.Lookup(custom); typ != reflect.TypeFor[regA]() {
		t.Errorf("a.Lookup(custom) after b registered = %v", typ)
	}
	if len(builtinTypes) != len(DefaultPredicates().byKey) || len(a.byKey) != len(builtinTypes)+2 {
		t.Errorf("built-ins changed: %d, %d, %d", len(builtinTypes), len(DefaultPredicates().byKey), len(a.byKey))
	}
}

// A registry is safe for concurrent use (run with -race).
func TestPredicatesConcurrent(t *testing.T) {
	p := DefaultPredicates()
	st := stmtWith(PredicateSLSAProvenanceV1, []byte(goodProvenanceV1))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			uri := "https://test.example/concurrent/v" + strconv.Itoa(i+1)
			if err := Register[regA](p, uri); err != nil {
				t.Error(err)
			}
			if _, ok := p.Lookup(uri); !ok {
				t.Errorf("Lookup(%q) after Register failed", uri)
			}
			if v, err := p.Decode(st); err != nil {
				t.Errorf("Decode = %v, %v", v, err)
			}
			_ = DefaultPredicates()
		}()
	}
	wg.Wait()
}

const goodProvenanceV1 = `{"buildDefinition":{"buildType":"https://b/v1","externalParameters":{"a":1}},"runDetails":{"builder":{"id":"https://builder"}}}`

// C17: a predicate of another type, or one that does not parse, is an
// error, never a skip.
func TestAdversarial_C17_PredicateType(t *testing.T) {
	t.Run("custom predicateType", func(t *testing.T) {
		st := stmtWith("https://example.com/custom/v1", []byte(goodProvenanceV1))
		p, err := PredicateAs[ProvenanceV1](st)
		if !errors.Is(err, ErrPredicateType) || p != nil {
			t.Fatalf("PredicateAs = %v, %v", p, err)
		}
		v, err := DecodePredicate(st)
		if !errors.Is(err, ErrUnknownPredicateType) || v != nil {
			t.Fatalf("DecodePredicate = %v, %v", v, err)
		}
	})
	t.Run("other registered type", func(t *testing.T) {
		st := parseVector(t, specDir+"test-result-example1.json")
		if _, err := PredicateAs[ProvenanceV1](st); !errors.Is(err, ErrPredicateType) {
			t.Fatalf("PredicateAs[ProvenanceV1](test-result) = %v", err)
		}
		st = vectorStatement(t, "slsa-verifier/vsa/gce/v1/gke-gce-pre.bcid-vsa.jsonl")
		if _, err := PredicateAs[ProvenanceV1](st); !errors.Is(err, ErrPredicateType) {
			t.Fatalf("PredicateAs[ProvenanceV1](VSA) = %v", err)
		}
		// Similar shapes do not make a type: SLSA v1 is not v0.2.
		st = stmtWith(PredicateSLSAProvenanceV1, []byte(goodProvenanceV1))
		if _, err := PredicateAs[ProvenanceV02](st); !errors.Is(err, ErrPredicateType) {
			t.Fatalf("PredicateAs[ProvenanceV02](v1) = %v", err)
		}
		if _, err := PredicateAs[map[string]any](st); !errors.Is(err, ErrPredicateType) {
			t.Fatalf("PredicateAs[map](v1) = %v", err)
		}
		if _, err := PredicateAs[*ProvenanceV1](st); !errors.Is(err, ErrPredicateType) {
			t.Fatalf("PredicateAs[*ProvenanceV1] = %v", err)
		}
	})
	bad := []struct {
		name string
		pred string // "" leaves the predicate out
		kind error
	}{
		{"missing", "", ErrMalformed},
		{"null", "null", ErrMalformed},
		{"padded null", " null ", ErrMalformed},
		{"empty object", "{}", ErrMalformed},
		{"no builder id", `{"buildDefinition":{"buildType":"b","externalParameters":{}},"runDetails":{"builder":{}}}`, ErrMalformed},
		{"no externalParameters", `{"buildDefinition":{"buildType":"b"},"runDetails":{"builder":{"id":"i"}}}`, ErrMalformed},
		{"null externalParameters", `{"buildDefinition":{"buildType":"b","externalParameters":null},"runDetails":{"builder":{"id":"i"}}}`, ErrMalformed},
		{"no buildType", `{"buildDefinition":{"externalParameters":{}},"runDetails":{"builder":{"id":"i"}}}`, ErrMalformed},
		{"wrong field type", `{"buildDefinition":{"buildType":1,"externalParameters":{}},"runDetails":{"builder":{"id":"i"}}}`, strictjson.ErrType},
		{"array externalParameters", `{"buildDefinition":{"buildType":"b","externalParameters":[]},"runDetails":{"builder":{"id":"i"}}}`, strictjson.ErrType},
		{"case variant key", `{"BuildDefinition":{"buildType":"b","externalParameters":{}},"runDetails":{"builder":{"id":"i"}}}`, ErrKeyCase},
		{"case variant builder id", `{"buildDefinition":{"buildType":"b","externalParameters":{}},"runDetails":{"builder":{"id":"i","ID":"evil"}}}`, ErrKeyCase},
		{"duplicate builder id", `{"buildDefinition":{"buildType":"b","externalParameters":{}},"runDetails":{"builder":{"id":"i","id":"evil"}}}`, ErrDuplicateKey},
		{"bad time", `{"buildDefinition":{"buildType":"b","externalParameters":{}},"runDetails":{"builder":{"id":"i"},"metadata":{"startedOn":"yesterday"}}}`, ErrMalformed},
		{"trailing data", goodProvenanceV1 + "x", strictjson.ErrTrailingData},
	}
	for _, tt := range bad {
		t.Run("SLSA v1 predicate "+tt.name, func(t *testing.T) {
			st := stmtWith(PredicateSLSAProvenanceV1, []byte(tt.pred))
			p, err := PredicateAs[ProvenanceV1](st)
			wantErr(t, err, ErrMalformed, tt.kind)
			if p != nil {
				t.Fatal("predicate returned with an error")
			}
			v, err := DecodePredicate(st)
			wantErr(t, err, ErrMalformed, tt.kind)
			if v != nil {
				t.Fatal("predicate returned with an error")
			}
		})
	}
	// The good one decodes.
	p, err := PredicateAs[ProvenanceV1](stmtWith("https://slsa.dev/provenance/v1.0", []byte(goodProvenanceV1)))
	if err != nil || p.RunDetails.Builder.ID != "https://builder" {
		t.Fatalf("PredicateAs = %+v, %v", p, err)
	}
	if _, err := PredicateAs[ProvenanceV1](nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("PredicateAs(nil) = %v", err)
	}
	if _, err := DecodePredicate(nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("DecodePredicate(nil) = %v", err)
	}
}

func TestTypedPredicateVectors(t *testing.T) {
	t.Run("test-result", func(t *testing.T) {
		st := parseVector(t, specDir+"test-result-example1.json")
		p, err := PredicateAs[TestResult](st)
		if err != nil {
			t.Fatal(err)
		}
		if p.Result != "PASSED" || len(p.PassedTests) != 13 || p.PassedTests[12] != "build (3.x, ubuntu-latest, lint)" ||
			len(p.Configuration) != 1 || p.Configuration[0].Digest["gitBlob"] != "ebe4add40f63c3c98bc9b32ff1e736f04120b023" ||
			p.URL != "https://github.com/in-toto/in-toto/actions/runs/4425592351" {
			t.Fatalf("decoded %+v", p)
		}
		v, err := DecodePredicate(st)
		if err != nil || !reflect.DeepEqual(v, p) {
			t.Fatalf("DecodePredicate = %+v, %v", v, err)
		}
	})
	t.Run("vulns v0.2", func(t *testing.T) {
		p, err := PredicateAs[Vulns](parseVector(t, specDir+"vulns_02-example-normalized1.json"))
		if err != nil {
			t.Fatal(err)
		}
		if p.Scanner.URI != "pkg:github/aquasecurity/trivy@244fd47e07d1004f0aed9" || p.Scanner.Version != "0.19.2" ||
			p.Scanner.DB.Version != "v1-2021080612" || !p.Scanner.DB.LastUpdate.Equal(time.Date(2021, 8, 6, 17, 45, 50, 520e6, time.UTC)) ||
			len(p.Scanner.Result) != 1 || p.Scanner.Result[0].ID != "CVE-123" || len(p.Scanner.Result[0].Severity) != 2 ||
			p.Scanner.Result[0].Severity[1] != (VulnSeverity{Method: "cvss_score", Score: "5.2"}) ||
			!p.Metadata.ScanFinishedOn.Equal(time.Date(2021, 8, 6, 17, 50, 50, 520e6, time.UTC)) {
			t.Fatalf("decoded %+v", p)
		}
	})
	t.Run("VSA", func(t *testing.T) {
		st := vectorStatement(t, "slsa-verifier/vsa/gce/v1/gke-gce-pre.bcid-vsa.jsonl")
		p, err := PredicateAs[VSA](st)
		if err != nil {
			t.Fatal(err)
		}
		if p.Verifier.ID != "https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.1" ||
			p.ResourceURI != "gce_image://gke-node-images:gke-12615-gke1418000-cos-101-17162-463-29-c-cgpv1-pre" ||
			p.VerificationResult != "PASSED" || strings.Join(p.VerifiedLevels, ",") != "BCID_L1,SLSA_BUILD_LEVEL_2" ||
			!strings.HasPrefix(p.Policy.URI, "googlefile:/google_src/") ||
			!p.TimeVerified.Equal(time.Date(2024, 6, 12, 7, 24, 34, 351608000, time.UTC)) {
			t.Fatalf("decoded %+v", p)
		}
		if st.Subject[0].Name != "_" || st.Subject[0].Digest["gce_image_id"] != "8970095005306000053" {
			t.Fatalf("subject %+v", st.Subject[0])
		}
	})
	t.Run("SLSA v1 in a v0.1 statement", func(t *testing.T) {
		// slsa-github-generator's container-based builder test data: an
		// unsigned Statement v0.1 whose predicate is "v1.0" provenance
		// with a buildDefinition only.
		st := parseVector(t, "slsa-github-generator/internal_builders_docker_testdata_slsa1-provenance.json")
		if st.Type != StatementTypeV01 || st.PredicateType != "https://slsa.dev/provenance/v1.0" {
			t.Fatalf("statement %q %q", st.Type, st.PredicateType)
		}
		if lookup(st.PredicateType) != reflect.TypeFor[ProvenanceV1]() {
			t.Fatal("v1.0 does not resolve to ProvenanceV1")
		}
		// Everything present decodes strictly...
		var p ProvenanceV1
		if err := strictjson.Unmarshal(st.Predicate, &p, 0); err != nil {
			t.Fatal(err)
		}
		bd := p.BuildDefinition
		if bd.BuildType != "https://slsa.dev/container-based-build/v0.1?draft" ||
			bd.ExternalParameters["configPath"] != "internal/builders/docker/testdata/config.toml" ||
			len(bd.ResolvedDependencies) != 1 || bd.ResolvedDependencies[0].Digest["sha1"] != "cf5804b5c6f1a4b2a0b03401a487dfdfbe3a5f00" {
			t.Fatalf("decoded %+v", bd)
		}
		// ...but runDetails, required by SLSA v1, is missing: the
		// predicate does not validate and is not returned (C17).
		_, err := PredicateAs[ProvenanceV1](st)
		wantErr(t, err, ErrMalformed)
		if !strings.Contains(err.Error(), "runDetails.builder.id") {
			t.Fatalf("error %q does not name the missing field", err)
		}
	})
	t.Run("SLSA v1 complete", func(t *testing.T) {
		for rel, builder := range map[string]string{
			"sigstore-conformance/bundle-verify/happy-path-intoto-in-dsse-v3/bundle.sigstore.json":    "https://github.com/loosebazooka/aa-test/.github/workflows/provenance.yaml@refs/heads/main",
			"slsa-verifier/bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl":                                 "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0",
			"slsa-verifier/gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa":          "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_maven_slsa3.yml@refs/tags/v2.1.0",
			"slsa-verifier/gha_container-based/v1.10.0/binary-linux-amd64-push-v14.intoto.build.slsa": "",
			"slsa-verifier/bcr/MODULE.bazel.intoto.jsonl":                                             "",
			"sigstore-conformance/bundle-verify/dsse-mismatch-sig_fail/bundle.sigstore.json":          "",
			"sigstore-conformance/bundle-verify/dsse-invalid-sig_fail/bundle.sigstore.json":           "",
			"sigstore-conformance/bundle-verify/dsse-mismatch-envelope_fail/bundle.sigstore.json":     "",
			"slsa-verifier/bcr/MODULE-wrong-signer.bazel.intoto.jsonl":                                "",
			"slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl":               "-v0.2",
			"slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl":      "-v0.2",
			"slsa-verifier/annotated-tag.intoto.jsonl":                                                "-v0.2",
			"slsa-verifier/binary-linux-amd64-expired-cert.intoto.jsonl":                              "-v0.2",
			"slsa-verifier/bundle/valid-v0.3.intoto.sigstore":                                         "-v0.2",
			"slsa-github-generator/internal_builders_go_testdata_binary-linux-amd64.intoto.jsonl":     "-v0.2",
			"ampel/github-actions-bundle.json":                                                        "-v0.2",
			"slsa-verifier/npm-attestations.intoto.sigstore#0":                                        "-v0.2",
		} {
			t.Run(rel, func(t *testing.T) {
				st := vectorStatement(t, rel)
				v, err := DecodePredicate(st)
				if err != nil {
					t.Fatal(err)
				}
				switch p := v.(type) {
				case *ProvenanceV1:
					if builder == "-v0.2" || (builder != "" && p.RunDetails.Builder.ID != builder) {
						t.Fatalf("builder %q", p.RunDetails.Builder.ID)
					}
				case *ProvenanceV02:
					if builder != "-v0.2" || !strings.HasPrefix(p.Builder.ID, "https://github.com/") {
						t.Fatalf("v0.2 builder %q", p.Builder.ID)
					}
				default:
					t.Fatalf("decoded %T", v)
				}
			})
		}
	})
	t.Run("SLSA v1 without externalParameters", func(t *testing.T) {
		// The rekor2 conformance bundles carry a minimal predicate that
		// lacks the required externalParameters.
		st := vectorStatement(t, "sigstore-conformance/bundle-verify/rekor2-dsse-happy-path/bundle.sigstore.json")
		_, err := PredicateAs[ProvenanceV1](st)
		wantErr(t, err, ErrMalformed)
		if !strings.Contains(err.Error(), "externalParameters") {
			t.Fatalf("error %q", err)
		}
	})
	t.Run("SLSA v0.2", func(t *testing.T) {
		st := parseVector(t, "slsa-github-generator/actions_sign-attestations_testdata_attestations_attestation1.intoto")
		if st.Type != StatementTypeV01 {
			t.Fatalf("_type %q", st.Type)
		}
		p, err := PredicateAs[ProvenanceV02](st)
		if err != nil {
			t.Fatal(err)
		}
		if p.Builder.ID != "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v1.2.2" ||
			p.BuildType != "https://github.com/slsa-framework/slsa-github-generator/go@v1" ||
			p.Invocation.ConfigSource.EntryPoint != ".github/workflows/release.yml" ||
			p.Invocation.ConfigSource.Digest["sha1"] != "a43888265e1f6aae98c924538298944f2721dcf0" ||
			p.Metadata.BuildInvocationID != "3690336455-1" || !p.Metadata.Completeness.Parameters || p.Metadata.Completeness.Environment ||
			len(p.Materials) == 0 {
			t.Fatalf("decoded %+v", p)
		}
	})
	t.Run("OpenVEX", func(t *testing.T) {
		for rel, statements := range map[string]int{
			"openvex/go-vex_v0.2.0.json":                                       5,
			"openvex/OPENVEX-SPEC-example1.json":                               1,
			"openvex/OPENVEX-SPEC-example2.json":                               1,
			"openvex/OPENVEX-SPEC-example-normalized3.json":                    2,
			"openvex/ampel_CVE-2025-27144.openvex.json":                        1,
			"openvex/go-vex_v020-1.vex.json":                                   -1, // no document timestamp
			"openvex/go-vex_v020-2.vex.json":                                   -1,
			"openvex/go-vex_v0.0.1.json":                                       -1, // the v0.0.1 shape
			"openvex/OPENVEX-SPEC-example-normalized2.json":                    -1, // a statement, not a document
			"openvex/ATTESTING-example2.json":                                  -1,
			"in-toto-attestation-spec/predicates/" + "reference-example1.json": -1,
		} {
			t.Run(rel, func(t *testing.T) {
				st := stmtWith(PredicateOpenVEX, readVector(t, rel))
				p, err := PredicateAs[OpenVEX](st)
				if statements < 0 {
					wantErr(t, err, ErrMalformed)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Statements) != statements || p.Timestamp == nil || p.Author == "" {
					t.Fatalf("decoded %+v", p)
				}
				// As a statement about the products, and back.
				st2, err := NewPredicateStatement(p, Subject("img", sha256Of("img")))
				if err != nil {
					t.Fatal(err)
				}
				p2, err := PredicateAs[OpenVEX](st2)
				if err != nil || !reflect.DeepEqual(normalizeVEX(p), normalizeVEX(p2)) {
					t.Fatalf("round trip: %v", err)
				}
			})
		}
		// go-vex v0.2.0: check a statement in detail.
		p, _ := PredicateAs[OpenVEX](stmtWith(PredicateOpenVEX, readVector(t, "openvex/go-vex_v0.2.0.json")))
		s := p.Statements[3]
		if s.Status != VEXNotAffected || s.Justification != "vulnerable_code_not_present" || s.Vulnerability.Name != "CVE-2023-3446" || p.Version != 1 {
			t.Fatalf("statement %+v", s)
		}
		// v0.0.1 fails on its context even when its shape would fit.
		old := &OpenVEX{Context: "https://openvex.dev/ns/v0.0.1", ID: "i", Author: "a", Timestamp: &time.Time{}}
		if err := old.Validate(); err == nil {
			t.Fatal("v0.0.1 context accepted")
		}
	})
	t.Run("OpenVEX attestation vector", func(t *testing.T) {
		// ATTESTING-example-normalized1: predicateType openvex, predicate {}.
		st := parseVector(t, "openvex/ATTESTING-example-normalized1.json")
		_, err := PredicateAs[OpenVEX](st)
		wantErr(t, err, ErrMalformed)
	})
	t.Run("CycloneDX keeps the BOM", func(t *testing.T) {
		raw := predicateOf(t, specDir+"cyclonedx-example-normalized1.json")
		st := stmtWith("https://cyclonedx.org/bom/v1.4", raw)
		p, err := PredicateAs[CycloneDXBOM](st)
		if err != nil {
			t.Fatal(err)
		}
		if p.BOMFormat != "CycloneDX" || p.SpecVersion != "1.4" || p.Version != 1 || p.SerialNumber != "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" {
			t.Fatalf("header %+v", p)
		}
		if !bytes.Equal(p.Raw, raw) {
			t.Fatal("Raw is not the predicate, byte for byte")
		}
		st.Predicate[bytes.IndexByte(st.Predicate, 'C')] = 'X' // Raw is a copy
		if !bytes.Contains(p.Raw, []byte("CycloneDX")) {
			t.Fatal("Raw aliases the statement")
		}
	})
	t.Run("SPDX keeps the document", func(t *testing.T) {
		raw := predicateOf(t, specDir+"spdx2-example-normalized1.json")
		p, err := PredicateAs[SPDXDocument](stmtWith(PredicateSPDXV23, raw))
		if err != nil {
			t.Fatal(err)
		}
		if p.SPDXVersion != "SPDX-2.3" || p.SPDXID != "SPDXRef-DOCUMENT" || !bytes.Equal(p.Raw, raw) {
			t.Fatalf("decoded %+v", p)
		}
		// SPDX 3 resolves through the unversioned registration but is not
		// a 2.x document: rejected, never read as one.
		raw = predicateOf(t, specDir+"spdx3-example-normalized1.json")
		_, err = DecodePredicate(stmtWith("https://spdx.dev/Document/v3", raw))
		wantErr(t, err, ErrMalformed)
	})
}

// predicateOf returns the predicate of a statement file as it appears
// there, whether or not the statement validates.
func predicateOf(t *testing.T, rel string) []byte {
	t.Helper()
	var doc struct {
		Predicate json.RawMessage `json:"predicate"`
	}
	if err := json.Unmarshal(readVector(t, rel), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Predicate
}

// normalizeVEX drops the time zones, which a round trip through RFC 3339
// keeps as offsets only.
func normalizeVEX(p *OpenVEX) []byte {
	b, _ := json.Marshal(p)
	return b
}

func TestProvenanceV02InvocationIDSpellings(t *testing.T) {
	pred := func(meta string) []byte {
		return []byte(`{"builder":{"id":"https://b"},"buildType":"t","metadata":` + meta + `}`)
	}
	for _, tt := range []struct {
		name string
		meta string
		id   string
		kind error
	}{
		{"spec spelling", `{"buildInvocationId":"x"}`, "x", nil},
		{"in-toto-golang spelling", `{"buildInvocationID":"y","reproducible":true}`, "y", nil},
		{"neither", `{"reproducible":true}`, "", nil},
		{"null metadata", `null`, "", nil},
		{"both", `{"buildInvocationId":"x","buildInvocationID":"y"}`, "", ErrDuplicateKey},
		{"both, one empty", `{"buildInvocationId":"","buildInvocationID":"y"}`, "", ErrDuplicateKey},
		{"other case", `{"BuildInvocationId":"x"}`, "", ErrKeyCase},
		{"all caps", `{"BUILDINVOCATIONID":"x"}`, "", ErrKeyCase},
		{"duplicate", `{"buildInvocationID":"x","buildInvocationID":"y"}`, "", ErrDuplicateKey},
		{"other field case", `{"buildInvocationID":"x","Reproducible":true}`, "", ErrKeyCase},
		{"wrong type", `{"buildInvocationID":1}`, "", strictjson.ErrType},
		{"bad time", `{"buildStartedOn":"now"}`, "", ErrMalformed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := stmtWith(PredicateSLSAProvenanceV02, pred(tt.meta))
			p, err := PredicateAs[ProvenanceV02](st)
			if tt.kind != nil {
				wantErr(t, err, ErrMalformed, tt.kind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if p.Metadata != nil {
				got = p.Metadata.BuildInvocationID
			}
			if got != tt.id {
				t.Fatalf("BuildInvocationID = %q, want %q", got, tt.id)
			}
			// Written back in the spec's spelling, and read again.
			st2, err := NewPredicateStatement(p, Subject("x", sha256Of("x")))
			if err != nil {
				t.Fatal(err)
			}
			if tt.id != "" && !bytes.Contains(st2.Predicate, []byte(`"buildInvocationId":"`+tt.id+`"`)) {
				t.Fatalf("marshaled %s", st2.Predicate)
			}
			p2, err := PredicateAs[ProvenanceV02](st2)
			if err != nil || !reflect.DeepEqual(p, p2) {
				t.Fatalf("round trip: %+v, %v", p2, err)
			}
		})
	}
}

func TestHeaderPredicatesStrict(t *testing.T) {
	for _, tt := range []struct {
		name, pt, pred string
		kind           error
	}{
		{"SPDX case variant", PredicateSPDX, `{"SPDXVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`, ErrKeyCase},
		{"SPDX spdxid", PredicateSPDX, `{"spdxVersion":"SPDX-2.3","spdxId":"SPDXRef-DOCUMENT"}`, ErrKeyCase},
		{"SPDX duplicate", PredicateSPDX, `{"spdxVersion":"SPDX-2.3","spdxVersion":"SPDX-2.2","SPDXID":"SPDXRef-DOCUMENT"}`, ErrDuplicateKey},
		{"SPDX duplicate deep", PredicateSPDX, `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[{"a":1,"a":2}]}`, ErrDuplicateKey},
		{"SPDX 3", PredicateSPDX, `{"spdxVersion":"SPDX-3.0","SPDXID":"SPDXRef-DOCUMENT"}`, ErrMalformed},
		{"SPDX wrong id", PredicateSPDX, `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-x"}`, ErrMalformed},
		{"SPDX wrong type", PredicateSPDX, `{"spdxVersion":2.3,"SPDXID":"SPDXRef-DOCUMENT"}`, strictjson.ErrType},
		{"CycloneDX case variant", PredicateCycloneDX, `{"BOMFormat":"CycloneDX","specVersion":"1.6"}`, ErrKeyCase},
		{"CycloneDX wrong format", PredicateCycloneDX, `{"bomFormat":"cyclonedx","specVersion":"1.6"}`, ErrMalformed},
		{"CycloneDX no version", PredicateCycloneDX, `{"bomFormat":"CycloneDX"}`, ErrMalformed},
		{"CycloneDX string version", PredicateCycloneDX, `{"bomFormat":"CycloneDX","specVersion":"1.6","version":"1"}`, strictjson.ErrType},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodePredicate(stmtWith(tt.pt, []byte(tt.pred)))
			wantErr(t, err, ErrMalformed, tt.kind)
		})
	}
	// Marshaling: Raw when set, else the header.
	b, err := json.Marshal(SPDXDocument{SPDXVersion: "SPDX-2.3", SPDXID: "SPDXRef-DOCUMENT", Name: "n", DocumentNamespace: "ns"})
	if err != nil || string(b) != `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"n","documentNamespace":"ns"}` {
		t.Fatalf("SPDX header = %s, %v", b, err)
	}
	b, _ = json.Marshal(SPDXDocument{SPDXVersion: "ignored", Raw: json.RawMessage(`{"spdxVersion":"SPDX-2.2"}`)})
	if string(b) != `{"spdxVersion":"SPDX-2.2"}` {
		t.Fatalf("SPDX raw = %s", b)
	}
	b, err = json.Marshal(CycloneDXBOM{BOMFormat: "CycloneDX", SpecVersion: "1.6", Version: 2})
	if err != nil || string(b) != `{"bomFormat":"CycloneDX","specVersion":"1.6","version":2}` {
		t.Fatalf("CycloneDX header = %s, %v", b, err)
	}
	// A BOM given as Raw only is validated by Raw's header.
	bom := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}`
	st, err := NewPredicateStatement(&CycloneDXBOM{Raw: json.RawMessage(bom)}, Subject("x", sha256Of("x")))
	if err != nil || st.PredicateType != PredicateCycloneDX || string(st.Predicate) != bom {
		t.Fatalf("NewPredicateStatement = %v", err)
	}
	for name, p := range map[string]Predicate{
		"raw not CycloneDX":     &CycloneDXBOM{Raw: json.RawMessage(`{"bomFormat":"SPDX","specVersion":"1"}`)},
		"raw case variant":      &CycloneDXBOM{Raw: json.RawMessage(`{"BomFormat":"CycloneDX","specVersion":"1"}`)},
		"header disagrees":      &CycloneDXBOM{BOMFormat: "CycloneDX", SpecVersion: "1.5", Raw: json.RawMessage(bom)},
		"raw invalid":           &CycloneDXBOM{Raw: json.RawMessage(`{`)},
		"SPDX raw not 2.x":      &SPDXDocument{Raw: json.RawMessage(`{"spdxVersion":"SPDX-3.0","SPDXID":"SPDXRef-DOCUMENT"}`)},
		"SPDX header disagrees": &SPDXDocument{SPDXVersion: "SPDX-2.2", Raw: json.RawMessage(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`)},
		"SPDX raw duplicate":    &SPDXDocument{Raw: json.RawMessage(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","SPDXID":"x"}`)},
	} {
		if _, err := NewPredicateStatement(p, Subject("x", sha256Of("x"))); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: NewPredicateStatement = %v", name, err)
		}
	}
	st, err = NewPredicateStatement(&SPDXDocument{Raw: json.RawMessage(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`)}, Subject("x", sha256Of("x")))
	if err != nil || st.PredicateType != PredicateSPDX {
		t.Fatalf("SPDX from Raw: %v", err)
	}
}

func TestPredicateValidate(t *testing.T) {
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	validV1 := func() *ProvenanceV1 {
		return &ProvenanceV1{BuildDefinition: BuildDefinition{BuildType: "t", ExternalParameters: map[string]any{}}, RunDetails: RunDetails{Builder: Builder{ID: "i"}}}
	}
	validVEX := func() *OpenVEX {
		return &OpenVEX{Context: "https://openvex.dev/ns/v0.2.0", ID: "id", Author: "a", Timestamp: &ts, Version: 1,
			Statements: []VEXStatement{{Vulnerability: VEXVulnerability{Name: "CVE-1"}, Status: VEXFixed}}}
	}
	tests := []struct {
		name string
		p    interface{ Validate() error }
		ok   bool
	}{
		{"provenance v1", validV1(), true},
		{"provenance v1 no build type", func() *ProvenanceV1 { p := validV1(); p.BuildDefinition.BuildType = ""; return p }(), false},
		{"provenance v1 no params", func() *ProvenanceV1 { p := validV1(); p.BuildDefinition.ExternalParameters = nil; return p }(), false},
		{"provenance v1 no builder", func() *ProvenanceV1 { p := validV1(); p.RunDetails.Builder.ID = ""; return p }(), false},
		{"provenance v0.2", &ProvenanceV02{Builder: BuilderV02{ID: "i"}, BuildType: "t"}, true},
		{"provenance v0.2 no builder", &ProvenanceV02{BuildType: "t"}, false},
		{"provenance v0.2 no build type", &ProvenanceV02{Builder: BuilderV02{ID: "i"}}, false},
		{"VSA", &VSA{Verifier: VSAVerifier{ID: "v"}, ResourceURI: "r", Policy: ResourceDescriptor{URI: "p"}, VerificationResult: "PASSED"}, true},
		{"VSA failed", &VSA{Verifier: VSAVerifier{ID: "v"}, ResourceURI: "r", Policy: ResourceDescriptor{Digest: digest.Set{"sha256": "x"}}, VerificationResult: "FAILED"}, true},
		{"VSA no verifier", &VSA{ResourceURI: "r", Policy: ResourceDescriptor{URI: "p"}, VerificationResult: "PASSED"}, false},
		{"VSA no resource", &VSA{Verifier: VSAVerifier{ID: "v"}, Policy: ResourceDescriptor{URI: "p"}, VerificationResult: "PASSED"}, false},
		{"VSA no policy", &VSA{Verifier: VSAVerifier{ID: "v"}, ResourceURI: "r", VerificationResult: "PASSED"}, false},
		{"VSA lowercase result", &VSA{Verifier: VSAVerifier{ID: "v"}, ResourceURI: "r", Policy: ResourceDescriptor{URI: "p"}, VerificationResult: "passed"}, false},
		{"VSA empty result", &VSA{Verifier: VSAVerifier{ID: "v"}, ResourceURI: "r", Policy: ResourceDescriptor{URI: "p"}}, false},
		{"test result passed", &TestResult{Result: "PASSED"}, true},
		{"test result warned", &TestResult{Result: "WARNED"}, true},
		{"test result failed", &TestResult{Result: "FAILED"}, true},
		{"test result empty", &TestResult{}, false},
		{"test result other", &TestResult{Result: "OK"}, false},
		{"vulns", &Vulns{Scanner: VulnScanner{URI: "u", Result: []VulnResult{{ID: "CVE-1"}}}}, true},
		{"vulns no uri", &Vulns{}, false},
		{"vulns result without id", &Vulns{Scanner: VulnScanner{URI: "u", Result: []VulnResult{{ID: "a"}, {}}}}, false},
		{"openvex", validVEX(), true},
		{"openvex unversioned context", func() *OpenVEX { v := validVEX(); v.Context = "https://openvex.dev/ns"; return v }(), true},
		{"openvex v0.2.1", func() *OpenVEX { v := validVEX(); v.Context = "https://openvex.dev/ns/v0.2.1"; return v }(), true},
		{"openvex v0.0.1", func() *OpenVEX { v := validVEX(); v.Context = "https://openvex.dev/ns/v0.0.1"; return v }(), false},
		{"openvex v0.3.0", func() *OpenVEX { v := validVEX(); v.Context = "https://openvex.dev/ns/v0.3.0"; return v }(), false},
		{"openvex v0.2.", func() *OpenVEX { v := validVEX(); v.Context = "https://openvex.dev/ns/v0.2."; return v }(), false},
		{"openvex v0.2.01", func() *OpenVEX { v := validVEX(); v.Context = "https://openvex.dev/ns/v0.2.01"; return v }(), false},
		{"openvex v0.2.0x", func() *OpenVEX { v := validVEX(); v.Context = "https://openvex.dev/ns/v0.2.0x"; return v }(), false},
		{"openvex lookalike context", func() *OpenVEX { v := validVEX(); v.Context = "https://openvex.dev/nsx"; return v }(), false},
		{"openvex no context", func() *OpenVEX { v := validVEX(); v.Context = ""; return v }(), false},
		{"openvex no id", func() *OpenVEX { v := validVEX(); v.ID = ""; return v }(), false},
		{"openvex no author", func() *OpenVEX { v := validVEX(); v.Author = ""; return v }(), false},
		{"openvex no timestamp", func() *OpenVEX { v := validVEX(); v.Timestamp = nil; return v }(), false},
		{"openvex no statements", func() *OpenVEX { v := validVEX(); v.Statements = nil; return v }(), true},
		{"openvex no vulnerability name", func() *OpenVEX { v := validVEX(); v.Statements[0].Vulnerability.Name = ""; return v }(), false},
		{"openvex unknown status", func() *OpenVEX { v := validVEX(); v.Statements[0].Status = "safe"; return v }(), false},
		{"openvex under investigation", func() *OpenVEX { v := validVEX(); v.Statements[0].Status = VEXUnderInvestigation; return v }(), true},
		{"openvex not_affected without reason", func() *OpenVEX { v := validVEX(); v.Statements[0].Status = VEXNotAffected; return v }(), false},
		{"openvex not_affected justified", func() *OpenVEX {
			v := validVEX()
			v.Statements[0].Status, v.Statements[0].Justification = VEXNotAffected, "component_not_present"
			return v
		}(), true},
		{"openvex not_affected impact statement", func() *OpenVEX {
			v := validVEX()
			v.Statements[0].Status, v.Statements[0].ImpactStatement = VEXNotAffected, "not reachable"
			return v
		}(), true},
		{"openvex not_affected unknown justification", func() *OpenVEX {
			v := validVEX()
			v.Statements[0].Status, v.Statements[0].Justification = VEXNotAffected, "trust_me"
			return v
		}(), false},
		{"openvex affected without action", func() *OpenVEX { v := validVEX(); v.Statements[0].Status = VEXAffected; return v }(), false},
		{"openvex affected with action", func() *OpenVEX {
			v := validVEX()
			v.Statements[0].Status, v.Statements[0].ActionStatement = VEXAffected, "upgrade"
			return v
		}(), true},
		{"spdx", &SPDXDocument{SPDXVersion: "SPDX-2.3", SPDXID: "SPDXRef-DOCUMENT"}, true},
		{"spdx 3", &SPDXDocument{SPDXVersion: "SPDX-3.0", SPDXID: "SPDXRef-DOCUMENT"}, false},
		{"spdx wrong id", &SPDXDocument{SPDXVersion: "SPDX-2.3"}, false},
		{"cyclonedx", &CycloneDXBOM{BOMFormat: "CycloneDX", SpecVersion: "1.6"}, true},
		{"cyclonedx wrong format", &CycloneDXBOM{BOMFormat: "SPDX", SpecVersion: "1.6"}, false},
		{"cyclonedx no spec version", &CycloneDXBOM{BOMFormat: "CycloneDX"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			// A predicate that does not validate never becomes a statement.
			st, err := NewPredicateStatement(tt.p.(Predicate), Subject("x", sha256Of("x")))
			if tt.ok != (err == nil) {
				t.Fatalf("NewPredicateStatement = %v", err)
			}
			if !tt.ok {
				wantErr(t, err, ErrMalformed)
				return
			}
			// A valid one survives the round trip through JSON.
			b, err := st.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			st2, err := ParseStatement(b)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodePredicate(st2)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(tt.p)
			got, _ := json.Marshal(back)
			if !bytes.Equal(want, got) {
				t.Fatalf("round trip:\n%s\n%s", want, got)
			}
		})
	}
	if _, err := NewPredicateStatement(nil, Subject("x", sha256Of("x"))); !errors.Is(err, ErrMalformed) {
		t.Errorf("NewPredicateStatement(nil) = %v", err)
	}
	if _, err := NewPredicateStatement((*VSA)(nil), Subject("x", sha256Of("x"))); !errors.Is(err, ErrMalformed) {
		t.Errorf("NewPredicateStatement(nil *VSA) = %v", err)
	}
}

func TestMatchPredicateType(t *testing.T) {
	for _, tc := range []struct {
		want, got string
		match     bool
	}{
		{"https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v1", true},
		{"https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v1.1", true},
		{"https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v2", false},
		{"https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v1-evil", false},
		{"https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/V1", false},
		{"https://slsa.dev/provenance/v1", "https://slsa.dev/provenance", false},
		{"https://slsa.dev/provenance/v1", "https://slsa.dev.evil/provenance/v1", false},
		{"https://slsa.dev/provenance/v0.2", "https://slsa.dev/provenance/v0.2", true},
		{"https://slsa.dev/provenance/v0.2", "https://slsa.dev/provenance/v0.3", false},
		{"https://cyclonedx.org/bom", "https://cyclonedx.org/bom/v1.6", true},
		{"https://cyclonedx.org/bom", "https://cyclonedx.org/bomb", false},
		{"https://cyclonedx.org/bom/v1.6", "https://cyclonedx.org/bom", false},
		{"https://example.com/p/v1?draft", "https://example.com/p/v1", false},
		{"https://example.com/p/v1", "https://example.com/p/v1?draft", false},
		{"", "", true},
		{"", "https://slsa.dev/provenance/v1", false},
	} {
		if got := MatchPredicateType(tc.want, tc.got); got != tc.match {
			t.Errorf("MatchPredicateType(%q, %q) = %v, want %v", tc.want, tc.got, got, tc.match)
		}
	}
}
