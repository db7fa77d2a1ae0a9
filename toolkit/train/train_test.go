package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// testEngine returns an engine on the default backend (see backendtest).
func testEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)
	return e
}

// synthetic returns a small synthetic dataset of side×side grey images in 3 classes.
func synthetic(t testing.TB, train, test, side int) (*datasets.Dataset, *datasets.Dataset) {
	t.Helper()
	sp, err := datasets.Synthetic(datasets.SyntheticConfig{Train: train, Test: test, Height: side, Width: side, Channels: 1,
		Classes: 3, Seed: 7, Noise: 0.1, Shift: 1})
	if err != nil {
		t.Fatal(err)
	}
	return sp.Train, sp.Test
}

func darts(t testing.TB) searchspace.Genotype {
	t.Helper()
	g, err := searchspace.Lookup("DARTS_V2")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// tinyConfig is a 3-cell, 4-channel network: it compiles in seconds.
func tinyConfig() Config {
	c := DefaultConfig()
	c.C, c.Layers, c.Epochs, c.Batch = 4, 3, 2, 8
	c.Auxiliary = false
	c.Augment = datasets.Augment{CropPadding: 1, Flip: true, Cutout: 3}
	c.DropPath = 0.3
	return c
}

// The trainer's network has exactly the parameter count searchspace.Size computes (the
// published DARTS_V2 evaluation network: 3,349,342 without the auxiliary head). Building
// needs no backend.
func TestParamCountMatchesSearchspace(t *testing.T) {
	g := darts(t)
	for _, tc := range []struct {
		channels int
		aux      bool
	}{{3, false}, {3, true}, {1, true}} {
		sp, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 4, Test: 2, Height: 32, Width: 32, Channels: tc.channels, Classes: 10, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		cfg := DefaultConfig()
		cfg.Auxiliary, cfg.Batch = tc.aux, 4
		tr, err := New(nil, g, cfg, sp.Train, sp.Test, nil)
		if err != nil {
			t.Fatal(err)
		}
		nc := searchspace.NetConfig{Channels: 36, Layers: 20, Classes: 10, Auxiliary: tc.aux}
		want, _, err := searchspace.Size(g, nc)
		if err != nil {
			t.Fatal(err)
		}
		nc.Auxiliary = false
		noAux, _, err := searchspace.Size(g, nc)
		if err != nil {
			t.Fatal(err)
		}
		// searchspace.Size counts a 3-channel stem: 3·3·3 weights per stem channel.
		l, err := nc.Macro(g).Layout()
		if err != nil {
			t.Fatal(err)
		}
		stemDiff := int64((3 - tc.channels) * 9 * l.Stem)
		if got := tr.ParamCount(); got != want-stemDiff {
			t.Errorf("%d channels, aux=%v: %d parameters, searchspace.Size counts %d", tc.channels, tc.aux, got, want-stemDiff)
		}
		if got := tr.ParamCountNoAux(); got != noAux-stemDiff {
			t.Errorf("%d channels, aux=%v: %d parameters without the auxiliary head, want %d", tc.channels, tc.aux, got, noAux-stemDiff)
		}
		if tc.channels == 3 && tr.ParamCountNoAux() != 3349342 {
			t.Errorf("DARTS_V2 36/20: %d parameters, the published network has 3349342", tr.ParamCountNoAux())
		}
	}
}

func TestAuxiliaryNeeds32x32(t *testing.T) {
	train, test := synthetic(t, 4, 2, 28)
	cfg := tinyConfig()
	cfg.Auxiliary, cfg.Batch = true, 4
	_, err := New(nil, darts(t), cfg, train, test, nil)
	if err == nil {
		t.Fatal("28×28 images with the auxiliary head: no error")
	}
	t.Logf("error: %v", err)
	cfg.PadTo = 32
	tr, err := New(nil, darts(t), cfg, train, test, nil)
	if err != nil {
		t.Fatalf("padded to 32×32: %v", err)
	}
	if tr.trainSet.Height != 32 || tr.testSet.Width != 32 {
		t.Fatalf("padded sets are %d×%d", tr.trainSet.Height, tr.testSet.Width)
	}
}

func TestPad(t *testing.T) {
	ds := &datasets.Dataset{Name: "d", Height: 2, Width: 3, Channels: 1, NumClasses: 2,
		Uint8: []uint8{1, 2, 3, 4, 5, 6}, Labels: []int32{1}}
	p, err := Pad(ds, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []uint8{
		0, 0, 0, 0,
		1, 2, 3, 0,
		4, 5, 6, 0,
		0, 0, 0, 0,
	}
	if string(p.Uint8) != string(want) || p.Height != 4 || p.Width != 4 || p.Labels[0] != 1 {
		t.Fatalf("padded: %v (%d×%d)", p.Uint8, p.Height, p.Width)
	}
	if _, err := Pad(ds, 2); err == nil {
		t.Fatal("padding 2×3 to 2×2: no error")
	}
}

func TestDropPathMasks(t *testing.T) {
	m, err := DropPathMasks(5, 3, 4, 16, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range m {
		for _, v := range row {
			if v != 1 {
				t.Fatalf("probability 0: mask value %v", v)
			}
		}
	}
	a, _ := DropPathMasks(5, 3, 40, 100, 0.2)
	b, _ := DropPathMasks(5, 3, 40, 100, 0.2)
	c, _ := DropPathMasks(5, 4, 40, 100, 0.2)
	same, kept, total := true, 0, 0
	for k := range a {
		for i := range a[k] {
			if a[k][i] != b[k][i] {
				t.Fatalf("same seed and step, different masks at %d,%d", k, i)
			}
			if a[k][i] != c[k][i] {
				same = false
			}
			switch a[k][i] {
			case 0:
			case float32(1 / 0.8):
				kept++
			default:
				t.Fatalf("mask value %v: want 0 or 1/0.8", a[k][i])
			}
			total++
		}
	}
	if same {
		t.Error("steps 3 and 4 drew the same masks")
	}
	if f := float64(kept) / float64(total); math.Abs(f-0.8) > 0.03 {
		t.Errorf("kept %.3f of the paths, want ≈0.8", f)
	}
	if _, err := DropPathMasks(5, 3, 1, 1, 1); err == nil {
		t.Error("probability 1: no error")
	}
}

// With drop probability 0 (the first epoch) the masks are ones and the network with drop-path
// inputs computes exactly what the network without them computes.
func TestZeroDropPathChangesNothing(t *testing.T) {
	e := testEngine(t)
	train, test := synthetic(t, 16, 8, 8)
	cfg := tinyConfig()
	with, err := New(e, darts(t), cfg, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DropPath = 0
	without, err := New(e, darts(t), cfg, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(with.Net.DropMasks) == 0 || len(without.Net.DropMasks) != 0 {
		t.Fatalf("mask slots: %d with drop path, %d without", len(with.Net.DropMasks), len(without.Net.DropMasks))
	}
	if with.DropProb() != 0 {
		t.Fatalf("epoch 0 drop probability %v", with.DropProb())
	}
	b, err := with.train.Next()
	if err != nil {
		t.Fatal(err)
	}
	loss := func(tr *Trainer) float64 {
		masks, err := tr.maskTensors(0, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer releaseTensors(masks...)
		p, err := e.Forward(tr.Net.Prog, tr.inputs(b.Images, b.Labels, masks), true)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Release()
		l, err := p.Scalar(tr.Net.Loss)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	if a, c := loss(with), loss(without); a != c {
		t.Fatalf("loss %v with ones masks, %v without drop path", a, c)
	}
}

// The training loss goes down over a few epochs of a small synthetic problem.
func TestLossGoesDown(t *testing.T) {
	e := testEngine(t)
	train, test := synthetic(t, 48, 16, 8)
	cfg := tinyConfig()
	cfg.Epochs, cfg.DropPath, cfg.Augment = 4, 0, datasets.Augment{}
	var epochs []*search.EpochRecord
	rec := search.RecorderFunc(func(r search.Record) error {
		if r, ok := r.(*search.EpochRecord); ok {
			epochs = append(epochs, r)
		}
		return nil
	})
	tr, err := New(e, darts(t), cfg, train, test, rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	if len(epochs) != cfg.Epochs {
		t.Fatalf("%d epoch records, want %d", len(epochs), cfg.Epochs)
	}
	first, last := epochs[0].TrainLoss, epochs[len(epochs)-1].TrainLoss
	t.Logf("train loss by epoch: %v → %v; test acc %v", first, last, epochs[len(epochs)-1].TestAcc)
	if !(last < 0.8*first) {
		t.Errorf("training loss went from %v to %v: want a drop of at least 20%%", first, last)
	}
}

// The evaluation of a test set that is not a multiple of the batch (blank examples labelled
// -1 complete the last batch) equals the evaluation in batches that divide it.
func TestEvaluatePartialBatch(t *testing.T) {
	e := testEngine(t)
	train, test := synthetic(t, 16, 10, 8)
	cfg := tinyConfig()
	a, err := New(e, darts(t), cfg, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Batch = 5
	b, err := New(e, darts(t), cfg, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	la, aa, err := a.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	lb, ab, err := b.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	if aa != ab || math.Abs(la-lb) > 1e-5*math.Abs(lb) {
		t.Fatalf("batch 8 (last padded): loss %v acc %v; batch 5: loss %v acc %v", la, aa, lb, ab)
	}
}

// One epoch, a checkpoint, a fresh trainer restoring it and a second epoch give bit for bit
// what two uninterrupted epochs give (drop path, augmentation, auxiliary head, padding).
func TestResumeIsBitIdentical(t *testing.T) {
	e := testEngine(t)
	train, test := synthetic(t, 24, 6, 28)
	cfg := tinyConfig()
	cfg.Auxiliary, cfg.PadTo = true, 32
	cfg.DropPath = 0.5 // nonzero in the second epoch
	epochRecs := func(recs *[]search.EpochRecord) search.Recorder {
		return search.RecorderFunc(func(r search.Record) error {
			if r, ok := r.(*search.EpochRecord); ok {
				c := *r
				c.Seconds, c.StepMS = 0, 0
				*recs = append(*recs, c)
			}
			return nil
		})
	}
	var fullRecs, resRecs []search.EpochRecord
	full, err := New(e, darts(t), cfg, train, test, epochRecs(&fullRecs))
	if err != nil {
		t.Fatal(err)
	}
	if err := full.Run(t.Context(), ""); err != nil {
		t.Fatal(err)
	}

	ck := filepath.Join(t.TempDir(), "checkpoint")
	first, err := New(e, darts(t), cfg, train, test, epochRecs(&resRecs))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.RunEpoch(); err != nil {
		t.Fatal(err)
	}
	if err := first.Save(ck); err != nil {
		t.Fatal(err)
	}
	second, err := New(e, darts(t), cfg, train, test, epochRecs(&resRecs))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.Load(ck); err != nil {
		t.Fatal(err)
	}
	if second.DropProb() != 0.25 {
		t.Fatalf("resumed drop probability %v, want 0.25", second.DropProb())
	}
	if err := second.Run(t.Context(), ck); err != nil {
		t.Fatal(err)
	}
	if !second.Done() {
		t.Fatal("resumed training not done after its second epoch")
	}
	if len(fullRecs) != 2 || len(resRecs) != 2 {
		t.Fatalf("%d and %d epoch records", len(fullRecs), len(resRecs))
	}
	for i := range fullRecs {
		a, _ := json.Marshal(fullRecs[i])
		b, _ := json.Marshal(resRecs[i])
		if string(a) != string(b) {
			t.Errorf("epoch %d record differs:\n  full:    %+v\n  resumed: %+v", i, fullRecs[i], resRecs[i])
		}
	}
	for _, tr := range []*Trainer{full, second} {
		if err := e.SyncParams(tr.Net.Params); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range full.Net.Params {
		q := second.Net.Params[i]
		for j := range p.Data {
			if p.Data[j] != q.Data[j] {
				t.Fatalf("%s[%d] differs after resume: %v vs %v", p.Name, j, p.Data[j], q.Data[j])
			}
		}
	}
	// A checkpoint of other settings is refused.
	cfg.Seed++
	other, err := New(e, darts(t), cfg, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.Load(ck)
	var me *ckpt.MismatchError
	if !errors.As(err, &me) || strings.Join(me.Keys(), ",") != "seed" ||
		!strings.Contains(err.Error(), fmt.Sprintf("seed: checkpoint %d, this run %d", cfg.Seed-1, cfg.Seed)) {
		t.Errorf("a checkpoint of another seed: %v", err)
	}
	// Unless the setting is overridden.
	if _, err := other.LoadOverriding(ck, map[string]bool{"seed": true}); err != nil {
		t.Errorf("seed overridden: %v", err)
	}
}

func TestNaNStopsAndKeepsCheckpoint(t *testing.T) {
	e := testEngine(t)
	train, test := synthetic(t, 24, 8, 8)
	tr, err := New(e, darts(t), tinyConfig(), train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(t.TempDir(), "checkpoint")
	if err := tr.TakeStep(); err != nil {
		t.Fatal(err)
	}
	if err := tr.Save(ck); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(ck)
	if err != nil {
		t.Fatal(err)
	}
	p := tr.Net.Params[0] // a stem weight
	p.Data[0] = float32(math.NaN())
	p.Touch()
	errRun := tr.Run(t.Context(), ck)
	if !errors.Is(errRun, search.ErrNonFinite) {
		t.Fatalf("want a non-finite error, got %v", errRun)
	}
	after, err := os.ReadFile(ck)
	if err != nil || string(after) != string(before) {
		t.Fatalf("checkpoint changed or lost after the NaN (%v)", err)
	}
	t.Logf("stopped with: %v", errRun)
}

// NewNetwork trains the derived networks of the other spaces: a NAS-Bench-201 cell (its loss
// drops) and a small mobile-space block list (its parameter count is searchspace's); it refuses
// the auxiliary head and drop path.
func TestNewNetworkOtherSpaces(t *testing.T) {
	e := testEngine(t)
	train, test := synthetic(t, 48, 16, 8)
	cfg := tinyConfig()
	cfg.Epochs, cfg.DropPath, cfg.Augment = 4, 0, datasets.Augment{}
	cfg.Layers = 1 // NAS-Bench-201: cells per stage
	a, err := searchspace.ParseNB201("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|")
	if err != nil {
		t.Fatal(err)
	}
	var epochs []*search.EpochRecord
	rec := search.RecorderFunc(func(r search.Record) error {
		if r, ok := r.(*search.EpochRecord); ok {
			epochs = append(epochs, r)
		}
		return nil
	})
	nb := func(c network.Config) (*network.Network, error) { return network.NB201Derived(a, c) }
	bad := cfg
	bad.DropPath = 0.2
	if _, err := NewNetwork(e, a.String(), nb, bad, train, test, rec); err == nil {
		t.Error("NewNetwork accepted drop path for a NAS-Bench-201 network")
	}
	tr, err := NewNetwork(e, a.String(), nb, cfg, train, test, rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	first, last := epochs[0].TrainLoss, epochs[len(epochs)-1].TrainLoss
	t.Logf("nas-bench-201 train loss by epoch: %v → %v; test acc %v", first, last, epochs[len(epochs)-1].TestAcc)
	if !(last < 0.8*first) {
		t.Errorf("nas-bench-201: training loss went from %v to %v: want a drop of at least 20%%", first, last)
	}

	space := searchspace.MobileSpace{Name: "tiny", StemChannels: 8, StemStride: 1,
		Stages: []searchspace.Stage{{Channels: 8, Repeats: 1, Stride: 1}, {Channels: 16, Repeats: 1, Stride: 2}}, HeadChannels: 16,
		Blocks: []searchspace.Block{{Name: "ir_k3_e3", Kernel: 3, Expansion: 3, Groups: 1}, {Name: "skip", Skip: true}}, SkipOnReshape: true}
	arch, err := space.ParseMobileArch("ir_k3_e3|skip")
	if err != nil {
		t.Fatal(err)
	}
	epochs = nil
	cfg.Epochs = 1
	tr, err = NewNetwork(e, arch.String(), func(c network.Config) (*network.Network, error) {
		return network.MobileDerived(space, arch, c)
	}, cfg, train, test, rec)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := space.MobileSize(arch, 1, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	if tr.ParamCount() != want {
		t.Errorf("mobile: the trainer's network has %d parameters, searchspace counts %d", tr.ParamCount(), want)
	}
	if err := tr.Run(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	if len(epochs) != 1 || math.IsNaN(epochs[0].TrainLoss) {
		t.Errorf("mobile: epoch records %v", epochs)
	}
}
