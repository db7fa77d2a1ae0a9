package perturb

import (
	"math/rand/v2"

	"github.com/dartboard-nas/dartboard/datasets"
)

// The types below mirror, field for field and method for method, the types of the Method
// seam (toolkit/search and toolkit/relax) that this branch does not have yet. When the seam is
// merged, replace them by aliases:
//
//	type Passes = search.Passes
//	type PassOptions = search.PassOptions
//	type PassResult = search.PassResult
//	type Sample = relax.Sample
//	type Draw = relax.Draw
//
// and RandomSmoothing and Adversarial satisfy search.Perturbation unchanged.

// Passes is the part of search.Passes a perturbation uses: a training-mode pass at given
// mixing weights (one table per α group) returning the loss and, as opt asks, the gradient of
// the mixing weights.
type Passes interface {
	Pass(b datasets.Batch, mix [][][]float32, opt PassOptions) (*PassResult, error)
}

// PassOptions selects what a pass computes (mirror of search.PassOptions).
type PassOptions struct {
	// Params and Mix ask for the gradients of the weights and of the mixing weights.
	Params, Mix bool
	// FrozenStats leaves batch norm's running statistics as they are (the pass still
	// normalizes with batch statistics).
	FrozenStats bool
}

// PassResult is what a pass returns (mirror of search.PassResult).
type PassResult struct {
	Loss, Correct float64
	// GParams is the gradient of the trainable weights (when asked).
	GParams [][]float32
	// GMix is the gradient of each group's mixing weights (when asked).
	GMix [][][]float32
}

// Sample is one group's mixing weights for the passes of a step (mirror of relax.Sample).
type Sample struct {
	// Mix has one row per edge, one column per candidate operation.
	Mix [][]float32
	// VJP maps the gradient of Mix to the gradient of α (same shape).
	VJP func(gMix [][]float32) [][]float32
	// Hard, when not nil, is the index of the one operation each edge's sample selects.
	Hard []int
}

// Draw is what a step may depend on besides α (mirror of relax.Draw).
type Draw struct {
	Step     int
	Progress float64
	RNG      *rand.Rand
}
