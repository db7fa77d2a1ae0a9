package toy_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/toy"
)

// The exact hypergradient against DARTS's first- and second-order gradients at α = 0, with the
// weights trained to their optimum.
func ExampleProblem_Exact() {
	p := toy.MustNew(toy.DefaultConfig()) // skip_connect, conv_1x1, none
	alpha := []float64{0, 0, 0}
	exact, _ := p.Exact(softmax, alpha)
	w, _ := p.Inner(exact.Mix)
	first, _ := p.FirstOrder(softmax, alpha, w)
	second, _ := p.SecondOrder(softmax, alpha, w, toy.ArrowXi)
	fmt.Printf("f(α) = %.4f\n", exact.Loss)
	fmt.Printf("exact  %.4f\n", exact.Alpha)
	fmt.Printf("first  %.4f\n", first.Alpha)
	fmt.Printf("second %.4f\n", second.Alpha)
	angle, rel := toy.Compare(first.Alpha, exact.Alpha)
	fmt.Printf("first order: %.1f°, relative error %.2f\n", angle, rel)
	// Output:
	// f(α) = 0.5624
	// exact  [0.0741 -0.1690 0.0949]
	// first  [0.1364 -0.3667 0.2303]
	// second [0.1360 -0.3655 0.2295]
	// first order: 4.3°, relative error 1.19
}

// A first-order DARTS search from untrained weights: the parameter-free skip_connect leads
// early, conv_1x1 overtakes it once its weights have trained.
func ExampleProblem_Search() {
	p := toy.MustNew(toy.DefaultConfig())
	path, _ := p.Search(softmax, toy.SearchConfig{
		Order: 1, Steps: 100, ArchLR: 0.5, WeightLR: 0.05, W0: p.RandomWeights(3, 1),
	})
	for _, s := range []int{0, 20, 100} {
		fmt.Printf("step %3d: α %.2f\n", s, path.Alpha[s])
	}
	// Output:
	// step   0: α [0.00 0.00 0.00]
	// step  20: α [0.51 -0.29 -0.22]
	// step 100: α [0.46 1.19 -1.65]
}
