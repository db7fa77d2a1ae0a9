package network

import (
	"fmt"
	"slices"

	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// EdgeSpec is what an EdgeFactory gets to build one supernet edge.
type EdgeSpec struct {
	// Name prefixes the edge's calls ("cell3/edge5").
	Name string
	// Ops are the candidates (the columns of the edge's mixing-weight row).
	Ops []string
	// Keep, when not nil, says which candidates are still computed.
	Keep []bool
	// C is the channels and Stride the edge's stride.
	C, Stride int
	// In is the input slot; Mix the mixing-weight slot [len(Ops)]; Mask the mask slot
	// [len(Ops)], or -1 without masks.
	In, Mix, Mask int
	// Options are the candidates' options (Options.Mask is set when Mask ≥ 0).
	Options nn.EdgeOptions
}

// EdgeFactory adds the calls of one supernet edge to a network under construction and returns
// the edge's output slot.
type EdgeFactory func(b *Builder, e EdgeSpec) (int, error)

// keepsAll reports whether e computes every candidate.
func (e EdgeSpec) keepsAll() bool {
	for _, k := range e.Keep {
		if !k {
			return false
		}
	}
	return true
}

// inputs returns the edge module's input slots: x, the mixing weights and the mask if any.
func (e EdgeSpec) inputs() []int {
	if e.Mask >= 0 {
		return []int{e.In, e.Mix, e.Mask}
	}
	return []int{e.In, e.Mix}
}

// FusedEdges builds each edge as one executable computing every candidate (nn.NewMixedEdge):
// the fewest launches. Every edge with the same candidates, channels and stride shares one
// executable; pruning goes through the masks (Config.Masks), since dropping a candidate from
// the executable would give the edge an executable of its own; Keep with a dropped candidate
// is an error.
func FusedEdges(b *Builder, e EdgeSpec) (int, error) {
	if !e.keepsAll() {
		return 0, fmt.Errorf("%s: fused edges compute every candidate; prune with masks or build with SplitEdges", e.Name)
	}
	m, err := nn.NewMixedEdge(e.Ops, e.C, e.Stride, e.Options)
	if err != nil {
		return 0, err
	}
	in := e.inputs()
	io := nn.MixedEdgeInputs(e.Ops, e.Stride, e.Options)
	if io.Key >= 0 {
		in = append(in, b.randomKey(e.Name+"/random-key"))
	}
	if io.DropRate >= 0 {
		in = append(in, b.dropRate())
	}
	if io.AuxBeta >= 0 {
		in = append(in, b.auxBeta())
	}
	return b.Call(m, e.Name, in, 1)[0], nil
}

// fusedOnly reports an error when e needs what only FusedEdges builds: the noise operation
// or the auxiliary skip.
func fusedOnly(e EdgeSpec) error {
	if slices.Contains(e.Ops, "noise") || e.Options.AuxSkip {
		return fmt.Errorf("%s: the noise operation and the auxiliary skip need FusedEdges", e.Name)
	}
	return nil
}

// SplitEdges builds each candidate of an edge as its own call (nn.EdgeOp, keyed by the
// operation, channels and stride only) and mixes them with nn.MixSum (keyed by the number of
// candidates). Executables are shared across edges whatever their candidate lists, and a
// candidate dropped by Keep (or "none") is not computed at all: a zero place-holder
// (nn.ZeroEdge) takes its place, so a pruned supernet needs no executable that the unpruned one
// did not have, except the place-holders. It costs more launches than FusedEdges.
// With skip dropout (EdgeOptions.SkipDropout) the skip connection of a stride-1 edge is
// followed by nn.DropoutModule, its random key and rate inputs as FusedEdges's.
func SplitEdges(b *Builder, e EdgeSpec) (int, error) {
	if err := fusedOnly(e); err != nil {
		return 0, err
	}
	outs := make([]int, len(e.Ops))
	for k, op := range e.Ops {
		name := fmt.Sprintf("%s/%s", e.Name, op)
		if op == "none" || (e.Keep != nil && !e.Keep[k]) {
			outs[k] = b.call(nn.ZeroEdge(e.Stride), name+"/zeros", e.In)
			continue
		}
		m, err := nn.EdgeOp(op, e.C, e.Stride, e.Options)
		if err != nil {
			return 0, err
		}
		outs[k] = b.call(m, name, e.In)
		if op == "skip_connect" && e.Stride == 1 && e.Options.SkipDropout {
			outs[k] = b.Call(nn.DropoutModule(), name+"/dropout", []int{outs[k], b.randomKey(name + "/random-key"), b.dropRate()}, 1)[0]
		}
	}
	in := append(outs, e.Mix)
	if e.Mask >= 0 {
		in = append(in, e.Mask)
	}
	// Parameters of the split candidates are named name/<op>/<param> — the names FusedEdges
	// gives them (edge/<op>/<param>), so checkpoints of the two forms are interchangeable.
	return b.Call(nn.MixSum(len(e.Ops), e.Mask >= 0), e.Name+"/mix", in, 1)[0], nil
}

// PartialEdges returns PC-DARTS's partial-channel edges (nn.PartialMixedEdge): 1/k of the
// channels go through the candidates, the rest bypass them, then the channels are shuffled.
// Pruning goes through the masks, as with FusedEdges.
func PartialEdges(k int) EdgeFactory {
	return func(b *Builder, e EdgeSpec) (int, error) {
		if !e.keepsAll() {
			return 0, fmt.Errorf("%s: partial-channel edges compute every candidate; prune with masks", e.Name)
		}
		m, err := nn.PartialMixedEdge(e.Ops, e.C, e.Stride, k, e.Options)
		if err != nil {
			return 0, err
		}
		return b.Call(m, e.Name, e.inputs(), 1)[0], nil
	}
}

// SampledEdges builds an edge whose Keep holds exactly one candidate (a hard sample, GDAS) as
// that candidate's call (nn.EdgeOp) and nn.PickScale: the pass pays for the sampled operation
// only. Rebuild the supernet with Config.Keep set to each step's sample and Config.Reuse set
// to its parameters: the executables are shared across rebuilds (keyed by operation, and by
// the sampled column). Other edges are built as SplitEdges.
func SampledEdges(b *Builder, e EdgeSpec) (int, error) {
	k, n := -1, 0
	for i, keep := range e.Keep {
		if keep {
			k, n = i, n+1
		}
	}
	if n != 1 || e.Ops[k] == "none" {
		return SplitEdges(b, e)
	}
	m, err := nn.EdgeOp(e.Ops[k], e.C, e.Stride, e.Options)
	if err != nil {
		return 0, err
	}
	y := b.call(m, fmt.Sprintf("%s/%s", e.Name, e.Ops[k]), e.In)
	in := []int{y, e.Mix}
	if e.Mask >= 0 {
		in = append(in, e.Mask)
	}
	return b.Call(nn.PickScale(len(e.Ops), k, e.Mask >= 0), e.Name+"/pick", in, 1)[0], nil
}

// DropPruned is a search supernet option (search.SupernetOption): the supernet's edges are
// built one call per candidate (SplitEdges), and the searcher rebuilds it without the pruned
// candidates after each pruning event, so that pruned operations stop costing compute. It
// cannot be combined with options that need FusedEdges (skip dropout, the auxiliary skip).
type DropPruned struct{}

// Configure builds the edges with SplitEdges.
func (DropPruned) Configure(cfg *Config) { cfg.Edge = SplitEdges }

// SetExtras does nothing: the option has no inputs.
func (DropPruned) SetExtras(epoch, epochs int, x *Extras) {}

// DropsPruned reports true (search.DropsPruned).
func (DropPruned) DropsPruned() bool { return true }

// String names the option.
func (DropPruned) String() string { return "drop-pruned(split edges, rebuilt after pruning)" }

// SampledWeights is a search supernet option (search.SupernetOption) for hard-sampling
// relaxations (GDAS): a weight pass whose mixing weights are one-hot on every edge runs a
// supernet holding only the sampled candidates (SampledEdges), so it pays for the sampled
// operation only — GDAS's speedup (Dong & Yang, CVPR 2019). The architecture passes and the
// evaluation still run the whole supernet.
type SampledWeights struct{}

// Configure leaves the supernet as it is.
func (SampledWeights) Configure(cfg *Config) {}

// SetExtras does nothing: the option has no inputs.
func (SampledWeights) SetExtras(epoch, epochs int, x *Extras) {}

// SamplesWeightPass reports true (search.SamplesWeightPass).
func (SampledWeights) SamplesWeightPass() bool { return true }

// String names the option.
func (SampledWeights) String() string {
	return "sampled-weights(weight pass runs the sampled operations only)"
}
