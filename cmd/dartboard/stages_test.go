package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// tinySearch is the tiny search configuration of the method tests.
var tinySearch = []string{"--dataset", "fashion-mnist", "--layers", "3", "--channels", "4", "--batch", "16",
	"--subset", "256", "--epochs", "2", "--seed", "1"}

// searchCLI runs dartboard search with args into a new directory and returns the genotype of
// its last stdout line and its log.
func searchCLI(t *testing.T, args ...string) (searchspace.Genotype, []search.Record) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "run")
	var stdout, stderr bytes.Buffer
	if code := run(append(append([]string{"search"}, args...), "--out", out), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	g, err := searchspace.ParseGenotype(lines[len(lines)-1])
	if err != nil {
		t.Fatalf("last line is not a genotype: %v\n%s", err, stdout.String())
	}
	recs, err := search.ReadLogFile(filepath.Join(out, "search.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return g, recs
}

// dartboard search --method pcdarts runs end to end on the tiny configuration and prints the
// genotype last; its supernet has the edge-normalization groups.
func TestSearchPCDARTS(t *testing.T) {
	longTest(t, "a tiny PC-DARTS search (minutes on a loaded CPU)")
	needFashionMNIST(t)
	_, recs := searchCLI(t, append(tinySearch, "--method", "pcdarts")...)
	meta, ok := recs[0].(*search.MetaRecord)
	if !ok || meta.Method != "pcdarts" || !strings.Contains(meta.Settings, "partial-channels(K=4, edge-norm=true)") {
		t.Fatalf("meta record %+v", recs[0])
	}
}

// dartboard search --method pdarts with stages of 2, 3 and 4 cells searching 8, 5 and 3
// operations per edge: the log holds the three stage records in order, each edge of a stage
// searches exactly the stage's number of operations, a subset of the previous stage's, and the
// genotype printed last has at most 2 skip connections in its normal cell.
func TestSearchPDARTS(t *testing.T) {
	longTest(t, "a tiny three-stage P-DARTS search (minutes on a loaded CPU)")
	needFashionMNIST(t)
	g, recs := searchCLI(t, append(tinySearch, "--method", "pdarts", "--stages", "2,3,4", "--stage-ops", "8,5,3")...)
	var stages []*search.StageRecord
	epochs := 0
	for _, r := range recs {
		switch r := r.(type) {
		case *search.StageRecord:
			stages = append(stages, r)
		case *search.EpochRecord:
			epochs++
		}
	}
	if len(stages) != 3 || epochs != 6 {
		t.Fatalf("%d stage records and %d epochs, want 3 and 6 (2 per stage)", len(stages), epochs)
	}
	for i, st := range stages {
		want := []int{8, 5, 3}[i]
		if st.Stage != i+1 || st.Cells != []int{2, 3, 4}[i] || st.OpsPerEdge != want {
			t.Errorf("stage record %d: stage %d, %d cells, %d ops per edge", i+1, st.Stage, st.Cells, st.OpsPerEdge)
		}
		for e := range st.Ops {
			for _, ops := range [][]string{st.Ops[e], st.ReduceOps[e]} {
				if len(ops) != want {
					t.Errorf("stage %d edge %d searches %v, want %d operations", i+1, e, ops, want)
				}
			}
			if i > 0 && !subset(st.Ops[e], stages[i-1].Ops[e]) {
				t.Errorf("stage %d edge %d: %v is not a subset of %v", i+1, e, st.Ops[e], stages[i-1].Ops[e])
			}
		}
	}
	if g.SkipCount() > 2 {
		t.Errorf("genotype %s has %d skip connections in its normal cell", g, g.SkipCount())
	}
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
