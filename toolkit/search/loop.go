package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
	"github.com/dartboard-nas/dartboard/toolkit/steploop"
)

// Run continues the search until every epoch has run, a Stopper ends it, or ctx is cancelled
// (then it returns ctx's error after the step in progress). With a checkpoint path, it
// checkpoints every CheckpointEvery steps, at each epoch end and when the search ends (the
// step loop of package steploop, shared with package train).
func (s *Searcher) Run(ctx context.Context, checkpoint string) error {
	var save func() error
	if checkpoint != "" {
		save = func() error { return s.Save(checkpoint) }
	}
	return steploop.Run(ctx, s, s.cfg.CheckpointEvery, save)
}

// RunEpoch runs the steps left in the current epoch (and its end of epoch).
func (s *Searcher) RunEpoch() error {
	if s.Done() {
		return s.doneError()
	}
	return steploop.RunEpoch(s)
}

func (s *Searcher) doneError() error {
	if s.stop != nil {
		return fmt.Errorf("search: stopped early: %s", s.stop.Reason)
	}
	return fmt.Errorf("search: all %d epochs have run", s.cfg.Epochs)
}

// TakeStep runs one search step: an architecture step (the method's architect, on an
// architecture batch), then a weight step on a training batch; after the last step of an
// epoch, it evaluates, derives the genotype, consults the method's Pruner and Stopper, records
// the epoch and moves to the next.
func (s *Searcher) TakeStep() error {
	if s.Done() {
		return s.doneError()
	}
	first := !s.warm
	if _, err := s.Warmup(); err != nil {
		return err
	}
	if s.started.IsZero() {
		s.started = time.Now()
		if err := s.recordMeta(); err != nil {
			return err
		}
	}
	start := time.Now()
	tb, err := s.train.Next()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer releaseBatch(tb)
	vb := tb
	if !s.method.Architect.SingleSplit() {
		if vb, err = s.valid.Next(); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		defer releaseBatch(vb)
	}
	lr := s.WeightLR()
	archLoss, penalty, err := s.archStep(tb, vb)
	if err != nil {
		return err
	}
	if s.epoch == 0 && s.saturated() {
		return fmt.Errorf("search: step %d: the mixing weights are one-hot on every edge after %d step(s): "+
			"α's learning rate (%v) is far too large, the genotype would be an accident of the first gradients: %w",
			s.step+1, s.step+1, s.Groups[0].sched, ErrSaturated)
	}
	loss, acc, norm, err := s.weightStep(tb, lr)
	if err != nil {
		return err
	}
	s.step++
	s.stepInEpoch++
	rec := &StepRecord{Step: s.step, Epoch: s.epoch, Seconds: time.Since(s.started).Seconds(),
		TrainLoss: loss, TrainAcc: acc, ArchLoss: archLoss, Penalty: penalty, LR: lr,
		ArchLR: s.Groups[0].sched.LR(s.epoch, s.cfg.Epochs), GradNorm: norm,
		StepMS: float64(time.Since(start).Microseconds()) / 1000}
	if first {
		rec.CompileMS = float64(s.compile.Microseconds()) / 1000
	}
	every := s.cfg.LogAlphaEvery
	if every <= 0 {
		every = 10
	}
	if s.step%every == 0 || s.step == 1 {
		rec.MixNormal, rec.MixReduce = s.Mix()
	}
	if s.cfg.HessianEvery > 0 && s.step%s.cfg.HessianEvery == 0 && s.stepInEpoch < s.train.BatchesPerEpoch() {
		eig, err := s.HessianEig()
		if err != nil {
			return err
		}
		rec.HessianEig = &eig
	}
	if err := s.record(rec); err != nil {
		return err
	}
	if s.stepInEpoch >= s.train.BatchesPerEpoch() {
		return s.endEpoch()
	}
	return nil
}

// saturated reports whether every group's expected mixing weights are one-hot (Saturated),
// over the operations still in the search: a pruned operation's weight is 0 by construction
// and says nothing of α.
func (s *Searcher) saturated() bool {
	for i, mix := range s.Expected() {
		if mask := s.Groups[i].Mask; mask != nil {
			kept := make([][]float32, len(mix))
			for e, row := range mix {
				for k, w := range row {
					if mask[e][k] {
						kept[e] = append(kept[e], w)
					}
				}
			}
			mix = kept
		}
		if !Saturated(mix, 1e-3) {
			return false
		}
	}
	return true
}

// cloneOrNil copies rows, keeping nil as nil (a record omits it).
func cloneOrNil(rows [][]float32) [][]float32 {
	if rows == nil {
		return nil
	}
	return cloneRows(rows)
}

func releaseBatch(b datasets.Batch) {
	for _, t := range []*tensors.Tensor{b.Images, b.Labels} {
		if t != nil {
			t.FinalizeAll()
		}
	}
}

func (s *Searcher) record(r Record) error {
	if s.log != nil {
		if err := s.log.Record(r); err != nil {
			return err
		}
	}
	if s.rec != nil {
		if err := s.rec.Record(r); err != nil {
			return fmt.Errorf("recorder: %w", err)
		}
	}
	return nil
}

