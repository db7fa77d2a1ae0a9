package search

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
)

// checkpointVersion changes when the format does.
const checkpointVersion = 1

// checkpoint is everything a search needs to continue exactly where it stopped.
type checkpoint struct {
	Version                  int
	Settings                 string
	Step, Epoch, StepInEpoch int
	Params                   map[string][]float32
	SGDBuf                   [][]float32
	AdamT                    int
	AdamM, AdamV             [][]float32
	AlphaNormal, AlphaReduce [][]float32
	Train, Valid             datasets.BatcherState
	LogOffset                int64
	CompileNanos             int64
}

func (s *Searcher) settings() string {
	c := s.cfg
	return fmt.Sprintf("space=%s ops=%v C=%d layers=%d reductions=%v batch=%d epochs=%d order=%d seed=%d relax=%s train=%d valid=%d",
		c.Space.Name, c.Space.Ops, c.C, c.Layers, c.Reductions, c.Batch, c.Epochs, c.Order, c.Seed, s.relax.Name(),
		s.trainSet.Len(), s.validSet.Len())
}

// SetLog makes the searcher write its records to log (and checkpoints remember its offset).
func (s *Searcher) SetLog(log *JSONL) { s.log = log }

// Save writes a checkpoint to path atomically: to a temporary file in the same directory,
// synced, then renamed over path. A crash leaves either the old or the new checkpoint.
func (s *Searcher) Save(path string) error {
	if err := s.eng.SyncParams(s.Net.Params); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	ck := checkpoint{Version: checkpointVersion, Settings: s.settings(), Step: s.step, Epoch: s.epoch,
		StepInEpoch: s.stepInEpoch, Params: s.Net.Params.Snapshot(), SGDBuf: s.wOpt.Buf,
		AdamT: s.aOpt.T, AdamM: s.aOpt.M, AdamV: s.aOpt.V, AlphaNormal: s.AlphaNormal, AlphaReduce: s.AlphaReduce,
		Train: s.train.State(), Valid: s.valid.State(), CompileNanos: int64(s.compile)}
	if s.log != nil {
		ck.LogOffset = s.log.Offset()
	}
	return ckpt.Save(path, &ck)
}

// Load restores the searcher from the checkpoint at path, which must come from a search with
// the same settings. It returns the log offset the checkpoint recorded.
func (s *Searcher) Load(path string) (int64, error) {
	var ck checkpoint
	if err := ckpt.Load(path, &ck); err != nil {
		return 0, err
	}
	if ck.Version != checkpointVersion {
		return 0, fmt.Errorf("resume: checkpoint %s has format %d, want %d", path, ck.Version, checkpointVersion)
	}
	if ck.Settings != s.settings() {
		return 0, fmt.Errorf("resume: checkpoint %s is of another search:\n  checkpoint: %s\n  this run:   %s", path, ck.Settings, s.settings())
	}
	if err := s.train.Restore(ck.Train); err != nil {
		return 0, fmt.Errorf("resume: %w", err)
	}
	if err := s.valid.Restore(ck.Valid); err != nil {
		return 0, fmt.Errorf("resume: %w", err)
	}
	if err := s.Net.Params.Restore(ck.Params); err != nil {
		return 0, fmt.Errorf("resume: checkpoint %s: %w", path, err)
	}
	s.eng.Forget(s.Net.Params)
	s.step, s.epoch, s.stepInEpoch = ck.Step, ck.Epoch, ck.StepInEpoch
	s.wOpt.Buf = ck.SGDBuf
	s.aOpt.T, s.aOpt.M, s.aOpt.V = ck.AdamT, ck.AdamM, ck.AdamV
	s.AlphaNormal, s.AlphaReduce = ck.AlphaNormal, ck.AlphaReduce
	return ck.LogOffset, nil
}
