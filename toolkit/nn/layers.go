package nn

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph building reads best unqualified
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Getter returns the parameter node of the given (layer-relative) name.
type Getter func(name string) *Node

// Layer is a graph-level building block: the parameters it declares and the function applying it.
// Layers compose (Seq) into Modules. Images are NHWC (channels last).
type Layer struct {
	Params []ParamSpec
	Apply  func(b *Builder, get Getter, x *Node) *Node
}

// Seq chains layers; the parameters of layer i are named "i/<name>".
func Seq(layers ...Layer) Layer {
	var specs []ParamSpec
	for i, l := range layers {
		specs = append(specs, Prefix(fmt.Sprint(i), l.Params)...)
	}
	return Layer{Params: specs, Apply: func(b *Builder, get Getter, x *Node) *Node {
		for i, l := range layers {
			prefix := fmt.Sprint(i) + "/"
			x = l.Apply(b, func(name string) *Node { return get(prefix + name) }, x)
		}
		return x
	}}
}

// ReLU is max(x, 0), or softplus when the Builder asks for smooth activations.
func ReLU() Layer {
	return Layer{Apply: func(b *Builder, _ Getter, x *Node) *Node { return relu(b, x) }}
}

func relu(b *Builder, x *Node) *Node {
	if b.Smooth {
		return Softplus(x)
	}
	return MaxScalar(x, 0.0)
}

// Conv is a dense 2D convolution without bias, kernel kh×kw, PyTorch-style symmetric padding,
// stride and dilation; its weight is [kh, kw, cin, cout].
func Conv(cin, cout, kh, kw, strideH, strideW, padH, padW, dilation int) Layer {
	spec := ParamSpec{Name: "w", Shape: []int{kh, kw, cin, cout}, Role: Weight, Init: InitFanIn, FanIn: cin * kh * kw}
	return Layer{Params: []ParamSpec{spec}, Apply: func(_ *Builder, get Getter, x *Node) *Node {
		return conv2D(x, get("w"), strideH, strideW, padH, padW, dilation)
	}}
}

// conv2D convolves with explicit symmetric padding; strides and dilation together are done as a
// stride-1 dilated convolution followed by a strided slice (GoMLX refuses both at once).
func conv2D(x, kernel *Node, strideH, strideW, padH, padW, dilation int) *Node {
	pads := [][2]int{{padH, padH}, {padW, padW}}
	if dilation > 1 && (strideH > 1 || strideW > 1) {
		y := Convolve(x, kernel).Strides(1).Dilations(dilation).PaddingPerDim(pads).Done()
		return Slice(y, AxisRange(), AxisRange().Stride(strideH), AxisRange().Stride(strideW), AxisRange())
	}
	return Convolve(x, kernel).StridePerAxis(strideH, strideW).Dilations(dilation).PaddingPerDim(pads).Done()
}

// DepthwiseMode selects how a depthwise convolution is written in the graph.
type DepthwiseMode int

const (
	// DepthwiseAuto uses DepthwiseDense up to 64 channels and DepthwiseShift above.
	DepthwiseAuto DepthwiseMode = iota
	// DepthwiseDense is one dense convolution whose C×C kernel is the depthwise kernel times an
	// identity matrix: C times the multiply-adds, but the fastest to run and compile for small C.
	DepthwiseDense
	// DepthwiseShift sums k·k shifted, per-channel scaled copies of the zero-padded input.
	DepthwiseShift
)

// Depthwise is a depthwise k×k convolution (one filter per channel, no bias) with PyTorch-style
// padding, stride and dilation. Its weight is [k, k, c].
func Depthwise(c, k, stride, pad, dilation int, mode DepthwiseMode) Layer {
	spec := ParamSpec{Name: "dw", Shape: []int{k, k, c}, Role: Weight, Init: InitFanIn, FanIn: k * k}
	if mode == DepthwiseAuto {
		mode = DepthwiseDense
		if c > 64 {
			mode = DepthwiseShift
		}
	}
	return Layer{Params: []ParamSpec{spec}, Apply: func(_ *Builder, get Getter, x *Node) *Node {
		w := get("dw")
		if mode == DepthwiseShift {
			return depthwiseShift(x, w, k, stride, pad, dilation)
		}
		g := x.Graph()
		eye := ConvertDType(Diagonal(g, c), x.DType())
		kernel := Mul(BroadcastToDims(Reshape(w, k, k, c, 1), k, k, c, c), BroadcastToDims(Reshape(eye, 1, 1, c, c), k, k, c, c))
		return conv2D(x, kernel, stride, stride, pad, pad, dilation)
	}}
}

