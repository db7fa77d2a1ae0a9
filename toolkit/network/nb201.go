package network

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// nb201Cell builds one NAS-Bench-201 cell on c channels from input slot x (node 0) and returns
// its output (node 3).
type nb201Cell func(b *Builder, name string, c, x int) (int, error)

// buildNB201 is the NAS-Bench-201 macro skeleton (the benchmark's TinyNetwork), shared by the
// supernet and the derived network: a 3×3 convolution and batch norm stem to C channels; three
// stages of N cells (cfg.Layers) at C, 2C and 4C channels, separated by residual reduction
// blocks (nn.ResNetBasicBlock, stride 2); batch norm, ReLU, global pooling and the linear
// classifier (nn.HeadBNReLU). before runs once the input slots exist.
func buildNB201(cfg Config, before func(b *Builder) error, cell nb201Cell) (*Network, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.C < 1 || cfg.Layers < 1 {
		return nil, fmt.Errorf("network: nas-bench-201 with %d channels and %d cells per stage: want positive", cfg.C, cfg.Layers)
	}
	b := newBuilder(cfg)
	net := b.net
	if before != nil {
		if err := before(b); err != nil {
			return nil, err
		}
	}
	x := b.call(nn.Stem(cfg.InChannels, cfg.C), "stem", net.Images)
	c, index := cfg.C, 0
	for s := 0; s < 3; s++ {
		if s > 0 {
			m := nn.LayerModule(fmt.Sprintf("resblock/%d/%d/s2", c, 2*c), nn.ResNetBasicBlock(c, 2*c, 2))
			x = b.call(m, fmt.Sprintf("cell%d", index), x)
			c *= 2
			index++
		}
		for i := 0; i < cfg.Layers; i++ {
			var err error
			if x, err = cell(b, fmt.Sprintf("cell%d", index), c, x); err != nil {
				return nil, fmt.Errorf("network: cell %d: %w", index, err)
			}
			index++
		}
	}
	outs := b.Call(nn.HeadBNReLU(c, cfg.Classes), "head", []int{x, net.Labels}, 2)
	net.Loss, net.Correct = outs[0], outs[1]
	return net, nil
}

// NB201Supernet builds the NAS-Bench-201 search network (the benchmark's DARTS supernet,
// TinyNetworkDarts): the NAS-Bench-201 skeleton whose cells have a mixed edge of the five
// NB201Ops on each of their 6 edges, batch norm without affine parameters and no batch norm
// after the pool, all cells sharing group "cell" (6 rows of NB201Ops, NB201Edge order).
// cfg.Layers is the number of cells per stage; cfg.Edge, Masks, Keep and Reuse apply.
func NB201Supernet(cfg Config) (*Network, error) {
	ops := make([][]string, searchspace.NB201Edges)
	for e := range ops {
		ops[e] = searchspace.NB201Ops()
	}
	edgeFactory := cfg.Edge
	if edgeFactory == nil {
		edgeFactory = FusedEdges
	}
	var g MixGroup
	before := func(b *Builder) error {
		g = b.addGroup("cell", ops, cfg.Masks)
		return nil
	}
	opt := nn.EdgeOptions{Mask: cfg.Masks, Depthwise: cfg.Depthwise}
	cell := func(b *Builder, name string, c, x int) (int, error) {
		nodes := []int{x}
		e := 0
		for i := 1; i < searchspace.NB201Nodes; i++ {
			var outs []int
			for j := 0; j < i; j++ {
				es := EdgeSpec{Name: fmt.Sprintf("%s/edge%d", name, e), Ops: ops[e], C: c, Stride: 1, In: nodes[j],
					Mix: g.Slots[e], Mask: -1, Options: opt}
				if cfg.Masks {
					es.Mask = g.MaskSlots[e]
				}
				keep, err := cfg.keepOf(0, e, len(ops[e]))
				if err != nil {
					return 0, err
				}
				es.Keep = keep
				out, err := edgeFactory(b, es)
				if err != nil {
					return 0, fmt.Errorf("edge %d: %w", e, err)
				}
				outs = append(outs, out)
				e++
			}
			nodes = append(nodes, b.Call(nn.Sum(len(outs)), fmt.Sprintf("%s/node%d", name, i), outs, 1)[0])
		}
		return nodes[len(nodes)-1], nil
	}
	return buildNB201(cfg, before, cell)
}

// NB201Derived builds the NAS-Bench-201 network of cell a (the benchmark's TinyNetwork with
// InferCell): the same skeleton, each edge its operation with affine batch norm, each node the
// sum of its edges; "none" edges are left out of the sums (a node whose every edge is none is
// zero). cfg.Layers is the number of cells per stage. Its parameter count is
// searchspace.NB201Size's.
func NB201Derived(a searchspace.NB201Arch, cfg Config) (*Network, error) {
	cell := func(b *Builder, name string, c, x int) (int, error) {
		nodes := []int{x}
		e := 0
		for i := 1; i < searchspace.NB201Nodes; i++ {
			var outs []int
			for j := 0; j < i; j++ {
				op := a.Ops[e]
				if op != searchspace.OpNone {
					m, err := nn.OpEdge(op, c, 1, false, cfg.Depthwise)
					if err != nil {
						return 0, fmt.Errorf("edge %d: %w", e, err)
					}
					outs = append(outs, b.call(m, fmt.Sprintf("%s/edge%d", name, e), nodes[j]))
				}
				e++
			}
			node := fmt.Sprintf("%s/node%d", name, i)
			if len(outs) == 0 {
				nodes = append(nodes, b.call(nn.ZeroEdge(1), node, x))
			} else {
				nodes = append(nodes, b.Call(nn.Sum(len(outs)), node, outs, 1)[0])
			}
		}
		return nodes[len(nodes)-1], nil
	}
	return buildNB201(cfg, nil, cell)
}
