package search_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// A method is a composition of components; nil ones take DARTS's. MiLeNAS is DARTS with the
// mixed-level architect.
func ExampleMethod() {
	m := search.Method{Name: "milenas", Architect: search.MixedLevel{Lambda: 1}, GradClip: 5}
	s := m.Settings()
	for _, k := range []string{"method", "architect", "relaxation", "alpha-opt", "arch-lr", "weight-opt", "lr"} {
		fmt.Printf("%-10s %s\n", k, s[k])
	}
	// Output:
	// method     milenas
	// architect  mixed-level(λ=1)
	// relaxation relax.Softmax{}
	// alpha-opt  l2(0.001) → adam(betas=(0.5, 0.999), eps=1e-08)
	// arch-lr    0.0003
	// weight-opt l2(0.0003) → sgd(momentum=0.9)
	// lr         cosine(0.025→0.001, stepped before each epoch)
}