// zeroPad pads the spatial axes of x with pad zeros on each side using Concatenate (Pad has no
// gradient in GoMLX).
func zeroPad(x *Node, pad int) *Node {
	if pad == 0 {
		return x
	}
	dims := x.Shape().Dimensions
	b, h, w, c := dims[0], dims[1], dims[2], dims[3]
	g := x.Graph()
	zh := Zeros(g, shapes.Make(x.DType(), b, pad, w, c))
	x = Concatenate([]*Node{zh, x, zh}, 1)
	zw := Zeros(g, shapes.Make(x.DType(), b, h+2*pad, pad, c))
	return Concatenate([]*Node{zw, x, zw}, 2)
}

func depthwiseShift(x, w *Node, k, stride, pad, dilation int) *Node {
	dims := x.Shape().Dimensions
	h, wd, c := dims[1], dims[2], dims[3]
	outH := (h+2*pad-dilation*(k-1)-1)/stride + 1
	outW := (wd+2*pad-dilation*(k-1)-1)/stride + 1
	xp := zeroPad(x, pad)
	var acc *Node
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			r0, c0 := i*dilation, j*dilation
			tap := Slice(xp, AxisRange(),
				AxisRange(r0, r0+(outH-1)*stride+1).Stride(stride),
				AxisRange(c0, c0+(outW-1)*stride+1).Stride(stride),
				AxisRange())
			wt := Reshape(Slice(w, AxisElem(i), AxisElem(j), AxisRange()), 1, 1, 1, c)
			term := Mul(tap, BroadcastToShape(wt, tap.Shape()))
			if acc == nil {
				acc = term
			} else {
				acc = Add(acc, term)
			}
		}
	}
	return acc
}

// BatchNorm normalizes over batch and space per channel (eps 1e-5). With affine it has a scale
// ("gamma") and shift ("beta"). It always has running statistics ("mean", "var"): in training
// it uses batch statistics and updates them (momentum from the Builder, unbiased variance as in
// PyTorch); in evaluation it uses them.
func BatchNorm(c int, affine bool) Layer {
	var specs []ParamSpec
	if affine {
		specs = append(specs,
			ParamSpec{Name: "gamma", Shape: []int{c}, Role: Weight, Init: InitOnes},
			ParamSpec{Name: "beta", Shape: []int{c}, Role: Weight, Init: InitZeros})
	}
	specs = append(specs,
		ParamSpec{Name: "mean", Shape: []int{c}, Role: RunningMean, Init: InitZeros},
		ParamSpec{Name: "var", Shape: []int{c}, Role: RunningVar, Init: InitOnes})
	return Layer{Params: specs, Apply: func(b *Builder, get Getter, x *Node) *Node {
		var gamma, beta *Node
		if affine {
			gamma, beta = get("gamma"), get("beta")
		}
		idx := b.nextIndex()
		rm, rv := get("mean"), get("var")
		shape := x.Shape()
		var mean, variance *Node
		if b.Train {
			mean = ReduceMean(x, 0, 1, 2)
			centered := Sub(x, BroadcastToShape(Reshape(mean, 1, 1, 1, c), shape))
			variance = ReduceMean(Square(centered), 0, 1, 2)
			n := float64(shape.Dimensions[0] * shape.Dimensions[1] * shape.Dimensions[2])
			m := b.Momentum
			unbiased := variance
			if n > 1 {
				unbiased = MulScalar(variance, n/(n-1))
			}
			b.updates[idx] = StopGradient(Add(MulScalar(rm, 1-m), MulScalar(mean, m)))
			b.updates[idx+1] = StopGradient(Add(MulScalar(rv, 1-m), MulScalar(unbiased, m)))
			x = Div(centered, BroadcastToShape(Reshape(Sqrt(AddScalar(variance, 1e-5)), 1, 1, 1, c), shape))
		} else {
			x = Div(Sub(x, BroadcastToShape(Reshape(rm, 1, 1, 1, c), shape)),
				BroadcastToShape(Reshape(Sqrt(AddScalar(rv, 1e-5)), 1, 1, 1, c), shape))
		}
		if affine {
			x = Add(Mul(x, BroadcastToShape(Reshape(gamma, 1, 1, 1, c), shape)), BroadcastToShape(Reshape(beta, 1, 1, 1, c), shape))
		}
		return x
	}}
}

