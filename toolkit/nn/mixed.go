package nn

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph building reads best unqualified
)

// EdgeOptions configures the operations of a supernet edge.
type EdgeOptions struct {
	// Mask adds an input mask [n] (float32, 1 keeps operation k, 0 drops it) that multiplies the
	// mixing weights inside the executable: pruning changes an input, not the executable.
	Mask bool
	// PoolBN follows pooling operations by a batch norm without affine parameters (DARTS's and
	// PC-DARTS's MixedOp; NAS-Bench-201's search cell has none).
	PoolBN bool
	// Affine gives the operations' batch norms a scale and shift (false in DARTS supernets).
	Affine bool
	// Depthwise selects how depthwise convolutions are written.
	Depthwise DepthwiseMode
	// SkipDropout puts dropout after the skip connection of a stride-1 edge (P-DARTS's
	// operation-level dropout; the identity, not the factorized reduce of stride 2): the module
	// then takes the rate as an input (a float32 scalar, no gradient) and a random key, and
	// applies it in training mode only.
	SkipDropout bool
	// AuxSkip adds DARTS-'s auxiliary skip connection outside the competition: the output
	// gains β·aux(x), aux the identity at stride 1 and a factorized reduce (batch norm without
	// affine parameters, its own weights "aux/...") at stride 2, β an input (a float32 scalar,
	// no gradient) that the search decays from 1 to 0.
	AuxSkip bool
}

// key is the part of a module key that EdgeOptions determine.
func (o EdgeOptions) key() string {
	return fmt.Sprintf("m%d/a%v/pbn%v/mask%v/sd%v/aux%v", o.Depthwise, o.Affine, o.PoolBN, o.Mask, o.SkipDropout, o.AuxSkip)
}

// EdgeInputs gives the positions of a fused mixed edge's inputs after x (0), the mixing
// weights (1) and the mask (2, with EdgeOptions.Mask); -1 when the module does not take one.
type EdgeInputs struct {
	// Key is the random key (RandomKeyShape): the noise operation and skip dropout draw from it.
	Key int
	// DropRate is the skip dropout rate, AuxBeta the auxiliary skip's weight (scalars).
	DropRate, AuxBeta int
	// N is the number of inputs.
	N int
}

// MixedEdgeInputs returns the inputs NewMixedEdge(ops, c, stride, opt) takes: after x, w and
// the mask, in this order and only when needed, a random key (when ops include "noise" or
// skip dropout applies), the skip dropout rate and the auxiliary skip's β.
func MixedEdgeInputs(ops []string, stride int, opt EdgeOptions) EdgeInputs {
	io := EdgeInputs{Key: -1, DropRate: -1, AuxBeta: -1, N: 2}
	if opt.Mask {
		io.N++
	}
	drop := opt.SkipDropout && stride == 1 && slices.Contains(ops, "skip_connect")
	if drop || slices.Contains(ops, "noise") {
		io.Key, io.N = io.N, io.N+1
	}
	if drop {
		io.DropRate, io.N = io.N, io.N+1
	}
	if opt.AuxSkip {
		io.AuxBeta, io.N = io.N, io.N+1
	}
	return io
}

// EdgeOpLayer returns operation op of a supernet edge on c channels: OpLayer, followed by a
// batch norm without affine parameters for pools when opt.PoolBN.
func EdgeOpLayer(op string, c, stride int, opt EdgeOptions) (Layer, error) {
	l, err := OpLayer(op, c, stride, opt.Affine, opt.Depthwise)
	if err != nil {
		return Layer{}, err
	}
	if opt.PoolBN && strings.Contains(op, "pool") {
		l = Seq(l, BatchNorm(c, false))
	}
	return l, nil
}

