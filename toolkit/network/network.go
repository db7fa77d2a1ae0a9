package network

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// Network is a built network: its program, parameters and the slots a caller reads and writes.
type Network struct {
	Prog   *engine.Program
	Params nn.Params
	Layout searchspace.Layout
	// Images ([B,H,W,C] float32) and Labels ([B] int32) are input slots.
	Images, Labels int
	// Loss (mean cross-entropy) and Correct (count) are output slots; AuxLoss is -1 without an
	// auxiliary head.
	Loss, Correct, AuxLoss int
	// MixNormal and MixReduce are the input slots of the mixing weights of each edge of the
	// normal and reduction cells (supernet only).
	MixNormal, MixReduce []int
	// DropMasks are the input slots of the drop-path masks [B] (derived network with drop path).
	DropMasks []int
	// RandomKeys are the input slots of the random keys of the modules that draw random
	// numbers (nn.Noise on the noise operation; skip dropout, Config.SkipDropout), one per call.
	// DropRate and AuxBeta are the input slots of the skip dropout rate and of DARTS-'s
	// auxiliary skip weight β (float32 scalars shared by every edge; -1 when the network has
	// none). ExtraInputs fills them all, ExtraShapes gives their shapes.
	RandomKeys []int
	DropRate   int
	AuxBeta    int
}

// Extras are the values of a pass's inputs beyond images, labels, mixing weights and
// drop-path masks.
type Extras struct {
	// Seed derives the random keys: slot k's key is drawn from a PCG seeded with (Seed, k).
	// Choose it per pass from the search's own seed and step, so that every pass draws fresh
	// noise and masks and a resumed run draws the same (and keep it fixed across the passes of
	// a finite-difference analysis).
	Seed uint64
	// DropRate is the skip dropout rate, AuxBeta the auxiliary skip's β.
	DropRate, AuxBeta float64
}

