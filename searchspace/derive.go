package searchspace

import (
	"fmt"

	"math"
	"sort"

	"github.com/dartboard-nas/dartboard/toolkit/relax"
)

// DeriveOptions tunes the DARTS derivation rule.
type DeriveOptions struct {
	// AllowNone lets "none" compete: an edge is ranked by its largest weight over all
	// operations, none included, and the chosen operation may be none. The default (false)
	// is the rule of quark0/darts, which ignores none in both steps.
	AllowNone bool
	// EdgesPerNode is the number of incoming edges kept per intermediate node; 0 means 2.
	EdgesPerNode int
	// NormalConcat and ReduceConcat are the concat lists of the result; nil means every
	// intermediate node (range(Inputs, Inputs+Steps)).
	NormalConcat, ReduceConcat []int
}

// DefaultFairThreshold is FairDARTS's threshold on sigmoid weights.
const DefaultFairThreshold = 0.85

// DeriveDARTS derives a Genotype from the mixing weights of a DARTS-style space: for DARTS,
// softmax(α) of each edge (see Softmax). Pass weights, not logits: the rule compares weights
// across a node's edges, and logits can rank edges differently.
//
// normal and reduce have one row per edge in space edge order (space.Edges) and, on edge e,
// one column per operation of space.OpsOnCell(false, e) and space.OpsOnCell(true, e). For each intermediate node the rule of
// quark0/darts keeps the EdgesPerNode incoming edges with the largest weight over their
// operations other than none, and on each kept edge the operation of largest weight other
// than none. Ties are broken deterministically: between edges, the lower input index wins;
// between operations, the lower column wins (the behaviour of quark0's stable sort and strict
// '>' comparison). Entries are listed best edge first, as quark0 does. With AllowNone, none
// takes part in both steps. A wrong number of rows or columns, a NaN, or an edge with no
// eligible operation gives an error.
func DeriveDARTS(space CellSpace, normal, reduce [][]float64, opt DeriveOptions) (Genotype, error) {
	n, err := DeriveCell(space.ForCell(false), normal, opt)
	if err != nil {
		return Genotype{}, fmt.Errorf("derive normal cell: %w", err)
	}
	r, err := DeriveCell(space.ForCell(true), reduce, opt)
	if err != nil {
		return Genotype{}, fmt.Errorf("derive reduction cell: %w", err)
	}
	return Genotype{Normal: n, NormalConcat: concatOr(opt.NormalConcat, space),
		Reduce: r, ReduceConcat: concatOr(opt.ReduceConcat, space)}, nil
}

func concatOr(c []int, space CellSpace) []int {
	if c != nil {
		return append([]int(nil), c...)
	}
	xs := make([]int, space.Steps)
	for i := range xs {
		xs[i] = space.Inputs + i
	}
	return xs
}

// checkWeights validates the shape of one cell's weights against space.
func checkWeights(space CellSpace, w [][]float64) error {
	if err := space.Validate(); err != nil {
		return err
	}
	if len(w) != space.NumEdges() {
		return fmt.Errorf("weights have %d rows, space %q has %d edges", len(w), space.Name, space.NumEdges())
	}
	for e, row := range w {
		if want := len(space.OpsOn(e)); len(row) != want {
			return fmt.Errorf("weights row %d (edge %v) has %d columns, want %d operations", e, space.Edges()[e], len(row), want)
		}
		for k, x := range row {
			if math.IsNaN(x) {
				return fmt.Errorf("weights[%d][%d] is NaN", e, k)
			}
		}
	}
	return nil
}

// bestOp returns the column of the largest weight on edge e (first on ties), skipping none
// unless allowNone; -1 if no column is eligible.
func bestOp(ops []string, row []float64, allowNone bool) int {
	best := -1
	for k, x := range row {
		if !allowNone && ops[k] == OpNone {
			continue
		}
		if best < 0 || x > row[best] {
			best = k
		}
	}
	return best
}

