package search

import (
	"context"
	"fmt"
	"time"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/datasets"
)

// Run continues the search until every epoch has run or ctx is cancelled (then it returns
// ctx's error after the step in progress). With a checkpoint path, it checkpoints every
// CheckpointEvery steps and at each epoch end.
func (s *Searcher) Run(ctx context.Context, checkpoint string) error {
	for !s.Done() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.TakeStep(); err != nil {
			return err
		}
		if checkpoint != "" && s.cfg.CheckpointEvery > 0 && s.step%s.cfg.CheckpointEvery == 0 && s.stepInEpoch != 0 {
			if err := s.Save(checkpoint); err != nil {
				return err
			}
		}
		if s.stepInEpoch == 0 && checkpoint != "" {
			if err := s.Save(checkpoint); err != nil {
				return err
			}
		}
	}
	return nil
}

// RunEpoch runs the steps left in the current epoch (and its end of epoch).
func (s *Searcher) RunEpoch() error {
	if s.Done() {
		return fmt.Errorf("search: all %d epochs have run", s.cfg.Epochs)
	}
	e := s.epoch
	for s.epoch == e {
		if err := s.TakeStep(); err != nil {
			return err
		}
	}
	return nil
}

// TakeStep runs one search step: an architecture step on a validation batch, then a weight
// step on a training batch; after the last step of an epoch, it evaluates, derives the
// genotype, records the epoch and moves to the next.
func (s *Searcher) TakeStep() error {
	if s.Done() {
		return fmt.Errorf("search: all %d epochs have run", s.cfg.Epochs)
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
	vb, err := s.valid.Next()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer releaseBatch(vb)
	lr := s.LR()
	archLoss, err := s.archStep(tb, vb, lr)
	if err != nil {
		return err
	}
	loss, acc, norm, err := s.weightStep(tb, lr)
	if err != nil {
		return err
	}
	s.step++
	s.stepInEpoch++
	rec := &Record{Kind: "step", Step: s.step, Epoch: s.epoch, Seconds: time.Since(s.started).Seconds(),
		TrainLoss: loss, TrainAcc: acc, ArchLoss: archLoss, LR: lr, ArchLR: s.cfg.ArchLR, GradNorm: norm,
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
	if err := s.record(rec); err != nil {
		return err
	}
	if s.stepInEpoch >= s.train.BatchesPerEpoch() {
		return s.endEpoch()
	}
	return nil
}

func releaseBatch(b datasets.Batch) {
	for _, t := range []*tensors.Tensor{b.Images, b.Labels} {
		if t != nil {
			t.FinalizeAll()
		}
	}
}

func (s *Searcher) record(r *Record) error {
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
	var edges []string
	var ops [][]string
	for e, edge := range s.cfg.Space.Edges() {
		edges = append(edges, fmt.Sprintf("%d→%d", edge.Input, edge.Node+s.cfg.Space.Inputs))
		ops = append(ops, s.cfg.Space.OpsOn(e))
	}
	c := s.cfg
	return s.record(&Record{Kind: "meta", Edges: edges, Ops: ops, StepsPerEpoch: s.StepsPerEpoch(), Epochs: c.Epochs,
		CompileMS: float64(s.compile.Microseconds()) / 1000,
		Settings: fmt.Sprintf("space=%s C=%d layers=%d batch=%d order=%d seed=%d relaxation=%s train=%d valid=%d",
			c.Space.Name, c.C, c.Layers, c.Batch, c.Order, c.Seed, s.relax.Name(), s.trainSet.Len(), s.validSet.Len())})
}

// endEpoch evaluates the supernet, derives the genotype and records the epoch.
func (s *Searcher) endEpoch() error {
	rec := &Record{Kind: "epoch", Step: s.step, Epoch: s.epoch, LR: s.LR(), Seconds: time.Since(s.started).Seconds()}
	if s.cfg.EvalBatches >= 0 {
		loss, acc, err := s.Evaluate(s.cfg.EvalBatches)
		if err != nil {
			return err
		}
		rec.ValidLoss, rec.ValidAcc = loss, acc
	}
	g, err := s.Genotype()
	if err != nil {
		return fmt.Errorf("search: epoch %d: %w", s.epoch, err)
	}
	rec.Genotype = g.String()
	skips := 0
	for _, o := range g.Normal {
		if o.Op == "skip_connect" {
			skips++
		}
	}
	rec.SkipCount = &skips
	rec.AlphaNormal, rec.AlphaReduce = cloneRows(s.AlphaNormal), cloneRows(s.AlphaReduce)
	rec.MixNormal, rec.MixReduce = s.Mix()
	s.epoch++
	s.stepInEpoch = 0
	return s.record(rec)
}

// Evaluate returns the mean loss and the accuracy of the supernet (evaluation mode: batch norm
// running statistics) on the first batches of the validation split (0: all of it).
func (s *Searcher) Evaluate(batches int) (loss, acc float64, err error) {
	if _, err := s.Warmup(); err != nil {
		return 0, 0, err
	}
	if err := s.waitEval(); err != nil {
		return 0, 0, err
	}
	b, err := datasets.NewBatcher(s.validSet, datasets.BatchOptions{BatchSize: s.cfg.Batch, DropLast: true, Normalize: &s.norm})
	if err != nil {
		return 0, 0, fmt.Errorf("evaluate: %w", err)
	}
	n := b.BatchesPerEpoch()
	if batches > 0 && batches < n {
		n = batches
	}
	mixN, mixR := s.Mix()
	var total, correct float64
	var count int
	for i := 0; i < n; i++ {
		batch, err := b.Next()
		if err != nil {
			return 0, 0, fmt.Errorf("evaluate: %w", err)
		}
		in := s.inputs(batch, mixN, mixR)
		p, err := s.eng.Forward(s.Net.Prog, in, false)
		if err != nil {
			s.releaseInputs(in)
			return 0, 0, fmt.Errorf("evaluate: %w", err)
		}
		l, err1 := p.Scalar(s.Net.Loss)
		c, err2 := p.Scalar(s.Net.Correct)
		p.Release()
		s.releaseInputs(in)
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
