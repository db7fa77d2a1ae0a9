package toy

import (
	"fmt"
	"math"
)

// Grad is an architecture gradient and where it was taken.
type Grad struct {
	// Loss is the validation loss at the weights the gradient used: W*(α) for Exact, w for
	// FirstOrder, the unrolled w' for SecondOrder.
	Loss float64
	// Alpha is the gradient with respect to α.
	Alpha []float64
	// Mix is the mixing weights the gradient used (one draw of the Mixer).
	Mix []float64
}

// Exact returns the hypergradient of the inner-optimized validation loss
// f(α) = L_valid(W*(α), α) by the implicit function theorem,
//
//	∇f = ∂_α L_valid − ∂²_{αW} L_train · H⁻¹ ∇_W L_valid,  H = ∇²_W L_train,
//
// exact here because the training loss is quadratic in W. Its Loss is f(α).
func (p *Problem) Exact(mx Mixer, alpha []float64) (Grad, error) {
	m, vjp, err := p.mix(mx, alpha)
	if err != nil {
		return Grad{}, err
	}
	w, err := p.Inner(m)
	if err != nil {
		return Grad{}, err
	}
	lv, gm, gw := p.grads(p.valid, w, m)
	if p.conv >= 0 {
		chol, err := p.hessian(m)
		if err != nil {
			return Grad{}, fmt.Errorf("toy: exact hypergradient: %w", err)
		}
		v := solveRight(mat{r: p.Dim, c: p.Dim, v: gw}, chol) // H⁻¹ ∇_W L_valid
		mc := m[p.conv]
		_, gMt := p.train.loss(p.model(w, m))
		for k, f := range p.fixed {
			var mixed mat // ∂/∂m_k of ∇_W L_train
			if k == p.conv {
				mixed = axpy(gMt, mc, mul(mat{r: p.Dim, c: p.Dim, v: w}, p.train.s))
			} else {
				mixed = scaled(mul(f, p.train.s), mc)
			}
			gm[k] -= dot(mixed.v, v.v)
		}
	}
	return Grad{Loss: lv, Alpha: vjp(gm), Mix: m}, nil
}

// InnerLoss returns f(α) = L_valid(W*(α), α), the validation loss with the weights trained to
// their optimum at α.
func (p *Problem) InnerLoss(mx Mixer, alpha []float64) (float64, error) {
	m, _, err := p.mix(mx, alpha)
	if err != nil {
		return 0, err
	}
	w, err := p.Inner(m)
	if err != nil {
		return 0, err
	}
	return p.ValidLoss(w, m)
}

// FirstOrder returns first-order DARTS's gradient ∂_α L_valid(w, α) at the current weights w
// (nil when the edge has no conv_1x1), ignoring how the weights depend on α.
func (p *Problem) FirstOrder(mx Mixer, alpha, w []float64) (Grad, error) {
	m, vjp, err := p.mix(mx, alpha)
	if err != nil {
		return Grad{}, err
	}
	if err := p.check(w, m); err != nil {
		return Grad{}, err
	}
	lv, gm, _ := p.grads(p.valid, w, m)
	return Grad{Loss: lv, Alpha: vjp(gm), Mix: m}, nil
}

// SecondOrder returns second-order DARTS's gradient as quark0/darts's architect computes it:
// the weights are unrolled one SGD step, w' = w − ξ ∇_w L_train(w, α); the gradient is
// ∂_α L_valid(w', α) − ξ (∂_α L_train(w⁺, α) − ∂_α L_train(w⁻, α)) / (2ε) with
// v = ∇_{w'} L_valid(w', α), w± = w ± ε v and ε = 0.01/‖v‖ (a finite-difference
// Hessian-vector product, taken at w). ξ must be positive.
func (p *Problem) SecondOrder(mx Mixer, alpha, w []float64, xi float64) (Grad, error) {
	if !(xi > 0) {
		return Grad{}, fmt.Errorf("toy: second order needs ξ > 0, got %g", xi)
	}
	m, vjp, err := p.mix(mx, alpha)
	if err != nil {
		return Grad{}, err
	}
	if err := p.check(w, m); err != nil {
		return Grad{}, err
	}
	if p.conv < 0 {
		lv, gm, _ := p.grads(p.valid, nil, m)
		return Grad{Loss: lv, Alpha: vjp(gm), Mix: m}, nil
	}
	_, _, gwt := p.trainGrads(w, m)
	unrolled := make([]float64, len(w))
	for i := range w {
		unrolled[i] = w[i] - xi*gwt[i]
	}
	lv, gm, v := p.grads(p.valid, unrolled, m)
	if nv := norm(v); nv > 0 {
		eps := 0.01 / nv
		plus, minus := make([]float64, len(w)), make([]float64, len(w))
		for i := range w {
			plus[i], minus[i] = w[i]+eps*v[i], w[i]-eps*v[i]
		}
		_, gp, _ := p.trainGrads(plus, m)
		_, gn, _ := p.trainGrads(minus, m)
		for k := range gm {
			gm[k] -= xi * (gp[k] - gn[k]) / (2 * eps)
		}
	}
	return Grad{Loss: lv, Alpha: vjp(gm), Mix: m}, nil
}

// Compare returns the angle in degrees between g and ref and the relative error
// ‖g − ref‖/‖ref‖. The angle is NaN when either is zero.
func Compare(g, ref []float64) (angle, relErr float64) {
	if len(g) != len(ref) {
		return math.NaN(), math.NaN()
	}
	diff := make([]float64, len(g))
	for i := range g {
		diff[i] = g[i] - ref[i]
	}
	ng, nr := norm(g), norm(ref)
	c := dot(g, ref) / (ng * nr)
	return math.Acos(math.Max(-1, math.Min(1, c))) * 180 / math.Pi, norm(diff) / nr
}
