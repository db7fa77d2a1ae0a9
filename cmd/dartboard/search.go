package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dartboard-nas/dartboard/datasets"
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
// splits it into the search's training and validation halves.
func searchData(name, dir string, subset int, portion float64, seed uint64) (train, valid *datasets.Dataset, err error) {
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
	return d.Split(portion, seed)
}

func runSearch(args []string, stdout, stderr io.Writer) error {
	return searchWith(nil, args, stdout, stderr)
}

// searchWith runs dartboard search with args on the session's backend and engine (nil: its
// own).
func searchWith(sess *session, args []string, stdout, stderr io.Writer) error {
	def := search.DefaultConfig()
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	dataset := fs.String("dataset", datasets.FashionMNIST, "dataset: "+strings.Join(datasets.Names(), ", "))
	dataDir := dataDirFlag(fs)
	spec := backendFlag(fs)
	layers := fs.Int("layers", 5, "cells in the supernet (DARTS: 8)")
	channels := fs.Int("channels", 8, "initial channels (DARTS: 16)")
	batch := fs.Int("batch", 32, "batch size of the training and validation batches (DARTS: 64)")
	epochs := fs.Int("epochs", 2, "search epochs (DARTS: 50)")
	subset := fs.Int("subset", 2000, "use a seeded random subset of this many training images (0: all)")
	order := fs.Int("order", 1, "1: first-order DARTS; 2: second order (unrolled)")
	seed := fs.Uint64("seed", 1, "seed of the weights, α, the subset, the split and the batches")
	portion := fs.Float64("portion", 0.5, "portion of the training images used for the weight steps; the rest for α")
	out := fs.String("out", "runs/search", "output directory (log, checkpoint, genotype, plots)")
	resume := fs.Bool("resume", false, "continue the search checkpointed in --out")
	ckEvery := fs.Int("checkpoint-every", 20, "also checkpoint every N steps (0: only at epoch ends)")
	evalBatches := fs.Int("eval-batches", 0, "validation batches evaluated at each epoch end (0: all, -1: none)")
	lr := fs.Float64("lr", def.LR, "initial weight learning rate (cosine-annealed to --lr-min)")
	archLR := fs.Float64("arch-lr", def.ArchLR, "α learning rate (Adam)")
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	switch {
	case !slices.Contains(datasets.Names(), *dataset):
		return usageError{fmt.Errorf("unknown dataset %q: want one of %s", *dataset, strings.Join(datasets.Names(), ", "))}
	case *order != 1 && *order != 2:
		return usageError{fmt.Errorf("--order %d: want 1 or 2", *order)}
	case *portion <= 0 || *portion >= 1:
		return usageError{fmt.Errorf("--portion %g: want a value strictly between 0 and 1", *portion)}
	case *layers < 1 || *channels < 1 || *batch < 1 || *epochs < 1 || *subset < 0:
		return usageError{errors.New("--layers, --channels, --batch and --epochs must be positive, --subset ≥ 0")}
	}
	b, eng, release, err := sess.open(*spec)
	if err != nil {
		return err
	}
	defer release()
	train, valid, err := searchData(*dataset, *dataDir, *subset, *portion, *seed)
	if err != nil {
		return err
	}
	cfg := def
	cfg.C, cfg.Layers, cfg.Batch, cfg.Epochs, cfg.Order, cfg.Seed = *channels, *layers, *batch, *epochs, *order, *seed
	cfg.LR, cfg.ArchLR, cfg.CheckpointEvery, cfg.EvalBatches = *lr, *archLR, *ckEvery, *evalBatches
	cfg.Augment = datasets.Augment{CropPadding: 4, Flip: true}

	logPath := filepath.Join(*out, searchLogFile)
	ckPath := filepath.Join(*out, searchCheckpoint)
	if err := claimOutDir(*out, *resume, "a search", logPath, ckPath); err != nil {
		return err
	}
	progress := newProgress(stderr)
	s, err := search.New(eng, cfg, train, valid, progress)
	if err != nil {
		return err
	}
	defer eng.Forget(s.Net.Params)
	var offset int64
	if *resume {
		if offset, err = s.Load(ckPath); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "resuming %s at step %d (epoch %d of %d)\n", *out, s.Step(), s.Epoch()+1, cfg.Epochs)
	}
	log, err := search.OpenJSONL(logPath, offset)
	if err != nil {
		return err
	}
	defer log.Close()
	s.SetLog(log)
	progress.total = cfg.Epochs * s.StepsPerEpoch()
	progress.perEpoch = s.StepsPerEpoch()
	fmt.Fprintf(stderr, "%s\nsearch: %s on %s, %d train / %d valid images, %d steps per epoch, %d epochs, order %d\n",
		b.Info(), *dataset, b.Kind, train.Len(), valid.Len(), s.StepsPerEpoch(), cfg.Epochs, cfg.Order)
	what := fmt.Sprintf("the supernet (%d parameters)", s.Net.Params.Count())
	if err := warmupAndRun(s, what, func() int { return eng.Stats().Compiles }, ckPath, stderr); err != nil {
		progress.finish()
		return err
	}
	progress.finish()
	g, err := s.Genotype()
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

// claimOutDir creates the output directory out and, unless resuming, refuses it when it already
// holds one of files (what names the kind of run), so that nothing written before is lost.
func claimOutDir(out string, resume bool, what string, files ...string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	if resume {
		return nil
	}
	for _, p := range files {
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("%s already holds %s (%s): pass --resume to continue it, or choose another --out", out, what, filepath.Base(p))
		}
	}
	return nil
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

func (p *progress) Record(r *search.Record) error {
	switch r.Kind {
	case "step":
		now := time.Now()
		done, eta := p.eta.update(now, r.Step, p.total)
		line := fmt.Sprintf("epoch %d step %d/%d  loss %.3f acc %.3f  α-loss %.3f  %.2f s/step  ETA %s",
			r.Epoch+1, r.Step, p.total, r.TrainLoss, r.TrainAcc, r.ArchLoss, r.StepMS/1000, eta.Round(time.Second))
		if p.tty {
			fmt.Fprintf(p.w, "\r\033[K%s", line)
			p.open = true
		} else if now.Sub(p.last) > 5*time.Second || r.Step == p.total || done == 1 {
			fmt.Fprintln(p.w, line)
			p.last = now
		}
	case "epoch":
		p.finish()
		fmt.Fprintf(p.w, "epoch %d done: valid loss %.3f acc %.3f, skip connections in normal cell: %d\n  %s\n",
			r.Epoch+1, r.ValidLoss, r.ValidAcc, derefInt(r.SkipCount), r.Genotype)
	}
	return nil
}

func (p *progress) finish() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
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
