package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// keeper stops at the first epoch end and keeps a fixed genotype, as DARTS-ES keeps the one
// of K epochs before.
type keeper struct{ keep searchspace.Genotype }

func (k keeper) Check(search.EpochStats) search.Decision {
	g := k.keep
	return search.Decision{Stop: true, Keep: &g, Reason: "test: keep"}
}

// TestRunSearchWritesTheKeptGenotype: a search stopped by a stopper that keeps a genotype
// reports that genotype (genotype.txt, Load, Derived), not the one of the final α.
func TestRunSearchWritesTheKeptGenotype(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a supernet")
	}
	sp, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 32, Test: 0, Height: 8, Width: 8, Channels: 1, Classes: 3, Seed: 7, Noise: 0.1, Shift: 1})
	if err != nil {
		t.Fatal(err)
	}
	train, valid, err := sp.Train.Split(0.5, 3)
	if err != nil {
		t.Fatal(err)
	}
	space, err := searchspace.RobustDARTSSpace(2) // S2: skip_connect, sep_conv_3x3
	if err != nil {
		t.Fatal(err)
	}
	keep, err := searchspace.ParseGenotype("Genotype(normal=[('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 0), ('skip_connect', 1), " +
		"('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 0), ('skip_connect', 1)], normal_concat=[2, 3, 4, 5], " +
		"reduce=[('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 0), " +
		"('skip_connect', 1), ('skip_connect', 0), ('skip_connect', 1)], reduce_concat=[2, 3, 4, 5])")
	if err != nil {
		t.Fatal(err)
	}
	cfg := search.DefaultConfig()
	cfg.Space, cfg.C, cfg.Layers, cfg.Batch, cfg.Epochs, cfg.EvalBatches = space, 2, 1, 8, 3, 1
	cfg.Method = search.Method{Name: "darts", Architect: search.FirstOrder{}, GradClip: 5, Stopper: keeper{keep}}
	eng := engine.New(backendtest.New(t))
	defer eng.Finalize()
	s, err := search.New(eng, cfg, train, valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run, err := RunSearch(context.Background(), s, dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Stopped() == nil || len(run.Epochs()) != 1 {
		t.Fatalf("the stopper did not stop the search after its first epoch: stopped %v, %d epochs", s.Stopped(), len(run.Epochs()))
	}
	final, err := s.Genotype()
	if err != nil {
		t.Fatal(err)
	}
	if final.String() == keep.String() {
		t.Fatalf("the final α derives the kept genotype itself: the test cannot tell them apart")
	}
	data, err := os.ReadFile(filepath.Join(dir, GenotypeFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(data)); got != keep.String() {
		t.Errorf("genotype.txt = %s, want the kept %s", got, keep)
	}
	if run.Genotype.String() != keep.String() {
		t.Errorf("Load's genotype = %s, want the kept %s", run.Genotype, keep)
	}
}
