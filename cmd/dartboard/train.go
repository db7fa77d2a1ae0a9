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

// trainOptions are the settings of one stand-alone training run (the flags of dartboard train).
type trainOptions struct {
	genotype, dataset, dataDir, backend, out            string
	epochs, channels, layers, batch, subset, testSubset int
	cutoutSize, cropPadding, padTo, ckEvery, evalEvery  int
	lr, auxWeight, dropPath                             float64
	auxiliary, cutout, flip, resume                     bool
	seed                                                uint64
	flipSet, padToSet                                   bool // given on the command line
	// sf chooses the space of --genotype (dartboard train only; nil: DARTS genotypes).
	sf *spaceFlags
	// overrideArgs are the --override KEY=VALUE arguments (dartboard train only), parsed into
	// overrides.
	overrideArgs *stringList
	overrides    map[string]string
}

// registerTrainFlags adds the recipe flags of dartboard train to fs, each name prefixed by
// prefix ("" for train and random, "train-" for sweep). With all or an empty prefix it also
// adds --dataset, --data-dir and --backend (unprefixed); with all, --genotype, --out and
// --resume, which a command running several trainings sets itself.
func registerTrainFlags(fs *flag.FlagSet, o *trainOptions, prefix string, all bool) {
	def := train.DefaultConfig()
	if all {
		fs.StringVar(&o.genotype, "genotype", "", "architecture: a DARTS genotype (a name ("+strings.Join(searchspace.NamedGenotypes(), ", ")+
			"), a quark0/darts string or JSON), a NAS-Bench-201 string |op~0|+|...|, or with --space fbnet/proxylessnas a block list")
		sf := addSpaceFlags(fs)
		o.sf = &sf
		fs.StringVar(&o.out, "out", "runs/train", "output directory (train.jsonl, checkpoint)")
		fs.BoolVar(&o.resume, "resume", false, "continue the run checkpointed in --out")
		o.overrideArgs = overrideFlag(fs, strings.Join(trainOverridable(), ", "))
	}
	if all || prefix == "" {
		fs.StringVar(&o.dataset, "dataset", datasets.FashionMNIST, "dataset: "+strings.Join(datasets.Names(), ", "))
		fs.StringVar(&o.dataDir, "data-dir", "", "dataset root directory, or the directory of the dataset's files (default: $"+datasets.EnvDataDir+", else "+datasets.DefaultDir+")")
		fs.StringVar(&o.backend, "backend", "", "backend: cpu, cuda, or a PJRT plugin path (default: $"+backend.EnvBackend+", else CUDA if present, else CPU)")
	}
	p := prefix
	fs.IntVar(&o.epochs, p+"epochs", 1, "training epochs (DARTS: 600)")
	fs.IntVar(&o.channels, p+"channels", 8, "initial channels (DARTS: 36)")
	fs.IntVar(&o.layers, p+"layers", 5, "cells (DARTS: 20)")
	fs.IntVar(&o.batch, p+"batch", def.Batch, "batch size")
	fs.IntVar(&o.subset, p+"subset", 2000, "train on a seeded random subset of this many training images (0: all)")
	fs.IntVar(&o.testSubset, p+"test-subset", 0, "evaluate on a seeded random subset of this many test images (0: all)")
	fs.Float64Var(&o.lr, p+"lr", def.LR, "initial learning rate (cosine-annealed to 0)")
	fs.BoolVar(&o.auxiliary, p+"auxiliary", false, "add the auxiliary head after cell 2·layers/3 (needs 32×32 inputs: see --pad-to)")
	fs.Float64Var(&o.auxWeight, p+"aux-weight", def.AuxWeight, "weight of the auxiliary loss")
	fs.BoolVar(&o.cutout, p+"cutout", false, "cutout augmentation")
	fs.IntVar(&o.cutoutSize, p+"cutout-size", 0, "cutout side (0: 16 for images of 32 pixels or more, as DARTS on CIFAR; 8 for smaller ones such as 28×28 Fashion-MNIST)")
	fs.Float64Var(&o.dropPath, p+"drop-path", 0, "final drop-path probability, reached linearly over the epochs (DARTS: 0.2)")
	fs.IntVar(&o.cropPadding, p+"crop-padding", 4, "padding of the random crop (0: no crop)")
	fs.BoolVar(&o.flip, p+"flip", true, "random horizontal flips (off by default for mnist, whose digits are not mirror-symmetric)")
	fs.IntVar(&o.padTo, p+"pad-to", 0, "zero-pad the images to N×N (default: 32 with --auxiliary on smaller images, as the auxiliary head needs 8×8 features at 2/3 depth)")
	fs.Uint64Var(&o.seed, p+"seed", 0, "seed of the weights, the subsets, the batches, the augmentation and the drop-path masks")
	fs.IntVar(&o.ckEvery, p+"checkpoint-every", 50, "also checkpoint every N steps (0: only at epoch ends)")
	fs.IntVar(&o.evalEvery, p+"eval-every", 1, "evaluate the test set every N epochs (the last epoch always)")
}

