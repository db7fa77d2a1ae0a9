package opdrop

import (
	"fmt"
	"math"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/network"
)

// Schedule is P-DARTS's dropout rate on skip connections over a search of Epochs epochs whose
// first Warmup epochs train the weights only (α frozen):
//
//	epoch < Warmup:  rate = Initial · (Epochs − epoch − 1) / Epochs
//	epoch ≥ Warmup:  rate = Initial · exp(−(epoch − Warmup) · Decay)
//
// P-DARTS uses Decay 0.2 (its scale_factor), Epochs 25, Warmup 10 and Initial 0.1, 0.4, 0.7
// for its three stages (the --dropout_rate arguments of its published search commands).
type Schedule struct {
	Initial float64
	Epochs  int
	Warmup  int
	Decay   float64
}

// NewSchedule returns P-DARTS's schedule with the given initial rate for a search of epochs
// epochs with warmup weight-only epochs (Decay 0.2).
func NewSchedule(initial float64, epochs, warmup int) Schedule {
	return Schedule{Initial: initial, Epochs: epochs, Warmup: warmup, Decay: 0.2}
}

// Check reports a schedule that cannot give rates in [0, 1).
func (s Schedule) Check() error {
	if s.Initial < 0 || s.Initial >= 1 || s.Epochs < 0 || s.Warmup < 0 || s.Decay < 0 {
		return fmt.Errorf("opdrop: schedule %+v: want 0 ≤ Initial < 1, Epochs ≥ 0, Warmup ≥ 0, Decay ≥ 0", s)
	}
	return nil
}

// Configure puts dropout after the skip connections of the supernet's stride-1 mixed edges (a
// search.SupernetOption).
func (s Schedule) Configure(cfg *network.Config) { cfg.SkipDropout = true }

// SetExtras sets the dropout rate for epoch of a search of epochs epochs (Epochs 0 takes the
// search's).
func (s Schedule) SetExtras(epoch, epochs int, x *network.Extras) {
	if s.Epochs == 0 {
		s.Epochs = epochs
	}
	x.DropRate = s.Rate(epoch)
}

// String describes the schedule.
func (s Schedule) String() string {
	return fmt.Sprintf("skip-dropout(%g, warm-up %d, decay %g, over %d epochs)", s.Initial, s.Warmup, s.Decay, s.Epochs)
}

// Rate returns the dropout rate of epoch (from 0).
func (s Schedule) Rate(epoch int) float64 {
	if epoch < s.Warmup {
		return s.Initial * float64(s.Epochs-epoch-1) / float64(s.Epochs)
	}
	return s.Initial * math.Exp(-float64(epoch-s.Warmup)*s.Decay)
}

// Applies reports whether the schedule's dropout applies to op: P-DARTS puts it after the
// skip connection (its Identity) only.
func Applies(op string) bool { return op == searchspace.OpSkipConnect }
