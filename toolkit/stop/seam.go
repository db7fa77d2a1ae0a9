package stop

import "github.com/dartboard-nas/dartboard/searchspace"

// The two types below mirror search.EpochStats and search.Decision field for field (the
// Method seam of toolkit/search, which this branch does not have yet). When the seam is
// merged, replace them by aliases:
//
//	type EpochStats = search.EpochStats
//	type Decision = search.Decision
//
// and every stopper here satisfies search.Stopper unchanged.

// EpochStats is what a stopper sees at each epoch end (mirror of search.EpochStats).
type EpochStats struct {
	Epoch     int
	Genotype  searchspace.Genotype
	SkipCount int
	// Expected mixing weights per group.
	Expected [][][]float32
	// ValidLoss, ValidAcc of the epoch's evaluation.
	ValidLoss, ValidAcc float64
	// HessianEig is the dominant eigenvalue of the validation loss's Hessian w.r.t. α (0 when
	// not measured).
	HessianEig float64
}

// Decision is a stopper's verdict (mirror of search.Decision).
type Decision struct {
	// Stop ends the search after this epoch; Reason says why (logged).
	Stop   bool
	Reason string
	// Keep, when not nil, is the genotype the search reports instead of the current one.
	Keep *searchspace.Genotype
}