func (s *Searcher) recordMeta() error {
	if s.step > 0 {
		return nil // resumed: the log already has it
	}
	edges, ops, reduceOps := s.cfg.space().Layout()
	return s.record(&MetaRecord{Space: s.cfg.space().Name(), Edges: edges, Ops: ops, ReduceOps: reduceOps,
		StepsPerEpoch: s.StepsPerEpoch(), Epochs: s.cfg.Epochs,
		CompileMS: float64(s.compile.Microseconds()) / 1000, Method: s.method.Name,
		MixName: s.method.Relaxation.Weights(), Settings: s.settings().String()})
}

// endEpoch evaluates the supernet, derives the genotype, runs the Pruner and the Stopper and
// records the epoch.
func (s *Searcher) endEpoch() error {
	rec := &EpochRecord{Step: s.step, Epoch: s.epoch, LR: s.WeightLR(), Seconds: time.Since(s.started).Seconds()}
	if s.cfg.EvalBatches >= 0 {
		loss, acc, err := s.Evaluate(s.cfg.EvalBatches)
		if err != nil {
			return err
		}
		rec.ValidLoss, rec.ValidAcc = loss, acc
	}
	a, err := s.Arch()
	if err != nil {
		return fmt.Errorf("search: epoch %d: %w", s.epoch+1, err)
	}
	rec.Genotype = a.String()
	// Only a DARTS genotype has cells whose skip connections count (Space.Check refuses the
	// stoppers, which read them, in the other spaces).
	g, darts := a.(searchspace.Genotype)
	var skips int
	if darts {
		skips = g.SkipCount()
		rec.SkipCount = &skips
	}
	alphas := make([][][]float32, len(s.Groups))
	for i, grp := range s.Groups {
		alphas[i] = grp.Alpha
	}
	rec.AlphaNormal, rec.AlphaReduce = s.pair(alphas)
	rec.AlphaNormal, rec.AlphaReduce = cloneOrNil(rec.AlphaNormal), cloneOrNil(rec.AlphaReduce)
	rec.MixNormal, rec.MixReduce = s.Mix()
	var eig float64
	if s.cfg.Curvature != nil {
		if eig, err = s.HessianEig(); err != nil {
			return err
		}
		rec.HessianEig = &eig
	}
	if s.method.Pruner != nil {
		if err := s.prune(rec); err != nil {
			return err
		}
	}
	if s.method.Stopper != nil {
		d := s.method.Stopper.Check(EpochStats{Epoch: s.epoch, Genotype: g, SkipCount: skips, Expected: s.Expected(),
			ValidLoss: rec.ValidLoss, ValidAcc: rec.ValidAcc, HessianEig: eig})
		rec.Stop = d.Reason
		if d.Stop {
			s.stop = &d
			if d.Keep != nil {
				rec.Genotype = d.Keep.String()
			}
		}
		s.applyL2Scale()
	}
	s.epoch++
	s.stepInEpoch = 0
	return s.record(rec)
}

// HessianEig measures the largest eigenvalue of the Hessian of the validation loss with
// respect to α (Config.Curvature) at the current α, on a validation batch drawn from
// (seed, step) by a batcher of its own: it changes neither the model nor the search's data
// order, so a run with the measurement equals one without it.
func (s *Searcher) HessianEig() (float64, error) {
	if s.cfg.Curvature == nil {
		return 0, fmt.Errorf("search: no Curvature probe configured")
	}
	if s.probe == nil {
		var err error
		if s.probe, err = datasets.NewBatcher(s.validSet, datasets.BatchOptions{BatchSize: s.cfg.Batch, Seed: s.cfg.Seed + 2,
			Shuffle: true, Resample: true, DropLast: true, Normalize: &s.norm}); err != nil {
			return 0, fmt.Errorf("hessian: %w", err)
		}
	}
	if err := s.probe.Restore(datasets.BatcherState{Epoch: s.step}); err != nil {
		return 0, fmt.Errorf("hessian: %w", err)
	}
	b, err := s.probe.Next()
	if err != nil {
		return 0, fmt.Errorf("hessian: %w", err)
	}
	defer releaseBatch(b)
	alpha := make([][][]float32, len(s.Groups))
	for i, g := range s.Groups {
		alpha[i] = g.Alpha
	}
	seed := s.cfg.Seed ^ uint64(s.step)*0x9e3779b97f4a7c15
	sample := func(a [][][]float32) ([]relax.Sample, error) {
		if len(a) != len(s.Groups) {
			return nil, fmt.Errorf("hessian: %d α groups, want %d", len(a), len(s.Groups))
		}
		d := relax.Draw{Step: s.step, Progress: s.progress(), RNG: rand.New(rand.NewPCG(seed, 1))}
		out := make([]relax.Sample, len(a))
		for i, g := range s.Groups {
			out[i] = masked(s.method.Relaxation.Sample(a[i], g.Ops, d), g.Mask)
		}
		return out, nil
	}
	eig, err := s.cfg.Curvature.Eigenvalue(frozenPasses{s}, b, alpha, sample, rand.New(rand.NewPCG(seed, 2)))
	if err != nil {
		return 0, fmt.Errorf("hessian at step %d: %w", s.step, err)
	}
	return eig, nil
}

