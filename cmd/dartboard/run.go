package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"
)

// stepper is what a search and a training run share for the command line.
type stepper interface {
	Done() bool
	Step() int
	Warmup() (time.Duration, error)
	Run(ctx context.Context, checkpoint string) error
}

// warmupAndRun compiles r (saying how long it took and how many executables compiles()
// reports), then runs it to the end, checkpointing to ckPath; Ctrl-C stops it after the step in
// progress. Errors say that the last checkpoint is kept.
func warmupAndRun(r stepper, what string, compiles func() int, ckPath string, stderr io.Writer) error {
	if !r.Done() {
		fmt.Fprintf(stderr, "compiling %s...\n", what)
		d, err := r.Warmup()
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "compiled %d executables in %s\n", compiles(), d.Round(time.Millisecond))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := r.Run(ctx, ckPath); err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted at step %d; continue with --resume (the last checkpoint is kept)", r.Step())
		}
		return fmt.Errorf("%w (the last good checkpoint %s is kept)", err, ckPath)
	}
	return nil
}

// eta estimates the time left from the steps taken since the first one it saw.
type eta struct {
	start     time.Time
	startStep int
}

// update records that step (1-based) just finished and returns the steps taken since the first
// seen and the estimated time until step total.
func (e *eta) update(now time.Time, step, total int) (done int, left time.Duration) {
	if e.start.IsZero() {
		e.start, e.startStep = now, step-1
	}
	done = step - e.startStep
	rate := now.Sub(e.start).Seconds() / float64(done)
	return done, time.Duration(rate*float64(total-step)) * time.Second
}
