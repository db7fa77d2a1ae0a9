package hessian

import "fmt"

// Flatten concatenates α groups (group, edge, operation) into one float64 vector, in that
// order: the vector DominantEigen and FiniteDiffHVP work on.
func Flatten(groups [][][]float32) []float64 {
	var out []float64
	for _, g := range groups {
		for _, row := range g {
			for _, x := range row {
				out = append(out, float64(x))
			}
		}
	}
	return out
}

// Unflatten is the inverse of Flatten: it returns x shaped like like (a fresh copy, float32).
func Unflatten(x []float64, like [][][]float32) ([][][]float32, error) {
	out := make([][][]float32, len(like))
	i := 0
	for gi, g := range like {
		out[gi] = make([][]float32, len(g))
		for e, row := range g {
			out[gi][e] = make([]float32, len(row))
			for k := range row {
				if i >= len(x) {
					return nil, fmt.Errorf("hessian: %d values for a shape with more", len(x))
				}
				out[gi][e][k] = float32(x[i])
				i++
			}
		}
	}
	if i != len(x) {
		return nil, fmt.Errorf("hessian: %d values for a shape with %d", len(x), i)
	}
	return out, nil
}
