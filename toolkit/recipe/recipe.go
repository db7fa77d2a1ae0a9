package recipe

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// Entry is one recipe: its command-line name, a one-line summary and its constructor.
type Entry struct {
	Name    string
	Summary string
	New     func() search.Method
}

// All returns every recipe, in the order `dartboard methods` lists them.
func All() []Entry {
	return []Entry{
		{"darts", "DARTS, first order: softmax over ops, α on the validation split, ∇α L_val at the current weights", DARTS1},
		{"darts2", "DARTS, second order: the unrolled α gradient with a finite-difference Hessian-vector product", DARTS2},
		{"fairdarts", "FairDARTS: sigmoid weights (no competition), zero-one loss, threshold derivation", FairDARTS},
		{"snas", "SNAS: Gumbel-softmax samples, temperature 1 → 0.03, single level", SNAS},
		{"gdas", "GDAS: one sampled op per edge (Gumbel-max, straight-through), temperature 10 → 0.1", GDAS},
		{"drnas", "DrNAS: Dirichlet-sampled weights, concentration elu(α)+1, L2 on α", DrNAS},
		{"milenas", "MiLeNAS: mixed-level, α's gradient ∇α L_val + λ·∇α L_train (λ = 1)", MiLeNAS},
		{"single-level", "one-level DARTS: α and weights on the same training batch, with cutout to make the task harder", SingleLevel},
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

// ByName returns a fresh Method of the recipe called name, or an error listing the names.
func ByName(name string) (search.Method, error) {
	for _, e := range All() {
		if e.Name == name {
			return e.New(), nil
		}
	}
	names := Names()
	sort.Strings(names)
	return search.Method{}, fmt.Errorf("unknown method %q: want one of %s", name, strings.Join(names, ", "))
}
