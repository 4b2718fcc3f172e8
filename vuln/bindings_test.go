package vuln

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ossf/osv-schema/bindings/go/osvschema"
	"google.golang.org/protobuf/encoding/protojson"
)

// The record parser is held to the OSV project's own Go bindings
// (github.com/ossf/osv-schema/bindings/go, protojson): the same records
// read, with the same ids, times, aliases, packages, ranges, events,
// versions and severities.

// bindingsView renders what the bindings read of a record, in the form
// oursView renders ours.
func bindingsView(v *osvschema.Vulnerability) string {
	var b strings.Builder
	// An absent time and the zero time read alike: ours cannot tell
	// them apart, and nothing here depends on the difference (the Go
	// database writes modified as 0001-01-01T00:00:00Z).
	ts := func(t interface{ AsTime() time.Time }, set bool) string {
		if !set || t.AsTime().IsZero() {
			return "-"
		}
		return t.AsTime().UTC().Format(time.RFC3339Nano)
	}
	fmt.Fprintf(&b, "id %s modified %s withdrawn %s aliases %v related %v\n", v.GetId(), ts(v.GetModified(), v.GetModified() != nil),
		ts(v.GetWithdrawn(), v.GetWithdrawn() != nil), v.GetAliases(), v.GetRelated())
	for _, s := range v.GetSeverity() {
		fmt.Fprintf(&b, "severity %s %s\n", s.GetType(), s.GetScore())
	}
	for _, a := range v.GetAffected() {
		p := a.GetPackage()
		fmt.Fprintf(&b, "affected %s %s %s versions %v\n", p.GetEcosystem(), p.GetName(), p.GetPurl(), a.GetVersions())
		for _, s := range a.GetSeverity() {
			fmt.Fprintf(&b, " severity %s %s\n", s.GetType(), s.GetScore())
		}
		for _, r := range a.GetRanges() {
			fmt.Fprintf(&b, " range %s %s\n", r.GetType(), r.GetRepo())
			for _, e := range r.GetEvents() {
				fmt.Fprintf(&b, "  event %q %q %q %q\n", e.GetIntroduced(), e.GetFixed(), e.GetLastAffected(), e.GetLimit())
			}
		}
	}
	return b.String()
}

func oursView(r *Record) string {
	var b strings.Builder
	ts := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	fmt.Fprintf(&b, "id %s modified %s withdrawn %s aliases %v related %v\n", r.ID, ts(&r.Modified), ts(r.Withdrawn), slices.Clip(r.Aliases), slices.Clip(r.Related))
	for _, s := range r.Severity {
		fmt.Fprintf(&b, "severity %s %s\n", s.Type, s.Score)
	}
	for _, a := range r.Affected {
		fmt.Fprintf(&b, "affected %s %s %s versions %v\n", a.Package.Ecosystem, a.Package.Name, a.Package.PURL, a.Versions)
		for _, s := range a.Severity {
			fmt.Fprintf(&b, " severity %s %s\n", s.Type, s.Score)
		}
		for _, rg := range a.Ranges {
			fmt.Fprintf(&b, " range %s %s\n", rg.Type, rg.Repo)
			for _, e := range rg.Events {
				fmt.Fprintf(&b, "  event %q %q %q %q\n", e.Introduced, e.Fixed, e.LastAffected, e.Limit)
			}
		}
	}
	return b.String()
}

func bindingsParse(data []byte) (*osvschema.Vulnerability, error) {
	var v osvschema.Vulnerability
	err := protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(data, &v)
	return &v, err
}

// TestRecordsMatchBindings: every real record in testdata reads the same
// through both.
func TestRecordsMatchBindings(t *testing.T) {
	paths, _ := filepath.Glob("testdata/osv/*.json")
	if len(paths) < 400 {
		t.Fatalf("%d records", len(paths))
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := ParseRecord(data)
		if err != nil {
			t.Fatalf("%s: ours: %v", p, err)
		}
		theirs, err := bindingsParse(data)
		if err != nil {
			t.Fatalf("%s: bindings: %v", p, err)
		}
		if a, b := oursView(ours), bindingsView(theirs); a != b {
			t.Fatalf("%s reads differently:\nours:\n%s\nbindings:\n%s", p, a, b)
		}
	}
}

// FuzzRecordsMatchBindings: a record both accept reads alike. (Each is
// stricter than the other somewhere: ours refuses duplicate and
// case-variant keys and events that set no or two versions; protojson
// refuses unknown enum values. Only agreement on what both accept is
// required.)
func FuzzRecordsMatchBindings(f *testing.F) {
	for _, s := range []string{recA, recB, recWithdrawn, recPyPI, recMaven} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ours, err := ParseRecord(data)
		if err != nil {
			return
		}
		theirs, err := bindingsParse(data)
		if err != nil {
			return
		}
		if a, b := oursView(ours), bindingsView(theirs); a != b {
			t.Fatalf("reads differently:\nours:\n%s\nbindings:\n%s", a, b)
		}
	})
}
