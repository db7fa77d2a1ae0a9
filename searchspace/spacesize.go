package searchspace

import "fmt"

// NB201Config selects a NAS-Bench-201 network (TinyNetwork of the benchmark's code): C
// channels in the first stage (doubled in each of the next two), N cells per stage, Classes
// outputs, InChannels image channels (3 for CIFAR), Input the side of the square input image.
type NB201Config struct {
	C, N, Classes, InChannels, Input int
}

// DefaultNB201Config returns the benchmark's CIFAR-10 setting: 16 channels, 5 cells per stage,
// 10 classes, 3×32×32 inputs.
func DefaultNB201Config() NB201Config {
	return NB201Config{C: 16, N: 5, Classes: 10, InChannels: 3, Input: 32}
}

// Validate checks the sizes.
func (c NB201Config) Validate() error {
	if c.C < 1 || c.N < 1 || c.Classes < 2 || c.InChannels < 1 || c.Input < 1 {
		return fmt.Errorf("nas-bench-201 network: channels %d, cells per stage %d, classes %d, input channels %d, input %d: want positive sizes and ≥2 classes",
			c.C, c.N, c.Classes, c.InChannels, c.Input)
	}
	return nil
}

// nb201OpCost is the cost of a NAS-Bench-201 operation on c channels at stride 1 (the cell's
// edges never reduce), h×h input.
func nb201OpCost(op string, c, h int) (Cost, error) {
	switch op {
	case OpNone, OpSkipConnect:
		return Cost{}, nil
	case OpAvgPool3x3:
		return Cost{MAdds: int64(9 * c * h * h)}, nil
	case OpNorConv1x1, OpNorConv3x3:
		k := 1
		if op == OpNorConv3x3 {
			k = 3
		}
		cc, _ := conv(c, c, k, 1, k/2, 1, 1, h)
		cc.add(bn(c))
		return cc, nil
	}
	return Cost{}, fmt.Errorf("nas-bench-201: unknown operation %q", op)
}

// NB201Size returns the number of parameters and multiply-adds (one image) of the
// NAS-Bench-201 network of a: a stem (3×3 convolution, batch norm), three stages of N cells
// at C, 2C and 4C channels separated by residual reduction blocks (ResNetBasicblock: two
// ReLU-Conv3×3-BN and a 2×2 average pool + 1×1 convolution shortcut), batch norm and ReLU,
// global pooling and a linear classifier. Every operation of the cell counts, none and skip
// costing nothing (the benchmark's cells keep them as layers). The benchmark's largest CIFAR-10
// network (every edge nor_conv_3x3, DefaultNB201Config) has 1,531,546 parameters.
func NB201Size(a NB201Arch, cfg NB201Config) (params, madds int64, err error) {
	if err := cfg.Validate(); err != nil {
		return 0, 0, err
	}
	var total Cost
	stem, h := conv(cfg.InChannels, cfg.C, 3, 1, 1, 1, 1, cfg.Input)
	stem.add(bn(cfg.C))
	total.add(stem)
	c := cfg.C
	for s := 0; s < 3; s++ {
		if s > 0 {
			a1, ho := conv(c, 2*c, 3, 2, 1, 1, 1, h)
			a1.add(bn(2 * c))
			b1, _ := conv(2*c, 2*c, 3, 1, 1, 1, 1, ho)
			b1.add(bn(2 * c))
			d, _ := conv(c, 2*c, 1, 1, 0, 1, 1, h/2)
			total.add(a1)
			total.add(b1)
			total.add(d)
			c, h = 2*c, ho
		}
		for i := 0; i < cfg.N; i++ {
			for _, op := range a.Ops {
				oc, err := nb201OpCost(op, c, h)
				if err != nil {
					return 0, 0, err
				}
				total.add(oc)
			}
		}
	}
	total.add(bn(c))
	total.add(linear(c, cfg.Classes))
	return total.Params, total.MAdds, nil
}

// BlockByName returns the candidate named name, or the block that name spells in the
// ir_k<kernel>_e<expansion>[_g<groups>] form (the fixed first block of ProxylessNAS).
func (s MobileSpace) BlockByName(name string) (Block, error) {
	for _, b := range s.Blocks {
		if b.Name == name {
			return b, nil
		}
	}
	b := Block{Name: name, Groups: 1}
	if n, err := fmt.Sscanf(name, "ir_k%d_e%d_g%d", &b.Kernel, &b.Expansion, &b.Groups); n >= 2 && b.Kernel > 0 && b.Expansion > 0 &&
		(err == nil || n == 2) && name == blockName(b) {
		return b, nil
	}
	return Block{}, fmt.Errorf("%s: unknown block %q", s.Name, name)
}

// blockName spells b in the ir_k<kernel>_e<expansion>[_g<groups>] form.
func blockName(b Block) string {
	if b.Groups > 1 {
		return fmt.Sprintf("ir_k%d_e%d_g%d", b.Kernel, b.Expansion, b.Groups)
	}
	return fmt.Sprintf("ir_k%d_e%d", b.Kernel, b.Expansion)
}

// expands reports whether block b has its 1×1 expansion convolution.
func (s MobileSpace) expands(b Block) bool { return b.Expansion != 1 || s.ExpandAlways }

