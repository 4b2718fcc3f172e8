// Command sbomread compares what a consumer read from one of our SBOMs
// with what the SBOM says, for bench/consumers.sh: for every Go module
// component (by PURL), whether the consumer saw it, with the same
// version, the same licenses, the go.sum h1 and the zip SHA-256.
//
//	sbomread -ours SBOM -syft SYFT.json     (syft-json, from `syft convert`)
//	sbomread -ours SBOM -grype GRYPE.jsonl  (lines of grypesbom)
//
// It prints one summary line, and every difference with -v. The exit
// status is 1 when the consumer missed a component or got its version
// wrong.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/chainmail-dev/chainmail/sbom"
)

// seen is what a consumer read of one package.
type seen struct {
	version  string
	licenses []string
	h1       string
	sha256   string
}

func main() {
	ours := flag.String("ours", "", "our SBOM (any format sbom reads)")
	syft := flag.String("syft", "", "syft-json document syft made of it")
	grype := flag.String("grype", "", "grypesbom's lines for it")
	verbose := flag.Bool("v", false, "print every difference")
	flag.Parse()
	if *ours == "" || (*syft == "") == (*grype == "") {
		fmt.Fprintln(os.Stderr, "usage: sbomread -ours SBOM (-syft FILE | -grype FILE) [-v]")
		os.Exit(2)
	}
	want, err := readOurs(*ours)
	if err != nil {
		fail(err)
	}
	var got map[string]seen
	consumer := "syft"
	if *syft != "" {
		got, err = readSyft(*syft)
	} else {
		consumer = "grype"
		got, err = readGrype(*grype)
	}
	if err != nil {
		fail(err)
	}
	var n, found, version, licenses, wantLic, h1, wantH1, sha, wantSHA int
	var diffs []string
	purls := make([]string, 0, len(want))
	for p := range want {
		purls = append(purls, p)
	}
	slices.Sort(purls)
	for _, p := range purls {
		w := want[p]
		n++
		g, ok := got[p]
		if !ok {
			diffs = append(diffs, "missing "+p)
			continue
		}
		found++
		if g.version == w.version {
			version++
		} else {
			diffs = append(diffs, fmt.Sprintf("%s: version %q, want %q", p, g.version, w.version))
		}
		if len(w.licenses) > 0 {
			wantLic++
			if slices.Equal(ids(g.licenses), ids(w.licenses)) {
				licenses++
			} else {
				diffs = append(diffs, fmt.Sprintf("%s: licenses %q, want %q", p, g.licenses, w.licenses))
			}
		}
		if w.h1 != "" {
			wantH1++
			if g.h1 == w.h1 {
				h1++
			}
		}
		if w.sha256 != "" {
			wantSHA++
			if g.sha256 == w.sha256 {
				sha++
			}
		}
	}
	fmt.Printf("%s read %d of %d Go modules by PURL; version %d/%d; licenses %d/%d; go.sum h1 %d/%d; zip SHA-256 %d/%d\n",
		consumer, found, n, version, found, licenses, wantLic, h1, wantH1, sha, wantSHA)
	if *verbose {
		for _, d := range diffs {
			fmt.Println("  " + d)
		}
	}
	if found != n || version != found {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sbomread:", err)
	os.Exit(2)
}

// readOurs returns the Go module components of our SBOM by PURL (the
// root and the standard library aside).
func readOurs(path string) (map[string]seen, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := sbom.Decode(f)
	if err != nil {
		return nil, err
	}
	root := d.Root()
	out := map[string]seen{}
	for _, c := range d.Components {
		if c == root || !strings.HasPrefix(c.PURL, "pkg:golang/") || strings.HasPrefix(c.PURL, "pkg:golang/stdlib") {
			continue
		}
		s := seen{version: c.Version, h1: c.GoH1}
		for _, l := range c.Licenses {
			s.licenses = append(s.licenses, l.Expression)
		}
		slices.Sort(s.licenses)
		s.licenses = slices.Compact(s.licenses)
		for _, h := range c.Hashes {
			if h.Algorithm == sbom.SHA256 {
				s.sha256 = strings.ToLower(h.Value)
			}
		}
		out[canon(c.PURL)] = s
	}
	return out, nil
}

// canon drops qualifiers and subpaths, which tools add or drop as they
// like, and lowercases a golang PURL as the purl spec's golang type says
// (syft's SPDX decoder does, through packageurl-go; its CycloneDX decoder
// keeps the module path's case, as we write it).
func canon(purl string) string {
	if i := strings.IndexAny(purl, "?#"); i >= 0 {
		purl = purl[:i]
	}
	if rest, ok := strings.CutPrefix(purl, "pkg:golang/"); ok {
		name, version, _ := strings.Cut(rest, "@")
		if v, err := url.PathUnescape(version); err == nil {
			version = v // syft's SPDX decoder writes "+incompatible" as "%2Bincompatible"
		}
		purl = "pkg:golang/" + strings.ToLower(name) + "@" + version
	}
	return purl
}

// ids splits license values into license ids: "A AND B" (how both
// formats write a module with several detected licenses) is A and B.
func ids(values []string) []string {
	var out []string
	for _, v := range values {
		v = strings.NewReplacer("(", " ", ")", " ").Replace(v)
		for _, id := range strings.Fields(v) {
			if id != "AND" {
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func readSyft(path string) (map[string]seen, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Artifacts []struct {
			Version  string `json:"version"`
			PURL     string `json:"purl"`
			Licenses []struct {
				Value          string `json:"value"`
				SPDXExpression string `json:"spdxExpression"`
			} `json:"licenses"`
			Metadata struct {
				H1Digest string `json:"h1Digest"`
				Digests  []struct {
					Algorithm string `json:"algorithm"`
					Value     string `json:"value"`
				} `json:"digests"`
			} `json:"metadata"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	out := map[string]seen{}
	for _, a := range doc.Artifacts {
		s := seen{version: a.Version, h1: a.Metadata.H1Digest}
		for _, l := range a.Licenses {
			v := l.SPDXExpression
			if v == "" {
				v = l.Value
			}
			s.licenses = append(s.licenses, v)
		}
		slices.Sort(s.licenses)
		s.licenses = slices.Compact(s.licenses)
		for _, d := range a.Metadata.Digests {
			if strings.EqualFold(strings.ReplaceAll(d.Algorithm, "-", ""), "sha256") {
				s.sha256 = strings.ToLower(d.Value)
			}
		}
		out[canon(a.PURL)] = s
	}
	return out, nil
}

func readGrype(path string) (map[string]seen, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]seen{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l struct {
			Version  string   `json:"version"`
			PURL     string   `json:"purl"`
			Licenses []string `json:"licenses"`
			H1       string   `json:"h1"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, err
		}
		s := seen{version: l.Version, h1: l.H1, licenses: slices.Clone(l.Licenses)}
		slices.Sort(s.licenses)
		s.licenses = slices.Compact(s.licenses)
		out[canon(l.PURL)] = s
	}
	return out, sc.Err()
}
