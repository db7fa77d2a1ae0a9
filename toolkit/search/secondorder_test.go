package search

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
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
	cfg.Space, cfg.Layers, cfg.Reductions, cfg.Batch = space, 2, []int{}, 8
	cfg.AlphaInit = 0.5 // far from uniform, so every op's gradient differs
	s, err := New(e, cfg, train, valid, nil)
	if err != nil {
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
	const xi = 0.1
	lossOurs, gotN, _, err := s.unrolledAlphaGrad(tb, vb, xi)
	if err != nil {
		t.Fatal(err)
	}
	_, firstN, _, err := s.alphaGrad(vb, false)
	if err != nil {
		t.Fatal(err)
	}

	// f(mix) in float64, as one graph.
	net := s.Net
	params := net.Params
	nEdges := len(net.MixNormal)
	mixN, vjpN := s.relax.Mix(s.AlphaNormal)
	mixR, _ := s.relax.Mix(s.AlphaReduce)
	f := graph.MustNewExec(e.Backend(), func(in []*graph.Node) *graph.Node {
		ti, tl, vi, vl := in[0], in[1], in[2], in[3]
		mixNodes := in[4 : 4+nEdges]
		mixRNodes := in[4+nEdges : 4+2*nEdges]
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
			unrolled[p] = graph.Sub(w, graph.MulScalar(graph.Add(gW[i], graph.MulScalar(w, cfg.WeightDecay)), xi))
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
	for k := range nEdges {
		tail = append(tail, tensors.FromFlatDataAndDimensions(f64(mixR[k]), len(mixR[k])))
	}
	for _, p := range params {
		tail = append(tail, tensors.FromFlatDataAndDimensions(f64(p.Data), p.Spec.Shape...))
	}
	mix := make([][]float64, nEdges)
	for k := range mix {
		mix[k] = f64(mixN[k])
	}
	eval := func() float64 {
		args := append([]any{}, fixed...)
		for k := range nEdges {
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
	gMix := make([][]float32, nEdges)
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
	want := vjpN(gMix)

	dist := func(got [][]float32) (rel, norm float64) {
		var diff float64
		for k := range want {
			for o := range want[k] {
				d := float64(got[k][o] - want[k][o])
				diff += d * d
				norm += float64(want[k][o]) * float64(want[k][o])
			}
		}
		return math.Sqrt(diff / norm), math.Sqrt(norm)
	}
	rel, norm := dist(gotN)
	rel1, _ := dist(firstN)
	t.Logf("second-order α gradient vs exact: relative L2 error %.2e (‖exact‖ = %.3e); first-order gradient: %.2e", rel, norm, rel1)
	if norm == 0 || rel > 0.02 {
		t.Fatalf("second-order α gradient differs from the exact one: relative error %.3g\n got  %v\n want %v", rel, gotN, want)
	}
	if rel1 < 5*rel {
		t.Fatalf("the first-order gradient (error %.3g) is as close as the second-order one (%.3g): the test cannot tell them apart", rel1, rel)
	}
}
