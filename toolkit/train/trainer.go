package train

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// Trainer is a running stand-alone training of a derived network. It is not safe for
// concurrent use.
type Trainer struct {
	cfg Config
	eng *engine.Engine
	// Net is the derived network (built with drop-path mask inputs when Config.DropPath > 0).
	Net *network.Network
	// Genotype is the trained architecture (DARTS space; zero for a network from NewNetwork).
	Genotype searchspace.Genotype
	// Arch names the trained architecture in records and checkpoint settings (the genotype's
	// quark0 string, or NewNetwork's arch).
	Arch string

	trainSet, testSet *datasets.Dataset // padded
	norm              datasets.Normalization
	train             *datasets.Batcher
	trainable         nn.Params
	opt               *optim.SGD
	l2                optim.L2
	rec               search.Recorder
	log               *search.JSONL

	step, epoch, stepInEpoch int
	sums                     epochSums
	warm                     bool
	compile                  time.Duration
	started                  time.Time
	settingsMemo             ckpt.Settings
}

// epochSums accumulates the training statistics of the current epoch (saved in checkpoints,
// so a resumed epoch reports the same means).
type epochSums struct {
	Loss, Aux, Correct, StepMS float64
	Examples, Steps            int
}

// New builds the derived network of g and prepares its training under cfg on trainSet,
// evaluated on testSet. Records go to rec (may be nil). New works host-side only: eng is first
// used by Warmup, TakeStep or Evaluate, so a nil eng serves to inspect a network (ParamCount).
func New(eng *engine.Engine, g searchspace.Genotype, cfg Config, trainSet, testSet *datasets.Dataset, rec search.Recorder) (*Trainer, error) {
	build := func(base network.Config) (*network.Network, error) {
		return network.Derived(g, network.DerivedConfig{Config: base, Auxiliary: cfg.Auxiliary, DropPath: cfg.DropPath > 0})
	}
	t, err := newTrainer(eng, g.String(), build, cfg, trainSet, testSet, rec)
	if err != nil {
		return nil, err
	}
	t.Genotype = g
	return t, nil
}

// NewNetwork prepares the training of the network that build returns (a NAS-Bench-201 or
// mobile-space derived network, see package network) under cfg, as New does for a DARTS
// genotype; arch names it in records and checkpoints. build receives the base configuration
// (C, Layers, Classes, InChannels, Reductions, Depthwise, Seed). Such networks have no
// auxiliary head and no drop-path inputs: cfg.Auxiliary and cfg.DropPath must be off.
func NewNetwork(eng *engine.Engine, arch string, build func(network.Config) (*network.Network, error), cfg Config,
	trainSet, testSet *datasets.Dataset, rec search.Recorder) (*Trainer, error) {
	if cfg.Auxiliary || cfg.DropPath > 0 {
		return nil, fmt.Errorf("train: %s: the auxiliary head and drop path exist only for DARTS genotypes", arch)
	}
	return newTrainer(eng, arch, build, cfg, trainSet, testSet, rec)
}

