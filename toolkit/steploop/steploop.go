package steploop

import (
	"context"
	"fmt"
)

// Stepper is a run that advances one step at a time: a search.Searcher or a train.Trainer.
type Stepper interface {
	// Done reports whether the run has ended (every epoch run, or stopped early).
	Done() bool
	// TakeStep runs the next step, and the end of its epoch after the epoch's last step.
	TakeStep() error
	// Step counts the steps run so far; Epoch is the current epoch (from 0).
	Step() int
	Epoch() int
}

// Run takes steps until r is done or ctx is cancelled (then it returns ctx's error, after the
// step in progress). With a non-nil save, it calls save after every every-th step (every ≤ 0:
// never on a cadence), after each epoch's last step and when the run ends.
func Run(ctx context.Context, r Stepper, every int, save func() error) error {
	for !r.Done() {
		if err := ctx.Err(); err != nil {
			return err
		}
		epoch := r.Epoch()
		if err := r.TakeStep(); err != nil {
			return err
		}
		if save == nil {
			continue
		}
		if r.Epoch() != epoch || r.Done() || (every > 0 && r.Step()%every == 0) {
			if err := save(); err != nil {
				return err
			}
		}
	}
	return nil
}

// RunEpoch takes the steps left in the current epoch (and its end). On a run that is already
// done it returns an error saying so.
func RunEpoch(r Stepper) error {
	if r.Done() {
		return fmt.Errorf("steploop: the run is done (epoch %d, step %d)", r.Epoch(), r.Step())
	}
	epoch := r.Epoch()
	for r.Epoch() == epoch && !r.Done() {
		if err := r.TakeStep(); err != nil {
			return err
		}
	}
	return nil
}
