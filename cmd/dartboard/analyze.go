package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/analysis"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// errorsFile is where dartboard analyze errors writes its figures in the run directory.
const errorsFile = "errors.json"

// errorReport is what dartboard analyze errors measures on a finished (or checkpointed) search:
// analysis.MeasureErrors's three figures and the deployment gap.
type errorReport struct {
	analysis.ErrorReport
	Deployment *deployment `json:"deployment_gap,omitempty"`
}

// deployment is the deployment gap: the derived network trained stand-alone at the search's
// size and at an evaluation size, with the same recipe and data.
type deployment struct {
	SearchSize    string  `json:"search_size"`
	EvalSize      string  `json:"eval_size"`
	SearchSizeAcc float64 `json:"search_size_test_acc"`
	EvalSizeAcc   float64 `json:"eval_size_test_acc"`
	Epochs        int     `json:"epochs"`
}

// dartsArchOf parses a DARTS genotype string as an architecture for trainWith.
func dartsArchOf(text string) (arch, error) {
	g, err := searchspace.ParseGenotype(text)
	if err != nil {
		return arch{}, err
	}
	return dartsArch(g), nil
}

// flagValue returns the value of flag --name (or -name) in args, the last one given, or def.
func flagValue(args []string, name, def string) string {
	v := def
	for i, a := range args {
		for _, p := range []string{"--" + name, "-" + name} {
			switch {
			case a == p && i+1 < len(args):
				v = args[i+1]
			case strings.HasPrefix(a, p+"="):
				v = strings.TrimPrefix(a, p+"=")
			}
		}
	}
	return v
}

// atCheckpoint rebuilds the search of run directory dir from its args.json, loads its
// checkpoint and calls f with the searcher and the search's arguments.
func atCheckpoint(sess *session, dir string, f func(s *search.Searcher, args []string) error) error {
	data, err := os.ReadFile(filepath.Join(dir, searchArgsFile))
	if err != nil {
		return fmt.Errorf("%s has no %s (a search by this dartboard writes it): %w", dir, searchArgsFile, err)
	}
	var args []string
	if err := json.Unmarshal(data, &args); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, searchArgsFile), err)
	}
	args = append(args, "--out", dir)
	return searchWith(sess, args, io.Discard, io.Discard, func(s *search.Searcher, _ *session) error { return f(s, args) })
}

// runAnalyze dispatches dartboard analyze's subcommands.
func runAnalyze(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "errors" {
		return usageError{errors.New("analyze: want a subcommand: errors --run DIR")}
	}
	return runAnalyzeErrors(args[1:], stdout, stderr)
}

