package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
	"github.com/dartboard-nas/dartboard/toolkit/hessian"
	"github.com/dartboard-nas/dartboard/toolkit/recipe"
	"github.com/dartboard-nas/dartboard/toolkit/regularize"
	"github.com/dartboard-nas/dartboard/toolkit/report"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// File names inside a search's --out directory.
const (
	searchLogFile      = "search.jsonl"
	searchCheckpoint   = "checkpoint"
	searchGenotypeFile = "genotype.txt"
)

// searchData loads the training part of a dataset, optionally a seeded subset of it, and
// splits it into the search's training and validation parts: by index as quark0/darts (the
// first portion trains the weights), or at random (seeded) with randomSplit.
func searchData(name, dir string, subset int, portion float64, seed uint64, randomSplit bool) (train, valid *datasets.Dataset, err error) {
	s, err := datasets.Load(name, resolveDataDir(dir))
	if err != nil {
		return nil, nil, err
	}
	d := s.Train
	if subset > 0 && subset < d.Len() {
		if d, err = d.Sample(subset, seed); err != nil {
			return nil, nil, err
		}
	}
	if randomSplit {
		return d.Split(portion, seed)
	}
	return d.SplitAt(portion)
}

func runSearch(args []string, stdout, stderr io.Writer) error {
	return searchWith(nil, args, stdout, stderr, nil)
}

// searchArgsFile holds, in a search's --out directory, the arguments it was started with (for
// dartboard analyze).
const searchArgsFile = "args.json"

