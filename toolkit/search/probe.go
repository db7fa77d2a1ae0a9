package search

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/datasets"
)

// EvaluateMix is Evaluate with the given mixing weights (one table per group) instead of the
// expected ones: a one-hot table per cell evaluates the derived architecture with the
// supernet's weights (inherited weights, before any retraining).
func (s *Searcher) EvaluateMix(mix [][][]float32, batches int) (loss, acc float64, err error) {
	if _, err := s.Warmup(); err != nil {
		return 0, 0, err
	}
	if err := s.waitEval(); err != nil {
		return 0, 0, err
	}
	return s.evaluate(mix, batches)
}

// RecalibrateBN runs the training-mode forward pass (batch statistics) over batches training
// batches with mix, updating only batch norm's running statistics: the recalibration a
// derived sub-network needs before its inherited weights are evaluated. The data order and
// the weights do not change (it reads the training split from its start).
func (s *Searcher) RecalibrateBN(mix [][][]float32, batches int) error {
	if _, err := s.Warmup(); err != nil {
		return err
	}
	b, err := datasets.NewBatcher(s.trainSet, datasets.BatchOptions{BatchSize: s.cfg.Batch, DropLast: true, Normalize: &s.norm})
	if err != nil {
		return fmt.Errorf("recalibrate: %w", err)
	}
	for i := 0; i < batches; i++ {
		batch, err := b.Next()
		if err != nil {
			return fmt.Errorf("recalibrate: %w", err)
		}
		in, err := s.inputs(batch, mix)
		if err != nil {
			return fmt.Errorf("recalibrate: %w", err)
		}
		p, err := s.eng.Forward(s.Net.Prog, in, true)
		s.releaseInputs(in)
		releaseBatch(batch)
		if err != nil {
			return fmt.Errorf("recalibrate: %w", err)
		}
		p.Release()
	}
	return nil
}

// TrainWeights takes steps weight steps at the current α (α does not move): the supernet's
// weights for this α, further trained, as an analysis of supernet sub-optimality does. The
// step counter and the log are not touched.
func (s *Searcher) TrainWeights(steps int) error {
	if _, err := s.Warmup(); err != nil {
		return err
	}
	lr := s.WeightLR()
	for i := 0; i < steps; i++ {
		tb, err := s.train.Next()
		if err != nil {
			return fmt.Errorf("train weights: %w", err)
		}
		_, _, _, err = s.weightStep(tb, lr)
		releaseBatch(tb)
		if err != nil {
			return err
		}
	}
	return nil
}

// ProbeBatches returns a training and a validation batch drawn from (seed, step) by batchers of
// their own, without augmentation: fixed data for analyses that call passes repeatedly. The
// caller releases them (datasets.Batch tensors).
func (s *Searcher) ProbeBatches() (tb, vb datasets.Batch, err error) {
	mk := func(ds *datasets.Dataset, seed uint64) (datasets.Batch, error) {
		b, err := datasets.NewBatcher(ds, datasets.BatchOptions{BatchSize: s.cfg.Batch, Seed: seed, Shuffle: true,
			Resample: true, DropLast: true, Normalize: &s.norm})
		if err != nil {
			return datasets.Batch{}, err
		}
		if err := b.Restore(datasets.BatcherState{Epoch: s.step}); err != nil {
			return datasets.Batch{}, err
		}
		return b.Next()
	}
	if tb, err = mk(s.trainSet, s.cfg.Seed+3); err != nil {
		return tb, vb, fmt.Errorf("probe batches: %w", err)
	}
	if vb, err = mk(s.validSet, s.cfg.Seed+4); err != nil {
		return tb, vb, fmt.Errorf("probe batches: %w", err)
	}
	return tb, vb, nil
}

// SnapshotParams copies every parameter of the supernet as it is now (the trainable weights
// and batch norm's running statistics) and returns the function that puts them back: analyses
// that recalibrate batch norm or train the weights (RecalibrateBN, TrainWeights) undo their
// changes with it. α, the optimizers' states and the data order are not part of it.
func (s *Searcher) SnapshotParams() (restore func() error, err error) {
	if err := s.eng.SyncParams(s.Net.Params); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	saved := map[string][]float32{}
	for name, v := range s.Net.Params.Snapshot() {
		saved[name] = append([]float32(nil), v...)
	}
	return func() error {
		if err := s.Net.Params.Restore(saved); err != nil {
			return fmt.Errorf("restoring the snapshot: %w", err)
		}
		s.eng.Forget(s.Net.Params)
		return nil
	}, nil
}
