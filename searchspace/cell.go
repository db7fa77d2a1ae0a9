package searchspace

import "fmt"

// Edge is one edge of a DARTS-style cell: it feeds intermediate node Node (0-based) from
// state Input, where states 0 and 1 are the two cell inputs c_{k-2} and c_{k-1} and state
// 2+i is intermediate node i.
type Edge struct {
	Node  int
	Input int
}

// CellSpace is a DARTS-style cell search space: Inputs input states, Steps intermediate nodes
// each fed by an edge from every earlier state, and the candidate operations of each edge.
//
// The edges are ordered as in quark0/darts: for node i in 0..Steps-1, for input j in
// 0..Inputs+i-1. That order is the row order of α, and the column order of an edge's row is
// the order of OpsOn(edge).
type CellSpace struct {
	// Name identifies the space in messages ("darts", "robust_darts_s2", ...).
	Name string
	// Inputs is the number of input states (2 in DARTS).
	Inputs int
	// Steps is the number of intermediate nodes (4 in DARTS).
	Steps int
	// Ops is the operation vocabulary, shared by every edge unless EdgeOps is set.
	Ops []string
	// EdgeOps, when not nil, gives each edge (in edge order) its own list of allowed
	// operations (RobustDARTS S1–S4 style).
	EdgeOps [][]string
	// ReduceEdgeOps, when not nil, gives the edges of the reduction cell their own lists
	// (RobustDARTS S1 has one set for normal cells and another for reduction cells); nil means
	// the reduction cell uses the same operations as the normal cell. ForCell(true) returns the
	// reduction cell's view.
	ReduceEdgeOps [][]string
}

// ForCell returns the space as seen by one kind of cell: for the reduction cell of a space
// with ReduceEdgeOps, a copy whose EdgeOps are the reduction lists; otherwise s itself. The
// result has no ReduceEdgeOps, so OpsOn, NumEdges and the derivation rules apply to it
// directly.
func (s CellSpace) ForCell(reduction bool) CellSpace {
	if reduction && s.ReduceEdgeOps != nil {
		s.EdgeOps = s.ReduceEdgeOps
	}
	s.ReduceEdgeOps = nil
	return s
}

// OpsOnCell returns the candidate operations of edge e of the normal (reduction false) or
// reduction cell: ForCell(reduction).OpsOn(e).
func (s CellSpace) OpsOnCell(reduction bool, e int) []string {
	return s.ForCell(reduction).OpsOn(e)
}

// DARTSSpace returns the DARTS cell space of quark0/darts: 2 inputs, 4 intermediate nodes,
// 14 edges, the eight DARTSOps on every edge.
func DARTSSpace() CellSpace {
	return CellSpace{Name: "darts", Inputs: 2, Steps: 4, Ops: DARTSOps()}
}

// WithEdgeOps returns a copy of s in which edge e may only use edgeOps[e] (in both kinds of
// cell, unless WithReduceEdgeOps follows). It checks that there is one non-empty list per edge
// and that every name is a known cell operation.
func (s CellSpace) WithEdgeOps(edgeOps [][]string) (CellSpace, error) {
	cp, err := s.copyEdgeOps(edgeOps)
	if err != nil {
		return CellSpace{}, err
	}
	s.EdgeOps = cp
	return s, nil
}

// WithReduceEdgeOps returns a copy of s in which edge e of the reduction cell may only use
// edgeOps[e], with the same checks as WithEdgeOps.
func (s CellSpace) WithReduceEdgeOps(edgeOps [][]string) (CellSpace, error) {
	cp, err := s.copyEdgeOps(edgeOps)
	if err != nil {
		return CellSpace{}, fmt.Errorf("reduction cell: %w", err)
	}
	s.ReduceEdgeOps = cp
	return s, nil
}

func (s CellSpace) copyEdgeOps(edgeOps [][]string) ([][]string, error) {
	if len(edgeOps) != s.NumEdges() {
		return nil, fmt.Errorf("searchspace: %d per-edge op lists for a space with %d edges", len(edgeOps), s.NumEdges())
	}
	cp := make([][]string, len(edgeOps))
	for e, ops := range edgeOps {
		if len(ops) == 0 {
			return nil, fmt.Errorf("searchspace: edge %d has no allowed operation", e)
		}
		if err := checkOps(ops); err != nil {
			return nil, fmt.Errorf("searchspace: edge %d: %w", e, err)
		}
		cp[e] = append([]string(nil), ops...)
	}
	return cp, nil
}

