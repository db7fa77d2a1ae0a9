package analysis_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/analysis"
)

// Rank correlation between supernet scores and stand-alone accuracies, with a tie.
func ExampleKendallTau() {
	supernet := []float64{0.61, 0.70, 0.70, 0.82}
	standalone := []float64{0.90, 0.91, 0.93, 0.92}
	tau, err := analysis.KendallTau(supernet, standalone)
	if err != nil {
		panic(err)
	}
	fmt.Printf("τ-b = %.4f\n", tau)
	// Output:
	// τ-b = 0.5477
}

func ExampleMeanStd() {
	m, s, err := analysis.MeanStd([]float64{0.912, 0.905, 0.921})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.4f ± %.4f\n", m, s)
	// Output:
	// 0.9127 ± 0.0080
}

// How much of DARTS_V2 the first-order DARTS genotype shares.
func ExampleCompare() {
	v1, _ := searchspace.Named("DARTS_V1")
	v2, _ := searchspace.Named("DARTS_V2")
	s, err := analysis.Compare(v1, v2)
	if err != nil {
		panic(err)
	}
	fmt.Println(s)
	fmt.Printf("normal cell: %.0f%% of the (edge, op) pairs shared\n", 100*s.Normal.OpFraction())
	// Output:
	// normal 8/8 edges 5/8 ops, reduce 6/8 edges 6/8 ops
	// normal cell: 62% of the (edge, op) pairs shared
}
