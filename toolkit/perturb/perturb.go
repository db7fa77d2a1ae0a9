package perturb

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dartboard-nas/dartboard/datasets"
)

// Ramp is SDARTS's ε schedule: ε = Start + (End − Start) · epoch / Epochs, epoch =
// ⌊progress · Epochs⌋, as train_search.py of SDARTS sets it at each epoch start
// (epsilon_alpha = 0.03 + (0.3 − 0.03) · epoch / epochs). With Epochs 0 the ramp is
// continuous in progress; with End 0 ε stays Start.
type Ramp struct {
	Start, End float64
	Epochs     int
}

// SDARTSRamp returns SDARTS's schedule for a search of epochs epochs: 0.03 to 0.3.
func SDARTSRamp(epochs int) Ramp { return Ramp{Start: 0.03, End: 0.3, Epochs: epochs} }

// Epsilon returns ε at progress in [0, 1].
func (r Ramp) Epsilon(progress float64) float64 {
	if r.End == 0 {
		return r.Start
	}
	f := progress
	if r.Epochs > 0 {
		f = math.Floor(progress*float64(r.Epochs)+1e-9) / float64(r.Epochs)
	}
	return r.Start + (r.End-r.Start)*f
}

func (r Ramp) check() error {
	if !(r.Start > 0) || r.End < 0 || r.Epochs < 0 {
		return fmt.Errorf("perturb: ε ramp %+v: want Start > 0, End ≥ 0, Epochs ≥ 0", r)
	}
	return nil
}

// Clip projects one row of mixing weights as SDARTS's clip does: clamp every weight to
// [0, 1]; if all become 0, the row's largest weight before clamping becomes 1; divide by the
// sum. It works in place.
func Clip(row []float32) {
	if len(row) == 0 {
		return
	}
	best := 0
	for k, x := range row {
		if x > row[best] {
			best = k
		}
	}
	var s float64
	for k, x := range row {
		row[k] = min(max(x, 0), 1)
		s += float64(row[k])
	}
	if s == 0 {
		row[best] = 1
		s = 1
	}
	for k := range row {
		row[k] = float32(float64(row[k]) / s)
	}
}

func copyMix(samples []Sample) [][][]float32 {
	out := make([][][]float32, len(samples))
	for g, s := range samples {
		out[g] = make([][]float32, len(s.Mix))
		for e, row := range s.Mix {
			out[g][e] = append([]float32(nil), row...)
		}
	}
	return out
}

// addUniform adds U(−eps, eps) to every weight (draws in group, edge, column order) and clips
// every row.
func addUniform(mix [][][]float32, eps float64, rng *rand.Rand) {
	for _, g := range mix {
		for _, row := range g {
			for k := range row {
				row[k] += float32((2*rng.Float64() - 1) * eps)
			}
			Clip(row)
		}
	}
}

// withMix returns samples whose Mix is mix (VJP kept, Hard dropped: a perturbed row is not
// one-hot).
func withMix(samples []Sample, mix [][][]float32) []Sample {
	out := make([]Sample, len(samples))
	for g, s := range samples {
		out[g] = Sample{Mix: mix[g], VJP: s.VJP}
	}
	return out
}

// RandomSmoothing is SDARTS-RS: before the weight pass, every mixing weight gets uniform
// noise in [−ε, ε] and every row is clipped back (Clip). It runs no pass. The mixing weights
// are meant to be softmax weights (rows on the simplex), as in SDARTS.
type RandomSmoothing struct {
	Ramp Ramp
}

// NewSDARTSRS returns SDARTS-RS with SDARTSRamp(epochs).
func NewSDARTSRS(epochs int) RandomSmoothing { return RandomSmoothing{Ramp: SDARTSRamp(epochs)} }

// String describes the perturbation for meta data.
func (r RandomSmoothing) String() string {
	return fmt.Sprintf("sdarts-rs(eps %g→%g over %d epochs)", r.Ramp.Start, r.Ramp.End, r.Ramp.Epochs)
}

