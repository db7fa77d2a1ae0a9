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
	// Layout is the DARTS macro layout (DARTS-space networks only).
	Layout searchspace.Layout
	// Images ([B,H,W,C] float32) and Labels ([B] int32) are input slots.
	Images, Labels int
	// Loss (mean cross-entropy) and Correct (count) are output slots; AuxLoss is -1 without an
	// auxiliary head.
	Loss, Correct, AuxLoss int
	// Groups are a supernet's mixing-weight inputs, by group, in the order a search passes
	// their tables (see MixGroup). Nil for a derived network.
	Groups []MixGroup
	// MixNormal and MixReduce are the input slots of the mixing weights of each edge of the
	// normal and reduction cells (DARTS supernet only): the Slots of groups "normal" and
	// "reduce".
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

// MixGroup is one group of mixing-weight inputs of a supernet: row i is input slot Slots[i],
// a float32 vector [len(Ops[i])] of the weights of the candidates Ops[i], and, when the
// supernet was built with masks, MaskSlots[i], a float32 vector of the same length holding 1
// for a candidate that stays and 0 for one that is pruned (it multiplies the weights inside
// the executables). Every cell of a kind shares its group's slots.
//
// Groups per space: DARTS "normal" and "reduce" (one row per edge, CellSpace.OpsOn), plus with
// edge normalization "edges_normal" and "edges_reduce" (one row per intermediate node, one
// column per incoming edge, named "in<j>" for input state j; no masks); NAS-Bench-201 "cell"
// (six rows, NB201Ops); mobile spaces "blocks" (one row per searchable layer, its candidates).
type MixGroup struct {
	Name      string
	Slots     []int
	Ops       [][]string
	MaskSlots []int
}

// Group returns the group named name, or nil.
func (n *Network) Group(name string) *MixGroup {
	for i := range n.Groups {
		if n.Groups[i].Name == name {
			return &n.Groups[i]
		}
	}
	return nil
}

// Config is what every kind of network needs besides its cells.
type Config struct {
	// C is the initial channels, Layers the number of cells (NAS-Bench-201: cells per stage),
	// Classes the number of classes, InChannels the image channels (1 for Fashion-MNIST, 3 for
	// CIFAR).
	C, Layers, Classes, InChannels int
	// Reductions overrides the reduction cells (nil: layers/3 and 2·layers/3; empty slice: none).
	Reductions []int
	// Depthwise selects how depthwise convolutions are written.
	Depthwise nn.DepthwiseMode
	// Seed initializes the weights.
	Seed uint64

	// Masks gives every mixed edge (or block) of a supernet a mask input (MixGroup.MaskSlots):
	// pruning then changes inputs, not executables. Every mask slot must then be fed.
	Masks bool
	// Edge builds each supernet edge (nil: FusedEdges).
	Edge EdgeFactory
	// Cell builds each cell of a DARTS supernet (nil: DARTSCell).
	Cell CellFactory
	// EdgeNorm adds PC-DARTS's edge normalization to a DARTS supernet: each node is the sum
	// of its edges weighted by the inputs of groups "edges_normal" and "edges_reduce".
	EdgeNorm bool
	// Keep, when not nil, lists per group (Groups order), row and candidate whether the
	// candidate is still computed; a dropped candidate costs nothing (SplitEdges) or is left
	// to the masks (the other factories, which report an error when asked to drop one).
	Keep [][][]bool
	// Reuse, when not nil, makes the network take its parameters by name from these values
	// (a pruned rebuild of a supernet keeps its weights); Network.Params is then Reuse, in
	// its order, so the caller's optimizer state stays aligned.
	Reuse nn.Params
	// SkipDropout adds P-DARTS's dropout after the skip connections of the supernet's stride-1
	// mixed edges, its rate an input (Network.DropRate); AuxSkip adds DARTS-'s auxiliary skip
	// connection to every mixed edge, its weight β an input (Network.AuxBeta). See
	// nn.EdgeOptions; only FusedEdges supports them (and the noise operation).
	SkipDropout, AuxSkip bool
}

