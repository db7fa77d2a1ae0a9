package auxskip

import "fmt"

// Schedule is DARTS-'s linear decay of β: β = Start · (Epochs − epoch) / Epochs for epoch in
// [0, Epochs], 0 after (the "linear" DecayScheduler of the DARTS- code with base 1, T_start 0
// and T_max = T_stop = the search's epochs).
type Schedule struct {
	Start  float64
	Epochs int
}

// New returns DARTS-'s schedule for a search of epochs epochs: β from 1 to 0.
func New(epochs int) Schedule { return Schedule{Start: 1, Epochs: epochs} }

// Check reports a schedule without epochs.
func (s Schedule) Check() error {
	if s.Epochs < 1 || s.Start < 0 {
		return fmt.Errorf("auxskip: schedule %+v: want Epochs ≥ 1 and Start ≥ 0", s)
	}
	return nil
}

// Beta returns β at epoch (from 0).
func (s Schedule) Beta(epoch int) float64 {
	if epoch >= s.Epochs {
		return 0
	}
	return s.Start * float64(s.Epochs-epoch) / float64(s.Epochs)
}
