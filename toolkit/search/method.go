package search

import (
	"fmt"
	"math/rand/v2"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
)

// Method is a differentiable architecture search method as a composition of components: how
// α's gradient is obtained (Architect), how α becomes mixing weights (Relaxation), the terms
// added to α's objective (Regularizers), how the discrete architecture is read off the mixing
// weights (Deriver), and the optional hooks that perturb, prune and stop. A DARTS variant is a
// Method value (package recipe fills them in); the search loop never asks which method runs.
//
// Nil components take DARTS's: first order, softmax, no regularizer, the DARTS derivation rule,
// Adam for α and SGD for the weights with DARTS's settings.
type Method struct {
	// Name identifies the method in the run's meta data ("darts", "gdas", ...).
	Name string
	// Architect computes α's gradient.
	Architect Architect
	// Relaxation turns α into mixing weights.
	Relaxation relax.Relaxation
	// Regularizers add terms on α to the architecture objective.
	Regularizers []Regularizer
	// Deriver reads the genotype off the expected mixing weights.
	Deriver Deriver
	// Perturbation changes the mixing weights of the weight pass (nil: none).
	Perturbation Perturbation
	// Pruner masks operations at epoch ends (nil: none).
	Pruner Pruner
	// Stopper ends the search early (nil: never).
	Stopper Stopper
	// Supernet changes the supernet the method searches (DARTS-'s auxiliary skip, P-DARTS's
	// skip dropout) and gives the values of the inputs those changes add.
	Supernet []SupernetOption
	// Alpha is the optimizer and learning-rate schedule of every α group; AlphaGroups overrides
	// it for the groups it names ("normal", "reduce").
	Alpha       Optimization
	AlphaGroups map[string]Optimization
	// Weights is the optimizer and schedule of the supernet's weights; GradClip their global
	// gradient-norm clip (0: none).
	Weights  Optimization
	GradClip float64
}

// Optimization is a parameter group's optimizer and learning-rate schedule. New makes the
// optimizer with fresh state (a Method can build several searches). A schedule that gives 0
// skips the group's update (its optimizer state does not move): α warm-up is a schedule.
type Optimization struct {
	New      func() optim.Optimizer
	Schedule optim.Schedule
}

// String describes the optimization for meta data and settings checks.
func (o Optimization) String() string {
	return fmt.Sprintf("%s lr=%v", o.optimizer(), o.Schedule)
}

// withDefaults fills the optimizer and the schedule left unset, each on its own, from def (a
// schedule set without an optimizer is kept).
func (o Optimization) withDefaults(def Optimization) Optimization {
	if o.New == nil {
		o.New = def.New
	}
	if o.Schedule == nil {
		o.Schedule = def.Schedule
	}
	return o
}

// optimizer describes the optimizer alone.
func (o Optimization) optimizer() string {
	if o.New == nil {
		return "<nil>"
	}
	return fmt.Sprint(o.New())
}

// DARTSAlpha is DARTS's α optimization: Adam lr 3e-4, betas (0.5, 0.999), L2 1e-3.
func DARTSAlpha() Optimization {
	return Optimization{New: func() optim.Optimizer {
		return optim.Chain(optim.NewAdam(0.5, 0.999), optim.L2{Coef: 1e-3})
	}, Schedule: optim.Constant(3e-4)}
}

// DARTSWeights is DARTS's weight optimization: SGD momentum 0.9, L2 3e-4, lr cosine-annealed
// per epoch from 0.025 to 0.001, stepped before each epoch as quark0/darts (epoch e trains at
// the rate of e+1).
func DARTSWeights() Optimization {
	return Optimization{New: func() optim.Optimizer {
		return optim.Chain(&optim.SGD{Momentum: 0.9}, optim.L2{Coef: 3e-4})
	}, Schedule: optim.CosineSchedule{Start: 0.025, Min: 0.001, Ahead: true}}
}

// withDefaults returns m with its nil components replaced by DARTS's.
func (m Method) withDefaults() Method {
	if m.Name == "" {
		m.Name = "darts"
	}
	if m.Architect == nil {
		m.Architect = FirstOrder{}
	}
	if m.Relaxation == nil {
		m.Relaxation = relax.Softmax{}
	}
	if m.Deriver == nil {
		m.Deriver = DARTSDeriver{}
	}
	m.Alpha = m.Alpha.withDefaults(DARTSAlpha())
	m.Weights = m.Weights.withDefaults(DARTSWeights())
	return m
}