// Builder carries the state of a network build; factories add calls through it.
type Builder struct {
	net   *Network
	rng   *rand.Rand
	reuse map[string]*nn.Param
}

// randomKey returns a new random-key input slot (Network.RandomKeys) called name.
func (b *Builder) randomKey(name string) int {
	slot := b.net.Prog.NewSlot(name)
	b.net.RandomKeys = append(b.net.RandomKeys, slot)
	return slot
}

// dropRate returns the skip dropout rate's input slot (Network.DropRate), made on first use.
func (b *Builder) dropRate() int {
	if b.net.DropRate < 0 {
		b.net.DropRate = b.net.Prog.NewSlot("skip-drop-rate")
	}
	return b.net.DropRate
}

// auxBeta returns the auxiliary skip weight's input slot (Network.AuxBeta), made on first use.
func (b *Builder) auxBeta() int {
	if b.net.AuxBeta < 0 {
		b.net.AuxBeta = b.net.Prog.NewSlot("aux-skip-beta")
	}
	return b.net.AuxBeta
}

// Net returns the network being built (to create input slots).
func (b *Builder) Net() *Network { return b.net }

// Call adds a call of m on the slots in with parameters named name/..., fresh or taken from
// Config.Reuse, and returns its numOut output slots.
func (b *Builder) Call(m *nn.Module, name string, in []int, numOut int) []int {
	params := make([]*nn.Param, len(m.Params))
	for i, s := range m.Params {
		full := name + "/" + s.Name
		if p, ok := b.reuse[full]; ok && len(p.Data) == s.Size() {
			params[i] = p
			continue
		}
		params[i] = nn.NewParam(full, s, b.rng)
		b.net.Params = append(b.net.Params, params[i])
	}
	return b.net.Prog.Call(m, name, in, params, numOut)
}

// call is Call for one output.
func (b *Builder) call(m *nn.Module, name string, in ...int) int { return b.Call(m, name, in, 1)[0] }

// newBuilder starts a network.
func newBuilder(cfg Config) *Builder {
	net := &Network{Prog: &engine.Program{}, AuxLoss: -1, DropRate: -1, AuxBeta: -1}
	b := &Builder{net: net, rng: rand.New(rand.NewPCG(cfg.Seed, 0x64617274))}
	if cfg.Reuse != nil {
		b.reuse = make(map[string]*nn.Param, len(cfg.Reuse))
		for _, p := range cfg.Reuse {
			b.reuse[p.Name] = p
		}
		net.Params = append(nn.Params(nil), cfg.Reuse...)
	}
	net.Images = net.Prog.NewSlot("images")
	net.Labels = net.Prog.NewSlot("labels")
	return b
}

// addGroup creates the input slots of a mixing-weight group (and its masks when masks).
func (b *Builder) addGroup(name string, ops [][]string, masks bool) MixGroup {
	g := MixGroup{Name: name, Ops: ops}
	for i := range ops {
		g.Slots = append(g.Slots, b.net.Prog.NewSlot(fmt.Sprintf("mix/%s/%d", name, i)))
		if masks {
			g.MaskSlots = append(g.MaskSlots, b.net.Prog.NewSlot(fmt.Sprintf("mask/%s/%d", name, i)))
		}
	}
	b.net.Groups = append(b.net.Groups, g)
	return g
}

// keepOf returns cfg.Keep's row for group gi, row r (nil: keep all), checking its length.
func (cfg Config) keepOf(gi, r, n int) ([]bool, error) {
	if cfg.Keep == nil {
		return nil, nil
	}
	if gi >= len(cfg.Keep) || r >= len(cfg.Keep[gi]) || len(cfg.Keep[gi][r]) != n {
		return nil, fmt.Errorf("network: Keep has no row %d of %d candidates for group %d", r, n, gi)
	}
	return cfg.Keep[gi][r], nil
}

func (cfg Config) check() error {
	if cfg.InChannels < 1 || cfg.Classes < 2 {
		return fmt.Errorf("network: %d input channels and %d classes: want ≥1 and ≥2", cfg.InChannels, cfg.Classes)
	}
	return nil
}

// cellFunc builds one cell from its plan and preprocessed inputs, returning the cell output slot.
type cellFunc func(b *Builder, p searchspace.CellPlan, s0, s1 int) (int, error)

