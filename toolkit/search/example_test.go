package search_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// A relaxation maps α logits to mixing weights, and the mixing weights' gradient back to α.
func ExampleSoftmax() {
	mix, vjp := search.Softmax{}.Mix([][]float32{{0, 0, 0, 0}, {2, 0, 0, 0}})
	fmt.Printf("%.3f\n%.3f\n", mix[0], mix[1])
	// The gradient of mixing weight 0 alone, back to α.
	g := vjp([][]float32{{1, 0, 0, 0}, {0, 0, 0, 0}})
	fmt.Printf("%.4f\n", g[0])
	// Output:
	// [0.250 0.250 0.250 0.250]
	// [0.711 0.096 0.096 0.096]
	// [0.1875 -0.0625 -0.0625 -0.0625]
}
