package recipe

import (
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// P-DARTS's stages: 5, 11, 17 cells over 8, 5, 3 operations, skip dropout 0.1, 0.4, 0.7,
// α frozen for 10/25 of each stage's epochs; For.Stages resizes them.
func TestPDARTSPlan(t *testing.T) {
	plan, err := PDARTS(For{Epochs: 25, Space: searchspace.DARTSSpace()})
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range plan.Stages {
		if st.Cells != []int{5, 11, 17}[i] || st.Ops != []int{8, 5, 3}[i] {
			t.Errorf("stage %d: %d cells, %d ops", i+1, st.Cells, st.Ops)
		}
		set := st.Method.Settings()
		want := []string{"skip-dropout(0.1, warm-up 10, decay 0.2, over 25 epochs)", "skip-dropout(0.4, warm-up 10, decay 0.2, over 25 epochs)",
			"skip-dropout(0.7, warm-up 10, decay 0.2, over 25 epochs)"}[i]
		if set["supernet.1"] != want || set["arch-lr"] != "warmup(10 epochs, then 0.0006)" {
			t.Errorf("stage %d settings: %s, %s", i+1, set["supernet.1"], set["arch-lr"])
		}
	}
	small, err := PDARTS(For{Epochs: 2, Space: searchspace.DARTSSpace(), Stages: []StageSize{{2, 8}, {3, 5}, {4, 3}}})
	if err != nil || len(small.Stages) != 3 || small.Stages[2].Cells != 4 {
		t.Fatalf("small stages: %+v, %v", small.Stages, err)
	}
	if _, err := PDARTS(For{Epochs: 2, Space: searchspace.DARTSSpace(), Stages: []StageSize{{2, 5}}}); err == nil {
		t.Error("a first stage of 5 operations in the 8-operation space accepted")
	}
}

// The genotype of P-DARTS's last stage keeps at most 2 skip connections in the normal cell:
// on a constructed 3-operation stage space where the DARTS rule picks 4 skips, the recipe's
// deriver gives 2, replaced by each edge's next operation (or another edge).
func TestPDARTSSkipCap(t *testing.T) {
	space := searchspace.DARTSSpace()
	var lists [][]string
	for range space.NumEdges() {
		lists = append(lists, []string{"none", "skip_connect", "sep_conv_3x3"})
	}
	stage, err := space.WithEdgeOps(lists)
	if err != nil {
		t.Fatal(err)
	}
	normal := make([][]float64, stage.NumEdges())
	reduce := make([][]float64, stage.NumEdges())
	for e := range normal {
		// skip_connect wins every edge, more strongly on later edges.
		normal[e] = []float64{0.1, 0.5 + 0.01*float64(e), 0.4 - 0.01*float64(e)}
		reduce[e] = []float64{0.2, 0.3, 0.5}
	}
	plain, err := search.DARTSDeriver{}.Derive(stage, normal, reduce)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := PDARTS(For{Epochs: 2, Space: space})
	if err != nil {
		t.Fatal(err)
	}
	capped, err := plan.Stages[len(plan.Stages)-1].Method.Deriver.Derive(stage, normal, reduce)
	if err != nil {
		t.Fatal(err)
	}
	if plain.SkipCount() <= 2 || capped.SkipCount() != 2 {
		t.Fatalf("DARTS rule %d skips, P-DARTS %d: want more than 2, and 2\n%s\n%s", plain.SkipCount(), capped.SkipCount(), plain, capped)
	}
	// The 2 kept skips are the strongest chosen ones: on the last node's edges.
	for i, o := range capped.Normal {
		if o.Op == "skip_connect" && i < 6 {
			t.Errorf("kept the weaker skip %v at entry %d: %s", o, i, capped)
		}
	}
}

// PC-DARTS's method: partial channels K 4 with edge normalization, SGD 0.1 cosine to 0, α by
// Adam 6e-4 frozen for 15/50 of the epochs.
func TestPCDARTSSettings(t *testing.T) {
	set := PCDARTS(For{Epochs: 50}).Settings()
	if set["supernet.0"] != "partial-channels(K=4, edge-norm=true)" || set["arch-lr"] != "warmup(15 epochs, then 0.0006)" ||
		set["method"] != "pcdarts" {
		t.Errorf("settings %v", set)
	}
	if got := PCDARTS(For{Epochs: 2}).Settings()["arch-lr"]; got != "0.0006" {
		t.Errorf("2 epochs: α schedule %s, want no warm-up", got)
	}
}

// PC-DARTS derives from the operation weights times the edge weights β: with every edge
// preferring sep_conv_3x3 equally, node 1 (inputs 0, 1, 2) takes the two inputs β favours.
func TestPCDARTSDerivesWithEdgeWeights(t *testing.T) {
	cfg, train, valid := tiny(t, PCDARTS(For{Epochs: 2}))
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)
	s, err := search.New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	beta := s.Group("edges_normal")
	if beta == nil || len(beta.Alpha) != 4 || len(beta.Alpha[1]) != 3 {
		t.Fatalf("no edge weights of the normal cell's 4 nodes: %+v", beta)
	}
	for _, g := range s.Groups {
		for e := range g.Alpha {
			for k := range g.Alpha[e] {
				g.Alpha[e][k] = 0
				if g.Ops[e][k] == "sep_conv_3x3" {
					g.Alpha[e][k] = 3
				}
			}
		}
	}
	node1 := func() []int {
		g, err := s.Genotype()
		if err != nil {
			t.Fatal(err)
		}
		return []int{g.Normal[2].Input, g.Normal[3].Input}
	}
	if got := node1(); got[0] != 0 || got[1] != 1 { // equal β: ties go to the lower inputs
		t.Fatalf("equal β: node 1 takes inputs %v, want [0 1]", got)
	}
	beta.Alpha[1] = []float32{-2, 1, 2}
	if got := node1(); got[0] != 2 || got[1] != 1 {
		t.Errorf("β favouring inputs 2 then 1: node 1 takes %v", got)
	}
}