// searchWith runs dartboard search with args on the session's backend and engine (nil: its
// own). With analyze, it instead restores the checkpoint of the search args describe (as
// --resume does, without writing to its directory) and hands the searcher to analyze.
func searchWith(sess *session, args []string, stdout, stderr io.Writer, analyze func(*search.Searcher, *session) error) error {
	def := search.DefaultConfig()
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	dataset := fs.String("dataset", datasets.FashionMNIST, "dataset: "+strings.Join(datasets.Names(), ", "))
	dataDir := dataDirFlag(fs)
	spec := backendFlag(fs)
	spaceName := fs.String("space", "darts", "search space: "+strings.Join(searchspace.NamedSpaces(), ", ")+" (s1–s4: RobustDARTS's reduced spaces), "+
		spaceNB201+" (NAS-Bench-201's cell; --cells-per-stage), "+spaceFBNet+" or "+spaceProxyless+" (block-wise; --width, --max-repeats, --stem-stride)")
	shape := addShapeFlags(fs)
	costWeight := fs.Float64("cost-weight", 0, "fbnet/proxylessnas: weight of the expected multiply-adds (millions) of the searchable layers in α's objective, "+
		"ProxylessNAS's λ₂·E[LAT] (Cai et al., ICLR 2019) on analytic costs (0: off)")
	layers := fs.Int("layers", 5, "cells in the supernet (DARTS: 8; not nb201, fbnet, proxylessnas)")
	channels := fs.Int("channels", 8, "initial channels (DARTS: 16; not fbnet, proxylessnas)")
	batch := fs.Int("batch", 32, "batch size of the training and validation batches (DARTS: 64)")
	epochs := fs.Int("epochs", 2, "search epochs (DARTS: 50)")
	subset := fs.Int("subset", 2000, "use a seeded random subset of this many training images (0: all)")
	mf := addMethodFlags(fs)
	split := fs.String("split", "index", "how the training images are split: index (quark0/darts: the first --portion trains the weights) or random (seeded)")
	seed := fs.Uint64("seed", 1, "seed of the weights, α, the subset, the split and the batches")
	portion := fs.Float64("portion", 0.5, "portion of the training images used for the weight steps; the rest for α")
	out := fs.String("out", "runs/search", "output directory (log, checkpoint, genotype, plots)")
	resume := fs.Bool("resume", false, "continue the search checkpointed in --out")
	ckEvery := fs.Int("checkpoint-every", 20, "also checkpoint every N steps (0: only at epoch ends)")
	evalBatches := fs.Int("eval-batches", 0, "validation batches evaluated at each epoch end (0: all, -1: none)")
	hessianEvery := fs.Int("hessian-every", 0, "also measure the Hessian eigenvalue w.r.t. α every N steps (with N > 0 at every epoch end too; rdarts-es and rdarts-ada always measure it at epoch ends)")
	overrideArgs := overrideFlag(fs, strings.Join(searchOverridable(), ", "))
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	overrides, err := ckpt.ParseOverrides(*overrideArgs)
	if err == nil {
		err = ckpt.CheckOverrides(overrides, searchOverridable())
	}
	if err == nil {
		err = applyOverrides(fs, overrides)
	}
	if err != nil {
		return usageError{err}
	}
	var c checks
	c.intIn("layers", *layers, 1, maxLayers)
	c.intIn("channels", *channels, 1, maxChannels)
	c.intIn("batch", *batch, 1, maxBatch)
	c.intIn("epochs", *epochs, 1, maxEpochs)
	c.atLeast("subset", *subset, 0)
	c.floatIn("portion", *portion, 0, 1, true, true)
	mf.check(&c)
	c.atLeast("checkpoint-every", *ckEvery, 0)
	c.atLeast("eval-batches", *evalBatches, -1)
	c.atLeast("hessian-every", *hessianEvery, 0)
	switch {
	case !slices.Contains(datasets.Names(), *dataset):
		return usageError{fmt.Errorf("unknown dataset %q: want one of %s", *dataset, strings.Join(datasets.Names(), ", "))}
	case *split != "index" && *split != "random":
		return usageError{fmt.Errorf("--split %q: want index or random", *split)}
	case c.err != nil:
		return c.err
	}
	space, searched, err := searchSpaceOf(fs, *spaceName, shape)
	if err != nil {
		return err
	}
	if len(overrides) > 0 && !*resume {
		return usageError{errors.New("--override applies to --resume only (a new search takes the flags as they are)")}
	}
	method, err := mf.method(recipe.For{Epochs: *epochs, Space: space})
	if err != nil {
		return err
	}
	plan, staged, err := mf.plan(recipe.For{Epochs: *epochs, Space: space})
	switch {
	case err != nil:
		return err
	case staged && searched != nil:
		return usageError{fmt.Errorf("--method %s: its stages grow and prune DARTS cells; --space %s has none", method.Name, *spaceName)}
	case staged && *resume:
		return usageError{fmt.Errorf("--resume: a %s search runs its stages in one process and cannot be resumed; run it again without --resume", method.Name)}
	case staged && analyze != nil:
		return usageError{fmt.Errorf("dartboard analyze reads one supernet's checkpoint; a %s search has one per stage", method.Name)}
	}
	if searched != nil {
		if err := searched.Check(method); err != nil {
			return usageError{fmt.Errorf("--method %s --space %s: %w", method.Name, *spaceName, err)}
		}
	}
	mobile, isMobile := searched.(search.MobileSpace)
	switch {
	case !(*costWeight >= 0) || math.IsInf(*costWeight, 0):
		return usageError{fmt.Errorf("--cost-weight %g: want a finite number ≥ 0", *costWeight)}
	case *costWeight > 0 && !isMobile:
		return usageError{fmt.Errorf("--cost-weight applies to --space %s or %s (their blocks' multiply-adds), not %s", spaceFBNet, spaceProxyless, *spaceName)}
	}
	logPath := filepath.Join(*out, searchLogFile)
	ckPath := filepath.Join(*out, searchCheckpoint)
	if analyze == nil {
		if err := prepareOutDir(*out, *resume, "a search", logPath, ckPath, stderr); err != nil {
			return err
		}
		if !*resume {
			data, err := json.Marshal(args)
			if err != nil {
				return fmt.Errorf("recording the arguments: %w", err)
			}
			if err := writeFileAtomic(filepath.Join(*out, searchArgsFile), data); err != nil {
				return err
			}
		}
	}

	b, eng, release, err := sess.open(*spec)
	if err != nil {
		return err
	}
	defer release()
	train, valid, err := searchData(*dataset, *dataDir, *subset, *portion, *seed, *split == "random")
	if err != nil {
		return err
	}
	if *costWeight > 0 {
		cost, err := regularize.NewMobileCost(mobile.Space, train.Channels, max(train.Height, train.Width), train.NumClasses, *costWeight)
		if err != nil {
			return err
		}
		method.Regularizers = append(method.Regularizers, cost)
	}
	cfg := def
	cfg.Space, cfg.SearchSpace = space, searched
	cfg.C, cfg.Layers, cfg.Batch, cfg.Epochs, cfg.Seed, cfg.Method = *channels, *layers, *batch, *epochs, *seed, method
	if _, nb201 := searched.(search.NB201Space); nb201 {
		cfg.Layers = *shape.cellsPerStg // the supernet's cells per stage
	}
	cfg.CheckpointEvery, cfg.EvalBatches = *ckEvery, *evalBatches
	cfg.Normalize = searchNormalization(*dataset)
	cfg.HessianEvery = *hessianEvery
	if n, ok := method.Stopper.(interface{ NeedsCurvature() bool }); *hessianEvery > 0 || (ok && n.NeedsCurvature()) {
		cfg.Curvature = hessian.Probe{}
	}
	if staged {
		return searchStages(stagedRun{eng: eng, plan: plan, cfg: cfg, train: train, valid: valid, out: *out,
			info: fmt.Sprintf("%s\nsearch: %s on %s", b.Info(), *dataset, b.Kind)}, stdout, stderr)
	}
	progress := newProgress(stderr)
	s, err := search.New(eng, cfg, train, valid, progress)
	if err != nil {
		return err
	}
	defer eng.Forget(s.Net.Params)
	if analyze != nil {
		if _, err := s.Load(ckPath); err != nil {
			return err
		}
		if sess == nil {
			sess = &session{spec: *spec, b: b, eng: eng}
		}
		return analyze(s, sess)
	}
	var offset int64
	if *resume {
		if offset, err = loadSearch(s, ckPath, overrides); err != nil {
			return err
		}
		if s.Done() {
			fmt.Fprintf(stderr, "%s: the search finished all %d epochs (step %d); reporting its genotype\n", *out, cfg.Epochs, s.Step())
		} else {
			fmt.Fprintf(stderr, "resuming %s at step %d (epoch %d of %d)\n", *out, s.Step(), s.Epoch()+1, cfg.Epochs)
		}
	}
	log, err := search.OpenJSONL(logPath, offset)
	if err != nil {
		return err
	}
	defer log.Close()
	s.SetLog(log)
	if len(overrides) > 0 {
		// The log says from which step on the overridden settings hold.
		if err := log.Record(&search.OverrideRecord{Step: s.Step(), Epoch: s.Epoch(), Settings: overrideLine(overrides)}); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "overriding %s from step %d on\n", overrideLine(overrides), s.Step())
	}
	progress.total = cfg.Epochs * s.StepsPerEpoch()
	progress.perEpoch = s.StepsPerEpoch()
	fmt.Fprintf(stderr, "%s\nsearch: %s on %s, %d train / %d valid images, %d steps per epoch, %d epochs, method %s\n",
		b.Info(), *dataset, b.Kind, train.Len(), valid.Len(), s.StepsPerEpoch(), cfg.Epochs, method.Name)
	what := fmt.Sprintf("the supernet (%d parameters)", s.Net.Params.Count())
	if err := warmupAndRun(s, what, func() int { return eng.Stats().Compiles }, ckPath, stderr); err != nil {
		progress.finish()
		return err
	}
	progress.finish()
	g, err := report.DerivedArch(s) // a stopper's kept genotype (DARTS-ES), else the final α's
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(*out, searchGenotypeFile), []byte(g.String()+"\n")); err != nil {
		return err
	}
	if err := writeSearchPlots(*out, logPath); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "log %s, checkpoint %s, plots %s\n", logPath, ckPath, filepath.Join(*out, "plots"))
	fmt.Fprintln(stdout, g.String())
	return nil
}