// check validates the composition once, when a searcher is built.
func (m Method) check() error {
	if m.Alpha.Schedule == nil || m.Weights.Schedule == nil {
		return fmt.Errorf("method %s: an optimization has no learning-rate schedule", m.Name)
	}
	for name, o := range m.AlphaGroups {
		if o.New == nil || o.Schedule == nil {
			return fmt.Errorf("method %s: α group %q has no optimizer or schedule", m.Name, name)
		}
	}
	for i, r := range m.Regularizers {
		if r == nil {
			return fmt.Errorf("method %s: regularizer %d is nil", m.Name, i)
		}
	}
	if m.GradClip < 0 {
		return fmt.Errorf("method %s: gradient clip %g is negative", m.Name, m.GradClip)
	}
	type checker interface{ Check() error }
	parts := map[string]any{"architect": m.Architect, "relaxation": m.Relaxation, "deriver": m.Deriver,
		"perturbation": m.Perturbation, "pruner": m.Pruner, "stopper": m.Stopper}
	for i, r := range m.Regularizers {
		parts[fmt.Sprintf("regularizer %d", i)] = r
	}
	for i, o := range m.Supernet {
		if o == nil {
			return fmt.Errorf("method %s: supernet option %d is nil", m.Name, i)
		}
		parts[fmt.Sprintf("supernet option %d", i)] = o
	}
	for role, p := range parts {
		if c, ok := p.(checker); ok {
			if err := c.Check(); err != nil {
				return fmt.Errorf("method %s: %s: %w", m.Name, role, err)
			}
		}
	}
	return nil
}

// Settings describes every component of the method, one key each, for the run's meta data
// and the checkpoint's settings check.
func (m Method) Settings() map[string]string {
	m = m.withDefaults()
	out := map[string]string{
		"method":     m.Name,
		"architect":  describe(m.Architect),
		"relaxation": describe(m.Relaxation),
		"deriver":    describe(m.Deriver),
		"alpha-opt":  m.Alpha.optimizer(),
		"arch-lr":    fmt.Sprint(m.Alpha.Schedule),
		"weight-opt": m.Weights.optimizer(),
		"lr":         fmt.Sprint(m.Weights.Schedule),
		"grad-clip":  fmt.Sprint(m.GradClip),
	}
	for name, o := range m.AlphaGroups {
		out["alpha-opt."+name] = o.optimizer()
		out["arch-lr."+name] = fmt.Sprint(o.Schedule)
	}
	for i, r := range m.Regularizers {
		out[fmt.Sprintf("regularizer.%d", i)] = describe(r)
	}
	if m.Perturbation != nil {
		out["perturbation"] = describe(m.Perturbation)
	}
	if m.Pruner != nil {
		out["pruner"] = describe(m.Pruner)
	}
	if m.Stopper != nil {
		out["stopper"] = describe(m.Stopper)
	}
	for i, o := range m.Supernet {
		out[fmt.Sprintf("supernet.%d", i)] = describe(o)
	}
	return out
}

func describe(v any) string {
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T%+v", v, v)
}

// Passes is what the components of a Method may run on the supernet: forward-backward passes
// at given mixing weights, and the weights themselves. A Searcher implements it.
type Passes interface {
	// Pass runs the training-mode forward and backward pass on b with one mixing-weight table
	// per α group (Searcher.Groups order) and returns the loss, and the weights' and mixing
	// weights' gradients as opt asks.
	Pass(b datasets.Batch, mix [][][]float32, opt PassOptions) (*PassResult, error)
	// Weights returns a copy of the trainable weights; SetWeights replaces them.
	Weights() [][]float32
	SetWeights(w [][]float32)
	// VirtualStep returns the weights one weight-optimizer step from w along gradient g at
	// learning rate lr, without changing the optimizer (second order's unrolled weights).
	VirtualStep(w, g [][]float32, lr float64) [][]float32
	// WeightLR is the weights' learning rate of the current epoch.
	WeightLR() float64
}

// PassOptions selects what a pass computes.
type PassOptions struct {
	// Params and Mix ask for the gradients of the weights and of the mixing weights.
	Params, Mix bool
	// FrozenStats leaves batch norm's running statistics as they are (the pass still
	// normalizes with batch statistics): for the extra passes of second order and analyses,
	// which must not change the model.
	FrozenStats bool
}

// PassResult is what a pass returns.
type PassResult struct {
	Loss, Correct float64
	// GParams is the gradient of the trainable weights (when asked).
	GParams [][]float32
	// GMix is the gradient of each group's mixing weights (when asked).
	GMix [][][]float32
}

// Architect computes the gradient of the architecture objective with respect to α.
type Architect interface {
	// Name identifies the architect ("first-order", "second-order", ...).
	Name() string
	// SingleSplit reports whether α and the weights use the same (training) data: the search
	// then does not hold a validation split out, and α's batch is the weight step's batch
	// (single-level optimization).
	SingleSplit() bool
	// Gradient returns the α objective's loss on vb (or tb) and the gradient of α of every
	// group, given the step's samples (one per group, used by every pass of the step). tb is
	// the step's training batch, vb its architecture batch.
	Gradient(p Passes, tb, vb datasets.Batch, samples []relax.Sample) (loss float64, grad [][][]float32, err error)
}

