package search

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
)

// ErrNonFinite is returned (wrapped) when a loss or gradient is NaN or infinite.
var ErrNonFinite = errors.New("non-finite value")

// ErrSaturated is returned (wrapped) when α saturates in the first epoch: the mixing weights
// are one-hot on every edge (see Saturated).
var ErrSaturated = errors.New("α saturated")

// AlphaGroup is one named group of architecture parameters (DARTS: "normal" and "reduce"):
// one row of logits per edge, with the names of its candidate operations, its own optimizer
// and learning-rate schedule, and a mask of the operations still in the search.
type AlphaGroup struct {
	Name string
	// Alpha holds the logits, one row per edge.
	Alpha [][]float32
	// Ops names the candidate operations of each row.
	Ops [][]string
	// Mask[e][k] false means operation k of edge e was pruned (nil: none pruned).
	Mask [][]bool

	slots []int
	opt   optim.Optimizer
	sched optim.Schedule
}

// Searcher is a running search. It is not safe for concurrent use.
type Searcher struct {
	cfg    Config
	method Method
	eng    *engine.Engine
	// Net is the supernet.
	Net *network.Network
	// Groups are the architecture parameters, by group.
	Groups []*AlphaGroup

	trainSet, validSet *datasets.Dataset
	train, valid       *datasets.Batcher
	trainable          nn.Params
	wOpt               optim.Optimizer
	src                *rand.PCG // the method's random draws
	rng                *rand.Rand
	rec                Recorder
	norm               datasets.Normalization
	log                *JSONL

	step, epoch, stepInEpoch int
	stop                     *Decision
	fingerprints             []string // of the training and validation data, once computed
	probe                    *datasets.Batcher
	baseL2                   map[int]float64 // the weight optimizer's L2 coefficients before a Stopper scales them
	warm                     bool
	evalReady                <-chan error
	compile                  time.Duration
	started                  time.Time

	// ncfg is the supernet's configuration, kept for rebuilds (pruning, sampled passes).
	ncfg network.Config
	// dropPruned: rebuild the supernet without the pruned candidates (a SupernetOption with
	// DropsPruned); sampled: run the weight pass of a one-hot sample on a supernet holding only
	// the sampled candidates (a SupernetOption with SamplesWeightPass).
	dropPruned, sampled bool
	// rebuildCompile is the compilation time of the last rebuild after pruning.
	rebuildCompile time.Duration
}

// DropsPruned is implemented by a SupernetOption whose supernet computes only the candidates
// still in the search: after each pruning event (and on resume) the searcher rebuilds the
// supernet without the pruned candidates, keeping its weights (network.Config.Keep, Reuse).
type DropsPruned interface {
	DropsPruned() bool
}

// SamplesWeightPass is implemented by a SupernetOption under which a weight pass whose mixing
// weights are one-hot on every edge (a hard sample, GDAS) runs a supernet holding only the
// sampled candidates (network.SampledEdges): the pass pays for what it samples.
type SamplesWeightPass interface {
	SamplesWeightPass() bool
}

