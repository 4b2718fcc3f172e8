package sbom

import "slices"

// Graph walks never recurse: a Go stack overflow cannot be recovered, and
// an attacker controls the depth of a dependency chain (SECURITY.md C92).

// adjacency returns the dependsOn edges as sorted adjacency lists.
func (d *Document) adjacency() map[string][]string {
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

// Cycles returns dependency cycles (EdgeDependsOn), each as the list of
// IDs on the cycle with the first repeated at the end, at most max of
// them (max <= 0 means 100). It finds at least one cycle whenever the
// graph has any, in time linear in the graph, without recursion.
func (d *Document) Cycles(max int) [][]string {
	if max <= 0 {
		max = 100
	}
	adj := d.adjacency()
	nodes := make([]string, 0, len(adj))
	for n := range adj {
		nodes = append(nodes, n)
	}
	slices.Sort(nodes)
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var out [][]string
	type frame struct {
		node string
		next int
	}
	for _, start := range nodes {
		if color[start] != white {
			continue
		}
		stack := []frame{{start, 0}}
		color[start] = grey
		for len(stack) > 0 && len(out) < max {
			top := &stack[len(stack)-1]
			succ := adj[top.node]
			if top.next >= len(succ) {
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

// Path returns a shortest dependsOn path from one component to another
// (both IDs included), or nil when to is not reachable: "which direct
// dependency pulled this module in".
func (d *Document) Path(from, to string) []string {
	adj := d.adjacency()
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

// Reachable returns the IDs reachable from the given one through
// dependsOn edges (itself excluded), sorted.
func (d *Document) Reachable(from string) []string {
	adj := d.adjacency()
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