// RobustDARTSSpace returns the RobustDARTS reduced spaces S1–S4 (n = 1..4) of Zela et al.,
// "Understanding and Robustifying Differentiable Architecture Search" (ICLR 2020), on the
// DARTS cell topology: S1 has on each edge the two operations of the published per-edge lists
// (RobustDARTSS1Normal, RobustDARTSS1Reduce: one list for normal cells, another for
// reduction cells); S2, S3 and S4 have {skip_connect, sep_conv_3x3}, {none, skip_connect,
// sep_conv_3x3} and {noise, sep_conv_3x3} on every edge of both cells, in that column order
// (the order of automl/RobustDARTS src/spaces.py).
func RobustDARTSSpace(n int) (CellSpace, error) {
	var ops []string
	switch n {
	case 1:
		s := CellSpace{Name: "robust_darts_s1", Inputs: 2, Steps: 4, Ops: DARTSOps()}
		s, err := s.WithEdgeOps(RobustDARTSS1Normal())
		if err != nil {
			return CellSpace{}, err
		}
		return s.WithReduceEdgeOps(RobustDARTSS1Reduce())
	case 2:
		ops = []string{OpSkipConnect, OpSepConv3x3}
	case 3:
		ops = []string{OpNone, OpSkipConnect, OpSepConv3x3}
	case 4:
		ops = []string{OpNoise, OpSepConv3x3}
	default:
		return CellSpace{}, fmt.Errorf("searchspace: RobustDARTS space S%d: want 1, 2, 3 or 4", n)
	}
	return CellSpace{Name: fmt.Sprintf("robust_darts_s%d", n), Inputs: 2, Steps: 4, Ops: ops}, nil
}

// NumEdges returns the number of edges, Steps*Inputs + Steps*(Steps-1)/2 (14 for DARTS).
func (s CellSpace) NumEdges() int {
	return s.Steps*s.Inputs + s.Steps*(s.Steps-1)/2
}

// Edges returns the edges in quark0/darts order.
func (s CellSpace) Edges() []Edge {
	edges := make([]Edge, 0, s.NumEdges())
	for i := 0; i < s.Steps; i++ {
		for j := 0; j < s.Inputs+i; j++ {
			edges = append(edges, Edge{Node: i, Input: j})
		}
	}
	return edges
}

// EdgeIndex returns the position in edge order of the edge feeding node from input, or -1 if
// there is no such edge.
func (s CellSpace) EdgeIndex(node, input int) int {
	if node < 0 || node >= s.Steps || input < 0 || input >= s.Inputs+node {
		return -1
	}
	// Nodes before `node` own Inputs+0, Inputs+1, ... edges.
	return node*s.Inputs + node*(node-1)/2 + input
}

// OpsOn returns the candidate operations of edge e (column order of its α row).
func (s CellSpace) OpsOn(e int) []string {
	if s.EdgeOps != nil && e >= 0 && e < len(s.EdgeOps) {
		return s.EdgeOps[e]
	}
	return s.Ops
}

// Validate checks the space: positive sizes, a known vocabulary and, if set, one op list per
// edge.
func (s CellSpace) Validate() error {
	if s.ReduceEdgeOps != nil {
		if err := s.ForCell(false).Validate(); err != nil {
			return err
		}
		if err := s.ForCell(true).Validate(); err != nil {
			return fmt.Errorf("reduction cell: %w", err)
		}
		return nil
	}
	if s.Inputs < 1 || s.Steps < 1 {
		return fmt.Errorf("searchspace: space %q: inputs %d and steps %d must be positive", s.Name, s.Inputs, s.Steps)
	}
	if s.EdgeOps == nil {
		if len(s.Ops) == 0 {
			return fmt.Errorf("searchspace: space %q has no operations", s.Name)
		}
		if err := checkOps(s.Ops); err != nil {
			return fmt.Errorf("searchspace: space %q: %w", s.Name, err)
		}
		return nil
	}
	if len(s.EdgeOps) != s.NumEdges() {
		return fmt.Errorf("searchspace: space %q: %d per-edge op lists for %d edges", s.Name, len(s.EdgeOps), s.NumEdges())
	}
	for e, ops := range s.EdgeOps {
		if len(ops) == 0 {
			return fmt.Errorf("searchspace: space %q: edge %d has no operation", s.Name, e)
		}
		if err := checkOps(ops); err != nil {
			return fmt.Errorf("searchspace: space %q: edge %d: %w", s.Name, e, err)
		}
	}
	return nil
}

func checkOps(ops []string) error {
	seen := map[string]bool{}
	for _, op := range ops {
		if !IsCellOp(op) {
			return fmt.Errorf("unknown operation %q", op)
		}
		if seen[op] {
			return fmt.Errorf("operation %q listed twice", op)
		}
		seen[op] = true
	}
	return nil
}
