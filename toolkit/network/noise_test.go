package network

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
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
		for k, v := range net.NoiseInputs(seed) {
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
	if len(der.NoiseKeys) != 4 {
		t.Errorf("%d noise keys in the derived network, want 4", len(der.NoiseKeys))
	}
	in := map[int]*tensors.Tensor{
		der.Images: tensors.FromFlatDataAndDimensions(images, batch, 8, 8, 1),
		der.Labels: tensors.FromFlatDataAndDimensions([]int32{0, 1, 2, 3}, batch),
	}
	for k, v := range der.NoiseInputs(3) {
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
