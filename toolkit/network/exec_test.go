package network

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

func testEngine(t *testing.T) *engine.Engine {
	t.Helper()
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)
	return e
}

// randomKeep keeps k random candidates of every row of every group (the others pruned).
func randomKeep(net *Network, k int, rng *rand.Rand) [][][]bool {
	keep := make([][][]bool, len(net.Groups))
	for gi, g := range net.Groups {
		for _, ops := range g.Ops {
			row := make([]bool, len(ops))
			for _, i := range rng.Perm(len(ops))[:min(k, len(ops))] {
				row[i] = true
			}
			keep[gi] = append(keep[gi], row)
		}
	}
	return keep
}

// subsetEdges is the naive way to prune: rebuild each fused edge over its kept candidates only.
// Its executables multiply with the distinct subsets (the test shows the count it gives).
// Its own weight slots are recorded in sizes (slot → candidates).
func subsetEdges(sizes map[int]int) EdgeFactory {
	return func(b *Builder, e EdgeSpec) (int, error) {
		var ops []string
		for k, op := range e.Ops {
			if e.Keep == nil || e.Keep[k] {
				ops = append(ops, op)
			}
		}
		m, err := nn.NewMixedEdge(ops, e.C, e.Stride, nn.EdgeOptions{PoolBN: e.Options.PoolBN, Depthwise: e.Options.Depthwise})
		if err != nil {
			return 0, err
		}
		// The mixing weights of the kept candidates only: a [len(ops)] slot of its own.
		w := b.Net().Prog.NewSlot(e.Name + "/w")
		sizes[w] = len(ops)
		return b.Call(m, e.Name, []int{e.In, w}, 1)[0], nil
	}
}

// Pruning does not multiply executables: a supernet pruned through its masks is the same
// program, a split-edge supernet rebuilt with 2 of 5 (NB201) or 3 of 8 (DARTS) candidates per
// edge kept needs at most twice the executables of the unpruned split one, and partial-channel
// edges at most twice those of fused ones. (The log also shows the count of the naive way,
// fused edges rebuilt over each edge's kept candidates: it grows with the distinct subsets.)
func TestPrunedSupernetExecutables(t *testing.T) {
	e := testEngine(t)
	rng := rand.New(rand.NewPCG(7, 7))
	type build func(cfg Config) (*Network, error)
	spaces := []struct {
		name  string
		build build
		cfg   Config
		k     int
	}{
		{"nb201", NB201Supernet, Config{C: 4, Layers: 2, Classes: 10, InChannels: 1}, 2},
		{"darts", func(cfg Config) (*Network, error) { return Supernet(searchspace.DARTSSpace(), cfg) },
			Config{C: 4, Layers: 3, Classes: 10, InChannels: 1}, 3},
	}
	for _, sp := range spaces {
		sizes := map[int]int{}
		count := func(cfg Config) int {
			t.Helper()
			clear(sizes)
			net, err := sp.build(cfg)
			if err != nil {
				t.Fatalf("%s: %v", sp.name, err)
			}
			in := net.InputShapes(2, 16, 16, 1)
			for s, n := range sizes {
				in[s] = shapes.Make(dtypes.Float32, n)
			}
			n, err := Executables(e, net, in)
			if err != nil {
				t.Fatalf("%s: %v", sp.name, err)
			}
			return n
		}
		base := sp.cfg
		base.Masks = true
		fused := count(base)
		full, err := sp.build(base)
		if err != nil {
			t.Fatal(err)
		}
		keep := randomKeep(full, sp.k, rng)
		split := base
		split.Edge = SplitEdges
		splitFull := count(split)
		split.Keep = keep
		split.Reuse = full.Params
		splitPruned := count(split)
		naive := sp.cfg
		naive.Edge, naive.Keep = subsetEdges(sizes), keep
		naiveCount := count(naive)
		pc := base
		pc.Edge, pc.EdgeNorm = PartialEdges(2), true
		partial := count(pc)
		t.Logf("%s: executables per variant: fused+masks %d (any masks: same program), split %d, split pruned to %d per edge %d, partial channels k=2 %d, naive subsets %d",
			sp.name, fused, splitFull, sp.k, splitPruned, partial, naiveCount)
		if splitPruned > 2*splitFull {
			t.Errorf("%s: the pruned split supernet needs %d executables, the unpruned one %d", sp.name, splitPruned, splitFull)
		}
		if partial > 2*fused {
			t.Errorf("%s: the partial-channel supernet needs %d executables, the fused one %d", sp.name, partial, fused)
		}
	}
}

