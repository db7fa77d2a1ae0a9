package recipe

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/progressive"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// For is what some recipes need to know of the search they fill a Method for: its number of
// epochs (schedules over the search; a progressive recipe's epochs per stage), its cell space
// (DARTS+ ranks the space's operations) and, for a progressive recipe (P-DARTS), the sizes of
// its stages (nil: the recipe's).
type For struct {
	Epochs int
	Space  searchspace.CellSpace
	Stages []StageSize
}

// StageSize is the size of one stage of a progressive search: its supernet's cells and the
// operations each edge searches.
type StageSize struct {
	Cells, Ops int
}

// Entry is one recipe: its command-line name, a one-line summary and its constructor. A
// progressive recipe also has Plan, its stages; New then gives the method of its last stage
// (a one-stage search with that stage's settings).
type Entry struct {
	Name    string
	Summary string
	New     func(For) search.Method
	Plan    func(For) (progressive.Plan, error)
}

// plain adapts a recipe that needs nothing of the search.
func plain(f func() search.Method) func(For) search.Method {
	return func(For) search.Method { return f() }
}

// All returns every recipe, in the order `dartboard methods` lists them.
func All() []Entry {
	return []Entry{
		{"darts", "DARTS, first order: softmax over ops, α on the validation split, ∇α L_val at the current weights", plain(DARTS1), nil},
		{"darts2", "DARTS, second order: the unrolled α gradient with a finite-difference Hessian-vector product", plain(DARTS2), nil},
		{"fairdarts", "FairDARTS: sigmoid weights (no competition), zero-one loss, threshold derivation", plain(FairDARTS), nil},
		{"snas", "SNAS: Gumbel-softmax samples, temperature 1 → 0.03, single level", plain(SNAS), nil},
		{"gdas", "GDAS: one sampled op per edge (Gumbel-max, straight-through), temperature 10 → 0.1", plain(GDAS), nil},
		{"drnas", "DrNAS: Dirichlet-sampled weights, concentration elu(α)+1, L2 on α", plain(DrNAS), nil},
		{"milenas", "MiLeNAS: mixed-level, α's gradient ∇α L_val + λ·∇α L_train (λ = 1)", plain(MiLeNAS), nil},
		{"single-level", "one-level DARTS: α and weights on the same training batch, with cutout to make the task harder", plain(SingleLevel), nil},
		{"sdarts-rs", "SDARTS-RS: uniform random perturbation of the mixing weights before the weight step, ε 0.03 → 0.3", SDARTSRS, nil},
		{"sdarts-adv", "SDARTS-ADV: a 7-step PGD attack on the mixing weights before the weight step, ε 0.03 → 0.3", SDARTSADV, nil},
		{"darts-minus", "DARTS-: an auxiliary skip connection on every edge, outside the competition, β 1 → 0", DARTSMinus, nil},
		{"beta-darts", "β-DARTS: β-decay regularization (mean log-sum-exp of α per edge), weight ramped 0.5·epoch", BetaDARTS, nil},
		{"darts-plus", "DARTS+: stop when the derived normal cell has 2 skip connections or the op ranking is stable 10 epochs", DARTSPlus, nil},
		{"rdarts-es", "DARTS-ES (RobustDARTS): stop when the Hessian eigenvalue grows 1.3× in 4 epochs, keep the earlier genotype", RDARTSES, nil},
		{"rdarts-ada", "DARTS-ADA (RobustDARTS): on the same signal raise the weights' L2 ×10 and continue", RDARTSADA, nil},
		{"pcdarts", "PC-DARTS: partial channels (1/4 through the ops, channel shuffle), edge normalization β, α warm-up", PCDARTS, nil},
		{"pdarts", "P-DARTS: progressive depth, stages of 5/11/17 cells with 8/5/3 ops per edge, skip dropout, at most 2 skips", pdartsLast, PDARTS},
	}
}

// pdartsLast is the method of P-DARTS's last stage.
func pdartsLast(f For) search.Method { return PDARTSStage(f, 0.7) }

// PlanByName returns the stages of the progressive recipe called name (ok false for a recipe
// that runs in one stage, or an unknown name).
func PlanByName(name string, f For) (plan progressive.Plan, ok bool, err error) {
	for _, e := range All() {
		if e.Name == name && e.Plan != nil {
			plan, err = e.Plan(f)
			return plan, true, err
		}
	}
	return progressive.Plan{}, false, nil
}

// Names returns the recipes' names.
func Names() []string {
	var out []string
	for _, e := range All() {
		out = append(out, e.Name)
	}
	return out
}

// ByName returns a fresh Method of the recipe called name for the search f, or an error
// listing the names.
func ByName(name string, f For) (search.Method, error) {
	for _, e := range All() {
		if e.Name == name {
			return e.New(f), nil
		}
	}
	names := Names()
	sort.Strings(names)
	return search.Method{}, fmt.Errorf("unknown method %q: want one of %s", name, strings.Join(names, ", "))
}
