package search

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
)

// checkpointVersion changes when the format does.
const checkpointVersion = 2

// checkpoint is everything a search needs to continue exactly where it stopped.
type checkpoint struct {
	Version                  int
	Settings                 ckpt.Settings
	Step, Epoch, StepInEpoch int
	Params                   map[string][]float32
	WeightOpt                optim.State
	Groups                   []groupState
	RNG                      []byte
	Components               map[string][]byte
	Stop                     *Decision
	Train, Valid             datasets.BatcherState
	LogOffset                int64
	CompileNanos             int64
}

// groupState is one α group in a checkpoint.
type groupState struct {
	Name  string
	Alpha [][]float32
	Mask  [][]bool
	Opt   optim.State
}

// settings lists every setting that changes the result of the search, by name (the names of
// the command line's flags where there is one).
func (s *Searcher) settings() ckpt.Settings {
	c := s.cfg
	if s.fingerprints == nil {
		s.fingerprints = []string{s.trainSet.Fingerprint(), s.validSet.Fingerprint()}
	}
	out := ckpt.Settings{
		"channels":          fmt.Sprint(c.C),
		"layers":            fmt.Sprint(c.Layers),
		"reductions":        fmt.Sprint(c.Reductions),
		"batch":             fmt.Sprint(c.Batch),
		"epochs":            fmt.Sprint(c.Epochs),
		"seed":              fmt.Sprint(c.Seed),
		"alpha-init":        fmt.Sprint(c.AlphaInit),
		"depthwise":         fmt.Sprint(c.Depthwise),
		"augment":           fmt.Sprintf("%+v", c.Augment),
		"normalize":         fmt.Sprintf("%v", s.norm),
		"train-data":        fmt.Sprintf("%s (%d images)", s.trainSet.Name, s.trainSet.Len()),
		"valid-data":        fmt.Sprintf("%s (%d images)", s.validSet.Name, s.validSet.Len()),
		"train-fingerprint": s.fingerprints[0],
		"valid-fingerprint": s.fingerprints[1],
	}
	for k, v := range c.space().Settings() {
		out[k] = v
	}
	for k, v := range s.method.Settings() {
		out[k] = v
	}
	return out
}

// stateful lists the method's components that carry state, by role.
func (s *Searcher) stateful() map[string]Stateful {
	out := map[string]Stateful{}
	add := func(role string, v any) {
		if st, ok := v.(Stateful); ok {
			out[role] = st
		}
	}
	m := s.method
	add("architect", m.Architect)
	add("relaxation", m.Relaxation)
	add("deriver", m.Deriver)
	add("perturbation", m.Perturbation)
	add("pruner", m.Pruner)
	add("stopper", m.Stopper)
	for i, r := range m.Regularizers {
		add(fmt.Sprintf("regularizer.%d", i), r)
	}
	return out
}

// SetLog makes the searcher write its records to log (and checkpoints remember its offset).
func (s *Searcher) SetLog(log *JSONL) { s.log = log }

// Save writes a checkpoint to path atomically: to a temporary file in the same directory,
// synced, then renamed over path. A crash leaves either the old or the new checkpoint.
func (s *Searcher) Save(path string) error {
	if err := s.eng.SyncParams(s.Net.Params); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	rng, err := s.src.MarshalBinary()
	if err != nil {
		return fmt.Errorf("checkpoint: random state: %w", err)
	}
	ck := checkpoint{Version: checkpointVersion, Settings: s.settings(), Step: s.step, Epoch: s.epoch,
		StepInEpoch: s.stepInEpoch, Params: s.Net.Params.Snapshot(), WeightOpt: s.wOpt.State(), RNG: rng,
		Components: map[string][]byte{}, Stop: s.stop,
		Train: s.train.State(), Valid: s.valid.State(), CompileNanos: int64(s.compile)}
	for _, g := range s.Groups {
		ck.Groups = append(ck.Groups, groupState{Name: g.Name, Alpha: g.Alpha, Mask: g.Mask, Opt: g.opt.State()})
	}
	for role, st := range s.stateful() {
		b, err := st.State()
		if err != nil {
			return fmt.Errorf("checkpoint: state of the %s: %w", role, err)
		}
		ck.Components[role] = b
	}
	if s.log != nil {
		ck.LogOffset = s.log.Offset()
	}
	return ckpt.Save(path, &ck)
}

// Load restores the searcher from the checkpoint at path, which must come from a search with
// the same settings: a difference is an error (a *ckpt.MismatchError) naming every differing
// setting. It returns the log offset the checkpoint recorded.
func (s *Searcher) Load(path string) (int64, error) { return s.LoadOverriding(path, nil) }

// LoadOverriding is Load, except that the settings named in overrides ("lr", "arch-lr",
// "epochs") may differ from the checkpoint's: the search continues with this run's.
func (s *Searcher) LoadOverriding(path string, overrides map[string]bool) (int64, error) {
	var ck checkpoint
	if err := ckpt.Load(path, &ck); err != nil {
		return 0, err
	}
	if ck.Version != checkpointVersion {
		return 0, fmt.Errorf("resume: checkpoint %s has format %d, want %d", path, ck.Version, checkpointVersion)
	}
	if err := ckpt.DiffSettings(ck.Settings, s.settings(), overrides); err != nil {
		return 0, fmt.Errorf("resume: checkpoint %s (step %d): %w", path, ck.Step, err)
	}
	if len(ck.Groups) != len(s.Groups) {
		return 0, fmt.Errorf("resume: checkpoint %s has %d α groups, this search %d", path, len(ck.Groups), len(s.Groups))
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
	if err := s.wOpt.SetState(ck.WeightOpt); err != nil {
		return 0, fmt.Errorf("resume: weight optimizer: %w", err)
	}
	for i, g := range s.Groups {
		gs := ck.Groups[i]
		if gs.Name != g.Name || len(gs.Alpha) != len(g.Alpha) {
			return 0, fmt.Errorf("resume: checkpoint %s: α group %d is %s with %d rows, want %s with %d", path, i, gs.Name, len(gs.Alpha), g.Name, len(g.Alpha))
		}
		g.Alpha, g.Mask = gs.Alpha, gs.Mask
		if err := g.opt.SetState(gs.Opt); err != nil {
			return 0, fmt.Errorf("resume: α group %s optimizer: %w", g.Name, err)
		}
	}
	if s.dropPruned {
		for _, g := range s.Groups {
			if g.Mask != nil {
				if err := s.dropPrunedOps(); err != nil {
					return 0, fmt.Errorf("resume: %w", err)
				}
				break
			}
		}
	}
	if err := s.src.UnmarshalBinary(ck.RNG); err != nil {
		return 0, fmt.Errorf("resume: random state: %w", err)
	}
	for role, st := range s.stateful() {
		b, ok := ck.Components[role]
		if !ok {
			return 0, fmt.Errorf("resume: checkpoint %s holds no state for the method's %s", path, role)
		}
		if err := st.SetState(b); err != nil {
			return 0, fmt.Errorf("resume: state of the %s: %w", role, err)
		}
	}
	s.step, s.epoch, s.stepInEpoch, s.stop = ck.Step, ck.Epoch, ck.StepInEpoch, ck.Stop
	if s.method.Stopper != nil {
		s.applyL2Scale() // the stopper's restored state holds the scale
	}
	return ck.LogOffset, nil
}
