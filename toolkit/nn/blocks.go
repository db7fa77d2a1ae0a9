package nn

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph building reads best unqualified
)

// ResNetBasicBlock is NAS-Bench-201's residual reduction block (ResNetBasicblock): conv_a =
// ReLU-Conv3×3(stride)-BN, conv_b = ReLU-Conv3×3-BN, plus a shortcut: a 2×2 average pool of
// stride 2 then a 1×1 convolution when stride is 2, a ReLU-Conv1×1-BN when only the channels
// change, the identity otherwise. Batch norms are affine. With stride 2 the input sides must be
// even (the shortcut's pool and conv_a's output must agree).
func ResNetBasicBlock(cin, cout, stride int) Layer {
	convA := ReLUConvBN(cin, cout, 3, stride, 1, true)
	convB := ReLUConvBN(cout, cout, 3, 1, 1, true)
	var short *Layer
	switch {
	case stride == 2:
		l := Seq(Layer{Apply: func(_ *Builder, _ Getter, x *Node) *Node {
			return MeanPool(x).Window(2).Strides(2).PaddingPerDim([][2]int{{0, 0}, {0, 0}}).Done()
		}}, Conv(cin, cout, 1, 1, 1, 1, 0, 0, 1))
		short = &l
	case cin != cout:
		l := ReLUConvBN(cin, cout, 1, 1, 0, true)
		short = &l
	}
	specs := append(Prefix("a", convA.Params), Prefix("b", convB.Params)...)
	if short != nil {
		specs = append(specs, Prefix("down", short.Params)...)
	}
	return Layer{Params: specs, Apply: func(b *Builder, get Getter, x *Node) *Node {
		y := convA.Apply(b, func(n string) *Node { return get("a/" + n) }, x)
		y = convB.Apply(b, func(n string) *Node { return get("b/" + n) }, y)
		r := x
		if short != nil {
			r = short.Apply(b, func(n string) *Node { return get("down/" + n) }, x)
		}
		return Add(r, y)
	}}
}

// HeadBNReLU is NAS-Bench-201's classifier: affine batch norm and ReLU ("lastact"), global
// average pooling, a linear layer, and the softmax cross-entropy against int32 labels. Inputs
// and outputs as Head.
func HeadBNReLU(c, classes int) *Module {
	pre := Seq(BatchNorm(c, true), ReLU())
	lin := Linear(c, classes)
	specs := append(Prefix("lastact", pre.Params), Prefix("linear", lin.Params)...)
	return &Module{Key: keyf("head-bnrelu/%d/%d", c, classes), NumInputs: 2, NoGradInputs: []bool{false, true},
		NoGradOutputs: []bool{false, true}, Params: specs,
		Build: func(b *Builder, in []*Node) []*Node {
			x := pre.Apply(b, func(n string) *Node { return b.Next("lastact/" + n) }, in[0])
			logits := lin.Apply(b, func(n string) *Node { return b.Next("linear/" + n) }, ReduceMean(x, 1, 2))
			loss, correct := crossEntropy(logits, in[1], classes)
			return []*Node{loss, correct}
		}}
}

// GroupConv1x1 is a 1×1 convolution without bias in groups: the input channels split into
// groups, each convolved to cout/groups channels, the results concatenated. Its weight is
// [groups, cin/groups, cout/groups].
func GroupConv1x1(cin, cout, groups int) Layer {
	if groups <= 1 {
		return Conv(cin, cout, 1, 1, 1, 1, 0, 0, 1)
	}
	gi, go_ := cin/groups, cout/groups
	spec := ParamSpec{Name: "w", Shape: []int{groups, gi, go_}, Role: Weight, Init: InitFanIn, FanIn: gi}
	return Layer{Params: []ParamSpec{spec}, Apply: func(_ *Builder, get Getter, x *Node) *Node {
		w := get("w")
		parts := make([]*Node, groups)
		for g := 0; g < groups; g++ {
			xg := Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(g*gi, (g+1)*gi))
			wg := Reshape(Slice(w, AxisElem(g), AxisRange(), AxisRange()), 1, 1, gi, go_)
			parts[g] = Convolve(xg, wg).Strides(1).Done()
		}
		return Concatenate(parts, 3)
	}}
}