// New builds the supernet on eng and prepares a search of cfg over trainSet (weight steps) and
// validSet (architecture steps, and the evaluation at epoch ends; a single-level method trains
// α on trainSet too). Records go to rec (may be nil).
func New(eng *engine.Engine, cfg Config, trainSet, validSet *datasets.Dataset, rec Recorder) (*Searcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := cfg.Method.withDefaults()
	if trainSet.Height != validSet.Height || trainSet.Width != validSet.Width || trainSet.Channels != validSet.Channels {
		return nil, fmt.Errorf("search: training images %dx%dx%d and validation images %dx%dx%d differ",
			trainSet.Height, trainSet.Width, trainSet.Channels, validSet.Height, validSet.Width, validSet.Channels)
	}
	if trainSet.Len() < cfg.Batch || validSet.Len() < cfg.Batch {
		return nil, fmt.Errorf("search: %d training and %d validation examples, fewer than one batch of %d",
			trainSet.Len(), validSet.Len(), cfg.Batch)
	}
	ncfg := network.Config{C: cfg.C, Layers: cfg.Layers, Classes: trainSet.NumClasses,
		InChannels: trainSet.Channels, Reductions: cfg.Reductions, Depthwise: cfg.Depthwise, Seed: cfg.Seed}
	var dropPruned, sampled bool
	for _, o := range m.Supernet {
		o.Configure(&ncfg)
		if d, ok := o.(DropsPruned); ok && d.DropsPruned() {
			dropPruned = true
		}
		if d, ok := o.(SamplesWeightPass); ok && d.SamplesWeightPass() {
			sampled = true
		}
	}
	net, err := cfg.space().Supernet(ncfg)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	norm := trainSet.Stats().Normalization()
	if cfg.Normalize != nil {
		norm = *cfg.Normalize
	}
	trainAug := cfg.Augment
	if a, ok := m.Architect.(interface{ TrainAugment() *datasets.Augment }); ok && a.TrainAugment() != nil {
		trainAug = *a.TrainAugment()
	}
	train, err := datasets.NewBatcher(trainSet, datasets.BatchOptions{BatchSize: cfg.Batch, Seed: cfg.Seed, Shuffle: true,
		DropLast: true, Augment: trainAug, Normalize: &norm})
	if err != nil {
		return nil, fmt.Errorf("search: training batches: %w", err)
	}
	// quark0/darts draws each architecture batch as next(iter(valid_queue)) over a random
	// sampler: a fresh random batch every step, with the training transform.
	valid, err := datasets.NewBatcher(validSet, datasets.BatchOptions{BatchSize: cfg.Batch, Seed: cfg.Seed + 1, Shuffle: true,
		Resample: true, DropLast: true, Augment: cfg.Augment, Normalize: &norm})
	if err != nil {
		return nil, fmt.Errorf("search: validation batches: %w", err)
	}
	src := rand.NewPCG(cfg.Seed, 0x6d6574686f64)
	s := &Searcher{cfg: cfg, method: m, eng: eng, Net: net, trainSet: trainSet, validSet: validSet,
		train: train, valid: valid, norm: norm, trainable: net.Params.Trainable(),
		wOpt: m.Weights.New(), src: src, rng: rand.New(src), rec: rec, ncfg: ncfg, dropPruned: dropPruned, sampled: sampled}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x616c706861))
	for _, g := range net.Groups {
		grp := &AlphaGroup{Name: g.Name, slots: g.Slots, Alpha: make([][]float32, len(g.Slots)), Ops: g.Ops}
		for e := range grp.Alpha {
			grp.Alpha[e] = make([]float32, len(grp.Ops[e]))
			for k := range grp.Alpha[e] {
				grp.Alpha[e][k] = float32(cfg.AlphaInit * rng.NormFloat64())
			}
		}
		if err := initialAlpha(grp, len(s.Groups), cfg.Alpha); err != nil {
			return nil, err
		}
		o := m.Alpha
		if og, ok := m.AlphaGroups[g.Name]; ok {
			o = og
		}
		grp.opt, grp.sched = o.New(), o.Schedule
		s.Groups = append(s.Groups, grp)
	}
	return s, nil
}

// initialAlpha copies the table of group gi of alpha (Config.Alpha) into grp, when there is
// one, after checking its shape.
func initialAlpha(grp *AlphaGroup, gi int, alpha [][][]float32) error {
	if alpha == nil {
		return nil
	}
	if gi >= len(alpha) || alpha[gi] == nil {
		return nil
	}
	if len(alpha[gi]) != len(grp.Alpha) {
		return fmt.Errorf("search: initial α of group %s has %d rows, the supernet %d edges", grp.Name, len(alpha[gi]), len(grp.Alpha))
	}
	for e, row := range alpha[gi] {
		if len(row) != len(grp.Alpha[e]) {
			return fmt.Errorf("search: initial α of group %s, edge %d: %d logits for %d candidates %v", grp.Name, e, len(row), len(grp.Alpha[e]), grp.Ops[e])
		}
		copy(grp.Alpha[e], row)
	}
	return nil
}

// Config returns the search settings.
func (s *Searcher) Config() Config { return s.cfg }

// Method returns the search's method, its nil components filled with DARTS's.
func (s *Searcher) Method() Method { return s.method }

// Step returns the number of steps taken.
func (s *Searcher) Step() int { return s.step }

// Epoch returns the current epoch (0-based); it equals Config().Epochs when every epoch ran.
func (s *Searcher) Epoch() int { return s.epoch }

// StepsPerEpoch is the number of steps (training batches) in an epoch.
func (s *Searcher) StepsPerEpoch() int { return s.train.BatchesPerEpoch() }

