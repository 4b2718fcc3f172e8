package sbom

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// The walks over the interned graph are held to the plain walks over
// maps of strings that they replaced, on random graphs with cycles,
// self-loops, repeated edges and IDs with no edges.

func refAdjacency(d *Document) map[string][]string {
	adj := map[string][]string{}
	for _, e := range d.Edges {
		if e.Kind == EdgeDependsOn {
			adj[e.From] = append(adj[e.From], e.To)
		}
	}
	for k, v := range adj {
		slices.Sort(v)
		adj[k] = slices.Compact(v)
	}
	return adj
}

func refCycles(d *Document, max int) [][]string {
	adj := refAdjacency(d)
	nodes := make([]string, 0, len(adj))
	for n := range adj {
		nodes = append(nodes, n)
	}
	slices.Sort(nodes)
	color := map[string]int{}
	var out [][]string
	type frame struct {
		node string
		next int
	}
	for _, start := range nodes {
		if color[start] != 0 {
			continue
		}
		stack := []frame{{start, 0}}
		color[start] = 1
		for len(stack) > 0 && len(out) < max {
			top := &stack[len(stack)-1]
			succ := adj[top.node]
			if top.next >= len(succ) {
				color[top.node] = 2
				stack = stack[:len(stack)-1]
				continue
			}
			n := succ[top.next]
			top.next++
			switch color[n] {
			case 0:
				color[n] = 1
				stack = append(stack, frame{n, 0})
			case 1:
				var cyc []string
				for i := len(stack) - 1; i >= 0; i-- {
					cyc = append(cyc, stack[i].node)
					if stack[i].node == n {
						break
					}
				}
				slices.Reverse(cyc)
				out = append(out, append(cyc, n))
			}
		}
		if len(out) >= max {
			break
		}
	}
	return out
}

func refPath(d *Document, from, to string) []string {
	adj := refAdjacency(d)
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == to {
			var path []string
			for x := to; x != ""; x = prev[x] {
				path = append(path, x)
				if x == from {
					break
				}
			}
			slices.Reverse(path)
			return path
		}
		for _, s := range adj[n] {
			if _, seen := prev[s]; !seen {
				prev[s] = n
				queue = append(queue, s)
			}
		}
	}
	return nil
}

func refReachable(d *Document, from string) []string {
	adj := refAdjacency(d)
	seen := map[string]bool{from: true}
	stack := []string{from}
	var out []string
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, s := range adj[n] {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
				stack = append(stack, s)
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestGraphWalksMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		nodes := 1 + r.IntN(30)
		d := &Document{}
		for range r.IntN(80) {
			kind := EdgeDependsOn
			if r.IntN(6) == 0 {
				kind = EdgeContains
			}
			d.Edges = append(d.Edges, Edge{From: fmt.Sprintf("n%d", r.IntN(nodes)), To: fmt.Sprintf("n%d", r.IntN(nodes)), Kind: kind})
		}
		for _, max := range []int{1, 3, 100} {
			if got, want := d.Cycles(max), refCycles(d, max); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: Cycles(%d) = %v, want %v (edges %v)", round, max, got, want, d.Edges)
			}
		}
		for range 5 {
			from, to := fmt.Sprintf("n%d", r.IntN(nodes+2)), fmt.Sprintf("n%d", r.IntN(nodes+2))
			if got, want := d.Path(from, to), refPath(d, from, to); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: Path(%s, %s) = %v, want %v (edges %v)", round, from, to, got, want, d.Edges)
			}
			if got, want := d.Reachable(from), refReachable(d, from); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: Reachable(%s) = %v, want %v (edges %v)", round, from, got, want, d.Edges)
			}
		}
	}
}
