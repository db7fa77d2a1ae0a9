package recipe

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/hessian"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/prune"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// tiny returns a 3-cell, 4-channel search over a reduced op set on 8×8 synthetic images
// (3 steps per epoch, 2 epochs), with the α learning rate raised so α moves visibly.
func tiny(t *testing.T, m search.Method) (search.Config, *datasets.Dataset, *datasets.Dataset) {
	t.Helper()
	sp, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 48, Height: 8, Width: 8, Channels: 1, Classes: 3, Seed: 7, Noise: 0.1, Shift: 1})
	if err != nil {
		t.Fatal(err)
	}
	train, valid, err := sp.Train.SplitAt(0.5)
	if err != nil {
		t.Fatal(err)
	}
	cfg := search.DefaultConfig()
	space := tinySpace()
	cfg.Space, cfg.C, cfg.Layers, cfg.Batch, cfg.Epochs, cfg.EvalBatches = space, 4, 3, 8, 2, 1
	m.Alpha.Schedule = optim.Constant(3e-2)
	if sl, ok := m.Architect.(search.SingleLevel); ok && sl.Augment != nil {
		// Cutout 16 blanks a whole 8×8 image (and an all-zero batch gives NaN gradients,
		// see the closing notes); scale it to the tiny images.
		a := *sl.Augment
		a.Cutout = 4
		m.Architect = search.SingleLevel{Augment: &a}
	}
	cfg.Method = m
	if n, ok := m.Stopper.(interface{ NeedsCurvature() bool }); ok && n.NeedsCurvature() {
		cfg.Curvature = hessian.Probe{Options: hessian.Options{Iters: 3}}
	}
	return cfg, train, valid
}

// tinySpace is the DARTS cell with 5 operations.
func tinySpace() searchspace.CellSpace {
	space := searchspace.DARTSSpace()
	space.Ops = []string{"none", "max_pool_3x3", "skip_connect", "sep_conv_3x3", "dil_conv_3x3"}
	return space
}

