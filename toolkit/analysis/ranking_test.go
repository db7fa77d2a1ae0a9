package analysis_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/analysis"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// RankSupernetScores on constructed scores: the mean over supernets, τ-b of the mean and of
// each supernet (checked by hand), NaN with a reason when a ranking is constant, and the errors.
func TestRankSupernetScores(t *testing.T) {
	standAlone := []float64{0.80, 0.90, 0.70, 0.85}
	// Supernet 1 ranks as the stand-alone accuracies do; supernet 2 puts architecture 1 above
	// 2 and ties 2 with 3 and 1 with 4. (Dyadic values: the means are exact.)
	scores := [][]float64{{0.5, 0.75, 0.125, 0.625}, {0.5, 0.25, 0.25, 0.5}}
	r, err := analysis.RankSupernetScores(scores, standAlone)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0.5, 0.5, 0.1875, 0.5625} {
		if r.Score[i] != want {
			t.Errorf("mean score %d = %g, want %g", i, r.Score[i], want)
		}
	}
	// Mean: (1,2) tied in the scores, (2,4) discordant, the other four concordant:
	// (4−1)/√(5·6).
	if want := 3 / math.Sqrt(30); math.Abs(r.Tau-want) > 1e-12 {
		t.Errorf("τ = %g, want %g", r.Tau, want)
	}
	// Supernet 2: (1,2) and (2,4) discordant, (1,3) and (3,4) concordant, two ties: 0.
	if r.PerSupernet[0] != 1 || math.Abs(r.PerSupernet[1]) > 1e-12 {
		t.Errorf("τ per supernet = %v, want [1 0]", r.PerSupernet)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"tau":0.5477`) || !strings.Contains(string(b), `"tau_per_supernet":[1,0]`) {
		t.Errorf("JSON: %s", b)
	}

	flat, err := analysis.RankSupernetScores([][]float64{{0.3, 0.3, 0.3, 0.3}}, standAlone)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(flat.Tau) || flat.TauError == "" {
		t.Errorf("constant scores: τ %g, reason %q; want NaN and a reason", flat.Tau, flat.TauError)
	}
	if b, err := json.Marshal(flat); err != nil || !strings.Contains(string(b), `"tau":null`) {
		t.Errorf("JSON of an undefined τ: %s, %v", b, err)
	}
	for _, bad := range []struct {
		scores     [][]float64
		standAlone []float64
	}{{nil, standAlone}, {[][]float64{{1, 2, 3}}, standAlone}, {[][]float64{{1}}, []float64{0.5}}} {
		if _, err := analysis.RankSupernetScores(bad.scores, bad.standAlone); err == nil {
			t.Errorf("RankSupernetScores(%v, %v): no error", bad.scores, bad.standAlone)
		}
	}
}

// InheritedScores on a tiny supernet: every architecture is scored from the same supernet
// state (scoring one twice, in between others, gives the same score), and the supernet is left
// as it was (its own validation loss is unchanged, bit for bit).
func TestInheritedScoresRestoreTheSupernet(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a supernet")
	}
	sp, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 64, Test: 0, Height: 8, Width: 8, Channels: 1, Classes: 3, Seed: 7, Noise: 0.1, Shift: 1})
	if err != nil {
		t.Fatal(err)
	}
	train, valid, err := sp.Train.Split(0.5, 3)
	if err != nil {
		t.Fatal(err)
	}
	cfg := search.DefaultConfig()
	cfg.C, cfg.Layers, cfg.Batch, cfg.Epochs, cfg.EvalBatches = 2, 1, 8, 1, 1
	eng := engine.New(backendtest.New(t))
	defer eng.Finalize()
	s, err := search.New(eng, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RunEpoch(); err != nil {
		t.Fatal(err)
	}
	gs, err := searchspace.SampleGenotypes(searchspace.DARTSSpace(), 2, 5, searchspace.SampleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gs = append(gs, gs[0])
	lossBefore, _, err := s.Evaluate(0)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := analysis.InheritedScores(s, gs, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 3 || scores[0] != scores[2] {
		t.Errorf("scores %v: want 3, the first and the last (the same genotype) equal", scores)
	}
	for _, v := range scores {
		if v < 0 || v > 1 {
			t.Errorf("score %g is not an accuracy", v)
		}
	}
	lossAfter, _, err := s.Evaluate(0)
	if err != nil {
		t.Fatal(err)
	}
	if lossAfter != lossBefore {
		t.Errorf("the supernet's validation loss moved from %g to %g: the scoring changed it", lossBefore, lossAfter)
	}
	// Without the restore the recalibration would have changed the running statistics: check
	// that it does, or the test above cannot fail.
	mix, err := analysis.OneHotMix(s, gs[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecalibrateBN(mix, 2); err != nil {
		t.Fatal(err)
	}
	if moved, _, err := s.Evaluate(0); err != nil || moved == lossBefore {
		t.Errorf("a recalibration left the validation loss at %g (%v): the restore is not tested", moved, err)
	}
}
