package chainmail_test

import (
	"go/build"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/chainmail-dev/chainmail"

// allowedImports lists, for every library package of the module, the
// non-standard-library packages it may import (by prefix). A new package,
// or a new import, fails this test until it is added here on purpose: the
// import graph is a design decision, not an accident (go-containerregistry's
// depcheck habit).
var allowedImports = map[string][]string{
	"digest":              {},
	"internal/limits":     {},
	"internal/errs":       {},
	"internal/netpolicy":  {},
	"internal/fsutil":     {},
	"internal/strictjson": {"internal/limits"},
	"attest":              {"digest", "internal/limits", "internal/strictjson"},
	"attest/attestpb":     {"attest", "github.com/in-toto/attestation/go/v1", "google.golang.org/protobuf/"},
	"internal/keys": {
		"digest", "internal/limits",
		"golang.org/x/crypto/cryptobyte",
		"github.com/secure-systems-lab/go-securesystemslib/encrypted",
	},
	// bundle has types of its own: no protobuf, no sigstore-go.
	"bundle": {"attest", "digest", "internal/errs", "internal/limits", "internal/strictjson"},
	// sgproto converts bundles for the code that hands them to sigstore-go.
	"internal/sgproto": {
		"bundle", "digest",
		"github.com/secure-systems-lab/go-securesystemslib/dsse",
		"github.com/sigstore/protobuf-specs/gen/pb-go/",
		"github.com/sigstore/sigstore-go/pkg/bundle",
		"github.com/sigstore/sigstore-go/pkg/verify",
		"google.golang.org/protobuf/encoding/protojson",
	},
	// sbom uses attest for the OpenVEX type and for SBOM statements;
	// attest never imports sbom.
	"sbom": {
		"attest", "digest", "internal/errs", "internal/fsutil", "internal/limits", "internal/strictjson", "sbom/internal/licensedetect",
		"github.com/CycloneDX/cyclonedx-go", "github.com/spdx/tools-golang/",
		"github.com/santhosh-tekuri/jsonschema/v6", "golang.org/x/text/", "sigs.k8s.io/yaml",
	},
	"sbom/internal/licensedetect": {"github.com/google/licenseclassifier/v2"},
	// signtest is a test helper package: it may use both sides.
	// policy decides on verified results: it reads verify's types and
	// never anything that talks to Sigstore.
	"policy":      {"attest", "digest", "verify", "internal/errs"},
	"policy/slsa": {"attest", "policy", "verify"},
	// the file form, with CEL as its escape hatch and YAML for line
	// numbers; policytest builds evidence for tests by signing and
	// verifying.
	"policy/policyfile": {"attest", "digest", "policy", "sbom", "verify", "cel.dev/cel-go/", "go.yaml.in/yaml/v3"},
	"policy/policytest": {"attest", "digest", "policy", "sign", "verify"},
	// in-toto layouts through in-toto-golang.
	"policy/intoto":     {"policy", "github.com/in-toto/in-toto-golang/in_toto"},
	"policy/sbompolicy": {"attest", "policy", "sbom", "golang.org/x/mod/semver"},
	"sign/signtest":     {"sign", "verify", "attest", "digest", "internal/keys"},
	// provenance generates SLSA provenance (sbom for Go binaries'
	// modules) and verifies it with policy rules; it signs nothing
	// itself and never talks to Sigstore.
	"provenance": {"attest", "digest", "policy", "policy/slsa", "sbom", "verify"},
	// vuln matches SBOMs (sbom) and Go binaries against OSV records and
	// writes the vulns predicate (attest); it verifies nothing itself and
	// policy never imports it.
	"vuln": {"attest", "internal/limits", "internal/netpolicy", "internal/strictjson", "sbom", "golang.org/x/mod/semver", "github.com/pandatix/go-cvss/40"},
	// sigstoretest is the in-process test Sigstore (CA, CT log, Rekor v1
	// and v2, TSA, and their HTTP front) that the tests of sigstore and
	// verify share: a test helper package like signtest, on both sides
	// and on the services' own libraries. No library package lists it, so
	// only _test.go files may import it.
	// testvectors reads the real test vectors (the public-good trusted
	// root, statement digests) for tests; no library package lists it.
	"internal/testvectors": {"digest", "sigstore", "verify"},
	"internal/sigstoretest": {
		"attest", "bundle", "digest", "internal/sgproto", "sigstore", "verify",
		"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer",
		"github.com/digitorus/timestamp",
		"github.com/go-openapi/runtime",
		"github.com/google/certificate-transparency-go",
		"github.com/sigstore/protobuf-specs/gen/pb-go/",
		"github.com/sigstore/rekor-tiles/v2/pkg/",
		"github.com/sigstore/rekor/pkg/",
		"github.com/sigstore/sigstore-go/pkg/root",
		"github.com/sigstore/sigstore/pkg/signature",
		"github.com/transparency-dev/formats/log",
		"golang.org/x/mod/sumdb/note",
		"google.golang.org/protobuf/",
	},
	// sign signs with keys: the standard library and internal/keys.
	"sign": {"attest", "bundle", "digest", "internal/keys", "internal/errs", "internal/limits", "internal/strictjson"},

	// verify checks keys, signatures and statements, and the policies over
	// them, with the standard library: the Sigstore-specific checks are
	// an Authority that package sigstore provides.
	"verify": {"attest", "bundle", "digest", "internal/keys", "internal/errs", "internal/limits", "internal/netpolicy", "internal/strictjson"},
	// sigstore is built on sigstore-go (and what its exported API takes:
	// sigstore's signature.Verifier), the TUF client on go-tuf; pkcs7
	// reads the signer of RFC 3161 timestamps.
	// Keyless signing wraps sigstore-go's service clients; the Rekor
	// clients are built over the package's own transport.
	"sigstore": {
		"verify", "sign", "attest", "bundle", "digest", "internal/keys", "internal/errs", "internal/limits", "internal/netpolicy", "internal/strictjson", "internal/sgproto",
		"github.com/sigstore/sigstore-go/pkg/bundle",
		"github.com/sigstore/sigstore-go/pkg/root",
		"github.com/sigstore/sigstore-go/pkg/tlog",
		"github.com/sigstore/sigstore-go/pkg/tuf",
		"github.com/sigstore/sigstore-go/pkg/verify",
		"github.com/sigstore/sigstore/pkg/signature",
		"github.com/sigstore/protobuf-specs/gen/pb-go/",
		"github.com/theupdateframework/go-tuf/v2/metadata",
		"github.com/digitorus/pkcs7",
		"google.golang.org/protobuf/",
		"github.com/sigstore/sigstore-go/pkg/sign",
		"github.com/sigstore/rekor-tiles/v2/pkg/generated/protobuf",
		"github.com/sigstore/rekor/pkg/generated/client",
		"github.com/go-openapi/runtime/client",
		"github.com/go-openapi/strfmt",
	},
}

func TestImportGraph(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		base := d.Name()
		if rel != "." && (strings.HasPrefix(base, ".") || base == "testdata" || base == "examples" || base == "bench" || base == "integration") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		if rel == "." {
			if len(pkg.Imports) != 0 {
				t.Errorf("the root package is documentation only, but imports %v", pkg.Imports)
			}
			return nil
		}
		seen[rel] = true
		allowed, ok := allowedImports[rel]
		if !ok {
			t.Errorf("package %s is not in allowedImports: add it with the imports it may use", rel)
			return nil
		}
		for _, imp := range pkg.Imports {
			if isStdlib(imp) {
				continue
			}
			name := strings.TrimPrefix(imp, module+"/")
			if !permitted(name, allowed) {
				t.Errorf("%s imports %s, which allowedImports does not permit", rel, imp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for p := range allowedImports {
		if !seen[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("allowedImports lists packages that do not exist: %v", missing)
	}
}

// TestSignAndVerifyIndependent keeps the producer and the checker apart:
// neither may import the other, even through a helper.
func TestSignAndVerifyIndependent(t *testing.T) {
	for _, pair := range [][2]string{{"sign", "verify"}, {"verify", "sign"}} {
		for _, a := range allowedImports[pair[0]] {
			if a == pair[1] {
				t.Errorf("%s may import %s", pair[0], pair[1])
			}
		}
	}
}

func permitted(name string, allowed []string) bool {
	for _, a := range allowed {
		if name == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(name, a)) || strings.HasPrefix(name, a+"/") {
			return true
		}
	}
	return false
}

func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}
