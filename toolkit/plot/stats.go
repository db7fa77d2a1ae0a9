package plot

import (
	"fmt"
	"math"

	"github.com/dartboard-nas/dartboard/toolkit/relax"
)

// Softmax returns exp(x_i) / Σ_j exp(x_j), computed stably: relax.SoftmaxRow at τ = 1 (the
// toolkit's one softmax). It is how DARTS turns the α logits of one edge into mixing weights.
// If any element is NaN, or no element is finite, every result is NaN. A +Inf logit takes all
// the weight (shared equally by ties). An empty input gives an empty result.
func Softmax(x []float64) []float64 { return relax.SoftmaxRow(x, 1) }

// SoftmaxRows applies Softmax to every row of x (for example to the α logits
// of all edges of a cell).
func SoftmaxRows(x [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	for i, row := range x {
		out[i] = Softmax(row)
	}
	return out
}

// fillNaN sets every element of s to NaN and returns it.
func fillNaN(s []float64) []float64 {
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// EntropyOf returns the Shannon entropy, in nats, of the distribution p
// after normalizing it to sum to one: 0 for a one-hot distribution and log(n)
// for a uniform one over n elements. It returns NaN if p is empty, contains a
// negative, infinite or NaN entry, or sums to zero.
func EntropyOf(p []float64) float64 {
	sum := 0.0
	for _, v := range p {
		if !finite(v) || v < 0 {
			return math.NaN()
		}
		sum += v
	}
	if sum <= 0 {
		return math.NaN()
	}
	h := 0.0
	for _, v := range p {
		if v > 0 {
			q := v / sum
			h -= q * math.Log(q)
		}
	}
	return math.Max(h, 0)
}

// Entropy returns EntropyOf for every row of weights, such as the softmax
// weights of every edge of a cell: the entropy of edge i is element i. A
// falling entropy shows the search becoming confident; the maximum for an
// edge of n operations is log(n).
func Entropy(weights [][]float64) []float64 {
	out := make([]float64, len(weights))
	for i, row := range weights {
		out[i] = EntropyOf(row)
	}
	return out
}

// MeanEntropy returns the mean of Entropy(weights) over the rows whose
// entropy is defined, or NaN if there is none. Recorded once per step, it
// gives a single "entropy over time" curve for a cell.
func MeanEntropy(weights [][]float64) float64 {
	sum, n := 0.0, 0
	for _, h := range Entropy(weights) {
		if !math.IsNaN(h) {
			sum += h
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// ArgMax returns the index of the largest non-NaN element of x (the first one
// on ties), or -1 if there is none.
func ArgMax(x []float64) int {
	best := -1
	for i, v := range x {
		if math.IsNaN(v) {
			continue
		}
		if best < 0 || v > x[best] {
			best = i
		}
	}
	return best
}

// CellEdgeLabels returns the labels "j→i" of the edges of a DARTS-style cell
// with the given number of input nodes and intermediate nodes, in the order
// DARTS stores α: for each intermediate node i (numbered from inputs), an edge
// from every earlier node j. CellEdgeLabels(2, 4) gives the 14 labels of a
// DARTS cell, "0→2", "1→2", "0→3", "1→3", "2→3", ...; CellEdgeLabels(1, 3)
// gives the 6 edges of a NAS-Bench-201 cell.
func CellEdgeLabels(inputs, nodes int) []string {
	var out []string
	for i := range nodes {
		to := inputs + i
		for from := range to {
			out = append(out, fmt.Sprintf("%d→%d", from, to))
		}
	}
	return out
}
