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
