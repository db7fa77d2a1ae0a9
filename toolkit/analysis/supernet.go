package analysis

import (
	"fmt"
	"math/rand/v2"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// GradientError compares a method's α gradient with a reference hypergradient on one cell
// type (α group): cosine similarity and relative error ‖g − ref‖/‖ref‖.
type GradientError struct {
	Cell      string  `json:"cell"`
	FirstCos  float64 `json:"first_order_cos"`
	FirstRel  float64 `json:"first_order_rel_error"`
	SecondCos float64 `json:"second_order_cos"`
	SecondRel float64 `json:"second_order_rel_error"`
	// Unused is set (and the figures left 0) when the reference hypergradient of this group is
	// exactly zero: its α does not reach the validation loss (a network with no cell of this
	// type, e.g. 2 layers, both reduction cells), so there is no direction to compare.
	Unused bool `json:"unused,omitempty"`
}

// SupernetBilevel returns the bilevel problem of s at its current state as plain float64
// functions over (every trainable weight flattened, every α group flattened): Train on the
// training batch tb and Val on the validation batch vb. The passes leave batch norm's running
// statistics alone, the relaxation samples with a fixed random source (a deterministic
// function of α), and the weights are restored by the returned function.
func SupernetBilevel(s *search.Searcher, tb, vb datasets.Batch) (b Bilevel, w, alpha []float64, restore func()) {
	w0 := s.Weights()
	groups := make([][][]float32, len(s.Groups))
	for i, g := range s.Groups {
		groups[i] = g.Alpha
	}
	grad := func(batch datasets.Batch) GradFunc {
		return func(w, alpha []float64) ([]float64, []float64, error) {
			s.SetWeights(unflatten2(w, w0))
			a, err := unflatten3(alpha, groups)
			if err != nil {
				return nil, nil, err
			}
			rng := rand.New(rand.NewPCG(1, 2))
			samples := make([]relax.Sample, len(a))
			mix := make([][][]float32, len(a))
			for i, g := range s.Groups {
				samples[i] = s.Method().Relaxation.Sample(a[i], g.Ops, relax.Draw{RNG: rng})
				mix[i] = samples[i].Mix
			}
			res, err := s.Pass(batch, mix, search.PassOptions{Params: true, Mix: true, FrozenStats: true})
			if err != nil {
				return nil, nil, err
			}
			ga := make([][][]float32, len(a))
			for i := range a {
				ga[i] = samples[i].VJP(res.GMix[i])
			}
			return flatten2(res.GParams), flatten3(ga), nil
		}
	}
	return Bilevel{Train: grad(tb), Val: grad(vb)}, flatten2(w0), flatten3(groups), func() { s.SetWeights(w0) }
}

// Reference chooses the reference hypergradient of GradientErrors.
type Reference struct {
	// Implicit uses the implicit-function gradient (conjugate gradients, CG) instead of the
	// unrolled one. It assumes a positive definite Hessian of the training loss; at a
	// supernet's shared weights it often is not (use damping, or the unrolled reference).
	Implicit bool
	CG       CGOptions
	// K is the number of unrolled steps (exact reverse mode through K plain gradient steps at
	// the weights' learning rate; 0: 10).
	K int
}

// String describes the reference.
func (r Reference) String() string {
	if r.Implicit {
		return fmt.Sprintf("implicit-function gradient (CG, damping %g)", r.CG.Damping)
	}
	return fmt.Sprintf("unrolled gradient through %d steps", r.k())
}

func (r Reference) k() int {
	if r.K == 0 {
		return 10
	}
	return r.K
}

// GradientErrors compares, at s's current state, the first- and second-order DARTS α
// gradients with a reference hypergradient (ref), per α group, on fixed batches
// (Searcher.ProbeBatches). It returns the comparison and the CG result when the reference is
// implicit, and leaves the model as it was.
func GradientErrors(s *search.Searcher, r Reference) ([]GradientError, CGResult, error) {
	tb, vb, err := s.ProbeBatches()
	if err != nil {
		return nil, CGResult{}, err
	}
	b, w, alpha, restore := SupernetBilevel(s, tb, vb)
	defer restore()
	first, err := b.FirstOrder(w, alpha)
	if err != nil {
		return nil, CGResult{}, fmt.Errorf("first-order gradient: %w", err)
	}
	second, err := b.SecondOrder(w, alpha, s.WeightLR())
	if err != nil {
		return nil, CGResult{}, fmt.Errorf("second-order gradient: %w", err)
	}
	var ref []float64
	var res CGResult
	if r.Implicit {
		if ref, res, err = b.Implicit(w, alpha, r.CG); err != nil {
			return nil, res, fmt.Errorf("implicit hypergradient: %w", err)
		}
	} else if ref, _, err = b.Unrolled(w, alpha, s.WeightLR(), r.k()); err != nil {
		return nil, res, fmt.Errorf("unrolled hypergradient: %w", err)
	}
	var out []GradientError
	off := 0
	for _, g := range s.Groups {
		n := 0
		for _, row := range g.Alpha {
			n += len(row)
		}
		sl := func(x []float64) []float64 { return x[off : off+n] }
		if norm(sl(ref)) == 0 {
			out = append(out, GradientError{Cell: g.Name, Unused: true})
		} else {
			out = append(out, GradientError{Cell: g.Name,
				FirstCos: Cosine(sl(first), sl(ref)), FirstRel: RelativeError(sl(first), sl(ref)),
				SecondCos: Cosine(sl(second), sl(ref)), SecondRel: RelativeError(sl(second), sl(ref))})
		}
		off += n
	}
	return out, res, nil
}

// OneHotMix returns the mixing weights that select genotype g's operations in s's supernet:
// 1 on each chosen (edge, operation), 0 elsewhere (and on edges g does not use). Evaluating
// the supernet with them is evaluating the derived sub-network with the supernet's weights.
func OneHotMix(s *search.Searcher, g searchspace.Genotype) ([][][]float32, error) {
	space := s.Config().Space
	edges := space.Edges()
	out := make([][][]float32, len(s.Groups))
	for i, grp := range s.Groups {
		out[i] = make([][]float32, len(grp.Alpha))
		for e := range out[i] {
			out[i][e] = make([]float32, len(grp.Alpha[e]))
		}
		var cell []searchspace.OpInput
		switch grp.Name {
		case "normal":
			cell = g.Normal
		case "reduce":
			cell = g.Reduce
		default:
			return nil, fmt.Errorf("one-hot mix: group %q is not a DARTS cell", grp.Name)
		}
		for j, o := range cell {
			if o.Op == searchspace.OpNone {
				continue
			}
			node := j / 2
			found := false
			for e, edge := range edges {
				if edge.Node != node || edge.Input != o.Input {
					continue
				}
				for k, op := range grp.Ops[e] {
					if op == o.Op {
						out[i][e][k], found = 1, true
					}
				}
			}
			if !found {
				return nil, fmt.Errorf("one-hot mix: %s cell entry %d (%s from %d) is not in the supernet", grp.Name, j, o.Op, o.Input)
			}
		}
	}
	return out, nil
}

func flatten2(x [][]float32) []float64 {
	var out []float64
	for _, r := range x {
		for _, v := range r {
			out = append(out, float64(v))
		}
	}
	return out
}

func flatten3(x [][][]float32) []float64 {
	var out []float64
	for _, g := range x {
		out = append(out, flatten2(g)...)
	}
	return out
}

func unflatten2(x []float64, like [][]float32) [][]float32 {
	out := make([][]float32, len(like))
	i := 0
	for r := range like {
		out[r] = make([]float32, len(like[r]))
		for k := range out[r] {
			out[r][k] = float32(x[i])
			i++
		}
	}
	return out
}

func unflatten3(x []float64, like [][][]float32) ([][][]float32, error) {
	n := len(flatten3(like))
	if len(x) != n {
		return nil, fmt.Errorf("α vector of %d values, want %d", len(x), n)
	}
	out := make([][][]float32, len(like))
	i := 0
	for g := range like {
		out[g] = unflatten2(x[i:], like[g])
		i += len(flatten2(like[g]))
	}
	return out, nil
}
