package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend"
	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/search"
	"github.com/dartboard-nas/dartboard/toolkit/train"
)

// File names inside a training run's --out directory.
const (
	trainLogFile    = "train.jsonl"
	trainCheckpoint = "checkpoint"
)

// trainOverridable are the settings of a training checkpoint that --override may change on
// resumption: the learning rate (a manual drop) and the number of epochs (to train longer; the
// cosine schedule then stretches from the step reached).
func trainOverridable() []string { return []string{"epochs", "lr"} }

// applyTrainOverrides sets the flags named by overrides (KEY=VALUE) to their values, over
// the flags' own (so that "the same command plus --override" works); a value that does not
// parse is an error.
func applyTrainOverrides(overrides map[string]string, lr *float64, epochs *int) error {
	for k, v := range overrides {
		switch k {
		case "lr":
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("--override lr=%s: not a number", v)
			}
			*lr = x
		case "epochs":
			x, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("--override epochs=%s: not an integer", v)
			}
			*epochs = x
		}
	}
	return nil
}

// overrideLine renders overrides as sorted KEY=VALUE pairs.
func overrideLine(overrides map[string]string) string {
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		keys[i] = k + "=" + overrides[k]
	}
	return strings.Join(keys, " ")
}

// trainData loads a dataset and takes seeded subsets of its parts (0: all).
func trainData(name, dir string, subset, testSubset int, seed uint64) (tr, te *datasets.Dataset, err error) {
	s, err := datasets.Load(name, resolveDataDir(dir))
	if err != nil {
		return nil, nil, err
	}
	tr, te = s.Train, s.Test
	if subset > 0 && subset < tr.Len() {
		if tr, err = tr.Sample(subset, seed); err != nil {
			return nil, nil, err
		}
	}
	if testSubset > 0 && testSubset < te.Len() {
		if te, err = te.Sample(testSubset, seed+1); err != nil {
			return nil, nil, err
		}
	}
	return tr, te, nil
}

