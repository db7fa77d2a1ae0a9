package searchspace

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSampleGenotypesRules(t *testing.T) {
	space := DARTSSpace()
	gs, err := SampleGenotypes(space, 200, 7, SampleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opsSeen := map[string]int{}
	inputsSeen := map[[2]int]int{} // node 3's input pairs
	for _, g := range gs {
		if err := g.Validate(); err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		for _, cell := range [][]OpInput{g.Normal, g.Reduce} {
			if len(cell) != 2*space.Steps {
				t.Fatalf("%d entries, want %d", len(cell), 2*space.Steps)
			}
			for node := range space.Steps {
				a, b := cell[2*node], cell[2*node+1]
				if a.Input >= b.Input {
					t.Fatalf("node %d of %s: inputs %d, %d: want two distinct, increasing", node, g, a.Input, b.Input)
				}
				if node == 3 {
					inputsSeen[[2]int{a.Input, b.Input}]++
				}
				for _, o := range []OpInput{a, b} {
					if o.Op == OpNone {
						t.Fatalf("%s has none", g)
					}
					opsSeen[o.Op]++
				}
			}
		}
		if len(g.NormalConcat) != 4 || g.NormalConcat[0] != 2 || g.ReduceConcat[3] != 5 {
			t.Fatalf("concat %v %v", g.NormalConcat, g.ReduceConcat)
		}
	}
	// 200 genotypes × 16 entries: every op other than none appears, and the 10 input pairs of
	// node 3 (5 states choose 2) all appear.
	if len(opsSeen) != 7 {
		t.Errorf("ops drawn: %v, want the 7 DARTS ops other than none", opsSeen)
	}
	if len(inputsSeen) != 10 {
		t.Errorf("input pairs of node 3: %v, want all 10", inputsSeen)
	}
	// Seeded, and a prefix of a longer draw.
	again, _ := SampleGenotypes(space, 3, 7, SampleOptions{})
	for i := range again {
		if !again[i].Equal(gs[i]) {
			t.Errorf("genotype %d differs between a draw of 3 and of 200 with the same seed", i)
		}
	}
	other, _ := SampleGenotypes(space, 1, 8, SampleOptions{})
	if other[0].Equal(gs[0]) {
		t.Error("seeds 7 and 8 drew the same first genotype")
	}
}

func TestSampleGenotypesMatched(t *testing.T) {
	ref, err := Named("DARTS_V2")
	if err != nil {
		t.Fatal(err)
	}
	net := NetConfig{Channels: 16, Layers: 8, Classes: 10}
	target, _, _ := Size(ref, net)
	gs, err := SampleGenotypes(DARTSSpace(), 5, 1, SampleOptions{Like: &ref, Net: net})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		p, _, err := Size(g, net)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(p-target)) > 0.1*float64(target) {
			t.Errorf("%d parameters, want within 10%% of %d", p, target)
		}
	}
	// An impossible match: one clear error naming the range seen.
	_, err = SampleGenotypes(DARTSSpace(), 1, 1, SampleOptions{Like: &ref, Net: net, Tolerance: 1e-9, MaxTries: 50})
	if err == nil || !strings.Contains(err.Error(), "none of 50 draws") {
		t.Errorf("error %v: want 'none of 50 draws'", err)
	}
}

func TestSampleErrors(t *testing.T) {
	if _, err := SampleGenotypes(DARTSSpace(), 0, 1, SampleOptions{}); err == nil {
		t.Error("n = 0: want an error")
	}
	s3, _ := RobustDARTSSpace(3)
	if _, err := SampleGenotypes(s3, 1, 1, SampleOptions{}); err != nil {
		t.Errorf("S3 (none, skip, sep): %v", err)
	}
	onlyNone := CellSpace{Name: "none", Inputs: 2, Steps: 2, Ops: []string{OpNone}}
	if _, err := SampleCell(onlyNone, rand.New(rand.NewPCG(1, 2))); err == nil || !strings.Contains(err.Error(), "other than none") {
		t.Errorf("space of none only: %v", err)
	}
}

func TestSkipCount(t *testing.T) {
	g, _ := Named("DARTS_V2")
	if n, r := SkipCount(g.Normal), SkipCount(g.Reduce); n != 2 || r != 3 {
		// DARTS_V2 normal: ('skip_connect', 0) twice; reduce: ('skip_connect', 2) three times.
		t.Errorf("skip counts %d, %d: want 2, 3", n, r)
	}
}
