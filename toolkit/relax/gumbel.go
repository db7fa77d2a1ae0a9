package relax

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// GumbelSoft is SNAS's relaxation: each step samples the concrete (Gumbel-softmax) mixing
// weights softmax((α+g)/τ), g standard Gumbel noise drawn from Draw.RNG, and back-propagates
// through them (Xie, Zheng, Liu, Lin, "SNAS: Stochastic Neural Architecture Search", ICLR 2019).
//
// The temperature falls linearly with the search's progress p ∈ [0, 1]:
// τ(p) = Tau0 − (Tau0 − TauMin)·p. SNAS's released search (SNAS-Series/SNAS, train_search.py
// with --temp 1 --temp_min 0.03 --temp_annealing and utils.Temp_Scheduler) anneals τ linearly
// from 1 to 0.03 over its 150 epochs; NewGumbelSoft returns those values.
//
// Expected is softmax(α), the class probabilities of the underlying categorical distribution
// (the mean of the hard sample, and the τ → 0 limit of the soft sample's mean).
type GumbelSoft struct {
	// Tau0 is the temperature at progress 0, TauMin at progress 1.
	Tau0, TauMin float64
}

// NewGumbelSoft returns SNAS's schedule: τ from 1 to 0.03, linear in progress.
func NewGumbelSoft() GumbelSoft { return GumbelSoft{Tau0: 1, TauMin: 0.03} }

// Name returns "gumbel-soft".
func (GumbelSoft) Name() string { return "gumbel-soft" }

// Weights returns "softmax(α)", the weights Expected reports.
func (GumbelSoft) Weights() string { return "softmax(α)" }

// String describes the schedule for a run's meta data.
func (g GumbelSoft) String() string {
	return fmt.Sprintf("gumbel-soft(τ %g→%g linear)", g.Tau0, g.TauMin)
}

// Check reports a schedule whose temperatures are not positive and finite.
func (g GumbelSoft) Check() error { return checkSchedule("gumbel-soft", g.Tau0, g.TauMin) }

// Tau is the temperature at progress p (clamped to [0, 1]).
func (g GumbelSoft) Tau(p float64) float64 { return linearTau(g.Tau0, g.TauMin, p) }

// Sample draws one Gumbel variate per weight from d.RNG (in row order) and returns
// softmax((α+g)/τ(d.Progress)) per row; its VJP is the exact gradient of that sample.
func (g GumbelSoft) Sample(alpha [][]float32, ops [][]string, d Draw) Sample {
	return g.sample64(toF64Rows(alpha), ops, d).f32()
}

// Expected is softmax(α).
func (g GumbelSoft) Expected(alpha [][]float32, ops [][]string) [][]float32 {
	return toF32Rows(g.expected64(toF64Rows(alpha), ops))
}

func (g GumbelSoft) sample64(alpha [][]float64, _ [][]string, d Draw) sample64 {
	tau := g.Tau(d.Progress)
	checkTau("GumbelSoft", tau)
	rng := needRNG("GumbelSoft", d)
	p := make([][]float64, len(alpha))
	for e, row := range alpha {
		p[e] = SoftmaxRow(perturb(row, rng), tau)
	}
	return sample64{mix: p, vjp: func(gm [][]float64) [][]float64 { return softmaxVJP(p, gm, tau) }}
}

func (GumbelSoft) expected64(alpha [][]float64, _ [][]string) [][]float64 {
	return softmaxRows(alpha, 1)
}

// GumbelHard is GDAS's relaxation: each step samples one operation per edge, the argmax of
// α+g (g Gumbel noise from Draw.RNG), so Mix is one-hot and Hard names the operation; the
// gradient is the straight-through one, through softmax((α+g)/τ) (Dong, Yang, "Searching for
// A Robust Neural Architecture in Four GPU Hours", CVPR 2019).
//
// The temperature falls linearly from TauMax to TauMin with the search's progress p ∈ [0, 1]:
// τ(p) = TauMax − (TauMax − TauMin)·p. GDAS (AutoDL-Projects, and the ConfigurableOptimizer
// port) uses τ_max = 10, τ_min = 0.1 and sets τ = τ_max − (τ_max − τ_min)·epoch/(epochs−1)
// at each epoch: progress epoch/(epochs−1) reproduces it exactly.
//
// Bias: for a linear objective f(m) = ⟨c, m⟩ the straight-through estimator's mean is the
// gradient of E[f(softmax((α+g)/τ))], the expectation of the SOFT sample, not of the
// hard sample E[f(onehot)] = ⟨c, softmax(α)⟩ that the forward pass computes; it is a biased
// estimator of the latter's gradient (the tests measure both facts).
//
// Expected is softmax(α): by the Gumbel-max trick, the exact mean of the one-hot sample.
type GumbelHard struct {
	// TauMax is the temperature at progress 0, TauMin at progress 1.
	TauMax, TauMin float64
}