// Perturb returns the samples with perturbed mixing weights; the inputs are not changed. The
// noise comes from d.RNG (the search's checkpointed source).
func (r RandomSmoothing) Perturb(_ Passes, _ datasets.Batch, samples []Sample, d Draw) ([]Sample, error) {
	if err := r.Ramp.check(); err != nil {
		return nil, err
	}
	if d.RNG == nil {
		return nil, errors.New("perturb: sdarts-rs needs the step's random source")
	}
	mix := copyMix(samples)
	addUniform(mix, r.Ramp.Epsilon(d.Progress), d.RNG)
	return withMix(samples, mix), nil
}

// Adversarial is SDARTS-ADV: an L∞ PGD attack on the mixing weights of the weight pass
// (SDARTS's Linf_PGD_alpha). From the step's weights w₀ (optionally a uniform random start in
// the ε-ball), Steps times: w ← w + (2ε/Steps) · sign(∂loss/∂w) on the training batch, then
// w ← w₀ + clamp(w − w₀, −ε, ε) and Clip on every row. If the attack ends with a lower loss
// than w₀ had, w₀ is kept. It costs Steps + 2 passes (Steps with the mixing-weight gradient).
//
// The attack's passes leave batch norm's running statistics alone (FrozenStats): SDARTS runs
// the attack with the network in evaluation mode, so its attack does not move them either
// (it does normalize with the running statistics, where these passes use the batch's).
type Adversarial struct {
	Ramp        Ramp
	Steps       int
	RandomStart bool
}

// NewSDARTSADV returns SDARTS-ADV with SDARTS's settings: SDARTSRamp(epochs), 7 steps, random
// start.
func NewSDARTSADV(epochs int) Adversarial {
	return Adversarial{Ramp: SDARTSRamp(epochs), Steps: 7, RandomStart: true}
}

// String describes the perturbation for meta data.
func (a Adversarial) String() string {
	return fmt.Sprintf("sdarts-adv(eps %g→%g over %d epochs, %d steps, random start %v)",
		a.Ramp.Start, a.Ramp.End, a.Ramp.Epochs, a.Steps, a.RandomStart)
}

func sign(x float32) float32 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// Perturb runs the attack on tb and returns the samples with the attacked mixing weights;
// the inputs are not changed.
func (a Adversarial) Perturb(p Passes, tb datasets.Batch, samples []Sample, d Draw) ([]Sample, error) {
	if err := a.Ramp.check(); err != nil {
		return nil, err
	}
	if a.Steps < 1 {
		return nil, fmt.Errorf("perturb: sdarts-adv with %d steps", a.Steps)
	}
	if a.RandomStart && d.RNG == nil {
		return nil, errors.New("perturb: sdarts-adv's random start needs the step's random source")
	}
	eps := a.Ramp.Epsilon(d.Progress)
	lr := float32(2 * eps / float64(a.Steps))
	saved := copyMix(samples)
	before, err := p.Pass(tb, saved, PassOptions{FrozenStats: true})
	if err != nil {
		return nil, fmt.Errorf("perturb: sdarts-adv loss before the attack: %w", err)
	}
	cur := copyMix(samples)
	if a.RandomStart {
		addUniform(cur, eps, d.RNG)
	}
	for step := 0; step < a.Steps; step++ {
		r, err := p.Pass(tb, cur, PassOptions{Mix: true, FrozenStats: true})
		if err != nil {
			return nil, fmt.Errorf("perturb: sdarts-adv step %d: %w", step, err)
		}
		if len(r.GMix) != len(cur) {
			return nil, fmt.Errorf("perturb: sdarts-adv step %d: %d mixing-weight gradients for %d groups", step, len(r.GMix), len(cur))
		}
		for g := range cur {
			for e, row := range cur[g] {
				for k := range row {
					w := row[k] + lr*sign(r.GMix[g][e][k])
					row[k] = saved[g][e][k] + min(max(w-saved[g][e][k], float32(-eps)), float32(eps))
				}
				Clip(row)
			}
		}
	}
	after, err := p.Pass(tb, cur, PassOptions{FrozenStats: true})
	if err != nil {
		return nil, fmt.Errorf("perturb: sdarts-adv loss after the attack: %w", err)
	}
	if before.Loss > after.Loss {
		cur = saved
	}
	return withMix(samples, cur), nil
}