// ConvBNReLU is a k×k convolution (groups > 1: a grouped 1×1 convolution), affine batch norm
// and, when relu, a ReLU: the layer of the mobile spaces' stems, heads and blocks.
func ConvBNReLU(cin, cout, k, stride, groups int, relu bool) Layer {
	var conv Layer
	if groups > 1 && k == 1 && stride == 1 {
		conv = GroupConv1x1(cin, cout, groups)
	} else {
		conv = Conv(cin, cout, k, k, stride, stride, k/2, k/2, 1)
	}
	if relu {
		return Seq(conv, BatchNorm(cout, true), ReLU())
	}
	return Seq(conv, BatchNorm(cout, true))
}

// MBConvSpec is an inverted residual block (MobileNetV2, FBNet, ProxylessNAS).
type MBConvSpec struct {
	In, Out, Kernel, Expansion, Groups, Stride int
	// ExpandAlways keeps the 1×1 expansion at expansion 1 (FBNet); otherwise an expansion-1
	// block starts with the depthwise convolution (MobileNetV2, ProxylessNAS).
	ExpandAlways bool
	Depthwise    DepthwiseMode
}

// MBConv is an inverted residual block: 1×1 expansion to Expansion·In channels (grouped, with
// a channel shuffle when Groups > 1) with batch norm and ReLU; Kernel×Kernel depthwise
// convolution carrying the stride, batch norm, ReLU; 1×1 projection (grouped) to Out channels
// with batch norm; plus the input when the stride is 1 and In == Out. Batch norms are affine.
func MBConv(s MBConvSpec) (Layer, error) {
	if s.In < 1 || s.Out < 1 || s.Kernel < 1 || s.Kernel%2 == 0 || s.Expansion < 1 || s.Stride < 1 {
		return Layer{}, fmt.Errorf("mbconv %+v: want positive sizes and an odd kernel", s)
	}
	g := max(s.Groups, 1)
	mid := s.In * s.Expansion
	if s.In%g != 0 || mid%g != 0 || s.Out%g != 0 {
		return Layer{}, fmt.Errorf("mbconv %+v: channels not divisible by %d groups", s, g)
	}
	var parts []Layer
	if s.Expansion != 1 || s.ExpandAlways {
		parts = append(parts, ConvBNReLU(s.In, mid, 1, 1, g, true))
		if g > 1 {
			parts = append(parts, Layer{Apply: func(_ *Builder, _ Getter, x *Node) *Node { return ChannelShuffle(x, g) }})
		}
	}
	parts = append(parts, Depthwise(mid, s.Kernel, s.Stride, s.Kernel/2, 1, s.Depthwise), BatchNorm(mid, true), ReLU(),
		GroupConv1x1(mid, s.Out, g), BatchNorm(s.Out, true))
	body := Seq(parts...)
	if s.Stride != 1 || s.In != s.Out {
		return body, nil
	}
	return Layer{Params: body.Params, Apply: func(b *Builder, get Getter, x *Node) *Node {
		return Add(x, body.Apply(b, get, x))
	}}, nil
}

// MobileSkip is the skip candidate of a mobile-space layer: the identity when the shape does
// not change, else (FBNet) a 1×1 convolution carrying the stride, batch norm and ReLU.
func MobileSkip(cin, cout, stride int) Layer {
	if cin == cout && stride == 1 {
		return Skip()
	}
	return ConvBNReLU(cin, cout, 1, stride, 1, true)
}

// MixedChoice mixes whole candidate layers of one input: inputs x, the mixing weights w [n]
// and, with mask, the mask [n]; output Σ_k w[k]·mask[k]·layer_k(x). The candidates' parameters
// are prefixed by their names. key must identify the candidates (names, channels, stride).
func MixedChoice(key string, names []string, layers []Layer, mask bool) *Module {
	var specs []ParamSpec
	for i, l := range layers {
		specs = append(specs, Prefix(names[i], l.Params)...)
	}
	m := &Module{Key: keyf("choice/%s/mask%v", key, mask), NumInputs: 2, Params: specs}
	if mask {
		m.NumInputs = 3
		m.NoGradInputs = []bool{false, false, true}
	}
	m.Build = func(b *Builder, in []*Node) []*Node {
		x, w := in[0], in[1]
		if mask {
			w = Mul(w, in[2])
		}
		var acc *Node
		for i, l := range layers {
			prefix := names[i] + "/"
			y := l.Apply(b, func(n string) *Node { return b.Next(prefix + n) }, x)
			term := Mul(y, BroadcastToShape(Reshape(Slice(w, AxisElem(i)), 1, 1, 1, 1), y.Shape()))
			if acc == nil {
				acc = term
			} else {
				acc = Add(acc, term)
			}
		}
		return []*Node{acc}
	}
	return m
}