// build assembles the DARTS macro skeleton around cell; before calls the cells, after the
// network's input slots exist (to create mixing-weight groups).
func build(cfg Config, spec searchspace.MacroSpec, before func(b *Builder) error, cell cellFunc, affine bool) (*Network, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	layout, err := spec.Layout()
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	b := newBuilder(cfg)
	net := b.net
	net.Layout = layout
	if before != nil {
		if err := before(b); err != nil {
			return nil, err
		}
	}
	stem := b.call(nn.Stem(cfg.InChannels, layout.Stem), "stem", net.Images)
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
		s0 := b.call(pre0, name+"/pre0", prevPrev)
		s1 := b.call(pre1, name+"/pre1", prev)
		out, err := cell(b, p, s0, s1)
		if err != nil {
			return nil, fmt.Errorf("network: cell %d: %w", p.Index, err)
		}
		prevPrev, prev = prev, out
		if p.Index == spec.AuxiliaryCell {
			net.AuxLoss = b.call(nn.AuxHeadCIFAR(layout.AuxChannels, cfg.Classes), "aux", out, net.Labels)
		}
	}
	outs := b.Call(nn.Head(layout.Final, cfg.Classes), "head", []int{prev, net.Labels}, 2)
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
// space's candidates (Config.Edge; space.OpsOnCell: reduction cells take ReduceEdgeOps when the
// space has them), weighted by the mixing-weight slots of group "normal"
// (shared by all normal cells) or "reduce", batch norm without affine parameters; with
// Config.EdgeNorm, nodes weight their edges by groups "edges_normal" and "edges_reduce".
func Supernet(space searchspace.CellSpace, cfg Config) (*Network, error) {
	if err := space.Validate(); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	spec := searchspace.SearchMacro(cfg.C, cfg.Layers)
	spec.Reductions = cfg.reductions()
	spec.NormalMultiplier, spec.ReduceMultiplier = space.Steps, space.Steps
	edges := space.Edges()
	ops := make([][]string, len(edges))
	reduceOps := make([][]string, len(edges))
	for e := range edges {
		ops[e], reduceOps[e] = space.OpsOnCell(false, e), space.OpsOnCell(true, e)
	}
	var groups, betas [2]MixGroup
	before := func(b *Builder) error {
		groups[0] = b.addGroup("normal", ops, cfg.Masks)
		groups[1] = b.addGroup("reduce", reduceOps, cfg.Masks)
		b.net.MixNormal, b.net.MixReduce = groups[0].Slots, groups[1].Slots
		if cfg.EdgeNorm {
			var in [][]string
			for i := 0; i < space.Steps; i++ {
				var row []string
				for j := 0; j < space.Inputs+i; j++ {
					row = append(row, fmt.Sprintf("in%d", j))
				}
				in = append(in, row)
			}
			betas[0] = b.addGroup("edges_normal", in, false)
			betas[1] = b.addGroup("edges_reduce", in, false)
		}
		return nil
	}
	cellFactory := cfg.Cell
	if cellFactory == nil {
		cellFactory = DARTSCell
	}
	edgeFactory := cfg.Edge
	if edgeFactory == nil {
		edgeFactory = FusedEdges
	}
	cell := func(b *Builder, p searchspace.CellPlan, s0, s1 int) (int, error) {
		k := 0
		if p.Reduction {
			k = 1
		}
		cs := CellSpec{Name: fmt.Sprintf("cell%d", p.Index), Plan: p, Space: space, States: []int{s0, s1},
			Mix: groups[k].Slots, Mask: groups[k].MaskSlots, Edge: edgeFactory,
			Options: nn.EdgeOptions{Mask: cfg.Masks, PoolBN: true, Depthwise: cfg.Depthwise,
				SkipDropout: cfg.SkipDropout, AuxSkip: cfg.AuxSkip}}
		if cfg.EdgeNorm {
			cs.Beta = betas[k].Slots
		}
		if cfg.Keep != nil {
			for e := range edges {
				keep, err := cfg.keepOf(k, e, len(ops[e]))
				if err != nil {
					return 0, err
				}
				cs.Keep = append(cs.Keep, keep)
			}
		}
		return cellFactory(b, cs)
	}
	net, err := build(cfg, spec, before, cell, false)
	if err != nil {
		return nil, err
	}
	return net, nil
}