// DeriveCell applies the DARTS rule of DeriveDARTS to one cell's weights and returns its
// entries (EdgesPerNode per intermediate node). The columns are those of space.OpsOn: pass
// space.ForCell(true) for the reduction cell of a space with ReduceEdgeOps.
func DeriveCell(space CellSpace, w [][]float64, opt DeriveOptions) ([]OpInput, error) {
	if err := checkWeights(space, w); err != nil {
		return nil, err
	}
	keep := opt.EdgesPerNode
	if keep == 0 {
		keep = 2
	}
	if keep < 0 || keep > space.Inputs {
		return nil, fmt.Errorf("EdgesPerNode %d: want 1..%d (the in-degree of the first node)", keep, space.Inputs)
	}
	var out []OpInput
	for i := 0; i < space.Steps; i++ {
		type cand struct {
			input, op int
			score     float64
		}
		var cands []cand
		for j := 0; j < space.Inputs+i; j++ {
			e := space.EdgeIndex(i, j)
			ops := space.OpsOn(e)
			k := bestOp(ops, w[e], opt.AllowNone)
			if k < 0 {
				continue
			}
			cands = append(cands, cand{input: j, op: k, score: w[e][k]})
		}
		if len(cands) < keep {
			return nil, fmt.Errorf("node %d: %d incoming edges have an operation other than none, need %d", i, len(cands), keep)
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
		for _, c := range cands[:keep] {
			out = append(out, OpInput{Op: space.OpsOn(space.EdgeIndex(i, c.input))[c.op], Input: c.input})
		}
	}
	return out, nil
}

// DeriveFairDARTS derives a Genotype with the FairDARTS rule from sigmoid weights (one row per
// edge, one column per operation, as in DeriveDARTS): on each edge the best operation other
// than none; per node, the edges whose best weight reaches threshold (threshold <= 0 means
// DefaultFairThreshold), at most 2, best first, ties to the lower input. A node with fewer
// than 2 edges above the threshold gets ('none', j) entries for the missing slots, j being the
// best remaining edges: the cell keeps the two-entries-per-node shape of quark0's Genotype and
// the derived network has exactly the surviving edges (none contributes nothing).
func DeriveFairDARTS(space CellSpace, normal, reduce [][]float64, threshold float64) (Genotype, error) {
	if threshold <= 0 {
		threshold = DefaultFairThreshold
	}
	n, err := deriveFairCell(space.ForCell(false), normal, threshold)
	if err != nil {
		return Genotype{}, fmt.Errorf("derive normal cell (FairDARTS): %w", err)
	}
	r, err := deriveFairCell(space.ForCell(true), reduce, threshold)
	if err != nil {
		return Genotype{}, fmt.Errorf("derive reduction cell (FairDARTS): %w", err)
	}
	return Genotype{Normal: n, NormalConcat: concatOr(nil, space), Reduce: r, ReduceConcat: concatOr(nil, space)}, nil
}

func deriveFairCell(space CellSpace, w [][]float64, threshold float64) ([]OpInput, error) {
	if err := checkWeights(space, w); err != nil {
		return nil, err
	}
	const keep = 2
	if space.Inputs < keep {
		return nil, fmt.Errorf("space %q has %d inputs, FairDARTS keeps %d edges per node", space.Name, space.Inputs, keep)
	}
	var out []OpInput
	for i := 0; i < space.Steps; i++ {
		type cand struct {
			input, op int
			score     float64
		}
		var cands []cand
		for j := 0; j < space.Inputs+i; j++ {
			e := space.EdgeIndex(i, j)
			k := bestOp(space.OpsOn(e), w[e], false)
			score := math.Inf(-1)
			if k >= 0 {
				score = w[e][k]
			}
			cands = append(cands, cand{input: j, op: k, score: score})
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
		for _, c := range cands[:keep] {
			if c.op >= 0 && c.score >= threshold {
				out = append(out, OpInput{Op: space.OpsOn(space.EdgeIndex(i, c.input))[c.op], Input: c.input})
			} else {
				out = append(out, OpInput{Op: OpNone, Input: c.input})
			}
		}
	}
	return out, nil
}

// Softmax returns the softmax of each row of logits (a helper to turn α logits into DARTS
// mixing weights; relax.SoftmaxRow, the toolkit's one softmax).
func Softmax(logits [][]float64) [][]float64 {
	out := make([][]float64, len(logits))
	for i, row := range logits {
		out[i] = relax.SoftmaxRow(row, 1)
	}
	return out
}

// Sigmoid returns the element-wise logistic sigmoid of logits (FairDARTS mixing weights).
func Sigmoid(logits [][]float64) [][]float64 {
	out := make([][]float64, len(logits))
	for i, row := range logits {
		r := make([]float64, len(row))
		for k, x := range row {
			r[k] = 1 / (1 + math.Exp(-x))
		}
		out[i] = r
	}
	return out
}