// parsed records which flags were given (after fs.Parse), applies --override, and checks the
// values before any work; each error is a usage error naming its flag (with prefix).
func (o *trainOptions) parsed(fs *flag.FlagSet, prefix string) error {
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case prefix + "flip":
			o.flipSet = true
		case prefix + "pad-to":
			o.padToSet = true
		}
	})
	if o.overrideArgs != nil {
		overrides, err := ckpt.ParseOverrides(*o.overrideArgs)
		if err == nil {
			err = ckpt.CheckOverrides(overrides, trainOverridable())
		}
		if err == nil {
			err = applyTrainOverrides(overrides, &o.lr, &o.epochs)
		}
		if err != nil {
			return usageError{err}
		}
		if len(overrides) > 0 && !o.resume {
			return usageError{errors.New("--override applies to --resume only (a new run takes the flags as they are)")}
		}
		o.overrides = overrides
	}
	var c checks
	p := prefix
	c.intIn(p+"layers", o.layers, 1, maxLayers)
	c.intIn(p+"channels", o.channels, 1, maxChannels)
	c.intIn(p+"batch", o.batch, 1, maxBatch)
	c.intIn(p+"epochs", o.epochs, 1, maxEpochs)
	c.atLeast(p+"subset", o.subset, 0)
	c.atLeast(p+"test-subset", o.testSubset, 0)
	c.atLeast(p+"cutout-size", o.cutoutSize, 0)
	c.atLeast(p+"crop-padding", o.cropPadding, 0)
	c.atLeast(p+"pad-to", o.padTo, 0)
	c.atLeast(p+"checkpoint-every", o.ckEvery, 0)
	c.atLeast(p+"eval-every", o.evalEvery, 1)
	c.floatIn(p+"drop-path", o.dropPath, 0, 1, false, true)
	c.floatIn(p+"lr", o.lr, 0, maxLR, true, false)
	c.floatIn(p+"aux-weight", o.auxWeight, 0, 100, false, false)
	if !slices.Contains(datasets.Names(), o.dataset) {
		return usageError{fmt.Errorf("unknown dataset %q: want one of %s", o.dataset, strings.Join(datasets.Names(), ", "))}
	}
	return c.err
}

// config returns the training configuration for images of the given side.
func (o *trainOptions) config(height, width int) train.Config {
	cfg := train.DefaultConfig()
	cfg.C, cfg.Layers, cfg.Epochs, cfg.Batch, cfg.LR, cfg.Seed = o.channels, o.layers, o.epochs, o.batch, o.lr, o.seed
	cfg.Auxiliary, cfg.AuxWeight, cfg.DropPath = o.auxiliary, o.auxWeight, o.dropPath
	cfg.CheckpointEvery, cfg.EvalEvery = o.ckEvery, o.evalEvery
	cfg.Augment = datasets.Augment{CropPadding: o.cropPadding, Flip: o.flip}
	if !o.flipSet && o.dataset == datasets.MNIST {
		cfg.Augment.Flip = false
	}
	if o.cutout {
		cfg.Augment.Cutout = o.cutoutSize
		if cfg.Augment.Cutout == 0 {
			cfg.Augment.Cutout = train.DefaultCutout(min(height, width))
		}
	}
	cfg.PadTo = o.padTo
	if !o.padToSet && o.auxiliary && height < 32 && width < 32 {
		cfg.PadTo = 32
	}
	return cfg
}

// recipe describes the settings that make two trainings comparable (everything but the
// genotype, the output directory and resume).
func (o *trainOptions) recipe() string {
	c := *o
	c.genotype, c.out, c.resume, c.backend, c.dataDir = "", "", false, "", ""
	return fmt.Sprintf("%+v", c)
}

// trainResult is the outcome of one training run.
type trainResult struct {
	Params   int64   `json:"params"`
	TestAcc  float64 `json:"test_acc"`
	TestLoss float64 `json:"test_loss"`
	Tests    int     `json:"test_images"`
	Steps    int     `json:"steps"`
}

// runTrain trains a derived genotype stand-alone with the DARTS evaluation recipe.
func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var o trainOptions
	registerTrainFlags(fs, &o, "", true)
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	if err := o.parsed(fs, ""); err != nil {
		return err
	}
	if o.genotype == "" {
		return usageError{fmt.Errorf("missing --genotype NAME-or-STRING (named: %s)", strings.Join(searchspace.NamedGenotypes(), ", "))}
	}
	a, err := o.sf.parse(o.genotype)
	if err != nil {
		return err
	}
	if a.space != spaceDARTS && (o.auxiliary || o.dropPath > 0) {
		return usageError{fmt.Errorf("--auxiliary and --drop-path exist only for DARTS genotypes, not for %s", a.space)}
	}
	res, err := trainWith(nil, a, &o, stdout, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "test accuracy: %.4f (loss %.4f, %d images)\n", res.TestAcc, res.TestLoss, res.Tests)
	return nil
}

