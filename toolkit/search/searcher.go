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
)

// ErrNonFinite is returned (wrapped) when a loss or gradient is NaN or infinite.
var ErrNonFinite = errors.New("non-finite value")

// Searcher is a running search. It is not safe for concurrent use.
type Searcher struct {
	cfg   Config
	relax Relaxation
	eng   *engine.Engine
	// Net is the supernet.
	Net *network.Network
	// AlphaNormal and AlphaReduce are the architecture logits, one row per edge.
	AlphaNormal, AlphaReduce [][]float32

	trainSet, validSet *datasets.Dataset
	train, valid       *datasets.Batcher
	trainable          nn.Params
	wOpt               *optim.SGD
	aOpt               *optim.Adam
	rec                Recorder
	norm               datasets.Normalization
	log                *JSONL

	step, epoch, stepInEpoch int
	warm                     bool
	evalReady                chan error
	compile                  time.Duration
	started                  time.Time
}

// New builds the supernet on eng and prepares a search of cfg over trainSet (weight steps) and
// validSet (architecture steps). Records go to rec (may be nil).
func New(eng *engine.Engine, cfg Config, trainSet, validSet *datasets.Dataset, rec Recorder) (*Searcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if trainSet.Height != validSet.Height || trainSet.Width != validSet.Width || trainSet.Channels != validSet.Channels {
		return nil, fmt.Errorf("search: training images %dx%dx%d and validation images %dx%dx%d differ",
			trainSet.Height, trainSet.Width, trainSet.Channels, validSet.Height, validSet.Width, validSet.Channels)
	}
	if trainSet.Len() < cfg.Batch || validSet.Len() < cfg.Batch {
		return nil, fmt.Errorf("search: %d training and %d validation examples, fewer than one batch of %d",
			trainSet.Len(), validSet.Len(), cfg.Batch)
	}
	net, err := network.Supernet(cfg.Space, network.Config{C: cfg.C, Layers: cfg.Layers, Classes: trainSet.NumClasses,
		InChannels: trainSet.Channels, Reductions: cfg.Reductions, Depthwise: cfg.Depthwise, Seed: cfg.Seed})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	norm := trainSet.Stats().Normalization()
	train, err := datasets.NewBatcher(trainSet, datasets.BatchOptions{BatchSize: cfg.Batch, Seed: cfg.Seed, Shuffle: true,
		DropLast: true, Augment: cfg.Augment, Normalize: &norm})
	if err != nil {
		return nil, fmt.Errorf("search: training batches: %w", err)
	}
	valid, err := datasets.NewBatcher(validSet, datasets.BatchOptions{BatchSize: cfg.Batch, Seed: cfg.Seed + 1, Shuffle: true,
		DropLast: true, Normalize: &norm})
	if err != nil {
		return nil, fmt.Errorf("search: validation batches: %w", err)
	}
	s := &Searcher{cfg: cfg, relax: cfg.Relaxation, eng: eng, Net: net, trainSet: trainSet, validSet: validSet,
		train: train, valid: valid, norm: norm, trainable: net.Params.Trainable(),
		wOpt: &optim.SGD{Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay},
		aOpt: optim.NewAdam(cfg.ArchBeta1, cfg.ArchBeta2, cfg.ArchWeightDecay), rec: rec}
	if s.relax == nil {
		s.relax = Softmax{}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x616c706861))
	initAlpha := func() [][]float32 {
		a := make([][]float32, cfg.Space.NumEdges())
		for e := range a {
			a[e] = make([]float32, len(cfg.Space.OpsOn(e)))
			for k := range a[e] {
				a[e][k] = float32(cfg.AlphaInit * rng.NormFloat64())
			}
		}
		return a
	}
	s.AlphaNormal, s.AlphaReduce = initAlpha(), initAlpha()
	return s, nil
}

// Config returns the search settings.
func (s *Searcher) Config() Config { return s.cfg }

