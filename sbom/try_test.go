package sbom

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestTryValidate(t *testing.T) {
	for _, e := range loadCorpusIndex(t) {
		valid := strings.HasPrefix(e.Expected, "expected-valid")
		invalid := strings.HasPrefix(e.Expected, "expected-INVALID")
		if !valid && !invalid {
			continue
		}
		rep, err := Validate(context.Background(), bytes.NewReader(readCorpus(t, e.Path)), ValidateOptions{})
		if valid && err != nil {
			n := 0
			if rep != nil {
				n = len(rep.Issues)
			}
			t.Errorf("%s: %v (%d)", e.Path, err, n)
		}
		if invalid && err == nil {
			t.Errorf("%s: accepted", e.Path)
		}
		if valid && rep != nil {
			for _, i := range rep.Issues {
				t.Logf("%s: %s", e.Path, i)
			}
		}
	}
}
