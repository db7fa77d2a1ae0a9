package analysis

import (
	"fmt"
	"math"
)

// LinearOp is a symmetric linear map given by its product: a Hessian-vector product v ↦ H v.
type LinearOp func(v []float64) ([]float64, error)

// CGOptions tunes ConjugateGradient.
type CGOptions struct {
	// Tol stops the iteration when ‖b − A x‖ ≤ Tol·‖b‖; 0 means 1e-10.
	Tol float64
	// MaxIter bounds the iterations (each one product); 0 means 10·len(b).
	MaxIter int
	// Damping adds Damping·I to A (solves (A + δI) x = b), for Hessians that are not positive
	// definite at the point where they are taken.
	Damping float64
}

// CGResult is the outcome of ConjugateGradient.
type CGResult struct {
	// X is the solution.
	X []float64
	// Iterations is the number of products with A taken.
	Iterations int
	// Residual is ‖b − A x‖/‖b‖ at the end (recomputed, not the recurrence's estimate).
	Residual float64
}

// ConjugateGradient solves A x = b for a symmetric positive definite A given by its product,
// from x = 0. It fails when A shows a direction of non-positive curvature (vᵀAv ≤ 0: not
// positive definite; add Damping), when a product fails or has the wrong length, or when the
// tolerance is not reached within MaxIter iterations (the result then holds the last iterate).
func ConjugateGradient(A LinearOp, b []float64, opt CGOptions) (CGResult, error) {
	tol, maxIter := opt.Tol, opt.MaxIter
	if tol == 0 {
		tol = 1e-10
	}
	if maxIter == 0 {
		maxIter = 10 * len(b)
	}
	apply := func(v []float64) ([]float64, error) {
		av, err := A(v)
		if err != nil {
			return nil, err
		}
		if len(av) != len(v) {
			return nil, fmt.Errorf("analysis: conjugate gradient: a product of length %d for a vector of length %d", len(av), len(v))
		}
		if opt.Damping != 0 {
			av = axpy(opt.Damping, v, av)
		}
		return av, nil
	}
	res := CGResult{X: make([]float64, len(b))}
	bn := norm(b)
	if bn == 0 {
		return res, nil
	}
	r := append([]float64(nil), b...)
	p := append([]float64(nil), b...)
	rr := dot(r, r)
	for res.Iterations < maxIter {
		ap, err := apply(p)
		if err != nil {
			return res, err
		}
		res.Iterations++
		pap := dot(p, ap)
		if !(pap > 0) {
			return res, fmt.Errorf("analysis: conjugate gradient: curvature pᵀAp = %g ≤ 0 at iteration %d: the operator is not positive definite (add damping)", pap, res.Iterations)
		}
		a := rr / pap
		res.X = axpy(a, p, res.X)
		r = axpy(-a, ap, r)
		rrNew := dot(r, r)
		if math.Sqrt(rrNew) <= tol*bn {
			break
		}
		p = axpy(rrNew/rr, p, r) // p = r + β p
		rr = rrNew
	}
	ax, err := apply(res.X)
	if err != nil {
		return res, err
	}
	res.Residual = norm(axpy(-1, ax, b)) / bn
	if res.Residual > 10*tol {
		return res, fmt.Errorf("analysis: conjugate gradient: relative residual %.3g after %d iterations, want ≤ %g", res.Residual, res.Iterations, tol)
	}
	return res, nil
}

// Cosine returns the cosine similarity of a and b (NaN when either is zero or the lengths
// differ).
func Cosine(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.NaN()
	}
	return dot(a, b) / (norm(a) * norm(b))
}

// RelativeError returns ‖a − ref‖/‖ref‖ (NaN when the lengths differ).
func RelativeError(a, ref []float64) float64 {
	if len(a) != len(ref) {
		return math.NaN()
	}
	return norm(axpy(-1, ref, a)) / norm(ref)
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

// axpy returns a·x + y as a new slice.
func axpy(a float64, x, y []float64) []float64 {
	out := make([]float64, len(y))
	for i := range y {
		out[i] = a*x[i] + y[i]
	}
	return out
}
