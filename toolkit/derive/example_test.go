package derive_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/derive"
)

// A collapsed S2 search (skip_connect ahead on every edge) derived with and without
// P-DARTS's cap of two skip connections.
func ExampleSkipCap() {
	space, _ := searchspace.NamedSpace("s2")
	w := make([][]float64, space.NumEdges())
	for e := range w {
		w[e] = []float64{0.7 - 0.01*float64(e), 0.3 + 0.01*float64(e)} // skip_connect, sep_conv_3x3
	}
	plain, _ := derive.DARTS{}.Derive(space, w, w)
	capped, _ := derive.NewSkipCap().Derive(space, w, w)
	fmt.Println(plain.Normal)
	fmt.Println(capped.Normal)
	// Output:
	// [{skip_connect 0} {skip_connect 1} {skip_connect 0} {skip_connect 1} {skip_connect 0} {skip_connect 1} {skip_connect 0} {skip_connect 1}]
	// [{skip_connect 0} {skip_connect 1} {sep_conv_3x3 2} {sep_conv_3x3 1} {sep_conv_3x3 3} {sep_conv_3x3 2} {sep_conv_3x3 4} {sep_conv_3x3 3}]
}