// Done reports whether every epoch has run or a Stopper ended the search.
func (s *Searcher) Done() bool { return s.epoch >= s.cfg.Epochs || s.stop != nil }

// Stopped returns the Stopper's decision that ended the search early (nil: none).
func (s *Searcher) Stopped() *Decision { return s.stop }

// CompileTime is the time spent compiling before the first step.
func (s *Searcher) CompileTime() time.Duration { return s.compile }

// WeightLR is the weights' learning rate of the current epoch.
func (s *Searcher) WeightLR() float64 { return s.method.Weights.Schedule.LR(s.epoch, s.cfg.Epochs) }

// Group returns the α group called name (nil if none).
func (s *Searcher) Group(name string) *AlphaGroup {
	for _, g := range s.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// ReseedDraws restarts the method's random source (relaxation samples, perturbations) from
// seed, leaving everything else as it is: from one checkpoint, runs that differ only in their
// draws show the variance a stochastic relaxation adds.
func (s *Searcher) ReseedDraws(seed uint64) { s.src.Seed(seed, 0x6d6574686f64) }

// progress is the fraction of the search's steps taken.
func (s *Searcher) progress() float64 {
	total := s.cfg.Epochs * s.StepsPerEpoch()
	if total == 0 {
		return 0
	}
	return math.Min(1, float64(s.step)/float64(total))
}

// draw returns the relaxation's view of the current step.
func (s *Searcher) draw() relax.Draw {
	return relax.Draw{Step: s.step, Progress: s.progress(), RNG: s.rng}
}

// samples draws one sample of every group's mixing weights (pruned operations held at zero).
func (s *Searcher) samples(d relax.Draw) []relax.Sample {
	out := make([]relax.Sample, len(s.Groups))
	for i, g := range s.Groups {
		out[i] = masked(s.method.Relaxation.Sample(g.Alpha, g.Ops, d), g.Mask)
	}
	return out
}

// masked zeroes the pruned operations' mixing weights, the gradients that reach them and the
// gradients they send back to α.
func masked(smp relax.Sample, mask [][]bool) relax.Sample {
	if mask == nil {
		return smp
	}
	for e, row := range mask {
		for k, keep := range row {
			if !keep {
				smp.Mix[e][k] = 0
			}
		}
	}
	vjp := smp.VJP
	smp.VJP = func(g [][]float32) [][]float32 {
		// A pruned operation's weight is the constant 0: its gradient must not reach α through
		// the normalization of the others (softmax's Σ_k w_k g_k).
		kept := make([][]float32, len(g))
		for e, row := range g {
			kept[e] = append([]float32(nil), row...)
			if e < len(mask) {
				for k, keep := range mask[e] {
					if !keep {
						kept[e][k] = 0
					}
				}
			}
		}
		out := vjp(kept)
		for e, row := range mask {
			for k, keep := range row {
				if !keep {
					out[e][k] = 0
				}
			}
		}
		return out
	}
	return smp
}

// Expected returns every group's expected mixing weights (for reports and derivation).
func (s *Searcher) Expected() [][][]float32 {
	out := make([][][]float32, len(s.Groups))
	for i, g := range s.Groups {
		out[i] = masked(relax.Sample{Mix: s.method.Relaxation.Expected(g.Alpha, g.Ops), VJP: identity}, g.Mask).Mix
	}
	return out
}

func identity(g [][]float32) [][]float32 { return g }

// Mix returns the expected mixing weights of the normal and reduction cells. In a space
// without them (NAS-Bench-201's "cell", a mobile space's "blocks"), normal is the first
// group's and reduce nil.
func (s *Searcher) Mix() (normal, reduce [][]float32) {
	ex := s.Expected()
	return s.pair(ex)
}

// pair picks the tables of groups "normal" and "reduce" of per-group tables x, or, without a
// "normal" group, the first group's (records hold them as MixNormal and AlphaNormal).
func (s *Searcher) pair(x [][][]float32) (normal, reduce [][]float32) {
	found := false
	for i, g := range s.Groups {
		switch g.Name {
		case "normal":
			normal, found = x[i], true
		case "reduce":
			reduce = x[i]
		}
	}
	if !found && len(x) > 0 {
		normal = x[0]
	}
	return normal, reduce
}

// Space returns the space searched (Config.SearchSpace, or the DARTS cell space).
func (s *Searcher) Space() Space { return s.cfg.space() }

// Arch derives the current architecture from the expected mixing weights, in the space's
// way: the method's Deriver in a DARTS cell space (a searchspace.Genotype), the argmax of
// every row in NAS-Bench-201's and the mobile spaces.
func (s *Searcher) Arch() (Arch, error) {
	ex := s.Expected()
	names := make([]string, len(s.Groups))
	tables := make([][][]float64, len(s.Groups))
	for i, g := range s.Groups {
		names[i], tables[i] = g.Name, toFloat64(ex[i])
	}
	return s.cfg.space().Derive(s.method, names, tables)
}

// Genotype derives the current DARTS genotype with the method's Deriver, from the expected
// mixing weights; in a space without DARTS cells it returns an error (use Arch).
func (s *Searcher) Genotype() (searchspace.Genotype, error) {
	a, err := s.Arch()
	if err != nil {
		return searchspace.Genotype{}, err
	}
	g, ok := a.(searchspace.Genotype)
	if !ok {
		return searchspace.Genotype{}, fmt.Errorf("search: the %s space derives %s, not a DARTS genotype (use Arch)", s.cfg.space().Name(), a)
	}
	return g, nil
}

// Warmup compiles, concurrently, the executables a search step needs, and starts compiling the
// evaluation executables in the background (Evaluate waits for them). Step calls it when needed;
// call it yourself to measure or to move the wait.
func (s *Searcher) Warmup() (time.Duration, error) {
	if s.warm {
		return s.compile, nil
	}
	in := s.inputShapes()
	d, err := s.eng.Warmup(s.Net.Prog, in, engine.FwdTrain, engine.BwdInputs, engine.BwdAll)
	if err != nil {
		return d, fmt.Errorf("search: %w", err)
	}
	if s.sampled {
		ds, err := s.warmSampled()
		d += ds
		if err != nil {
			return d, err
		}
	}
	s.compile, s.warm = d, true
	if s.cfg.EvalBatches >= 0 {
		s.evalReady = s.eng.WarmupAsync(s.Net.Prog, in, engine.FwdEval)
	}
	return d, nil
}

// waitEval waits for the evaluation executables.
func (s *Searcher) waitEval() error {
	if s.evalReady == nil {
		return nil
	}
	err := <-s.evalReady
	s.evalReady = nil
	if err != nil {
		return fmt.Errorf("search: compiling the evaluation pass: %w", err)
	}
	return nil
}

// inputShapes returns the shapes of the supernet's input slots.
func (s *Searcher) inputShapes() map[int]shapes.Shape {
	slots := make([][]int, len(s.Groups))
	for i, g := range s.Groups {
		slots[i] = g.slots
	}
	return s.shapesOf(s.Net, slots)
}

// shapesOf returns the shapes of net's input slots, its groups' mixing weights in slots.
func (s *Searcher) shapesOf(net *network.Network, slots [][]int) map[int]shapes.Shape {
	ds := s.trainSet
	in := map[int]shapes.Shape{
		net.Images: shapes.Make(dtypes.Float32, s.cfg.Batch, ds.Height, ds.Width, ds.Channels),
		net.Labels: shapes.Make(dtypes.Int32, s.cfg.Batch),
	}
	for i, g := range s.Groups {
		for e, slot := range slots[i] {
			in[slot] = shapes.Make(dtypes.Float32, len(g.Alpha[e]))
		}
	}
	for slot, sh := range net.ExtraShapes() {
		in[slot] = sh
	}
	return in
}

// extras returns the values of the supernet's extra inputs at the current step: random keys
// drawn from (seed, step) — every pass of a step sees the same noise and dropout masks, a
// resumed search the same as an uninterrupted one — and the method's supernet options' values.
func (s *Searcher) extras() network.Extras {
	x := network.Extras{Seed: s.cfg.Seed ^ (uint64(s.step+1) * 0x9e3779b97f4a7c15)}
	for _, o := range s.method.Supernet {
		o.SetExtras(s.epoch, s.cfg.Epochs, &x)
	}
	return x
}

// inputs returns the input tensors of a pass on the search's supernet (caller releases them
// with releaseInputs).
func (s *Searcher) inputs(b datasets.Batch, mix [][][]float32) (map[int]*tensors.Tensor, error) {
	slots := make([][]int, len(s.Groups))
	for i, g := range s.Groups {
		slots[i] = g.slots
	}
	return s.inputsOf(s.Net, slots, b, mix)
}

// inputsOf returns the input tensors of a pass on net, whose groups' mixing-weight slots are
// slots (caller releases them with releaseInputsOf).
func (s *Searcher) inputsOf(net *network.Network, slots [][]int, b datasets.Batch, mix [][][]float32) (map[int]*tensors.Tensor, error) {
	if len(mix) != len(s.Groups) {
		return nil, fmt.Errorf("pass: %d mixing-weight tables for %d α groups", len(mix), len(s.Groups))
	}
	in := map[int]*tensors.Tensor{net.Images: b.Images, net.Labels: b.Labels}
	for i, g := range s.Groups {
		if len(mix[i]) != len(slots[i]) {
			return nil, fmt.Errorf("pass: group %s: %d mixing-weight rows for %d edges", g.Name, len(mix[i]), len(slots[i]))
		}
		for e, slot := range slots[i] {
			in[slot] = tensors.FromFlatDataAndDimensions(append([]float32(nil), mix[i][e]...), len(mix[i][e]))
		}
	}
	for slot, t := range net.ExtraInputs(s.extras()) {
		in[slot] = t
	}
	return in, nil
}

// releaseInputs frees the mixing-weight tensors of in (the batch belongs to the caller).
func (s *Searcher) releaseInputs(in map[int]*tensors.Tensor) { releaseInputsOf(s.Net, in) }

// releaseInputsOf frees the tensors of in other than net's batch.
func releaseInputsOf(net *network.Network, in map[int]*tensors.Tensor) {
	for k, t := range in {
		if k != net.Images && k != net.Labels {
			t.FinalizeAll()
		}
	}
}

// Pass runs the training-mode forward and backward of the supernet on batch b with the given
// mixing weights (one table per group). It implements Passes.
func (s *Searcher) Pass(b datasets.Batch, mix [][][]float32, opt PassOptions) (*PassResult, error) {
	net := s.Net
	slots := make([][]int, len(s.Groups))
	for i, g := range s.Groups {
		slots[i] = g.slots
	}
	if opt.Params && !opt.Mix {
		sn, ss, err := s.sampledNet(mix)
		if err != nil {
			return nil, err
		}
		if sn != nil {
			net, slots = sn, ss
		}
	}
	in, err := s.inputsOf(net, slots, b, mix)
	if err != nil {
		return nil, err
	}
	defer releaseInputsOf(net, in)
	var p *engine.Pass
	if opt.FrozenStats {
		p, err = s.eng.ForwardFrozen(net.Prog, in)
	} else {
		p, err = s.eng.Forward(net.Prog, in, true)
	}
	if err != nil {
		return nil, err
	}
	defer p.Release()
	res := &PassResult{}
	if res.Loss, err = p.Scalar(net.Loss); err != nil {
		return nil, err
	}
	if res.Correct, err = p.Scalar(net.Correct); err != nil {
		return nil, err
	}
	if math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0) {
		return nil, fmt.Errorf("loss is %v at step %d (epoch %d): %w", res.Loss, s.step+1, s.epoch+1, ErrNonFinite)
	}
	var want []int
	if opt.Mix {
		for i := range s.Groups {
			want = append(want, slots[i]...)
		}
	}
	gr, err := p.Backward(map[int]float32{net.Loss: 1}, opt.Params, want)
	if err != nil {
		return nil, err
	}
	defer gr.Release()
	if opt.Params {
		if res.GParams, err = gr.HostParams(s.trainable); err != nil {
			return nil, err
		}
	}
	if opt.Mix {
		for i, g := range s.Groups {
			gm, err := gr.HostSlots(slots[i], rowSizes(g.Alpha))
			if err != nil {
				return nil, err
			}
			res.GMix = append(res.GMix, gm)
		}
	}
	return res, nil
}