// MaxPool3x3 is a 3×3 max pool with padding 1 (padding never wins). It is written as the
// element-wise maximum of the 9 shifted (strided) slices of the padded input: the same values as
// XLA's reduce-window max pool, but its gradient is a chain of element-wise selections instead of
// a select-and-scatter, which XLA runs about 10× slower on CPU (49 ms against 4 ms for the
// forward, at 64×32×32×16).
func MaxPool3x3(stride int) Layer {
	return Layer{Apply: func(_ *Builder, _ Getter, x *Node) *Node {
		return maxPoolShift(x, 3, stride, 1)
	}}
}

// maxPoolShift is a k×k max pool with the given stride and padding, as a maximum of slices.
func maxPoolShift(x *Node, k, stride, pad int) *Node {
	dims := x.Shape().Dimensions
	b, h, w, c := dims[0], dims[1], dims[2], dims[3]
	outH := (h+2*pad-k)/stride + 1
	outW := (w+2*pad-k)/stride + 1
	xp := x
	if pad > 0 {
		// A very negative finite fill: -Inf would make the gradient's comparisons NaN.
		g := x.Graph()
		fill := func(dims ...int) *Node {
			return BroadcastToDims(Scalar(g, x.DType(), -1e30), dims...)
		}
		xp = Concatenate([]*Node{fill(b, pad, w, c), x, fill(b, pad, w, c)}, 1)
		xp = Concatenate([]*Node{fill(b, h+2*pad, pad, c), xp, fill(b, h+2*pad, pad, c)}, 2)
	}
	var acc *Node
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			tap := Slice(xp, AxisRange(),
				AxisRange(i, i+(outH-1)*stride+1).Stride(stride),
				AxisRange(j, j+(outW-1)*stride+1).Stride(stride),
				AxisRange())
			if acc == nil {
				acc = tap
			} else {
				acc = Max(acc, tap)
			}
		}
	}
	return acc
}

// AvgPool3x3 is a 3×3 average pool with padding 1 that does not count the padding.
func AvgPool3x3(stride int) Layer {
	return Layer{Apply: func(_ *Builder, _ Getter, x *Node) *Node {
		return MeanPool(x).Window(3).Strides(stride).PaddingPerDim([][2]int{{1, 1}, {1, 1}}).Done()
	}}
}

// Skip returns its input (the identity).
func Skip() Layer {
	return Layer{Apply: func(_ *Builder, _ Getter, x *Node) *Node { return x }}
}

// FactorizedReduce halves the resolution: ReLU, then two 1×1 stride-2 convolutions, one on the
// even and one on the odd pixels, concatenated to cout channels, then batch norm.
func FactorizedReduce(cin, cout int, affine bool) Layer {
	half := cout / 2
	c1 := ParamSpec{Name: "conv1", Shape: []int{1, 1, cin, half}, Role: Weight, Init: InitFanIn, FanIn: cin}
	c2 := ParamSpec{Name: "conv2", Shape: []int{1, 1, cin, cout - half}, Role: Weight, Init: InitFanIn, FanIn: cin}
	bn := BatchNorm(cout, affine)
	specs := append([]ParamSpec{c1, c2}, Prefix("bn", bn.Params)...)
	return Layer{Params: specs, Apply: func(b *Builder, get Getter, x *Node) *Node {
		x = relu(b, x)
		even := Slice(x, AxisRange(), AxisRange().Stride(2), AxisRange().Stride(2), AxisRange())
		odd := Slice(x, AxisRange(), AxisRange(1).Stride(2), AxisRange(1).Stride(2), AxisRange())
		y := Concatenate([]*Node{
			Convolve(even, get("conv1")).Strides(1).Done(),
			Convolve(odd, get("conv2")).Strides(1).Done(),
		}, 3)
		return bn.Apply(b, func(n string) *Node { return get("bn/" + n) }, y)
	}}
}

// ReLUConvBN is ReLU, a k×k convolution, then batch norm.
func ReLUConvBN(cin, cout, k, stride, pad int, affine bool) Layer {
	return Seq(ReLU(), Conv(cin, cout, k, k, stride, stride, pad, pad, 1), BatchNorm(cout, affine))
}

// Linear is a fully connected layer with bias on [batch, in] inputs.
func Linear(in, out int) Layer {
	specs := []ParamSpec{
		{Name: "w", Shape: []int{in, out}, Role: Weight, Init: InitFanIn, FanIn: in},
		{Name: "b", Shape: []int{out}, Role: Weight, Init: InitFanIn, FanIn: in},
	}
	return Layer{Params: specs, Apply: func(_ *Builder, get Getter, x *Node) *Node {
		y := DotGeneral(x, []int{1}, nil, get("w"), []int{0}, nil)
		return Add(y, BroadcastToShape(Reshape(get("b"), 1, out), y.Shape()))
	}}
}
