package search

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
)

// The second-order α gradient (unrolled weights, finite-difference Hessian-vector product,
// chained per-module executables in float32) agrees with the exact gradient of the unrolled
// objective f(α) = L_val(w − ξ·(∇w L_train(w, α) + wd·w), α). GoMLX cannot differentiate a
// convolution's kernel gradient again (its second-order VJP builds a malformed convolution), so
// the reference differentiates f numerically instead. ReLU makes ∇w L_train jump where a
// pre-activation crosses zero, which breaks any finite difference of f: the test network uses
// softplus (engine.SetSmoothActivations), everything else as in the search: the whole network is built as one float64
// graph computing f (one symbolic gradient inside), and ∂f/∂mix is taken by central differences
// with h = 1e-4, accurate to ~1e-8 in float64; the mixing weights' gradient is then mapped to α
// by the same softmax Jacobian.
func TestSecondOrderMatchesExactUnrolledGradient(t *testing.T) {
	e := testEngine(t)
	e.SetSmoothActivations(true)
	train, valid := tinyData(t, 32)
	cfg := tinyConfig(2)
	space := searchspace.DARTSSpace()
	space.Ops = []string{"none", "skip_connect", "sep_conv_3x3", "avg_pool_3x3"}
	// Two cells, the second a reduction cell; momentum, a large weight decay and a constant
	// learning rate that the architect must read from the weights' schedule (ξ).
	const xi, mu, wd = 0.1, 0.9, 0.05
	cfg.Space, cfg.Layers, cfg.Reductions, cfg.Batch = space, 2, []int{1}, 8
	cfg.Method.Weights = Optimization{New: func() optim.Optimizer {
		return optim.Chain(&optim.SGD{Momentum: mu}, optim.L2{Coef: wd})
	}, Schedule: optim.Constant(xi)}
	cfg.AlphaInit = 0.5 // far from uniform, so every op's gradient differs
	s, err := New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A momentum buffer, as after some steps.
	rng := rand.New(rand.NewPCG(5, 6))
	buf := make([][]float32, len(s.trainable))
	for i, q := range s.trainable {
		buf[i] = make([]float32, len(q.Data))
		for j := range buf[i] {
			buf[i][j] = float32(0.05 * rng.NormFloat64())
		}
	}
	if err := s.wOpt.SetState(optim.State{Slots: map[string][][]float32{"buf": buf}}); err != nil {
		t.Fatal(err)
	}
	tb, err := s.train.Next()
	if err != nil {
		t.Fatal(err)
	}
	vb, err := s.valid.Next()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SyncParams(s.Net.Params); err != nil {
		t.Fatal(err)
	}
	before := s.Net.Params.Snapshot()
	samples := s.samples(s.draw())
	lossOurs, got, err := SecondOrder{}.Gradient(s, tb, vb, samples)
	if err != nil {
		t.Fatal(err)
	}
	// The second-order passes leave every weight and batch-norm statistic as it was.
	if err := e.SyncParams(s.Net.Params); err != nil {
		t.Fatal(err)
	}
	for name, v := range s.Net.Params.Snapshot() {
		for j := range v {
			if math.Float32bits(v[j]) != math.Float32bits(before[name][j]) {
				t.Fatalf("%s[%d] changed by the second-order passes: %v → %v", name, j, before[name][j], v[j])
			}
		}
	}
	_, first, err := FirstOrder{}.Gradient(s, tb, vb, samples)
	if err != nil {
		t.Fatal(err)
	}

	// f(mix) in float64, as one graph.
	net := s.Net
	params := net.Params
	nEdges := len(net.MixNormal)
	mixN, mixR := samples[0].Mix, samples[1].Mix
	f := graph.MustNewExec(e.Backend(), func(in []*graph.Node) *graph.Node {
		ti, tl, vi, vl := in[0], in[1], in[2], in[3]
		mixNodes := in[4 : 4+nEdges]
		mixRNodes := in[4+nEdges : 4+2*nEdges]
		bufNodes := in[4+2*nEdges+len(params):]
		pn := map[*nn.Param]*graph.Node{}
		var wNodes []*graph.Node
		var wParams []*nn.Param
		for i, p := range params {
			pn[p] = in[4+2*nEdges+i]
			if p.Spec.Trainable() {
				wNodes = append(wNodes, pn[p])
				wParams = append(wParams, p)
			}
		}
		feed := func(img, lab *graph.Node) map[int]*graph.Node {
			m := map[int]*graph.Node{net.Images: img, net.Labels: lab}
			for k := range nEdges {
				m[net.MixNormal[k]] = mixNodes[k]
				m[net.MixReduce[k]] = mixRNodes[k]
			}
			return m
		}
		lTrain := net.Prog.Inline(feed(ti, tl), pn, true, true)[net.Loss]
		gW := graph.Gradient(lTrain, wNodes...)
		unrolled := map[*nn.Param]*graph.Node{}
		for p, n := range pn {
			unrolled[p] = n
		}
		for i, p := range wParams {
			w := pn[p]
			step := graph.Add(graph.Add(graph.MulScalar(bufNodes[i], mu), gW[i]), graph.MulScalar(w, wd))
			unrolled[p] = graph.Sub(w, graph.MulScalar(step, xi))
		}
		return net.Prog.Inline(feed(vi, vl), unrolled, true, true)[net.Loss]
	})
	f64 := func(x []float32) []float64 {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = float64(v)
		}
		return out
	}
	ds := train
	imgs := func(b []float32) *tensors.Tensor {
		return tensors.FromFlatDataAndDimensions(f64(b), cfg.Batch, ds.Height, ds.Width, ds.Channels)
	}
	fixed := []any{imgs(tb.HostImages), tb.Labels, imgs(vb.HostImages), vb.Labels}
	var tail []any
	for _, p := range params {
		tail = append(tail, tensors.FromFlatDataAndDimensions(f64(p.Data), p.Spec.Shape...))
	}
	for i, q := range s.trainable {
		tail = append(tail, tensors.FromFlatDataAndDimensions(f64(buf[i]), q.Spec.Shape...))
	}
	mix := make([][]float64, 2*nEdges) // normal edges, then reduce edges
	for k := range nEdges {
		mix[k], mix[nEdges+k] = f64(mixN[k]), f64(mixR[k])
	}
	eval := func() float64 {
		args := append([]any{}, fixed...)
		for k := range mix {
			args = append(args, tensors.FromFlatDataAndDimensions(append([]float64(nil), mix[k]...), len(mix[k])))
		}
		args = append(args, tail...)
		out, err := f.Exec(args...)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.ToScalar[float64](out[0])
	}
	if ref := eval(); math.Abs(ref-lossOurs) > 1e-4*math.Abs(ref) {
		t.Fatalf("unrolled validation loss: engine %v, one-graph reference %v", lossOurs, ref)
	}
	const h = 1e-4
	gMix := make([][]float32, len(mix))
	for k := range mix {
		gMix[k] = make([]float32, len(mix[k]))
		for o := range mix[k] {
			orig := mix[k][o]
			mix[k][o] = orig + h
			up := eval()
			mix[k][o] = orig - h
			down := eval()
			mix[k][o] = orig
			gMix[k][o] = float32((up - down) / (2 * h))
		}
	}
	want := [][][]float32{samples[0].VJP(gMix[:nEdges]), samples[1].VJP(gMix[nEdges:])}

	for gi, cell := range []string{"normal", "reduce"} {
		dist := func(got [][]float32) (rel, norm float64) {
			var diff float64
			for k := range want[gi] {
				for o := range want[gi][k] {
					d := float64(got[k][o] - want[gi][k][o])
					diff += d * d
					norm += float64(want[gi][k][o]) * float64(want[gi][k][o])
				}
			}
			return math.Sqrt(diff / norm), math.Sqrt(norm)
		}
		rel, norm := dist(got[gi])
		rel1, _ := dist(first[gi])
		t.Logf("%s cell: second-order α gradient vs exact: relative L2 error %.2e (‖exact‖ = %.3e); first-order gradient: %.2e", cell, rel, norm, rel1)
		if norm == 0 || rel > 0.02 {
			t.Fatalf("%s cell: second-order α gradient differs from the exact one: relative error %.3g\n got  %v\n want %v", cell, rel, got[gi], want[gi])
		}
		if rel1 < 5*rel {
			t.Fatalf("%s cell: the first-order gradient (error %.3g) is as close as the second-order one (%.3g): the test cannot tell them apart", cell, rel1, rel)
		}
	}
}
