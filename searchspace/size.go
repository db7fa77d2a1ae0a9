package searchspace

import (
	"fmt"
	"math"
	"math/bits"
)

// MaxSizeLayers bounds NetConfig.Layers for SizeOf: counting walks every cell, and no network
// has more cells than this.
const MaxSizeLayers = 100_000

// NetConfig selects an evaluation network of quark0/darts for a genotype: NetworkCIFAR (32×32
// input) or, with ImageNet, NetworkImageNet (224×224 input); Channels initial channels,
// Layers cells, Classes outputs, and the auxiliary head when Auxiliary.
type NetConfig struct {
	Channels, Layers, Classes int
	Auxiliary, ImageNet       bool
}

// DefaultNetConfig returns the CIFAR-10 evaluation setting of DARTS: 36 channels, 20 cells,
// 10 classes, no auxiliary head.
func DefaultNetConfig() NetConfig {
	return NetConfig{Channels: 36, Layers: 20, Classes: 10}
}

// InputSize returns the side of the square input image: 224 for ImageNet, else 32.
func (cfg NetConfig) InputSize() int {
	if cfg.ImageNet {
		return 224
	}
	return 32
}

// Cost is a parameter count and a multiply-add count.
type Cost struct {
	Params, MAdds int64
}

// overflowed marks a count that did not fit in an int64 while counting (counts are never
// negative otherwise); it sticks through additions, and SizeOf turns it into an error.
const overflowed = -1

func (c *Cost) add(o Cost) {
	c.Params = addCount(c.Params, o.Params)
	c.MAdds = addCount(c.MAdds, o.MAdds)
}

// addCount returns a+b, or overflowed when either is overflowed or the sum does not fit.
func addCount(a, b int64) int64 {
	s := a + b
	if a < 0 || b < 0 || s < 0 {
		return overflowed
	}
	return s
}

// mulInt64 returns the product of non-negative factors and whether it fits in an int64.
func mulInt64(fs ...int64) (int64, bool) {
	p := uint64(1)
	for _, f := range fs {
		if f < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(p, uint64(f))
		if hi != 0 || lo > math.MaxInt64 {
			return 0, false
		}
		p = lo
	}
	return int64(p), true
}

// mulCost is the cost of the product of params parameters, each used in the product of per
// multiply-adds, checked for overflow.
func mulCost(params []int64, per ...int64) Cost {
	p, ok1 := mulInt64(params...)
	m, ok2 := mulInt64(append([]int64{p}, per...)...)
	switch {
	case !ok1:
		return Cost{Params: overflowed, MAdds: overflowed}
	case !ok2:
		return Cost{Params: p, MAdds: overflowed}
	}
	return Cost{Params: p, MAdds: m}
}

// SizeBreakdown is the cost of an evaluation network, part by part.
type SizeBreakdown struct {
	// Layout is the macro skeleton the count walked.
	Layout Layout
	// Stem is the stem (stem0 and stem1 for ImageNet).
	Stem Cost
	// Cells holds each cell (preprocessing and operations).
	Cells []Cost
	// Aux is the auxiliary head (zero without one).
	Aux Cost
	// Classifier is the final linear layer (global pooling has no cost).
	Classifier Cost
	// Total is the sum of all parts.
	Total Cost
}

// Size returns the number of parameters and of multiply-adds (one image: 32×32 on CIFAR,
// 224×224 on ImageNet) of the evaluation network of quark0/darts cnn/model.py built from g
// under cfg. See SizeOf for what is counted.
func Size(g Genotype, cfg NetConfig) (params, madds int64, err error) {
	b, err := SizeOf(g, cfg)
	if err != nil {
		return 0, 0, err
	}
	return b.Total.Params, b.Total.MAdds, nil
}

