package regularize

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Regularizer adds a term on α to the architecture objective. It is the search Method's
// Regularizer, repeated here so that this package does not depend on the search.
type Regularizer interface {
	// Name identifies the regularizer in records.
	Name() string
	// Penalty returns the term's value for one group's α at the search's progress in [0, 1]
	// and adds its gradient with respect to α into grad (same shape as alpha; nil: value only).
	Penalty(alpha [][]float32, ops [][]string, progress float64, grad [][]float32) float64
}

// ZeroOne is FairDARTS's zero-one loss, −w·mean((σ(α)−½)²), which pushes each sigmoid weight
// towards 0 or 1 (Chu, Zhou, Zhang, Li, "Fair DARTS: Eliminating Unfair Advantages in
// Differentiable Architecture Search", ECCV 2020). FairDARTS's released code
// (xiaomi-automl/FairDARTS, fairdarts/train_search.py and separate_loss.py) uses
// w = --aux_loss_weight = 10, constant over the search, on the mean over the normal and the
// reduction cell's weights concatenated.
//
// The search calls Penalty once per α group and sums; with Groups equal-size groups each call
// uses weight w/Groups on its own group's mean, so the sum is FairDARTS's term exactly (the
// DARTS space's two groups have the same shape). Ramp > 0 raises w linearly from 0 at progress
// 0 to its full value at progress Ramp (0: constant, FairDARTS).
type ZeroOne struct {
	// Weight is w, FairDARTS's w₀₋₁.
	Weight float64
	// Groups is the number of equal-size α groups the mean runs over (0 counts as 1).
	Groups int
	// Ramp is the progress at which the weight reaches Weight (0: constant).
	Ramp float64
}

// NewZeroOne returns FairDARTS's setting: w = 10, constant, the mean over two α groups.
func NewZeroOne() ZeroOne { return ZeroOne{Weight: 10, Groups: 2} }

// Name returns "zero-one".
func (ZeroOne) Name() string { return "zero-one" }

// String describes the settings for a run's meta data.
func (z ZeroOne) String() string {
	return fmt.Sprintf("zero-one(w %g over %d groups, ramp %g)", z.Weight, z.groups(), z.Ramp)
}

// Check reports a negative or non-finite weight, a negative group count or a ramp outside
// [0, 1].
func (z ZeroOne) Check() error {
	if err := checkCoeff("zero-one weight", z.Weight); err != nil {
		return err
	}
	if z.Groups < 0 {
		return fmt.Errorf("regularize: zero-one over %d groups", z.Groups)
	}
	if !(z.Ramp >= 0 && z.Ramp <= 1) {
		return fmt.Errorf("regularize: zero-one ramp %g is not in [0, 1]", z.Ramp)
	}
	return nil
}

// At is the weight w at progress p (the whole term's, before the split over groups).
func (z ZeroOne) At(p float64) float64 {
	if z.Ramp > 0 && p < z.Ramp {
		return z.Weight * math.Max(0, p) / z.Ramp
	}
	return z.Weight
}

func (z ZeroOne) groups() int { return max(1, z.Groups) }

// Penalty returns −(w/Groups)·mean over the group's entries of (σ(α)−½)² and adds its
// gradient, −(w/Groups)/n·2(σ−½)σ(1−σ), into grad.
func (z ZeroOne) Penalty(alpha [][]float32, _ [][]string, progress float64, grad [][]float32) float64 {
	checkShapes("zero-one", alpha, grad)
	n := count(alpha)
	if n == 0 {
		return 0
	}
	w := z.At(progress) / float64(z.groups()) / float64(n)
	var sum float64
	for e, row := range alpha {
		for k, a := range row {
			s := 1 / (1 + math.Exp(-float64(a)))
			d := s - 0.5
			sum += d * d
			if grad != nil {
				grad[e][k] += float32(-w * 2 * d * s * (1 - s))
			}
		}
	}
	return -w * sum
}

// L2 is the coupled L2 penalty (Coeff/2)·‖α‖², gradient Coeff·α: what torch's Adam
// weight_decay on α computes, as DARTS (arch_weight_decay 1e-3, Liu, Simonyan, Yang, "DARTS:
// Differentiable Architecture Search", ICLR 2019), FairDARTS and DrNAS (whose default
// regularizer is this one at reg_scale 1e-3) use it.
type L2 struct {
	// Coeff is the coefficient (the optimizer's weight decay).
	Coeff float64
}

// NewL2 returns the coefficient 1e-3 of DARTS and DrNAS.
func NewL2() L2 { return L2{Coeff: 1e-3} }

// Name returns "l2".
func (L2) Name() string { return "l2" }

// String describes the settings for a run's meta data.
func (l L2) String() string { return fmt.Sprintf("l2(%g)", l.Coeff) }

// Check reports a negative or non-finite coefficient.
func (l L2) Check() error { return checkCoeff("l2 coefficient", l.Coeff) }

// At is the coefficient, constant over the search.
func (l L2) At(float64) float64 { return l.Coeff }

