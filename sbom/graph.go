package sbom

import (
	"slices"
	"strings"
)

// Graph walks never recurse: a Go stack overflow cannot be recovered, and
// an attacker controls the depth of a dependency chain (SECURITY.md C92).
// They run on depGraph, the dependsOn edges with every ID interned once
// as an integer, so a walk costs slices of integers rather than maps of
// strings: linear in the graph, in time and memory.

// depGraph is the dependsOn graph in compressed sparse row form: the
// successors of node i are succ[off[i]:off[i+1]], sorted and without
// repeats. Nodes are numbered in the sorted order of their IDs, so the
// order of a walk over integers is the order of the same walk over IDs.
type depGraph struct {
	names []string         // node -> ID, sorted
	index map[string]int32 // ID -> node
	off   []int32          // len(names)+1 offsets into succ
	succ  []int32
}

// graph builds the dependsOn graph of d: each ID looked up once per edge
// end, the unique IDs sorted, and the edges bucketed by their source
// (a counting sort), so that only each node's successors are sorted.
// With sourcesOnly, edges into an ID that has no edges of its own are
// left out (such an ID lies on no cycle): the graph of Cycles.
func (d *Document) graph(sourcesOnly bool) *depGraph {
	first := map[string]int32{} // ID -> number in order of appearance
	var seen []string
	id := func(s string) int32 {
		if i, ok := first[s]; ok {
			return i
		}
		i := int32(len(seen))
		first[s] = i
		seen = append(seen, s)
		return i
	}
	type edge struct{ from, to int32 }
	var edges []edge
	lastFrom, lastID := "", int32(-1) // edges come grouped by source
	if sourcesOnly {
		// Every source first, so that an edge's target is known to
		// have edges of its own however the edges are ordered.
		for _, e := range d.Edges {
			if e.Kind == EdgeDependsOn && (lastID < 0 || e.From != lastFrom) {
				lastFrom, lastID = e.From, id(e.From)
			}
		}
		lastID = -1
	}
	for _, e := range d.Edges {
		if e.Kind != EdgeDependsOn {
			continue
		}
		if lastID < 0 || e.From != lastFrom {
			lastFrom, lastID = e.From, id(e.From)
		}
		to, ok := first[e.To]
		if !ok {
			if sourcesOnly {
				continue
			}
			to = id(e.To)
		}
		edges = append(edges, edge{lastID, to})
	}
	// Number the nodes in ID order.
	order := make([]int32, len(seen))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(seen[a], seen[b]) })
	rank := make([]int32, len(seen))
	g := &depGraph{names: make([]string, len(seen)), index: first, off: make([]int32, len(seen)+1)}
	for r, i := range order {
		rank[i] = int32(r)
		g.names[r] = seen[i]
	}
	for s, i := range first {
		first[s] = rank[i]
	}
	// Bucket the edges by source, then sort and deduplicate each bucket.
	for _, e := range edges {
		g.off[rank[e.from]+1]++
	}
	for i := range g.names {
		g.off[i+1] += g.off[i]
	}
	succ := make([]int32, len(edges))
	pos := slices.Clone(g.off[:len(g.names)])
	for _, e := range edges {
		f := rank[e.from]
		succ[pos[f]] = rank[e.to]
		pos[f]++
	}
	w := int32(0)
	for n := range g.names {
		b := succ[g.off[n]:g.off[n+1]]
		slices.Sort(b)
		b = slices.Compact(b)
		g.off[n] = w
		w += int32(copy(succ[w:], b))
	}
	g.off[len(g.names)] = w
	g.succ = succ[:w]
	return g
}

func (g *depGraph) successors(n int32) []int32 { return g.succ[g.off[n]:g.off[n+1]] }

// node returns the node of an ID, or -1 for an ID with no dependsOn edge.
func (g *depGraph) node(id string) int32 {
	if i, ok := g.index[id]; ok {
		return i
	}
	return -1
}

// Cycles returns dependency cycles (EdgeDependsOn), each as the list of
// IDs on the cycle with the first repeated at the end, at most max of
// them (max <= 0 means 100). It finds at least one cycle whenever the
// graph has any, in time linear in the graph, without recursion.
func (d *Document) Cycles(max int) [][]string {
	if max <= 0 {
		max = 100
	}
	g := d.graph(true)
	const (
		white = iota
		grey
		black
	)
	color := make([]uint8, len(g.names))
	var out [][]string
	type frame struct{ node, next int32 }
	var stack []frame
	for start := range int32(len(g.names)) {
		if color[start] != white || g.off[start] == g.off[start+1] {
			continue // done, or a node without successors: no cycle starts here
		}
		stack = append(stack[:0], frame{start, 0})
		color[start] = grey
		for len(stack) > 0 && len(out) < max {
			top := &stack[len(stack)-1]
			succ := g.successors(top.node)
			if int(top.next) >= len(succ) {
				color[top.node] = black
				stack = stack[:len(stack)-1]
				continue
			}
			n := succ[top.next]
			top.next++
			switch color[n] {
			case white:
				color[n] = grey
				stack = append(stack, frame{n, 0})
			case grey:
				// Back edge: the cycle is the stack from n to the top.
				var cyc []string
				for i := len(stack) - 1; i >= 0; i-- {
					cyc = append(cyc, g.names[stack[i].node])
					if stack[i].node == n {
						break
					}
				}
				slices.Reverse(cyc)
				out = append(out, append(cyc, g.names[n]))
			}
		}
		if len(out) >= max {
			break
		}
	}
	return out
}

// Path returns a shortest dependsOn path from one component to another
// (both IDs included), or nil when to is not reachable: "which direct
// dependency pulled this module in".
func (d *Document) Path(from, to string) []string {
	if from == to {
		return []string{from}
	}
	g := d.graph(false)
	src, dst := g.node(from), g.node(to)
	if src < 0 || dst < 0 {
		return nil
	}
	prev := make([]int32, len(g.names))
	for i := range prev {
		prev[i] = -1
	}
	prev[src] = src
	queue := []int32{src}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == dst {
			var path []string
			for x := dst; ; x = prev[x] {
				path = append(path, g.names[x])
				if x == src {
					break
				}
			}
			slices.Reverse(path)
			return path
		}
		for _, s := range g.successors(n) {
			if prev[s] < 0 {
				prev[s] = n
				queue = append(queue, s)
			}
		}
	}
	return nil
}

// Reachable returns the IDs reachable from the given one through
// dependsOn edges (itself excluded), sorted.
func (d *Document) Reachable(from string) []string {
	g := d.graph(false)
	src := g.node(from)
	if src < 0 {
		return nil
	}
	seen := make([]bool, len(g.names))
	seen[src] = true
	stack := []int32{src}
	var found []int32
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, s := range g.successors(n) {
			if !seen[s] {
				seen[s] = true
				found = append(found, s)
				stack = append(stack, s)
			}
		}
	}
	slices.Sort(found) // node order is ID order
	out := make([]string, len(found))
	for i, n := range found {
		out[i] = g.names[n]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
