package optim_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/optim"
)

// DARTS's weight optimizer: SGD with momentum 0.9 and L2 weight decay 3e-4, gradients clipped
// to a global norm of 5, learning rate cosine-annealed from 0.025 to 0.001 over 50 epochs.
func ExampleSGD() {
	w := [][]float32{{1, 2}}
	g := [][]float32{{30, 40}} // norm 50: clipped to 5
	norm := optim.ClipGlobalNorm(g, 5)
	sgd := optim.Chain(&optim.SGD{Momentum: 0.9}, optim.L2{Coef: 3e-4})
	lr := optim.Cosine(0.025, 0.001, 0, 50)
	if err := sgd.Step(w, g, lr); err != nil {
		panic(err)
	}
	fmt.Printf("norm %.0f, lr %.3f, w %.4f\n", norm, lr, w[0])
	// Output: norm 50, lr 0.025, w [0.9250 1.9000]
}