// frozenPasses runs the searcher's passes without updating batch norm's running statistics,
// whatever the caller asks: an analysis must not change the model.
type frozenPasses struct{ *Searcher }

// Pass runs Searcher.Pass with FrozenStats.
func (f frozenPasses) Pass(b datasets.Batch, mix [][][]float32, opt PassOptions) (*PassResult, error) {
	opt.FrozenStats = true
	return f.Searcher.Pass(b, mix, opt)
}

// applyL2Scale gives the weights' L2 transforms the Stopper's scale (DARTS-ADA raises it).
func (s *Searcher) applyL2Scale() {
	sc, ok := s.method.Stopper.(interface{ L2Scale() float64 })
	if !ok {
		return
	}
	c, ok := s.wOpt.(*optim.Chained)
	if !ok {
		return
	}
	if s.baseL2 == nil {
		s.baseL2 = map[int]float64{}
		for i, t := range c.Transforms {
			if l2, ok := t.(optim.L2); ok {
				s.baseL2[i] = l2.Coef
			}
		}
	}
	for i, coef := range s.baseL2 {
		c.Transforms[i] = optim.L2{Coef: coef * sc.L2Scale()}
	}
}

// prune asks the Pruner for new masks and records the operations it removed.
func (s *Searcher) prune(rec *EpochRecord) error {
	masks := s.keep()
	next := s.method.Pruner.Prune(s.epoch, s.Expected(), masks)
	if next == nil {
		return nil
	}
	if len(next) != len(s.Groups) {
		return fmt.Errorf("search: pruner returned masks for %d groups, want %d", len(next), len(s.Groups))
	}
	for i, g := range s.Groups {
		if len(next[i]) != len(g.Alpha) {
			return fmt.Errorf("search: pruner returned %d rows for group %s, want %d", len(next[i]), g.Name, len(g.Alpha))
		}
		for e := range next[i] {
			if len(next[i][e]) != len(g.Alpha[e]) {
				return fmt.Errorf("search: pruner mask of group %s edge %d has %d entries, want %d", g.Name, e, len(next[i][e]), len(g.Alpha[e]))
			}
			for k, keep := range next[i][e] {
				if !keep && masks[i][e][k] {
					rec.Pruned = append(rec.Pruned, fmt.Sprintf("%s edge %d: %s", g.Name, e, g.Ops[e][k]))
				}
			}
		}
		g.Mask = next[i]
	}
	if s.dropPruned && len(rec.Pruned) > 0 {
		if err := s.dropPrunedOps(); err != nil {
			return err
		}
		rec.CompileMS = float64(s.rebuildCompile.Microseconds()) / 1000
	}
	return nil
}

// Evaluate returns the mean loss and the accuracy of the supernet (evaluation mode: batch norm
// running statistics, expected mixing weights) on the first batches of the validation split
// (0: all of it).
func (s *Searcher) Evaluate(batches int) (loss, acc float64, err error) {
	if _, err := s.Warmup(); err != nil {
		return 0, 0, err
	}
	if err := s.waitEval(); err != nil {
		return 0, 0, err
	}
	return s.evaluate(s.Expected(), batches)
}

// evaluate evaluates the supernet with mix on the first batches of the validation split.
func (s *Searcher) evaluate(mix [][][]float32, batches int) (loss, acc float64, err error) {
	b, err := datasets.NewBatcher(s.validSet, datasets.BatchOptions{BatchSize: s.cfg.Batch, DropLast: true, Normalize: &s.norm})
	if err != nil {
		return 0, 0, fmt.Errorf("evaluate: %w", err)
	}
	n := b.BatchesPerEpoch()
	if batches > 0 && batches < n {
		n = batches
	}
	var total, correct float64
	var count int
	for i := 0; i < n; i++ {
		batch, err := b.Next()
		if err != nil {
			return 0, 0, fmt.Errorf("evaluate: %w", err)
		}
		in, err := s.inputs(batch, mix)
		if err != nil {
			return 0, 0, fmt.Errorf("evaluate: %w", err)
		}
		p, err := s.eng.Forward(s.Net.Prog, in, false)
		if err != nil {
			s.releaseInputs(in)
			return 0, 0, fmt.Errorf("evaluate: %w", err)
		}
		l, err1 := p.Scalar(s.Net.Loss)
		c, err2 := p.Scalar(s.Net.Correct)
		p.Release()
		s.releaseInputs(in)
		releaseBatch(batch)
		if err1 != nil || err2 != nil {
			return 0, 0, fmt.Errorf("evaluate: %v %v", err1, err2)
		}
		total += l * float64(batch.Size())
		correct += c
		count += batch.Size()
	}
	if count == 0 {
		return 0, 0, nil
	}
	return total / float64(count), correct / float64(count), nil
}
