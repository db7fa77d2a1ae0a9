package search

import (
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
)

// keepTop prunes once, at the end of epoch 0, every edge down to its k strongest operations.
type keepTop struct{ k int }

func (p keepTop) Prune(epoch int, expected [][][]float32, masks [][][]bool) [][][]bool {
	if epoch != 0 {
		return nil
	}
	out := make([][][]bool, len(masks))
	for g := range masks {
		for e, row := range expected[g] {
			idx := make([]int, len(row))
			for i := range idx {
				idx[i] = i
			}
			sort.SliceStable(idx, func(a, b int) bool { return row[idx[a]] > row[idx[b]] })
			keep := make([]bool, len(row))
			for _, i := range idx[:p.k] {
				keep[i] = masks[g][e][i]
			}
			out[g] = append(out[g], keep)
		}
	}
	return out
}

// splitOnly builds split edges without rebuilding after pruning: the masks-only baseline.
type splitOnly struct{}

func (splitOnly) Configure(cfg *network.Config)       { cfg.Edge = network.SplitEdges }
func (splitOnly) SetExtras(int, int, *network.Extras) {}

// computed counts the supernet's calls that compute an operation (not a zero place-holder).
func computed(net *network.Network) (ops, zeros int) {
	for _, c := range net.Prog.Calls {
		if strings.HasPrefix(c.M.Key, "zeros/") {
			zeros++
		} else {
			ops++
		}
	}
	return ops, zeros
}

// After a pruning event, a DropPruned search rebuilds its supernet without the pruned
// operations: they are no longer computed, the losses equal those of the same search pruned by
// masks only, and a resumed search rebuilds the same pruned supernet and continues identically.
func TestDropPrunedRebuildsSupernet(t *testing.T) {
	e := testEngine(t)
	train, valid := tinyData(t, 48)
	run := func(opt SupernetOption) (*Searcher, *[]Record) {
		cfg := tinyConfig(1)
		cfg.Method.Pruner = keepTop{k: 2}
		cfg.Method.Supernet = []SupernetOption{opt}
		s, err := New(e, cfg, train, valid, nil)
		if err != nil {
			t.Fatal(err)
		}
		var recs []Record
		s.rec = RecorderFunc(func(r Record) error { recs = append(recs, r); return nil })
		return s, &recs
	}
	masked, mrecs := run(splitOnly{})
	dropped, drecs := run(network.DropPruned{})
	opsBefore, _ := computed(dropped.Net)
	for _, s := range []*Searcher{masked, dropped} {
		if err := s.RunEpoch(); err != nil {
			t.Fatal(err)
		}
	}
	ck := filepath.Join(t.TempDir(), "search.ckpt")
	if err := dropped.Save(ck); err != nil {
		t.Fatal(err)
	}
	opsAfter, zerosAfter := computed(dropped.Net)
	mOps, _ := computed(masked.Net)
	t.Logf("calls computing an operation: %d before pruning, %d after (masks only: %d); %d zero place-holders", opsBefore, opsAfter, mOps, zerosAfter)
	if opsAfter >= opsBefore || mOps != opsBefore {
		t.Errorf("calls computing an operation: %d before pruning, %d after (masks only: %d)", opsBefore, opsAfter, mOps)
	}
	var pruned []string
	for _, r := range Of[*EpochRecord](*drecs) {
		pruned = append(pruned, r.Pruned...)
	}
	if len(pruned) == 0 {
		t.Fatal("no pruning event recorded")
	}
	resumed, rrecs := run(network.DropPruned{})
	if _, err := resumed.Load(ck); err != nil {
		t.Fatal(err)
	}
	if ops, zeros := computed(resumed.Net); ops != opsAfter || zeros != zerosAfter {
		t.Errorf("resumed supernet computes %d operations (%d place-holders), want %d (%d)", ops, zeros, opsAfter, zerosAfter)
	}
	for _, s := range []*Searcher{masked, dropped, resumed} {
		if err := s.RunEpoch(); err != nil {
			t.Fatal(err)
		}
	}
	losses := func(recs []Record) []float64 {
		var out []float64
		for _, r := range Of[*StepRecord](recs) {
			out = append(out, r.TrainLoss, r.ArchLoss)
		}
		return out
	}
	m, d := losses(*mrecs), losses(*drecs)
	if len(m) != len(d) || len(m) == 0 {
		t.Fatalf("%d and %d step losses", len(m), len(d))
	}
	for i := range m {
		if math.Abs(m[i]-d[i]) > 1e-5*math.Max(1, math.Abs(m[i])) {
			t.Errorf("loss %d: %v pruned by masks, %v with the pruned operations dropped", i, m[i], d[i])
		}
	}
	r := losses(*rrecs)
	tail := d[len(d)-len(r):]
	for i := range r {
		if r[i] != tail[i] {
			t.Errorf("resumed loss %d: %v, uninterrupted %v", i, r[i], tail[i])
		}
	}
	for gi, g := range dropped.Groups {
		for i := range g.Alpha {
			for k := range g.Alpha[i] {
				if g.Alpha[i][k] != resumed.Groups[gi].Alpha[i][k] {
					t.Fatalf("α %s[%d][%d] differs after resume: %v vs %v", g.Name, i, k, g.Alpha[i][k], resumed.Groups[gi].Alpha[i][k])
				}
			}
		}
	}
}

