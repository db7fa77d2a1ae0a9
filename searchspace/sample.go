package searchspace

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// sampleStream keeps the genotype sampler's random stream apart from others of the same seed.
const sampleStream = 0x72616e646f6d6765 // "randomge"

// SampleOptions tunes SampleGenotypes.
type SampleOptions struct {
	// Like, when not nil, asks for genotypes whose evaluation network under Net has a
	// parameter count within Tolerance (relative) of Like's.
	Like *Genotype
	// Net is the evaluation network the parameter counts are taken on (see Size).
	Net NetConfig
	// Tolerance is the relative parameter-count tolerance; 0 means 0.10 (±10 %).
	Tolerance float64
	// MaxTries bounds the draws spent on each matched genotype; 0 means 10000.
	MaxTries int
}

// SampleCell draws one random cell of space with the DARTS rule: each intermediate node gets
// two distinct inputs among the states before it, chosen uniformly, and on each chosen edge
// an operation other than none, chosen uniformly among that edge's operations. Entries are
// listed in increasing input order within a node. It fails when a node has fewer than two
// edges that allow an operation other than none.
func SampleCell(space CellSpace, rng *rand.Rand) ([]OpInput, error) {
	if err := space.Validate(); err != nil {
		return nil, err
	}
	ops := make([]OpInput, 0, 2*space.Steps)
	for node := range space.Steps {
		var inputs []int
		for in := range space.Inputs + node {
			if len(nonNone(space.OpsOn(space.EdgeIndex(node, in)))) > 0 {
				inputs = append(inputs, in)
			}
		}
		if len(inputs) < 2 {
			return nil, fmt.Errorf("searchspace: sample from space %q: node %d has %d edges with an operation other than none: want at least 2", space.Name, node, len(inputs))
		}
		i := rng.IntN(len(inputs))
		j := rng.IntN(len(inputs) - 1)
		if j >= i {
			j++
		}
		a, b := min(inputs[i], inputs[j]), max(inputs[i], inputs[j])
		for _, in := range []int{a, b} {
			cand := nonNone(space.OpsOn(space.EdgeIndex(node, in)))
			ops = append(ops, OpInput{Op: cand[rng.IntN(len(cand))], Input: in})
		}
	}
	return ops, nil
}

func nonNone(ops []string) []string {
	out := make([]string, 0, len(ops))
	for _, o := range ops {
		if o != OpNone {
			out = append(out, o)
		}
	}
	return out
}

// SampleGenotype draws a random genotype of space: a normal and a reduction cell drawn by
// SampleCell, each concatenating every intermediate node.
func SampleGenotype(space CellSpace, rng *rand.Rand) (Genotype, error) {
	n, err := SampleCell(space, rng)
	if err != nil {
		return Genotype{}, err
	}
	r, err := SampleCell(space, rng)
	if err != nil {
		return Genotype{}, err
	}
	return Genotype{Normal: n, NormalConcat: concatOr(nil, space), Reduce: r, ReduceConcat: concatOr(nil, space)}, nil
}

// SampleGenotypes draws n random genotypes of space (see SampleGenotype) from one stream
// seeded by seed, so that the first k genotypes of a call with n > k are those of a call with
// n = k. With opt.Like set, it keeps only genotypes whose parameter count under opt.Net lies
// within opt.Tolerance of Like's (rejection sampling), and fails with an error giving the
// range it saw when opt.MaxTries draws in a row all miss.
func SampleGenotypes(space CellSpace, n int, seed uint64, opt SampleOptions) ([]Genotype, error) {
	if n < 1 {
		return nil, fmt.Errorf("searchspace: sample %d genotypes: want at least 1", n)
	}
	tol, tries := opt.Tolerance, opt.MaxTries
	if tol == 0 {
		tol = 0.10
	}
	if tries == 0 {
		tries = 10000
	}
	if !(tol > 0) || tries < 1 {
		return nil, fmt.Errorf("searchspace: sample: tolerance %g and max tries %d must be positive", opt.Tolerance, opt.MaxTries)
	}
	var target int64
	if opt.Like != nil {
		p, _, err := Size(*opt.Like, opt.Net)
		if err != nil {
			return nil, fmt.Errorf("searchspace: sample: the reference genotype: %w", err)
		}
		target = p
	}
	rng := rand.New(rand.NewPCG(seed, sampleStream))
	out := make([]Genotype, 0, n)
	for len(out) < n {
		if opt.Like == nil {
			g, err := SampleGenotype(space, rng)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
			continue
		}
		lo, hi := int64(math.MaxInt64), int64(0)
		found := false
		for range tries {
			g, err := SampleGenotype(space, rng)
			if err != nil {
				return nil, err
			}
			p, _, err := Size(g, opt.Net)
			if err != nil {
				return nil, fmt.Errorf("searchspace: sample: %w", err)
			}
			lo, hi = min(lo, p), max(hi, p)
			if math.Abs(float64(p-target)) <= tol*float64(target) {
				out = append(out, g)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("searchspace: sample genotype %d of %d: none of %d draws had a parameter count within ±%g%% of %d (the draws ranged over %d..%d): widen the tolerance or pick another reference",
				len(out)+1, n, tries, 100*tol, target, lo, hi)
		}
	}
	return out, nil
}

// SkipCount returns the number of skip_connect entries of a cell (the usual symptom of DARTS's
// collapse when counted on the normal cell).
func SkipCount(ops []OpInput) int {
	n := 0
	for _, o := range ops {
		if o.Op == OpSkipConnect {
			n++
		}
	}
	return n
}
