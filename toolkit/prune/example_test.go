package prune_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/prune"
)

// Top-k shrinking: every 2 epochs, each edge drops its 2 weakest operations.
func ExampleTopK() {
	expected := [][][]float32{{{0.1, 0.5, 0.3, 0.1}}} // one group, one edge, 4 operations
	masks := [][][]bool{{{true, true, true, true}}}
	p := prune.TopK{Every: 2, Drop: 2}
	fmt.Println(p.Prune(0, expected, masks)) // epoch 0: not yet
	fmt.Println(p.Prune(1, expected, masks))
	// Output:
	// []
	// [[[false true true false]]]
}
