package derive

import (
	"fmt"
	"slices"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// Deriver is the derivation interface of the search loop (search.Deriver has the same method
// set, so a search.Deriver is a Deriver and a SkipCap is a search.Deriver).
type Deriver interface {
	Derive(space searchspace.CellSpace, normal, reduce [][]float64) (searchspace.Genotype, error)
}

// DARTS is the DARTS rule (searchspace.DeriveDARTS with default options), the default base of
// SkipCap.
type DARTS struct{}

// Derive applies searchspace.DeriveDARTS.
func (DARTS) Derive(space searchspace.CellSpace, normal, reduce [][]float64) (searchspace.Genotype, error) {
	return searchspace.DeriveDARTS(space, normal, reduce, searchspace.DeriveOptions{})
}

// SkipCap keeps at most Max skip connections in the normal cell, by P-DARTS's rule: while the
// genotype Base derives has more than Max skip connections in its normal cell, the skip
// connection with the smallest weight among those chosen loses its weight (set to 0) and the
// cell is derived again, so that edge takes its next best operation, or another edge takes
// its place. The reduction cell is left as Base derives it. A nil Base is DARTS.
//
// P-DARTS (chenxin061/pdarts, train_search.py: delete_min_sk_prob, keep_1_on,
// keep_2_branches) applies it with Max 2 after its last stage; NewSkipCap gives that.
type SkipCap struct {
	Max  int
	Base Deriver
}

// NewSkipCap returns P-DARTS's cap of 2 skip connections over the DARTS rule.
func NewSkipCap() SkipCap { return SkipCap{Max: 2} }

// String describes the rule for meta data.
func (s SkipCap) String() string {
	base := "darts"
	if s.Base != nil {
		base = fmt.Sprintf("%T", s.Base)
	}
	return fmt.Sprintf("skip-cap(max=%d, base=%s)", s.Max, base)
}

// Derive derives with Base and removes the weakest skip connections of the normal cell until
// at most Max remain. normal and reduce are not changed.
func (s SkipCap) Derive(space searchspace.CellSpace, normal, reduce [][]float64) (searchspace.Genotype, error) {
	if s.Max < 0 {
		return searchspace.Genotype{}, fmt.Errorf("derive: skip cap %d is negative", s.Max)
	}
	base := s.Base
	if base == nil {
		base = DARTS{}
	}
	w := make([][]float64, len(normal))
	for e, row := range normal {
		w[e] = slices.Clone(row)
	}
	cell := space.ForCell(false)
	for round := 0; ; round++ {
		g, err := base.Derive(space, w, reduce)
		if err != nil {
			return searchspace.Genotype{}, fmt.Errorf("derive: skip cap, round %d: %w", round, err)
		}
		weakest, col, n := -1, -1, 0
		for i, o := range g.Normal {
			if o.Op != searchspace.OpSkipConnect {
				continue
			}
			n++
			e := cell.EdgeIndex(i/2, o.Input)
			if e < 0 || e >= len(w) {
				return searchspace.Genotype{}, fmt.Errorf("derive: skip cap: entry %d %v is not an edge of space %q", i, o, space.Name)
			}
			k := slices.Index(cell.OpsOn(e), searchspace.OpSkipConnect)
			if k < 0 {
				return searchspace.Genotype{}, fmt.Errorf("derive: skip cap: edge %d has no skip_connect column", e)
			}
			if weakest < 0 || w[e][k] < w[weakest][col] {
				weakest, col = e, k
			}
		}
		if n <= s.Max {
			return g, nil
		}
		if w[weakest][col] == 0 || round > len(w)*len(w[weakest]) {
			return searchspace.Genotype{}, fmt.Errorf("derive: skip cap: the base rule keeps %d skip connections even at weight 0", n)
		}
		w[weakest][col] = 0
	}
}
