package perturb_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/perturb"
)

// SDARTS's projection of a perturbed row back onto the simplex, and its ε schedule.
func ExampleClip() {
	row := []float32{0.7, -0.1, 0.3}
	perturb.Clip(row)
	fmt.Printf("%.3f\n", row)
	r := perturb.SDARTSRamp(50)
	fmt.Printf("ε: %.4f at the start, %.4f at epoch 25, %.4f at the last epoch\n", r.Epsilon(0), r.Epsilon(0.5), r.Epsilon(0.99))
	// Output:
	// [0.700 0.000 0.300]
	// ε: 0.0300 at the start, 0.1650 at epoch 25, 0.2946 at the last epoch
}
