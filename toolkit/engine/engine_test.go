package engine_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// testEngine returns an engine on the default backend (see backendtest).
func testEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)
	return e
}

// The chained pass (one executable per module, chain rule in Go, forward recomputed in each
// backward executable, executables shared between edges) gives the same loss and the same
// gradients, for every weight and mixing weight, as the whole supernet built as one graph and
// differentiated by GoMLX; and the shared executables are few.
func TestChainedPassMatchesOneGraph(t *testing.T) {
	e := testEngine(t)
	// A normal and a reduction cell, with every kind of operation (5×5 kernels left out: they
	// only make the one-graph compile longer).
	space := searchspace.DARTSSpace()
	space.Ops = []string{"none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "dil_conv_3x3"}
	net, err := network.Supernet(space, network.Config{C: 4, Layers: 2, Reductions: []int{1}, Classes: 3, InChannels: 2, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const batch, size = 4, 8
	img := make([]float32, batch*size*size*2)
	for i := range img {
		img[i] = float32(rng.NormFloat64())
	}
	lab := []int32{0, 1, 2, 1}
	mixes := make([][]float32, 2*len(net.MixNormal))
	for i := range mixes {
		mixes[i] = make([]float32, len(space.Ops))
		for k := range mixes[i] {
			mixes[i][k] = rng.Float32()
		}
	}
	mixSlots := append(append([]int{}, net.MixNormal...), net.MixReduce...)
	in := map[int]*tensors.Tensor{
		net.Images: tensors.FromFlatDataAndDimensions(img, batch, size, size, 2),
		net.Labels: tensors.FromFlatDataAndDimensions(lab, batch),
	}
	for i, s := range mixSlots {
		in[s] = tensors.FromFlatDataAndDimensions(mixes[i], len(mixes[i]))
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
	g, err := pass.Backward(map[int]float32{net.Loss: 1}, true, mixSlots)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	trainable := net.Params.Trainable()
	gotW, err := g.HostParams(trainable)
	if err != nil {
		t.Fatal(err)
	}
	sizes := make([]int, len(mixSlots))
	for i := range sizes {
		sizes[i] = len(space.Ops)
	}
	gotMix, err := g.HostSlots(mixSlots, sizes)
	if err != nil {
		t.Fatal(err)
	}

	// The same network as one graph.
	one := graph.MustNewExec(e.Backend(), func(nodes []*graph.Node) []*graph.Node {
		inputs := map[int]*graph.Node{net.Images: nodes[0], net.Labels: nodes[1]}
		k := 2
		var mixNodes []*graph.Node
		for _, s := range mixSlots {
			inputs[s] = nodes[k]
			mixNodes = append(mixNodes, nodes[k])
			k++
		}
		params := map[*nn.Param]*graph.Node{}
		var wNodes []*graph.Node
		for _, p := range net.Params {
			params[p] = nodes[k]
			if p.Spec.Trainable() {
				wNodes = append(wNodes, nodes[k])
			}
			k++
		}
		l := net.Prog.Inline(inputs, params, true, false)[net.Loss]
		return append([]*graph.Node{l}, graph.Gradient(l, append(wNodes, mixNodes...)...)...)
	})
	args := []any{in[net.Images], in[net.Labels]}
	for _, s := range mixSlots {
		args = append(args, in[s])
	}
	for _, p := range net.Params {
		args = append(args, tensors.FromFlatDataAndDimensions(p.Data, p.Spec.Shape...))
	}
	outs, err := one.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	wantLoss := float64(tensors.ToScalar[float32](outs[0]))
	if math.Abs(wantLoss-loss) > 1e-5*math.Abs(wantLoss) {
		t.Fatalf("loss: chained %v, one graph %v", loss, wantLoss)
	}
	compare := func(what string, got []float32, want *tensors.Tensor) {
		w := tensors.MustCopyFlatData[float32](want)
		var diff, norm float64
		for i := range w {
			d := float64(got[i] - w[i])
			diff += d * d
			norm += float64(w[i]) * float64(w[i])
		}
		if math.Sqrt(diff) > 1e-4*math.Sqrt(norm)+1e-7 {
			t.Errorf("%s: gradient differs: ‖Δ‖ %g, ‖g‖ %g", what, math.Sqrt(diff), math.Sqrt(norm))
		}
	}
	for i, p := range trainable {
		compare(p.Name, gotW[i], outs[1+i])
	}
	for i := range mixSlots {
		compare(net.Prog.SlotNames[mixSlots[i]], gotMix[i], outs[1+len(trainable)+i])
	}
	st := e.Stats()
	t.Logf("loss %.4f; %d executions, %d calls in the program; %d uploads (%d bytes), %d downloads (%d bytes)",
		loss, st.Calls, len(net.Prog.Calls), st.Uploads, st.UploadBytes, st.Downloads, st.DownloadBytes)
	// Copies: the loss, each gradient read once; every weight and input uploaded once, and
	// nothing uploaded again by a second pass on the same inputs.
	if want := 1 + len(g.Params) + len(g.Slots); st.Downloads != want {
		t.Errorf("%d downloads, want %d (loss, %d weight and %d slot gradients)", st.Downloads, want, len(g.Params), len(g.Slots))
	}
	if min := len(net.Params) + 2 + len(mixSlots); st.Uploads < min || st.UploadBytes <= 0 {
		t.Errorf("%d uploads (%d bytes), want at least %d", st.Uploads, st.UploadBytes, min)
	}
	pass2, err := e.Forward(net.Prog, in, true)
	if err != nil {
		t.Fatal(err)
	}
	pass2.Release()
	if d := e.Stats().Sub(st); d.Calls != len(net.Prog.Calls) || d.Uploads != 0 || d.Downloads != 0 {
		t.Errorf("second forward: %d executions (want %d), %d uploads, %d downloads (want none)", d.Calls, len(net.Prog.Calls), d.Uploads, d.Downloads)
	}
}

// An engine finalized right after WarmupAsync waits for the background compilation instead of
// freeing executables under it (a search interrupted as its evaluation pass starts compiling).
func TestFinalizeWaitsForWarmupAsync(t *testing.T) {
	e := engine.New(backendtest.New(t))
	space := searchspace.DARTSSpace()
	space.Ops = []string{"none", "skip_connect", "sep_conv_3x3"}
	net, err := network.Supernet(space, network.Config{C: 4, Layers: 1, Reductions: []int{}, Classes: 3, InChannels: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	in := net.InputShapes(2, 8, 8, 1)
	done := e.WarmupAsync(net.Prog, in, engine.FwdEval)
	e.Finalize()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatal("Finalize returned before the background warm-up ended")
	}
}
