package recipe

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// For is what some recipes need to know of the search they fill a Method for: its number of
// epochs (schedules over the search) and its cell space (DARTS+ ranks the space's operations).
type For struct {
	Epochs int
	Space  searchspace.CellSpace
}

// Entry is one recipe: its command-line name, a one-line summary and its constructor.
type Entry struct {
	Name    string
	Summary string
	New     func(For) search.Method
}

// plain adapts a recipe that needs nothing of the search.
func plain(f func() search.Method) func(For) search.Method {
	return func(For) search.Method { return f() }
}

// All returns every recipe, in the order `dartboard methods` lists them.
func All() []Entry {
	return []Entry{
		{"darts", "DARTS, first order: softmax over ops, α on the validation split, ∇α L_val at the current weights", plain(DARTS1)},
		{"darts2", "DARTS, second order: the unrolled α gradient with a finite-difference Hessian-vector product", plain(DARTS2)},
		{"fairdarts", "FairDARTS: sigmoid weights (no competition), zero-one loss, threshold derivation", plain(FairDARTS)},
		{"snas", "SNAS: Gumbel-softmax samples, temperature 1 → 0.03, single level", plain(SNAS)},
		{"gdas", "GDAS: one sampled op per edge (Gumbel-max, straight-through), temperature 10 → 0.1", plain(GDAS)},
		{"drnas", "DrNAS: Dirichlet-sampled weights, concentration elu(α)+1, L2 on α", plain(DrNAS)},
		{"milenas", "MiLeNAS: mixed-level, α's gradient ∇α L_val + λ·∇α L_train (λ = 1)", plain(MiLeNAS)},
		{"single-level", "one-level DARTS: α and weights on the same training batch, with cutout to make the task harder", plain(SingleLevel)},
		{"sdarts-rs", "SDARTS-RS: uniform random perturbation of the mixing weights before the weight step, ε 0.03 → 0.3", SDARTSRS},
		{"sdarts-adv", "SDARTS-ADV: a 7-step PGD attack on the mixing weights before the weight step, ε 0.03 → 0.3", SDARTSADV},
		{"darts-minus", "DARTS-: an auxiliary skip connection on every edge, outside the competition, β 1 → 0", DARTSMinus},
		{"beta-darts", "β-DARTS: β-decay regularization (mean log-sum-exp of α per edge), weight ramped 0.5·epoch", BetaDARTS},
		{"darts-plus", "DARTS+: stop when the derived normal cell has 2 skip connections or the op ranking is stable 10 epochs", DARTSPlus},
		{"rdarts-es", "DARTS-ES (RobustDARTS): stop when the Hessian eigenvalue grows 1.3× in 4 epochs, keep the earlier genotype", RDARTSES},
		{"rdarts-ada", "DARTS-ADA (RobustDARTS): on the same signal raise the weights' L2 ×10 and continue", RDARTSADA},
	}
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
