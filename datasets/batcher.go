package datasets

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// BatchOptions configures a Batcher.
type BatchOptions struct {
	// BatchSize is the number of examples per batch (> 0).
	BatchSize int
	// Seed determines the shuffling and the augmentation.
	Seed uint64
	// Shuffle visits the examples of every epoch in a new random order derived from (Seed,
	// epoch); false visits them in dataset order (evaluation).
	Shuffle bool
	// DropLast skips the last, smaller batch of an epoch; otherwise it is delivered (its
	// different shape makes XLA compile the step again).
	DropLast bool
	// Augment selects the random augmentations (zero value: none).
	Augment Augment
	// Normalize, if not nil, normalizes every channel (before cutout).
	Normalize *Normalization
	// HostOnly skips building tensors: batches carry only the host slices.
	HostOnly bool
	// Resample makes every batch a fresh random batch: the first BatchSize examples of a new
	// permutation (the state's Epoch counts the batches drawn). This is quark0/darts's
	// architecture batch, next(iter(valid_queue)) over a random sampler. It needs Shuffle.
	Resample bool
}

// Batch is one batch of examples. Its slices and tensors are new for every batch and belong to
// the caller.
type Batch struct {
	// Images is float32 [B,H,W,C] and Labels int32 [B]; both nil with HostOnly.
	Images, Labels *tensors.Tensor
	// HostImages (B·H·W·C values, NHWC) and HostLabels (B) hold the same values on the host.
	HostImages []float32
	HostLabels []int32
	// Indices are the dataset indices of the examples.
	Indices []int
	// Epoch is the epoch of the batch and Step its index within the epoch (both from 0).
	Epoch, Step int
}

// Size returns the number of examples in the batch.
func (b Batch) Size() int { return len(b.HostLabels) }

// BatcherState is where a Batcher stands: the epoch and the position (number of examples of
// that epoch already delivered). It is all a checkpoint needs to resume the stream.
type BatcherState struct {
	// Epoch is the current epoch, from 0.
	Epoch int `json:"epoch"`
	// Position is the number of examples of Epoch already delivered.
	Position int `json:"position"`
}

// Batcher delivers an endless stream of batches from a dataset, epoch after epoch. Its
// randomness is a pure function of (seed, epoch, position), so a Batcher restored to a
// State continues exactly as the original would have. A Batcher is not safe for concurrent use.
type Batcher struct {
	ds      *Dataset
	opt     BatchOptions
	mean    []float32 // nil: no normalization
	invStd  []float32
	epoch   int
	pos     int
	perm    []int // order of the current epoch; nil without shuffling
	permFor int   // epoch that perm was computed for
	src     *rand.PCG
	scratch []float32
}

// NewBatcher returns a Batcher over ds, which must stay unchanged while the Batcher is used.
func NewBatcher(ds *Dataset, opt BatchOptions) (*Batcher, error) {
	if ds == nil {
		return nil, fmt.Errorf("batcher: nil dataset: want a dataset")
	}
	if err := ds.Validate(); err != nil {
		return nil, fmt.Errorf("batcher: %w", err)
	}
	if opt.BatchSize <= 0 {
		return nil, fmt.Errorf("batcher over %s: batch size %d: want at least 1", ds.Name, opt.BatchSize)
	}
	if ds.Len() == 0 {
		return nil, fmt.Errorf("batcher over %s: no examples: want at least one", ds.Name)
	}
	if opt.DropLast && opt.BatchSize > ds.Len() {
		return nil, fmt.Errorf("batcher over %s: batch size %d with DropLast exceeds the %d examples: want a smaller batch", ds.Name, opt.BatchSize, ds.Len())
	}
	if err := opt.Augment.check(); err != nil {
		return nil, fmt.Errorf("batcher over %s: %w", ds.Name, err)
	}
	if opt.Resample && !opt.Shuffle {
		return nil, fmt.Errorf("batcher over %s: Resample without Shuffle: want both", ds.Name)
	}
	b := &Batcher{ds: ds, opt: opt, permFor: -1, src: newSource(0, 0), scratch: make([]float32, ds.ImageSize())}
	if opt.Normalize != nil {
		if err := opt.Normalize.check(ds.Channels); err != nil {
			return nil, fmt.Errorf("batcher over %s: %w", ds.Name, err)
		}
		b.mean = append([]float32(nil), opt.Normalize.Mean...)
		b.invStd = make([]float32, ds.Channels)
		for c, s := range opt.Normalize.Std {
			b.invStd[c] = 1 / s
		}
	}
	return b, nil
}