// dartsArch wraps a DARTS genotype as an architecture for trainWith.
func dartsArch(g searchspace.Genotype) arch { return arch{space: spaceDARTS, darts: g} }

// trainWith trains a stand-alone as o says, on the session's backend and engine (nil: its
// own), writing its log and checkpoint to o.out; it prints the parameter count to stdout and
// the progress to stderr.
func trainWith(sess *session, a arch, o *trainOptions, stdout, stderr io.Writer) (trainResult, error) {
	var res trainResult
	logPath := filepath.Join(o.out, trainLogFile)
	ckPath := filepath.Join(o.out, trainCheckpoint)
	if err := prepareOutDir(o.out, o.resume, "a training run", logPath, ckPath, stderr); err != nil {
		return res, err
	}
	b, eng, release, err := sess.open(o.backend)
	if err != nil {
		return res, err
	}
	defer release()
	trainSet, testSet, err := trainData(o.dataset, o.dataDir, o.subset, o.testSubset, o.seed)
	if err != nil {
		return res, err
	}
	cfg := o.config(trainSet.Height, trainSet.Width)
	if a.space == spaceNB201 {
		cfg.Layers = *o.sf.cellsPerStg
	}
	prog := &trainProgress{w: stderr}
	var t *train.Trainer
	if a.space == spaceDARTS {
		t, err = train.New(eng, a.darts, cfg, trainSet, testSet, prog)
	} else {
		t, err = train.NewNetwork(eng, a.space+" "+a.String(), func(base network.Config) (*network.Network, error) {
			return a.build(*o.sf, base)
		}, cfg, trainSet, testSet, prog)
	}
	if err != nil {
		return res, err
	}
	defer eng.Forget(t.Net.Params)
	var offset int64
	if o.resume {
		if offset, err = t.LoadOverriding(ckPath, ckpt.OverrideKeys(o.overrides)); err != nil {
			var me *ckpt.MismatchError
			if errors.As(err, &me) {
				return res, fmt.Errorf("%w; to change %s on purpose, pass --override KEY=VALUE", err, strings.Join(trainOverridable(), " or "))
			}
			return res, err
		}
		if t.Done() {
			fmt.Fprintf(stderr, "%s finished all %d epochs (step %d); evaluating it\n", o.out, cfg.Epochs, t.Step())
		} else {
			fmt.Fprintf(stderr, "resuming %s at step %d (epoch %d of %d)\n", o.out, t.Step(), t.Epoch()+1, cfg.Epochs)
		}
	}
	log, err := search.OpenJSONL(logPath, offset)
	if err != nil {
		return res, err
	}
	defer log.Close()
	t.SetLog(log)
	if len(o.overrides) > 0 {
		// The log says from which step on the overridden settings hold.
		if err := log.Record(&search.OverrideRecord{Step: t.Step(), Epoch: t.Epoch(), Settings: overrideLine(o.overrides)}); err != nil {
			return res, err
		}
	}
	prog.total = cfg.Epochs * t.StepsPerEpoch()

	fmt.Fprintf(stderr, "%s\ntrain: %s on %s (%s), %d train / %d test images of %d×%d×%d, %d steps per epoch, %d epochs\n",
		b.Info(), a, o.dataset, b.Kind, trainSet.Len(), testSet.Len(), trainSet.Height, trainSet.Width, trainSet.Channels,
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
		return res, err
	}
	res = trainResult{Params: t.ParamCount(), TestLoss: prog.testLoss, TestAcc: prog.testAcc, Tests: testSet.Len(), Steps: t.Step()}
	if !prog.tested {
		// Resumed after the last epoch: nothing ran, evaluate now.
		if res.TestLoss, res.TestAcc, err = t.Evaluate(); err != nil {
			return res, err
		}
	}
	fmt.Fprintf(stderr, "log %s, checkpoint %s\n", logPath, ckPath)
	return res, nil
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

func (p *trainProgress) Record(r search.Record) error {
	switch r := r.(type) {
	case *search.StepRecord:
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
	case *search.EpochRecord:
		line := fmt.Sprintf("epoch %d done: train loss %.4f acc %.4f, %.3f s/step", r.Epoch+1, r.TrainLoss, r.TrainAcc, r.StepMS/1000)
		if r.TestLoss != 0 || r.TestAcc != 0 {
			p.tested, p.testLoss, p.testAcc = true, r.TestLoss, r.TestAcc
			line += fmt.Sprintf(", test loss %.4f acc %.4f", r.TestLoss, r.TestAcc)
		}
		fmt.Fprintln(p.w, line)
	}
	return nil
}
