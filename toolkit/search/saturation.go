package search

// Saturated reports whether the mixing weights mix (one row per edge) have gone hard on every
// edge: each weight of a row is either switched off (at most tol) or tied with the row's
// largest weight (within tol of it), and at least one is switched off. One-hot rows are hard,
// and so are rows where a huge step pushed several operations to the same bound (Adam's first
// step is lr·sign(g): with an absurd lr every operation with a negative gradient ties at +lr).
// A search whose α saturates in its first steps (an architecture learning rate far too large)
// has stopped learning the architecture: its genotype is an accident of the first gradients.
// A row with a single operation has nothing to choose and counts as hard. With no edges, an
// edge with no operations or a NaN weight, it reports false.
func Saturated(mix [][]float32, tol float64) bool {
	if len(mix) == 0 {
		return false
	}
	for _, row := range mix {
		if len(row) == 0 {
			return false
		}
		if len(row) == 1 {
			continue
		}
		best := float64(row[0])
		for _, v := range row[1:] {
			best = max(best, float64(v))
		}
		off := 0
		for _, v := range row {
			w := float64(v)
			switch {
			case w <= tol:
				off++
			case w >= best-tol:
			default: // a weight in between (or NaN): the edge still mixes
				return false
			}
		}
		if off == 0 {
			return false
		}
	}
	return true
}
