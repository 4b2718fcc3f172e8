// Command vulndiff compares the findings of examples/scan (-format json)
// with govulncheck's (-json) on the same input, for bench/vuln.sh: as
// sets of "ID module@version" pairs, and for a binary also which findings
// each says have vulnerable code linked (govulncheck: a finding whose
// trace names a function; ours: SymbolCheck.Linked). It prints the counts
// and every difference; the exit status is 1 when the sets differ.
//
//	vulndiff -ours OURS.json -govulncheck GOVULNCHECK.json
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	oursPath := flag.String("ours", "", "examples/scan -format json output")
	govPath := flag.String("govulncheck", "", "govulncheck -json output")
	flag.Parse()
	ours, oursLinked, err := readOurs(*oursPath)
	if err != nil {
		fail(err)
	}
	gov, govLinked, govIDs, err := readGovulncheck(*govPath)
	if err != nil {
		fail(err)
	}
	status := 0
	report := func(what string, a, b map[string]bool) {
		onlyA, onlyB := diff(a, b), diff(b, a)
		fmt.Printf("%s: ours %d, govulncheck %d, both %d\n", what, len(a), len(b), len(a)-len(onlyA))
		for _, k := range onlyA {
			fmt.Println("  only ours:        " + k)
		}
		for _, k := range onlyB {
			fmt.Println("  only govulncheck: " + k)
		}
		if len(onlyA)+len(onlyB) > 0 {
			status = 1
		}
	}
	if len(gov) == 0 && len(govIDs) > 0 {
		// Query mode names no module per entry (all progress messages
		// come first, then each entry once): compare the ids.
		oursIDs := map[string]bool{}
		for k := range ours {
			id, _, _ := strings.Cut(k, " ")
			oursIDs[id] = true
		}
		report("vulnerability ids (query mode)", oursIDs, govIDs)
		os.Exit(status)
	}
	report("findings (id module@version)", ours, gov)
	if len(govLinked) > 0 || len(oursLinked) > 0 {
		report("with vulnerable code linked", oursLinked, govLinked)
	}
	os.Exit(status)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "vulndiff:", err)
	os.Exit(2)
}

func diff(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// goVersion writes a version as govulncheck does ("v1.2.3"; the standard
// library as "v1.26.8").
func goVersion(v string) string {
	v = strings.TrimPrefix(v, "go")
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	return v
}

func readOurs(path string) (all, linked map[string]bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var rep struct {
		Findings []struct {
			ID     string `json:"id"`
			Target struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"target"`
			Symbols *struct {
				Known  bool     `json:"known"`
				Linked []string `json:"linked"`
			} `json:"symbols"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, nil, err
	}
	all, linked = map[string]bool{}, map[string]bool{}
	for _, f := range rep.Findings {
		k := f.ID + " " + f.Target.Name + "@" + goVersion(f.Target.Version)
		all[k] = true
		if f.Symbols != nil && len(f.Symbols.Linked) > 0 {
			linked[k] = true
		}
	}
	return all, linked, nil
}

// readGovulncheck reads govulncheck's JSON stream: the ids of its osv
// entries (all that query mode gives: every entry once, no module), and
// in binary mode its findings, whose trace's first frame names the module
// (and a function when vulnerable code is linked).
func readGovulncheck(path string) (all, linked, ids map[string]bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	all, linked, ids = map[string]bool{}, map[string]bool{}, map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var m struct {
			OSV *struct {
				ID string `json:"id"`
			} `json:"osv"`
			Finding *struct {
				OSV   string `json:"osv"`
				Trace []struct {
					Module   string `json:"module"`
					Version  string `json:"version"`
					Function string `json:"function"`
				} `json:"trace"`
			} `json:"finding"`
		}
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, nil, err
		}
		switch {
		case m.OSV != nil:
			ids[m.OSV.ID] = true
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			fr := m.Finding.Trace[0]
			k := m.Finding.OSV + " " + fr.Module + "@" + goVersion(fr.Version)
			all[k] = true
			if fr.Function != "" {
				linked[k] = true
			}
		}
	}
	return all, linked, ids, nil
}
