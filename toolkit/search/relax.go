package search

import (
	"math"
)

// Relaxation turns the architecture logits α of each edge into the mixing weights of the
// supernet, and the gradient of the mixing weights back into the gradient of α.
type Relaxation interface {
	// Name identifies the relaxation in records and checkpoints.
	Name() string
	// Mix returns the mixing weights of each row of alpha and a function that maps the
	// gradient of the mixing weights to the gradient of alpha.
	Mix(alpha [][]float32) (mix [][]float32, vjp func(gMix [][]float32) [][]float32)
}

// Softmax is DARTS's relaxation: softmax over each edge's operations.
type Softmax struct{}

// Name returns "softmax".
func (Softmax) Name() string { return "softmax" }

// Mix applies the softmax to each row.
func (Softmax) Mix(alpha [][]float32) ([][]float32, func([][]float32) [][]float32) {
	mix := make([][]float32, len(alpha))
	p64 := make([][]float64, len(alpha))
	for e, row := range alpha {
		p64[e] = softmax(row)
		mix[e] = make([]float32, len(row))
		for k, v := range p64[e] {
			mix[e][k] = float32(v)
		}
	}
	return mix, func(g [][]float32) [][]float32 {
		out := make([][]float32, len(g))
		for e, row := range g {
			p := p64[e]
			var dot float64
			for k, gk := range row {
				dot += float64(gk) * p[k]
			}
			out[e] = make([]float32, len(row))
			for k, gk := range row {
				out[e][k] = float32(p[k] * (float64(gk) - dot))
			}
		}
		return out
	}
}

// Sigmoid is FairDARTS's relaxation: each operation's weight is an independent sigmoid, so
// operations do not compete.
type Sigmoid struct{}

// Name returns "sigmoid".
func (Sigmoid) Name() string { return "sigmoid" }

// Mix applies the logistic sigmoid element-wise.
func (Sigmoid) Mix(alpha [][]float32) ([][]float32, func([][]float32) [][]float32) {
	mix := make([][]float32, len(alpha))
	for e, row := range alpha {
		mix[e] = make([]float32, len(row))
		for k, a := range row {
			mix[e][k] = float32(1 / (1 + math.Exp(-float64(a))))
		}
	}
	return mix, func(g [][]float32) [][]float32 {
		out := make([][]float32, len(g))
		for e, row := range g {
			out[e] = make([]float32, len(row))
			for k, gk := range row {
				s := float64(mix[e][k])
				out[e][k] = float32(float64(gk) * s * (1 - s))
			}
		}
		return out
	}
}

func softmax(row []float32) []float64 {
	m := math.Inf(-1)
	for _, x := range row {
		m = math.Max(m, float64(x))
	}
	out := make([]float64, len(row))
	var s float64
	for k, x := range row {
		out[k] = math.Exp(float64(x) - m)
		s += out[k]
	}
	for k := range out {
		out[k] /= s
	}
	return out
}

// toFloat64 converts rows to float64.
func toFloat64(rows [][]float32) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		out[i] = make([]float64, len(r))
		for k, v := range r {
			out[i][k] = float64(v)
		}
	}
	return out
}
