package train

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
	"github.com/dartboard-nas/dartboard/toolkit/search"
	"github.com/dartboard-nas/dartboard/toolkit/steploop"
)

// Run continues training until every epoch has run or ctx is cancelled (then it returns ctx's
// error after the step in progress). With a checkpoint path, it checkpoints every
// CheckpointEvery steps and at each epoch end (the step loop of package steploop, shared with
// package search).
func (t *Trainer) Run(ctx context.Context, checkpoint string) error {
	var save func() error
	if checkpoint != "" {
		save = func() error { return t.Save(checkpoint) }
	}
	return steploop.Run(ctx, t, t.cfg.CheckpointEvery, save)
}

// RunEpoch runs the steps left in the current epoch (and its end of epoch).
func (t *Trainer) RunEpoch() error {
	if t.Done() {
		return fmt.Errorf("train: all %d epochs have run", t.cfg.Epochs)
	}
	return steploop.RunEpoch(t)
}

// TakeStep runs one training step on the next training batch; after the last step of an
// epoch it also ends the epoch (test evaluation, epoch record).
func (t *Trainer) TakeStep() error {
	if t.Done() {
		return fmt.Errorf("train: all %d epochs have run", t.cfg.Epochs)
	}
	first := t.started.IsZero() // this step's record carries the compile time
	if _, err := t.Warmup(); err != nil {
		return err
	}
	if t.started.IsZero() {
		t.started = time.Now()
		if err := t.recordMeta(); err != nil {
			return err
		}
	}
	start := time.Now()
	b, err := t.train.Next()
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	defer releaseTensors(b.Images, b.Labels)
	lr, prob := t.LR(), t.DropProb()
	res, err := t.trainStep(b, prob, lr)
	if err != nil {
		return err
	}
	ms := float64(time.Since(start).Microseconds()) / 1000
	t.step++
	t.stepInEpoch++
	n := float64(b.Size())
	t.sums.Loss += res.loss * n
	t.sums.Aux += res.aux * n
	t.sums.Correct += res.correct
	t.sums.StepMS += ms
	t.sums.Examples += b.Size()
	t.sums.Steps++
	every := t.cfg.LogEvery
	if every <= 0 {
		every = 1
	}
	if first || t.step%every == 0 {
		rec := &search.StepRecord{Step: t.step, Epoch: t.epoch, Seconds: time.Since(t.started).Seconds(),
			TrainLoss: res.loss, TrainAcc: res.correct / n, AuxLoss: res.aux, LR: lr, DropProb: prob,
			GradNorm: res.norm, StepMS: ms}
		if first {
			rec.CompileMS = float64(t.compile.Microseconds()) / 1000
		}
		if err := t.record(rec); err != nil {
			return err
		}
	}
	if t.stepInEpoch >= t.train.BatchesPerEpoch() {
		return t.endEpoch()
	}
	return nil
}

// endEpoch evaluates the test set (when due) and records the epoch.
func (t *Trainer) endEpoch() error {
	s := t.sums
	rec := &search.EpochRecord{Step: t.step, Epoch: t.epoch, LR: t.LR(), DropProb: t.DropProb()}
	if s.Examples > 0 {
		rec.TrainLoss, rec.AuxLoss, rec.TrainAcc = s.Loss/float64(s.Examples), s.Aux/float64(s.Examples), s.Correct/float64(s.Examples)
	}
	if s.Steps > 0 {
		rec.StepMS = s.StepMS / float64(s.Steps)
	}
	every := t.cfg.EvalEvery
	if every == 0 {
		every = 1
	}
	if every > 0 && ((t.epoch+1)%every == 0 || t.epoch+1 == t.cfg.Epochs) {
		loss, acc, err := t.Evaluate()
		if err != nil {
			return fmt.Errorf("epoch %d: %w", t.epoch, err)
		}
		rec.TestLoss, rec.TestAcc = loss, acc
	}
	rec.Seconds = time.Since(t.started).Seconds()
	t.epoch++
	t.stepInEpoch = 0
	t.sums = epochSums{}
	return t.record(rec)
}

func (t *Trainer) record(r search.Record) error {
	if t.log != nil {
		if err := t.log.Record(r); err != nil {
			return err
		}
	}
	if t.rec != nil {
		if err := t.rec.Record(r); err != nil {
			return fmt.Errorf("recorder: %w", err)
		}
	}
	return nil
}

func (t *Trainer) recordMeta() error {
	if t.step > 0 {
		return nil // resumed: the log already has it
	}
	return t.record(&search.MetaRecord{Genotype: t.Arch, StepsPerEpoch: t.StepsPerEpoch(),
		Epochs: t.cfg.Epochs, CompileMS: float64(t.compile.Microseconds()) / 1000, Params: t.ParamCount(),
		Settings: t.settings().String()})
}

// settings are what a checkpoint must agree on to be resumed, named as the command line's flags
// where there is one. The data enter by name, size and fingerprint (computed once).
func (t *Trainer) settings() ckpt.Settings {
	if t.settingsMemo != nil {
		return t.settingsMemo
	}
	c := t.cfg
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	t.settingsMemo = ckpt.Settings{
		"genotype": t.Arch, "lr-ahead": strconv.FormatBool(c.LRAhead), "channels": strconv.Itoa(c.C), "layers": strconv.Itoa(c.Layers),
		"reductions": fmt.Sprint(c.Reductions), "batch": strconv.Itoa(c.Batch), "epochs": strconv.Itoa(c.Epochs),
		"lr": f(c.LR), "lr-min": f(c.LRMin), "momentum": f(c.Momentum), "weight-decay": f(c.WeightDecay),
		"grad-clip": f(c.GradClip), "auxiliary": strconv.FormatBool(c.Auxiliary), "aux-weight": f(c.AuxWeight),
		"drop-path": f(c.DropPath), "augment": fmt.Sprintf("%+v", c.Augment),
		"normalize": fmt.Sprintf("%v/%v", t.norm.Mean, t.norm.Std), "pad-to": strconv.Itoa(c.PadTo),
		"seed": strconv.FormatUint(c.Seed, 10), "depthwise": strconv.Itoa(int(c.Depthwise)),
		"train-data":        fmt.Sprintf("%s[%d]", t.trainSet.Name, t.trainSet.Len()),
		"train-fingerprint": t.trainSet.Fingerprint(),
		"test-data":         fmt.Sprintf("%s[%d]", t.testSet.Name, t.testSet.Len()),
		"test-fingerprint":  t.testSet.Fingerprint(),
	}
	return t.settingsMemo
}