// Weights returns a copy of the trainable weights. It implements Passes.
func (s *Searcher) Weights() [][]float32 {
	out := make([][]float32, len(s.trainable))
	for i, q := range s.trainable {
		out[i] = append([]float32(nil), q.Data...)
	}
	return out
}

// SetWeights copies values into the trainable weights. It implements Passes.
func (s *Searcher) SetWeights(values [][]float32) {
	for i, q := range s.trainable {
		copy(q.Data, values[i])
		q.Touch()
	}
}

// VirtualStep returns w after one step of a copy of the weights' optimizer along g at rate lr;
// the optimizer itself does not move. It implements Passes.
func (s *Searcher) VirtualStep(w, g [][]float32, lr float64) [][]float32 {
	o := s.method.Weights.New()
	if err := o.SetState(optim.CloneState(s.wOpt.State())); err != nil {
		panic(fmt.Sprintf("search: cloning the weight optimizer: %v", err)) // same type: cannot fail
	}
	out := cloneRows(w)
	if err := o.Step(out, cloneRows(g), lr); err != nil {
		panic(fmt.Sprintf("search: virtual step: %v", err)) // shapes come from the same network
	}
	return out
}

// weightData returns the trainable parameters' data slices (not copies).
func (s *Searcher) weightData() [][]float32 {
	out := make([][]float32, len(s.trainable))
	for i, q := range s.trainable {
		out[i] = q.Data
	}
	return out
}

