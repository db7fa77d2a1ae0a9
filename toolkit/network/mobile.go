package network

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// mobileLayer builds searchable layer i of a mobile space from input slot x.
type mobileLayer func(b *Builder, i int, l searchspace.MobileLayer, x int) (int, error)

// blockLayer returns candidate name of a mobile-space layer from cin to cout at stride.
func blockLayer(s searchspace.MobileSpace, name string, cin, cout, stride int, mode nn.DepthwiseMode) (nn.Layer, error) {
	blk, err := s.BlockByName(name)
	if err != nil {
		return nn.Layer{}, err
	}
	if blk.Skip {
		return nn.MobileSkip(cin, cout, stride), nil
	}
	return nn.MBConv(nn.MBConvSpec{In: cin, Out: cout, Kernel: blk.Kernel, Expansion: blk.Expansion, Groups: blk.Groups,
		Stride: stride, ExpandAlways: s.ExpandAlways, Depthwise: mode})
}

// buildMobile is the MobileNetV2-style macro skeleton of a block-wise space, shared by the
// supernet and the derived network: a 3×3 convolution (stride StemStride), batch norm and ReLU
// to StemChannels; the fixed first block, if any; the searchable layers; a 1×1 convolution,
// batch norm and ReLU to HeadChannels; global pooling and the linear classifier.
func buildMobile(s searchspace.MobileSpace, cfg Config, before func(b *Builder) error, layer mobileLayer) (*Network, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	b := newBuilder(cfg)
	net := b.net
	if before != nil {
		if err := before(b); err != nil {
			return nil, err
		}
	}
	stem := nn.ConvBNReLU(cfg.InChannels, s.StemChannels, 3, s.StemStride, 1, true)
	x := b.call(nn.LayerModule(fmt.Sprintf("mstem/%d/%d/s%d", cfg.InChannels, s.StemChannels, s.StemStride), stem), "stem", net.Images)
	c := s.StemChannels
	if s.FirstBlock != "" {
		l, err := blockLayer(s, s.FirstBlock, c, s.FirstChannels, 1, cfg.Depthwise)
		if err != nil {
			return nil, fmt.Errorf("network: first block: %w", err)
		}
		x = b.call(nn.LayerModule(fmt.Sprintf("block/%s/%d/%d/s1/x%v/m%d", s.FirstBlock, c, s.FirstChannels, s.ExpandAlways, cfg.Depthwise), l), "first", x)
		c = s.FirstChannels
	}
	for i, l := range s.Layers() {
		var err error
		if x, err = layer(b, i, l, x); err != nil {
			return nil, fmt.Errorf("network: layer %d: %w", i, err)
		}
		c = l.Out
	}
	head := nn.ConvBNReLU(c, s.HeadChannels, 1, 1, 1, true)
	x = b.call(nn.LayerModule(fmt.Sprintf("mhead/%d/%d", c, s.HeadChannels), head), "headconv", x)
	outs := b.Call(nn.Head(s.HeadChannels, cfg.Classes), "head", []int{x, net.Labels}, 2)
	net.Loss, net.Correct = outs[0], outs[1]
	return net, nil
}

// MobileSupernet builds the block-wise supernet of a mobile space (FBNet, ProxylessNAS): the
// mobile skeleton whose searchable layers each mix their candidates (inverted residual blocks
// and skip, nn.MixedChoice) with the weights of group "blocks" (one row per layer, the
// layer's candidates). cfg.Masks, Keep (masks only: a dropped candidate is an error) and Reuse
// apply; cfg.C, Layers and Edge do not (the space gives the widths and depth).
func MobileSupernet(s searchspace.MobileSpace, cfg Config) (*Network, error) {
	layers := s.Layers()
	ops := make([][]string, len(layers))
	for i, l := range layers {
		ops[i] = l.Blocks
	}
	var g MixGroup
	before := func(b *Builder) error {
		g = b.addGroup("blocks", ops, cfg.Masks)
		return nil
	}
	layer := func(b *Builder, i int, l searchspace.MobileLayer, x int) (int, error) {
		keep, err := cfg.keepOf(0, i, len(l.Blocks))
		if err != nil {
			return 0, err
		}
		for k, kk := range keep {
			if !kk {
				return 0, fmt.Errorf("candidate %s dropped: mixed blocks compute every candidate; prune with masks", l.Blocks[k])
			}
		}
		cands := make([]nn.Layer, len(l.Blocks))
		for k, name := range l.Blocks {
			if cands[k], err = blockLayer(s, name, l.In, l.Out, l.Stride, cfg.Depthwise); err != nil {
				return 0, err
			}
		}
		key := fmt.Sprintf("%v/%d/%d/s%d/x%v/m%d", l.Blocks, l.In, l.Out, l.Stride, s.ExpandAlways, cfg.Depthwise)
		in := []int{x, g.Slots[i]}
		if cfg.Masks {
			in = append(in, g.MaskSlots[i])
		}
		return b.Call(nn.MixedChoice(key, l.Blocks, cands, cfg.Masks), fmt.Sprintf("layer%d", i), in, 1)[0], nil
	}
	return buildMobile(s, cfg, before, layer)
}

// MobileDerived builds the network of arch a in space s: the mobile skeleton with each
// searchable layer its chosen block. Its parameter count is MobileSpace.MobileSize's.
func MobileDerived(s searchspace.MobileSpace, a searchspace.MobileArch, cfg Config) (*Network, error) {
	layers := s.Layers()
	if len(a.Blocks) != len(layers) {
		return nil, fmt.Errorf("network: %s arch has %d blocks, the space %d layers", s.Name, len(a.Blocks), len(layers))
	}
	layer := func(b *Builder, i int, l searchspace.MobileLayer, x int) (int, error) {
		name := a.Blocks[i]
		if !contains(l.Blocks, name) {
			return 0, fmt.Errorf("%q is not a candidate of the layer", name)
		}
		blk, err := blockLayer(s, name, l.In, l.Out, l.Stride, cfg.Depthwise)
		if err != nil {
			return 0, err
		}
		// Reuse the supernet's parameter names (layer<i>/<block>/...), so a derived network
		// can start from the supernet's weights through Config.Reuse.
		m := nn.LayerModule(fmt.Sprintf("block/%s/%d/%d/s%d/x%v/m%d", name, l.In, l.Out, l.Stride, s.ExpandAlways, cfg.Depthwise), blk)
		return b.call(m, fmt.Sprintf("layer%d/%s", i, name), x), nil
	}
	return buildMobile(s, cfg, nil, layer)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
