package regularize

import (
	"math"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// TestCostOtherGroup: the term leaves a group with other candidates alone.
func TestCostOtherGroup(t *testing.T) {
	c := Cost{Weight: 1, Ops: [][]string{{"a", "b"}}, Costs: [][]float64{{1, 2}}}
	grad := [][]float32{{0, 0, 0}}
	if v := c.Penalty([][]float32{{1, 2, 3}}, [][]string{{"x", "y", "z"}}, 0, grad); v != 0 || grad[0][0] != 0 {
		t.Fatalf("penalty %g, gradient %v on another group: want 0 and nothing added", v, grad)
	}
	if v := c.Penalty([][]float32{{0, 0}}, [][]string{{"a", "b"}}, 0, nil); v != 1.5 {
		t.Fatalf("uniform α: penalty %g, want 1.5", v)
	}
}

// TestMobileCost: with α all but one-hot on a block list, the expected cost is the blocks'
// multiply-adds, MobileSize's less the fixed parts.
func TestMobileCost(t *testing.T) {
	s := searchspace.FBNetSpace().Scaled(0.25, 1, 1)
	c, err := NewMobileCost(s, 1, 28, 10, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	layers := s.Layers()
	a := searchspace.MobileArch{Stages: make([]int, len(s.Stages))}
	alpha := make([][]float32, len(layers))
	for i, l := range layers {
		a.Stages[l.Stage]++
		k := (3 * i) % len(l.Blocks)
		a.Blocks = append(a.Blocks, l.Blocks[k])
		alpha[i] = make([]float32, len(l.Blocks))
		alpha[i][k] = 100 // softmax weight 1 − 8e-43
	}
	_, madds, err := s.MobileSize(a, 1, 28, 10)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := s.Costs(1, 28, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := float64(madds-mc.Fixed.MAdds) / 1e6
	if got := c.Expected(alpha); math.Abs(got-want) > 1e-9*want {
		t.Fatalf("expected cost of %s: %g M, want %g M", a, got, want)
	}
	if got := c.Penalty(alpha, c.Ops, 0, nil); math.Abs(got-0.5*want) > 1e-9*want {
		t.Fatalf("penalty %g, want %g", got, 0.5*want)
	}
	t.Logf("%s: %.4f M multiply-adds in the searchable layers", a, want)
}
