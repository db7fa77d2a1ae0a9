package auxskip

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/network"
)

// Schedule is DARTS-'s linear decay of β: β = Start · (Epochs − epoch) / Epochs for epoch in
// [0, Epochs], 0 after (the "linear" DecayScheduler of the DARTS- code with base 1, T_start 0
// and T_max = T_stop = the search's epochs).
type Schedule struct {
	Start  float64
	Epochs int
}

// New returns DARTS-'s schedule for a search of epochs epochs (0: the search's): β from 1 to 0.
func New(epochs int) Schedule { return Schedule{Start: 1, Epochs: epochs} }

// Check reports a schedule with negative epochs or β.
func (s Schedule) Check() error {
	if s.Epochs < 0 || s.Start < 0 {
		return fmt.Errorf("auxskip: schedule %+v: want Epochs ≥ 0 and Start ≥ 0", s)
	}
	return nil
}

// Configure gives every mixed edge of the supernet the auxiliary skip (a search.SupernetOption).
func (s Schedule) Configure(cfg *network.Config) { cfg.AuxSkip = true }

// SetExtras sets β for epoch of a search of epochs epochs (Epochs 0 takes the search's).
func (s Schedule) SetExtras(epoch, epochs int, x *network.Extras) {
	if s.Epochs == 0 {
		s.Epochs = epochs
	}
	x.AuxBeta = s.Beta(epoch)
}

// String describes the schedule.
func (s Schedule) String() string {
	return fmt.Sprintf("aux-skip(β %g→0 over %d epochs)", s.Start, s.Epochs)
}

// Beta returns β at epoch (from 0).
func (s Schedule) Beta(epoch int) float64 {
	if epoch >= s.Epochs {
		return 0
	}
	return s.Start * float64(s.Epochs-epoch) / float64(s.Epochs)
}
