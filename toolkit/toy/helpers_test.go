package toy_test

import (
	"math"

	"github.com/dartboard-nas/dartboard/toolkit/toy"
)

// softmax is a float64 softmax Mixer for the tests (the toolkit's relaxations live in package
// relax; the toy only needs the Mixer seam).
var softmax = toy.MixerFunc(func(alpha []float64) ([]float64, func([]float64) []float64) {
	mx := math.Inf(-1)
	for _, a := range alpha {
		mx = math.Max(mx, a)
	}
	p := make([]float64, len(alpha))
	var s float64
	for k, a := range alpha {
		p[k] = math.Exp(a - mx)
		s += p[k]
	}
	for k := range p {
		p[k] /= s
	}
	return p, func(g []float64) []float64 {
		d := 0.0
		for k := range g {
			d += g[k] * p[k]
		}
		out := make([]float64, len(g))
		for k := range g {
			out[k] = p[k] * (g[k] - d)
		}
		return out
	}
})

// sigmoid is an element-wise logistic Mixer for the tests.
var sigmoid = toy.MixerFunc(func(alpha []float64) ([]float64, func([]float64) []float64) {
	s := make([]float64, len(alpha))
	for k, a := range alpha {
		s[k] = 1 / (1 + math.Exp(-a))
	}
	return s, func(g []float64) []float64 {
		out := make([]float64, len(g))
		for k := range g {
			out[k] = g[k] * s[k] * (1 - s[k])
		}
		return out
	}
})
