package network

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// Split edges take P-DARTS's skip dropout as fused ones do: a random key per stride-1 edge
// with skip_connect (14 normal, 6 in each of the 2 reduction cells), one rate slot, and a
// dropout call after each of those skips. The dropout is the identity at rate 0 in training
// and at any rate in evaluation, and drops about the rate's share of the elements in training.
func TestSplitEdgesSkipDropout(t *testing.T) {
	cfg := Config{C: 4, Layers: 3, Classes: 10, InChannels: 1, Edge: SplitEdges, SkipDropout: true}
	net, err := Supernet(searchspace.DARTSSpace(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	drops := 0
	for _, c := range net.Prog.Calls {
		if c.M.Key == "dropout" && strings.HasSuffix(net.Prog.SlotNames[c.Out[0]], "/skip_connect/dropout:0") {
			drops++
		}
	}
	if len(net.RandomKeys) != 26 || net.DropRate < 0 || drops != 26 {
		t.Fatalf("%d keys, rate slot %d, %d dropout calls: want 26, a slot, 26", len(net.RandomKeys), net.DropRate, drops)
	}

	e := engine.New(backendtest.New(t))
	defer e.Finalize()
	prog := &engine.Program{}
	x, key, rate := prog.NewSlot("x"), prog.NewSlot("key"), prog.NewSlot("rate")
	out := prog.Call(nn.DropoutModule(), "drop", []int{x, key, rate}, nil, 1)[0]
	xs := make([]float32, 2*4*4*4)
	for i := range xs {
		xs[i] = float32(i%7) + 1
	}
	zeros := func(r float32, train bool) (int, bool) {
		in := map[int]*tensors.Tensor{x: tensors.FromFlatDataAndDimensions(xs, 2, 4, 4, 4),
			key: tensors.FromFlatDataAndDimensions([]uint64{1, 2, 3}, 3), rate: tensors.FromScalar(r)}
		p, err := e.Forward(prog, in, train)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Release()
		y := tensors.MustCopyFlatData[float32](p.Slot(out))
		n, scaled := 0, true
		for i := range y {
			switch {
			case y[i] == 0:
				n++
			case math.Abs(float64(y[i]-xs[i]/(1-r))) > 1e-4:
				scaled = false
			}
		}
		return n, scaled
	}
	if n, ok := zeros(0, true); n != 0 || !ok {
		t.Errorf("rate 0 in training: %d zeros, scaled %v", n, ok)
	}
	if n, _ := zeros(0.9, false); n != 0 {
		t.Errorf("evaluation at rate 0.9: %d zeros", n)
	}
	if n, ok := zeros(0.5, true); n < len(xs)/4 || n > 3*len(xs)/4 || !ok {
		t.Errorf("rate 0.5 in training: %d of %d zeros, kept ones scaled by 2: %v", n, len(xs), ok)
	}
}
