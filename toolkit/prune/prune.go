package prune

import (
	"fmt"
	"sort"
)

// TopK drops, every Every epochs (at the end of epochs Every−1, 2·Every−1, ...), the weakest
// operations of every edge so that at most Keep remain, never pruning below Min (1 if 0).
// An edge's operations are ranked by their expected mixing weight; ties keep the lower column.
type TopK struct {
	Every, Drop, Min int
}

// String describes the rule.
func (p TopK) String() string {
	return fmt.Sprintf("top-k(drop %d every %d epochs, keep ≥ %d)", p.Drop, p.Every, p.min())
}

func (p TopK) min() int {
	if p.Min < 1 {
		return 1
	}
	return p.Min
}

// Check reports settings that prune nothing or everything.
func (p TopK) Check() error {
	if p.Every < 1 || p.Drop < 1 {
		return fmt.Errorf("prune: top-k %+v: want Every ≥ 1 and Drop ≥ 1", p)
	}
	return nil
}

// Prune returns the masks after this epoch's pruning (nil: no change).
func (p TopK) Prune(epoch int, expected [][][]float32, masks [][][]bool) [][][]bool {
	if (epoch+1)%p.Every != 0 {
		return nil
	}
	out := clone(masks)
	for g := range out {
		for e := range out[g] {
			alive := aliveOps(out[g][e])
			n := len(alive) - p.Drop
			if n < p.min() {
				n = p.min()
			}
			if n >= len(alive) {
				continue
			}
			sort.SliceStable(alive, func(i, j int) bool { return expected[g][e][alive[i]] > expected[g][e][alive[j]] })
			for _, k := range alive[n:] {
				out[g][e][k] = false
			}
		}
	}
	return out
}

// Threshold drops an operation once its expected mixing weight falls below Tau, keeping at
// least Min (1 if 0) operations per edge (the strongest ones).
type Threshold struct {
	Tau float64
	Min int
}

// String describes the rule.
func (p Threshold) String() string {
	return fmt.Sprintf("threshold(τ=%g, keep ≥ %d)", p.Tau, max(p.Min, 1))
}

// Check reports a threshold outside (0, 1).
func (p Threshold) Check() error {
	if !(p.Tau > 0 && p.Tau < 1) {
		return fmt.Errorf("prune: threshold %g: want a value in (0, 1)", p.Tau)
	}
	return nil
}

// Prune masks the operations below Tau.
func (p Threshold) Prune(_ int, expected [][][]float32, masks [][][]bool) [][][]bool {
	out := clone(masks)
	changed := false
	for g := range out {
		for e := range out[g] {
			alive := aliveOps(out[g][e])
			sort.SliceStable(alive, func(i, j int) bool { return expected[g][e][alive[i]] > expected[g][e][alive[j]] })
			for rank, k := range alive {
				if rank >= max(p.Min, 1) && float64(expected[g][e][k]) < p.Tau {
					out[g][e][k] = false
					changed = true
				}
			}
		}
	}
	if !changed {
		return nil
	}
	return out
}

func aliveOps(row []bool) []int {
	var out []int
	for k, keep := range row {
		if keep {
			out = append(out, k)
		}
	}
	return out
}

func clone(m [][][]bool) [][][]bool {
	out := make([][][]bool, len(m))
	for g := range m {
		out[g] = make([][]bool, len(m[g]))
		for e := range m[g] {
			out[g][e] = append([]bool(nil), m[g][e]...)
		}
	}
	return out
}
