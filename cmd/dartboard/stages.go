package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/progressive"
	"github.com/dartboard-nas/dartboard/toolkit/report"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// stagedRun is a progressive search (pdarts) as dartboard search runs it.
type stagedRun struct {
	eng          *engine.Engine
	plan         progressive.Plan
	cfg          search.Config
	train, valid *datasets.Dataset
	out          string
	info         string // the backend and data line
}

// searchStages runs the stages of r one after the other into r.out: one log, search.jsonl,
// holding each stage's record followed by that stage's meta, step and epoch records; each
// stage's checkpoint and plots in r.out/stageN; the last stage's genotype in genotype.txt and,
// last, on stdout. A staged search cannot be resumed: an interrupted one says so.
func searchStages(r stagedRun, stdout, stderr io.Writer) error {
	d, err := progressive.NewDriver(r.plan, r.cfg)
	if err != nil {
		return usageError{err}
	}
	logPath := filepath.Join(r.out, searchLogFile)
	log, err := search.OpenJSONL(logPath, 0)
	if err != nil {
		return err
	}
	defer log.Close()
	os.Remove(filepath.Join(r.out, searchGenotypeFile)) // a stale genotype must not outlive its search
	n := len(r.plan.Stages)
	for !d.Done() {
		cfg, rec, err := d.Next()
		if err != nil {
			return err
		}
		if err := log.Record(rec); err != nil {
			return err
		}
		dir := filepath.Join(r.out, fmt.Sprintf("stage%d", rec.Stage))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("stage %d: %w", rec.Stage, err)
		}
		progress := newProgress(stderr)
		s, err := search.New(r.eng, cfg, r.train, r.valid, progress)
		if err != nil {
			return fmt.Errorf("stage %d: %w", rec.Stage, err)
		}
		defer r.eng.Forget(s.Net.Params)
		s.SetLog(log)
		progress.total, progress.perEpoch = cfg.Epochs*s.StepsPerEpoch(), s.StepsPerEpoch()
		fmt.Fprintf(stderr, "%s, %d train / %d valid images, %d steps per epoch, %d epochs per stage, method %s\nstage %d of %d: %d cells, at most %d operations per edge\n",
			r.info, r.train.Len(), r.valid.Len(), s.StepsPerEpoch(), cfg.Epochs, cfg.Method.Name, rec.Stage, n, rec.Cells, rec.OpsPerEdge)
		what := fmt.Sprintf("stage %d's supernet (%d parameters)", rec.Stage, s.Net.Params.Count())
		err = warmupAndRun(s, what, func() int { return r.eng.Stats().Compiles }, filepath.Join(dir, searchCheckpoint), stderr)
		progress.finish()
		var ie interruptedError
		if errors.As(err, &ie) {
			return interruptedError{ie.sig, fmt.Sprintf("%s in stage %d of %d at step %d: a %s search cannot be resumed; run it again", signalName(ie.sig), rec.Stage, n, s.Step(), cfg.Method.Name)}
		}
		if err != nil {
			return fmt.Errorf("stage %d of %d: %w", rec.Stage, n, err)
		}
		s.SetLog(nil)
		if err := d.Finish(s); err != nil {
			return err
		}
	}
	if err := log.Close(); err != nil {
		return err
	}
	g, err := report.Derived(d.Last())
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(r.out, searchGenotypeFile), []byte(g.String()+"\n")); err != nil {
		return err
	}
	if err := writeStagePlots(r.out, logPath); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "log %s, plots %s\n", logPath, filepath.Join(r.out, "stage*", "plots"))
	fmt.Fprintln(stdout, g.String())
	return nil
}

// writeStagePlots writes each stage's plots, from its part of the log, to DIR/stageN/plots.
func writeStagePlots(dir, logPath string) error {
	recs, err := search.ReadLogFile(logPath)
	if err != nil {
		return err
	}
	var stage []search.Record
	flush := func(n int) error {
		if n == 0 {
			return nil
		}
		return report.WriteSearchPlots(filepath.Join(dir, fmt.Sprintf("stage%d", n)), stage)
	}
	n := 0
	for _, r := range recs {
		if r.Kind == "stage" {
			if err := flush(n); err != nil {
				return err
			}
			n, stage = r.Stage, nil
			continue
		}
		stage = append(stage, r)
	}
	return flush(n)
}
