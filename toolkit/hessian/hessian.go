package hessian

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// ErrNotConverged is returned (wrapped) with the last estimate when power iteration used all
// its iterations without meeting the tolerance; errors.Is tells it from a failure of the
// Hessian-vector product, and the estimate may still be used as a diagnostic.
var ErrNotConverged = errors.New("power iteration did not converge")

// HVP is a Hessian-vector product: v ↦ Hv.
type HVP func(v []float64) ([]float64, error)

// DominantEigen returns the eigenvalue of largest magnitude of the symmetric matrix H behind
// hvp, and its unit eigenvector, by power iteration from a random start drawn from rng: v ←
// Hv/‖Hv‖, the estimate being the Rayleigh quotient vᵀHv. It stops when two successive
// estimates differ by at most tol·|estimate| (tol > 0) or after iters products. When tol > 0
// and the estimate has not settled, it returns the last estimate with an error wrapping
// ErrNotConverged; tol = 0 runs exactly iters products and returns no such error. The
// eigenvalue is negative when the dominant direction has negative curvature (see
// LargestEigen for the largest algebraic eigenvalue). A zero product (H v = 0) gives 0.
func DominantEigen(hvp HVP, dim, iters int, tol float64, rng *rand.Rand) (float64, []float64, error) {
	if dim < 1 || iters < 1 || tol < 0 || math.IsNaN(tol) || rng == nil || hvp == nil {
		return 0, nil, fmt.Errorf("hessian: power iteration needs dim ≥ 1 (%d), iters ≥ 1 (%d), tol ≥ 0 (%g), an HVP and a random source", dim, iters, tol)
	}
	v := make([]float64, dim)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	scale(v, 1/norm(v))
	lambda, prev := 0.0, math.NaN()
	for it := 0; it < iters; it++ {
		w, err := hvp(v)
		if err != nil {
			return 0, nil, fmt.Errorf("hessian: power iteration step %d: %w", it, err)
		}
		if len(w) != dim {
			return 0, nil, fmt.Errorf("hessian: HVP returned %d values for dimension %d", len(w), dim)
		}
		lambda = dot(v, w)
		n := norm(w)
		if math.IsNaN(lambda) || math.IsInf(lambda, 0) || math.IsNaN(n) {
			return 0, nil, fmt.Errorf("hessian: power iteration step %d: non-finite Hessian-vector product", it)
		}
		if n == 0 {
			return 0, v, nil
		}
		scale(w, 1/n)
		v = w
		if tol > 0 && !math.IsNaN(prev) && math.Abs(lambda-prev) <= tol*math.Abs(lambda) {
			return lambda, v, nil
		}
		prev = lambda
	}
	if tol > 0 {
		return lambda, v, fmt.Errorf("hessian: %d iterations, last estimate %g: %w", iters, lambda, ErrNotConverged)
	}
	return lambda, v, nil
}

// LargestEigen returns the largest (algebraic) eigenvalue of the symmetric matrix behind hvp,
// the quantity RobustDARTS reports (max of the eigenvalues). It runs DominantEigen; when the
// dominant eigenvalue λ₁ is negative it runs it again on H − λ₁I, whose eigenvalues are ≥ 0 and
// whose dominant one is λmax − λ₁. Errors are those of DominantEigen (ErrNotConverged
// included, with the estimate).
func LargestEigen(hvp HVP, dim, iters int, tol float64, rng *rand.Rand) (float64, []float64, error) {
	l1, v1, err := DominantEigen(hvp, dim, iters, tol, rng)
	if err != nil && !errors.Is(err, ErrNotConverged) {
		return 0, nil, err
	}
	if l1 >= 0 {
		return l1, v1, err
	}
	shifted := func(v []float64) ([]float64, error) {
		w, err := hvp(v)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(w))
		for i := range w {
			out[i] = w[i] - l1*v[i]
		}
		return out, nil
	}
	mu, v, err2 := DominantEigen(shifted, dim, iters, tol, rng)
	if err2 != nil && !errors.Is(err2, ErrNotConverged) {
		return 0, nil, err2
	}
	return mu + l1, v, errors.Join(err, err2)
}

// FiniteDiffHVP returns the central finite-difference Hessian-vector product of the function
// whose gradient is grad, at x: Hv ≈ (∇f(x + hv) − ∇f(x − hv)) / 2h with h = eps/‖v‖, so that
// the points probed are at distance eps from x whatever v's length (DARTS's second-order step
// uses the same scaling, with eps = 0.01). Each product costs two gradients; x is copied, and
// grad must not keep the slices it is given. The error is O(eps²·‖v‖·third derivative).
func FiniteDiffHVP(grad func(x []float64) ([]float64, error), x []float64, eps float64) (HVP, error) {
	if grad == nil || len(x) == 0 || !(eps > 0) {
		return nil, fmt.Errorf("hessian: finite-difference HVP needs a gradient, a point and eps > 0 (eps %g, %d coordinates)", eps, len(x))
	}
	x0 := append([]float64(nil), x...)
	return func(v []float64) ([]float64, error) {
		if len(v) != len(x0) {
			return nil, fmt.Errorf("hessian: vector of length %d at a point of dimension %d", len(v), len(x0))
		}
		n := norm(v)
		if n == 0 {
			return make([]float64, len(v)), nil
		}
		h := eps / n
		p := make([]float64, len(x0))
		for i := range p {
			p[i] = x0[i] + h*v[i]
		}
		gp, err := grad(p)
		if err != nil {
			return nil, fmt.Errorf("hessian: gradient at x+hv: %w", err)
		}
		for i := range p {
			p[i] = x0[i] - h*v[i]
		}
		gm, err := grad(p)
		if err != nil {
			return nil, fmt.Errorf("hessian: gradient at x−hv: %w", err)
		}
		if len(gp) != len(x0) || len(gm) != len(x0) {
			return nil, fmt.Errorf("hessian: gradient of length %d/%d at a point of dimension %d", len(gp), len(gm), len(x0))
		}
		out := make([]float64, len(x0))
		for i := range out {
			out[i] = (gp[i] - gm[i]) / (2 * h)
		}
		return out, nil
	}, nil
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

func scale(a []float64, c float64) {
	for i := range a {
		a[i] *= c
	}
}
