package nn

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph building reads best unqualified
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// OpLayer returns the DARTS operation named op (as in quark0/darts operations.py) on c channels
// with the given stride. affine selects batch norm scale and shift (false in the supernet).
func OpLayer(op string, c, stride int, affine bool, mode DepthwiseMode) (Layer, error) {
	switch op {
	case "none":
		return Layer{Apply: func(_ *Builder, _ Getter, x *Node) *Node {
			if stride > 1 {
				x = Slice(x, AxisRange(), AxisRange().Stride(stride), AxisRange().Stride(stride), AxisRange())
			}
			return ZerosLike(x)
		}}, nil
	case "max_pool_3x3":
		return MaxPool3x3(stride), nil
	case "avg_pool_3x3":
		return AvgPool3x3(stride), nil
	case "skip_connect":
		if stride == 1 {
			return Skip(), nil
		}
		return FactorizedReduce(c, c, affine), nil
	case "sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7":
		k := int(op[len(op)-1] - '0')
		return SepConv(c, c, k, stride, k/2, affine, mode), nil
	case "dil_conv_3x3":
		return DilConv(c, c, 3, stride, 2, 2, affine, mode), nil
	case "dil_conv_5x5":
		return DilConv(c, c, 5, stride, 4, 2, affine, mode), nil
	case "conv_7x1_1x7":
		return Seq(ReLU(),
			Conv(c, c, 1, 7, 1, stride, 0, 3, 1),
			Conv(c, c, 7, 1, stride, 1, 3, 0, 1),
			BatchNorm(c, affine)), nil
	case "nor_conv_1x1":
		return ReLUConvBN(c, c, 1, stride, 0, affine), nil
	case "nor_conv_3x3":
		return ReLUConvBN(c, c, 3, stride, 1, affine), nil
	case "noise":
		return Layer{}, fmt.Errorf("operation noise draws from a random key input: it exists only as a MixedEdge or OpEdge")
	}
	return Layer{}, fmt.Errorf("unknown operation %q", op)
}

// RandomKeyShape is the shape of the random key input of a module that draws random numbers
// (the noise operation, skip dropout): the RNG state of graph.RandomNormal, 3 uint64 values.
func RandomKeyShape() shapes.Shape { return RNGStateShape }

// Noise is RobustDARTS's noise operation (automl/RobustDARTS src/operations.py, NoiseOp with
// mean 0 and standard deviation 1): it discards x and returns standard Gaussian noise of the
// shape of x subsampled by stride (x[:, ::stride, ::stride, :] in NHWC). It has no parameters
// and no gradient with respect to x.
//
// The noise is a pure function of key (an RNG state of shape RandomKeyShape, a graph input):
// executables stay deterministic, the backward pass, which recomputes the forward, sees the
// same noise as the forward, and a run is reproducible (and resumable) as long as the caller
// derives the keys from its seed and step. In PyTorch each forward draws fresh noise; here a
// fresh key per pass does the same.
func Noise(key, x *Node, stride int) *Node {
	_, v := noise(key, x, stride)
	return v
}

// noise is Noise that also returns the advanced key.
func noise(key, x *Node, stride int) (*Node, *Node) {
	if stride > 1 {
		x = Slice(x, AxisRange(), AxisRange().Stride(stride), AxisRange().Stride(stride), AxisRange())
	}
	return RandomNormal(key, x.Shape())
}

// Dropout is PyTorch's nn.Dropout in training mode: each element of y is zeroed with
// probability rate (a scalar node) and the others are divided by 1 − rate; the mask is drawn
// from key. Rate 0 returns y unchanged.
func Dropout(key, y, rate *Node) *Node {
	_, u := RandomUniform(key, y.Shape())
	keep := GreaterOrEqual(u, BroadcastToShape(rate, u.Shape()))
	scaled := Div(y, BroadcastToShape(OneMinus(rate), y.Shape()))
	return Where(keep, scaled, ZerosLike(y))
}

