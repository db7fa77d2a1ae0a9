package search

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
)

// testEngine returns an engine on the default backend (see backendtest).
func testEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)
	return e
}

// tinyData is a small synthetic 8×8 grey dataset split 50/50.
func tinyData(t testing.TB, n int) (train, valid *datasets.Dataset) {
	t.Helper()
	sp, err := datasets.Synthetic(datasets.SyntheticConfig{Train: n, Test: 0, Height: 8, Width: 8, Channels: 1, Classes: 3, Seed: 7, Noise: 0.1, Shift: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, b, err := sp.Train.Split(0.5, 3)
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// tinyConfig is a 3-cell, 4-channel supernet over a reduced op set: it compiles in seconds.
func tinyConfig(order int) Config {
	c := DefaultConfig()
	space := searchspace.DARTSSpace()
	space.Ops = []string{"none", "max_pool_3x3", "skip_connect", "sep_conv_3x3", "dil_conv_3x3"}
	c.Space, c.C, c.Layers, c.Batch, c.Epochs = space, 4, 3, 8, 2
	c.Method = recipe(order)
	c.Method.Alpha.Schedule = optim.Constant(3e-2) // move α visibly in a few steps
	c.EvalBatches = 1
	return c
}

// recipe returns first- or second-order DARTS (package recipe imports search, so the test
// composes them itself).
func recipe(order int) Method {
	m := Method{Name: "darts", Architect: FirstOrder{}, GradClip: 5}
	if order == 2 {
		m.Name, m.Architect = "darts2", SecondOrder{}
	}
	return m
}

func TestSearchMovesAlphaAndResumesBitIdentically(t *testing.T) {
	e := testEngine(t)
	train, valid := tinyData(t, 48) // 24/24: 3 steps per epoch
	cfg := tinyConfig(1)

	// Uninterrupted: 2 epochs.
	full, err := New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	var records []Record
	full.rec = RecorderFunc(func(r Record) error { records = append(records, r); return nil })
	a0 := cloneRows(full.Group("normal").Alpha)
	for !full.Done() {
		if err := full.RunEpoch(); err != nil {
			t.Fatal(err)
		}
	}
	moved := 0.0
	for i := range a0 {
		for k := range a0[i] {
			moved = math.Max(moved, math.Abs(float64(full.Group("normal").Alpha[i][k]-a0[i][k])))
		}
	}
	if moved < 1e-3 {
		t.Errorf("α moved at most %g in 6 steps", moved)
	}
	epochs := Of[*EpochRecord](records)
	for _, r := range epochs {
		if _, err := searchspace.ParseGenotype(r.Genotype); err != nil {
			t.Errorf("epoch record genotype %q: %v", r.Genotype, err)
		}
	}
	if len(epochs) != 2 || records[0].Kind() != KindMeta {
		t.Errorf("records: %d epochs, first %q", len(epochs), records[0].Kind())
	}

	// Interrupted: 1 epoch, checkpoint, a fresh searcher restores it and runs the second.
	dir := t.TempDir()
	ck := filepath.Join(dir, "search.ckpt")
	first, err := New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.RunEpoch(); err != nil {
		t.Fatal(err)
	}
	if err := first.Save(ck); err != nil {
		t.Fatal(err)
	}
	second, err := New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.Load(ck); err != nil {
		t.Fatal(err)
	}
	if err := second.RunEpoch(); err != nil {
		t.Fatal(err)
	}
	if !second.Done() {
		t.Fatal("resumed search not done after its second epoch")
	}
	for i := range full.Group("normal").Alpha {
		for k := range full.Group("normal").Alpha[i] {
			if full.Group("normal").Alpha[i][k] != second.Group("normal").Alpha[i][k] || full.Group("reduce").Alpha[i][k] != second.Group("reduce").Alpha[i][k] {
				t.Fatalf("α differs after resume at edge %d op %d: %v vs %v", i, k, full.Group("normal").Alpha[i][k], second.Group("normal").Alpha[i][k])
			}
		}
	}
	if err := e.SyncParams(full.Net.Params); err != nil {
		t.Fatal(err)
	}
	if err := e.SyncParams(second.Net.Params); err != nil {
		t.Fatal(err)
	}
	for i, p := range full.Net.Params {
		q := second.Net.Params[i]
		for j := range p.Data {
			if p.Data[j] != q.Data[j] {
				t.Fatalf("%s[%d] differs after resume: %v vs %v", p.Name, j, p.Data[j], q.Data[j])
			}
		}
	}
}

func TestNaNStopsAndKeepsCheckpoint(t *testing.T) {
	e := testEngine(t)
	train, valid := tinyData(t, 48)
	cfg := tinyConfig(1)
	s, err := New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(t.TempDir(), "search.ckpt")
	if err := s.TakeStep(); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ck); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(ck)
	if err != nil {
		t.Fatal(err)
	}
	// Inject a NaN into a stem weight.
	p := s.Net.Params[0]
	p.Data[0] = float32(math.NaN())
	p.Touch()
	errRun := s.Run(t.Context(), ck)
	if !errors.Is(errRun, ErrNonFinite) {
		t.Fatalf("want a non-finite error, got %v", errRun)
	}
	after, err2 := os.ReadFile(ck)
	if err2 != nil || string(after) != string(before) {
		t.Fatalf("checkpoint changed or lost after the NaN (%v)", err2)
	}
	// The kept checkpoint restores.
	r, err := New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Load(ck); err != nil {
		t.Fatal(err)
	}
	if r.Step() != 1 {
		t.Fatalf("restored step %d, want 1", r.Step())
	}
	t.Logf("stopped with: %v", errRun)

	// An absurd α learning rate saturates α in one step: an error, not a result.
	cfg.Method.Alpha.Schedule = optim.Constant(1e30)
	sat, err := New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sat.TakeStep(); !errors.Is(err, ErrSaturated) {
		t.Fatalf("α lr 1e30: want ErrSaturated, got %v", err)
	}
}

// Fidelity with quark0/darts: DefaultConfig augments as DARTS; the architecture batches get
// the training augmentation and are drawn afresh every step.
func TestArchitectureBatchesAsQuark0(t *testing.T) {
	def := DefaultConfig()
	if def.Augment != (datasets.Augment{CropPadding: 4, Flip: true}) {
		t.Fatalf("DefaultConfig augments %+v, want DARTS's crop 4 and flip", def.Augment)
	}
	e := testEngine(t)
	train, valid := tinyData(t, 48)
	cfg := tinyConfig(1)
	cfg.Augment = datasets.Augment{CropPadding: 2, Flip: true}
	s, err := New(e, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	vo := s.valid.Options()
	if vo.Augment != cfg.Augment || !vo.Resample || !vo.Shuffle {
		t.Fatalf("architecture batches: augment %+v, resample %v, shuffle %v; want the training augmentation, resampled", vo.Augment, vo.Resample, vo.Shuffle)
	}
	if to := s.train.Options(); to.Augment != cfg.Augment || to.Resample {
		t.Fatalf("training batches: augment %+v, resample %v", to.Augment, to.Resample)
	}
}
