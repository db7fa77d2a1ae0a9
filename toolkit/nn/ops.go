package nn

import (
	"fmt"

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