// mixLayers builds the candidate layers of a mixed edge and their prefixed parameter specs.
func mixLayers(ops []string, c, stride int, opt EdgeOptions) ([]Layer, []ParamSpec, error) {
	layers := make([]Layer, len(ops))
	var specs []ParamSpec
	seen := map[string]bool{}
	for i, op := range ops {
		if seen[op] {
			return nil, nil, fmt.Errorf("mixed edge: operation %q listed twice", op)
		}
		seen[op] = true
		if op == "noise" {
			continue // no parameters: drawn from the random key (Noise)
		}
		l, err := EdgeOpLayer(op, c, stride, opt)
		if err != nil {
			return nil, nil, fmt.Errorf("mixed edge: %w", err)
		}
		layers[i] = l
		specs = append(specs, Prefix(op, l.Params)...)
	}
	return layers, specs, nil
}

// edgeExtras are the values of a mixed edge's extra inputs (nil when absent).
type edgeExtras struct {
	key, dropRate, auxBeta *Node
	aux                    Layer
}

// mixedSum returns Σ_k w[k]·mask[k]·layer_k(x) (mask may be nil), skipping "none"; noise draws
// from the random key, skip dropout and the auxiliary skip apply when ex has them.
func mixedSum(b *Builder, ops []string, layers []Layer, x, w, mask *Node, c, stride int, opt EdgeOptions, ex edgeExtras) *Node {
	if mask != nil {
		w = Mul(w, mask)
	}
	rng := ex.key
	var acc *Node
	for i, op := range ops {
		if op == "none" {
			continue
		}
		prefix := op + "/"
		var y *Node
		if op == "noise" {
			rng, y = noise(rng, x, stride)
		} else {
			y = layers[i].Apply(b, func(n string) *Node { return b.Next(prefix + n) }, x)
		}
		if op == "skip_connect" && ex.dropRate != nil && b.Train {
			y = Dropout(rng, y, ex.dropRate)
		}
		wi := BroadcastToShape(Reshape(Slice(w, AxisElem(i)), 1, 1, 1, 1), y.Shape())
		term := Mul(y, wi)
		if acc == nil {
			acc = term
		} else {
			acc = Add(acc, term)
		}
	}
	if ex.auxBeta != nil {
		y := ex.aux.Apply(b, func(n string) *Node { return b.Next("aux/" + n) }, x)
		term := Mul(y, BroadcastToShape(ex.auxBeta, y.Shape()))
		if acc == nil {
			acc = term
		} else {
			acc = Add(acc, term)
		}
	}
	if acc == nil {
		l, _ := OpLayer("none", c, stride, false, opt.Depthwise)
		acc = l.Apply(b, nil, x)
	}
	return acc
}

// MixedEdge is a DARTS supernet edge: inputs x and the mixing weights w [len(ops)]; output
// Σ_k w[k]·op_k(x). The "none" operation contributes nothing (its output is zero), and pools are
// followed by a batch norm without affine parameters, as in DARTS's MixedOp. It is
// NewMixedEdge with EdgeOptions{PoolBN: true}.
func MixedEdge(ops []string, c, stride int, mode DepthwiseMode) (*Module, error) {
	return NewMixedEdge(ops, c, stride, EdgeOptions{PoolBN: true, Depthwise: mode})
}

// NewMixedEdge is a supernet edge computing every candidate in one executable: inputs x, the
// mixing weights w [len(ops)] and, with opt.Mask, the mask [len(ops)]; output
// Σ_k w[k]·mask[k]·op_k(x). Its key holds the op list, C, stride and options: every edge of
// the same shape and op list shares one executable, and masking an operation (pruning) changes
// an input, never the executable.
func NewMixedEdge(ops []string, c, stride int, opt EdgeOptions) (*Module, error) {
	layers, specs, err := mixLayers(ops, c, stride, opt)
	if err != nil {
		return nil, err
	}
	io := MixedEdgeInputs(ops, stride, opt)
	var aux Layer
	if opt.AuxSkip {
		aux = Skip()
		if stride > 1 {
			aux = FactorizedReduce(c, c, false)
		}
		specs = append(specs, Prefix("aux", aux.Params)...)
	}
	m := &Module{Key: keyf("mixed/%s/c%d/s%d/%s", strings.Join(ops, ","), c, stride, opt.key()), NumInputs: io.N, Params: specs}
	if io.N > 2 {
		m.NoGradInputs = make([]bool, io.N)
		for i := 2; i < io.N; i++ {
			m.NoGradInputs[i] = true
		}
	}
	m.Build = func(b *Builder, in []*Node) []*Node {
		var mask *Node
		if opt.Mask {
			mask = in[2]
		}
		ex := edgeExtras{aux: aux}
		if io.Key >= 0 {
			ex.key = in[io.Key]
		}
		if io.DropRate >= 0 {
			ex.dropRate = in[io.DropRate]
		}
		if io.AuxBeta >= 0 {
			ex.auxBeta = in[io.AuxBeta]
		}
		return []*Node{mixedSum(b, ops, layers, in[0], in[1], mask, c, stride, opt, ex)}
	}
	return m, nil
}

