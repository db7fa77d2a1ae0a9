package analysis

import (
	"errors"
	"fmt"
)

// GradFunc returns the gradients of a loss with respect to the weights w and the
// architecture parameters α, at (w, α).
type GradFunc func(w, alpha []float64) (gw, galpha []float64, err error)

// Bilevel is the bilevel problem of differentiable architecture search,
//
//	min_α L_val(w*(α), α)   with   w*(α) = argmin_w L_train(w, α),
//
// given by the gradients of its two losses. Its methods compute DARTS's approximations of the
// hypergradient dL_val(w*(α), α)/dα and two references for them.
type Bilevel struct {
	// Train and Val are the gradients of L_train and L_val.
	Train, Val GradFunc
	// TrainHVP, when not nil, returns the exact second-derivative products of L_train at
	// (w, α) with a weight-space vector v: hww = ∇²_ww L_train · v and haw = ∇²_αw L_train · v.
	// When nil they are central finite differences of Train (see Eps).
	TrainHVP func(w, alpha, v []float64) (hww, haw []float64, err error)
	// Eps sets the finite-difference step ε = Eps/‖v‖; 0 means 0.01, DARTS's value.
	Eps float64
}

// hvp returns ∇²_ww L_train · v and ∇²_αw L_train · v at (w, α).
func (b Bilevel) hvp(w, alpha, v []float64) (hww, haw []float64, err error) {
	if b.TrainHVP != nil {
		return b.TrainHVP(w, alpha, v)
	}
	nv := norm(v)
	if nv == 0 {
		return make([]float64, len(w)), make([]float64, len(alpha)), nil
	}
	eps := b.Eps
	if eps == 0 {
		eps = 0.01
	}
	e := eps / nv
	gwp, gap, err := b.Train(axpy(e, v, w), alpha)
	if err != nil {
		return nil, nil, err
	}
	gwm, gam, err := b.Train(axpy(-e, v, w), alpha)
	if err != nil {
		return nil, nil, err
	}
	hww, haw = make([]float64, len(gwp)), make([]float64, len(gap))
	for i := range hww {
		hww[i] = (gwp[i] - gwm[i]) / (2 * e)
	}
	for i := range haw {
		haw[i] = (gap[i] - gam[i]) / (2 * e)
	}
	return hww, haw, nil
}

// FirstOrder returns first-order DARTS's α gradient at (w, α): ∇_α L_val(w, α), which treats
// w as if it did not depend on α.
func (b Bilevel) FirstOrder(w, alpha []float64) ([]float64, error) {
	_, ga, err := b.Val(w, alpha)
	return ga, err
}

// SecondOrder returns second-order DARTS's α gradient at (w, α) with the virtual step xi
// (DARTS: the weight learning rate): with w' = w − ξ ∇_w L_train(w, α),
//
//	∇_α L_val(w', α) − ξ ∇²_αw L_train(w, α) ∇_w' L_val(w', α)
//
// the mixed product taken as Bilevel's HVP (DARTS: finite differences).
func (b Bilevel) SecondOrder(w, alpha []float64, xi float64) ([]float64, error) {
	gw, _, err := b.Train(w, alpha)
	if err != nil {
		return nil, err
	}
	w1 := axpy(-xi, gw, w)
	vw, va, err := b.Val(w1, alpha)
	if err != nil {
		return nil, err
	}
	_, haw, err := b.hvp(w, alpha, vw)
	if err != nil {
		return nil, err
	}
	return axpy(-xi, haw, va), nil
}

// Unrolled returns the exact α gradient of L_val(w_K, α) where w_K is reached from w0 by K
// steps of gradient descent on L_train with learning rate lr (w_{k+1} = w_k − lr ∇_w
// L_train(w_k, α)), by reverse-mode differentiation through the K steps:
//
//	v ← ∇_w L_val(w_K),  g ← ∇_α L_val(w_K)
//	for k = K−1 … 0:  g ← g − lr ∇²_αw L_train(w_k) v;  v ← v − lr ∇²_ww L_train(w_k) v
//
// It keeps the K iterates (K·len(w) numbers). As K grows it tends to the implicit gradient at
// w*(α) when the inner problem converges. It also returns w_K.
func (b Bilevel) Unrolled(w0, alpha []float64, lr float64, K int) (g, wK []float64, err error) {
	if K < 1 {
		return nil, nil, fmt.Errorf("analysis: unrolled gradient with %d steps: want at least 1", K)
	}
	ws := make([][]float64, K+1)
	ws[0] = append([]float64(nil), w0...)
	for k := range K {
		gw, _, err := b.Train(ws[k], alpha)
		if err != nil {
			return nil, nil, fmt.Errorf("analysis: unrolled step %d: %w", k, err)
		}
		ws[k+1] = axpy(-lr, gw, ws[k])
	}
	v, g, err := b.Val(ws[K], alpha)
	if err != nil {
		return nil, nil, err
	}
	for k := K - 1; k >= 0; k-- {
		hww, haw, err := b.hvp(ws[k], alpha, v)
		if err != nil {
			return nil, nil, fmt.Errorf("analysis: unrolled step %d backward: %w", k, err)
		}
		g = axpy(-lr, haw, g)
		v = axpy(-lr, hww, v)
	}
	return g, ws[K], nil
}

// Implicit returns the implicit-function α gradient at (w, α), exact when w = w*(α) (a
// minimum of L_train with a positive definite Hessian):
//
//	∇_α L_val − ∇²_αw L_train · (∇²_ww L_train)⁻¹ ∇_w L_val
//
// the Hessian system solved by conjugate gradients on Bilevel's Hessian-vector products.
func (b Bilevel) Implicit(w, alpha []float64, opt CGOptions) ([]float64, CGResult, error) {
	vw, va, err := b.Val(w, alpha)
	if err != nil {
		return nil, CGResult{}, err
	}
	H := func(v []float64) ([]float64, error) {
		hww, _, err := b.hvp(w, alpha, v)
		return hww, err
	}
	res, err := ConjugateGradient(H, vw, opt)
	if err != nil {
		return nil, res, fmt.Errorf("analysis: implicit gradient: %w", err)
	}
	_, haw, err := b.hvp(w, alpha, res.X)
	if err != nil {
		return nil, res, err
	}
	if len(haw) != len(va) {
		return nil, res, errors.New("analysis: implicit gradient: the mixed product's length differs from α's")
	}
	return axpy(-1, haw, va), res, nil
}
