package regularize_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/regularize"
)

// FairDARTS's zero-one loss is lowest when every sigmoid weight is 0 or 1: it pulls α away
// from 0. The search sums it over the normal and reduction groups.
func ExampleZeroOne() {
	z := regularize.NewZeroOne()
	alpha := [][]float32{{0.5, -0.5, 3}}
	grad := [][]float32{{0, 0, 0}}
	v := z.Penalty(alpha, nil, 0.5, grad)
	fmt.Printf("%s weight %g: penalty %.4f, gradient %.4f\n", z.Name(), z.At(0.5), v, grad[0])
	// Output:
	// zero-one weight 10: penalty -0.3914, gradient [-0.0959 0.0959 -0.0682]
}

// DrNAS's anchor: the divergence of Dir(elu(α)+1) from the uniform Dir(1), zero at α = 0.
func ExampleKL() {
	k := regularize.NewKL()
	for _, alpha := range [][][]float32{{{0, 0, 0}}, {{2, 0, -1}}} {
		grad := [][]float32{{0, 0, 0}}
		v := k.Penalty(alpha, nil, 0, grad)
		fmt.Printf("α %v: penalty %.3g, gradient %.3g\n", alpha[0], v, grad[0])
	}
	// Output:
	// α [0 0 0]: penalty 0, gradient [0 0 0]
	// α [2 0 -1]: penalty 0.00177, gradient [0.000438 -0.000352 -0.00209]
}

// The coupled L2 penalty of DARTS's α optimizer.
func ExampleL2() {
	l := regularize.NewL2()
	grad := [][]float32{{0, 0}}
	v := l.Penalty([][]float32{{1, -2}}, nil, 0, grad)
	fmt.Printf("penalty %g, gradient %v\n", v, grad[0])
	// Output:
	// penalty 0.0025, gradient [0.001 -0.002]
}

// The expected cost of two layers whose candidates cost 1, 2 and 4 (millions of
// multiply-adds): the first row is uniform (7/3), the second all but picks the cheapest. The
// gradient is positive on the candidates dearer than their row's expectation: a descent step
// moves α towards the cheap ones.
func ExampleCost() {
	c := regularize.Cost{Weight: 0.1, Costs: [][]float64{{1, 2, 4}, {1, 2, 4}}, Unit: "M multiply-adds"}
	alpha := [][]float32{{0, 0, 0}, {5, 0, 0}}
	grad := [][]float32{{0, 0, 0}, {0, 0, 0}}
	v := c.Penalty(alpha, nil, 0, grad)
	fmt.Printf("%s: penalty %.4f, expected cost %.4f\ngradient %.4f\n", c, v, c.Expected(alpha), grad)
	// Output:
	// cost(w 0.1, expected M multiply-adds of 2 rows): penalty 0.3360, expected cost 3.3599
	// gradient [[-0.0444 -0.0111 0.0556] [-0.0026 0.0006 0.0020]]
}
