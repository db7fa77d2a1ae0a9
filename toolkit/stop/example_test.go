package stop_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/stop"
)

// DARTS-ES on a dominant eigenvalue that starts to climb at the fourth epoch. Reasons count
// epochs from 1, as the progress lines do.
func ExampleDARTSES() {
	es := &stop.DARTSES{Growth: stop.Growth{Factor: 1.3, K: 2, Window: 1}}
	eig := []float64{0.20, 0.21, 0.21, 0.25, 0.30, 0.41}
	for epoch, v := range eig {
		g, _ := searchspace.Named("DARTS_V2")
		d := es.Check(stop.EpochStats{Epoch: epoch, HessianEig: v, Genotype: g})
		if d.Stop {
			fmt.Println(d.Reason)
			break
		}
	}
	// Output: darts-es: eigenvalue local average 0.3 at epoch 5 is 1.43× its value 0.21 at epoch 3 (> 1.3); keeping the genotype of epoch 3
}
