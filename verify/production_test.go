package verify_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sigstore"
	"github.com/chainmail-dev/chainmail/verify"
)

// productionBundle is one entry of a production bundle set's MANIFEST.json:
// a real bundle signed on Sigstore's public-good instance, with what
// sigstore-go v1.3.0 says of it.
type productionBundle struct {
	File           string `json:"file"`
	Client         string `json:"client"`
	Source         string `json:"source"`
	MediaType      string `json:"mediaType"`
	Kind           string `json:"kind"`
	ArtifactDigest string `json:"artifactDigest"`
	ArtifactFile   string `json:"artifactFile"`
	SAN            string `json:"san"`
	Issuer         string `json:"issuer"`
	LeafKey        string `json:"leafKey"`
	SigstoreGo     string `json:"sigstoreGo"`
}

// productionDir is where the set is: $CHAINMAIL_PRODUCTION_BUNDLES, or
// ../shared/vectors/production beside the project.
func productionDir(t *testing.T) string {
	for _, d := range []string{os.Getenv("CHAINMAIL_PRODUCTION_BUNDLES"), filepath.Join("..", "..", "shared", "vectors", "production")} {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "MANIFEST.json")); err == nil {
			return d
		}
	}
	t.Skip("no production bundle set (set CHAINMAIL_PRODUCTION_BUNDLES, or ../shared/vectors/production)")
	return ""
}

// departures are the production bundles that sigstore-go v1.3.0 accepts
// and this package rejects on purpose, with the reason each is rejected
// (the package documentation, "Departures from sigstore-go", has the
// table).
var departures = map[string]string{
	// The bundle labels a dsse entry as hashedrekord/0.0.1; sigstore-go
	// copies the label into the parsed entry and compares it with itself.
	"other-sigstore-rs-dsse-in-hashedrekord.sigstore.json": "the bundle says hashedrekord/0.0.1, the entry is dsse/0.0.1",
}

// TestProductionBundles verifies real bundles of v0.1 to v0.3 from several
// signing clients (sigstore-python, sigstore-js, GitHub's attest actions,
// cosign, sigstore-go, sigstore-java, sigstore-rs) offline against the
// public-good trusted root, with the signer's exact identity, and compares
// the outcome with sigstore-go's (in the manifest).
func TestProductionBundles(t *testing.T) {
	dir := productionDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	if err != nil {
		t.Fatal(err)
	}
	var set []productionBundle
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	tr, err := sigstore.LoadTrustedRoot(filepath.Join("..", "testdata", "conformance", "assets", "production_trusted_root.json"))
	if err != nil {
		t.Fatal(err)
	}
	trust := newTrust(t, withRoot(tr), verify.WithMinBundleVersion("v0.1"))
	agree, ok := 0, 0
	for _, b := range set {
		t.Run(b.File, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, b.File))
			if err != nil {
				t.Fatal(err)
			}
			var art verify.ArtifactPolicy
			if b.ArtifactFile != "" {
				art = verify.WithArtifactFile(filepath.Join(dir, b.ArtifactFile))
			} else {
				d, err := digest.Parse(b.ArtifactDigest)
				if err != nil {
					t.Fatalf("manifest digest: %v", err)
				}
				art = verify.WithArtifactDigest(d)
			}
			id, err := verify.NewIdentityPolicy(verify.CertificateIdentity{SAN: b.SAN, Issuer: b.Issuer})
			if err != nil {
				t.Fatal(err)
			}
			res, err := verify.Verify(ctx, verify.FromJSON(raw), trust, art, id)
			sgOK := b.SigstoreGo == "ok"
			if (err == nil) == sgOK {
				agree++
			}
			if why, ok := departures[b.File]; ok {
				if err == nil || !strings.Contains(err.Error(), why) {
					t.Errorf("%s: a departure from sigstore-go, want a rejection saying %q, got %v", b.File, why, err)
				}
				return
			}
			if err != nil {
				if sgOK {
					t.Errorf("%s (%s, %s, %s key): sigstore-go verifies it, we reject it: %v", b.File, b.Client, b.MediaType, b.LeafKey, err)
				} else {
					t.Logf("rejected, as by sigstore-go (%q): %v", b.SigstoreGo, err)
				}
				return
			}
			ok++
			if !sgOK {
				t.Logf("%s: verified; sigstore-go rejects it: %s", b.File, b.SigstoreGo)
			}
			if s := res.Signers[0]; s.Kind != verify.SignerCertificate || s.SAN != b.SAN || s.Issuer != b.Issuer || len(res.Times) == 0 {
				t.Errorf("result %+v", res.Signers)
			}
		})
	}
	t.Logf("%d production bundles: %d verified, %d outcomes equal to sigstore-go's, %d departures", len(set), ok, agree, len(departures))
}
