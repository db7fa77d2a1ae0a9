package optim

import (
	"math"
	"testing"
)

// Reference values computed by hand from torch.optim's update equations.
func TestSGDMomentumWeightDecay(t *testing.T) {
	p := [][]float32{{1, -2}}
	o := Chain(&SGD{Momentum: 0.9}, L2{Coef: 0.1})
	if err := o.Step(p, [][]float32{{0.5, 0.5}}, 0.1); err != nil {
		t.Fatal(err)
	}
	// d = g + 0.1·p = (0.6, 0.3); buf = d; p -= 0.1·buf.
	want := []float64{1 - 0.06, -2 - 0.03}
	for i := range want {
		if math.Abs(float64(p[0][i])-want[i]) > 1e-6 {
			t.Fatalf("step 1: p = %v, want %v", p[0], want)
		}
	}
	if err := o.Step(p, [][]float32{{0, 0}}, 0.1); err != nil {
		t.Fatal(err)
	}
	// d = 0.1·p = (0.094, -0.203); buf = 0.9·(0.6, 0.3) + d = (0.634, 0.067).
	want = []float64{0.94 - 0.0634, -2.03 - 0.0067}
	for i := range want {
		if math.Abs(float64(p[0][i])-want[i]) > 1e-5 {
			t.Fatalf("step 2: p = %v, want %v", p[0], want)
		}
	}
}

func TestAdamFirstStepIsSignTimesLR(t *testing.T) {
	p := [][]float32{{0.3, -0.2, 0}}
	o := NewAdam(0.5, 0.999)
	if err := o.Step(p, [][]float32{{2, -0.001, 0}}, 0.01); err != nil {
		t.Fatal(err)
	}
	// After one step m̂ = g and v̂ = g², so the update is lr·g/(|g|+eps).
	want := []float64{0.29, -0.19, 0}
	for i := range want {
		if math.Abs(float64(p[0][i])-want[i]) > 1e-4 {
			t.Fatalf("p = %v, want %v", p[0], want)
		}
	}
}

func TestClipAndCosine(t *testing.T) {
	g := [][]float32{{3}, {4}}
	if n := ClipGlobalNorm(g, 1); math.Abs(n-5) > 1e-9 {
		t.Fatalf("norm %v, want 5", n)
	}
	if n := GlobalNorm(g); math.Abs(n-1) > 1e-5 {
		t.Fatalf("clipped norm %v, want 1", n)
	}
	if lr := Cosine(0.025, 0.001, 0, 50); lr != 0.025 {
		t.Fatalf("epoch 0: %v", lr)
	}
	if lr := Cosine(0.025, 0.001, 25, 50); math.Abs(lr-0.013) > 1e-12 {
		t.Fatalf("epoch 25: %v", lr)
	}
	if lr := Cosine(0.025, 0.001, 50, 50); math.Abs(lr-0.001) > 1e-12 {
		t.Fatalf("epoch 50: %v", lr)
	}
}

func TestMismatchedShapesError(t *testing.T) {
	if err := (&SGD{}).Step([][]float32{{1}}, [][]float32{{1, 2}}, 0.1); err == nil {
		t.Fatal("want an error")
	}
	if err := NewAdam(0.9, 0.999).Step([][]float32{{1}}, nil, 0.1); err == nil {
		t.Fatal("want an error")
	}
}