func rowSizes(x [][]float32) []int {
	out := make([]int, len(x))
	for i, r := range x {
		out[i] = len(r)
	}
	return out
}

func cloneRows(x [][]float32) [][]float32 {
	out := make([][]float32, len(x))
	for i, r := range x {
		out[i] = append([]float32(nil), r...)
	}
	return out
}

// mixes returns the mixing weights of samples.
func mixes(samples []relax.Sample) [][][]float32 {
	out := make([][][]float32, len(samples))
	for i, smp := range samples {
		out[i] = smp.Mix
	}
	return out
}

// archStep updates α with the method's architect and regularizers on the training batch tb
// and the architecture batch vb, and returns the architecture loss and the regularizers' sum.
func (s *Searcher) archStep(tb, vb datasets.Batch) (loss, penalty float64, err error) {
	d := s.draw()
	samples := s.samples(d)
	loss, grads, err := s.method.Architect.Gradient(s, tb, vb, samples)
	if err != nil {
		return 0, 0, fmt.Errorf("architecture step (%s): %w", s.method.Architect.Name(), err)
	}
	for i, g := range s.Groups {
		for _, r := range s.method.Regularizers {
			penalty += r.Penalty(g.Alpha, g.Ops, d.Progress, grads[i])
		}
	}
	for i, g := range s.Groups {
		if err := checkFinite("α gradient of group "+g.Name, grads[i]); err != nil {
			return 0, 0, fmt.Errorf("step %d: %w", s.step+1, err)
		}
		lr := g.sched.LR(s.epoch, s.cfg.Epochs)
		if lr == 0 {
			continue
		}
		if err := g.opt.Step(g.Alpha, grads[i], lr); err != nil {
			return 0, 0, fmt.Errorf("α group %s: %w", g.Name, err)
		}
	}
	return loss, penalty, nil
}