// CellSpec is what a CellFactory gets to build one cell of a DARTS supernet.
type CellSpec struct {
	// Name prefixes the cell's calls ("cell3").
	Name string
	Plan searchspace.CellPlan
	// Space is the cell space: edges, candidates.
	Space searchspace.CellSpace
	// States are the cell's preprocessed input slots (c_{k-2}, c_{k-1}).
	States []int
	// Mix and Mask are the mixing-weight and mask slots of each edge (Mask nil without masks).
	Mix, Mask []int
	// Beta, with edge normalization, is the slot of each node's edge weights [its inputs].
	Beta []int
	// Keep, when not nil, says per edge which candidates are still computed.
	Keep [][]bool
	// Edge builds each edge.
	Edge EdgeFactory
	// Options are the edges' options (masks, pool batch norm, depthwise form).
	Options nn.EdgeOptions
}

// CellFactory builds one cell of a DARTS supernet and returns its output slot.
type CellFactory func(b *Builder, c CellSpec) (int, error)

// DARTSCell is DARTS's search cell: node i is the sum (with edge normalization, the β-weighted
// sum) of an edge from every earlier state; the cell outputs the concatenation of its nodes.
// Edges from the cell inputs of a reduction cell have stride 2.
func DARTSCell(b *Builder, c CellSpec) (int, error) {
	space := c.Space
	edges := space.Edges()
	states := append([]int(nil), c.States...)
	var outs []int
	for e, edge := range edges {
		stride := 1
		if c.Plan.Reduction && edge.Input < space.Inputs {
			stride = 2
		}
		es := EdgeSpec{Name: fmt.Sprintf("%s/edge%d", c.Name, e), Ops: space.OpsOnCell(c.Plan.Reduction, e), C: c.Plan.C, Stride: stride,
			In: states[edge.Input], Mix: c.Mix[e], Mask: -1, Options: c.Options}
		if c.Mask != nil {
			es.Mask = c.Mask[e]
		}
		if c.Keep != nil {
			es.Keep = c.Keep[e]
		}
		out, err := c.Edge(b, es)
		if err != nil {
			return 0, fmt.Errorf("edge %d: %w", e, err)
		}
		outs = append(outs, out)
		if e == len(edges)-1 || edges[e+1].Node != edge.Node {
			name := fmt.Sprintf("%s/node%d", c.Name, edge.Node)
			var node int
			if c.Beta != nil {
				node = b.Call(nn.WeightedSum(len(outs)), name, append(outs, c.Beta[edge.Node]), 1)[0]
			} else {
				node = b.Call(nn.Sum(len(outs)), name, outs, 1)[0]
			}
			states = append(states, node)
			outs = nil
		}
	}
	concat := states[space.Inputs:]
	return b.Call(nn.Concat(len(concat)), c.Name+"/concat", concat, 1)[0], nil
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
	cell := func(b *Builder, p searchspace.CellPlan, s0, s1 int) (int, error) {
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
				hs = append(hs, b.Call(m, fmt.Sprintf("cell%d/op%d", p.Index, 2*i+j), in, 1)[0])
			}
			states = append(states, b.Call(nn.Sum(2), fmt.Sprintf("cell%d/node%d", p.Index, i), hs, 1)[0])
		}
		var cat []int
		for _, k := range concat {
			cat = append(cat, states[k])
		}
		return b.Call(nn.Concat(len(cat)), fmt.Sprintf("cell%d/concat", p.Index), cat, 1)[0], nil
	}
	return build(cfg.Config, spec, nil, cell, true)
}

