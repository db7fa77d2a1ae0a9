package datasets

import (
	"math/bits"
	"math/rand/v2"
)

// Stream tags keep the random streams of different purposes independent for one seed.
const (
	streamPermutation  = 0x7065726d75746174 // "permutat"
	streamAugmentation = 0x6175676d656e7461 // "augmenta"
	streamSplit        = 0x73706c6974746572 // "splitter"
	streamSample       = 0x73616d706c657273 // "samplers"
	streamPrototype    = 0x70726f746f747970 // "prototyp"
	streamExamples     = 0x6578616d706c6573 // "examples"
)

// mix is the SplitMix64 finalizer: a bijective scrambling of x.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// newSource returns a PCG source for the stream tag and the given coordinates.
func newSource(seed, tag uint64, coords ...uint64) *rand.PCG {
	hi := mix(seed ^ mix(tag))
	lo := mix(tag)
	for _, c := range coords {
		hi = mix(hi ^ c)
		lo = mix(lo + hi)
	}
	return rand.NewPCG(hi, lo)
}

// reseed sets src to the same state as newSource(seed, tag, coords...) without allocating.
func reseed(src *rand.PCG, seed, tag uint64, coords ...uint64) {
	hi := mix(seed ^ mix(tag))
	lo := mix(tag)
	for _, c := range coords {
		hi = mix(hi ^ c)
		lo = mix(lo + hi)
	}
	src.Seed(hi, lo)
}

// uniformInt returns an unbiased integer in [0, n) (n > 0), by Lemire's multiply-shift method.
func uniformInt(src *rand.PCG, n int) int {
	un := uint64(n)
	hi, lo := bits.Mul64(src.Uint64(), un)
	if lo < un {
		threshold := -un % un
		for lo < threshold {
			hi, lo = bits.Mul64(src.Uint64(), un)
		}
	}
	return int(hi)
}

// uniformFloat returns a float64 in [0, 1).
func uniformFloat(src *rand.PCG) float64 {
	return float64(src.Uint64()>>11) / (1 << 53)
}

// permutation returns a random permutation of 0..n-1 (Fisher–Yates).
func permutation(src *rand.PCG, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := uniformInt(src, i+1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}
