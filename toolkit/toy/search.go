package toy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Landscape returns the validation loss over a grid of two logits: z[r][c] is the loss at
// α = base with α[i] = xs[c] and α[j] = ys[r]. With w nil the weights are trained to their
// optimum at each α (W*(α), the bilevel objective); otherwise w is used everywhere (the
// supernet's shared weights). A random Mixer draws once per grid point.
func (p *Problem) Landscape(mx Mixer, base []float64, i, j int, xs, ys, w []float64) ([][]float64, error) {
	if len(base) != len(p.Ops) {
		return nil, fmt.Errorf("toy: landscape: base α has %d entries for %d operations", len(base), len(p.Ops))
	}
	if i < 0 || j < 0 || i >= len(base) || j >= len(base) || i == j {
		return nil, fmt.Errorf("toy: landscape: axes %d and %d must be two different operations of %d", i, j, len(base))
	}
	z := make([][]float64, len(ys))
	alpha := slices.Clone(base)
	for r, y := range ys {
		z[r] = make([]float64, len(xs))
		for c, x := range xs {
			alpha[i], alpha[j] = x, y
			m, _, err := p.mix(mx, alpha)
			if err != nil {
				return nil, err
			}
			ww := w
			if ww == nil {
				if ww, err = p.Inner(m); err != nil {
					return nil, err
				}
			}
			if z[r][c], err = p.ValidLoss(ww, m); err != nil {
				return nil, fmt.Errorf("toy: landscape: %w", err)
			}
		}
	}
	return z, nil
}

// RandomWeights returns weights drawn from N(0, scale²/d) with the given seed (untrained
// weights, as a supernet starts), or nil when the edge has no conv_1x1.
func (p *Problem) RandomWeights(seed uint64, scale float64) []float64 {
	if p.conv < 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x3e1))
	w := make([]float64, p.NumWeights())
	for i := range w {
		w[i] = scale * rng.NormFloat64() / math.Sqrt(float64(p.Dim))
	}
	return w
}

// SearchConfig sets up an α search on the toy.
type SearchConfig struct {
	// Order selects the architecture gradient: 0 the exact hypergradient (the weights at
	// their optimum W*(α) at every step; no weight steps), 1 first-order DARTS, 2 second-order
	// DARTS.
	Order int
	// Steps is the number of architecture steps.
	Steps int
	// ArchLR is the learning rate of plain gradient descent on α.
	ArchLR float64
	// WeightLR is the learning rate of gradient descent on W, WeightSteps (0: 1) steps after
	// every architecture step, as DARTS alternates them. Orders 1 and 2 need it.
	WeightLR    float64
	WeightSteps int
	// Xi is second order's unrolling step ξ (0: WeightLR, as DARTS).
	Xi float64
	// Alpha0 is the initial α (nil: zeros); W0 the initial weights (nil: zeros).
	Alpha0, W0 []float64
	// BeforeStep, when not nil, is called with the step number (0-based) before each
	// architecture step: a random relaxation's Mixer reads its step and schedule progress
	// from it.
	BeforeStep func(step int)
}

// Path is the record of a search: the state before every step and after the last.
type Path struct {
	// Alpha has Steps+1 rows.
	Alpha [][]float64
	// Mix is the mixing weights each architecture step used (Steps rows).
	Mix [][]float64
	// Loss is the validation loss of each architecture step (Grad.Loss).
	Loss []float64
	// W is the final weights.
	W []float64
}

// Search runs gradient descent on α with the gradient cfg.Order selects, alternating with
// gradient descent on the weights for orders 1 and 2 (each architecture step first, then the
// weight steps on a new draw of the mixing weights).
func (p *Problem) Search(mx Mixer, cfg SearchConfig) (*Path, error) {
	switch {
	case cfg.Order < 0 || cfg.Order > 2:
		return nil, fmt.Errorf("toy: search order %d: want 0 (exact), 1 or 2", cfg.Order)
	case cfg.Steps < 0 || cfg.ArchLR < 0:
		return nil, fmt.Errorf("toy: search: %d steps at α learning rate %g", cfg.Steps, cfg.ArchLR)
	case cfg.Order > 0 && p.conv >= 0 && !(cfg.WeightLR > 0):
		return nil, fmt.Errorf("toy: search order %d needs a positive weight learning rate, got %g", cfg.Order, cfg.WeightLR)
	}
	alpha := make([]float64, len(p.Ops))
	if cfg.Alpha0 != nil {
		if len(cfg.Alpha0) != len(p.Ops) {
			return nil, fmt.Errorf("toy: search: α0 has %d entries for %d operations", len(cfg.Alpha0), len(p.Ops))
		}
		copy(alpha, cfg.Alpha0)
	}
	var w []float64
	if p.conv >= 0 {
		w = make([]float64, p.NumWeights())
		if cfg.W0 != nil {
			if len(cfg.W0) != len(w) {
				return nil, fmt.Errorf("toy: search: W0 has %d weights, want %d", len(cfg.W0), len(w))
			}
			copy(w, cfg.W0)
		}
	}
	xi := cfg.Xi
	if xi == 0 {
		xi = cfg.WeightLR
	}
	wsteps := max(cfg.WeightSteps, 1)
	path := &Path{Alpha: [][]float64{slices.Clone(alpha)}}
	for step := range cfg.Steps {
		if cfg.BeforeStep != nil {
			cfg.BeforeStep(step)
		}
		var g Grad
		var err error
		switch cfg.Order {
		case 0:
			g, err = p.Exact(mx, alpha)
		case 1:
			g, err = p.FirstOrder(mx, alpha, w)
		case 2:
			g, err = p.SecondOrder(mx, alpha, w, xi)
		}
		if err != nil {
			return nil, fmt.Errorf("toy: search step %d: %w", len(path.Loss), err)
		}
		for k := range alpha {
			alpha[k] -= cfg.ArchLR * g.Alpha[k]
		}
		path.Mix = append(path.Mix, g.Mix)
		path.Loss = append(path.Loss, g.Loss)
		path.Alpha = append(path.Alpha, slices.Clone(alpha))
		if cfg.Order == 0 || p.conv < 0 {
			continue
		}
		m, _, err := p.mix(mx, alpha)
		if err != nil {
			return nil, err
		}
		for range wsteps {
			_, _, gw := p.trainGrads(w, m)
			for i := range w {
				w[i] -= cfg.WeightLR * gw[i]
			}
		}
	}
	if cfg.Order == 0 && p.conv >= 0 {
		m, _, err := p.mix(mx, alpha)
		if err != nil {
			return nil, err
		}
		if w, err = p.Inner(m); err != nil {
			return nil, err
		}
	}
	path.W = w
	return path, nil
}

// HessianEigenvalues returns the eigenvalues, in increasing order, of the training loss's
// Hessian in W at mixing weights m (each is an eigenvalue of m_conv²·S + λI with multiplicity
// d, S the training inputs' second moments), or nil when the edge has no conv_1x1. Gradient
// descent on W converges for learning rates below 2/largest; H⁻¹, which second-order DARTS
// replaces by ξ·I, reaches 1/smallest.
func (p *Problem) HessianEigenvalues(m []float64) ([]float64, error) {
	if err := p.check(nil, m); err != nil {
		return nil, err
	}
	if p.conv < 0 {
		return nil, nil
	}
	mc := m[p.conv]
	return symmetricEigenvalues(axpy(scaled(p.train.s, mc*mc), p.Lambda, identity(p.Dim))), nil
}