// SizeOf counts the evaluation network of g under cfg layer by layer, exactly as
// quark0/darts builds it: convolutions have no bias, BatchNorm is affine (2 parameters per
// channel; running statistics are buffers, not parameters), Linear has a bias. Multiply-adds
// count convolutions (C_out·H_out·W_out·C_in/groups·k_h·k_w) and linear layers (in·out);
// BatchNorm, ReLU, pooling and additions are not counted, the usual convention of the DARTS
// papers. The auxiliary head, when cfg.Auxiliary, is counted in both numbers.
func SizeOf(g Genotype, cfg NetConfig) (SizeBreakdown, error) {
	if err := g.Validate(); err != nil {
		return SizeBreakdown{}, err
	}
	if cfg.Classes < 1 {
		return SizeBreakdown{}, fmt.Errorf("size: classes %d must be positive", cfg.Classes)
	}
	if cfg.Layers > MaxSizeLayers {
		return SizeBreakdown{}, fmt.Errorf("size: %d cells: at most %d", cfg.Layers, MaxSizeLayers)
	}
	l, err := cfg.Macro(g).Layout()
	if err != nil {
		return SizeBreakdown{}, fmt.Errorf("size: %w", err)
	}
	b := SizeBreakdown{Layout: l}
	h := cfg.InputSize()
	var h0, h1 int // spatial sizes of the inputs s0 and s1 of the next cell
	if cfg.ImageNet {
		c := cfg.Channels
		if c%2 != 0 {
			return b, fmt.Errorf("size: ImageNet stem needs an even channel count, got %d", c)
		}
		var x Cost
		x, h = conv(3, c/2, 3, 2, 1, 1, 1, h)
		b.Stem.add(x)
		b.Stem.add(bn(c / 2))
		x, h0 = conv(c/2, c, 3, 2, 1, 1, 1, h)
		b.Stem.add(x)
		b.Stem.add(bn(c))
		x, h1 = conv(c, c, 3, 2, 1, 1, 1, h0)
		b.Stem.add(x)
		b.Stem.add(bn(c))
	} else {
		x, hs := conv(3, l.Stem, 3, 1, 1, 1, 1, h)
		b.Stem.add(x)
		b.Stem.add(bn(l.Stem))
		h0, h1 = hs, hs
	}
	b.Total.add(b.Stem)
	for _, p := range l.Cells {
		ops, concat := g.Normal, g.NormalConcat
		if p.Reduction {
			ops, concat = g.Reduce, g.ReduceConcat
		}
		cost, hout, err := cellCost(p, ops, concat, h0, h1)
		if err != nil {
			return b, fmt.Errorf("size: cell %d: %w", p.Index, err)
		}
		b.Cells = append(b.Cells, cost)
		b.Total.add(cost)
		h0, h1 = h1, hout
		if cfg.Auxiliary && p.Index == 2*cfg.Layers/3 {
			b.Aux, err = auxCost(l.AuxChannels, cfg.Classes, h1, cfg.ImageNet)
			if err != nil {
				return b, fmt.Errorf("size: auxiliary head after cell %d: %w", p.Index, err)
			}
			b.Total.add(b.Aux)
		}
	}
	b.Classifier = linear(l.Final, cfg.Classes)
	b.Total.add(b.Classifier)
	if b.Total.Params < 0 || b.Total.MAdds < 0 {
		return b, fmt.Errorf("size: %d channels, %d cells, %d classes: the counts overflow int64", cfg.Channels, cfg.Layers, cfg.Classes)
	}
	return b, nil
}

// conv is a bias-free 2-D convolution on a square h×h input; it returns its cost and the
// output side.
func conv(cin, cout, k, stride, pad, dil, groups, h int) (Cost, int) {
	ho := (h+2*pad-dil*(k-1)-1)/stride + 1
	return mulCost([]int64{int64(cin / groups), int64(k * k), int64(cout)}, int64(ho), int64(ho)), ho
}

func bn(c int) Cost {
	p, ok := mulInt64(2, int64(c))
	if !ok {
		return Cost{Params: overflowed}
	}
	return Cost{Params: p}
}

func linear(in, out int) Cost {
	c := mulCost([]int64{int64(in), int64(out)}) // one multiply-add per weight
	c.add(Cost{Params: int64(out)})
	return c
}

// reluConvBN is operations.py ReLUConvBN(cin, cout, 1, 1, 0).
func reluConvBN(cin, cout, h int) (Cost, int) {
	c, ho := conv(cin, cout, 1, 1, 0, 1, 1, h)
	c.add(bn(cout))
	return c, ho
}

// factorizedReduce is operations.py FactorizedReduce(cin, cout): two 1×1 stride-2 convolutions
// to cout/2 channels, on x and on x shifted by one pixel, concatenated, then BN.
func factorizedReduce(cin, cout, h int) (Cost, int, error) {
	if cout%2 != 0 {
		return Cost{}, 0, fmt.Errorf("FactorizedReduce to %d channels: needs an even count", cout)
	}
	c1, ho := conv(cin, cout/2, 1, 2, 0, 1, 1, h)
	c2, ho2 := conv(cin, cout/2, 1, 2, 0, 1, 1, h-1)
	if ho != ho2 {
		return Cost{}, 0, fmt.Errorf("FactorizedReduce on a %d×%d input: odd size, branches give %d and %d", h, h, ho, ho2)
	}
	c1.add(c2)
	c1.add(bn(cout))
	return c1, ho, nil
}