// SepConv is DARTS's separable convolution applied twice: (ReLU, depthwise k×k, pointwise 1×1,
// batch norm) ×2; the first depthwise convolution carries the stride.
func SepConv(cin, cout, k, stride, pad int, affine bool, mode DepthwiseMode) Layer {
	return Seq(ReLU(), Depthwise(cin, k, stride, pad, 1, mode), Conv(cin, cin, 1, 1, 1, 1, 0, 0, 1), BatchNorm(cin, affine),
		ReLU(), Depthwise(cin, k, 1, pad, 1, mode), Conv(cin, cout, 1, 1, 1, 1, 0, 0, 1), BatchNorm(cout, affine))
}

// DilConv is DARTS's dilated separable convolution: ReLU, dilated depthwise k×k, pointwise 1×1,
// batch norm.
func DilConv(cin, cout, k, stride, pad, dilation int, affine bool, mode DepthwiseMode) Layer {
	return Seq(ReLU(), Depthwise(cin, k, stride, pad, dilation, mode), Conv(cin, cout, 1, 1, 1, 1, 0, 0, 1), BatchNorm(cout, affine))
}

// LayerModule wraps a one-input Layer as a Module.
func LayerModule(key string, l Layer) *Module {
	return &Module{Key: key, NumInputs: 1, Params: l.Params, Build: func(b *Builder, in []*Node) []*Node {
		return []*Node{l.Apply(b, b.Next, in[0])}
	}}
}

// EdgeOptions configures a mixed edge (MixedEdgeWith).
type EdgeOptions struct {
	// SkipDropout puts dropout after the skip connection of a stride-1 edge (P-DARTS's
	// operation-level dropout; the identity, not the factorized reduce of stride 2): the module
	// then takes the rate as an input (a float32 scalar, no gradient), and applies it in
	// training mode only.
	SkipDropout bool
	// AuxSkip adds DARTS-'s auxiliary skip connection outside the competition: the output
	// gains β·aux(x), aux the identity at stride 1 and a factorized reduce (batch norm without
	// affine parameters, its own weights "aux/...") at stride 2, β an input (a float32 scalar,
	// no gradient) that the search decays from 1 to 0.
	AuxSkip bool
}

// EdgeInputs says which inputs a mixed edge module takes after x (0) and the mixing weights
// (1); an index is -1 when the module does not take that input.
type EdgeInputs struct {
	// Key is the random key (RandomKeyShape): the noise operation and skip dropout draw from it.
	Key int
	// DropRate is the skip dropout rate, AuxBeta the auxiliary skip's weight (scalars).
	DropRate, AuxBeta int
}

// MixedEdge is a supernet edge: inputs x and the mixing weights w [len(ops)]; output
// Σ_k w[k]·op_k(x). The "none" operation contributes nothing (its output is zero), and pools are
// followed by a batch norm without affine parameters, as in DARTS's MixedOp. It is
// MixedEdgeWith without options (a module with the noise operation takes a random key).
func MixedEdge(ops []string, c, stride int, mode DepthwiseMode) (*Module, error) {
	m, _, err := MixedEdgeWith(ops, c, stride, mode, EdgeOptions{})
	return m, err
}

