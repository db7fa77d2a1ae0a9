package network

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// An S4 supernet runs forward and backward with its noise keys: the same keys give the same
// loss (and the noise column's mixing-weight gradient is not zero), other keys another loss;
// without keys the pass fails with a clear error. A derived network with a noise edge trains
// too (the noise edge's input gets a zero gradient).
func TestNoiseNetworks(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles two small networks")
	}
	e := engine.New(backendtest.New(t))
	defer e.Finalize()
	space, _ := searchspace.NamedSpace("s4")
	cfg := Config{C: 4, Layers: 2, Reductions: []int{1}, Classes: 10, InChannels: 1, Seed: 1}
	net, err := Supernet(space, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 4
	images := make([]float32, batch*8*8)
	for i := range images {
		images[i] = float32(rng.NormFloat64())
	}
	base := func() map[int]*tensors.Tensor {
		in := map[int]*tensors.Tensor{
			net.Images: tensors.FromFlatDataAndDimensions(images, batch, 8, 8, 1),
			net.Labels: tensors.FromFlatDataAndDimensions([]int32{0, 1, 2, 3}, batch),
		}
		for _, s := range append(append([]int(nil), net.MixNormal...), net.MixReduce...) {
			in[s] = tensors.FromFlatDataAndDimensions([]float32{0.5, 0.5}, 2)
		}
		return in
	}
	if _, err := e.Forward(net.Prog, base(), true); err == nil {
		t.Fatal("forward without noise keys: no error")
	}
	run := func(seed uint64) (float64, []float32) {
		in := base()
		for k, v := range net.ExtraInputs(Extras{Seed: seed}) {
			in[k] = v
		}
		pass, err := e.Forward(net.Prog, in, true)
		if err != nil {
			t.Fatal(err)
		}
		defer pass.Release()
		loss, err := pass.Scalar(net.Loss)
		if err != nil {
			t.Fatal(err)
		}
		g, err := pass.Backward(map[int]float32{net.Loss: 1}, true, net.MixNormal)
		if err != nil {
			t.Fatal(err)
		}
		defer g.Release()
		gm, err := g.HostSlots(net.MixNormal[:1], []int{2})
		if err != nil {
			t.Fatal(err)
		}
		return loss, gm[0]
	}
	l1, g1 := run(7)
	l2, g2 := run(7)
	l3, _ := run(8)
	if l1 != l2 || g1[0] != g2[0] || g1[1] != g2[1] {
		t.Errorf("same keys: loss %v then %v, gradient %v then %v", l1, l2, g1, g2)
	}
	if l1 == l3 {
		t.Errorf("other keys, same loss %v", l1)
	}
	if g1[0] == 0 {
		t.Error("the noise column's mixing-weight gradient is 0")
	}
	t.Logf("S4 supernet: loss %.4f (keys 7) and %.4f (keys 8), dL/dmix edge 0 = %v", l1, l3, g1)

	g := searchspace.Genotype{
		Normal: []searchspace.OpInput{{Op: searchspace.OpNoise, Input: 0}, {Op: searchspace.OpSepConv3x3, Input: 1},
			{Op: searchspace.OpNoise, Input: 2}, {Op: searchspace.OpSkipConnect, Input: 1}},
		NormalConcat: []int{2, 3},
		Reduce: []searchspace.OpInput{{Op: searchspace.OpNoise, Input: 0}, {Op: searchspace.OpSepConv3x3, Input: 1},
			{Op: searchspace.OpSepConv3x3, Input: 2}, {Op: searchspace.OpNoise, Input: 1}},
		ReduceConcat: []int{2, 3},
	}
	der, err := Derived(g, DerivedConfig{Config: cfg, DropPath: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(der.RandomKeys) != 4 {
		t.Errorf("%d noise keys in the derived network, want 4", len(der.RandomKeys))
	}
	in := map[int]*tensors.Tensor{
		der.Images: tensors.FromFlatDataAndDimensions(images, batch, 8, 8, 1),
		der.Labels: tensors.FromFlatDataAndDimensions([]int32{0, 1, 2, 3}, batch),
	}
	for k, v := range der.ExtraInputs(Extras{Seed: 3}) {
		in[k] = v
	}
	for _, s := range der.DropMasks {
		in[s] = tensors.FromFlatDataAndDimensions([]float32{1, 1, 1, 1}, batch)
	}
	pass, err := e.Forward(der.Prog, in, true)
	if err != nil {
		t.Fatal(err)
	}
	defer pass.Release()
	grads, err := pass.Backward(map[int]float32{der.Loss: 1}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	grads.Release()
}

// Skip dropout on a mixed edge {skip_connect, sep_conv_3x3}: rate 0 in training and any rate in
// evaluation give the edge without dropout; rate 0.5 in training changes the output.
func TestSkipDropoutEdge(t *testing.T) {
	e := engine.New(backendtest.New(t))
	defer e.Finalize()
	ops := []string{searchspace.OpSkipConnect, searchspace.OpSepConv3x3}
	plain, err := nn.MixedEdge(ops, 4, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	drop, _, err := mixedWith(ops, 4, 1, 0, nn.EdgeOptions{SkipDropout: true})
	if err != nil {
		t.Fatal(err)
	}
	if drop.NumInputs != 4 || drop.Key == plain.Key {
		t.Fatalf("skip-dropout edge: %d inputs, key %q", drop.NumInputs, drop.Key)
	}
	if strided, _, _ := mixedWith(ops, 4, 2, 0, nn.EdgeOptions{SkipDropout: true}); strided.NumInputs != 2 {
		t.Errorf("stride 2 (factorized reduce, not identity): %d inputs, want 2", strided.NumInputs)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	params := func(m *nn.Module) []*nn.Param {
		ps := make([]*nn.Param, len(m.Params))
		for i, s := range m.Params {
			ps[i] = nn.NewParam(s.Name, s, rand.New(rand.NewPCG(1, uint64(i))))
		}
		return ps
	}
	prog := &engine.Program{}
	x, w, key, rate := prog.NewSlot("x"), prog.NewSlot("w"), prog.NewSlot("key"), prog.NewSlot("rate")
	outPlain := prog.Call(plain, "plain", []int{x, w}, params(plain), 1)[0]
	outDrop := prog.Call(drop, "drop", []int{x, w, key, rate}, params(drop), 1)[0]
	xs := make([]float32, 2*5*5*4)
	for i := range xs {
		xs[i] = float32(rng.NormFloat64())
	}
	run := func(r float32, train bool) (a, b []float32) {
		in := map[int]*tensors.Tensor{
			x: tensors.FromFlatDataAndDimensions(xs, 2, 5, 5, 4), w: tensors.FromFlatDataAndDimensions([]float32{0.6, 0.4}, 2),
			key: tensors.FromFlatDataAndDimensions([]uint64{1, 2, 3}, 3), rate: tensors.FromScalar(r),
		}
		pass, err := e.Forward(prog, in, train)
		if err != nil {
			t.Fatal(err)
		}
		defer pass.Release()
		return tensors.MustCopyFlatData[float32](pass.Slot(outPlain)), tensors.MustCopyFlatData[float32](pass.Slot(outDrop))
	}
	differ := func(a, b []float32) int {
		n := 0
		for i := range a {
			if math.Abs(float64(a[i]-b[i])) > 1e-5 {
				n++
			}
		}
		return n
	}
	if a, b := run(0, true); differ(a, b) != 0 {
		t.Errorf("rate 0 in training: %d elements differ", differ(a, b))
	}
	if a, b := run(0.9, false); differ(a, b) != 0 {
		t.Errorf("evaluation at rate 0.9: %d elements differ", differ(a, b))
	}
	if a, b := run(0.5, true); differ(a, b) < len(a)/4 {
		t.Errorf("rate 0.5 in training: only %d of %d elements differ", differ(a, b), len(a))
	}
}

// DARTS-'s auxiliary skip on a stride-1 mixed edge adds β·x to the edge's output; at stride 2
// it is a factorized reduce with its own weights.
func TestAuxSkipEdge(t *testing.T) {
	e := engine.New(backendtest.New(t))
	defer e.Finalize()
	ops := []string{searchspace.OpMaxPool3x3, searchspace.OpSepConv3x3}
	plain, err := nn.MixedEdge(ops, 4, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	aux, io, err := mixedWith(ops, 4, 1, 0, nn.EdgeOptions{AuxSkip: true})
	if err != nil {
		t.Fatal(err)
	}
	if aux.NumInputs != 3 || io.AuxBeta != 2 || io.Key != -1 || len(aux.Params) != len(plain.Params) {
		t.Fatalf("aux edge: %d inputs, %+v, %d params (plain %d)", aux.NumInputs, io, len(aux.Params), len(plain.Params))
	}
	strided, _, _ := mixedWith(ops, 4, 2, 0, nn.EdgeOptions{AuxSkip: true})
	plainStrided, _ := nn.MixedEdge(ops, 4, 2, 0)
	if len(strided.Params) <= len(plainStrided.Params) {
		t.Errorf("stride 2: %d params, the plain edge has %d: no factorized reduce", len(strided.Params), len(plainStrided.Params))
	}
	params := func(m *nn.Module) []*nn.Param {
		ps := make([]*nn.Param, len(m.Params))
		for i, s := range m.Params {
			ps[i] = nn.NewParam(s.Name, s, rand.New(rand.NewPCG(1, uint64(i))))
		}
		return ps
	}
	prog := &engine.Program{}
	x, w, beta := prog.NewSlot("x"), prog.NewSlot("w"), prog.NewSlot("beta")
	outPlain := prog.Call(plain, "plain", []int{x, w}, params(plain), 1)[0]
	outAux := prog.Call(aux, "aux", []int{x, w, beta}, params(aux), 1)[0]
	rng := rand.New(rand.NewPCG(5, 5))
	xs := make([]float32, 2*5*5*4)
	for i := range xs {
		xs[i] = float32(rng.NormFloat64())
	}
	for _, b := range []float32{0, 0.5} {
		in := map[int]*tensors.Tensor{x: tensors.FromFlatDataAndDimensions(xs, 2, 5, 5, 4),
			w: tensors.FromFlatDataAndDimensions([]float32{0.3, 0.7}, 2), beta: tensors.FromScalar(b)}
		pass, err := e.Forward(prog, in, false)
		if err != nil {
			t.Fatal(err)
		}
		p := tensors.MustCopyFlatData[float32](pass.Slot(outPlain))
		a := tensors.MustCopyFlatData[float32](pass.Slot(outAux))
		pass.Release()
		for i := range p {
			if d := a[i] - p[i] - b*xs[i]; math.Abs(float64(d)) > 1e-5 {
				t.Fatalf("β %g, element %d: aux − plain − βx = %g", b, i, d)
			}
		}
	}
}

// mixedWith is a DARTS mixed edge (pools followed by batch norm) with options, and its inputs.
func mixedWith(ops []string, c, stride int, mode nn.DepthwiseMode, opt nn.EdgeOptions) (*nn.Module, nn.EdgeInputs, error) {
	opt.PoolBN, opt.Depthwise = true, mode
	m, err := nn.NewMixedEdge(ops, c, stride, opt)
	return m, nn.MixedEdgeInputs(ops, stride, opt), err
}