// Options returns the options the Batcher was made with.
func (b *Batcher) Options() BatchOptions { return b.opt }

// Dataset returns the dataset the Batcher reads.
func (b *Batcher) Dataset() *Dataset { return b.ds }

// epochLen is the number of examples delivered per epoch.
func (b *Batcher) epochLen() int {
	n := b.ds.Len()
	if b.opt.DropLast {
		return n - n%b.opt.BatchSize
	}
	return n
}

// BatchesPerEpoch returns the number of batches in one epoch.
func (b *Batcher) BatchesPerEpoch() int {
	if b.opt.DropLast {
		return b.ds.Len() / b.opt.BatchSize
	}
	return (b.ds.Len() + b.opt.BatchSize - 1) / b.opt.BatchSize
}

// State returns where the Batcher stands.
func (b *Batcher) State() BatcherState { return BatcherState{Epoch: b.epoch, Position: b.pos} }

// Restore moves the Batcher to a state returned by State (of this Batcher or of one with the
// same dataset and options); the following batches are identical to those the original
// delivered after that state.
func (b *Batcher) Restore(s BatcherState) error {
	if s.Epoch < 0 || s.Position < 0 || s.Position > b.epochLen() {
		return fmt.Errorf("batcher over %s: state %+v: want epoch ≥ 0 and position in [0, %d]", b.ds.Name, s, b.epochLen())
	}
	b.epoch, b.pos = s.Epoch, s.Position
	return nil
}

// order returns the dataset index of position p of the current epoch.
func (b *Batcher) order(p int) int {
	if !b.opt.Shuffle {
		return p
	}
	if b.permFor != b.epoch {
		b.perm = permutation(newSource(b.opt.Seed, streamPermutation, uint64(b.epoch)), b.ds.Len())
		b.permFor = b.epoch
	}
	return b.perm[p]
}

// Next returns the next batch, starting a new epoch after the last batch of one.
func (b *Batcher) Next() (Batch, error) {
	if b.pos >= b.epochLen() || (b.opt.Resample && b.pos > 0) {
		b.epoch++
		b.pos = 0
	}
	ds := b.ds
	size := min(b.opt.BatchSize, b.epochLen()-b.pos)
	n := ds.ImageSize()
	batch := Batch{
		HostImages: make([]float32, size*n),
		HostLabels: make([]int32, size),
		Indices:    make([]int, size),
		Epoch:      b.epoch,
		Step:       b.pos / b.opt.BatchSize,
	}
	augment := !b.opt.Augment.IsZero()
	for j := range size {
		p := b.pos + j
		i := b.order(p)
		batch.Indices[j] = i
		batch.HostLabels[j] = ds.Labels[i]
		var r draw
		if augment {
			reseed(b.src, b.opt.Seed, streamAugmentation, uint64(b.epoch), uint64(p))
			r = drawAugment(b.src, b.opt.Augment, ds.Height, ds.Width)
		}
		transform(ds, i, b.opt.Augment, r, b.mean, b.invStd, batch.HostImages[j*n:(j+1)*n], b.scratch)
	}
	if !b.opt.HostOnly {
		var err error
		if batch.Images, batch.Labels, err = toTensors(batch.HostImages, batch.HostLabels, size, ds.Height, ds.Width, ds.Channels); err != nil {
			return Batch{}, fmt.Errorf("batcher over %s: epoch %d step %d: %w", ds.Name, batch.Epoch, batch.Step, err)
		}
	}
	b.pos += size
	return batch, nil
}

// toTensors copies host images and labels into new tensors, turning a panic of the tensors
// package into an error.
func toTensors(images []float32, labels []int32, b, h, w, c int) (img, lab *tensors.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, lab, err = nil, nil, fmt.Errorf("building tensors [%d,%d,%d,%d] and [%d]: %v", b, h, w, c, b, r)
		}
	}()
	return tensors.FromFlatDataAndDimensions(images, b, h, w, c), tensors.FromFlatDataAndDimensions(labels, b), nil
}
