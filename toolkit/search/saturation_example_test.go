package search_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// A search whose mixing weights are one-hot on every edge after its first steps has stopped
// learning the architecture.
func ExampleSaturated() {
	early := [][]float32{{0.2, 0.5, 0.3}, {0.34, 0.33, 0.33}}
	collapsed := [][]float32{{0, 1, 0}, {0.9999, 0.0001, 0}}
	fmt.Println(search.Saturated(early, 1e-3), search.Saturated(collapsed, 1e-3))
	// Output: false true
}
