package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// runModule runs m once in evaluation mode on the given float32 inputs with params.
func runModule(t *testing.T, e *engine.Engine, m *nn.Module, params []*nn.Param, ins ...*tensors.Tensor) []float32 {
	t.Helper()
	prog := &engine.Program{}
	var slots []int
	in := map[int]*tensors.Tensor{}
	for _, x := range ins {
		s := prog.NewSlot("in")
		slots = append(slots, s)
		in[s] = x
	}
	out := prog.Call(m, "m", slots, params, 1)[0]
	p, err := e.Forward(prog, in, false)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Release()
	v, err := tensors.CopyFlatData[float32](p.Slot(out))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// PC-DARTS's partial-channel edge: the first C/k channels go through the mixed operation (the
// same result as a mixed edge on C/k channels with the same weights), the others are passed
// through, and the channel shuffle interleaves the two halves (k=2: mixed channels land on
// even positions, bypassed ones on odd positions); with a mask of zero on every candidate the
// mixed half is zero.
func TestPartialMixedEdge(t *testing.T) {
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)
	const b, h, c, k = 2, 6, 4, 2
	ops := []string{"none", "avg_pool_3x3", "skip_connect", "sep_conv_3x3"}
	opt := nn.EdgeOptions{PoolBN: true, Mask: true}
	pm, err := nn.PartialMixedEdge(ops, c, 1, k, opt)
	if err != nil {
		t.Fatal(err)
	}
	fm, err := nn.NewMixedEdge(ops, c/k, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	params := make([]*nn.Param, len(pm.Params))
	for i, s := range pm.Params {
		params[i] = nn.NewParam(s.Name, s, rng)
	}
	x := make([]float32, b*h*h*c)
	half := make([]float32, b*h*h*c/k)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
		if i%c < c/k {
			half[(i/c)*(c/k)+i%c] = x[i]
		}
	}
	w := []float32{0.1, 0.2, 0.3, 0.4}
	ones := []float32{1, 1, 1, 1}
	tx := func(v []float32, ch int) *tensors.Tensor { return tensors.FromFlatDataAndDimensions(v, b, h, h, ch) }
	vec := func(v []float32) *tensors.Tensor { return tensors.FromFlatDataAndDimensions(v, len(v)) }
	got := runModule(t, e, pm, params, tx(x, c), vec(w), vec(ones))
	ref := runModule(t, e, fm, params, tx(half, c/k), vec(w), vec(ones))
	zero := runModule(t, e, pm, params, tx(x, c), vec(w), vec([]float32{0, 0, 0, 0}))
	for p := 0; p < b*h*h; p++ {
		for i := 0; i < c/k; i++ {
			mixed, bypass := got[p*c+i*k], got[p*c+i*k+1]
			if d := math.Abs(float64(mixed - ref[p*(c/k)+i])); d > 1e-5 {
				t.Fatalf("pixel %d channel %d: partial edge %v, mixed edge on C/k %v", p, i*k, mixed, ref[p*(c/k)+i])
			}
			if bypass != x[p*c+c/k+i] {
				t.Fatalf("pixel %d channel %d: %v, want the bypassed input channel %d (%v)", p, i*k+1, bypass, c/k+i, x[p*c+c/k+i])
			}
			if zero[p*c+i*k] != 0 || zero[p*c+i*k+1] != bypass {
				t.Fatalf("pixel %d: all-masked edge gives %v, %v", p, zero[p*c+i*k], zero[p*c+i*k+1])
			}
		}
	}
	// Edge normalization's node: Σ β_k x_k.
	ws := runModule(t, e, nn.WeightedSum(2), nil, tx(x, c), tx(x, c), vec([]float32{0.25, 0.5}))
	for i := range ws {
		if d := math.Abs(float64(ws[i] - 0.75*x[i])); d > 1e-6 {
			t.Fatalf("weighted sum %d: %v, want %v", i, ws[i], 0.75*x[i])
		}
	}
}
