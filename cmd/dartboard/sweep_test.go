package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/analysis"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

func TestSplitSweepArgs(t *testing.T) {
	sa, err := splitSweepArgs([]string{"--seeds", "3", "--dataset=fashion-mnist", "--layers", "3", "--eval-batches", "-1",
		"--train-epochs", "2", "--train-cutout", "--order", "2", "-out", "d", "--train-lr=0.1", "--backend", "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	want := sweepArgs{
		own:    []string{"--seeds", "3", "-out", "d"},
		search: []string{"--dataset=fashion-mnist", "--layers", "3", "--eval-batches", "-1", "--order", "2", "--backend", "cpu"},
		train:  []string{"--dataset=fashion-mnist", "--epochs", "2", "--cutout", "--lr=0.1", "--backend", "cpu"},
	}
	if !reflect.DeepEqual(sa, want) {
		t.Errorf("split:\n got %q\nwant %q", sa, want)
	}
	for _, bad := range [][]string{{"--seed", "2"}, {"--resume"}, {"stray"}} {
		if _, err := splitSweepArgs(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

// needFashionMNIST skips the test when the backend or Fashion-MNIST is missing.
func needFashionMNIST(t *testing.T) {
	t.Helper()
	requireBackend(t)
	if _, err := datasets.Load(datasets.FashionMNIST, ""); err != nil {
		t.Skip(err)
	}
}

// longTest skips t unless DARTBOARD_LONG_TESTS is set (and under -short): command tests whose
// compile alone takes minutes on a 2-core CPU (FBNet's mixed blocks, the per-stage supernets of
// P-DARTS, PC-DARTS's partial-channel edges). The library tests cover their logic in every run;
// run these with DARTBOARD_LONG_TESTS=1 go test ./cmd/dartboard -timeout 60m -run
// 'TestSearch(FBNetCommand|PDARTS|PCDARTS)'.
func longTest(t *testing.T, why string) {
	t.Helper()
	if testing.Short() || os.Getenv("DARTBOARD_LONG_TESTS") == "" {
		t.Skip(why + ": set DARTBOARD_LONG_TESTS=1 to run it")
	}
}

// tiny is the tiny training recipe of the command tests.
var tinyTrain = []string{"--layers", "3", "--channels", "4", "--batch", "16", "--subset", "64", "--test-subset", "64", "--epochs", "1"}

// modTimes returns the modification times of the given files.
func modTimes(t *testing.T, paths ...string) []time.Time {
	t.Helper()
	var ts []time.Time
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, st.ModTime())
	}
	return ts
}

// countSteps returns the number of step records of a log.
func countSteps(t *testing.T, path string) int {
	t.Helper()
	recs, err := search.ReadLogFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return len(search.Of[*search.StepRecord](recs))
}

// dartboard random --count 2, then --count 3 into the same directory: architectures 1 and 2
// are not trained again, an architecture whose run stopped after its last checkpoint (its
// result.json removed) resumes from it instead of starting over, and the summary lists all 3.
//
// Long (about 3 minutes on a loaded 2-core machine): skipped with -short.
func TestRandomCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("long: trains 3 networks")
	}
	needFashionMNIST(t)
	out := t.TempDir()
	args := append([]string{"random", "--dataset", "fashion-mnist", "--out", out, "--params-like", "DARTS_V2"}, tinyTrain...)
	var stdout, stderr bytes.Buffer
	if code := run(append(args, "--count", "2"), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "over 2 architectures") {
		t.Errorf("summary: %s", stdout.String())
	}
	a1 := filepath.Join(out, "arch-1")
	a2 := filepath.Join(out, "arch-2")
	before := modTimes(t, filepath.Join(a1, resultFile), filepath.Join(a1, trainLogFile), filepath.Join(a1, trainCheckpoint))
	steps2 := countSteps(t, filepath.Join(a2, trainLogFile))
	// As if killed after its last checkpoint, before its result was recorded.
	if err := os.Remove(filepath.Join(a2, resultFile)); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(append(args, "--count", "3"), &stdout, &stderr); code != 0 {
		t.Fatalf("rerun: exit %d\n%s", code, stderr.String())
	}
	after := modTimes(t, filepath.Join(a1, resultFile), filepath.Join(a1, trainLogFile), filepath.Join(a1, trainCheckpoint))
	if !reflect.DeepEqual(before, after) {
		t.Errorf("arch-1 was touched by the rerun: %v → %v", before, after)
	}
	if n := countSteps(t, filepath.Join(a2, trainLogFile)); n != steps2 {
		t.Errorf("arch-2 log has %d steps after resuming, had %d: trained again", n, steps2)
	}
	if !strings.Contains(stderr.String(), "finished before") || !strings.Contains(stderr.String(), "finished all 1 epochs") {
		t.Errorf("rerun did not skip arch-1 and resume arch-2:\n%s", stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "arch") || !strings.Contains(lines[4], "over 3 architectures") {
		t.Errorf("summary of 3: %q", lines)
	}
	for _, a := range []string{"arch-1", "arch-2", "arch-3"} {
		r, err := readResult(filepath.Join(out, a))
		if err != nil || r.Params == 0 || r.Tests != 64 || r.Steps != 4 {
			t.Errorf("%s: %+v, %v", a, r, err)
		}
	}
}

// dartboard sweep --seeds 2, then --seeds 3 into the same directory: seeds 1 and 2 are not
// searched or trained again, seed 3 is, and the summary compares the three; with --random it
// places them among random architectures trained with the same recipe.
//
// Long (11 minutes on a 2-core machine shared with a load average of 17): skipped with -short.
func TestSweepCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("long: runs 3 searches and trains 3 networks")
	}
	needFashionMNIST(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "sweep")
	search := []string{"--dataset", "fashion-mnist", "--layers", "3", "--channels", "4", "--batch", "16", "--subset", "64", "--epochs", "1"}
	var trainArgs []string
	for i := 0; i < len(tinyTrain); i += 2 {
		trainArgs = append(trainArgs, "--train-"+strings.TrimPrefix(tinyTrain[i], "--"), tinyTrain[i+1])
	}
	args := append(append([]string{"sweep", "--out", out}, search...), trainArgs...)
	var stdout, stderr bytes.Buffer
	if code := run(append(args, "--seeds", "2"), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "over 2 searches") || !strings.Contains(stdout.String(), "seeds 1-2:") {
		t.Errorf("summary: %s", stdout.String())
	}
	var files []string
	for _, s := range []string{"seed-1", "seed-2"} {
		for _, f := range []string{resultFile, searchLogFile, searchCheckpoint, searchGenotypeFile,
			"train/" + resultFile, "train/" + trainLogFile, "train/" + trainCheckpoint} {
			files = append(files, filepath.Join(out, s, f))
		}
	}
	before := modTimes(t, files...)

	stdout.Reset()
	stderr.Reset()
	if code := run(append(args, "--seeds", "3"), &stdout, &stderr); code != 0 {
		t.Fatalf("rerun: exit %d\n%s", code, stderr.String())
	}
	if after := modTimes(t, files...); !reflect.DeepEqual(before, after) {
		t.Errorf("seeds 1-2 were touched by the rerun:\n%v\n%v", before, after)
	}
	if n := strings.Count(stderr.String(), "finished before"); n != 2 {
		t.Errorf("%d seeds skipped, want 2:\n%s", n, stderr.String())
	}
	s := stdout.String()
	for _, want := range []string{"over 3 searches", "seeds 1-3:", "seeds 2-3:", "Kendall τ-b"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

// The sweep summary on known results: mean ± std, τ-b, similarity and the place among random
// architectures, checked against values computed by hand.
func TestSweepSummary(t *testing.T) {
	v1, _ := searchspace.Named("DARTS_V1")
	v2, _ := searchspace.Named("DARTS_V2")
	arch := func(g searchspace.Genotype, acc float64) archResult {
		return archResult{Genotype: g.String(), trainResult: trainResult{Params: 1000, TestAcc: acc},
			SkipsNormal: searchspace.SkipCount(g.Normal), SkipsReduce: searchspace.SkipCount(g.Reduce), Recipe: "r"}
	}
	rs := []seedResult{
		{Seed: 1, SupernetValidAcc: 0.5, Train: arch(v1, 0.80)},
		{Seed: 2, SupernetValidAcc: 0.6, Train: arch(v2, 0.90)},
	}
	random := []archResult{arch(v1, 0.70), arch(v2, 0.85), arch(v1, 0.90)}
	random[2].Recipe = "other"
	sum, err := newSweepSummary(rs, random, "R")
	if err != nil {
		t.Fatal(err)
	}
	// Two supernets score the 5 architectures (seeds 1-2, then R/arch-1..3); their mean ranks
	// them as the stand-alone accuracies (0.80 0.90 0.70 0.85 0.90) do, but for the tie.
	sum.RecalibrationBatches = 3
	if sum.Ranking, err = analysis.RankSupernetScores([][]float64{{0.3, 0.5, 0.1, 0.4, 0.5}, {0.5, 0.7, 0.3, 0.6, 0.6}},
		sum.Ranking.StandAlone); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if err := writeSweepSummary(&out, &errs, sum); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"stand-alone test accuracy: 0.8500 ± 0.0707 over 2 searches", // std of {0.8, 0.9}: 0.1/√2
		"supernet validation accuracy: 0.5500 ± 0.0707",
		"Kendall τ-b, supernet-based score vs stand-alone test accuracy (5 architectures: 2 searched, 3 random): 0.949",
		"per supernet: seed 1 1.000 seed 2 0.889",
		"R/arch-3             score 0.5500  stand-alone 0.9000",
		"seeds 1-2: normal 8/8 edges 5/8 ops, reduce 6/8 edges 6/8 ops",
		"random baseline R: test accuracy 0.8167 ± 0.1041 over 3 architectures",
		"seed 1: 0.8000 beats 1 of 3 random architectures (33%)",
		"seed 2: 0.9000 beats 2.5 of 3 random architectures (83%)", // a tie counts half
		"2/3", // DARTS_V2's skips, normal/reduce
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(errs.String(), "R/arch-3 was trained with another recipe") {
		t.Errorf("no warning about the recipe: %q", errs.String())
	}
}

// A sweep killed (SIGKILL) in the middle of its search continues from the search's last
// checkpoint when rerun: the log ends with each step exactly once. Long (a separate process,
// two compilations): skipped with -short.
func TestSweepKilledMidSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("long: kills a real sweep process")
	}
	needFashionMNIST(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "dartboard")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "sweep")
	// 128 search images, half for the weights: 4 steps per epoch, 2 epochs, a checkpoint
	// every 2 steps.
	args := []string{"sweep", "--seeds", "1", "--out", out, "--dataset", "fashion-mnist", "--layers", "3", "--channels", "4",
		"--batch", "16", "--subset", "128", "--epochs", "2", "--checkpoint-every", "2", "--eval-batches", "1"}
	for i := 0; i < len(tinyTrain); i += 2 {
		args = append(args, "--train-"+strings.TrimPrefix(tinyTrain[i], "--"), tinyTrain[i+1])
	}
	cmd := exec.Command(bin, args...)
	var killedErr bytes.Buffer
	cmd.Stderr = &killedErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(out, "seed-1", searchLogFile)
	deadline := time.Now().Add(8 * time.Minute)
	for {
		if countStepRecords(log) >= 3 { // past the checkpoint at step 2
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the sweep did not reach step 3 in time:\n%s", killedErr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if fileExists(filepath.Join(out, "seed-1", searchGenotypeFile)) {
		t.Fatal("the search finished before it was killed: nothing to resume")
	}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("rerun: exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "resuming") {
		t.Errorf("the rerun did not resume the search:\n%s", stderr.String())
	}
	if n := countSteps(t, log); n != 8 {
		t.Errorf("search log has %d steps after kill and resume, want 8", n)
	}
	if !strings.Contains(stdout.String(), "over 1 searches") {
		t.Errorf("summary: %s", stdout.String())
	}
	// One architecture has no ranking: the sweep says so and still writes its summary.
	if !strings.Contains(stderr.String(), "supernet-based scores: skipped, 1 architecture") || !fileExists(filepath.Join(out, sweepFile)) {
		t.Errorf("one-seed sweep: no skipped-ranking line or no %s:\n%s", sweepFile, stderr.String())
	}
}

func TestTrainRandomSweepUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"train"},
		{"train", "--genotype", "DARTS_V2", "--layers", "0"},
		{"train", "--genotype", "DARTS_V2", "--drop-path", "1"},
		{"random", "--count", "0"},
		{"random", "--params-like", "NOPE"},
		{"random", "--genotype", "DARTS_V2"},
		{"sweep", "--seeds", "0"},
		{"sweep", "--seed", "2"},
		{"sweep", "--train-layers", "0"},
		{"sweep", "--train-nope", "1"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}