// NewGumbelHard returns GDAS's schedule: τ from 10 to 0.1, linear in progress.
func NewGumbelHard() GumbelHard { return GumbelHard{TauMax: 10, TauMin: 0.1} }

// Name returns "gumbel-hard".
func (GumbelHard) Name() string { return "gumbel-hard" }

// Weights returns "softmax(α)", the weights Expected reports.
func (GumbelHard) Weights() string { return "softmax(α)" }

// String describes the schedule for a run's meta data.
func (g GumbelHard) String() string {
	return fmt.Sprintf("gumbel-hard(τ %g→%g linear, straight-through)", g.TauMax, g.TauMin)
}

// Check reports a schedule whose temperatures are not positive and finite.
func (g GumbelHard) Check() error { return checkSchedule("gumbel-hard", g.TauMax, g.TauMin) }

// Tau is the temperature at progress p (clamped to [0, 1]).
func (g GumbelHard) Tau(p float64) float64 { return linearTau(g.TauMax, g.TauMin, p) }

// Sample draws one Gumbel variate per weight from d.RNG (in row order), returns the one-hot
// of argmax(α+g) per row (Hard its index) and, as VJP, the gradient of softmax((α+g)/τ).
func (g GumbelHard) Sample(alpha [][]float32, ops [][]string, d Draw) Sample {
	return g.sample64(toF64Rows(alpha), ops, d).f32()
}

// Expected is softmax(α), the mean of the one-hot sample.
func (g GumbelHard) Expected(alpha [][]float32, ops [][]string) [][]float32 {
	return toF32Rows(g.expected64(toF64Rows(alpha), ops))
}

func (g GumbelHard) sample64(alpha [][]float64, _ [][]string, d Draw) sample64 {
	tau := g.Tau(d.Progress)
	checkTau("GumbelHard", tau)
	rng := needRNG("GumbelHard", d)
	soft := make([][]float64, len(alpha))
	mix := make([][]float64, len(alpha))
	hard := make([]int, len(alpha))
	for e, row := range alpha {
		z := perturb(row, rng)
		best := 0
		for k, v := range z {
			if v > z[best] {
				best = k
			}
		}
		hard[e] = best
		mix[e] = make([]float64, len(row))
		if len(row) > 0 {
			mix[e][best] = 1
		}
		soft[e] = SoftmaxRow(z, tau)
	}
	return sample64{mix: mix, hard: hard, vjp: func(gm [][]float64) [][]float64 { return softmaxVJP(soft, gm, tau) }}
}

func (GumbelHard) expected64(alpha [][]float64, _ [][]string) [][]float64 {
	return softmaxRows(alpha, 1)
}

// perturb returns row + g, one standard Gumbel variate per entry drawn from rng in order.
func perturb(row []float64, rng *rand.Rand) []float64 {
	out := make([]float64, len(row))
	for k, a := range row {
		out[k] = a + gumbel(rng)
	}
	return out
}

// gumbel draws a standard Gumbel variate −log(−log u), u uniform on the open interval (0, 1)
// (53 random bits, offset by half a step so that u is never 0 or 1).
func gumbel(rng *rand.Rand) float64 {
	return -math.Log(-math.Log(openUniform(rng)))
}

// openUniform draws u uniform on (0, 1), never 0 or 1, from one Uint64 of rng.
func openUniform(rng *rand.Rand) float64 {
	return (float64(rng.Uint64()>>11) + 0.5) / (1 << 53)
}

// linearTau interpolates from the start to the end temperature at progress p clamped to [0, 1].
func linearTau(start, end, p float64) float64 {
	p = math.Min(1, math.Max(0, p))
	return (1-p)*start + p*end
}

func checkSchedule(who string, start, end float64) error {
	for _, t := range []float64{start, end} {
		if !(t > 0) || math.IsInf(t, 0) {
			return fmt.Errorf("relax: %s temperature schedule %g → %g: temperatures must be positive and finite", who, start, end)
		}
	}
	return nil
}

func checkTau(who string, tau float64) {
	if !(tau > 0) || math.IsInf(tau, 0) {
		panic(fmt.Sprintf("relax: %s temperature %g is not positive and finite (set its schedule, e.g. with its New constructor)", who, tau))
	}
}

func needRNG(who string, d Draw) *rand.Rand {
	if d.RNG == nil {
		panic(fmt.Sprintf("relax: %s samples at random and needs Draw.RNG", who))
	}
	return d.RNG
}