// searchSpaceOf returns the space --space names: a DARTS cell space (searched nil), or the
// NAS-Bench-201 or a mobile space (searched, with the DARTS space as the cell space the
// recipes see). It refuses the shape flags that do not apply to the space.
func searchSpaceOf(fs *flag.FlagSet, name string, shape spaceFlags) (searchspace.CellSpace, search.Space, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	refuse := func(flags ...string) error {
		for _, f := range flags {
			if set[f] {
				return usageError{fmt.Errorf("--%s does not apply to --space %s", f, name)}
			}
		}
		return nil
	}
	mobileFlags := []string{"width", "max-repeats", "stem-stride"}
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case spaceNB201:
		if err := refuse(append(mobileFlags, "layers")...); err != nil {
			return searchspace.CellSpace{}, nil, err
		}
		if *shape.cellsPerStg < 1 || *shape.cellsPerStg > maxLayers {
			return searchspace.CellSpace{}, nil, usageError{fmt.Errorf("--cells-per-stage %d: want 1 to %d", *shape.cellsPerStg, maxLayers)}
		}
		return searchspace.DARTSSpace(), search.NB201Space{}, nil
	case spaceFBNet, spaceProxyless:
		if err := refuse("layers", "channels", "cells-per-stage"); err != nil {
			return searchspace.CellSpace{}, nil, err
		}
		ms, err := shape.mobileSpace(n)
		if err != nil {
			return searchspace.CellSpace{}, nil, err
		}
		return searchspace.DARTSSpace(), search.MobileSpace{Space: ms}, nil
	}
	if err := refuse(append(mobileFlags, "cells-per-stage")...); err != nil {
		return searchspace.CellSpace{}, nil, err
	}
	space, err := searchspace.NamedSpace(name)
	if err != nil {
		return space, nil, usageError{fmt.Errorf("--space: %w (or %s, %s, %s)", err, spaceNB201, spaceFBNet, spaceProxyless)}
	}
	return space, nil, nil
}

