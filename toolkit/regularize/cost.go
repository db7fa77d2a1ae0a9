package regularize

import (
	"fmt"
	"math"
	"slices"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// Cost is a resource term: Weight times the expected cost of the architecture drawn from
// the categorical distributions softmax(α) of the rows, Σ_rows Σ_k softmax(α_row)_k·Costs[row][k],
// with gradient Weight·p_k·(Costs[row][k] − E_row) on α_row,k. It is ProxylessNAS's expected
// latency term λ₂·E[LAT] (Cai, Zhu, Han, "ProxylessNAS: Direct Neural Architecture Search on
// Target Task and Hardware", ICLR 2019, Eq. 2 and 3), on searchspace's analytic per-candidate
// multiply-adds in place of a latency table. softmax(α) is the distribution GDAS's and
// SNAS's samples are drawn from and DARTS's mixing weights; FBNet's multiplicative
// CE·0.2·log(LAT)^0.6 needs the loss inside the term, which a host-side term on α does not
// see.
//
// The term applies to the α group whose candidates are Ops (a mobile space's "blocks"):
// Penalty on a group with other candidates returns 0 and adds nothing.
type Cost struct {
	// Weight is λ₂ (0: off).
	Weight float64
	// Ops names each row's candidates; nil applies the term to any group of Costs' shape.
	Ops [][]string
	// Costs[row][k] is candidate k's cost in Unit.
	Costs [][]float64
	// Unit names the cost's unit in the settings ("M multiply-adds").
	Unit string
}

// NewMobileCost returns the cost term of mobile space s's "blocks" group on inChannels×input×
// input images and classes outputs: each candidate's multiply-adds per image
// (MobileSpace.Costs), in millions.
func NewMobileCost(s searchspace.MobileSpace, inChannels, input, classes int, weight float64) (Cost, error) {
	mc, err := s.Costs(inChannels, input, classes)
	if err != nil {
		return Cost{}, fmt.Errorf("regularize: %w", err)
	}
	c := Cost{Weight: weight, Unit: "M multiply-adds"}
	for i, l := range s.Layers() {
		c.Ops = append(c.Ops, slices.Clone(l.Blocks))
		row := make([]float64, len(l.Blocks))
		for k := range row {
			row[k] = float64(mc.Layers[i][k].MAdds) / 1e6
		}
		c.Costs = append(c.Costs, row)
	}
	return c, c.Check()
}

// Name returns "cost".
func (Cost) Name() string { return "cost" }

// String describes the settings for a run's meta data.
func (c Cost) String() string {
	return fmt.Sprintf("cost(w %g, expected %s of %d rows)", c.Weight, c.Unit, len(c.Costs))
}

// Check reports a negative or non-finite weight, a negative or non-finite cost, and Ops that
// do not have Costs' shape.
func (c Cost) Check() error {
	if err := checkCoeff("cost weight", c.Weight); err != nil {
		return err
	}
	if c.Ops != nil && len(c.Ops) != len(c.Costs) {
		return fmt.Errorf("regularize: cost: %d rows of candidates, %d of costs", len(c.Ops), len(c.Costs))
	}
	for r, row := range c.Costs {
		if c.Ops != nil && len(c.Ops[r]) != len(row) {
			return fmt.Errorf("regularize: cost: row %d has %d candidates and %d costs", r, len(c.Ops[r]), len(row))
		}
		for k, v := range row {
			if !(v >= 0) || math.IsInf(v, 0) {
				return fmt.Errorf("regularize: cost: row %d candidate %d costs %g: want a finite non-negative number", r, k, v)
			}
		}
	}
	return nil
}

// At is the weight, constant over the search.
func (c Cost) At(float64) float64 { return c.Weight }

// Expected returns the expected cost Σ_rows Σ_k softmax(α_row)_k·Costs[row][k] (without the
// weight).
func (c Cost) Expected(alpha [][]float32) float64 {
	var total float64
	for r, row := range alpha {
		p := softmax(row)
		for k, pk := range p {
			total += pk * c.Costs[r][k]
		}
	}
	return total
}

// Penalty returns Weight·Expected(alpha) and adds its gradient into grad, for the group
// whose candidates are Ops (any other group: 0). α must have Costs' shape.
func (c Cost) Penalty(alpha [][]float32, ops [][]string, progress float64, grad [][]float32) float64 {
	if ops != nil && c.Ops != nil && !slices.EqualFunc(ops, c.Ops, slices.Equal) {
		return 0
	}
	checkShapes("cost", alpha, grad)
	if len(alpha) != len(c.Costs) {
		panic(fmt.Sprintf("regularize: cost: α has %d rows, the costs %d", len(alpha), len(c.Costs)))
	}
	w := c.At(progress)
	var total float64
	for r, row := range alpha {
		if len(row) != len(c.Costs[r]) {
			panic(fmt.Sprintf("regularize: cost: α row %d has %d entries, the costs %d", r, len(row), len(c.Costs[r])))
		}
		p := softmax(row)
		var e float64
		for k, pk := range p {
			e += pk * c.Costs[r][k]
		}
		total += e
		if grad != nil {
			for k, pk := range p {
				grad[r][k] += float32(w * pk * (c.Costs[r][k] - e))
			}
		}
	}
	return w * total
}

// softmax returns the softmax of row in float64.
func softmax(row []float32) []float64 {
	m := math.Inf(-1)
	for _, a := range row {
		m = math.Max(m, float64(a))
	}
	out := make([]float64, len(row))
	var sum float64
	for k, a := range row {
		out[k] = math.Exp(float64(a) - m)
		sum += out[k]
	}
	for k := range out {
		out[k] /= sum
	}
	return out
}
