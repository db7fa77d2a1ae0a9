package relax_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/relax"
)

// A relaxation maps α logits to mixing weights, and the mixing weights' gradient back to α.
func ExampleSoftmax() {
	smp := relax.Softmax{}.Sample([][]float32{{0, 0, 0, 0}, {2, 0, 0, 0}}, nil, relax.Draw{})
	fmt.Printf("%.3f\n%.3f\n", smp.Mix[0], smp.Mix[1])
	// The gradient of mixing weight 0 alone, back to α.
	g := smp.VJP([][]float32{{1, 0, 0, 0}, {0, 0, 0, 0}})
	fmt.Printf("%.4f\n", g[0])
	// Output:
	// [0.250 0.250 0.250 0.250]
	// [0.711 0.096 0.096 0.096]
	// [0.1875 -0.0625 -0.0625 -0.0625]
}
