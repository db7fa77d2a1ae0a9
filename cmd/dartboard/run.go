package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// stepper is what a search and a training run share for the command line.
type stepper interface {
	Done() bool
	Step() int
	Warmup() (time.Duration, error)
	Run(ctx context.Context, checkpoint string) error
	Save(path string) error
}

// interruptedError is the error of a run stopped by a signal: the process exits with
// 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
type interruptedError struct {
	sig syscall.Signal
	msg string
}

func (e interruptedError) Error() string { return e.msg }

// exitCode returns 128 + the signal's number.
func (e interruptedError) exitCode() int { return 128 + int(e.sig) }

// signalName is the usual name of the signals dartboard handles.
func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// interrupts turns the first SIGINT or SIGTERM into the cancellation of a context; the
// default handling then comes back, so that a second signal ends the process at once.
type interrupts struct {
	ctx    context.Context
	cancel context.CancelFunc
	ch     chan os.Signal
	quit   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	sig    syscall.Signal
}

// listenInterrupts starts listening; the caller must call stop.
func listenInterrupts(stderr io.Writer) *interrupts {
	in := &interrupts{ch: make(chan os.Signal, 1), quit: make(chan struct{})}
	in.ctx, in.cancel = context.WithCancel(context.Background())
	signal.Notify(in.ch, syscall.SIGINT, syscall.SIGTERM)
	in.wg.Add(1)
	go func() {
		defer in.wg.Done()
		select {
		case s := <-in.ch:
			signal.Stop(in.ch)
			sig, _ := s.(syscall.Signal)
			in.mu.Lock()
			in.sig = sig
			in.mu.Unlock()
			fmt.Fprintf(stderr, "\n%s: stopping after the current step and saving a checkpoint (send it again to quit at once)\n", signalName(sig))
			in.cancel()
		case <-in.quit:
		}
	}()
	return in
}

// received returns the signal received, or 0.
func (in *interrupts) received() syscall.Signal {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.sig
}

// stop stops listening and restores the default handling.
func (in *interrupts) stop() {
	signal.Stop(in.ch)
	close(in.quit)
	in.wg.Wait()
	in.cancel()
}

// warmupAndRun compiles r (saying how long it took and how many executables compiles()
// reports), then runs it to the end, checkpointing to ckPath. The first SIGINT or SIGTERM
// (during the compilation too) stops it after the step in progress; it then writes a
// checkpoint if a step ran and returns an interruptedError saying how to continue. Other
// errors say truthfully whether a checkpoint exists and at which step.
func warmupAndRun(r stepper, what string, compiles func() int, ckPath string, stderr io.Writer) error {
	in := listenInterrupts(stderr)
	defer in.stop()
	if !r.Done() {
		fmt.Fprintf(stderr, "compiling %s...\n", what)
		d, err := r.Warmup()
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "compiled %d executables in %s\n", compiles(), d.Round(time.Millisecond))
	}
	start := r.Step()
	err := r.Run(in.ctx, ckPath)
	if err == nil {
		return nil
	}
	if sig := in.received(); sig != 0 && errors.Is(err, context.Canceled) {
		return interrupted(r, sig, start, ckPath)
	}
	return fmt.Errorf("%w (%s)", err, checkpointState(ckPath))
}

// interrupted saves r (when a step ran since start) and returns the error to exit with.
func interrupted(r stepper, sig syscall.Signal, start int, ckPath string) error {
	name := signalName(sig)
	switch {
	case r.Step() > start:
		if err := r.Save(ckPath); err != nil {
			return interruptedError{sig, fmt.Sprintf("%s at step %d; writing the checkpoint failed (%v), %s", name, r.Step(), err, checkpointState(ckPath))}
		}
		return interruptedError{sig, fmt.Sprintf("%s at step %d: checkpoint written; continue with the same command and --resume", name, r.Step())}
	case r.Step() > 0:
		return interruptedError{sig, fmt.Sprintf("%s before a step ran; the checkpoint at step %d is unchanged: continue with the same command and --resume", name, r.Step())}
	}
	return interruptedError{sig, fmt.Sprintf("%s before the first step: nothing to save, no checkpoint; run the same command again to start anew", name)}
}

// eta estimates the time left from the steps taken since the first one it saw.
type eta struct {
	start     time.Time
	startStep int
}

// update records that step (1-based) just finished, after taking took (its own duration;
// 0: unknown), and returns the steps taken since the first seen and the estimated time until
// step total: negative while unknown (the first step of unknown duration).
func (e *eta) update(now time.Time, step, total int, took time.Duration) (done int, left time.Duration) {
	if e.start.IsZero() {
		e.start, e.startStep = now.Add(-took), step-1
	}
	done = step - e.startStep
	elapsed := now.Sub(e.start)
	if elapsed <= 0 {
		return done, -1
	}
	rate := elapsed.Seconds() / float64(done)
	return done, time.Duration(rate*float64(total-step)) * time.Second
}

// etaString formats an ETA from eta.update ("?" while unknown).
func etaString(left time.Duration) string {
	if left < 0 {
		return "?"
	}
	return left.Round(time.Second).String()
}