// runTrain trains a derived genotype stand-alone with the DARTS evaluation recipe.
func runTrain(args []string, stdout, stderr io.Writer) error {
	def := train.DefaultConfig()
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	genotype := fs.String("genotype", "", "architecture: a DARTS genotype (a name ("+strings.Join(searchspace.NamedGenotypes(), ", ")+
		"), a quark0/darts string or JSON), a NAS-Bench-201 string |op~0|+|...|, or with --space fbnet/proxylessnas a block list")
	sf := addSpaceFlags(fs)
	dataset := fs.String("dataset", datasets.FashionMNIST, "dataset: "+strings.Join(datasets.Names(), ", "))
	dataDir := dataDirFlag(fs)
	spec := backendFlag(fs)
	epochs := fs.Int("epochs", 1, "training epochs (DARTS: 600)")
	channels := fs.Int("channels", 8, "initial channels (DARTS: 36)")
	layers := fs.Int("layers", 5, "cells (DARTS: 20)")
	batch := fs.Int("batch", def.Batch, "batch size")
	subset := fs.Int("subset", 2000, "train on a seeded random subset of this many training images (0: all)")
	testSubset := fs.Int("test-subset", 0, "evaluate on a seeded random subset of this many test images (0: all)")
	lr := fs.Float64("lr", def.LR, "initial learning rate (cosine-annealed to 0)")
	auxiliary := fs.Bool("auxiliary", false, "add the auxiliary head after cell 2·layers/3 (needs 32×32 inputs: see --pad-to)")
	auxWeight := fs.Float64("aux-weight", def.AuxWeight, "weight of the auxiliary loss")
	cutout := fs.Bool("cutout", false, "cutout augmentation")
	cutoutSize := fs.Int("cutout-size", 0, "cutout side (0: 16 for images of 32 pixels or more, as DARTS on CIFAR; 8 for smaller ones such as 28×28 Fashion-MNIST)")
	dropPath := fs.Float64("drop-path", 0, "final drop-path probability, reached linearly over the epochs (DARTS: 0.2)")
	cropPadding := fs.Int("crop-padding", 4, "padding of the random crop (0: no crop)")
	flip := fs.Bool("flip", true, "random horizontal flips (off by default for mnist, whose digits are not mirror-symmetric)")
	padTo := fs.Int("pad-to", 0, "zero-pad the images to N×N (default: 32 with --auxiliary on smaller images, as the auxiliary head needs 8×8 features at 2/3 depth)")
	seed := fs.Uint64("seed", 0, "seed of the weights, the subsets, the batches, the augmentation and the drop-path masks")
	out := fs.String("out", "runs/train", "output directory (train.jsonl, checkpoint)")
	resume := fs.Bool("resume", false, "continue the run checkpointed in --out")
	ckEvery := fs.Int("checkpoint-every", 50, "also checkpoint every N steps (0: only at epoch ends)")
	evalEvery := fs.Int("eval-every", 1, "evaluate the test set every N epochs (the last epoch always)")
	overrideArgs := overrideFlag(fs, strings.Join(trainOverridable(), ", "))
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	overrides, err := ckpt.ParseOverrides(*overrideArgs)
	if err == nil {
		err = ckpt.CheckOverrides(overrides, trainOverridable())
	}
	if err == nil {
		err = applyTrainOverrides(overrides, lr, epochs)
	}
	if err != nil {
		return usageError{err}
	}
	if len(overrides) > 0 && !*resume {
		return usageError{errors.New("--override applies to --resume only (a new run takes the flags as they are)")}
	}
	var c checks
	c.intIn("layers", *layers, 1, maxLayers)
	c.intIn("channels", *channels, 1, maxChannels)
	c.intIn("batch", *batch, 1, maxBatch)
	c.intIn("epochs", *epochs, 1, maxEpochs)
	c.atLeast("subset", *subset, 0)
	c.atLeast("test-subset", *testSubset, 0)
	c.atLeast("cutout-size", *cutoutSize, 0)
	c.atLeast("crop-padding", *cropPadding, 0)
	c.atLeast("pad-to", *padTo, 0)
	c.atLeast("checkpoint-every", *ckEvery, 0)
	c.atLeast("eval-every", *evalEvery, 1)
	c.floatIn("drop-path", *dropPath, 0, 1, false, true)
	c.floatIn("lr", *lr, 0, maxLR, true, false)
	c.floatIn("aux-weight", *auxWeight, 0, 100, false, false)
	switch {
	case *genotype == "":
		return usageError{fmt.Errorf("missing --genotype NAME-or-STRING (named: %s)", strings.Join(searchspace.NamedGenotypes(), ", "))}
	case !slices.Contains(datasets.Names(), *dataset):
		return usageError{fmt.Errorf("unknown dataset %q: want one of %s", *dataset, strings.Join(datasets.Names(), ", "))}
	case c.err != nil:
		return c.err
	}
	a, err := sf.parse(*genotype)
	if err != nil {
		return err
	}
	if a.space != spaceDARTS && (*auxiliary || *dropPath > 0) {
		return usageError{fmt.Errorf("--auxiliary and --drop-path exist only for DARTS genotypes, not for %s", a.space)}
	}

	logPath := filepath.Join(*out, trainLogFile)
	ckPath := filepath.Join(*out, trainCheckpoint)
	if err := prepareOutDir(*out, *resume, "a training run", logPath, ckPath, stderr); err != nil {
		return err
	}

	b, err := backend.New(*spec)
	if err != nil {
		return err
	}
	defer b.Finalize()
	trainSet, testSet, err := trainData(*dataset, *dataDir, *subset, *testSubset, *seed)
	if err != nil {
		return err
	}
	cfg := def
	cfg.C, cfg.Layers, cfg.Epochs, cfg.Batch, cfg.LR, cfg.Seed = *channels, *layers, *epochs, *batch, *lr, *seed
	cfg.Auxiliary, cfg.AuxWeight, cfg.DropPath = *auxiliary, *auxWeight, *dropPath
	cfg.CheckpointEvery, cfg.EvalEvery = *ckEvery, *evalEvery
	cfg.Augment = datasets.Augment{CropPadding: *cropPadding, Flip: *flip}
	if !set["flip"] && *dataset == datasets.MNIST {
		cfg.Augment.Flip = false
	}
	if *cutout {
		cfg.Augment.Cutout = *cutoutSize
		if cfg.Augment.Cutout == 0 {
			cfg.Augment.Cutout = train.DefaultCutout(min(trainSet.Height, trainSet.Width))
		}
	}
	cfg.PadTo = *padTo
	if a.space == spaceNB201 {
		cfg.Layers = *sf.cellsPerStg
	}
	if !set["pad-to"] && *auxiliary && trainSet.Height < 32 && trainSet.Width < 32 {
		cfg.PadTo = 32
	}

	eng := engine.New(b)
	defer eng.Finalize()
	prog := &trainProgress{w: stderr}
	var t *train.Trainer
	if a.space == spaceDARTS {
		t, err = train.New(eng, a.darts, cfg, trainSet, testSet, prog)
	} else {
		t, err = train.NewNetwork(eng, a.space+" "+a.String(), func(base network.Config) (*network.Network, error) {
			return a.build(sf, base)
		}, cfg, trainSet, testSet, prog)
	}
	if err != nil {
		return err
	}
	var offset int64
	if *resume {
		if offset, err = t.LoadOverriding(ckPath, ckpt.OverrideKeys(overrides)); err != nil {
			var me *ckpt.MismatchError
			if errors.As(err, &me) {
				return fmt.Errorf("%w; to change %s on purpose, pass --override KEY=VALUE", err, strings.Join(trainOverridable(), " or "))
			}
			return err
		}
		if t.Done() {
			fmt.Fprintf(stderr, "%s finished all %d epochs (step %d); evaluating it\n", *out, cfg.Epochs, t.Step())
		} else {
			fmt.Fprintf(stderr, "resuming %s at step %d (epoch %d of %d)\n", *out, t.Step(), t.Epoch()+1, cfg.Epochs)
		}
	}
	log, err := search.OpenJSONL(logPath, offset)
	if err != nil {
		return err
	}
	defer log.Close()
	t.SetLog(log)
	if len(overrides) > 0 {
		// The log says from which step on the overridden settings hold.
		if err := log.Record(&search.Record{Kind: "override", Step: t.Step(), Epoch: t.Epoch(), Settings: overrideLine(overrides)}); err != nil {
			return err
		}
	}
	prog.total = cfg.Epochs * t.StepsPerEpoch()

	fmt.Fprintf(stderr, "%s\ntrain: %s on %s (%s), %d train / %d test images of %d×%d×%d, %d steps per epoch, %d epochs\n",
		b.Info(), a, *dataset, b.Kind, trainSet.Len(), testSet.Len(), trainSet.Height, trainSet.Width, trainSet.Channels,
		t.StepsPerEpoch(), cfg.Epochs)
	fmt.Fprintf(stderr, "recipe: C=%d layers=%d batch=%d lr=%g cosine→0 momentum=%g wd=%g clip=%g aux=%v(%g) drop-path=%g augment=%+v pad-to=%d\n",
		cfg.C, cfg.Layers, cfg.Batch, cfg.LR, cfg.Momentum, cfg.WeightDecay, cfg.GradClip, cfg.Auxiliary, cfg.AuxWeight,
		cfg.DropPath, cfg.Augment, cfg.PadTo)
	if cfg.Auxiliary {
		fmt.Fprintf(stdout, "parameters: %d (%d without the auxiliary head)\n", t.ParamCount(), t.ParamCountNoAux())
	} else {
		fmt.Fprintf(stdout, "parameters: %d\n", t.ParamCount())
	}
	if err := warmupAndRun(t, "the network", func() int { return eng.Stats().Compiles }, ckPath, stderr); err != nil {
		return err
	}
	loss, acc := prog.testLoss, prog.testAcc
	if !prog.tested {
		// Resumed after the last epoch: nothing ran, evaluate now.
		if loss, acc, err = t.Evaluate(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "log %s, checkpoint %s\n", logPath, ckPath)
	fmt.Fprintf(stdout, "test accuracy: %.4f (loss %.4f, %d images)\n", acc, loss, testSet.Len())
	return nil
}

// trainProgress is a Recorder printing training progress: a line every few seconds, and one
// per epoch with the test evaluation. It remembers the last test result.
type trainProgress struct {
	w                 io.Writer
	total             int
	eta               eta
	last              time.Time
	tested            bool
	testLoss, testAcc float64
}

func (p *trainProgress) Record(r *search.Record) error {
	switch r.Kind {
	case "step":
		now := time.Now()
		done, eta := p.eta.update(now, r.Step, p.total, time.Duration(r.StepMS*float64(time.Millisecond)))
		if done == 1 && r.CompileMS > 0 {
			fmt.Fprintf(p.w, "first step after %.1f s of compilation\n", r.CompileMS/1000)
		}
		if now.Sub(p.last) < 5*time.Second && r.Step != p.total && done != 1 {
			return nil
		}
		p.last = now
		aux := ""
		if r.AuxLoss != 0 {
			aux = fmt.Sprintf(" aux %.3f", r.AuxLoss)
		}
		fmt.Fprintf(p.w, "epoch %d step %d/%d  loss %.3f%s acc %.3f  lr %.5f drop %.3f  %.3f s/step  ETA %s\n",
			r.Epoch+1, r.Step, p.total, r.TrainLoss, aux, r.TrainAcc, r.LR, r.DropProb, r.StepMS/1000, etaString(eta))
	case "epoch":
		line := fmt.Sprintf("epoch %d done: train loss %.4f acc %.4f, %.3f s/step", r.Epoch+1, r.TrainLoss, r.TrainAcc, r.StepMS/1000)
		if r.TestLoss != 0 || r.TestAcc != 0 {
			p.tested, p.testLoss, p.testAcc = true, r.TestLoss, r.TestAcc
			line += fmt.Sprintf(", test loss %.4f acc %.4f", r.TestLoss, r.TestAcc)
		}
		fmt.Fprintln(p.w, line)
	}
	return nil
}
