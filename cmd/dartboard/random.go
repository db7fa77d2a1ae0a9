package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/analysis"
)

// File names of the multi-run commands (random, sweep).
const (
	// resultFile marks a finished architecture (written atomically, last): a rerun skips it.
	resultFile = "result.json"
	// archGenotypeFile holds the genotype an architecture directory trains.
	archGenotypeFile = "genotype.txt"
)

// archResult is what result.json records of one trained architecture.
type archResult struct {
	Genotype string `json:"genotype"`
	trainResult
	SkipsNormal int     `json:"skips_normal"`
	SkipsReduce int     `json:"skips_reduce"`
	Seconds     float64 `json:"seconds"`
	Recipe      string  `json:"recipe"`
}

// runRandom samples random genotypes and trains each with the recipe of dartboard train.
func runRandom(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("random", flag.ContinueOnError)
	count := fs.Int("count", 3, "number of random architectures")
	like := fs.String("params-like", "", "keep only genotypes whose parameter count (analytic, on the trained network: --channels, --layers) is within --tolerance of this genotype's (a name, quark0 string or JSON)")
	tol := fs.Float64("tolerance", 0.10, "relative parameter-count tolerance of --params-like")
	tries := fs.Int("max-tries", 10000, "draws allowed per matched genotype before giving up")
	sampleSeed := fs.Uint64("sample-seed", 1, "seed of the genotype draws (the training seed is --seed)")
	out := fs.String("out", "runs/random", "output directory: arch-1, arch-2, ... (rerunning the same command continues an interrupted run)")
	var o trainOptions
	registerTrainFlags(fs, &o, "", false)
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	if err := o.parsed(fs, ""); err != nil {
		return err
	}
	if *count < 1 || !(*tol > 0) || *tries < 1 {
		return usageError{fmt.Errorf("--count %d, --tolerance %g and --max-tries %d must be positive", *count, *tol, *tries)}
	}
	opt := searchspace.SampleOptions{Tolerance: *tol, MaxTries: *tries}
	if *like != "" {
		g, err := searchspace.Lookup(*like)
		if err != nil {
			return usageError{fmt.Errorf("--params-like: %w", err)}
		}
		classes, err := numClasses(o.dataset)
		if err != nil {
			return err
		}
		opt.Like = &g
		opt.Net = searchspace.NetConfig{Channels: o.channels, Layers: o.layers, Classes: classes, Auxiliary: o.auxiliary}
	}
	gs, err := searchspace.SampleGenotypes(searchspace.DARTSSpace(), *count, *sampleSeed, opt)
	if err != nil {
		return err
	}
	sess := &session{}
	defer sess.close()
	var results []archResult
	for i, g := range gs {
		dir := filepath.Join(*out, "arch-"+strconv.Itoa(i+1))
		fmt.Fprintf(stderr, "== architecture %d of %d: %s\n", i+1, len(gs), dir)
		r, err := trainResumable(sess, g, o, dir, stderr)
		if err != nil {
			return fmt.Errorf("architecture %d (%s): %w", i+1, dir, err)
		}
		results = append(results, r)
	}
	writeRandomSummary(stdout, results)
	return nil
}

// numClasses returns the number of classes of a dataset without loading it.
func numClasses(name string) (int, error) {
	switch name {
	case datasets.FashionMNIST, datasets.MNIST, datasets.CIFAR10:
		return 10, nil
	case datasets.CIFAR100:
		return 100, nil
	case datasets.SyntheticSet:
		return datasets.DefaultSynthetic().Classes, nil
	}
	return 0, usageError{fmt.Errorf("unknown dataset %q", name)}
}

// trainResumable trains g into dir (genotype.txt, train.jsonl, checkpoint, result.json last)
// with o unless dir holds a result.json, whose result it then returns. It resumes from dir's checkpoint when there is one, and
// refuses a directory that trained another genotype.
func trainResumable(sess *session, g searchspace.Genotype, o trainOptions, dir string, stderr io.Writer) (archResult, error) {
	if r, err := readResult(dir); err == nil {
		if r.Genotype != g.String() {
			return r, fmt.Errorf("%s finished another genotype (%s): were the seeds or the count changed? choose another --out", dir, r.Genotype)
		}
		fmt.Fprintf(stderr, "%s: finished before (test accuracy %.4f), skipped\n", dir, r.TestAcc)
		return r, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return r, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return archResult{}, fmt.Errorf("output directory: %w", err)
	}
	gp := filepath.Join(dir, archGenotypeFile)
	if prev, err := os.ReadFile(gp); err == nil {
		if strings.TrimSpace(string(prev)) != g.String() {
			return archResult{}, fmt.Errorf("%s holds another genotype (%s): were the seeds or the count changed? choose another --out", dir, strings.TrimSpace(string(prev)))
		}
	} else if err := writeFileAtomic(gp, []byte(g.String()+"\n")); err != nil {
		return archResult{}, err
	}
	o.out = dir
	o.resume = fileExists(filepath.Join(o.out, trainCheckpoint))
	if !o.resume {
		// A log without a checkpoint is a run killed before its first checkpoint: start over.
		if err := os.Remove(filepath.Join(o.out, trainLogFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return archResult{}, err
		}
	}
	start := time.Now()
	tr, err := trainWith(sess, dartsArch(g), &o, stderr, stderr)
	if err != nil {
		return archResult{}, err
	}
	r := archResult{Genotype: g.String(), trainResult: tr, SkipsNormal: searchspace.SkipCount(g.Normal),
		SkipsReduce: searchspace.SkipCount(g.Reduce), Seconds: time.Since(start).Seconds(), Recipe: o.recipe()}
	return r, writeJSONAtomic(filepath.Join(dir, resultFile), r)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// readResult reads dir/result.json.
func readResult(dir string) (archResult, error) {
	var r archResult
	b, err := os.ReadFile(filepath.Join(dir, resultFile))
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: %w", filepath.Join(dir, resultFile), err)
	}
	return r, nil
}

// writeJSONAtomic writes v as indented JSON to path through a temporary file and a rename.
func writeJSONAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// readRandomResults reads the finished architectures of a random run directory (arch-N/
// result.json, in N order).
func readRandomResults(dir string) ([]archResult, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "arch-*", resultFile))
	if err != nil {
		return nil, err
	}
	num := func(p string) int {
		n, _ := strconv.Atoi(strings.TrimPrefix(filepath.Base(filepath.Dir(p)), "arch-"))
		return n
	}
	sort.Slice(paths, func(i, j int) bool { return num(paths[i]) < num(paths[j]) })
	var rs []archResult
	for _, p := range paths {
		r, err := readResult(filepath.Dir(p))
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("%s holds no finished architecture (arch-N/%s): run dartboard random --out %s first", dir, resultFile, dir)
	}
	return rs, nil
}

// writeRandomSummary prints one line per architecture and the mean ± std test accuracy.
func writeRandomSummary(w io.Writer, rs []archResult) {
	fmt.Fprintf(w, "%-5s %9s %9s %6s  %s\n", "arch", "params", "test-acc", "skips", "genotype")
	accs := make([]float64, len(rs))
	for i, r := range rs {
		accs[i] = r.TestAcc
		fmt.Fprintf(w, "%-5d %9d %9.4f %3d/%-2d  %s\n", i+1, r.Params, r.TestAcc, r.SkipsNormal, r.SkipsReduce, r.Genotype)
	}
	if m, s, err := analysis.MeanStd(accs); err == nil {
		fmt.Fprintf(w, "test accuracy: %.4f ± %.4f over %d architectures\n", m, s, len(rs))
	}
}
