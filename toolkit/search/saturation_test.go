package search

import (
	"math"
	"testing"
)

func TestSaturated(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name string
		mix  [][]float32
		tol  float64
		want bool
	}{
		{"uniform", [][]float32{{0.25, 0.25, 0.25, 0.25}, {0.25, 0.25, 0.25, 0.25}}, 1e-3, false},
		{"one-hot everywhere", [][]float32{{0, 1, 0}, {0, 0, 1}}, 1e-3, true},
		{"nearly one-hot", [][]float32{{1e-5, 0.99998, 1e-5}, {0.9999, 1e-4, 0}}, 1e-3, true},
		{"one edge still mixed", [][]float32{{0, 1, 0}, {0.6, 0.4, 0}}, 1e-3, false},
		{"just under the tolerance", [][]float32{{0.0011, 0.9989}}, 1e-3, false},
		{"ties at the bound (Adam's first step)", [][]float32{{0.5, 0, 0.5}, {1.0 / 3, 1.0 / 3, 0, 1.0 / 3}}, 1e-3, true},
		{"sigmoid weights at 0 and 1", [][]float32{{1, 0, 1, 1}, {0, 1, 0, 0}}, 1e-3, true},
		{"all tied, none off", [][]float32{{0.5, 0.5}}, 1e-3, false},
		{"single operation", [][]float32{{1}, {0, 1}}, 1e-3, true},
		{"no edges", nil, 1e-3, false},
		{"empty edge", [][]float32{{1}, {}}, 1e-3, false},
		{"NaN", [][]float32{{nan, nan}}, 1e-3, false},
	} {
		if got := Saturated(tc.mix, tc.tol); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