// EdgeOp is one candidate of a split supernet edge (see MixSum) as its own module: its key is
// the operation, C, stride and options only, so every edge that offers it shares it, whatever
// the edge's other candidates.
func EdgeOp(op string, c, stride int, opt EdgeOptions) (*Module, error) {
	l, err := EdgeOpLayer(op, c, stride, opt)
	if err != nil {
		return nil, err
	}
	o := opt
	o.Mask = false
	return LayerModule(keyf("edgeop/%s/c%d/s%d/%s", op, c, stride, o.key()), l), nil
}

// DropoutModule is Dropout as a module for a split edge's skip connection (P-DARTS's
// operation-level dropout, EdgeOptions.SkipDropout): inputs y, the random key and the rate (a
// float32 scalar), neither differentiated; in training mode the output is Dropout(key, y,
// rate), in evaluation mode y.
func DropoutModule() *Module {
	return &Module{Key: "dropout", NumInputs: 3, NoGradInputs: []bool{false, true, true},
		Build: func(b *Builder, in []*Node) []*Node {
			if !b.Train {
				return []*Node{in[0]}
			}
			return []*Node{Dropout(in[1], in[0], in[2])}
		}}
}

// MixSum mixes the n candidate outputs of a split edge: inputs y_1..y_n (equal shapes), the
// mixing weights w [n] and, with mask, the mask [n]; output Σ_k w[k]·mask[k]·y_k. Its key
// is n and mask only.
func MixSum(n int, mask bool) *Module {
	m := &Module{Key: keyf("mixsum%d/mask%v", n, mask), NumInputs: n + 1}
	if mask {
		m.NumInputs = n + 2
		m.NoGradInputs = make([]bool, n+2)
		m.NoGradInputs[n+1] = true
	}
	m.Build = func(_ *Builder, in []*Node) []*Node {
		w := in[n]
		if mask {
			w = Mul(w, in[n+1])
		}
		var acc *Node
		for k := 0; k < n; k++ {
			y := in[k]
			term := Mul(y, BroadcastToShape(Reshape(Slice(w, AxisElem(k)), 1, 1, 1, 1), y.Shape()))
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

// ZeroEdge outputs zeros shaped as x subsampled by stride, without a gradient: the place-holder of
// a candidate that a split edge no longer computes (a pruned operation, or "none").
func ZeroEdge(stride int) *Module {
	return &Module{Key: keyf("zeros/s%d", stride), NumInputs: 1, NoGradInputs: []bool{true}, NoGradOutputs: []bool{true},
		Build: func(_ *Builder, in []*Node) []*Node {
			x := in[0]
			if stride > 1 {
				x = Slice(x, AxisRange(), AxisRange().Stride(stride), AxisRange().Stride(stride), AxisRange())
			}
			return []*Node{ZerosLike(x)}
		}}
}

// WeightedSum adds n inputs of equal shape weighted by a weight input [n]: Σ_k β[k]·x_k, the
// node of a cell with PC-DARTS's edge normalization (β, normalized over the node's inputs by
// the caller's relaxation).
func WeightedSum(n int) *Module {
	return &Module{Key: keyf("wsum%d", n), NumInputs: n + 1, Build: func(_ *Builder, in []*Node) []*Node {
		w := in[n]
		var acc *Node
		for k := 0; k < n; k++ {
			term := Mul(in[k], BroadcastToShape(Reshape(Slice(w, AxisElem(k)), 1, 1, 1, 1), in[k].Shape()))
			if acc == nil {
				acc = term
			} else {
				acc = Add(acc, term)
			}
		}
		return []*Node{acc}
	}}
}

// ChannelShuffle interleaves the channels of x [B,H,W,C] in groups (ShuffleNet's, as PC-DARTS
// and FBNet use it): channel g·(C/groups)+i moves to i·groups+g.
func ChannelShuffle(x *Node, groups int) *Node {
	d := x.Shape().Dimensions
	b, h, w, c := d[0], d[1], d[2], d[3]
	y := Reshape(x, b, h, w, groups, c/groups)
	y = TransposeAllDims(y, 0, 1, 2, 4, 3)
	return Reshape(y, b, h, w, c)
}

// PartialMixedEdge is PC-DARTS's partial-channel edge: the first C/k channels of x go through
// the mixed operation (candidates on C/k channels, pools followed by batch norm), the other
// channels bypass it (a 2×2 max pool when the edge has stride 2), the two parts are
// concatenated and the channels shuffled in k groups. Inputs: x, w [len(ops)] and, with
// opt.Mask, the mask [len(ops)]. C must be a multiple of k; with stride 2 the input's sides
// must be even (PC-DARTS's 2×2 max pool).
func PartialMixedEdge(ops []string, c, stride, k int, opt EdgeOptions) (*Module, error) {
	if k < 1 || c%k != 0 {
		return nil, fmt.Errorf("partial mixed edge: %d channels not divisible by k=%d", c, k)
	}
	if io := MixedEdgeInputs(ops, stride, opt); io.Key >= 0 || io.AuxBeta >= 0 {
		return nil, fmt.Errorf("partial mixed edge: the noise operation, skip dropout and the auxiliary skip need fused edges")
	}
	part := c / k
	layers, specs, err := mixLayers(ops, part, stride, opt)
	if err != nil {
		return nil, err
	}
	m := &Module{Key: keyf("pcmixed/%s/c%d/s%d/k%d/%s", strings.Join(ops, ","), c, stride, k, opt.key()), NumInputs: 2, Params: specs}
	if opt.Mask {
		m.NumInputs = 3
		m.NoGradInputs = []bool{false, false, true}
	}
	m.Build = func(b *Builder, in []*Node) []*Node {
		x := in[0]
		var mask *Node
		if opt.Mask {
			mask = in[2]
		}
		if k == 1 {
			return []*Node{mixedSum(b, ops, layers, x, in[1], mask, part, stride, opt, edgeExtras{})}
		}
		x1 := Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(0, part))
		x2 := Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(part, c))
		y1 := mixedSum(b, ops, layers, x1, in[1], mask, part, stride, opt, edgeExtras{})
		if stride > 1 {
			x2 = maxPoolShift(x2, 2, 2, 0)
		}
		return []*Node{ChannelShuffle(Concatenate([]*Node{y1, x2}, 3), k)}
	}
	return m, nil
}

// PickScale is the mixing of a hard-sampled edge (GDAS) that computed only candidate k of n:
// inputs y_k, the weights w [n] and, with mask, the mask [n]; output w[k]·y_k + Σ_{j≠k} w[j],
// GDAS's forward (the unsampled weights enter as scalars, so that their straight-through
// gradients flow as in the reference). Its key is n, k and mask.
func PickScale(n, k int, mask bool) *Module {
	m := &Module{Key: keyf("pick%d/%d/mask%v", n, k, mask), NumInputs: 2}
	if mask {
		m.NumInputs = 3
		m.NoGradInputs = []bool{false, false, true}
	}
	m.Build = func(_ *Builder, in []*Node) []*Node {
		y, w := in[0], in[1]
		if mask {
			w = Mul(w, in[2])
		}
		wk := Slice(w, AxisElem(k))
		rest := Sub(ReduceAllSum(w), Reshape(wk))
		out := Mul(y, BroadcastToShape(Reshape(wk, 1, 1, 1, 1), y.Shape()))
		return []*Node{Add(out, BroadcastToShape(rest, y.Shape()))}
	}
	return m
}