func newTrainer(eng *engine.Engine, arch string, build func(network.Config) (*network.Network, error), cfg Config,
	trainSet, testSet *datasets.Dataset, rec search.Recorder) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if trainSet == nil || testSet == nil {
		return nil, fmt.Errorf("train: nil training or test set")
	}
	if trainSet.Height != testSet.Height || trainSet.Width != testSet.Width || trainSet.Channels != testSet.Channels ||
		trainSet.NumClasses != testSet.NumClasses {
		return nil, fmt.Errorf("train: training images %dx%dx%d (%d classes) and test images %dx%dx%d (%d classes) differ",
			trainSet.Height, trainSet.Width, trainSet.Channels, trainSet.NumClasses,
			testSet.Height, testSet.Width, testSet.Channels, testSet.NumClasses)
	}
	if trainSet.Len() < cfg.Batch {
		return nil, fmt.Errorf("train: %d training examples, fewer than one batch of %d", trainSet.Len(), cfg.Batch)
	}
	if testSet.Len() == 0 {
		return nil, fmt.Errorf("train: empty test set")
	}
	var norm datasets.Normalization
	if cfg.Normalize != nil {
		norm = *cfg.Normalize
	} else {
		norm = trainSet.Stats().Normalization()
	}
	if cfg.PadTo > 0 {
		var err error
		if trainSet, err = Pad(trainSet, cfg.PadTo); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		if testSet, err = Pad(testSet, cfg.PadTo); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	if cfg.Auxiliary {
		if err := checkAux(trainSet.Height, trainSet.Width, cfg); err != nil {
			return nil, err
		}
	}
	net, err := build(network.Config{C: cfg.C, Layers: cfg.Layers, Classes: trainSet.NumClasses, InChannels: trainSet.Channels,
		Reductions: cfg.Reductions, Depthwise: cfg.Depthwise, Seed: cfg.Seed})
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	train, err := datasets.NewBatcher(trainSet, datasets.BatchOptions{BatchSize: cfg.Batch, Seed: cfg.Seed, Shuffle: true,
		DropLast: true, Augment: cfg.Augment, Normalize: &norm})
	if err != nil {
		return nil, fmt.Errorf("train: training batches: %w", err)
	}
	// Check the normalization on the test set now rather than at the first evaluation.
	if _, err := datasets.NewBatcher(testSet, datasets.BatchOptions{BatchSize: cfg.Batch, Normalize: &norm, HostOnly: true}); err != nil {
		return nil, fmt.Errorf("train: test batches: %w", err)
	}
	return &Trainer{cfg: cfg, eng: eng, Net: net, Arch: arch, trainSet: trainSet, testSet: testSet, norm: norm,
		train: train, trainable: net.Params.Trainable(),
		opt: &optim.SGD{Momentum: cfg.Momentum}, l2: optim.L2{Coef: cfg.WeightDecay}, rec: rec}, nil
}

// Config returns the training settings.
func (t *Trainer) Config() Config { return t.cfg }

// Normalization returns the per-channel normalization applied to both sets.
func (t *Trainer) Normalization() datasets.Normalization { return t.norm }

// Step returns the number of steps taken.
func (t *Trainer) Step() int { return t.step }

// Epoch returns the current epoch (0-based); it equals Config().Epochs when training is done.
func (t *Trainer) Epoch() int { return t.epoch }

// StepsPerEpoch is the number of steps (full training batches) in an epoch.
func (t *Trainer) StepsPerEpoch() int { return t.train.BatchesPerEpoch() }

// Done reports whether every epoch has run.
func (t *Trainer) Done() bool { return t.epoch >= t.cfg.Epochs }

// CompileTime is the time spent compiling before the first step.
func (t *Trainer) CompileTime() time.Duration { return t.compile }

// LR is the learning rate of the current epoch.
func (t *Trainer) LR() float64 { return t.cfg.LRAt(t.epoch) }

// DropProb is the drop-path probability of the current epoch.
func (t *Trainer) DropProb() float64 { return t.cfg.DropProbAt(t.epoch) }

// ParamCount returns the number of trainable parameters, the auxiliary head included (as
// searchspace.Size counts them with NetConfig.Auxiliary).
func (t *Trainer) ParamCount() int64 { return t.Net.Params.Count() }

// ParamCountNoAux returns the number of trainable parameters without the auxiliary head, the
// figure DARTS reports (utils.count_parameters_in_MB).
func (t *Trainer) ParamCountNoAux() int64 {
	var n int64
	for _, p := range t.trainable {
		if !strings.HasPrefix(p.Name, "aux/") {
			n += int64(len(p.Data))
		}
	}
	return n
}

// SetLog makes the trainer write its records to log (and checkpoints remember its offset).
func (t *Trainer) SetLog(log *search.JSONL) { t.log = log }