// forward runs net once (training mode) with every mixing weight and mask given, and returns
// the loss.
func forward(t *testing.T, e *engine.Engine, net *Network, mix, mask [][]float32, img []float32, lab []int32, side int) float64 {
	t.Helper()
	in := map[int]*tensors.Tensor{
		net.Images: tensors.FromFlatDataAndDimensions(img, len(lab), side, side, 1),
		net.Labels: tensors.FromFlatDataAndDimensions(lab, len(lab)),
	}
	g := net.Groups[0]
	for i, s := range g.Slots {
		in[s] = tensors.FromFlatDataAndDimensions(mix[i], len(mix[i]))
	}
	for i, s := range g.MaskSlots {
		in[s] = tensors.FromFlatDataAndDimensions(mask[i], len(mask[i]))
	}
	p, err := e.Forward(net.Prog, in, false)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Release()
	loss, err := p.Scalar(net.Loss)
	if err != nil {
		t.Fatal(err)
	}
	return loss
}

// On the NAS-Bench-201 supernet, masking a candidate gives the loss of a zero mixing weight,
// and the split supernet rebuilt without the masked candidates (sharing the weights) gives it
// too; unmasked, the split and fused forms agree.
func TestMasksAndPrunedSplitAgree(t *testing.T) {
	e := testEngine(t)
	rng := rand.New(rand.NewPCG(3, 1))
	const side, batch = 8, 4
	fused, err := NB201Supernet(Config{C: 4, Layers: 1, Classes: 3, InChannels: 1, Masks: true, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	img := make([]float32, batch*side*side)
	for i := range img {
		img[i] = float32(rng.NormFloat64())
	}
	lab := []int32{0, 1, 2, 1}
	g := fused.Groups[0]
	mix, ones, mask, zeroed := make([][]float32, 6), make([][]float32, 6), make([][]float32, 6), make([][]float32, 6)
	keep := [][][]bool{make([][]bool, 6)}
	for i := range mix {
		n := len(g.Ops[i])
		mix[i], ones[i], mask[i], zeroed[i] = make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		keep[0][i] = make([]bool, n)
		drop := rng.IntN(n)
		for k := range mix[i] {
			mix[i][k] = 0.1 + rng.Float32()
			ones[i][k] = 1
			keep[0][i][k] = k != drop
			mask[i][k], zeroed[i][k] = 1, mix[i][k]
			if k == drop {
				mask[i][k], zeroed[i][k] = 0, 0
			}
		}
	}
	masked := forward(t, e, fused, mix, mask, img, lab, side)
	zero := forward(t, e, fused, zeroed, ones, img, lab, side)
	all := forward(t, e, fused, mix, ones, img, lab, side)
	split, err := NB201Supernet(Config{C: 4, Layers: 1, Classes: 3, InChannels: 1, Masks: true, Seed: 9,
		Edge: SplitEdges, Reuse: fused.Params})
	if err != nil {
		t.Fatal(err)
	}
	splitAll := forward(t, e, split, mix, ones, img, lab, side)
	pruned, err := NB201Supernet(Config{C: 4, Layers: 1, Classes: 3, InChannels: 1, Masks: true, Seed: 9,
		Edge: SplitEdges, Reuse: fused.Params, Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	if len(pruned.Params) != len(fused.Params) || pruned.Params.Count() != fused.Params.Count() {
		t.Errorf("the pruned rebuild has %d parameters (%d scalars), the supernet %d (%d)", len(pruned.Params), pruned.Params.Count(),
			len(fused.Params), fused.Params.Count())
	}
	prunedLoss := forward(t, e, pruned, mix, ones, img, lab, side)
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-5*math.Max(1, math.Abs(a)) }
	if !near(masked, zero) || !near(masked, prunedLoss) {
		t.Errorf("masked loss %v, zero-weight loss %v, pruned split loss %v: want equal", masked, zero, prunedLoss)
	}
	if !near(all, splitAll) {
		t.Errorf("fused loss %v, split loss %v: want equal", all, splitAll)
	}
	if near(all, masked) {
		t.Errorf("masking changed nothing (%v)", all)
	}

	// A hard sample (GDAS): one candidate per edge, mixing weight 1. The sampled rebuild runs
	// only the sampled candidates and gives the fused supernet's loss.
	hard, sample := make([][]float32, 6), [][][]bool{make([][]bool, 6)}
	for i := range hard {
		n := len(g.Ops[i])
		hard[i], sample[0][i] = make([]float32, n), make([]bool, n)
		k := 1 + rng.IntN(n-1) // not none
		hard[i][k], sample[0][i][k] = 1, true
	}
	sampled, err := NB201Supernet(Config{C: 4, Layers: 1, Classes: 3, InChannels: 1, Masks: true,
		Edge: SampledEdges, Reuse: fused.Params, Keep: sample})
	if err != nil {
		t.Fatal(err)
	}
	ops := 0
	for _, c := range sampled.Prog.Calls {
		if strings.HasPrefix(c.M.Key, "edgeop/") {
			ops++
		}
	}
	if ops != 3*6 {
		t.Errorf("the sampled supernet runs %d candidate operations, want 18 (one per edge of its 3 cells)", ops)
	}
	if a, b := forward(t, e, fused, hard, ones, img, lab, side), forward(t, e, sampled, hard, ones, img, lab, side); !near(a, b) {
		t.Errorf("hard sample: fused loss %v, sampled rebuild %v: want equal", a, b)
	}
}

// Every group of the PC-DARTS supernet (partial channels, edge normalization, masks) and of a
// small mobile supernet receives a gradient through a training pass: the search can move them.
func TestGroupsGetGradients(t *testing.T) {
	e := testEngine(t)
	rng := rand.New(rand.NewPCG(5, 5))
	space := searchspace.DARTSSpace()
	space.Ops = []string{"none", "max_pool_3x3", "skip_connect", "sep_conv_3x3"}
	pc, err := Supernet(space, Config{C: 4, Layers: 2, Reductions: []int{1}, Classes: 3, InChannels: 1, Masks: true,
		EdgeNorm: true, Edge: PartialEdges(2), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	mobile := searchspace.MobileSpace{Name: "tiny", StemChannels: 8, StemStride: 1,
		Stages: []searchspace.Stage{{Channels: 8, Repeats: 1, Stride: 1}, {Channels: 16, Repeats: 1, Stride: 2}}, HeadChannels: 16,
		Blocks: []searchspace.Block{{Name: "ir_k3_e1_g2", Kernel: 3, Expansion: 1, Groups: 2}, {Name: "ir_k5_e3", Kernel: 5, Expansion: 3, Groups: 1},
			{Name: "skip", Skip: true}}, SkipOnReshape: true, ExpandAlways: true}
	mb, err := MobileSupernet(mobile, Config{Classes: 3, InChannels: 1, Masks: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	const batch, side = 4, 8
	for _, net := range []*Network{pc, mb} {
		img := make([]float32, batch*side*side)
		for i := range img {
			img[i] = float32(rng.NormFloat64())
		}
		mix := make([][][]float32, len(net.Groups))
		for gi, g := range net.Groups {
			for _, ops := range g.Ops {
				row := make([]float32, len(ops))
				for k := range row {
					row[k] = 1 / float32(len(ops))
				}
				mix[gi] = append(mix[gi], row)
			}
		}
		if _, err := net.MixInputs(mix[:len(mix)-1], nil); err == nil {
			t.Error("MixInputs accepted too few tables")
		}
		in, err := net.MixInputs(mix, nil)
		if err != nil {
			t.Fatal(err)
		}
		in[net.Images] = tensors.FromFlatDataAndDimensions(img, batch, side, side, 1)
		in[net.Labels] = tensors.FromFlatDataAndDimensions([]int32{0, 1, 2, 0}, batch)
		p, err := e.Forward(net.Prog, in, true)
		if err != nil {
			t.Fatal(err)
		}
		grads, err := p.Backward(map[int]float32{net.Loss: 1}, false, net.MixSlots())
		if err != nil {
			t.Fatal(err)
		}
		gm, err := net.MixGrads(grads)
		if err != nil {
			t.Fatal(err)
		}
		for gi, g := range net.Groups {
			var norm float64
			for _, row := range gm[gi] {
				for _, v := range row {
					norm += float64(v) * float64(v)
				}
			}
			if !(norm > 0) || math.IsNaN(norm) {
				t.Errorf("group %s: gradient norm² %v", g.Name, norm)
			}
		}
		grads.Release()
		p.Release()
	}
}
