package analysis

import (
	"errors"
	"fmt"
	"math"
)

// KendallTau returns Kendall's rank correlation τ-b between x and y:
//
//	τ_b = (n_c − n_d) / √((n_0 − n_1)(n_0 − n_2))
//
// where n_c and n_d count the concordant and discordant pairs, n_0 = n(n−1)/2, and n_1, n_2
// count the pairs tied in x and in y (a pair tied in either is neither concordant nor
// discordant). It is 1 for identical rankings, −1 for reversed ones. It fails when the lengths
// differ, there are fewer than two values, a value is NaN, or x or y is constant (τ-b is then
// undefined).
func KendallTau(x, y []float64) (float64, error) {
	if len(x) != len(y) {
		return math.NaN(), fmt.Errorf("analysis: Kendall τ of %d and %d values: want equal lengths", len(x), len(y))
	}
	n := len(x)
	if n < 2 {
		return math.NaN(), fmt.Errorf("analysis: Kendall τ of %d values: want at least 2", n)
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			return math.NaN(), fmt.Errorf("analysis: Kendall τ: value %d is NaN", i)
		}
	}
	var nc, nd, tx, ty float64
	for i := range n {
		for j := i + 1; j < n; j++ {
			dx, dy := x[i]-x[j], y[i]-y[j]
			switch {
			case dx == 0 && dy == 0:
				tx++
				ty++
			case dx == 0:
				tx++
			case dy == 0:
				ty++
			case (dx > 0) == (dy > 0):
				nc++
			default:
				nd++
			}
		}
	}
	n0 := float64(n*(n-1)) / 2
	den := math.Sqrt((n0 - tx) * (n0 - ty))
	if den == 0 {
		return math.NaN(), errors.New("analysis: Kendall τ-b is undefined when one of the rankings is constant")
	}
	return (nc - nd) / den, nil
}

// MeanStd returns the mean of xs and their sample standard deviation (denominator n − 1; 0 for
// a single value). It fails on an empty slice.
func MeanStd(xs []float64) (mean, std float64, err error) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN(), errors.New("analysis: mean ± std of no values")
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) == 1 {
		return mean, 0, nil
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1)), nil
}

// Rank returns the position of x among pool: the number of pool values strictly below x plus
// half of those equal to it, so that the fraction Rank/len(pool) is the share of the pool that
// x beats (ties count half).
func Rank(x float64, pool []float64) float64 {
	var r float64
	for _, p := range pool {
		switch {
		case p < x:
			r++
		case p == x:
			r += 0.5
		}
	}
	return r
}
