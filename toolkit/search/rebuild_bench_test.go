package search

import (
	"slices"
	"testing"
	"time"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
)

// benchSearcher builds a searcher over the whole DARTS space on synthetic 16×16×3 images
// (8 ops, 5 cells of 8 channels, batch 16): big enough that compute, not launches, dominates.
func benchSearcher(b *testing.B, e *engine.Engine, m Method) *Searcher {
	b.Helper()
	sp, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 512, Height: 16, Width: 16, Channels: 3, Classes: 10, Seed: 1, Noise: 0.5, Shift: 2})
	if err != nil {
		b.Fatal(err)
	}
	train, valid, err := sp.Train.Split(0.5, 1)
	if err != nil {
		b.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Space, cfg.C, cfg.Layers, cfg.Batch, cfg.Epochs, cfg.EvalBatches = searchspace.DARTSSpace(), 8, 5, 16, 50, -1
	cfg.Method = m
	s, err := New(e, cfg, train, valid, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Warmup(); err != nil {
		b.Fatal(err)
	}
	return s
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkSampledWeightPass compares, in one process, GDAS's weight pass on the whole supernet
// with the pass on the sampled operations only (network.SampledWeights), on the same hard
// samples. Metrics: the median pass of each (ms), their ratio, and the first sampled pass
// (which compiles the sampled operations' executables lazily).
func BenchmarkSampledWeightPass(b *testing.B) {
	gdas := Method{Name: "gdas", Architect: FirstOrder{}, Relaxation: relax.NewGumbelHard(), GradClip: 5}
	e := testEngine(b)
	whole := benchSearcher(b, e, gdas)
	gdas.Supernet = []SupernetOption{network.SampledWeights{}}
	sampled := benchSearcher(b, e, gdas)
	batch, err := whole.train.Next()
	if err != nil {
		b.Fatal(err)
	}
	pass := func(s *Searcher, mix [][][]float32) time.Duration {
		t := time.Now()
		if _, err := s.Pass(batch, mix, PassOptions{Params: true}); err != nil {
			b.Fatal(err)
		}
		return time.Since(t)
	}
	var w, s []time.Duration
	var first time.Duration
	b.ResetTimer()
	for i := 0; i < b.N+1; i++ {
		smp := whole.samples(whole.draw())
		mix := make([][][]float32, len(smp))
		for g := range smp {
			mix[g] = smp[g].Mix
		}
		whole.step++
		dw, ds := pass(whole, mix), pass(sampled, mix)
		if i == 0 {
			first = ds
			continue
		}
		w, s = append(w, dw), append(s, ds)
	}
	b.ReportMetric(ms(median(w)), "whole-ms/pass")
	b.ReportMetric(ms(median(s)), "sampled-ms/pass")
	b.ReportMetric(float64(median(s))/float64(median(w)), "sampled/whole")
	b.ReportMetric(ms(first), "first-sampled-ms")
}

// BenchmarkPrunedStep compares, in one process, a first-order step of the split-edge supernet
// (network.DropPruned) before and after pruning every edge to its 2 strongest operations, and
// the fused supernet's step (the default) as the baseline. Metrics: median steps (ms) and the
// ratios pruned/unpruned and pruned/fused, and the recompilation after pruning.
func BenchmarkPrunedStep(b *testing.B) {
	darts := Method{Name: "darts", Architect: FirstOrder{}, GradClip: 5}
	e := testEngine(b)
	fused := benchSearcher(b, e, darts)
	darts.Supernet = []SupernetOption{network.DropPruned{}}
	split := benchSearcher(b, e, darts)
	steps := func(s *Searcher, n int) time.Duration {
		var ds []time.Duration
		for i := 0; i < n; i++ {
			t := time.Now()
			if err := s.TakeStep(); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(t))
		}
		return median(ds)
	}
	steps(fused, 1)
	steps(split, 1)
	b.ResetTimer()
	n := max(b.N, 1)
	f, u := steps(fused, n), steps(split, n)
	split.method.Pruner = keepTop{k: 2}
	if err := split.prune(&EpochRecord{}); err != nil {
		b.Fatal(err)
	}
	p := steps(split, n)
	b.ReportMetric(ms(f), "fused-ms/step")
	b.ReportMetric(ms(u), "split-ms/step")
	b.ReportMetric(ms(p), "pruned-ms/step")
	b.ReportMetric(float64(p)/float64(u), "pruned/split")
	b.ReportMetric(float64(p)/float64(f), "pruned/fused")
	b.ReportMetric(ms(split.rebuildCompile), "recompile-ms")
}
