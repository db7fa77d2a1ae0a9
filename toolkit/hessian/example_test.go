package hessian_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dartboard-nas/dartboard/toolkit/hessian"
)

// The dominant eigenvalue of f(x, y) = x² − 3y² + xy from its gradient alone.
func ExampleDominantEigen() {
	grad := func(p []float64) ([]float64, error) {
		x, y := p[0], p[1]
		return []float64{2*x + y, -6*y + x}, nil
	}
	hvp, err := hessian.FiniteDiffHVP(grad, []float64{0.3, -0.1}, 0.01)
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	dominant, _, err := hessian.DominantEigen(hvp, 2, 200, 1e-10, rng)
	if err != nil {
		panic(err)
	}
	largest, _, err := hessian.LargestEigen(hvp, 2, 200, 1e-10, rng)
	if err != nil {
		panic(err)
	}
	// The Hessian [[2, 1], [1, −6]] has eigenvalues −2 ± √17.
	fmt.Printf("dominant %.4f, largest %.4f\n", dominant, largest)
	// Output: dominant -6.1231, largest 2.1231
}