// InputShapes returns the shapes of every input slot of n for batches of batch images of
// h×w×c: images, labels, each group's mixing weights and masks, drop-path masks.
func (n *Network) InputShapes(batch, h, w, c int) map[int]shapes.Shape {
	in := map[int]shapes.Shape{
		n.Images: shapes.Make(dtypes.Float32, batch, h, w, c),
		n.Labels: shapes.Make(dtypes.Int32, batch),
	}
	for _, g := range n.Groups {
		for i, s := range g.Slots {
			in[s] = shapes.Make(dtypes.Float32, len(g.Ops[i]))
		}
		for i, s := range g.MaskSlots {
			in[s] = shapes.Make(dtypes.Float32, len(g.Ops[i]))
		}
	}
	for _, s := range n.DropMasks {
		in[s] = shapes.Make(dtypes.Float32, batch)
	}
	return in
}

// Executables returns the number of distinct executables one variant of n's program needs
// for the given input shapes (the engine compiles one per module key and argument shapes; a
// Warmup of k variants compiles up to k times this). It builds the program symbolically on
// eng's backend and compiles nothing.
func Executables(eng *engine.Engine, n *Network, inputs map[int]shapes.Shape) (int, error) {
	sh, err := eng.InferShapes(n.Prog, inputs)
	if err != nil {
		return 0, fmt.Errorf("network: %w", err)
	}
	seen := map[string]bool{}
	for _, c := range n.Prog.Calls {
		key := c.M.Key
		for _, s := range c.In {
			key += " " + sh[s].String()
		}
		seen[key] = true
	}
	return len(seen), nil
}

// MixInputs returns the input tensors of every group's mixing weights, mix[g][row] in Groups
// order, and, for a network built with masks, of its masks: masks[g][row][k] false drops
// candidate k (masks nil, or a nil group: every candidate kept). It checks every row's length.
// The caller finalizes the tensors after the pass.
func (n *Network) MixInputs(mix [][][]float32, masks [][][]bool) (map[int]*tensors.Tensor, error) {
	if len(mix) != len(n.Groups) {
		return nil, fmt.Errorf("network: %d mixing-weight tables for %d groups", len(mix), len(n.Groups))
	}
	in := map[int]*tensors.Tensor{}
	for gi, g := range n.Groups {
		if len(mix[gi]) != len(g.Slots) {
			return nil, fmt.Errorf("network: group %s: %d rows, want %d", g.Name, len(mix[gi]), len(g.Slots))
		}
		for i, s := range g.Slots {
			if len(mix[gi][i]) != len(g.Ops[i]) {
				return nil, fmt.Errorf("network: group %s row %d: %d weights, want %d", g.Name, i, len(mix[gi][i]), len(g.Ops[i]))
			}
			in[s] = tensors.FromFlatDataAndDimensions(append([]float32(nil), mix[gi][i]...), len(g.Ops[i]))
		}
		for i, s := range g.MaskSlots {
			m := make([]float32, len(g.Ops[i]))
			for k := range m {
				m[k] = 1
			}
			if masks != nil && gi < len(masks) && masks[gi] != nil {
				if len(masks[gi]) != len(g.Slots) || len(masks[gi][i]) != len(m) {
					return nil, fmt.Errorf("network: group %s: the masks do not have the shape of the rows", g.Name)
				}
				for k, keep := range masks[gi][i] {
					if !keep {
						m[k] = 0
					}
				}
			}
			in[s] = tensors.FromFlatDataAndDimensions(m, len(m))
		}
	}
	return in, nil
}

// MixSlots returns every group's mixing-weight slots, in Groups order (the slots whose
// gradients a backward pass must return).
func (n *Network) MixSlots() []int {
	var out []int
	for _, g := range n.Groups {
		out = append(out, g.Slots...)
	}
	return out
}

// MixGrads reads the gradients of every group's mixing weights from g: [group][row][candidate]
// (zeros for a row that received none).
func (n *Network) MixGrads(g *engine.Grads) ([][][]float32, error) {
	out := make([][][]float32, len(n.Groups))
	for gi, grp := range n.Groups {
		sizes := make([]int, len(grp.Slots))
		for i := range sizes {
			sizes[i] = len(grp.Ops[i])
		}
		h, err := g.HostSlots(grp.Slots, sizes)
		if err != nil {
			return nil, fmt.Errorf("network: group %s: %w", grp.Name, err)
		}
		out[gi] = h
	}
	return out, nil
}
