package nn

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph building reads best unqualified
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
	}
	return Layer{}, fmt.Errorf("unknown operation %q", op)
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
// probability) that multiplies the output; DARTS leaves identity edges undropped.
func OpEdge(op string, c, stride int, dropPath bool, mode DepthwiseMode) (*Module, error) {
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