// Every recipe searches end to end, records its name, derives a genotype, and resumes from a
// mid-search checkpoint bit-identically: α of every group, every weight and batch-norm
// statistic, and the relaxation's random draws (GDAS, SNAS, DrNAS).
//
// The recipes share one engine (one compilation of the tiny supernet).
func TestRecipes(t *testing.T) {
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)
	t.Run("gdas-random-state", func(t *testing.T) { testGDASResumeNeedsItsRandomState(t, e) })
	t.Run("prune", func(t *testing.T) { testPruning(t, e) })
	if testing.Short() {
		t.Skip("runs every recipe")
	}
	for _, entry := range All() {
		t.Run(entry.Name, func(t *testing.T) {
			cfg, train, valid := tiny(t, entry.New(For{Epochs: 2, Space: tinySpace()}))
			var meta *search.MetaRecord
			full, err := search.New(e, cfg, train, valid, search.RecorderFunc(func(r search.Record) error {
				if r, ok := r.(*search.MetaRecord); ok {
					meta = r
				}
				return nil
			}))
			if err != nil {
				t.Fatal(err)
			}
			for !full.Done() {
				if err := full.RunEpoch(); err != nil {
					t.Fatal(err)
				}
			}
			if meta == nil || meta.Method != entry.Name || !strings.Contains(meta.Settings, "method="+entry.Name) {
				t.Fatalf("meta record %+v does not name the method %s", meta, entry.Name)
			}
			g, err := full.Genotype()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := searchspace.ParseGenotype(g.String()); err != nil {
				t.Fatal(err)
			}

			ck := filepath.Join(t.TempDir(), "ck")
			first, err := search.New(e, cfg, train, valid, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := first.RunEpoch(); err != nil {
				t.Fatal(err)
			}
			if err := first.Save(ck); err != nil {
				t.Fatal(err)
			}
			second, err := search.New(e, cfg, train, valid, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := second.Load(ck); err != nil {
				t.Fatal(err)
			}
			if first.Stopped() != nil {
				// The stopper ended the search in its first epoch (DARTS+ on the tiny space):
				// the checkpoint must keep the decision, and the full run must agree.
				if second.Stopped() == nil || full.Stopped() == nil || second.Stopped().Reason != full.Stopped().Reason {
					t.Fatalf("stop decision not resumed: full %+v, resumed %+v", full.Stopped(), second.Stopped())
				}
				t.Logf("stopped in the first epoch: %s", full.Stopped().Reason)
			} else if err := second.RunEpoch(); err != nil {
				t.Fatal(err)
			}
			sameState(t, e, full, second)
		})
	}
}

// sameState fails unless a and b hold bit-identical α and parameters.
func sameState(t *testing.T, e *engine.Engine, a, b *search.Searcher) {
	t.Helper()
	for gi, g := range a.Groups {
		for i := range g.Alpha {
			for k := range g.Alpha[i] {
				if g.Alpha[i][k] != b.Groups[gi].Alpha[i][k] {
					t.Fatalf("α %s[%d][%d] differs after resume: %v vs %v", g.Name, i, k, g.Alpha[i][k], b.Groups[gi].Alpha[i][k])
				}
			}
		}
	}
	if err := e.SyncParams(a.Net.Params); err != nil {
		t.Fatal(err)
	}
	if err := e.SyncParams(b.Net.Params); err != nil {
		t.Fatal(err)
	}
	for i, p := range a.Net.Params {
		for j := range p.Data {
			if p.Data[j] != b.Net.Params[i].Data[j] {
				t.Fatalf("%s[%d] differs after resume", p.Name, j)
			}
		}
	}
}

// GDAS's temperature and Gumbel draws survive a checkpoint: a resumed search equals the
// uninterrupted one (above), while the same resume with the random state replaced by a fresh
// one does not — the draws, not only α, are what the checkpoint carries.
func testGDASResumeNeedsItsRandomState(t *testing.T, e *engine.Engine) {
	cfg, train, valid := tiny(t, GDAS())
	ck := filepath.Join(t.TempDir(), "ck")
	a, err := search.New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RunEpoch(); err != nil {
		t.Fatal(err)
	}
	if err := a.Save(ck); err != nil {
		t.Fatal(err)
	}
	resume := func(cfg search.Config) [][]float32 {
		s, err := search.New(e, cfg, train, valid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(ck); err != nil {
			t.Fatal(err)
		}
		if err := s.TakeStep(); err != nil {
			t.Fatal(err)
		}
		return s.Groups[0].Alpha
	}
	if err := a.TakeStep(); err != nil {
		t.Fatal(err)
	}
	same := resume(cfg)
	for i := range same {
		for k := range same[i] {
			if same[i][k] != a.Groups[0].Alpha[i][k] {
				t.Fatalf("resumed GDAS step differs at α[%d][%d]", i, k)
			}
		}
	}
	// The same resume with other draws: the step differs.
	fresh, err := search.New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.Load(ck); err != nil {
		t.Fatal(err)
	}
	fresh.ReseedDraws(99)
	if err := fresh.TakeStep(); err != nil {
		t.Fatal(err)
	}
	differs := false
	for i := range same {
		for k := range same[i] {
			differs = differs || fresh.Groups[0].Alpha[i][k] != same[i][k]
		}
	}
	if !differs {
		t.Fatal("a step with other Gumbel draws gave the same α: the test cannot see the random state")
	}
}

// A Pruner's masks take effect: after each epoch the two weakest operations of every edge
// leave the search, the epoch record lists them, and their mixing weights stay zero.
func testPruning(t *testing.T, e *engine.Engine) {
	m := DARTS1()
	m.Pruner = prune.TopK{Every: 1, Drop: 2}
	cfg, train, valid := tiny(t, m)
	var epochs []*search.EpochRecord
	s, err := search.New(e, cfg, train, valid, search.RecorderFunc(func(r search.Record) error {
		if r, ok := r.(*search.EpochRecord); ok {
			epochs = append(epochs, r)
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RunEpoch(); err != nil {
		t.Fatal(err)
	}
	// 14 edges × 2 cells × 2 operations.
	if len(epochs) != 1 || len(epochs[0].Pruned) != 56 {
		t.Fatalf("epoch 1 pruned %d operations, want 56", len(epochs[0].Pruned))
	}
	if err := s.RunEpoch(); err != nil {
		t.Fatal(err)
	}
	for gi, g := range s.Expected() {
		for e, row := range g {
			alive := 0
			for k, w := range row {
				if !s.Groups[gi].Mask[e][k] && w != 0 {
					t.Fatalf("pruned op %d of edge %d has weight %v", k, e, w)
				}
				if s.Groups[gi].Mask[e][k] {
					alive++
				}
			}
			if alive != 1 { // 5 ops, 2 dropped per epoch, at least 1 kept
				t.Fatalf("group %d edge %d: %d operations alive after 2 epochs, want 1", gi, e, alive)
			}
		}
	}
}

// The curvature probe (the Hessian eigenvalue of DARTS-ES/ADA and --hessian-every) is an
// analysis pass: every weight and batch-norm statistic and α are bit-identical after it, and
// the search goes on exactly as a twin that never probed (so the optimizers' state, the
// relaxation's state and random draws — GDAS samples — and the data position were left
// alone too).
func TestCurvatureProbeLeavesStateAlone(t *testing.T) {
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)
	cfg, train, valid := tiny(t, GDAS())
	cfg.Curvature = hessian.Probe{Options: hessian.Options{Iters: 3}}
	probed, err := search.New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	twin, err := search.New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		for _, s := range []*search.Searcher{probed, twin} {
			if err := s.TakeStep(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.SyncParams(probed.Net.Params); err != nil {
		t.Fatal(err)
	}
	var before [][]float32
	for _, p := range probed.Net.Params {
		before = append(before, slices.Clone(p.Data))
	}
	eig, err := probed.HessianEig()
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(eig) || eig == 0 {
		t.Fatalf("eigenvalue %v: the probe measured nothing", eig)
	}
	if err := e.SyncParams(probed.Net.Params); err != nil {
		t.Fatal(err)
	}
	for i, p := range probed.Net.Params {
		if !slices.Equal(before[i], p.Data) {
			t.Fatalf("%s changed by the probe", p.Name)
		}
	}
	sameState(t, e, probed, twin)
	for _, s := range []*search.Searcher{probed, twin} {
		if err := s.TakeStep(); err != nil {
			t.Fatal(err)
		}
	}
	sameState(t, e, probed, twin)
	t.Logf("λmax %.4g; state untouched", eig)
}
