package relax

import (
	"fmt"
	"slices"
)

// DefaultParameterFree returns the operations Grouped treats as parameter-free by default:
// none, skip_connect, max_pool_3x3, avg_pool_3x3, noise.
func DefaultParameterFree() []string {
	return []string{"none", "skip_connect", "max_pool_3x3", "avg_pool_3x3", "noise"}
}

// Grouped runs two separate competitions on each edge: the parametric operations compete in
// one softmax, the parameter-free ones (Free) in another, so a parameter-free operation, which
// fits early in the search, cannot take weight from a convolution directly. The groups are
// combined with fixed shares: mix = Share·softmax(α_parametric) ⊕ (1−Share)·softmax(α_free),
// which sums to one; an edge with operations of one group only gives it all the weight.
//
// The idea of letting parametric and parameter-free operations compete separately because a
// joint softmax is unfair to the slower-to-train parametric ones is that of the
// group-structured gates of PR-DARTS (Zhou, Xiong, Socher, Hoi, "Theory-Inspired
// Path-Regularized Differential Network Architecture Search", NeurIPS 2020). The fixed-share
// combination rule is ours, a choice: weighting each group by a softmax over the groups'
// logsumexp(α) would give back DARTS's plain softmax exactly (Σ_k exp α_k factors through the
// groups), and a learned group weight would need parameters outside α.
type Grouped struct {
	// Share is the parametric group's share of each edge's weight, in (0, 1).
	Share float64
	// Free names the parameter-free operations (nil: DefaultParameterFree()); every other
	// operation is parametric.
	Free []string
}

// NewGrouped returns a Grouped relaxation with equal shares and the default parameter-free
// operations.
func NewGrouped() Grouped { return Grouped{Share: 0.5} }

// Name returns "grouped".
func (Grouped) Name() string { return "grouped" }

// Weights returns "group softmax(α)".
func (Grouped) Weights() string { return "group softmax(α)" }

// String describes the relaxation for a run's meta data.
func (g Grouped) String() string {
	return fmt.Sprintf("grouped(parametric share %g, parameter-free %v)", g.Share, g.free())
}

// Check reports a share outside (0, 1).
func (g Grouped) Check() error {
	if !(g.Share > 0 && g.Share < 1) {
		return fmt.Errorf("relax: grouped relaxation's parametric share %g is not in (0, 1)", g.Share)
	}
	return nil
}

// Sample returns the grouped softmax of each row; it draws nothing. ops must name every
// row's operations (it panics otherwise: the groups come from the names).
func (g Grouped) Sample(alpha [][]float32, ops [][]string, d Draw) Sample {
	return g.sample64(toF64Rows(alpha), ops, d).f32()
}

// Expected is the grouped softmax of each row.
func (g Grouped) Expected(alpha [][]float32, ops [][]string) [][]float32 {
	return toF32Rows(g.expected64(toF64Rows(alpha), ops))
}

func (g Grouped) free() []string {
	if len(g.Free) == 0 {
		return DefaultParameterFree()
	}
	return g.Free
}

// groups splits row e's operation indices into the parametric and parameter-free groups
// with their shares.
func (g Grouped) groups(ops [][]string, e, n int) (idx [2][]int, share [2]float64) {
	if err := g.Check(); err != nil {
		panic(err.Error())
	}
	if e >= len(ops) || len(ops[e]) != n {
		panic(fmt.Sprintf("relax: grouped relaxation needs the names of edge %d's %d operations", e, n))
	}
	free := g.free()
	for k, op := range ops[e] {
		if slices.Contains(free, op) {
			idx[1] = append(idx[1], k)
		} else {
			idx[0] = append(idx[0], k)
		}
	}
	switch {
	case len(idx[0]) == 0:
		share = [2]float64{0, 1}
	case len(idx[1]) == 0:
		share = [2]float64{1, 0}
	default:
		share = [2]float64{g.Share, 1 - g.Share}
	}
	return idx, share
}

func (g Grouped) sample64(alpha [][]float64, ops [][]string, _ Draw) sample64 {
	type part struct {
		idx   []int
		share float64
		p     []float64
	}
	parts := make([][2]part, len(alpha))
	mix := make([][]float64, len(alpha))
	for e, row := range alpha {
		idx, share := g.groups(ops, e, len(row))
		mix[e] = make([]float64, len(row))
		for j := range 2 {
			sub := make([]float64, len(idx[j]))
			for i, k := range idx[j] {
				sub[i] = row[k]
			}
			p := SoftmaxRow(sub, 1)
			for i, k := range idx[j] {
				mix[e][k] = share[j] * p[i]
			}
			parts[e][j] = part{idx[j], share[j], p}
		}
	}
	return sample64{mix: mix, vjp: func(gm [][]float64) [][]float64 {
		out := make([][]float64, len(gm))
		for e, row := range gm {
			out[e] = make([]float64, len(row))
			for _, pt := range parts[e] {
				sub := make([]float64, len(pt.idx))
				for i, k := range pt.idx {
					sub[i] = row[k] * pt.share
				}
				v := softmaxRowVJP(pt.p, sub, 1)
				for i, k := range pt.idx {
					out[e][k] = v[i]
				}
			}
		}
		return out
	}}
}

func (g Grouped) expected64(alpha [][]float64, ops [][]string) [][]float64 {
	return g.sample64(alpha, ops, Draw{}).mix
}
