package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// Layout names the rows (edges) and columns (operations) of the mixing weights of a search.
type Layout struct {
	// Edges labels the edges, "i→j" (state i feeds state j), in α's row order.
	Edges []string
	// Ops is the union of the operations of all edges, in first-seen order: the columns of the
	// plots.
	Ops []string
	// EdgeOps lists each edge's own operations, in α's column order (equal to Ops in the
	// DARTS space).
	EdgeOps [][]string
	// MixName names the mixing weights as the search's method does ("softmax(α)",
	// "sigmoid(α)", "Dirichlet mean"); "mixing weight" when the log does not say.
	MixName string
}

// LayoutOf returns the layout given by the meta record of recs. Without a meta record, it
// guesses from the first mixing weights: the edges of a cell with 2 inputs (14 edges: DARTS),
// and DARTSOps when an edge has 8 weights (else "op0", "op1", ...).
func LayoutOf(recs []search.Record) (Layout, error) {
	for _, r := range search.Of[*search.MetaRecord](recs) {
		if len(r.Edges) > 0 {
			if len(r.Ops) != len(r.Edges) {
				return Layout{}, fmt.Errorf("report: meta record lists %d edges but %d operation lists", len(r.Edges), len(r.Ops))
			}
			l := Layout{Edges: slices.Clone(r.Edges), EdgeOps: make([][]string, len(r.Ops)), MixName: r.MixName}
			if l.MixName == "" {
				l.MixName = "mixing weight"
			}
			for e, ops := range r.Ops {
				if len(ops) == 0 {
					return Layout{}, fmt.Errorf("report: meta record: edge %s has no operation", r.Edges[e])
				}
				l.EdgeOps[e] = slices.Clone(ops)
				for _, op := range ops {
					if !slices.Contains(l.Ops, op) {
						l.Ops = append(l.Ops, op)
					}
				}
			}
			return l, nil
		}
	}
	for _, r := range recs {
		mix, _, _, _ := mixOf(r)
		if len(mix) == 0 {
			continue
		}
		n, k := len(mix), len(mix[0])
		l := Layout{Edges: guessEdges(n), MixName: "mixing weight"}
		if k == len(searchspace.DARTSOps()) {
			l.Ops = searchspace.DARTSOps()
		} else {
			for i := range k {
				l.Ops = append(l.Ops, fmt.Sprintf("op%d", i))
			}
		}
		for range n {
			l.EdgeOps = append(l.EdgeOps, l.Ops)
		}
		return l, nil
	}
	return Layout{}, nil
}

// guessEdges labels n edges as those of a cell with 2 inputs when n fits one (2, 5, 9, 14,
// 20, ... edges), else "e0", "e1", ...
func guessEdges(n int) []string {
	var out []string
	for to := 2; len(out) < n; to++ {
		for from := range to {
			out = append(out, fmt.Sprintf("%d→%d", from, to))
		}
	}
	if len(out) == n {
		return out
	}
	out = out[:0]
	for i := range n {
		out = append(out, fmt.Sprintf("e%d", i))
	}
	return out
}

// Snapshot is the mixing weights of both cells after a step, on the columns of a Layout (NaN
// where an edge lacks an operation). In a space with one α group (NAS-Bench-201's cell, a
// mobile space's blocks) Normal holds it and Reduce is nil.
type Snapshot struct {
	Step, Epoch    int
	Normal, Reduce [][]float64
}

// Snapshots returns the mixing weights recorded in recs (step and epoch records that carry
// them), one per step in step order (an epoch record replaces the step record of its step).
// It returns an error when a record's weights do not fit the layout.
func Snapshots(recs []search.Record, l Layout) ([]Snapshot, error) {
	var out []Snapshot
	for i, r := range recs {
		mixNormal, mixReduce, step, epoch := mixOf(r)
		if len(mixNormal) == 0 && len(mixReduce) == 0 {
			continue
		}
		n, err := onColumns(mixNormal, l)
		if err != nil {
			return nil, fmt.Errorf("report: record %d (%s, step %d): normal cell: %w", i+1, r.Kind(), step, err)
		}
		var red [][]float64
		if len(mixReduce) > 0 { // a space with one α group (NAS-Bench-201, mobile) has none
			if red, err = onColumns(mixReduce, l); err != nil {
				return nil, fmt.Errorf("report: record %d (%s, step %d): reduction cell: %w", i+1, r.Kind(), step, err)
			}
		}
		s := Snapshot{Step: step, Epoch: epoch, Normal: n, Reduce: red}
		if k := len(out); k > 0 && out[k-1].Step == step {
			out[k-1] = s
			continue
		}
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b Snapshot) int { return a.Step - b.Step })
	return out, nil
}

// onColumns places the rows of w (one per edge, in the edge's own operation order) on the
// layout's columns.
func onColumns(w [][]float32, l Layout) ([][]float64, error) {
	if len(w) != len(l.Edges) {
		return nil, fmt.Errorf("%d rows of weights for %d edges", len(w), len(l.Edges))
	}
	out := make([][]float64, len(w))
	for e, row := range w {
		ops := l.EdgeOps[e]
		if len(row) != len(ops) {
			return nil, fmt.Errorf("edge %s has %d weights for %d operations", l.Edges[e], len(row), len(ops))
		}
		out[e] = make([]float64, len(l.Ops))
		for j := range out[e] {
			out[e][j] = math.NaN()
		}
		for k, v := range row {
			out[e][slices.Index(l.Ops, ops[k])] = float64(v)
		}
	}
	return out, nil
}

// finiteRows drops the NaN columns of each row (for the entropy of an edge).
func finiteRow(row []float64) []float64 {
	out := make([]float64, 0, len(row))
	for _, v := range row {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

// mixOf returns the mixing weights a step or epoch record carries, with its step and epoch
// (nothing for other records).
func mixOf(r search.Record) (normal, reduce [][]float32, step, epoch int) {
	switch r := r.(type) {
	case *search.StepRecord:
		return r.MixNormal, r.MixReduce, r.Step, r.Epoch
	case *search.EpochRecord:
		return r.MixNormal, r.MixReduce, r.Step, r.Epoch
	}
	return nil, nil, 0, 0
}
