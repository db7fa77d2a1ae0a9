package perturb

import (
	"github.com/dartboard-nas/dartboard/toolkit/relax"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// The search's types a perturbation works with.
type (
	// Passes runs the supernet (search.Passes).
	Passes = search.Passes
	// PassOptions selects what a pass computes (search.PassOptions).
	PassOptions = search.PassOptions
	// PassResult is what a pass returns (search.PassResult).
	PassResult = search.PassResult
	// Sample is one group's mixing weights and their VJP (relax.Sample).
	Sample = relax.Sample
	// Draw is the step's view of the search (relax.Draw).
	Draw = relax.Draw
)
