package regularize

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestBetaDecayGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	alpha := [][]float32{make([]float32, 8), make([]float32, 3), make([]float32, 2)}
	for _, row := range alpha {
		for k := range row {
			row[k] = float32(math.Round(rng.NormFloat64()*64) / 128)
		}
	}
	b := NewBetaDecay(50)
	const progress = 0.5 // epoch 25: λ = 12.5
	if w := b.Weight(progress); w != 12.5 {
		t.Fatalf("λ at progress 0.5 = %g, want 12.5 (= 50·25/100)", w)
	}
	grad := [][]float32{make([]float32, 8), make([]float32, 3), make([]float32, 2)}
	grad[1][1] = 7 // Penalty adds into grad
	b.Penalty(alpha, nil, progress, grad)
	grad[1][1] -= 7
	const h = 1.0 / 1024
	for e, row := range alpha {
		for k := range row {
			old := row[k]
			row[k] = old + h
			fp := b.Penalty(alpha, nil, progress, zerosLike(alpha))
			row[k] = old - h
			fm := b.Penalty(alpha, nil, progress, zerosLike(alpha))
			row[k] = old
			fd := (fp - fm) / (2 * h)
			if math.Abs(fd-float64(grad[e][k])) > 1e-4*math.Max(1, math.Abs(fd)) {
				t.Errorf("∂/∂α[%d][%d]: analytic %.7f, finite difference %.7f", e, k, grad[e][k], fd)
			}
		}
	}
	// The value: λ · mean of log-sum-exp, checked on a row with a known answer.
	one := [][]float32{{0, 0}, {float32(math.Log(3)), 0}}
	want := 2.0 * (math.Log(2) + math.Log(4)) / 2
	if got := (BetaDecay{Max: 2}).Penalty(one, nil, 1, zerosLike(one)); math.Abs(got-want) > 1e-6 {
		t.Errorf("penalty %g, want %g", got, want)
	}
}

func TestBetaDecayRamp(t *testing.T) {
	b := NewBetaDecay(4) // λ = 0.5·epoch: 0, 0.5, 1, 1.5
	steps := 10
	for s := 0; s < 4*steps; s++ {
		p := float64(s) / float64(4*steps)
		if got, want := b.Weight(p), 0.5*float64(s/steps); got != want {
			t.Errorf("step %d (epoch %d): λ %g, want %g", s, s/steps, got, want)
		}
	}
	if got := (BetaDecay{Max: 3}).Weight(0.25); got != 0.75 {
		t.Errorf("continuous ramp: %g", got)
	}
	// λ = 0 adds nothing to the gradient.
	g := [][]float32{{0, 0}}
	if v := b.Penalty([][]float32{{1, 2}}, nil, 0, g); v != 0 || g[0][0] != 0 {
		t.Errorf("at epoch 0: value %g, grad %v", v, g)
	}
}

func zerosLike(a [][]float32) [][]float32 {
	out := make([][]float32, len(a))
	for i, r := range a {
		out[i] = make([]float32, len(r))
	}
	return out
}

func ExampleBetaDecay() {
	b := NewBetaDecay(50)
	alpha := [][]float32{{0, 0, 0}, {1, 0, 0}}
	grad := [][]float32{make([]float32, 3), make([]float32, 3)}
	// At 40% of a 50-epoch search (epoch 20), λ = 10.
	v := b.Penalty(alpha, nil, 0.4, grad)
	fmt.Printf("λ=%g penalty=%.4f grad[1]=%.4f\n", b.Weight(0.4), v, grad[1])
	// (log 3 + log(e+2))/2 · 10 and 5·softmax(1, 0, 0), worked by hand.
	// Output: λ=10 penalty=13.2503 grad[1]=[2.8806 1.0597 1.0597]
}
