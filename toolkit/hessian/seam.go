package hessian

import "github.com/dartboard-nas/dartboard/datasets"

// The types below mirror, field for field and method for method, the types of the Method seam
// (toolkit/search and toolkit/relax) that this branch does not have yet. When the seam is
// merged, replace them by aliases:
//
//	type Passes = search.Passes
//	type PassOptions = search.PassOptions
//	type PassResult = search.PassResult
//	type Sample = relax.Sample

// Passes is the part of search.Passes AlphaGradient uses.
type Passes interface {
	Pass(b datasets.Batch, mix [][][]float32, opt PassOptions) (*PassResult, error)
}

// PassOptions selects what a pass computes (mirror of search.PassOptions).
type PassOptions struct {
	// Params and Mix ask for the gradients of the weights and of the mixing weights.
	Params, Mix bool
	// FrozenStats leaves batch norm's running statistics as they are.
	FrozenStats bool
}

// PassResult is what a pass returns (mirror of search.PassResult).
type PassResult struct {
	Loss, Correct float64
	GParams       [][]float32
	GMix          [][][]float32
}

// Sample is one group's mixing weights and the map of their gradient back to α (mirror of
// relax.Sample).
type Sample struct {
	Mix  [][]float32
	VJP  func(gMix [][]float32) [][]float32
	Hard []int
}
