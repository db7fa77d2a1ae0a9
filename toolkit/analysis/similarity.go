package analysis

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// CellSimilarity compares the entries of two cells: Edges counts the edges (intermediate node,
// input state) both cells use, Ops the (edge, operation) pairs both use, each matched as a
// multiset; Entries is the number of entries of a cell (8 in DARTS).
type CellSimilarity struct {
	Edges, Ops, Entries int
}

// EdgeFraction returns Edges/Entries (1: the same topology).
func (c CellSimilarity) EdgeFraction() float64 { return float64(c.Edges) / float64(c.Entries) }

// OpFraction returns Ops/Entries (1: the same cell).
func (c CellSimilarity) OpFraction() float64 { return float64(c.Ops) / float64(c.Entries) }

// Similarity compares the normal and the reduction cells of two genotypes.
type Similarity struct {
	Normal, Reduce CellSimilarity
}

// String formats s as "normal 6/8 edges 4/8 ops, reduce 2/8 edges 1/8 ops".
func (s Similarity) String() string {
	return fmt.Sprintf("normal %d/%d edges %d/%d ops, reduce %d/%d edges %d/%d ops",
		s.Normal.Edges, s.Normal.Entries, s.Normal.Ops, s.Normal.Entries,
		s.Reduce.Edges, s.Reduce.Entries, s.Reduce.Ops, s.Reduce.Entries)
}

// CompareCells counts the edges and (edge, operation) pairs two cells share. Entry k of a cell
// feeds intermediate node k/2. The cells must have the same number of entries.
func CompareCells(a, b []searchspace.OpInput) (CellSimilarity, error) {
	if len(a) != len(b) || len(a) == 0 {
		return CellSimilarity{}, fmt.Errorf("analysis: compare cells of %d and %d entries: want the same, non-zero number", len(a), len(b))
	}
	type edge struct{ node, input int }
	type edgeOp struct {
		edge
		op string
	}
	edges, ops := map[edge]int{}, map[edgeOp]int{}
	for k, o := range a {
		e := edge{k / 2, o.Input}
		edges[e]++
		ops[edgeOp{e, o.Op}]++
	}
	s := CellSimilarity{Entries: len(a)}
	for k, o := range b {
		e := edge{k / 2, o.Input}
		if edges[e] > 0 {
			edges[e]--
			s.Edges++
		}
		if eo := (edgeOp{e, o.Op}); ops[eo] > 0 {
			ops[eo]--
			s.Ops++
		}
	}
	return s, nil
}

// Compare returns the similarity of the normal and the reduction cells of a and b.
func Compare(a, b searchspace.Genotype) (Similarity, error) {
	n, err := CompareCells(a.Normal, b.Normal)
	if err != nil {
		return Similarity{}, fmt.Errorf("normal cell: %w", err)
	}
	r, err := CompareCells(a.Reduce, b.Reduce)
	if err != nil {
		return Similarity{}, fmt.Errorf("reduction cell: %w", err)
	}
	return Similarity{Normal: n, Reduce: r}, nil
}

// PairwiseSimilarity compares every pair of gs: the result's [i][j] (i < j) is Compare(gs[i],
// gs[j]); the diagonal and lower triangle are zero values.
func PairwiseSimilarity(gs []searchspace.Genotype) ([][]Similarity, error) {
	out := make([][]Similarity, len(gs))
	for i := range gs {
		out[i] = make([]Similarity, len(gs))
		for j := i + 1; j < len(gs); j++ {
			s, err := Compare(gs[i], gs[j])
			if err != nil {
				return nil, fmt.Errorf("genotypes %d and %d: %w", i, j, err)
			}
			out[i][j] = s
		}
	}
	return out, nil
}
