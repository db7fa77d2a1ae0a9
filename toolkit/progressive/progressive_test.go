package progressive_test

import (
	"slices"
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/progressive"
	"github.com/dartboard-nas/dartboard/toolkit/recipe"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// KeepTop keeps the k heaviest candidates of each edge, in their original order, with their
// logits; an edge with fewer keeps all; ties go to the earlier candidate.
func TestKeepTop(t *testing.T) {
	ops := [][]string{{"a", "b", "c", "d"}, {"a", "b"}, {"a", "b", "c"}}
	alpha := [][]float32{{1, 2, 3, 4}, {5, 6}, {7, 8, 9}}
	mix := [][]float32{{0.1, 0.4, 0.2, 0.3}, {0.5, 0.5}, {0.3, 0.3, 0.4}}
	kept, rows := progressive.KeepTop(ops, alpha, mix, 2)
	wantOps := [][]string{{"b", "d"}, {"a", "b"}, {"a", "c"}}
	wantRows := [][]float32{{2, 4}, {5, 6}, {7, 9}}
	for e := range ops {
		if !slices.Equal(kept[e], wantOps[e]) || !slices.Equal(rows[e], wantRows[e]) {
			t.Errorf("edge %d: kept %v %v, want %v %v", e, kept[e], rows[e], wantOps[e], wantRows[e])
		}
	}
}

// Plans that cannot run are refused with the reason.
func TestPlanCheck(t *testing.T) {
	space := searchspace.DARTSSpace()
	m := search.Method{}
	for _, p := range []progressive.Plan{
		{},
		{Stages: []progressive.Stage{{Cells: 0, Ops: 8, Method: m}}},
		{Stages: []progressive.Stage{{Cells: 2, Ops: 5, Method: m}}},
		{Stages: []progressive.Stage{{Cells: 2, Ops: 8, Method: m}, {Cells: 3, Ops: 1, Method: m}}},
		{Stages: []progressive.Stage{{Cells: 2, Ops: 8, Method: m}, {Cells: 3, Ops: 5, Method: m}, {Cells: 4, Ops: 6, Method: m}}},
	} {
		if err := p.Check(space); err == nil {
			t.Errorf("plan %+v accepted", p.Stages)
		}
	}
	if err := (progressive.Plan{Stages: []progressive.Stage{{Cells: 5, Ops: 8, Method: m}, {Cells: 11, Ops: 5, Method: m}}}).Check(space); err != nil {
		t.Error(err)
	}
}

// A two-stage P-DARTS plan (1 then 2 cells, 5 then 3 operations per edge) on tiny synthetic
// data: the second stage's space keeps on every edge the 3 operations of largest mixing weight
// at the end of the first, its searcher starts from the first stage's α of exactly those
// operations (Config.Alpha), and with ResetAlpha from fresh α; the stage records say so.
func TestDriverKeepsTopOpsAndCarriesAlpha(t *testing.T) {
	sp, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 48, Height: 8, Width: 8, Channels: 1, Classes: 3, Seed: 7, Noise: 0.1, Shift: 1})
	if err != nil {
		t.Fatal(err)
	}
	train, valid, err := sp.Train.SplitAt(0.5)
	if err != nil {
		t.Fatal(err)
	}
	space := searchspace.DARTSSpace()
	space.Ops = []string{"none", "max_pool_3x3", "skip_connect", "sep_conv_3x3", "dil_conv_3x3"}
	f := recipe.For{Epochs: 1, Space: space, Stages: []recipe.StageSize{{Cells: 1, Ops: 5}, {Cells: 2, Ops: 3}}}
	plan, err := recipe.PDARTS(f)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plan.Stages {
		plan.Stages[i].Method.Alpha.Schedule = optim.Constant(3e-2) // so that α moves in 3 steps
	}
	cfg := search.DefaultConfig()
	cfg.Space, cfg.C, cfg.Batch, cfg.Epochs, cfg.EvalBatches = space, 4, 8, 1, 1
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)

	d, err := progressive.NewDriver(plan, cfg)
	if err != nil {
		t.Fatal(err)
	}
	c1, r1, err := d.Next()
	if err != nil {
		t.Fatal(err)
	}
	if r1.Kind != "stage" || r1.Stage != 1 || r1.Cells != 1 || r1.OpsPerEdge != 5 || c1.Layers != 1 || c1.Alpha != nil {
		t.Fatalf("stage 1: record %+v, layers %d", r1, c1.Layers)
	}
	s1, err := search.New(e, c1, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	for !s1.Done() {
		if err := s1.RunEpoch(); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Finish(s1); err != nil {
		t.Fatal(err)
	}
	c2, r2, err := d.Next()
	if err != nil {
		t.Fatal(err)
	}
	if r2.Stage != 2 || r2.Cells != 2 || r2.OpsPerEdge != 3 || c2.Layers != 2 {
		t.Fatalf("stage 2: record %+v, layers %d", r2, c2.Layers)
	}
	s2, err := search.New(e, c2, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex := s1.Expected()
	for gi, g := range s1.Groups {
		for edge := range g.Alpha {
			next := s2.Groups[gi]
			if len(next.Ops[edge]) != 3 {
				t.Fatalf("%s edge %d searches %v in stage 2", g.Name, edge, next.Ops[edge])
			}
			// Every kept operation weighs at least as much as every dropped one, and starts
			// stage 2 with its stage-1 α.
			for k, op := range g.Ops[edge] {
				j := slices.Index(next.Ops[edge], op)
				if j < 0 {
					for _, kept := range next.Ops[edge] {
						if w := ex[gi][edge][slices.Index(g.Ops[edge], kept)]; w < ex[gi][edge][k] {
							t.Errorf("%s edge %d: kept %s (%.4f) over %s (%.4f)", g.Name, edge, kept, w, op, ex[gi][edge][k])
						}
					}
					continue
				}
				if next.Alpha[edge][j] != g.Alpha[edge][k] {
					t.Errorf("%s edge %d %s: stage 2 starts at α %v, stage 1 ended at %v", g.Name, edge, op, next.Alpha[edge][j], g.Alpha[edge][k])
				}
			}
		}
	}
	want := [][]string{s2.Groups[0].Ops[0], s2.Groups[1].Ops[0]}
	if !slices.Equal(r2.Ops[0], want[0]) || !slices.Equal(r2.ReduceOps[0], want[1]) {
		t.Errorf("stage record lists %v / %v for edge 0, the supernet searches %v", r2.Ops[0], r2.ReduceOps[0], want)
	}

	// The reference's choice: α re-initialized at every stage.
	plan.ResetAlpha = true
	d, _ = progressive.NewDriver(plan, cfg)
	if _, _, err := d.Next(); err != nil {
		t.Fatal(err)
	}
	if err := d.Finish(s1); err != nil {
		t.Fatal(err)
	}
	if c, _, _ := d.Next(); c.Alpha != nil {
		t.Error("ResetAlpha: stage 2 gets α")
	}
}