// opCost is the cost of OPS[op](c, stride, affine=True) of operations.py on an h×h input.
func opCost(op string, c, stride, h int) (Cost, int, error) {
	switch op {
	case OpNone, OpNoise:
		return Cost{}, (h-1)/stride + 1, nil
	case OpMaxPool3x3, OpAvgPool3x3:
		return Cost{}, (h+2-3)/stride + 1, nil
	case OpSkipConnect:
		if stride == 1 {
			return Cost{}, h, nil
		}
		return factorizedReduce(c, c, h)
	case OpSepConv3x3, OpSepConv5x5, OpSepConv7x7:
		k := map[string]int{OpSepConv3x3: 3, OpSepConv5x5: 5, OpSepConv7x7: 7}[op]
		var total Cost
		dw, ho := conv(c, c, k, stride, k/2, 1, c, h)
		pw, _ := conv(c, c, 1, 1, 0, 1, 1, ho)
		total.add(dw)
		total.add(pw)
		total.add(bn(c))
		dw2, ho2 := conv(c, c, k, 1, k/2, 1, c, ho)
		pw2, _ := conv(c, c, 1, 1, 0, 1, 1, ho2)
		total.add(dw2)
		total.add(pw2)
		total.add(bn(c))
		return total, ho2, nil
	case OpDilConv3x3, OpDilConv5x5:
		k, pad := 3, 2
		if op == OpDilConv5x5 {
			k, pad = 5, 4
		}
		dw, ho := conv(c, c, k, stride, pad, 2, c, h)
		pw, _ := conv(c, c, 1, 1, 0, 1, 1, ho)
		dw.add(pw)
		dw.add(bn(c))
		return dw, ho, nil
	case OpConv7x1x1x7:
		// Conv2d(C, C, (1,7), stride=(1,s), padding=(0,3)) then Conv2d(C, C, (7,1),
		// stride=(s,1), padding=(3,0)), then BN.
		wo := (h+6-7)/stride + 1
		total := mulCost([]int64{int64(c), int64(c), 7}, int64(h), int64(wo))
		total.add(mulCost([]int64{int64(c), int64(c), 7}, int64(wo), int64(wo)))
		total.add(bn(c))
		return total, wo, nil
	}
	return Cost{}, 0, fmt.Errorf("no cost model for operation %q", op)
}

// cellCost is the cost of model.py Cell for plan p, with inputs of sides h0 (s0) and h1 (s1).
func cellCost(p CellPlan, ops []OpInput, concat []int, h0, h1 int) (Cost, int, error) {
	var total Cost
	var pre0 Cost
	var hp0 int
	if p.ReductionPrev {
		var err error
		pre0, hp0, err = factorizedReduce(p.CPrevPrev, p.C, h0)
		if err != nil {
			return total, 0, fmt.Errorf("preprocess0: %w", err)
		}
	} else {
		pre0, hp0 = reluConvBN(p.CPrevPrev, p.C, h0)
	}
	pre1, hp1 := reluConvBN(p.CPrev, p.C, h1)
	if hp0 != hp1 {
		return total, 0, fmt.Errorf("inputs of sides %d and %d after preprocessing", hp0, hp1)
	}
	total.add(pre0)
	total.add(pre1)
	side := []int{hp0, hp1}
	for i := 0; i < len(ops)/2; i++ {
		hn := -1
		for _, o := range ops[2*i : 2*i+2] {
			stride := 1
			if p.Reduction && o.Input < 2 {
				stride = 2
			}
			c, ho, err := opCost(o.Op, p.C, stride, side[o.Input])
			if err != nil {
				return total, 0, err
			}
			if hn >= 0 && ho != hn {
				return total, 0, fmt.Errorf("node %d: its two inputs have sides %d and %d", i, hn, ho)
			}
			hn = ho
			total.add(c)
		}
		side = append(side, hn)
	}
	hout := side[concat[0]]
	for _, s := range concat {
		if side[s] != hout {
			return total, 0, fmt.Errorf("concat of states with sides %d and %d", hout, side[s])
		}
	}
	return total, hout, nil
}

// auxCost is AuxiliaryHeadCIFAR or AuxiliaryHeadImageNet (which has no BN after its second
// convolution) on a c-channel h×h input.
func auxCost(c, classes, h int, imagenet bool) (Cost, error) {
	stride := 3
	if imagenet {
		stride = 2
	}
	if h < 5 {
		return Cost{}, fmt.Errorf("input side %d below the 5×5 pooling window", h)
	}
	hp := (h-5)/stride + 1
	var total Cost
	c1, _ := conv(c, 128, 1, 1, 0, 1, 1, hp)
	total.add(c1)
	total.add(bn(128))
	c2, ho := conv(128, 768, 2, 1, 0, 1, 1, hp)
	total.add(c2)
	if !imagenet {
		total.add(bn(768))
	}
	if ho != 1 {
		return Cost{}, fmt.Errorf("input side %d leaves %d×%d features, the head's Linear(768) needs 1×1", h, ho, ho)
	}
	total.add(linear(768, classes))
	return total, nil
}