// Penalty returns (Coeff/2)·Σα² and adds Coeff·α into grad.
func (l L2) Penalty(alpha [][]float32, _ [][]string, progress float64, grad [][]float32) float64 {
	checkShapes("l2", alpha, grad)
	c := l.At(progress)
	var sum float64
	for e, row := range alpha {
		for k, a := range row {
			sum += float64(a) * float64(a)
			if grad != nil {
				grad[e][k] += float32(c * float64(a))
			}
		}
	}
	return c / 2 * sum
}

// KL is DrNAS's anchor regularizer: Scale·Σ_edges KL(Dir(β) ‖ Dir(Prior·1)) with the
// Dirichlet relaxation's concentration β = elu(α)+1 (Chen, Wang, Cheng, Tang, Hsieh, "DrNAS:
// Dirichlet Neural Architecture Search", ICLR 2021). DrNAS's released code
// (xiangning-chen/DrNAS, reg_type "kl") anchors to Dir(1), the uniform distribution on the
// simplex, and scales by reg_scale, whose default is 1e-3 (set for its default L2
// regularizer; its help text says to adjust it for KL). The gradient is exact: digamma, and
// trigamma as the Hurwitz zeta ζ(2, ·).
type KL struct {
	// Scale multiplies the summed divergence.
	Scale float64
	// Prior is the symmetric prior's concentration (DrNAS: 1).
	Prior float64
}

// NewKL returns DrNAS's anchor Dir(1) with scale 1e-3.
func NewKL() KL { return KL{Scale: 1e-3, Prior: 1} }

// Name returns "kl".
func (KL) Name() string { return "kl" }

// String describes the settings for a run's meta data.
func (k KL) String() string {
	return fmt.Sprintf("kl(%g·KL(Dir(elu(α)+1)‖Dir(%g)))", k.Scale, k.Prior)
}

// Check reports a negative or non-finite scale or a prior concentration that is not positive.
func (k KL) Check() error {
	if err := checkCoeff("kl scale", k.Scale); err != nil {
		return err
	}
	if !(k.Prior > 0) || math.IsInf(k.Prior, 0) {
		return fmt.Errorf("regularize: kl prior concentration %g is not positive and finite", k.Prior)
	}
	return nil
}

// At is the scale, constant over the search.
func (k KL) At(float64) float64 { return k.Scale }

// Penalty returns Scale·Σ_edges KL(Dir(β_e) ‖ Dir(Prior)) and adds its gradient into grad:
// ∂KL/∂β_j = (β_j − γ)ψ₁(β_j) − ψ₁(B)(B − nγ), B = Σβ, times dβ/dα = elu'(α).
func (k KL) Penalty(alpha [][]float32, _ [][]string, progress float64, grad [][]float32) float64 {
	checkShapes("kl", alpha, grad)
	if !(k.Prior > 0) {
		panic(fmt.Sprintf("regularize: kl prior concentration %g is not positive", k.Prior))
	}
	scale := k.At(progress)
	g := k.Prior
	var total float64
	for e, row := range alpha {
		if len(row) == 0 {
			continue
		}
		n := float64(len(row))
		beta := make([]float64, len(row))
		var b float64
		for j, a := range row {
			beta[j] = concentration(float64(a))
			b += beta[j]
		}
		lgB, _ := math.Lgamma(b)
		lgG, _ := math.Lgamma(n * g)
		lgg, _ := math.Lgamma(g)
		psiB := mathext.Digamma(b)
		kl := lgB - lgG + n*lgg
		for _, bj := range beta {
			lg, _ := math.Lgamma(bj)
			kl += -lg + (bj-g)*(mathext.Digamma(bj)-psiB)
		}
		total += kl
		if grad != nil {
			tB := trigamma(b)
			for j, bj := range beta {
				d := (bj-g)*trigamma(bj) - tB*(b-n*g)
				grad[e][j] += float32(scale * d * concentrationGrad(float64(row[j])))
			}
		}
	}
	return scale * total
}

// trigamma is ψ₁(x) = ζ(2, x), x > 0.
func trigamma(x float64) float64 { return mathext.Zeta(2, x) }

// concentration is DrNAS's β = elu(α)+1: α+1 for α > 0, exp(α) otherwise.
func concentration(a float64) float64 {
	if a > 0 {
		return a + 1
	}
	return math.Exp(a)
}

// concentrationGrad is dβ/dα.
func concentrationGrad(a float64) float64 {
	if a > 0 {
		return 1
	}
	return math.Exp(a)
}

func checkCoeff(what string, c float64) error {
	if !(c >= 0) || math.IsInf(c, 0) {
		return fmt.Errorf("regularize: %s %g is not a finite non-negative number", what, c)
	}
	return nil
}

// checkShapes panics when grad is given and its shape differs from alpha's: the caller's
// mistake, which Penalty cannot return.
func checkShapes(who string, alpha, grad [][]float32) {
	if grad == nil {
		return
	}
	if len(grad) != len(alpha) {
		panic(fmt.Sprintf("regularize: %s: gradient has %d rows, α %d", who, len(grad), len(alpha)))
	}
	for e := range alpha {
		if len(grad[e]) != len(alpha[e]) {
			panic(fmt.Sprintf("regularize: %s: gradient row %d has %d entries, α %d", who, e, len(grad[e]), len(alpha[e])))
		}
	}
}

func count(alpha [][]float32) int {
	var n int
	for _, row := range alpha {
		n += len(row)
	}
	return n
}
