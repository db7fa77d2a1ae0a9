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

// A symmetric positive definite system solved from its products alone.
func ExampleConjugateGradient() {
	A := func(v []float64) ([]float64, error) { return []float64{4*v[0] + v[1], v[0] + 3*v[1]}, nil }
	res, err := analysis.ConjugateGradient(A, []float64{1, 2}, analysis.CGOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("x = [%.4f %.4f] in %d iterations\n", res.X[0], res.X[1], res.Iterations)
	// Output:
	// x = [0.0909 0.6364] in 2 iterations
}

// A one-dimensional bilevel problem with a known answer: L_train = ½(w − α)², L_val = ½(w − 1)²,
// so w*(α) = α and the hypergradient is α − 1 = 2 at α = 3. First-order DARTS sees 0 (L_val
// does not depend on α directly), second-order DARTS with ξ = 0.5 gets half of it, and the
// references find it.
func ExampleBilevel() {
	b := analysis.Bilevel{
		Train: func(w, a []float64) ([]float64, []float64, error) {
			return []float64{w[0] - a[0]}, []float64{a[0] - w[0]}, nil
		},
		Val: func(w, a []float64) ([]float64, []float64, error) {
			return []float64{w[0] - 1}, []float64{0}, nil
		},
	}
	alpha, wStar := []float64{3}, []float64{3}
	first, _ := b.FirstOrder(wStar, alpha)
	second, _ := b.SecondOrder(wStar, alpha, 0.5)
	unrolled, _, _ := b.Unrolled([]float64{0}, alpha, 0.5, 60)
	implicit, _, _ := b.Implicit(wStar, alpha, analysis.CGOptions{})
	fmt.Printf("first order %.4f, second order %.4f, unrolled %.4f, implicit %.4f\n", first[0], second[0], unrolled[0], implicit[0])
	// Output:
	// first order 0.0000, second order 1.0000, unrolled 2.0000, implicit 2.0000
}

// Four architectures scored on two supernets (their validation accuracy as sub-networks with
// inherited weights), against their stand-alone accuracy.
func ExampleRankSupernetScores() {
	scores := [][]float64{
		{0.50, 0.75, 0.125, 0.625}, // supernet of seed 1
		{0.50, 0.25, 0.250, 0.500}, // supernet of seed 2
	}
	standAlone := []float64{0.80, 0.90, 0.70, 0.85}
	r, err := analysis.RankSupernetScores(scores, standAlone)
	if err != nil {
		panic(err)
	}
	fmt.Printf("mean scores %v\nτ-b %.4f, per supernet %.4f\n", r.Score, r.Tau, r.PerSupernet)
	// Output:
	// mean scores [0.5 0.5 0.1875 0.5625]
	// τ-b 0.5477, per supernet [1.0000 0.0000]
}
