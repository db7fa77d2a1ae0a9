package relax_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/dartboard-nas/dartboard/toolkit/relax"
)

// GDAS samples one operation per edge; the temperature of its straight-through gradient
// falls from 10 to 0.1 over the search.
func ExampleGumbelHard() {
	g := relax.NewGumbelHard()
	alpha := [][]float32{{0, 2, 0}}
	ops := [][]string{{"none", "sep_conv_3x3", "skip_connect"}}
	rng := rand.New(rand.NewPCG(1, 2))
	counts := make([]int, 3)
	for step := range 1000 {
		s := g.Sample(alpha, ops, relax.Draw{Step: step, Progress: 0.5, RNG: rng})
		counts[s.Hard[0]]++
	}
	fmt.Printf("τ at the start, middle, end: %g %g %g\n", g.Tau(0), g.Tau(0.5), g.Tau(1))
	fmt.Printf("chosen in 1000 draws: %v\n", counts)
	fmt.Printf("%s: %.3f\n", g.Weights(), g.Expected(alpha, ops)[0])
	// Output:
	// τ at the start, middle, end: 10 5.05 0.1
	// chosen in 1000 draws: [104 795 101]
	// softmax(α): [0.107 0.787 0.107]
}

// SNAS's soft sample: a random point of the simplex, sharper as τ falls.
func ExampleGumbelSoft() {
	g := relax.NewGumbelSoft()
	alpha := [][]float32{{0, 1, 0}}
	for _, p := range []float64{0, 1} {
		s := g.Sample(alpha, nil, relax.Draw{Progress: p, RNG: rand.New(rand.NewPCG(3, 4))})
		fmt.Printf("τ %.2f: %.3f\n", g.Tau(p), s.Mix[0])
	}
	// Output:
	// τ 1.00: [0.200 0.767 0.033]
	// τ 0.03: [0.000 1.000 0.000]
}

// DrNAS's Dirichlet relaxation reports the Dirichlet mean β/Σβ, β = elu(α)+1.
func ExampleDirichlet() {
	var d relax.Dirichlet
	alpha := [][]float32{{0, 1, -1}}
	fmt.Printf("%s: %.3f\n", d.Weights(), d.Expected(alpha, nil)[0])
	s := d.Sample(alpha, nil, relax.Draw{RNG: rand.New(rand.NewPCG(5, 6))})
	var sum float32
	for _, x := range s.Mix[0] {
		sum += x
	}
	fmt.Printf("a sample sums to %.3f\n", sum)
	// Output:
	// Dirichlet mean: [0.297 0.594 0.109]
	// a sample sums to 1.000
}

// Grouped: the parametric and parameter-free operations of an edge compete separately, each
// group taking half the weight.
func ExampleGrouped() {
	g := relax.NewGrouped()
	alpha := [][]float32{{3, 0, 0, 0}}
	ops := [][]string{{"skip_connect", "none", "sep_conv_3x3", "dil_conv_3x3"}}
	fmt.Printf("%.3f\n", g.Expected(alpha, ops)[0])
	// Output:
	// [0.476 0.024 0.250 0.250]
}

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