// With SampledWeights, a weight pass whose mixing weights are one-hot runs a supernet of the
// sampled operations only, and GDAS's search gives the same losses and α as with the whole
// supernet (a one-hot mixture computes exactly the sampled operation).
func TestSampledWeightPassMatchesWholeSupernet(t *testing.T) {
	e := testEngine(t)
	train, valid := tinyData(t, 48)
	run := func(opts ...SupernetOption) (*Searcher, []float64) {
		cfg := tinyConfig(1)
		cfg.Epochs = 1
		cfg.Method.Name, cfg.Method.Relaxation, cfg.Method.Supernet = "gdas", relax.NewGumbelHard(), opts
		s, err := New(e, cfg, train, valid, nil)
		if err != nil {
			t.Fatal(err)
		}
		var losses []float64
		s.rec = RecorderFunc(func(r Record) error {
			if r, ok := r.(*StepRecord); ok {
				losses = append(losses, r.TrainLoss, r.ArchLoss)
			}
			return nil
		})
		if err := s.RunEpoch(); err != nil {
			t.Fatal(err)
		}
		return s, losses
	}
	whole, wl := run()
	sampled, sl := run(network.SampledWeights{})
	if len(wl) == 0 || len(wl) != len(sl) {
		t.Fatalf("%d and %d losses", len(wl), len(sl))
	}
	for i := range wl {
		if math.Abs(wl[i]-sl[i]) > 1e-5*math.Max(1, math.Abs(wl[i])) {
			t.Errorf("loss %d: %v whole, %v sampled", i, wl[i], sl[i])
		}
	}
	for gi, g := range whole.Groups {
		for i := range g.Alpha {
			for k := range g.Alpha[i] {
				if d := math.Abs(float64(g.Alpha[i][k] - sampled.Groups[gi].Alpha[i][k])); d > 1e-5 {
					t.Errorf("α %s[%d][%d]: %v whole, %v sampled", g.Name, i, k, g.Alpha[i][k], sampled.Groups[gi].Alpha[i][k])
				}
			}
		}
	}
	// The sampled supernet computes one operation per edge; a soft mixture gets none.
	smp := sampled.samples(sampled.draw())
	mix := make([][][]float32, len(smp))
	for i := range smp {
		mix[i] = smp[i].Mix
	}
	net, _, err := sampled.sampledNet(mix)
	if err != nil || net == nil {
		t.Fatalf("sampled supernet for a hard sample: %v, %v", net, err)
	}
	ops, _ := computed(net)
	all, _ := computed(sampled.Net)
	t.Logf("calls: %d in the sampled supernet, %d in the whole one", ops, all)
	soft := relax.Softmax{}.Sample(sampled.Groups[0].Alpha, sampled.Groups[0].Ops, relax.Draw{})
	mix[0] = soft.Mix
	if net, _, err := sampled.sampledNet(mix); err != nil || net != nil {
		t.Errorf("a soft mixture got a sampled supernet (%v, %v)", net != nil, err)
	}
}
