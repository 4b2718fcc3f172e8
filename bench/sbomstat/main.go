// Command sbomstat prints counts about an SBOM for bench/sbom.sh: Go
// components, Go components with an identified license, edges, hashes;
// and, with -golist FILE (go list -e -m all output), whether the SBOM's
// Go modules are exactly those.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/chainmail-dev/chainmail/sbom"
)

func main() {
	golist := flag.String("golist", "", "go list -e -m all output to compare with")
	flag.Parse()
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d, err := sbom.Decode(f)
	f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	goComps, licensed, hashed := 0, 0, 0
	mods := map[string]string{}
	for _, c := range d.Components {
		if !strings.HasPrefix(c.PURL, "pkg:golang/") {
			continue
		}
		goComps++
		if c.Name != "stdlib" && c.PURL != "" && (d.Root() == nil || c.ID != d.Root().ID) {
			mods[c.Name] = c.Version
		}
		if len(c.Hashes) > 0 {
			hashed++
		}
		if identified(c) {
			licensed++
		}
	}
	fmt.Printf("components=%d go=%d go_licensed=%d go_hashed=%d edges=%d\n", len(d.Components), goComps, licensed, hashed, len(d.Edges))
	if *golist == "" {
		return
	}
	b, err := os.ReadFile(*golist)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	want := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	first := true
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if first {
			first = false
			continue
		}
		if len(fs) >= 2 {
			want[fs[0]] = fs[1]
		}
	}
	var diff []string
	for p, v := range want {
		if mods[p] != v {
			diff = append(diff, fmt.Sprintf("missing %s %s", p, v))
		}
	}
	for p, v := range mods {
		if want[p] != v {
			diff = append(diff, fmt.Sprintf("extra %s %s", p, v))
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		fmt.Printf("golist=MISMATCH (%d of %d): %s\n", len(diff), len(want), strings.Join(diff[:min(5, len(diff))], "; "))
		os.Exit(1)
	}
	fmt.Printf("golist=exact (%d modules)\n", len(want))
}

// identified reports whether a component has a license with at least one
// SPDX license-list identifier (not only unidentified LicenseRefs).
func identified(c *sbom.Component) bool {
	for _, l := range c.Licenses {
		for _, tok := range strings.FieldsFunc(l.Expression, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
			if _, ok := sbom.CanonicalLicenseID(strings.TrimSuffix(tok, "+")); ok {
				return true
			}
		}
	}
	return false
}