// searchNormalization returns the normalization a search of dataset uses: quark0/darts's fixed
// CIFAR-10 constants for CIFAR-10, nil (the training split's statistics) for the others.
func searchNormalization(dataset string) *datasets.Normalization {
	if dataset != datasets.CIFAR10 {
		return nil
	}
	n := datasets.CIFAR10Normalization()
	return &n
}

// searchOverridable are the settings of a search checkpoint that --override may change on
// resumption (each is also a flag of the same name).
func searchOverridable() []string { return []string{"arch-lr", "epochs", "lr"} }

// applyOverrides sets the flags named by overrides (KEY=VALUE) to their values, over the
// flags' own, so that "the same command plus --override" works.
func applyOverrides(fs *flag.FlagSet, overrides map[string]string) error {
	for k, v := range overrides {
		if err := fs.Set(k, v); err != nil {
			return fmt.Errorf("--override %s=%s: %w", k, v, err)
		}
	}
	return nil
}

// loadSearch restores s from the checkpoint at path; the settings named in overrides may
// differ from the checkpoint's. A mismatch names each differing setting.
func loadSearch(s *search.Searcher, path string, overrides map[string]string) (int64, error) {
	offset, err := s.LoadOverriding(path, ckpt.OverrideKeys(overrides))
	var me *ckpt.MismatchError
	if errors.As(err, &me) {
		return 0, fmt.Errorf("%w; to change %s on purpose, pass --override KEY=VALUE", err, strings.Join(searchOverridable(), ", "))
	}
	return offset, err
}

// writeFileAtomic writes data to path through a temporary file and a rename.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// progress is a Recorder printing a progress line per step with the rate and the ETA: in
// place on a terminal, one line every few steps otherwise.
type progress struct {
	w               io.Writer
	tty             bool
	total, perEpoch int
	eta             eta
	last            time.Time
	open            bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) Record(r search.Record) error {
	switch r := r.(type) {
	case *search.StepRecord:
		now := time.Now()
		done, eta := p.eta.update(now, r.Step, p.total, time.Duration(r.StepMS*float64(time.Millisecond)))
		line := fmt.Sprintf("epoch %d step %d/%d  loss %.3f acc %.3f  α-loss %.3f  %.2f s/step  ETA %s",
			r.Epoch+1, r.Step, p.total, r.TrainLoss, r.TrainAcc, r.ArchLoss, r.StepMS/1000, etaString(eta))
		if p.tty {
			fmt.Fprintf(p.w, "\r\033[K%s", line)
			p.open = true
		} else if now.Sub(p.last) > 5*time.Second || r.Step == p.total || done == 1 {
			fmt.Fprintln(p.w, line)
			p.last = now
		}
	case *search.EpochRecord:
		p.finish()
		eig := ""
		if r.HessianEig != nil {
			eig = fmt.Sprintf(", Hessian eigenvalue %.4g", *r.HessianEig)
		}
		skips := ""
		if r.SkipCount != nil {
			skips = fmt.Sprintf(", skip connections in normal cell: %d", *r.SkipCount)
		}
		fmt.Fprintf(p.w, "epoch %d done: valid loss %.3f acc %.3f%s%s\n  %s\n",
			r.Epoch+1, r.ValidLoss, r.ValidAcc, skips, eig, r.Genotype)
		if r.Stop != "" {
			fmt.Fprintf(p.w, "  stopper: %s\n", r.Stop)
		}
	}
	return nil
}

func (p *progress) finish() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

// writeSearchPlots writes the search's plots from its log to DIR/plots/NAME.svg (α
// trajectories and heat map, entropy, skip count, loss and accuracy; see package report).
func writeSearchPlots(dir, logPath string) error {
	recs, err := search.ReadLogFile(logPath)
	if err != nil {
		return err
	}
	return report.WriteSearchPlots(dir, recs)
}
