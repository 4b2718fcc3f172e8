package sbom

import (
	"fmt"
	"slices"
	"strings"
)

// LossReport lists what a conversion could not carry from the source
// document into the target format. An empty report means nothing the
// model or the source held was dropped.
type LossReport struct {
	From, To Format
	// Lost lists each kind of dropped information once, sorted by Field.
	Lost []Loss
}

// Loss is one kind of dropped information.
type Loss struct {
	// Field names what was dropped: a model field ("relationship:GENERATED_FROM"),
	// a source-format field ("components[].pedigree"), or a CycloneDX JSON
	// path dropped by a version down-conversion.
	Field string
	// Reason says why.
	Reason string
	// Count is how many times it was dropped.
	Count int
}

// Empty reports whether nothing was lost.
func (r *LossReport) Empty() bool { return r == nil || len(r.Lost) == 0 }

// String lists the losses, one per line.
func (r *LossReport) String() string {
	if r.Empty() {
		return "nothing lost"
	}
	var b strings.Builder
	for _, l := range r.Lost {
		fmt.Fprintf(&b, "%s (%d): %s\n", l.Field, l.Count, l.Reason)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (r *LossReport) add(field, reason string) {
	if r == nil {
		return
	}
	i, found := slices.BinarySearchFunc(r.Lost, field, func(l Loss, f string) int { return strings.Compare(l.Field, f) })
	if found {
		r.Lost[i].Count++
		return
	}
	r.Lost = slices.Insert(r.Lost, i, Loss{Field: field, Reason: reason, Count: 1})
}
