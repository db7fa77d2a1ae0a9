package search

// Saturated reports whether the mixing weights mix (one row per edge, each row summing to 1)
// are one-hot on every edge: each row's largest weight is at least 1−tol. A search whose α
// saturates in its first steps (an architecture learning rate far too large) has stopped
// learning the architecture: its genotype is an accident of the first gradients. With no
// edges, or an edge with no operations, it reports false.
func Saturated(mix [][]float32, tol float64) bool {
	if len(mix) == 0 {
		return false
	}
	for _, row := range mix {
		if len(row) == 0 {
			return false
		}
		best := float64(row[0])
		for _, v := range row[1:] {
			best = max(best, float64(v))
		}
		if !(best >= 1-tol) { // NaN weights are not saturated: other checks report them
			return false
		}
	}
	return true
}