// inputShapes returns the shapes of the network's input slots for one batch.
func (t *Trainer) inputShapes() map[int]shapes.Shape {
	ds := t.trainSet
	b := t.cfg.Batch
	in := map[int]shapes.Shape{
		t.Net.Images: shapes.Make(dtypes.Float32, b, ds.Height, ds.Width, ds.Channels),
		t.Net.Labels: shapes.Make(dtypes.Int32, b),
	}
	for _, s := range t.Net.DropMasks {
		in[s] = shapes.Make(dtypes.Float32, b)
	}
	return in
}

// Warmup compiles every executable training and evaluation need, concurrently. TakeStep calls
// it when needed; call it yourself to measure or to move the wait.
func (t *Trainer) Warmup() (time.Duration, error) {
	if t.warm {
		return t.compile, nil
	}
	variants := []engine.Variant{engine.FwdTrain, engine.BwdAll}
	if t.cfg.EvalEvery >= 0 {
		variants = append(variants, engine.FwdEval)
	}
	d, err := t.eng.Warmup(t.Net.Prog, t.inputShapes(), variants...)
	if err != nil {
		return d, fmt.Errorf("train: %w", err)
	}
	t.compile, t.warm = d, true
	return d, nil
}

// maskTensors returns the drop-path mask inputs of a pass: independent masks of step at
// probability prob, or (prob 0) one tensor of ones shared by every slot. The caller releases
// them with releaseTensors.
func (t *Trainer) maskTensors(step int, prob float64) ([]*tensors.Tensor, error) {
	n := len(t.Net.DropMasks)
	if n == 0 {
		return nil, nil
	}
	b := t.cfg.Batch
	if prob == 0 {
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(ones(b), b)}, nil
	}
	masks, err := DropPathMasks(t.cfg.Seed, step, n, b, prob)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	out := make([]*tensors.Tensor, n)
	for k, m := range masks {
		out[k] = tensors.FromFlatDataAndDimensions(m, b)
	}
	return out, nil
}

// inputs maps the input slots to images, labels and masks (one shared mask, or one per slot).
func (t *Trainer) inputs(images, labels *tensors.Tensor, masks []*tensors.Tensor) map[int]*tensors.Tensor {
	in := map[int]*tensors.Tensor{t.Net.Images: images, t.Net.Labels: labels}
	for k, s := range t.Net.DropMasks {
		if len(masks) == 1 {
			in[s] = masks[0]
		} else {
			in[s] = masks[k]
		}
	}
	return in
}

func releaseTensors(ts ...*tensors.Tensor) {
	for _, x := range ts {
		if x != nil {
			x.FinalizeAll()
		}
	}
}

// stepResult is what one training step measured.
type stepResult struct {
	loss, aux, correct, norm float64
}

// trainStep runs the forward and backward pass of batch b with the masks of this step and
// updates the weights at learning rate lr.
func (t *Trainer) trainStep(b datasets.Batch, prob, lr float64) (*stepResult, error) {
	masks, err := t.maskTensors(t.step, prob)
	if err != nil {
		return nil, err
	}
	defer releaseTensors(masks...)
	p, err := t.eng.Forward(t.Net.Prog, t.inputs(b.Images, b.Labels, masks), true)
	if err != nil {
		return nil, fmt.Errorf("train: step %d: %w", t.step, err)
	}
	defer p.Release()
	res := &stepResult{}
	if res.loss, err = p.Scalar(t.Net.Loss); err != nil {
		return nil, fmt.Errorf("train: step %d: %w", t.step, err)
	}
	if res.correct, err = p.Scalar(t.Net.Correct); err != nil {
		return nil, fmt.Errorf("train: step %d: %w", t.step, err)
	}
	seeds := map[int]float32{t.Net.Loss: 1}
	if t.Net.AuxLoss >= 0 {
		if res.aux, err = p.Scalar(t.Net.AuxLoss); err != nil {
			return nil, fmt.Errorf("train: step %d: %w", t.step, err)
		}
		seeds[t.Net.AuxLoss] = float32(t.cfg.AuxWeight)
	}
	for _, x := range []struct {
		name string
		v    float64
	}{{"loss", res.loss}, {"auxiliary loss", res.aux}} {
		if math.IsNaN(x.v) || math.IsInf(x.v, 0) {
			return nil, fmt.Errorf("train: %s is %v at step %d (epoch %d): %w", x.name, x.v, t.step, t.epoch, search.ErrNonFinite)
		}
	}
	g, err := p.Backward(seeds, true, nil)
	if err != nil {
		return nil, fmt.Errorf("train: step %d: backward: %w", t.step, err)
	}
	defer g.Release()
	grads, err := g.HostParams(t.trainable)
	if err != nil {
		return nil, fmt.Errorf("train: step %d: %w", t.step, err)
	}
	res.norm = optim.ClipGlobalNorm(grads, t.cfg.GradClip)
	if math.IsNaN(res.norm) || math.IsInf(res.norm, 0) {
		return nil, fmt.Errorf("train: gradient norm is %v at step %d (epoch %d): %w", res.norm, t.step, t.epoch, search.ErrNonFinite)
	}
	data := make([][]float32, len(t.trainable))
	for i, q := range t.trainable {
		data[i] = q.Data
	}
	t.l2.Apply(data, grads)
	if err := t.opt.Step(data, grads, lr); err != nil {
		return nil, fmt.Errorf("train: step %d: %w", t.step, err)
	}
	for _, q := range t.trainable {
		q.Touch()
	}
	return res, nil
}