// ExtraInputs returns the tensors of the RandomKeys, DropRate and AuxBeta slots the network
// has (nil when it has none); the caller merges them into a pass's inputs and releases them.
func (n *Network) ExtraInputs(x Extras) map[int]*tensors.Tensor {
	out := map[int]*tensors.Tensor{}
	for k, slot := range n.RandomKeys {
		r := rand.New(rand.NewPCG(x.Seed, uint64(k)))
		out[slot] = tensors.FromFlatDataAndDimensions([]uint64{r.Uint64(), r.Uint64(), r.Uint64()}, 3)
	}
	if n.DropRate >= 0 {
		out[n.DropRate] = tensors.FromScalar(float32(x.DropRate))
	}
	if n.AuxBeta >= 0 {
		out[n.AuxBeta] = tensors.FromScalar(float32(x.AuxBeta))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// ExtraShapes returns the shapes of the slots ExtraInputs fills (for engine.Warmup).
func (n *Network) ExtraShapes() map[int]shapes.Shape {
	out := map[int]shapes.Shape{}
	for _, slot := range n.RandomKeys {
		out[slot] = nn.RandomKeyShape()
	}
	for _, slot := range []int{n.DropRate, n.AuxBeta} {
		if slot >= 0 {
			out[slot] = shapes.Make(dtypes.Float32)
		}
	}
	return out
}

// Config is what both kinds of network need besides their cells.
type Config struct {
	// C is the initial channels, Layers the number of cells, Classes the number of classes,
	// InChannels the image channels (1 for Fashion-MNIST, 3 for CIFAR).
	C, Layers, Classes, InChannels int
	// Reductions overrides the reduction cells (nil: layers/3 and 2·layers/3; empty slice: none).
	Reductions []int
	// Depthwise selects how depthwise convolutions are written.
	Depthwise nn.DepthwiseMode
	// Seed initializes the weights.
	Seed uint64
	// SkipDropout adds P-DARTS's dropout after the skip connections of the supernet's stride-1
	// mixed edges, its rate an input (Network.DropRate); AuxSkip adds DARTS-'s auxiliary skip
	// connection to every mixed edge, its weight β an input (Network.AuxBeta). See
	// nn.EdgeOptions.
	SkipDropout, AuxSkip bool
}

// builder carries the state of a build.
type builder struct {
	net *Network
	rng *rand.Rand
}

// call adds a call of m with fresh parameters named name/...
func (b *builder) call(m *nn.Module, name string, in []int, numOut int) []int {
	params := make([]*nn.Param, len(m.Params))
	for i, s := range m.Params {
		params[i] = nn.NewParam(name+"/"+s.Name, s, b.rng)
	}
	b.net.Params = append(b.net.Params, params...)
	return b.net.Prog.Add(m, name, in, params, numOut)
}

// cellFunc builds one cell from its plan and preprocessed inputs, returning the cell output slot.
type cellFunc func(b *builder, p searchspace.CellPlan, s0, s1 int) (int, error)

// build assembles the macro skeleton around cell.
func build(cfg Config, spec searchspace.MacroSpec, cell cellFunc, affine bool) (*Network, error) {
	if cfg.InChannels < 1 || cfg.Classes < 2 {
		return nil, fmt.Errorf("network: %d input channels and %d classes: want ≥1 and ≥2", cfg.InChannels, cfg.Classes)
	}
	layout, err := spec.Layout()
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	net := &Network{Prog: &engine.Program{}, Layout: layout, AuxLoss: -1, DropRate: -1, AuxBeta: -1}
	b := &builder{net: net, rng: rand.New(rand.NewPCG(cfg.Seed, 0x64617274))}
	net.Images = net.Prog.NewSlot("images")
	net.Labels = net.Prog.NewSlot("labels")
	stem := b.call(nn.Stem(cfg.InChannels, layout.Stem), "stem", []int{net.Images}, 1)[0]
	prevPrev, prev := stem, stem
	for _, p := range layout.Cells {
		name := fmt.Sprintf("cell%d", p.Index)
		var pre0 *nn.Module
		if p.ReductionPrev {
			pre0 = nn.LayerModule(fmt.Sprintf("fr/%d/%d/%v", p.CPrevPrev, p.C, affine), nn.FactorizedReduce(p.CPrevPrev, p.C, affine))
		} else {
			pre0 = nn.LayerModule(fmt.Sprintf("rcb/%d/%d/%v", p.CPrevPrev, p.C, affine), nn.ReLUConvBN(p.CPrevPrev, p.C, 1, 1, 0, affine))
		}
		pre1 := nn.LayerModule(fmt.Sprintf("rcb/%d/%d/%v", p.CPrev, p.C, affine), nn.ReLUConvBN(p.CPrev, p.C, 1, 1, 0, affine))
		s0 := b.call(pre0, name+"/pre0", []int{prevPrev}, 1)[0]
		s1 := b.call(pre1, name+"/pre1", []int{prev}, 1)[0]
		out, err := cell(b, p, s0, s1)
		if err != nil {
			return nil, fmt.Errorf("network: cell %d: %w", p.Index, err)
		}
		prevPrev, prev = prev, out
		if p.Index == spec.AuxiliaryCell {
			net.AuxLoss = b.call(nn.AuxHeadCIFAR(layout.AuxChannels, cfg.Classes), "aux", []int{out, net.Labels}, 1)[0]
		}
	}
	outs := b.call(nn.Head(layout.Final, cfg.Classes), "head", []int{prev, net.Labels}, 2)
	net.Loss, net.Correct = outs[0], outs[1]
	return net, nil
}

// reductions returns cfg's reduction cells.
func (cfg Config) reductions() []int {
	if cfg.Reductions == nil {
		return searchspace.DefaultReductions(cfg.Layers)
	}
	return cfg.Reductions
}

// Supernet builds the DARTS search network over space: every edge a mixed operation of the
// space's candidates (space.OpsOnCell: reduction cells take ReduceEdgeOps when the space has
// them), weighted by the mixing-weight slots (shared by all normal cells, and by
// all reduction cells), batch norm without affine parameters.
func Supernet(space searchspace.CellSpace, cfg Config) (*Network, error) {
	if err := space.Validate(); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	spec := searchspace.SearchMacro(cfg.C, cfg.Layers)
	spec.Reductions = cfg.reductions()
	spec.NormalMultiplier, spec.ReduceMultiplier = space.Steps, space.Steps
	var net *Network
	edges := space.Edges()
	cell := func(b *builder, p searchspace.CellPlan, s0, s1 int) (int, error) {
		mix := net.MixNormal
		if p.Reduction {
			mix = net.MixReduce
		}
		states := []int{s0, s1}
		var outs []int
		for e, edge := range edges {
			stride := 1
			if p.Reduction && edge.Input < space.Inputs {
				stride = 2
			}
			m, io, err := nn.MixedEdgeWith(space.OpsOnCell(p.Reduction, e), p.C, stride, cfg.Depthwise,
				nn.EdgeOptions{SkipDropout: cfg.SkipDropout, AuxSkip: cfg.AuxSkip})
			if err != nil {
				return 0, err
			}
			in := make([]int, m.NumInputs)
			in[0], in[1] = states[edge.Input], mix[e]
			if io.Key >= 0 {
				in[io.Key] = b.net.Prog.NewSlot(fmt.Sprintf("cell%d/edge%d/random-key", p.Index, e))
				b.net.RandomKeys = append(b.net.RandomKeys, in[io.Key])
			}
			if io.DropRate >= 0 {
				if b.net.DropRate < 0 {
					b.net.DropRate = b.net.Prog.NewSlot("skip-drop-rate")
				}
				in[io.DropRate] = b.net.DropRate
			}
			if io.AuxBeta >= 0 {
				if b.net.AuxBeta < 0 {
					b.net.AuxBeta = b.net.Prog.NewSlot("aux-skip-beta")
				}
				in[io.AuxBeta] = b.net.AuxBeta
			}
			outs = append(outs, b.call(m, fmt.Sprintf("cell%d/edge%d", p.Index, e), in, 1)[0])
			if e == len(edges)-1 || edges[e+1].Node != edge.Node {
				node := b.call(nn.Sum(len(outs)), fmt.Sprintf("cell%d/node%d", p.Index, edge.Node), outs, 1)[0]
				states = append(states, node)
				outs = nil
			}
		}
		concat := states[space.Inputs:]
		return b.call(nn.Concat(len(concat)), fmt.Sprintf("cell%d/concat", p.Index), concat, 1)[0], nil
	}
	// The mixing-weight slots come before the cells are built; build() creates the network, so
	// wrap cell to create them on first use.
	first := true
	wrapped := func(b *builder, p searchspace.CellPlan, s0, s1 int) (int, error) {
		if first {
			first = false
			net = b.net
			for e := range edges {
				net.MixNormal = append(net.MixNormal, net.Prog.NewSlot(fmt.Sprintf("mix/normal/%d", e)))
				net.MixReduce = append(net.MixReduce, net.Prog.NewSlot(fmt.Sprintf("mix/reduce/%d", e)))
			}
		}
		return cell(b, p, s0, s1)
	}
	return build(cfg, spec, wrapped, false)
}

// DerivedConfig configures a derived (evaluation) network.
type DerivedConfig struct {
	Config
	// Auxiliary adds the auxiliary head after cell 2·Layers/3 (32×32 inputs: it needs 8×8 maps).
	Auxiliary bool
	// DropPath adds drop-path mask inputs to every non-identity edge.
	DropPath bool
}

// Derived builds the evaluation network of genotype g (quark0/darts NetworkCIFAR; Config's
// SkipDropout does not apply): affine batch norm, each node the sum of its two edges, each cell the concatenation of its concat states.
func Derived(g searchspace.Genotype, cfg DerivedConfig) (*Network, error) {
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	spec := searchspace.NetConfig{Channels: cfg.C, Layers: cfg.Layers, Classes: cfg.Classes, Auxiliary: cfg.Auxiliary}.Macro(g)
	spec.Reductions = cfg.reductions()
	cell := func(b *builder, p searchspace.CellPlan, s0, s1 int) (int, error) {
		ops, concat := g.Normal, g.NormalConcat
		if p.Reduction {
			ops, concat = g.Reduce, g.ReduceConcat
		}
		states := []int{s0, s1}
		for i := 0; i < len(ops)/2; i++ {
			var hs []int
			for j := 0; j < 2; j++ {
				o := ops[2*i+j]
				stride := 1
				if p.Reduction && o.Input < 2 {
					stride = 2
				}
				m, err := nn.OpEdge(o.Op, p.C, stride, cfg.DropPath, cfg.Depthwise)
				if err != nil {
					return 0, err
				}
				in := []int{states[o.Input]}
				if o.Op == searchspace.OpNoise {
					key := b.net.Prog.NewSlot(fmt.Sprintf("cell%d/op%d/random-key", p.Index, 2*i+j))
					b.net.RandomKeys = append(b.net.RandomKeys, key)
					in = append(in, key)
				}
				if len(in) < m.NumInputs {
					mask := b.net.Prog.NewSlot(fmt.Sprintf("cell%d/droppath%d", p.Index, 2*i+j))
					b.net.DropMasks = append(b.net.DropMasks, mask)
					in = append(in, mask)
				}
				hs = append(hs, b.call(m, fmt.Sprintf("cell%d/op%d", p.Index, 2*i+j), in, 1)[0])
			}
			states = append(states, b.call(nn.Sum(2), fmt.Sprintf("cell%d/node%d", p.Index, i), hs, 1)[0])
		}
		var cat []int
		for _, k := range concat {
			cat = append(cat, states[k])
		}
		return b.call(nn.Concat(len(cat)), fmt.Sprintf("cell%d/concat", p.Index), cat, 1)[0], nil
	}
	return build(cfg.Config, spec, cell, true)
}