// runAnalyzeErrors measures the four error sources of a search at its checkpoint and prints
// them one per line; the figures also go to DIR/errors.json.
func runAnalyzeErrors(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analyze errors", flag.ContinueOnError)
	dir := fs.String("run", "", "the search's --out directory (it must hold args.json and a checkpoint)")
	fineTune := fs.Int("fine-tune-steps", 20, "supernet sub-optimality: weight steps at the search's final α")
	recalib := fs.Int("recalib-batches", 20, "discretization: training batches of batch-norm recalibration")
	unroll := fs.Int("unroll-steps", 10, "gradient error: steps of the unrolled reference hypergradient")
	implicit := fs.Bool("implicit", false, "gradient error: the implicit-function hypergradient (CG) as the reference instead of the unrolled one")
	cgIters := fs.Int("cg-iters", 20, "gradient error: conjugate-gradient iterations of the implicit hypergradient")
	damping := fs.Float64("cg-damping", 0.1, "gradient error: damping added to the Hessian of the training loss (it need not be positive definite at the shared weights)")
	cgTol := fs.Float64("cg-tol", 0.05, "gradient error: relative residual the implicit hypergradient's CG solve must reach")
	trainEpochs := fs.Int("train-epochs", 0, "deployment gap: train the derived network stand-alone this many epochs at the search size and at the evaluation size (0: skip)")
	evalLayers := fs.Int("eval-layers", 8, "deployment gap: cells of the evaluation-size network")
	evalChannels := fs.Int("eval-channels", 16, "deployment gap: initial channels of the evaluation-size network")
	trainSubset := fs.Int("train-subset", 2000, "deployment gap: training images")
	testSubset := fs.Int("test-subset", 1000, "deployment gap: test images")
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	var c checks
	c.atLeast("fine-tune-steps", *fineTune, 0)
	c.atLeast("recalib-batches", *recalib, 0)
	c.intIn("cg-iters", *cgIters, 1, 10000)
	c.intIn("unroll-steps", *unroll, 1, 10000)
	c.floatIn("cg-damping", *damping, 0, 1e6, false, false)
	c.atLeast("train-epochs", *trainEpochs, 0)
	c.intIn("eval-layers", *evalLayers, 1, maxLayers)
	c.intIn("eval-channels", *evalChannels, 1, maxChannels)
	if *dir == "" {
		return usageError{errors.New("analyze errors: missing --run DIR")}
	}
	if c.err != nil {
		return c.err
	}
	var rep errorReport
	var searched struct {
		layers, channels int
		seed             uint64
	}
	var sargs []string
	err := atCheckpoint(nil, *dir, func(s *search.Searcher, args []string) error {
		sargs = args
		searched.layers, searched.channels, searched.seed = s.Config().Layers, s.Config().C, s.Config().Seed
		var err error
		rep.ErrorReport, err = analysis.MeasureErrors(s, analysis.ErrorOptions{
			Reference:     analysis.Reference{Implicit: *implicit, K: *unroll, CG: analysis.CGOptions{MaxIter: *cgIters, Tol: *cgTol, Damping: *damping}},
			FineTuneSteps: *fineTune, RecalibrationBatches: *recalib})
		return err
	})
	if err != nil {
		return err
	}
	if *trainEpochs > 0 {
		g, err := dartsArchOf(rep.Discretization.Genotype)
		if err != nil {
			return err
		}
		dg := &rep.Deployment
		*dg = &deployment{Epochs: *trainEpochs,
			SearchSize: fmt.Sprintf("%d cells, %d channels", searched.layers, searched.channels),
			EvalSize:   fmt.Sprintf("%d cells, %d channels", *evalLayers, *evalChannels)}
		for i, size := range [][2]int{{searched.layers, searched.channels}, {*evalLayers, *evalChannels}} {
			o := trainOptions{dataset: flagValue(sargs, "dataset", "fashion-mnist"), dataDir: flagValue(sargs, "data-dir", ""),
				backend: flagValue(sargs, "backend", ""), out: filepath.Join(*dir, fmt.Sprintf("deploy-%dx%d", size[0], size[1])),
				epochs: *trainEpochs, layers: size[0], channels: size[1], batch: 32, subset: *trainSubset, testSubset: *testSubset,
				lr: 0.025, auxWeight: 0.4, cropPadding: 4, flip: true, seed: searched.seed, ckEvery: 0, evalEvery: 1}
			if _, err := os.Stat(filepath.Join(o.out, trainCheckpoint)); err == nil {
				o.resume = true // a finished (or killed) earlier measurement: continue or report it
			}
			res, err := trainWith(nil, g, &o, io.Discard, stderr)
			if err != nil {
				return fmt.Errorf("deployment gap: %w", err)
			}
			if i == 0 {
				(*dg).SearchSizeAcc = res.TestAcc
			} else {
				(*dg).EvalSizeAcc = res.TestAcc
			}
		}
	}
	for _, g := range rep.Gradient {
		if g.Unused {
			fmt.Fprintf(stdout, "gradient error (%s cell, vs the %s): none to measure: the reference gradient is zero, this α does not reach the loss (no %s cell in a %d-cell network)\n",
				g.Cell, rep.Reference, g.Cell, searched.layers)
			continue
		}
		fmt.Fprintf(stdout, "gradient error (%s cell, vs the %s): first order cos %.3f rel %.3f; second order cos %.3f rel %.3f\n",
			g.Cell, rep.Reference, g.FirstCos, g.FirstRel, g.SecondCos, g.SecondRel)
	}
	so := rep.SubOptimality
	fmt.Fprintf(stdout, "supernet sub-optimality: valid loss %.4f → %.4f (acc %.4f → %.4f) after %d weight steps at the final α (gap %.4f)\n",
		so.ValidLossBefore, so.ValidLossAfter, so.ValidAccBefore, so.ValidAccAfter, so.Steps, so.Gap())
	d := rep.Discretization
	fmt.Fprintf(stdout, "discretization loss: valid acc supernet %.4f, derived with inherited weights %.4f, after %d batches of BN recalibration %.4f (loss %.4f)\n",
		d.SupernetAcc, d.DerivedAcc, d.RecalibrationBatches, d.DerivedRecalibratedAcc, d.Loss())
	if dg := rep.Deployment; dg != nil {
		fmt.Fprintf(stdout, "deployment gap: stand-alone test acc %.4f at the search size (%s), %.4f at the evaluation size (%s), %d epochs\n",
			dg.SearchSizeAcc, dg.SearchSize, dg.EvalSizeAcc, dg.EvalSize, dg.Epochs)
	} else {
		fmt.Fprintln(stdout, "deployment gap: not measured (pass --train-epochs N to train the derived network at both sizes)")
	}
	out, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("writing %s (a figure is not finite?): %w", errorsFile, err)
	}
	return writeFileAtomic(filepath.Join(*dir, errorsFile), append(out, '\n'))
}