// Regularizer adds a term on α to the architecture objective (FairDARTS's zero-one loss,
// β-DARTS's β-decay, DrNAS's KL anchor, L2). It is evaluated on the host, per α group.
type Regularizer interface {
	// Name identifies the regularizer in records.
	Name() string
	// Penalty returns the term's value for one group's α at the search's progress in [0, 1]
	// and adds its gradient with respect to α into grad (same shape as alpha).
	Penalty(alpha [][]float32, ops [][]string, progress float64, grad [][]float32) float64
}

// Deriver reads the discrete architecture off the expected mixing weights of the normal and
// reduction cells.
type Deriver interface {
	Derive(space searchspace.CellSpace, normal, reduce [][]float64) (searchspace.Genotype, error)
}

// Perturbation changes the samples used by the weight pass (SDARTS's random smoothing and
// adversarial attack on α). It may run passes (an attack does).
type Perturbation interface {
	Perturb(p Passes, tb datasets.Batch, samples []relax.Sample, d relax.Draw) ([]relax.Sample, error)
}

// Pruner masks operations at epoch ends: masks[g][e][k] false removes operation k of edge e
// of group g from the search (its mixing weight is held at zero from then on). It returns nil
// to leave the masks as they are.
type Pruner interface {
	Prune(epoch int, expected [][][]float32, masks [][][]bool) [][][]bool
}

// EpochStats is what a Stopper sees at each epoch end.
type EpochStats struct {
	Epoch     int
	Genotype  searchspace.Genotype
	SkipCount int
	// Expected mixing weights per group.
	Expected [][][]float32
	// ValidLoss, ValidAcc of the epoch's evaluation.
	ValidLoss, ValidAcc float64
	// HessianEig is the dominant eigenvalue of the validation loss's Hessian w.r.t. α (0 when
	// not measured).
	HessianEig float64
}

// Decision is a Stopper's verdict.
type Decision struct {
	// Stop ends the search after this epoch; Reason says why (logged; epochs counted from 1, as
	// the progress lines count them).
	Stop   bool
	Reason string
	// Keep, when not nil, is the genotype the search reports instead of the current one (an
	// earlier epoch's, as DARTS-ES keeps).
	Keep *searchspace.Genotype
}

// Stopper ends a search early.
type Stopper interface {
	Check(s EpochStats) Decision
}

// SupernetOption changes the supernet of a search (network.Config) and, at every step, sets
// the values of the inputs that change adds (network.Extras: the auxiliary skip's β, the skip
// dropout rate) for the epoch (0-based) of a search of epochs epochs.
type SupernetOption interface {
	Configure(cfg *network.Config)
	SetExtras(epoch, epochs int, x *network.Extras)
}

// Curvature measures the largest eigenvalue of the Hessian of the loss on b with respect to α
// (all groups flattened), at alpha, with the passes p (which must leave the model unchanged:
// FrozenStats, no weight change). sample turns α into the mixing weights of a pass and must be
// deterministic (the same α gives the same sample); rng seeds the power iteration. Package
// hessian's Probe implements it.
type Curvature interface {
	Eigenvalue(p Passes, b datasets.Batch, alpha [][][]float32, sample func(alpha [][][]float32) ([]relax.Sample, error), rng *rand.Rand) (float64, error)
}

// Stateful is implemented by components that carry state across steps: the searcher saves it
// in checkpoints and restores it on resume.
type Stateful interface {
	State() ([]byte, error)
	SetState([]byte) error
}

// DARTSDeriver is DARTS's derivation rule (searchspace.DeriveDARTS): per node the two best
// incoming edges, on each the best operation, none excluded unless Options.AllowNone.
type DARTSDeriver struct {
	Options searchspace.DeriveOptions
}

// Derive applies searchspace.DeriveDARTS.
func (d DARTSDeriver) Derive(space searchspace.CellSpace, normal, reduce [][]float64) (searchspace.Genotype, error) {
	return searchspace.DeriveDARTS(space, normal, reduce, d.Options)
}

// FairDeriver is FairDARTS's rule (searchspace.DeriveFairDARTS): edges whose best sigmoid
// weight reaches Threshold (0: 0.85), at most two per node.
type FairDeriver struct {
	Threshold float64
}

// Derive applies searchspace.DeriveFairDARTS.
func (d FairDeriver) Derive(space searchspace.CellSpace, normal, reduce [][]float64) (searchspace.Genotype, error) {
	return searchspace.DeriveFairDARTS(space, normal, reduce, d.Threshold)
}