// MixedEdgeWith is MixedEdge with options. After x and w, the module takes, in this order and
// only when needed: a random key (RandomKeyShape) when ops include "noise" or skip dropout
// applies (the noise draws first, then the dropout mask), the skip dropout rate, the
// auxiliary skip's β; none of them is differentiated. The EdgeInputs it returns give their
// positions.
func MixedEdgeWith(ops []string, c, stride int, mode DepthwiseMode, opt EdgeOptions) (*Module, EdgeInputs, error) {
	io := EdgeInputs{Key: -1, DropRate: -1, AuxBeta: -1}
	layers := make([]Layer, len(ops))
	var specs []ParamSpec
	for i, op := range ops {
		if op == "noise" {
			continue
		}
		l, err := OpLayer(op, c, stride, false, mode)
		if err != nil {
			return nil, io, fmt.Errorf("mixed edge: %w", err)
		}
		if strings.Contains(op, "pool") {
			l = Seq(l, BatchNorm(c, false))
		}
		layers[i] = l
		specs = append(specs, Prefix(op, l.Params)...)
	}
	var aux Layer
	if opt.AuxSkip {
		aux = Skip()
		if stride > 1 {
			aux = FactorizedReduce(c, c, false)
		}
		specs = append(specs, Prefix("aux", aux.Params)...)
	}
	drop := opt.SkipDropout && stride == 1 && slices.Contains(ops, "skip_connect")
	n := 2
	key := keyf("mixed/%s/c%d/s%d/m%d", strings.Join(ops, ","), c, stride, mode)
	if drop || slices.Contains(ops, "noise") {
		io.Key, n = n, n+1
	}
	if drop {
		io.DropRate, n = n, n+1
		key += "/skipdrop"
	}
	if opt.AuxSkip {
		io.AuxBeta, n = n, n+1
		key += "/auxskip"
	}
	m := &Module{Key: key, NumInputs: n, Params: specs, Build: func(b *Builder, in []*Node) []*Node {
		x, w := in[0], in[1]
		var rng *Node
		if io.Key >= 0 {
			rng = in[io.Key]
		}
		var acc *Node
		add := func(term *Node) {
			if acc == nil {
				acc = term
			} else {
				acc = Add(acc, term)
			}
		}
		for i, op := range ops {
			prefix := op + "/"
			get := func(n string) *Node { return b.Next(prefix + n) }
			if op == "none" {
				continue
			}
			var y *Node
			if op == "noise" {
				rng, y = noise(rng, x, stride)
			} else {
				y = layers[i].Apply(b, get, x)
			}
			if op == "skip_connect" && drop && b.Train {
				y = Dropout(rng, y, in[io.DropRate])
			}
			wi := BroadcastToShape(Reshape(Slice(w, AxisElem(i)), 1, 1, 1, 1), y.Shape())
			add(Mul(y, wi))
		}
		if opt.AuxSkip {
			y := aux.Apply(b, func(n string) *Node { return b.Next("aux/" + n) }, x)
			add(Mul(y, BroadcastToShape(in[io.AuxBeta], y.Shape())))
		}
		if acc == nil {
			l, _ := OpLayer("none", c, stride, false, mode)
			acc = l.Apply(b, nil, x)
		}
		return []*Node{acc}
	}}
	if n > 2 {
		m.NoGradInputs = make([]bool, n)
		for i := 2; i < n; i++ {
			m.NoGradInputs[i] = true
		}
	}
	return m, io, nil
}

// OpEdge is an edge of a derived network: one operation, affine batch norm. With dropPath, a
// second input holds the per-example drop-path mask [batch] (already divided by the keep
// probability) that multiplies the output; DARTS leaves identity edges undropped. The noise
// operation takes its random key (RandomKeyShape) as the second input, before the mask.
func OpEdge(op string, c, stride int, dropPath bool, mode DepthwiseMode) (*Module, error) {
	if op == "noise" {
		return noiseEdge(c, stride, dropPath), nil
	}
	l, err := OpLayer(op, c, stride, true, mode)
	if err != nil {
		return nil, err
	}
	if !dropPath || (op == "skip_connect" && stride == 1) {
		return LayerModule(keyf("op/%s/c%d/s%d/m%d", op, c, stride, mode), l), nil
	}
	return &Module{Key: keyf("op/%s/c%d/s%d/m%d/dp", op, c, stride, mode), NumInputs: 2, NoGradInputs: []bool{false, true},
		Params: l.Params, Build: func(b *Builder, in []*Node) []*Node {
			y := l.Apply(b, b.Next, in[0])
			mask := BroadcastToShape(Reshape(in[1], -1, 1, 1, 1), y.Shape())
			return []*Node{Mul(y, mask)}
		}}, nil
}

// noiseEdge is the derived-network edge of the noise operation: inputs x, key and, with
// dropPath, the mask.
func noiseEdge(c, stride int, dropPath bool) *Module {
	m := &Module{Key: keyf("op/noise/c%d/s%d", c, stride), NumInputs: 2, NoGradInputs: []bool{false, true},
		Build: func(_ *Builder, in []*Node) []*Node {
			y := Noise(in[1], in[0], stride)
			if len(in) == 3 {
				y = Mul(y, BroadcastToShape(Reshape(in[2], -1, 1, 1, 1), y.Shape()))
			}
			return []*Node{y}
		}}
	if dropPath {
		m.Key += "/dp"
		m.NumInputs = 3
		m.NoGradInputs = []bool{false, true, true}
	}
	return m
}

