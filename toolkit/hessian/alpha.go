package hessian

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/dartboard-nas/dartboard/datasets"
)

// AlphaGradient returns the gradient, with respect to the flattened α (Flatten order), of the
// supernet's loss on batch b: α is unflattened like like, turned into mixing weights by
// sample (one Sample per group; it must be deterministic, e.g. the relaxation's Sample with a
// zero Draw for softmax, since a finite difference of two random draws measures nothing), run
// through one pass that asks for the mixing weights' gradient and leaves batch norm's running
// statistics alone (FrozenStats), and mapped back to α by each sample's VJP. The weights are not
// touched: the analysis does not change the model. The caller keeps every other input of the
// pass fixed between calls (the batch, and the random keys of a space with noise).
func AlphaGradient(p Passes, b datasets.Batch, like [][][]float32, sample func(alpha [][][]float32) ([]Sample, error)) func(x []float64) ([]float64, error) {
	return func(x []float64) ([]float64, error) {
		alpha, err := Unflatten(x, like)
		if err != nil {
			return nil, err
		}
		samples, err := sample(alpha)
		if err != nil {
			return nil, fmt.Errorf("hessian: mixing weights: %w", err)
		}
		if len(samples) != len(alpha) {
			return nil, fmt.Errorf("hessian: %d samples for %d α groups", len(samples), len(alpha))
		}
		mix := make([][][]float32, len(samples))
		for g, s := range samples {
			mix[g] = s.Mix
		}
		r, err := p.Pass(b, mix, PassOptions{Mix: true, FrozenStats: true})
		if err != nil {
			return nil, fmt.Errorf("hessian: α pass: %w", err)
		}
		if len(r.GMix) != len(samples) {
			return nil, fmt.Errorf("hessian: the pass returned %d mixing-weight gradients for %d groups", len(r.GMix), len(samples))
		}
		grads := make([][][]float32, len(samples))
		for g, s := range samples {
			grads[g] = s.VJP(r.GMix[g])
		}
		return Flatten(grads), nil
	}
}

// Options tunes AlphaEig.
type Options struct {
	// Iters is the most Hessian-vector products per power iteration (0: 20); Tol its relative
	// tolerance (0: 1e-3); Eps the finite-difference step (0: 0.01, DARTS's).
	Iters int
	Tol   float64
	Eps   float64
	// Dominant returns the eigenvalue of largest magnitude instead of the largest one.
	Dominant bool
}

// AlphaEig returns the largest eigenvalue of the Hessian of the loss on b with respect to α
// (RobustDARTS's max(eigvals(H)); with opt.Dominant the eigenvalue of largest magnitude), by
// power iteration (LargestEigen, DominantEigen) on FiniteDiffHVP of AlphaGradient at alpha. It
// costs two α passes per product. An estimate that did not settle within opt.Iters comes back
// with an error wrapping ErrNotConverged.
func AlphaEig(p Passes, b datasets.Batch, alpha [][][]float32, sample func(alpha [][][]float32) ([]Sample, error), opt Options, rng *rand.Rand) (float64, error) {
	if opt.Iters == 0 {
		opt.Iters = 20
	}
	if opt.Tol == 0 {
		opt.Tol = 1e-3
	}
	if opt.Eps == 0 {
		opt.Eps = 0.01
	}
	x := Flatten(alpha)
	hvp, err := FiniteDiffHVP(AlphaGradient(p, b, alpha, sample), x, opt.Eps)
	if err != nil {
		return 0, err
	}
	eig := LargestEigen
	if opt.Dominant {
		eig = DominantEigen
	}
	l, _, err := eig(hvp, len(x), opt.Iters, opt.Tol, rng)
	if err != nil && !errors.Is(err, ErrNotConverged) {
		return 0, err
	}
	return l, err
}

// Probe measures the Hessian's eigenvalue for a search (it implements search.Curvature) with
// AlphaEig and its Options. An estimate that did not settle within Options.Iters is still
// returned (it is a diagnostic), without an error.
type Probe struct {
	Options Options
}

// Eigenvalue returns AlphaEig's estimate at alpha on b.
func (p Probe) Eigenvalue(passes Passes, b datasets.Batch, alpha [][][]float32, sample func([][][]float32) ([]Sample, error), rng *rand.Rand) (float64, error) {
	l, err := AlphaEig(passes, b, alpha, sample, p.Options, rng)
	if errors.Is(err, ErrNotConverged) {
		return l, nil
	}
	return l, err
}
