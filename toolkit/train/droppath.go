package train

import (
	"fmt"
	"math/rand/v2"
)

// dropStream separates the drop-path random stream from the other uses of the seed.
const dropStream = 0x64726f7070617468 // "droppath"

// DropPathMasks returns the drop-path masks of one training step: for each of slots mask
// inputs, batch values, each 1/(1−prob) with probability 1−prob and 0 otherwise (DARTS's
// drop_path: a Bernoulli keep mask divided by the keep probability). The values are a pure
// function of (seed, step), so a resumed run draws the same masks without saved random state.
// With prob 0 every value is 1.
func DropPathMasks(seed uint64, step, slots, batch int, prob float64) ([][]float32, error) {
	if !(prob >= 0 && prob < 1) {
		return nil, fmt.Errorf("drop path: probability %v: want [0, 1)", prob)
	}
	if step < 0 || slots < 0 || batch < 0 {
		return nil, fmt.Errorf("drop path: step %d, %d slots, batch %d: want non-negative", step, slots, batch)
	}
	out := make([][]float32, slots)
	if prob == 0 {
		for k := range out {
			out[k] = ones(batch)
		}
		return out, nil
	}
	keep := 1 - prob
	scale := float32(1 / keep)
	rng := rand.New(rand.NewPCG(seed^dropStream, uint64(step)))
	for k := range out {
		m := make([]float32, batch)
		for i := range m {
			if rng.Float64() < keep {
				m[i] = scale
			}
		}
		out[k] = m
	}
	return out, nil
}

func ones(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 1
	}
	return v
}
