package search

import (
	"fmt"
	"math"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
)

// vjps maps the mixing weights' gradients of a pass back to α through each group's sample.
func vjps(samples []relax.Sample, gMix [][][]float32) [][][]float32 {
	out := make([][][]float32, len(samples))
	for i, smp := range samples {
		out[i] = smp.VJP(gMix[i])
	}
	return out
}

// alphaGrad runs one pass for the gradient of the loss on b with respect to α.
func alphaGrad(p Passes, b datasets.Batch, samples []relax.Sample, opt PassOptions) (*PassResult, [][][]float32, error) {
	opt.Mix = true
	res, err := p.Pass(b, mixes(samples), opt)
	if err != nil {
		return nil, nil, err
	}
	return res, vjps(samples, res.GMix), nil
}

// FirstOrder is first-order DARTS: α's gradient is ∇α L_val(w, α) at the current weights
// (Liu et al., DARTS, ICLR 2019, eq. 7 with ξ = 0).
type FirstOrder struct{}

// Name returns "first-order".
func (FirstOrder) Name() string { return "first-order" }

// SingleSplit is false: α trains on the validation split.
func (FirstOrder) SingleSplit() bool { return false }

// Gradient returns ∇α L_val on vb.
func (FirstOrder) Gradient(p Passes, _, vb datasets.Batch, samples []relax.Sample) (float64, [][][]float32, error) {
	res, g, err := alphaGrad(p, vb, samples, PassOptions{})
	if err != nil {
		return 0, nil, err
	}
	return res.Loss, g, nil
}

// SecondOrder is second-order DARTS (Liu et al., DARTS, ICLR 2019, eq. 6–8):
// ∇α L_val(w', α) − ξ·(∇α L_train(w⁺, α) − ∇α L_train(w⁻, α))/(2ε), with the unrolled weights
// w' one step of the weights' own optimizer (momentum and weight decay included) from w along
// ∇w L_train(w, α), v = ∇w' L_val(w', α), w± = w ± ε·v, ε = 0.01/‖v‖ and ξ the weights'
// learning rate. Every pass uses the step's one sample, and none updates batch norm's running
// statistics (quark0/darts runs the unrolled pass on a copy of the model).
type SecondOrder struct{}

// Name returns "second-order".
func (SecondOrder) Name() string { return "second-order" }

// SingleSplit is false.
func (SecondOrder) SingleSplit() bool { return false }

// Gradient returns the unrolled α gradient.
func (SecondOrder) Gradient(p Passes, tb, vb datasets.Batch, samples []relax.Sample) (float64, [][][]float32, error) {
	xi := p.WeightLR()
	frozen := PassOptions{FrozenStats: true}
	mix := mixes(samples)
	w := p.Weights()
	defer p.SetWeights(w)
	res, err := p.Pass(tb, mix, PassOptions{Params: true, FrozenStats: true})
	if err != nil {
		return 0, nil, err
	}
	p.SetWeights(p.VirtualStep(w, res.GParams, xi))
	val, g, err := alphaGrad(p, vb, samples, PassOptions{Params: true, FrozenStats: true})
	if err != nil {
		return 0, nil, err
	}
	v := val.GParams
	norm := optim.GlobalNorm(v)
	if norm == 0 {
		return val.Loss, g, nil
	}
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return 0, nil, fmt.Errorf("unrolled validation gradient norm is %v: %w", norm, ErrNonFinite)
	}
	eps := 0.01 / norm
	perturbed := func(sign float64) ([][][]float32, error) {
		q := make([][]float32, len(w))
		for i := range w {
			q[i] = make([]float32, len(w[i]))
			for j := range w[i] {
				q[i][j] = w[i][j] + float32(sign*eps)*v[i][j]
			}
		}
		p.SetWeights(q)
		_, gs, err := alphaGrad(p, tb, samples, frozen)
		return gs, err
	}
	plus, err := perturbed(1)
	if err != nil {
		return 0, nil, err
	}
	minus, err := perturbed(-1)
	if err != nil {
		return 0, nil, err
	}
	for i := range g {
		for e := range g[i] {
			for k := range g[i][e] {
				g[i][e][k] -= float32(xi * (float64(plus[i][e][k]) - float64(minus[i][e][k])) / (2 * eps))
			}
		}
	}
	return val.Loss, g, nil
}

// MixedLevel is MiLeNAS's mixed-level optimization: α's gradient is
// ∇α L_val(w, α) + λ·∇α L_train(w, α) (He, Wang, Zhang, "MiLeNAS: Efficient Neural
// Architecture Search via Mixed-Level Reformulation", CVPR 2020; λ = 1 in its experiments).
type MixedLevel struct {
	// Lambda weighs the training loss's gradient (0 means 1).
	Lambda float64
}

// Name returns "mixed-level".
func (MixedLevel) Name() string { return "mixed-level" }

// SingleSplit is false.
func (MixedLevel) SingleSplit() bool { return false }

// String describes the architect.
func (m MixedLevel) String() string { return fmt.Sprintf("mixed-level(λ=%g)", m.lambda()) }

func (m MixedLevel) lambda() float64 {
	if m.Lambda == 0 {
		return 1
	}
	return m.Lambda
}

// Gradient returns ∇α L_val + λ·∇α L_train; the loss reported is the validation loss.
func (m MixedLevel) Gradient(p Passes, tb, vb datasets.Batch, samples []relax.Sample) (float64, [][][]float32, error) {
	val, g, err := alphaGrad(p, vb, samples, PassOptions{})
	if err != nil {
		return 0, nil, err
	}
	_, gt, err := alphaGrad(p, tb, samples, PassOptions{FrozenStats: true})
	if err != nil {
		return 0, nil, err
	}
	lam := float32(m.lambda())
	for i := range g {
		for e := range g[i] {
			for k := range g[i][e] {
				g[i][e][k] += lam * gt[i][e][k]
			}
		}
	}
	return val.Loss, g, nil
}

// SingleLevel trains α and the weights on the same training batch: α's gradient is
// ∇α L_train(w, α) (the one-level baseline of DARTS, §3.3, and of "Single-level optimization
// for differential architecture search", Hou & Jin 2020). One-level DARTS is reported to fail
// because the task is too easy; Augment, when set, makes that batch harder (stronger crop,
// cutout) for both steps.
type SingleLevel struct {
	Augment *datasets.Augment
}

// Name returns "single-level".
func (SingleLevel) Name() string { return "single-level" }

// SingleSplit is true: α's batch is the weight step's batch.
func (SingleLevel) SingleSplit() bool { return true }

// TrainAugment is the augmentation of the shared batch (nil: the search's).
func (s SingleLevel) TrainAugment() *datasets.Augment { return s.Augment }

// String describes the architect.
func (s SingleLevel) String() string {
	if s.Augment == nil {
		return "single-level"
	}
	return fmt.Sprintf("single-level(augment=%+v)", *s.Augment)
}

// Gradient returns ∇α L_train on tb.
func (SingleLevel) Gradient(p Passes, tb, _ datasets.Batch, samples []relax.Sample) (float64, [][][]float32, error) {
	res, g, err := alphaGrad(p, tb, samples, PassOptions{})
	if err != nil {
		return 0, nil, err
	}
	return res.Loss, g, nil
}
