package search

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/datasets"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// Config is a search's settings. DefaultConfig has DARTS's.
type Config struct {
	// Space is the cell search space.
	Space searchspace.CellSpace
	// C, Layers: supernet initial channels and cells. Reductions overrides the reduction
	// cells (nil: layers/3 and 2·layers/3).
	C, Layers  int
	Reductions []int
	// Epochs of search; Batch size of both the training and the validation batches.
	Epochs, Batch int
	// Order is 1 (first-order DARTS) or 2 (second order, unrolled).
	Order int
	// Weights: SGD learning rate cosine-annealed from LR to LRMin, momentum, L2 weight decay,
	// global gradient-norm clip.
	LR, LRMin, Momentum, WeightDecay, GradClip float64
	// Architecture: Adam learning rate, betas, L2 weight decay; α initialized AlphaInit·N(0,1).
	ArchLR, ArchBeta1, ArchBeta2, ArchWeightDecay, AlphaInit float64
	// Relaxation turns α into mixing weights (nil: Softmax).
	Relaxation Relaxation
	// Derive options for the genotype reported each epoch.
	Derive searchspace.DeriveOptions
	// Seed drives α and weight initialization and the data order.
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
	// Augment applies to the training batches of the weight steps (quark0/darts: random crop
	// with padding 4 and horizontal flip). Images are normalized per channel with the training
	// split's statistics.
	Augment datasets.Augment
}

// DefaultConfig returns DARTS's CIFAR-10 search settings (quark0/darts train_search.py): 8 cells
// of 16 channels, 50 epochs, batch 64, SGD 0.025→0.001 cosine, momentum 0.9, wd 3e-4, clip 5;
// Adam 3e-4, betas (0.5, 0.999), wd 1e-3; α = 1e-3·N(0,1); first order.
func DefaultConfig() Config {
	return Config{Space: searchspace.DARTSSpace(), C: 16, Layers: 8, Epochs: 50, Batch: 64, Order: 1,
		LR: 0.025, LRMin: 0.001, Momentum: 0.9, WeightDecay: 3e-4, GradClip: 5,
		ArchLR: 3e-4, ArchBeta1: 0.5, ArchBeta2: 0.999, ArchWeightDecay: 1e-3, AlphaInit: 1e-3,
		Seed: 2, LogAlphaEvery: 10}
}

// Validate checks the settings.
func (c Config) Validate() error {
	switch {
	case c.C < 1 || c.Layers < 1:
		return fmt.Errorf("search config: channels %d and layers %d must be positive", c.C, c.Layers)
	case c.Epochs < 1 || c.Batch < 1:
		return fmt.Errorf("search config: epochs %d and batch %d must be positive", c.Epochs, c.Batch)
	case c.Order != 1 && c.Order != 2:
		return fmt.Errorf("search config: order %d: want 1 or 2", c.Order)
	case c.LR <= 0 || c.ArchLR < 0:
		return fmt.Errorf("search config: learning rates %g and %g", c.LR, c.ArchLR)
	}
	return c.Space.Validate()
}