// weightStep updates the weights on the training batch with a fresh sample (perturbed by the
// method's Perturbation) and returns its loss, accuracy and gradient norm.
func (s *Searcher) weightStep(tb datasets.Batch, lr float64) (loss, acc, norm float64, err error) {
	d := s.draw()
	samples := s.samples(d)
	if s.method.Perturbation != nil {
		if samples, err = s.method.Perturbation.Perturb(s, tb, samples, d); err != nil {
			return 0, 0, 0, fmt.Errorf("perturbation: %w", err)
		}
	}
	res, err := s.Pass(tb, mixes(samples), PassOptions{Params: true})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("weight step: %w", err)
	}
	norm = optim.ClipGlobalNorm(res.GParams, s.method.GradClip)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return 0, 0, 0, fmt.Errorf("weight step %d: gradient norm is %v: %w", s.step+1, norm, ErrNonFinite)
	}
	if err := s.wOpt.Step(s.weightData(), res.GParams, lr); err != nil {
		return 0, 0, 0, err
	}
	for _, q := range s.trainable {
		q.Touch()
	}
	return res.Loss, res.Correct / float64(tb.Size()), norm, nil
}

func checkFinite(what string, rows [][]float32) error {
	for _, row := range rows {
		for _, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%s holds %v: %w", what, v, ErrNonFinite)
			}
		}
	}
	return nil
}

// toFloat64 converts rows to float64.
func toFloat64(rows [][]float32) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		out[i] = make([]float64, len(r))
		for k, v := range r {
			out[i][k] = float64(v)
		}
	}
	return out
}
