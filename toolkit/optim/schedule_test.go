package optim

import "testing"

// quark0/darts steps its scheduler before each epoch: with Ahead, epoch e trains at the rate
// of epoch e+1 and the last epoch at the minimum.
func TestCosineAheadIsQuark0Stepping(t *testing.T) {
	plain := CosineSchedule{Start: 0.025, Min: 0.001}
	ahead := CosineSchedule{Start: 0.025, Min: 0.001, Ahead: true}
	for e := 0; e < 50; e++ {
		if got, want := ahead.LR(e, 50), plain.LR(e+1, 50); got != want {
			t.Fatalf("epoch %d: ahead %v, want plain epoch %d %v", e, got, e+1, want)
		}
	}
	if got := ahead.LR(49, 50); got != 0.001 {
		t.Errorf("last epoch at %v, want the minimum 0.001", got)
	}
	if got := plain.LR(0, 50); got != 0.025 {
		t.Errorf("plain first epoch at %v, want 0.025", got)
	}
	w := Warmup{Epochs: 2, Then: Constant(3e-4)}
	if w.LR(1, 10) != 0 || w.LR(2, 10) != 3e-4 {
		t.Errorf("warm-up: %v at epoch 1, %v at epoch 2", w.LR(1, 10), w.LR(2, 10))
	}
}

func TestChainAndStateRoundTrip(t *testing.T) {
	a := Chain(NewAdam(0.5, 0.999), L2{Coef: 1e-3})
	p := [][]float32{{1, -1}}
	for range 3 {
		if err := a.Step(p, [][]float32{{0.1, 0.2}}, 0.01); err != nil {
			t.Fatal(err)
		}
	}
	b := Chain(NewAdam(0.5, 0.999), L2{Coef: 1e-3})
	if err := b.SetState(CloneState(a.State())); err != nil {
		t.Fatal(err)
	}
	m0 := a.State().Slots["m"][0][0]
	q := [][]float32{append([]float32(nil), p[0]...)}
	if err := b.Step(q, [][]float32{{0.3, -0.1}}, 0.01); err != nil {
		t.Fatal(err)
	}
	// The clone is deep: stepping b did not move a's state.
	if got := a.State().Slots["m"][0][0]; got != m0 {
		t.Fatalf("stepping the clone moved the original's moment: %v → %v", m0, got)
	}
	if err := a.Step(p, [][]float32{{0.3, -0.1}}, 0.01); err != nil {
		t.Fatal(err)
	}
	if p[0][0] != q[0][0] || p[0][1] != q[0][1] {
		t.Fatalf("restored optimizer diverged: %v vs %v", p, q)
	}
	if err := a.Step(p, [][]float32{{0.1}}, 0.01); err == nil {
		t.Fatal("a gradient of the wrong size is not an error")
	}
}
