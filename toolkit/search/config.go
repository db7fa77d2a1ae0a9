package search

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// Config is a search's settings: the supernet, the data, the schedule of the run and the
// Method. DefaultConfig has DARTS's.
type Config struct {
	// Space is the cell search space.
	Space searchspace.CellSpace
	// SearchSpace, when not nil, is the space searched instead of the DARTS cell space Space
	// (NB201Space, MobileSpace); nil searches CellSpace{Space}.
	SearchSpace Space
	// C, Layers: supernet initial channels and cells. Reductions overrides the reduction
	// cells (nil: layers/3 and 2·layers/3).
	C, Layers  int
	Reductions []int
	// Epochs of search; Batch size of both the training and the architecture batches.
	Epochs, Batch int
	// AlphaInit: α is initialized AlphaInit·N(0,1).
	AlphaInit float64
	// Alpha, when not nil, holds the initial α of the groups it gives a table for, in the
	// supernet's group order (Searcher.Groups): one row per edge, one logit per candidate (a
	// progressive search carries the kept operations' α into its next stage). A nil table
	// leaves its group to AlphaInit; a table of the wrong shape is an error of New.
	Alpha [][][]float32
	// Method is the search method (see Method; its zero value is first-order DARTS).
	Method Method
	// Seed drives α and weight initialization, the data order and the method's random draws.
	Seed uint64
	// Depthwise selects the depthwise-convolution form.
	Depthwise nn.DepthwiseMode
	// EvalBatches is the number of validation batches evaluated at each epoch end (0: all,
	// negative: none).
	EvalBatches int
	// LogAlphaEvery records the mixing weights every so many steps (0: 10); epochs always do.
	LogAlphaEvery int
	// CheckpointEvery writes a checkpoint every so many steps (0: only at epoch ends).
	CheckpointEvery int
	// Augment applies to the training batches and, as in quark0/darts (whose validation queue
	// reads the training data with the training transform), to the architecture batches.
	Augment datasets.Augment
	// Curvature, when set, measures the largest eigenvalue of the Hessian of the validation
	// loss with respect to α at every epoch end (the record's hessian_eig; package hessian's
	// Probe) and, with HessianEvery > 0, every HessianEvery steps. A Stopper that needs the
	// eigenvalue (NeedsCurvature) requires it.
	Curvature    Curvature
	HessianEvery int
	// Normalize normalizes every channel; nil uses the training split's statistics.
	// quark0/darts uses the fixed CIFAR-10 constants (datasets.CIFAR10Normalization).
	Normalize *datasets.Normalization
}

// DefaultConfig returns DARTS's CIFAR-10 search settings (quark0/darts train_search.py): 8 cells
// of 16 channels, 50 epochs, batch 64, random crop (padding 4) and horizontal flip,
// α = 1e-3·N(0,1), and first-order DARTS as the method (SGD 0.025→0.001 cosine, momentum 0.9,
// wd 3e-4, clip 5; Adam 3e-4, betas (0.5, 0.999), wd 1e-3).
func DefaultConfig() Config {
	return Config{Space: searchspace.DARTSSpace(), C: 16, Layers: 8, Epochs: 50, Batch: 64,
		AlphaInit: 1e-3, Method: Method{Name: "darts", GradClip: 5}, Seed: 2, LogAlphaEvery: 10,
		Augment: datasets.Augment{CropPadding: 4, Flip: true}}
}

// Validate checks the settings.
func (c Config) Validate() error {
	switch {
	case c.C < 1:
		return fmt.Errorf("search config: channels %d: want at least 1", c.C)
	case c.Layers < 1:
		return fmt.Errorf("search config: layers %d: want at least 1", c.Layers)
	case c.Epochs < 1:
		return fmt.Errorf("search config: epochs %d: want at least 1", c.Epochs)
	case c.Batch < 1:
		return fmt.Errorf("search config: batch %d: want at least 1", c.Batch)
	}
	if err := c.Method.withDefaults().check(); err != nil {
		return fmt.Errorf("search config: %w", err)
	}
	if c.HessianEvery < 0 || (c.HessianEvery > 0 && c.Curvature == nil) {
		return fmt.Errorf("search config: HessianEvery %d: want ≥ 0, and a Curvature probe when positive", c.HessianEvery)
	}
	if n, ok := c.Method.Stopper.(interface{ NeedsCurvature() bool }); ok && n.NeedsCurvature() && c.Curvature == nil {
		return fmt.Errorf("search config: the stopper %v acts on the Hessian's eigenvalue: set Curvature (dartboard search measures it at epoch ends)", describe(c.Method.Stopper))
	}
	if c.SearchSpace == nil {
		return c.Space.Validate()
	}
	if err := c.SearchSpace.Check(c.Method); err != nil {
		return fmt.Errorf("search config: %w", err)
	}
	return nil
}

// space returns the space searched: SearchSpace, or the DARTS cell space Space.
func (c Config) space() Space {
	if c.SearchSpace != nil {
		return c.SearchSpace
	}
	return CellSpace{Space: c.Space}
}