// Evaluate returns the mean loss and the accuracy of the network on the whole test set in
// evaluation mode (batch norm running statistics, no drop path). The last, partial batch is
// completed with blank images labelled -1, which add nothing to the loss sum or the correct
// count, so no executable for another batch size is compiled.
func (t *Trainer) Evaluate() (loss, acc float64, err error) {
	if !t.warm {
		// Only the evaluation executables (concurrently); training compiles the rest.
		if _, err := t.eng.Warmup(t.Net.Prog, t.inputShapes(), engine.FwdEval); err != nil {
			return 0, 0, fmt.Errorf("train: %w", err)
		}
	}
	bs := t.cfg.Batch
	b, err := datasets.NewBatcher(t.testSet, datasets.BatchOptions{BatchSize: bs, Normalize: &t.norm, HostOnly: true})
	if err != nil {
		return 0, 0, fmt.Errorf("train: evaluate: %w", err)
	}
	masks, err := t.maskTensors(0, 0)
	if err != nil {
		return 0, 0, err
	}
	defer releaseTensors(masks...)
	ds := t.testSet
	n := ds.ImageSize()
	var total, correct float64
	for i := 0; i < b.BatchesPerEpoch(); i++ {
		batch, err := b.Next()
		if err != nil {
			return 0, 0, fmt.Errorf("train: evaluate: %w", err)
		}
		images, labels := batch.HostImages, batch.HostLabels
		if k := batch.Size(); k < bs {
			images = append(images, make([]float32, (bs-k)*n)...)
			for j := k; j < bs; j++ {
				labels = append(labels, -1)
			}
		}
		it := tensors.FromFlatDataAndDimensions(images, bs, ds.Height, ds.Width, ds.Channels)
		lt := tensors.FromFlatDataAndDimensions(labels, bs)
		p, err := t.eng.Forward(t.Net.Prog, t.inputs(it, lt, masks), false)
		if err != nil {
			releaseTensors(it, lt)
			return 0, 0, fmt.Errorf("train: evaluate: %w", err)
		}
		l, err1 := p.Scalar(t.Net.Loss)
		c, err2 := p.Scalar(t.Net.Correct)
		p.Release()
		releaseTensors(it, lt)
		if err1 != nil || err2 != nil {
			return 0, 0, fmt.Errorf("train: evaluate: %v %v", err1, err2)
		}
		total += l * float64(bs) // padding examples contribute 0 to the batch's loss sum
		correct += c
	}
	loss, acc = total/float64(ds.Len()), correct/float64(ds.Len())
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, acc, fmt.Errorf("train: test loss is %v: %w", loss, search.ErrNonFinite)
	}
	return loss, acc, nil
}
