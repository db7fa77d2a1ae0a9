package analysis

import (
	"math"
	"testing"
)

func TestKendallTau(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, y []float64
		want float64
	}{
		// Pairs: 6 concordant, 4 discordant (counted by hand): (6−4)/10.
		{"no ties", []float64{1, 2, 3, 4, 5}, []float64{3, 4, 1, 2, 5}, 0.2},
		{"identical", []float64{1, 2, 3}, []float64{10, 20, 30}, 1},
		{"reversed", []float64{1, 2, 3}, []float64{3, 2, 1}, -1},
		// One pair tied in x, another in y, the other 4 concordant: 4/√(5·5).
		{"ties", []float64{1, 1, 2, 3}, []float64{1, 2, 2, 3}, 0.8},
		// A pair tied in both counts in n_1 and n_2: 2/√(2·2).
		{"joint tie", []float64{1, 1, 2}, []float64{1, 1, 2}, 1},
	} {
		got, err := KendallTau(tc.x, tc.y)
		if err != nil || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: τ = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	for _, bad := range [][2][]float64{
		{{1, 2}, {1}},
		{{1}, {1}},
		{{1, 1, 1}, {1, 2, 3}},
		{{1, math.NaN()}, {1, 2}},
	} {
		if _, err := KendallTau(bad[0], bad[1]); err == nil {
			t.Errorf("KendallTau(%v, %v): want an error", bad[0], bad[1])
		}
	}
}

func TestMeanStd(t *testing.T) {
	// Sum of squared deviations from 5 is 32: sample std √(32/7).
	m, s, err := MeanStd([]float64{2, 4, 4, 4, 5, 5, 7, 9})
	if err != nil || m != 5 || math.Abs(s-math.Sqrt(32.0/7)) > 1e-12 {
		t.Errorf("MeanStd = %v ± %v, %v; want 5 ± %v", m, s, err, math.Sqrt(32.0/7))
	}
	if m, s, err := MeanStd([]float64{3}); err != nil || m != 3 || s != 0 {
		t.Errorf("one value: %v ± %v, %v", m, s, err)
	}
	if _, _, err := MeanStd(nil); err == nil {
		t.Error("no values: want an error")
	}
}

func TestRank(t *testing.T) {
	pool := []float64{0.1, 0.5, 0.5, 0.9}
	for _, tc := range []struct{ x, want float64 }{{0, 0}, {0.5, 2}, {0.7, 3}, {1, 4}} {
		if got := Rank(tc.x, pool); got != tc.want {
			t.Errorf("Rank(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
}
