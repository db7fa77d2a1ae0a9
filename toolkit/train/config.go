package train

import (
	"fmt"
	"math"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
)

// Config is a training run's settings. DefaultConfig has DARTS's.
type Config struct {
	// C and Layers are the initial channels and the number of cells; Reductions overrides the
	// reduction cells (nil: Layers/3 and 2·Layers/3).
	C, Layers  int
	Reductions []int
	// Epochs of training and the Batch size (training and evaluation).
	Epochs, Batch int
	// SGD: learning rate cosine-annealed from LR (epoch 0) towards LRMin (reached after the
	// last epoch), momentum, L2 weight decay, global gradient-norm clip (0: none).
	LR, LRMin, Momentum, WeightDecay, GradClip float64
	// LRAhead trains epoch e at the rate of epoch e+1, as quark0/darts (see LRAt).
	LRAhead bool
	// Auxiliary adds the auxiliary head after cell 2·Layers/3; its loss enters the objective
	// with weight AuxWeight.
	Auxiliary bool
	AuxWeight float64
	// DropPath is the final drop-path probability: epoch e drops each non-identity edge of
	// each example with probability DropPath·e/Epochs. 0 disables drop path (no mask inputs).
	DropPath float64
	// Augment is the training augmentation (crop, flip, cutout); the test set has none.
	Augment datasets.Augment
	// Normalize is the per-channel normalization of both sets (nil: the training set's mean
	// and standard deviation, before any padding).
	Normalize *datasets.Normalization
	// PadTo zero-pads the images (centred) of both sets to PadTo×PadTo before anything else
	// (0: no padding). Pixel value 0 is the background of Fashion-MNIST and MNIST.
	PadTo int
	// Seed drives the weight initialization, the data order, the augmentation and the
	// drop-path masks.
	Seed uint64
	// Depthwise selects the depthwise-convolution form.
	Depthwise nn.DepthwiseMode
	// EvalEvery evaluates the test set every so many epochs (0: 1); the last epoch always
	// evaluates it. Negative: never (Evaluate can still be called).
	EvalEvery int
	// CheckpointEvery writes a checkpoint every so many steps in Run (0: only at epoch ends).
	CheckpointEvery int
	// LogEvery sends a step record every so many steps to the recorder and the log (0: every
	// step); epoch records are always sent.
	LogEvery int
}

// DefaultConfig returns the CIFAR-10 evaluation settings of DARTS (quark0/darts cnn/train.py
// with --auxiliary --cutout): 20 cells of 36 channels, 600 epochs, batch 96, SGD 0.025 cosine
// to 0 (CosineAnnealingLR's default eta_min), momentum 0.9, weight decay 3e-4, clip 5,
// auxiliary weight 0.4, drop path 0.2, crop padding 4, flip, cutout 16, seed 0.
func DefaultConfig() Config {
	return Config{C: 36, Layers: 20, Epochs: 600, Batch: 96,
		LR: 0.025, LRMin: 0, Momentum: 0.9, WeightDecay: 3e-4, GradClip: 5, LRAhead: true,
		Auxiliary: true, AuxWeight: 0.4, DropPath: 0.2, Augment: datasets.DARTSAugment(16)}
}

// DefaultCutout returns the cutout side used for images of side h: DARTS's 16 for 32×32
// (CIFAR) and larger images, 8 for smaller ones. On 28×28 Fashion-MNIST and MNIST the object
// fills most of the frame; a square of DARTS's relative size (14×14, a quarter of the image)
// would often erase the part that tells classes apart (a collar, a sleeve, a heel), so the
// cutout is halved to 8×8 (8% of the image). This is a choice, not a measured optimum.
func DefaultCutout(h int) int {
	if h >= 32 {
		return 16
	}
	return 8
}

// Validate checks the settings.
func (c Config) Validate() error {
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	switch {
	case c.C < 1 || c.Layers < 1:
		return fmt.Errorf("train config: channels %d and layers %d must be positive", c.C, c.Layers)
	case c.Epochs < 1 || c.Batch < 1:
		return fmt.Errorf("train config: epochs %d and batch %d must be positive", c.Epochs, c.Batch)
	case !(c.LR > 0) || bad(c.LR) || c.LRMin < 0 || c.LRMin > c.LR:
		return fmt.Errorf("train config: learning rate %g → %g: want 0 ≤ LRMin ≤ LR, LR > 0", c.LR, c.LRMin)
	case c.Momentum < 0 || c.Momentum >= 1 || c.WeightDecay < 0 || c.GradClip < 0 || bad(c.WeightDecay) || bad(c.GradClip):
		return fmt.Errorf("train config: momentum %g, weight decay %g, clip %g: want momentum in [0, 1), the others ≥ 0",
			c.Momentum, c.WeightDecay, c.GradClip)
	case c.Auxiliary && (c.AuxWeight < 0 || bad(c.AuxWeight)):
		return fmt.Errorf("train config: auxiliary weight %g: want ≥ 0", c.AuxWeight)
	case !(c.DropPath >= 0 && c.DropPath < 1):
		return fmt.Errorf("train config: drop-path probability %g: want [0, 1)", c.DropPath)
	case c.PadTo < 0:
		return fmt.Errorf("train config: PadTo %d: want ≥ 0", c.PadTo)
	case c.Augment.CropPadding < 0 || c.Augment.Cutout < 0:
		return fmt.Errorf("train config: augmentation %+v: want CropPadding ≥ 0 and Cutout ≥ 0", c.Augment)
	}
	return nil
}

// LRAt returns the learning rate of epoch (0-based): LRMin + (LR−LRMin)·(1+cos(π·t/Epochs))/2
// with t = epoch, torch's CosineAnnealingLR stepped after each epoch, or t = epoch+1 with
// LRAhead. quark0/darts calls scheduler.step() at the start of every epoch, so it trains epoch
// e at the rate of e+1 (checked for the PyTorch 0.3 it was written for, whose scheduler steps
// once in its constructor, and for PyTorch ≥ 1.1): DefaultConfig sets LRAhead.
func (c Config) LRAt(epoch int) float64 {
	return optim.CosineSchedule{Start: c.LR, Min: c.LRMin, Ahead: c.LRAhead}.LR(epoch, c.Epochs)
}

// DropProbAt returns the drop-path probability of epoch (0-based): DropPath·epoch/Epochs, as
// quark0/darts sets model.drop_path_prob at the start of each epoch.
func (c Config) DropProbAt(epoch int) float64 {
	if c.Epochs <= 0 {
		return 0
	}
	return c.DropPath * float64(epoch) / float64(c.Epochs)
}
