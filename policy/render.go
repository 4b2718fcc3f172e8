package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Text renders the decision for a person: the verdict, then the finding
// tree, one rule per line, indented by depth, with what each found and
// wanted. A plain allow that Decide did not explain is one line.
func (d *Decision) Text() string {
	var b strings.Builder
	verdict := "DENY"
	if d.Allowed {
		verdict = "ALLOW"
	}
	name := d.Policy
	if d.Version != "" {
		name += " " + d.Version
	}
	fmt.Fprintf(&b, "%s policy %q", verdict, name)
	// SHA-256 when there is one: the digest people compare.
	if sha, ok := d.Artifact["sha256"]; ok {
		fmt.Fprintf(&b, " for sha256:%s", sha)
	} else if alg := d.Artifact.Strongest(); alg != "" {
		fmt.Fprintf(&b, " for %s:%s", alg, d.Artifact[string(alg)])
	} else if len(d.Artifact) > 0 {
		algs := make([]string, 0, len(d.Artifact))
		for a := range d.Artifact {
			algs = append(algs, a)
		}
		sort.Strings(algs)
		fmt.Fprintf(&b, " for %s:%s", algs[0], d.Artifact[algs[0]])
	}
	if d.Warnings {
		b.WriteString(" (with warnings)")
	}
	b.WriteString("\n")
	if d.Explained {
		writeFinding(&b, &d.Finding, 1)
	}
	return b.String()
}

func writeFinding(b *strings.Builder, f *Finding, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	mark := map[Outcome]string{Pass: "pass", Fail: "FAIL", Error: "ERROR"}[f.Outcome]
	if f.Severity == Warn && f.Outcome != Pass {
		mark = "WARN"
	}
	fmt.Fprintf(b, "[%s] %s", mark, f.Rule)
	if f.Message != "" {
		fmt.Fprintf(b, ": %s", f.Message)
	}
	if f.Path != "" {
		fmt.Fprintf(b, " (%s)", f.Path)
	}
	if !f.Attestation.IsZero() {
		fmt.Fprintf(b, " attestation %s", shortDigest(f.Attestation))
	}
	if f.Outcome != Pass {
		switch {
		case f.Error != "":
			fmt.Fprintf(b, ": %s", f.Error)
		case f.Got != "":
			fmt.Fprintf(b, ": got %s, want %s", f.Got, f.Want)
		case f.Want != "" && len(f.Children) == 0:
			fmt.Fprintf(b, ": want %s", f.Want)
		}
		if f.Remediation != "" {
			fmt.Fprintf(b, "; to fix: %s", f.Remediation)
		}
	}
	b.WriteString("\n")
	for i := range f.Children {
		writeFinding(b, &f.Children[i], depth+1)
	}
}
