package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend"
	"github.com/dartboard-nas/dartboard/toolkit/recipe"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

func requireBackend(t *testing.T) {
	t.Helper()
	if _, _, err := backend.Resolve(""); err != nil && os.Getenv("DARTBOARD_REQUIRE_BACKEND") == "" {
		t.Skip(err)
	}
}

// A tiny search through the command line: the genotype is the last line of stdout, the log,
// checkpoint, genotype and plots are written, and a second run into the same directory is
// refused unless it resumes.
func TestSearchCommand(t *testing.T) {
	requireBackend(t)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"search", "--dataset", "synthetic", "--subset", "64", "--layers", "2", "--channels", "4",
		"--batch", "8", "--epochs", "1", "--seed", "3", "--out", out}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	g, err := searchspace.ParseGenotype(lines[len(lines)-1])
	if err != nil {
		t.Fatalf("last line is not a genotype: %v\n%s", err, stdout.String())
	}
	saved, err := os.ReadFile(filepath.Join(out, "genotype.txt"))
	if err != nil || strings.TrimSpace(string(saved)) != g.String() {
		t.Errorf("genotype.txt: %q, %v", saved, err)
	}
	recs, err := search.ReadLogFile(filepath.Join(out, "search.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	steps, epochs := len(search.Of[*search.StepRecord](recs)), len(search.Of[*search.EpochRecord](recs))
	if steps != 4 || epochs != 1 { // 32 training images, batch 8
		t.Errorf("log has %d steps and %d epochs, want 4 and 1", steps, epochs)
	}
	if _, err := os.Stat(filepath.Join(out, "checkpoint")); err != nil {
		t.Error(err)
	}
	if !strings.Contains(stderr.String(), "ETA") {
		t.Errorf("no progress on stderr:\n%s", stderr.String())
	}

	// The same directory again, without --resume: refused, nothing overwritten.
	stdout.Reset()
	stderr.Reset()
	if code := run(args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "--resume") {
		t.Errorf("second run: exit %d, stderr %q", code, stderr.String())
	}
	after, _ := search.ReadLogFile(filepath.Join(out, "search.jsonl"))
	if len(after) != len(recs) {
		t.Errorf("log changed from %d to %d records", len(recs), len(after))
	}
	// With --resume the finished search just reports its genotype.
	stdout.Reset()
	stderr.Reset()
	if code := run(append(args, "--resume"), &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), g.String()) ||
		!strings.Contains(stderr.String(), "finished all 1 epochs") || strings.Contains(stderr.String(), "epoch 2 of 1") {
		t.Errorf("resume of a finished search: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

func TestSearchCommandUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"search", "--order", "3"},
		{"search", "--method", "nope"},
		{"search", "--order", "2", "--method", "darts"},
		{"search", "--split", "sideways"},
		{"search", "--prune", "topk:0:2"},
		{"search", "--prune", "threshold:2"},
		{"search", "--prune", "sometimes"},
		{"search", "--sampled-pass"},
		{"search", "--method", "snas", "--sampled-pass"},
		{"search", "--portion", "1.5"},
		{"search", "--dataset", "imagenet"},
		{"search", "--layers", "0"},
		{"search", "--space", "s9"},
		{"search", "--method", "pdarts", "--stages", "2,x"},
		{"search", "--method", "pdarts", "--stages", "2,3"},
		{"search", "--method", "pdarts", "--stage-ops", "5,3,2"},
		{"search", "--method", "pdarts", "--stages", "2,3,4", "--stage-ops", "8,5,1"},
		{"search", "--method", "darts", "--stages", "2,3,4"},
		{"search", "--method", "pdarts", "--resume"},
		{"search", "--nope"},
		{"bench", "nothing"},
		{"bench", "search-step", "--depthwise", "grouped"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr.String())
		}
	}
}

// A CIFAR-10 search normalizes with quark0/darts's constants, others with their own statistics.
func TestSearchNormalizationAsQuark0(t *testing.T) {
	n := searchNormalization(datasets.CIFAR10)
	if n == nil || n.Mean[0] != 0.49139968 || n.Std[2] != 0.26158768 {
		t.Fatalf("CIFAR-10 normalization %+v, want quark0's constants", n)
	}
	if searchNormalization(datasets.FashionMNIST) != nil {
		t.Fatal("Fashion-MNIST gets fixed constants, want its own statistics")
	}
}

// dartboard methods lists every recipe, one line each.
func TestMethodsCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"methods"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	names := recipe.Names()
	if len(lines) != len(names) {
		t.Fatalf("%d lines for %d methods:\n%s", len(lines), len(names), stdout.String())
	}
	for i, n := range names {
		if f := strings.Fields(lines[i]); len(f) < 2 || f[0] != n {
			t.Errorf("line %d %q does not start with %s and a summary", i, lines[i], n)
		}
	}
}

// TestProgressShowsEigenvalueAndStopper: an epoch line names the Hessian eigenvalue and the
// stopper's message when the record has them.
func TestProgressShowsEigenvalueAndStopper(t *testing.T) {
	var b strings.Builder
	p := newProgress(&b)
	eig, skips := 0.125, 2
	if err := p.Record(&search.EpochRecord{Epoch: 3, SkipCount: &skips, HessianEig: &eig,
		Stop: "darts-es: grew", Genotype: "G"}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"epoch 4 done", "skip connections in normal cell: 2", "Hessian eigenvalue 0.125", "stopper: darts-es: grew"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("progress %q lacks %q", b.String(), s)
		}
	}
}

// dartboard analyze errors on a finished tiny search prints the four error sources, one named
// line each, and writes them as JSON into the run directory.
func TestAnalyzeErrorsCommand(t *testing.T) {
	requireBackend(t)
	if testing.Short() {
		t.Skip("a search, the analyses and two trainings")
	}
	out := filepath.Join(t.TempDir(), "run")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"search", "--dataset", "synthetic", "--subset", "64", "--layers", "2", "--channels", "4",
		"--batch", "8", "--epochs", "1", "--seed", "3", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("search: exit %d\n%s", code, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"analyze", "errors", "--run", out, "--fine-tune-steps", "2", "--recalib-batches", "2",
		"--unroll-steps", "2", "--train-epochs", "1", "--eval-layers", "3", "--eval-channels", "4",
		"--train-subset", "32", "--test-subset", "16"}, &stdout, &stderr); code != 0 {
		t.Fatalf("analyze: exit %d\n%s", code, stderr.String())
	}
	for _, name := range []string{"gradient error (normal cell", "gradient error (reduce cell", "supernet sub-optimality:",
		"discretization loss:", "deployment gap: stand-alone"} {
		if !strings.Contains(stdout.String(), name) {
			t.Errorf("no %q line:\n%s", name, stdout.String())
		}
	}
	// 2 layers are two reduction cells: the normal cell's α does not reach the loss, and its
	// line says so instead of printing NaN.
	if !strings.Contains(stdout.String(), "gradient error (normal cell, vs the unrolled gradient through 2 steps): none to measure") {
		t.Errorf("the unused normal α is not reported as such:\n%s", stdout.String())
	}
	data, err := os.ReadFile(filepath.Join(out, "errors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"gradient_error", "supernet_suboptimality", "discretization", "deployment_gap"} {
		if rep[k] == nil {
			t.Errorf("errors.json lacks %s", k)
		}
	}
}
