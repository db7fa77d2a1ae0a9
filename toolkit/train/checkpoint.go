package train

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
)

// checkpointVersion changes when the format does.
const checkpointVersion = 2

// checkpoint is everything a training run needs to continue exactly where it stopped. The
// drop-path masks need no state: they are a function of (seed, step).
type checkpoint struct {
	Version                  int
	Kind                     string
	Settings                 ckpt.Settings
	Step, Epoch, StepInEpoch int
	Sums                     epochSums
	Params                   map[string][]float32
	SGDBuf                   [][]float32
	Train                    datasets.BatcherState
	LogOffset                int64
}

// checkpointKind tells a training checkpoint from a search checkpoint.
const checkpointKind = "dartboard-train"

// Save writes a checkpoint to path atomically: to a temporary file in the same directory,
// synced, then renamed over path. A crash leaves either the old or the new checkpoint.
func (t *Trainer) Save(path string) error {
	if err := t.eng.SyncParams(t.Net.Params); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	ck := checkpoint{Version: checkpointVersion, Kind: checkpointKind, Settings: t.settings(), Step: t.step,
		Epoch: t.epoch, StepInEpoch: t.stepInEpoch, Sums: t.sums, Params: t.Net.Params.Snapshot(), SGDBuf: t.opt.Buf,
		Train: t.train.State()}
	if t.log != nil {
		ck.LogOffset = t.log.Offset()
	}
	return ckpt.Save(path, &ck)
}

// Load restores the trainer from the checkpoint at path, which must come from a run with the
// same settings. It returns the log offset the checkpoint recorded (for search.OpenJSONL).
func (t *Trainer) Load(path string) (int64, error) { return t.LoadOverriding(path, nil) }

// LoadOverriding is Load, except that the settings named in overrides may differ from the
// checkpoint's (the user changed them on purpose, say the learning rate). Other differences
// are an error wrapping a *ckpt.MismatchError that names each one with both values.
func (t *Trainer) LoadOverriding(path string, overrides map[string]bool) (int64, error) {
	var ck checkpoint
	if err := ckpt.Load(path, &ck); err != nil {
		return 0, err
	}
	if ck.Kind != checkpointKind {
		return 0, fmt.Errorf("resume: %s is not a training checkpoint (a search checkpoint?)", path)
	}
	if ck.Version != checkpointVersion {
		return 0, fmt.Errorf("resume: checkpoint %s has format %d, want %d", path, ck.Version, checkpointVersion)
	}
	if err := ckpt.DiffSettings(ck.Settings, t.settings(), overrides); err != nil {
		return 0, fmt.Errorf("resume: checkpoint %s (step %d) is of another run: %w", path, ck.Step, err)
	}
	if ck.SGDBuf != nil && len(ck.SGDBuf) != len(t.trainable) {
		return 0, fmt.Errorf("resume: checkpoint %s has momentum for %d parameters, the network %d", path, len(ck.SGDBuf), len(t.trainable))
	}
	if err := t.train.Restore(ck.Train); err != nil {
		return 0, fmt.Errorf("resume: %w", err)
	}
	if err := t.Net.Params.Restore(ck.Params); err != nil {
		return 0, fmt.Errorf("resume: checkpoint %s: %w", path, err)
	}
	t.eng.Forget(t.Net.Params)
	t.step, t.epoch, t.stepInEpoch, t.sums = ck.Step, ck.Epoch, ck.StepInEpoch, ck.Sums
	t.opt.Buf = ck.SGDBuf
	return ck.LogOffset, nil
}
