package train_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/train"
)

// The DARTS evaluation schedule: the learning rate falls from 0.025 to 0 on a cosine (stepped
// before each epoch, as quark0/darts: epoch e at the rate of e+1) while the drop-path
// probability rises linearly to 0.2.
func ExampleConfig_LRAt() {
	cfg := train.DefaultConfig()
	for _, e := range []int{0, 150, 300, 599} {
		fmt.Printf("epoch %3d: lr %.5f, drop path %.3f\n", e, cfg.LRAt(e), cfg.DropProbAt(e))
	}
	// Output:
	// epoch   0: lr 0.02500, drop path 0.000
	// epoch 150: lr 0.02129, drop path 0.050
	// epoch 300: lr 0.01243, drop path 0.100
	// epoch 599: lr 0.00000, drop path 0.200
}

// Drop-path masks are a function of (seed, step): each value keeps a path (1/keep) or drops it
// (0) for one example at one edge.
func ExampleDropPathMasks() {
	masks, err := train.DropPathMasks(0, 7, 2, 8, 0.5)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range masks {
		fmt.Println(m)
	}
	again, _ := train.DropPathMasks(0, 7, 2, 8, 0.5)
	fmt.Println("same for the same step:", fmt.Sprint(again) == fmt.Sprint(masks))
	// Output:
	// [0 2 0 2 2 2 0 0]
	// [0 2 2 0 0 0 0 2]
	// same for the same step: true
}
