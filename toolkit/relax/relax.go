package relax

import (
	"math"
	"math/rand/v2"
)

// Draw is what a relaxation may depend on besides α when it samples: the search step, the
// search's progress in [0, 1] (step / total steps, for annealed temperatures) and the random
// source (owned, seeded and checkpointed by the search).
type Draw struct {
	Step     int
	Progress float64
	RNG      *rand.Rand
}

// Sample is the mixing weights of one pass (or of all the passes of one step) and the
// vector-Jacobian product mapping their gradient back to the gradient of α.
type Sample struct {
	// Mix has one row per edge, one column per candidate operation.
	Mix [][]float32
	// VJP maps the gradient of Mix to the gradient of α (same shape).
	VJP func(gMix [][]float32) [][]float32
	// Hard, when not nil, is the index of the one operation each edge's sample selects (a
	// one-hot Mix); a supernet may then run only that operation.
	Hard []int
}

// Relaxation turns α into mixing weights.
type Relaxation interface {
	// Name identifies the relaxation in records, meta data and checkpoints.
	Name() string
	// Weights names the mixing weights in reports ("softmax(α)", "sigmoid(α)", ...).
	Weights() string
	// Sample returns the mixing weights for the passes of one step. ops names the candidate
	// operations of each row (relaxations that treat operations differently read it).
	Sample(alpha [][]float32, ops [][]string, d Draw) Sample
	// Expected returns deterministic mixing weights for reports and derivation: the weights
	// themselves for deterministic relaxations, the expected sample (or the distribution's
	// mean) for random ones.
	Expected(alpha [][]float32, ops [][]string) [][]float32
}

// Softmax is DARTS's relaxation, softmax over each edge's operations (Liu, Simonyan, Yang,
// "DARTS: Differentiable Architecture Search", ICLR 2019).
type Softmax struct{}

// Name returns "softmax".
func (Softmax) Name() string { return "softmax" }

// Weights returns "softmax(α)".
func (Softmax) Weights() string { return "softmax(α)" }

// Sample applies the softmax to each row; it draws nothing.
func (s Softmax) Sample(alpha [][]float32, ops [][]string, d Draw) Sample {
	return s.sample64(toF64Rows(alpha), ops, d).f32()
}

// Expected is the softmax of each row.
func (s Softmax) Expected(alpha [][]float32, ops [][]string) [][]float32 {
	return toF32Rows(s.expected64(toF64Rows(alpha), ops))
}

func (Softmax) sample64(alpha [][]float64, _ [][]string, _ Draw) sample64 {
	p := softmaxRows(alpha, 1)
	return sample64{mix: p, vjp: func(g [][]float64) [][]float64 { return softmaxVJP(p, g, 1) }}
}

func (Softmax) expected64(alpha [][]float64, _ [][]string) [][]float64 {
	return softmaxRows(alpha, 1)
}

// Sigmoid is FairDARTS's relaxation: each operation's weight is an independent sigmoid, so
// operations do not compete (Chu et al., "Fair DARTS: Eliminating Unfair Advantages in
// Differentiable Architecture Search", ECCV 2020). Its weights do not sum to one.
type Sigmoid struct{}

// Name returns "sigmoid".
func (Sigmoid) Name() string { return "sigmoid" }

// Weights returns "sigmoid(α)".
func (Sigmoid) Weights() string { return "sigmoid(α)" }

// Sample applies the logistic sigmoid element-wise; it draws nothing.
func (s Sigmoid) Sample(alpha [][]float32, ops [][]string, d Draw) Sample {
	return s.sample64(toF64Rows(alpha), ops, d).f32()
}

// Expected is the sigmoid of each weight.
func (s Sigmoid) Expected(alpha [][]float32, ops [][]string) [][]float32 {
	return toF32Rows(s.expected64(toF64Rows(alpha), ops))
}

func (Sigmoid) sample64(alpha [][]float64, _ [][]string, _ Draw) sample64 {
	s := make([][]float64, len(alpha))
	for e, row := range alpha {
		s[e] = make([]float64, len(row))
		for k, a := range row {
			s[e][k] = 1 / (1 + math.Exp(-a))
		}
	}
	return sample64{mix: s, vjp: func(g [][]float64) [][]float64 {
		out := make([][]float64, len(g))
		for e, row := range g {
			out[e] = make([]float64, len(row))
			for k, gk := range row {
				out[e][k] = gk * s[e][k] * (1 - s[e][k])
			}
		}
		return out
	}}
}

