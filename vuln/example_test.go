package vuln_test

import (
	"fmt"
	"log"

	"github.com/chainmail-dev/chainmail/sbom"
	"github.com/chainmail-dev/chainmail/vuln"
)

// Scan the components of an SBOM against the Go vulnerability database's
// records (here, the copy in testdata).
func Example() {
	db, err := vuln.Open("testdata/osv")
	if err != nil {
		log.Fatal(err)
	}
	doc := &sbom.Document{Components: []*sbom.Component{
		{ID: "net", Kind: sbom.KindLibrary, PURL: "pkg:golang/golang.org/x/net@v0.61.0"},
		{ID: "std", Kind: sbom.KindLibrary, PURL: "pkg:golang/stdlib@1.26.10"},
	}}
	rep, err := db.ScanSBOM(doc, vuln.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range rep.Findings {
		fmt.Println(f.ID, f.Target.Name, f.Target.Version, "fixed in", f.Fixed)
	}
	fmt.Println(len(rep.Findings), "findings in", rep.Targets, "packages")
	// Output:
	// GO-2026-6860 golang.org/x/net v0.61.0 fixed in 0.62.0
	// GO-2026-6866 golang.org/x/net v0.61.0 fixed in 0.62.0
	// 2 findings in 2 packages
}

// Compute a CVSS v3.1 base score from its vector.
func ExampleCVSS3Base() {
	score, err := vuln.CVSS3Base("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(score)
	// Output: 7.5
}
