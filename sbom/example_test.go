package sbom_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/chainmail-dev/chainmail/attest"
	"github.com/chainmail-dev/chainmail/digest"
	"github.com/chainmail-dev/chainmail/sbom"
)

func exampleDocument() *sbom.Document {
	root := &sbom.Component{ID: "pkg:golang/example.com/app@v1.0.0", Kind: sbom.KindApplication, Name: "example.com/app",
		Version: "v1.0.0", PURL: "pkg:golang/example.com/app@v1.0.0"}
	mod := &sbom.Component{ID: "pkg:golang/golang.org/x/mod@v0.20.0", Kind: sbom.KindLibrary, Name: "golang.org/x/mod",
		Version: "v0.20.0", PURL: sbom.GoPURL("golang.org/x/mod", "v0.20.0"), GoH1: "h1:Ld3V+TQ8NLmsPvIxpkFz0wuWE5KUPT3XdN+tGNuDQqQ=",
		Licenses: []sbom.License{{Expression: "BSD-3-Clause", Source: sbom.LicenseDetected, Confidence: 0.99, File: "LICENSE"}}}
	return &sbom.Document{
		Name:       "example.com/app",
		Created:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Describes:  []string{root.ID},
		Components: []*sbom.Component{root, mod},
		Edges:      []sbom.Edge{{From: root.ID, To: mod.ID, Kind: sbom.EdgeDependsOn}},
	}
}

func ExampleEncode() {
	d := exampleDocument()
	var buf bytes.Buffer
	loss, err := sbom.Encode(&buf, d, sbom.SPDX23JSON)
	if err != nil {
		fmt.Println(err)
		return
	}
	back, err := sbom.Decode(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("lost:", loss)
	fmt.Println("format:", back.Format)
	for _, c := range back.Components {
		fmt.Println(strings.TrimSpace(strings.Join([]string{c.PURL, c.LicenseExpression(sbom.LicenseDetected), c.GoH1}, " ")))
	}
	// Output:
	// lost: nothing lost
	// format: spdx-json@2.3
	// pkg:golang/example.com/app@v1.0.0
	// pkg:golang/golang.org/x/mod@v0.20.0 BSD-3-Clause h1:Ld3V+TQ8NLmsPvIxpkFz0wuWE5KUPT3XdN+tGNuDQqQ=
}

func ExampleValidate() {
	f, err := os.Open("testdata/corpus/cyclonedx/spec-tests/1.6/invalid-component-type-1.6.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	rep, err := sbom.Validate(context.Background(), f, sbom.ValidateOptions{})
	fmt.Println("valid:", err == nil)
	for _, i := range rep.Errors() {
		fmt.Println(i.Check, i.Path)
	}
	// Output:
	// valid: false
	// schema /components/0/type
}

func ExampleDiff() {
	a := exampleDocument()
	b := exampleDocument()
	b.Components[1].Version = "v0.21.0"
	b.Components[1].PURL = sbom.GoPURL("golang.org/x/mod", "v0.21.0")
	b.Components = append(b.Components, &sbom.Component{ID: "std", Name: "stdlib", Version: "1.26.8", PURL: sbom.GoPURL("stdlib", "1.26.8")})
	fmt.Print(sbom.Diff(a, b))
	// Output:
	// + stdlib 1.26.8
	// ~ golang.org/x/mod v0.20.0 -> v0.21.0
}

func ExampleMerge() {
	a, b := exampleDocument(), exampleDocument()
	b.Components[0].Name, b.Components[0].PURL = "example.com/tool", "pkg:golang/example.com/tool@v1.0.0"
	m, err := sbom.Merge([]*sbom.Document{a, b}, sbom.MergeOptions{Name: "product"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Components {
		fmt.Println(c.ID)
	}
	// Output:
	// pkg:golang/example.com/app@v1.0.0
	// doc2:pkg:golang/example.com/app@v1.0.0
	// pkg:golang/golang.org/x/mod@v0.20.0
}

func ExampleStatement() {
	artifact, err := digest.FromBytes([]byte("the app binary"), digest.SHA256)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := sbom.Statement(exampleDocument(), sbom.CycloneDX16JSON, attest.Subject("app", artifact))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.PredicateType, st.Subject[0].Name)
	back, err := sbom.FromStatement(st)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(back.Components), "components")
	// Output:
	// https://cyclonedx.org/bom app
	// 2 components
}

func ExampleParsePURL() {
	p, err := sbom.ParsePURL("pkg:golang/golang.org/x/mod@v0.20.0")
	fmt.Println(p.Type, p.Namespace, p.Name, p.Version, err)
	_, err = sbom.ParsePURL("pkg:npm/../../etc")
	fmt.Println(strings.Contains(err.Error(), "invalid package URL"))
	// Output:
	// golang golang.org/x mod v0.20.0 <nil>
	// true
}