func (s Sigmoid) expected64(alpha [][]float64, ops [][]string) [][]float64 {
	return s.sample64(alpha, ops, Draw{}).mix
}

// SoftmaxRow returns softmax(x/τ) = exp(x_i/τ) / Σ_j exp(x_j/τ), computed stably (the maximum
// is subtracted first). It is the one softmax of the toolkit (package plot's and searchspace's
// call it). If any element is NaN, or no element is finite, every result is NaN; a +Inf
// logit takes all the weight (shared equally by ties); an empty input gives an empty result.
func SoftmaxRow(x []float64, tau float64) []float64 {
	out := make([]float64, len(x))
	if len(x) == 0 {
		return out
	}
	nan := func() []float64 {
		for k := range out {
			out[k] = math.NaN()
		}
		return out
	}
	m := math.Inf(-1)
	for _, v := range x {
		if math.IsNaN(v) {
			return nan()
		}
		m = math.Max(m, v/tau)
	}
	switch {
	case math.IsInf(m, -1):
		return nan()
	case math.IsInf(m, 1):
		n := 0.0
		for _, v := range x {
			if math.IsInf(v/tau, 1) {
				n++
			}
		}
		for k, v := range x {
			if math.IsInf(v/tau, 1) {
				out[k] = 1 / n
			}
		}
		return out
	}
	var s float64
	for k, v := range x {
		out[k] = math.Exp(v/tau - m)
		s += out[k]
	}
	for k := range out {
		out[k] /= s
	}
	return out
}

// softmaxVJP maps the gradient g of p = softmax(x/τ) (rows) to the gradient of x:
// p ⊙ (g − ⟨g, p⟩) / τ.
func softmaxVJP(p, g [][]float64, tau float64) [][]float64 {
	out := make([][]float64, len(g))
	for e, row := range g {
		out[e] = softmaxRowVJP(p[e], row, tau)
	}
	return out
}

// softmaxRowVJP is softmaxVJP for one row.
func softmaxRowVJP(p, g []float64, tau float64) []float64 {
	var dot float64
	for k, gk := range g {
		dot += gk * p[k]
	}
	out := make([]float64, len(g))
	for k, gk := range g {
		out[k] = p[k] * (gk - dot) / tau
	}
	return out
}

// softmaxRows applies SoftmaxRow(·, τ) to each row.
func softmaxRows(x [][]float64, tau float64) [][]float64 {
	out := make([][]float64, len(x))
	for e, row := range x {
		out[e] = SoftmaxRow(row, tau)
	}
	return out
}

// sample64 is a Sample in float64, the precision every relaxation computes in; Sample and
// Expected convert at the boundary.
type sample64 struct {
	mix  [][]float64
	vjp  func(g [][]float64) [][]float64
	hard []int
}

// f32 converts s to the float32 Sample of the interface.
func (s sample64) f32() Sample {
	return Sample{
		Mix:  toF32Rows(s.mix),
		VJP:  func(g [][]float32) [][]float32 { return toF32Rows(s.vjp(toF64Rows(g))) },
		Hard: s.hard,
	}
}

// core is the float64 form of a Relaxation; every relaxation of the package implements it
// (the tests check gradients against finite differences in float64 through it).
type core interface {
	Relaxation
	sample64(alpha [][]float64, ops [][]string, d Draw) sample64
	expected64(alpha [][]float64, ops [][]string) [][]float64
}

func toF64Rows(rows [][]float32) [][]float64 {
	out := make([][]float64, len(rows))
	for e, r := range rows {
		out[e] = make([]float64, len(r))
		for k, v := range r {
			out[e][k] = float64(v)
		}
	}
	return out
}

func toF32Rows(rows [][]float64) [][]float32 {
	out := make([][]float32, len(rows))
	for e, r := range rows {
		out[e] = make([]float32, len(r))
		for k, v := range r {
			out[e][k] = float32(v)
		}
	}
	return out
}