// Sum adds n inputs of equal shape (an intermediate node of a cell).
func Sum(n int) *Module {
	return &Module{Key: keyf("sum%d", n), NumInputs: n, Build: func(_ *Builder, in []*Node) []*Node {
		acc := in[0]
		for _, x := range in[1:] {
			acc = Add(acc, x)
		}
		return []*Node{acc}
	}}
}

// Concat concatenates n inputs along channels (a cell's output).
func Concat(n int) *Module {
	return &Module{Key: keyf("concat%d", n), NumInputs: n, Build: func(_ *Builder, in []*Node) []*Node {
		return []*Node{Concatenate(in, 3)}
	}}
}

// Stem is the CIFAR stem: 3×3 convolution cin→cout then affine batch norm.
func Stem(cin, cout int) *Module {
	return LayerModule(keyf("stem/%d/%d", cin, cout), Seq(Conv(cin, cout, 3, 3, 1, 1, 1, 1, 1), BatchNorm(cout, true)))
}

// crossEntropy returns the mean softmax cross-entropy and the count of correct predictions.
func crossEntropy(logits, labels *Node, classes int) (loss, correct *Node) {
	logp := LogSoftmax(logits, 1)
	onehot := OneHot(labels, classes, logits.DType())
	loss = Neg(ReduceAllMean(ReduceSum(Mul(logp, onehot), 1)))
	pred := ArgMax(logits, 1, labels.DType())
	correct = ReduceAllSum(ConvertDType(Equal(pred, labels), logits.DType()))
	return loss, correct
}

// Head is the classifier: global average pooling, a linear layer, and the softmax
// cross-entropy against int32 labels. Inputs: features [B,H,W,c], labels [B]. Outputs: the sum
// of the examples' losses divided by B, and the number of correct predictions (no gradient).
// A label of -1 marks padding (a last, partial batch filled up to B): its one-hot row is zero,
// so it adds nothing to the loss or to the count.
func Head(c, classes int) *Module {
	lin := Linear(c, classes)
	return &Module{Key: keyf("head/%d/%d", c, classes), NumInputs: 2, NoGradInputs: []bool{false, true},
		NoGradOutputs: []bool{false, true}, Params: Prefix("linear", lin.Params),
		Build: func(b *Builder, in []*Node) []*Node {
			pooled := ReduceMean(in[0], 1, 2)
			logits := lin.Apply(b, func(n string) *Node { return b.Next("linear/" + n) }, pooled)
			loss, correct := crossEntropy(logits, in[1], classes)
			return []*Node{loss, correct}
		}}
}

// AuxHeadCIFAR is DARTS's auxiliary head for 8×8 features: ReLU, 5×5 average pool stride 3,
// 1×1 conv to 128, BN, ReLU, 2×2 conv to 768, BN, ReLU, linear. Inputs: features, labels.
// Output: the mean cross-entropy loss.
func AuxHeadCIFAR(c, classes int) *Module {
	features := Seq(ReLU(),
		Layer{Apply: func(_ *Builder, _ Getter, x *Node) *Node {
			return MeanPool(x).Window(5).Strides(3).PaddingPerDim([][2]int{{0, 0}, {0, 0}}).Done()
		}},
		Conv(c, 128, 1, 1, 1, 1, 0, 0, 1), BatchNorm(128, true), ReLU(),
		Conv(128, 768, 2, 2, 1, 1, 0, 0, 1), BatchNorm(768, true), ReLU())
	lin := Linear(768, classes)
	specs := append(Prefix("features", features.Params), Prefix("classifier", lin.Params)...)
	return &Module{Key: keyf("aux/%d/%d", c, classes), NumInputs: 2, NoGradInputs: []bool{false, true}, Params: specs,
		Build: func(b *Builder, in []*Node) []*Node {
			y := features.Apply(b, func(n string) *Node { return b.Next("features/" + n) }, in[0])
			y = Reshape(y, y.Shape().Dimensions[0], -1)
			logits := lin.Apply(b, func(n string) *Node { return b.Next("classifier/" + n) }, y)
			loss, _ := crossEntropy(logits, in[1], classes)
			return []*Node{loss}
		}}
}
