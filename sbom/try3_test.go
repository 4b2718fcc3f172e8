package sbom

import (
	"context"
	"os"
	"testing"
	"time"
	"fmt"
)

func TestTryGen(t *testing.T) {
	dir := os.Getenv("GENDIR")
	if dir == "" { t.Skip() }
	for _, mode := range []Mode{ModeModule, ModePackages} {
		t0 := time.Now()
		opts := []Option{WithMode(mode)}
		if mode == ModePackages { opts = append(opts, WithMain(os.Getenv("GENMAIN"))) }
		d, err := FromModule(context.Background(), dir, opts...)
		if err != nil { t.Fatal(err) }
		el := time.Since(t0)
		nl := 0
		for _, c := range d.Components { if len(c.Licenses) > 0 { nl++ } }
		b, loss, err := Marshal(d, CycloneDX16JSON)
		if err != nil { t.Fatal(err) }
		fmt.Println(mode, el, len(d.Components), "licensed", nl, "edges", len(d.Edges), len(b), loss)
		os.WriteFile(fmt.Sprintf("/tmp/gen-%d.cdx.json", mode), b, 0o644)
	}
}