// BlockCost is the cost of candidate b from cin to cout channels at stride on an h×h input,
// and its output side: an inverted residual block (1×1 expansion with batch norm, unless the
// expansion is 1 and the space does not ExpandAlways; k×k depthwise with batch norm; 1×1
// projection with batch norm; 1×1 convolutions in b.Groups groups), or a skip (nothing, or a
// 1×1 convolution with batch norm when the shape changes).
func (s MobileSpace) BlockCost(b Block, cin, cout, stride, h int) (Cost, int) {
	if b.Skip {
		if cin == cout && stride == 1 {
			return Cost{}, h
		}
		c, ho := conv(cin, cout, 1, stride, 0, 1, 1, h)
		c.add(bn(cout))
		return c, ho
	}
	g := max(b.Groups, 1)
	mid := cin * b.Expansion
	var total Cost
	if s.expands(b) {
		c, _ := conv(cin, mid, 1, 1, 0, 1, g, h)
		c.add(bn(mid))
		total.add(c)
	}
	dw, ho := conv(mid, mid, b.Kernel, stride, b.Kernel/2, 1, mid, h)
	dw.add(bn(mid))
	total.add(dw)
	pw, _ := conv(mid, cout, 1, 1, 0, 1, g, ho)
	pw.add(bn(cout))
	total.add(pw)
	return total, ho
}

// MobileCosts is the cost of every part of a mobile-space network on inChannels×input×input
// images with classes outputs.
type MobileCosts struct {
	// Fixed is the stem, the fixed first block, the head convolution and the classifier.
	Fixed Cost
	// Layers holds, per searchable layer, the cost of each candidate (the columns of that
	// layer's α row): what a latency or FLOPs regularizer weighs.
	Layers [][]Cost
}

// Costs returns the cost of the fixed parts and of every candidate of every searchable layer.
// The stem is a 3×3 convolution with batch norm and ReLU; the head a 1×1 convolution to
// HeadChannels with batch norm and ReLU, global pooling and a linear classifier.
func (s MobileSpace) Costs(inChannels, input, classes int) (MobileCosts, error) {
	if inChannels < 1 || input < 1 || classes < 2 {
		return MobileCosts{}, fmt.Errorf("%s: input channels %d, input side %d, classes %d: want positive sizes and ≥2 classes", s.Name, inChannels, input, classes)
	}
	var mc MobileCosts
	stem, h := conv(inChannels, s.StemChannels, 3, s.StemStride, 1, 1, 1, input)
	stem.add(bn(s.StemChannels))
	mc.Fixed.add(stem)
	if s.FirstBlock != "" {
		b, err := s.BlockByName(s.FirstBlock)
		if err != nil {
			return MobileCosts{}, err
		}
		fc, ho := s.BlockCost(b, s.StemChannels, s.FirstChannels, 1, h)
		mc.Fixed.add(fc)
		h = ho
	}
	layers := s.Layers()
	for _, l := range layers {
		row := make([]Cost, len(l.Blocks))
		next := h
		for k, name := range l.Blocks {
			b, err := s.BlockByName(name)
			if err != nil {
				return MobileCosts{}, err
			}
			row[k], next = s.BlockCost(b, l.In, l.Out, l.Stride, h)
		}
		mc.Layers = append(mc.Layers, row)
		h = next
	}
	last := s.StemChannels
	if s.FirstBlock != "" {
		last = s.FirstChannels
	}
	if len(layers) > 0 {
		last = layers[len(layers)-1].Out
	}
	head, _ := conv(last, s.HeadChannels, 1, 1, 0, 1, 1, h)
	head.add(bn(s.HeadChannels))
	mc.Fixed.add(head)
	mc.Fixed.add(linear(s.HeadChannels, classes))
	return mc, nil
}

// MobileSize returns the parameters and multiply-adds (one image) of the network of arch a in
// space s (see Costs).
func (s MobileSpace) MobileSize(a MobileArch, inChannels, input, classes int) (params, madds int64, err error) {
	mc, err := s.Costs(inChannels, input, classes)
	if err != nil {
		return 0, 0, err
	}
	layers := s.Layers()
	if len(a.Blocks) != len(layers) {
		return 0, 0, fmt.Errorf("%s: %d blocks for %d layers", s.Name, len(a.Blocks), len(layers))
	}
	total := mc.Fixed
	for i, name := range a.Blocks {
		k := index(layers[i].Blocks, name)
		if k < 0 {
			return 0, 0, fmt.Errorf("%s: layer %d: %q is not a candidate", s.Name, i, name)
		}
		total.add(mc.Layers[i][k])
	}
	return total.Params, total.MAdds, nil
}

func index(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// Scaled returns a copy of s with every width (stem, first block, stages, head) multiplied by
// width and rounded to a multiple of 8 (at least 8), each stage's repeats capped at maxRepeats
// (0: unchanged) and the stem's stride set to stemStride (0: unchanged): small versions of the
// space for 28×28 or 32×32 images and quick tests.
func (s MobileSpace) Scaled(width float64, maxRepeats, stemStride int) MobileSpace {
	r := func(c int) int {
		v := int(float64(c)*width/8+0.5) * 8
		return max(v, 8)
	}
	out := s
	out.Name = fmt.Sprintf("%s-x%g", s.Name, width)
	out.StemChannels = r(s.StemChannels)
	if s.FirstBlock != "" {
		out.FirstChannels = r(s.FirstChannels)
	}
	out.HeadChannels = r(s.HeadChannels)
	out.Stages = make([]Stage, len(s.Stages))
	for i, st := range s.Stages {
		st.Channels = r(st.Channels)
		if maxRepeats > 0 && st.Repeats > maxRepeats {
			st.Repeats = maxRepeats
		}
		out.Stages[i] = st
	}
	if stemStride > 0 {
		out.StemStride = stemStride
	}
	out.Blocks = append([]Block(nil), s.Blocks...)
	return out
}
