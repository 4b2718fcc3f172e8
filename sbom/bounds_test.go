package sbom

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chainmail-dev/chainmail/internal/limits"
)

// The documents at the bounds: the largest each total lets through
// (array elements in all, components, a dependency chain, the size cap),
// decoded in a child process whose peak resident memory is the measure
// (SECURITY.md's budget: 256 MiB). Times are logged, not asserted; run
//
//	go test ./sbom -run 'TestAdversarial_C9[23]|TestAdversarial_C102' -v
//
// to see them.

const rssBudget = 256 << 20

// boundDocs makes each document at a bound, as a file in dir.
var boundDocs = map[string]func(*strings.Builder){
	// Every dependency ref the element total allows: 10 entries of
	// 199,990 refs each plus one component (one document under the total).
	"refs at the element total": func(b *strings.Builder) {
		b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"a","bom-ref":"a"}],"dependencies":[`)
		per := limits.MaxSBOMComponents - 10
		entries := (limits.MaxSBOMElements - 20) / per
		for e := range entries {
			if e > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, `{"ref":"a%d","dependsOn":[`, e)
			for i := range per {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(b, `"r%d"`, i)
			}
			b.WriteString("]}")
		}
		b.WriteString("]}")
	},
	// As many components as the component bound allows.
	"components at the component bound": func(b *strings.Builder) {
		b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
		for i := range limits.MaxSBOMComponents - 1 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, `{"type":"library","name":"c%d","bom-ref":"c%d","version":"1.0.%d","purl":"pkg:golang/example.com/c%d@v1.0.%d"}`, i, i, i, i, i)
		}
		b.WriteString("]}")
	},
	// A dependency chain 10^5 long that closes into one cycle.
	"a 10^5 dependency chain": func(b *strings.Builder) {
		const n = 100_000
		b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, `{"type":"library","name":"c%d","bom-ref":"c%d"}`, i, i)
		}
		b.WriteString(`],"dependencies":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, `{"ref":"c%d","dependsOn":["c%d"]}`, i, (i+1)%n)
		}
		b.WriteString("]}")
	},
	// A document just under the size cap: 1,000 components with
	// long descriptions.
	"a document at the size cap": func(b *strings.Builder) {
		b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
		desc := strings.Repeat("x", limits.MaxSBOMBytes/1000-200)
		for i := range 1000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, `{"type":"library","name":"c%d","bom-ref":"c%d","description":"%s"}`, i, i, desc)
		}
		b.WriteString("]}")
	},
}

// TestBoundChild is the child process of boundRun; it does nothing in a
// plain test run.
func TestBoundChild(t *testing.T) {
	path, op := os.Getenv("CHAINMAIL_BOUND_DOC"), os.Getenv("CHAINMAIL_BOUND_OP")
	if path == "" {
		t.Skip("child of the bound tests only")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	switch op {
	case "decode":
		var d *Document
		if d, err = Decode(f); err == nil {
			fmt.Printf("components %d edges %d cycles %d\n", len(d.Components), len(d.Edges), len(d.Cycles(1)))
		}
	case "validate":
		_, err = Validate(context.Background(), f, ValidateOptions{})
		if errors.Is(err, ErrInvalid) {
			err = nil // a finding is a result
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("took %v\n", time.Since(start))
	// The peak of this process's own memory (VmHWM: rusage's maxrss
	// would also count the parent's, inherited across exec).
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc here")
	}
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			fmt.Printf("vmhwm %s\n", strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
}

// boundRun decodes (or validates) the document in a child process and
// returns its peak RSS in bytes and what it printed.
func boundRun(t *testing.T, path, op string) (int64, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBoundChild$", "-test.v")
	cmd.Env = append(os.Environ(), "CHAINMAIL_BOUND_DOC="+path, "CHAINMAIL_BOUND_OP="+op, "GOGC=100", "GOMEMLIMIT=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", op, err, out)
	}
	var lines []string
	kb := int64(-1)
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "took ") || strings.HasPrefix(l, "components ") {
			lines = append(lines, l)
		}
		if v, ok := strings.CutPrefix(l, "vmhwm "); ok {
			kb, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	if kb < 0 {
		t.Skip("the child could not read its peak memory")
	}
	return kb << 10, strings.Join(lines, "; ")
}

// testAtBound writes the named document and checks that decoding it stays
// within the memory budget.
func testAtBound(t *testing.T, name string) {
	if testing.Short() {
		t.Skip("writes documents of up to 100 MiB")
	}
	if raceEnabled {
		t.Skip("memory under the race detector is not the budget's; .ci/run's bounds step runs this without -race")
	}
	var b strings.Builder
	boundDocs[name](&b)
	if b.Len() > limits.MaxSBOMBytes {
		t.Fatalf("%s: %d bytes, over the size cap", name, b.Len())
	}
	path := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	size := b.Len()
	b = strings.Builder{}
	rss, info := boundRun(t, path, "decode")
	t.Logf("%s (%.1f MiB): decode peak RSS %.0f MiB; %s", name, float64(size)/(1<<20), float64(rss)/(1<<20), info)
	if rss > rssBudget {
		t.Errorf("%s: decode peak RSS %d MiB, budget %d MiB", name, rss>>20, rssBudget>>20)
	}
	rss, info = boundRun(t, path, "validate")
	t.Logf("%s: validate peak RSS %.0f MiB; %s", name, float64(rss)/(1<<20), info)
	if rss > 2*rssBudget {
		t.Errorf("%s: validate peak RSS %d MiB, budget %d MiB", name, rss>>20, 2*rssBudget>>20)
	}
}