// Step returns the number of steps taken; Epoch the current epoch (0-based).
func (s *Searcher) Step() int { return s.step }

// Epoch returns the current epoch (0-based); it equals Config().Epochs when the search is done.
func (s *Searcher) Epoch() int { return s.epoch }

// StepsPerEpoch is the number of steps (training batches) in an epoch.
func (s *Searcher) StepsPerEpoch() int { return s.train.BatchesPerEpoch() }

// Done reports whether every epoch has run.
func (s *Searcher) Done() bool { return s.epoch >= s.cfg.Epochs }

// CompileTime is the time spent compiling before the first step.
func (s *Searcher) CompileTime() time.Duration { return s.compile }

// LR is the weights' learning rate of the current epoch.
func (s *Searcher) LR() float64 { return optim.Cosine(s.cfg.LR, s.cfg.LRMin, s.epoch, s.cfg.Epochs) }

// Mix returns the current mixing weights of the normal and reduction cells.
func (s *Searcher) Mix() (normal, reduce [][]float32) {
	n, _ := s.relax.Mix(s.AlphaNormal)
	r, _ := s.relax.Mix(s.AlphaReduce)
	return n, r
}

// Genotype derives the current architecture with the configured rule (on the mixing weights).
func (s *Searcher) Genotype() (searchspace.Genotype, error) {
	n, r := s.Mix()
	return searchspace.DeriveDARTS(s.cfg.Space, toFloat64(n), toFloat64(r), s.cfg.Derive)
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
	s.compile, s.warm = d, true
	s.evalReady = make(chan error, 1)
	if s.cfg.EvalBatches >= 0 {
		go func() {
			_, err := s.eng.Warmup(s.Net.Prog, in, engine.FwdEval)
			s.evalReady <- err
		}()
	} else {
		s.evalReady <- nil
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
	ds := s.trainSet
	in := map[int]shapes.Shape{
		s.Net.Images: shapes.Make(dtypes.Float32, s.cfg.Batch, ds.Height, ds.Width, ds.Channels),
		s.Net.Labels: shapes.Make(dtypes.Int32, s.cfg.Batch),
	}
	for e, slot := range s.Net.MixNormal {
		in[slot] = shapes.Make(dtypes.Float32, len(s.AlphaNormal[e]))
	}
	for e, slot := range s.Net.MixReduce {
		in[slot] = shapes.Make(dtypes.Float32, len(s.AlphaReduce[e]))
	}
	return in
}

// inputs returns the input tensors of a pass (caller releases them with releaseInputs).
func (s *Searcher) inputs(b datasets.Batch, mixN, mixR [][]float32) map[int]*tensors.Tensor {
	in := map[int]*tensors.Tensor{s.Net.Images: b.Images, s.Net.Labels: b.Labels}
	for e, slot := range s.Net.MixNormal {
		in[slot] = tensors.FromFlatDataAndDimensions(append([]float32(nil), mixN[e]...), len(mixN[e]))
	}
	for e, slot := range s.Net.MixReduce {
		in[slot] = tensors.FromFlatDataAndDimensions(append([]float32(nil), mixR[e]...), len(mixR[e]))
	}
	return in
}

// releaseInputs frees the mixing-weight tensors of in (the batch belongs to the caller).
func (s *Searcher) releaseInputs(in map[int]*tensors.Tensor) {
	for k, t := range in {
		if k != s.Net.Images && k != s.Net.Labels {
			t.FinalizeAll()
		}
	}
}

// passResult is what a forward-backward pass returns.
type passResult struct {
	loss, correct float64
	gParams       [][]float32 // aligned with s.trainable (when asked)
	gMixN, gMixR  [][]float32 // when asked
}

// pass runs the training-mode forward and backward of the supernet on batch with the given
// mixing weights.
func (s *Searcher) pass(b datasets.Batch, mixN, mixR [][]float32, withParams, withMix bool) (*passResult, error) {
	in := s.inputs(b, mixN, mixR)
	defer s.releaseInputs(in)
	p, err := s.eng.Forward(s.Net.Prog, in, true)
	if err != nil {
		return nil, err
	}
	defer p.Release()
	res := &passResult{}
	if res.loss, err = p.Scalar(s.Net.Loss); err != nil {
		return nil, err
	}
	if res.correct, err = p.Scalar(s.Net.Correct); err != nil {
		return nil, err
	}
	if math.IsNaN(res.loss) || math.IsInf(res.loss, 0) {
		return nil, fmt.Errorf("loss is %v at step %d (epoch %d): %w", res.loss, s.step+1, s.epoch+1, ErrNonFinite)
	}
	var want []int
	if withMix {
		want = append(append(want, s.Net.MixNormal...), s.Net.MixReduce...)
	}
	g, err := p.Backward(map[int]float32{s.Net.Loss: 1}, withParams, want)
	if err != nil {
		return nil, err
	}
	defer g.Release()
	if withParams {
		if res.gParams, err = g.HostParams(s.trainable); err != nil {
			return nil, err
		}
	}
	if withMix {
		if res.gMixN, err = g.HostSlots(s.Net.MixNormal, rowSizes(s.AlphaNormal)); err != nil {
			return nil, err
		}
		if res.gMixR, err = g.HostSlots(s.Net.MixReduce, rowSizes(s.AlphaReduce)); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// alphaGrad runs a pass for the gradient of the loss with respect to α (both cells).
func (s *Searcher) alphaGrad(b datasets.Batch, withParams bool) (*passResult, [][]float32, [][]float32, error) {
	mixN, vjpN := s.relax.Mix(s.AlphaNormal)
	mixR, vjpR := s.relax.Mix(s.AlphaReduce)
	res, err := s.pass(b, mixN, mixR, withParams, true)
	if err != nil {
		return nil, nil, nil, err
	}
	return res, vjpN(res.gMixN), vjpR(res.gMixR), nil
}

// weightData returns the trainable parameters' data slices.
func (s *Searcher) weightData() [][]float32 {
	out := make([][]float32, len(s.trainable))
	for i, q := range s.trainable {
		out[i] = q.Data
	}
	return out
}

// setWeights copies values into the trainable parameters.
func (s *Searcher) setWeights(values [][]float32) {
	for i, q := range s.trainable {
		copy(q.Data, values[i])
		q.Touch()
	}
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

// archStep updates α on the validation batch vb (training batch tb for second order) and
// returns the validation loss.
func (s *Searcher) archStep(tb, vb datasets.Batch, lr float64) (float64, error) {
	var gN, gR [][]float32
	var loss float64
	if s.cfg.Order == 1 {
		res, n, r, err := s.alphaGrad(vb, false)
		if err != nil {
			return 0, fmt.Errorf("architecture step: %w", err)
		}
		loss, gN, gR = res.loss, n, r
	} else {
		var err error
		loss, gN, gR, err = s.unrolledAlphaGrad(tb, vb, lr)
		if err != nil {
			return 0, fmt.Errorf("second-order architecture step: %w", err)
		}
	}
	if err := checkFinite("α gradient", gN, gR); err != nil {
		return 0, fmt.Errorf("step %d: %w", s.step, err)
	}
	params := append(append([][]float32{}, s.AlphaNormal...), s.AlphaReduce...)
	grads := append(append([][]float32{}, gN...), gR...)
	if err := s.aOpt.Step(params, grads, s.cfg.ArchLR); err != nil {
		return 0, err
	}
	return loss, nil
}

// unrolledAlphaGrad is DARTS's second-order α gradient:
// ∇α L_val(w', α) − ξ·(∇α L_train(w⁺, α) − ∇α L_train(w⁻, α))/(2ε), with the unrolled weights
// w' = w − ξ·(μ·buf + ∇w L_train(w, α) + wd·w), v = ∇w' L_val(w', α), w± = w ± ε·v, ε = 0.01/‖v‖
// and ξ the weights' learning rate.
func (s *Searcher) unrolledAlphaGrad(tb, vb datasets.Batch, xi float64) (float64, [][]float32, [][]float32, error) {
	mixN, _ := s.relax.Mix(s.AlphaNormal)
	mixR, _ := s.relax.Mix(s.AlphaReduce)
	w := cloneRows(s.weightData())
	defer s.setWeights(w)
	// Unrolled weights.
	res, err := s.pass(tb, mixN, mixR, true, false)
	if err != nil {
		return 0, nil, nil, err
	}
	unrolled := make([][]float32, len(w))
	mu, wd := float32(s.cfg.Momentum), float32(s.cfg.WeightDecay)
	for i := range w {
		unrolled[i] = make([]float32, len(w[i]))
		for j := range w[i] {
			var moment float32
			if s.wOpt.Buf != nil && s.wOpt.Buf[i] != nil {
				moment = mu * s.wOpt.Buf[i][j]
			}
			unrolled[i][j] = w[i][j] - float32(xi)*(moment+res.gParams[i][j]+wd*w[i][j])
		}
	}
	s.setWeights(unrolled)
	val, gN, gR, err := s.alphaGrad(vb, true)
	if err != nil {
		return 0, nil, nil, err
	}
	v := val.gParams
	norm := optim.GlobalNorm(v)
	if norm == 0 || math.IsNaN(norm) || math.IsInf(norm, 0) {
		if norm == 0 {
			return val.loss, gN, gR, nil
		}
		return 0, nil, nil, fmt.Errorf("unrolled validation gradient norm is %v: %w", norm, ErrNonFinite)
	}
	eps := 0.01 / norm
	perturbed := func(sign float64) ([][]float32, [][]float32, error) {
		p := make([][]float32, len(w))
		for i := range w {
			p[i] = make([]float32, len(w[i]))
			for j := range w[i] {
				p[i][j] = w[i][j] + float32(sign*eps)*v[i][j]
			}
		}
		s.setWeights(p)
		_, n, r, err := s.alphaGrad(tb, false)
		return n, r, err
	}
	pN, pR, err := perturbed(1)
	if err != nil {
		return 0, nil, nil, err
	}
	nN, nR, err := perturbed(-1)
	if err != nil {
		return 0, nil, nil, err
	}
	sub := func(g, p, n [][]float32) {
		for e := range g {
			for k := range g[e] {
				g[e][k] -= float32(xi * (float64(p[e][k]) - float64(n[e][k])) / (2 * eps))
			}
		}
	}
	sub(gN, pN, nN)
	sub(gR, pR, nR)
	return val.loss, gN, gR, nil
}

// weightStep updates the weights on the training batch and returns its loss, accuracy and
// gradient norm.
func (s *Searcher) weightStep(tb datasets.Batch, lr float64) (loss, acc, norm float64, err error) {
	mixN, mixR := s.Mix()
	res, err := s.pass(tb, mixN, mixR, true, false)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("weight step: %w", err)
	}
	norm = optim.ClipGlobalNorm(res.gParams, s.cfg.GradClip)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return 0, 0, 0, fmt.Errorf("weight step %d: gradient norm is %v: %w", s.step, norm, ErrNonFinite)
	}
	if err := s.wOpt.Step(s.weightData(), res.gParams, lr); err != nil {
		return 0, 0, 0, err
	}
	for _, q := range s.trainable {
		q.Touch()
	}
	return res.loss, res.correct / float64(tb.Size()), norm, nil
}

func checkFinite(what string, rows ...[][]float32) error {
	for _, r := range rows {
		for _, row := range r {
			for _, v := range row {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return fmt.Errorf("%s holds %v: %w", what, v, ErrNonFinite)
				}
			}
		}
	}
	return nil
}
