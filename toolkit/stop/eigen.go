package stop

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// Growth is RobustDARTS's eigenvalue criterion, shared by DARTSES and DARTSADA: the local
// average of the dominant Hessian eigenvalue (the mean of the last Window measurements, fewer
// at the start) compared with the local average K measurements earlier; the criterion fires
// when their ratio exceeds Factor, provided the earlier measurement's epoch is at least
// StartEpoch and its average is positive. Epochs without a measurement (HessianEig 0) are
// skipped. With the eigenvalue measured at every epoch end, K measurements are K epochs.
//
// RobustDARTS (automl/RobustDARTS, utils.EVLocalAvg) centres its window, which delays the
// decision by Window/2 measurements; the trailing window here decides as soon as the data are
// in. With Window 1 both are the plain ratio λ(now)/λ(K earlier).
type Growth struct {
	Factor     float64
	K          int
	Window     int
	StartEpoch int
}

// RobustDARTSGrowth returns the defaults of automl/RobustDARTS (src/search/args.py): factor
// 1.3, delta 4, window 5, es_start_epoch 10.
func RobustDARTSGrowth() Growth {
	return Growth{Factor: 1.3, K: 4, Window: 5, StartEpoch: 10}
}

// Validate reports a criterion that cannot work: it needs a finite Factor > 0, K ≥ 1,
// Window ≥ 1 and StartEpoch ≥ 0.
func (g Growth) Validate() error {
	if !(g.Factor > 0) || math.IsInf(g.Factor, 0) || g.K < 1 || g.Window < 1 || g.StartEpoch < 0 {
		return fmt.Errorf("stop: growth criterion %s: want a finite factor > 0, k ≥ 1, window ≥ 1 and start ≥ 0", g)
	}
	return nil
}

// SetGrowth replaces DARTS-ES's criterion.
func (d *DARTSES) SetGrowth(g Growth) { d.Growth = g }

// SetGrowth replaces DARTS-ADA's criterion.
func (d *DARTSADA) SetGrowth(g Growth) { d.Growth = g }

func (g Growth) String() string {
	return fmt.Sprintf("factor=%g k=%d window=%d start=%d", g.Factor, g.K, g.Window, g.StartEpoch)
}

// measurement is one epoch end with an eigenvalue.
type measurement struct {
	Epoch    int                  `json:"epoch"`
	Eig      float64              `json:"eig"`
	Genotype searchspace.Genotype `json:"genotype"`
}

// growthTracker keeps the measurements the criterion needs.
type growthTracker struct {
	hist []measurement
}

// add records s (if measured) and returns, when the criterion fires, the earlier measurement
// and both local averages.
func (t *growthTracker) add(g Growth, s EpochStats) (fired bool, then measurement, avgThen, avgNow float64) {
	if s.HessianEig == 0 {
		return false, measurement{}, 0, 0
	}
	t.hist = append(t.hist, measurement{Epoch: s.Epoch, Eig: s.HessianEig, Genotype: s.Genotype})
	w := max(g.Window, 1)
	if keep := w + g.K; len(t.hist) > keep {
		t.hist = append([]measurement(nil), t.hist[len(t.hist)-keep:]...)
	}
	i := len(t.hist) - 1
	j := i - g.K
	if g.K < 1 || j < 0 || t.hist[j].Epoch < g.StartEpoch {
		return false, measurement{}, 0, 0
	}
	avg := func(end int) float64 {
		lo := max(0, end-w+1)
		var s float64
		for _, m := range t.hist[lo : end+1] {
			s += m.Eig
		}
		return s / float64(end+1-lo)
	}
	avgNow, avgThen = avg(i), avg(j)
	if avgThen > 0 && avgNow/avgThen > g.Factor {
		return true, t.hist[j], avgThen, avgNow
	}
	return false, measurement{}, avgThen, avgNow
}

// DARTSES is DARTS-ES: it stops the search when Growth fires and keeps the genotype of the
// earlier measurement (K measurements back), the last one before the eigenvalue took off.
// Use a pointer: Check records the history. NewDARTSES gives RobustDARTS's settings.
type DARTSES struct {
	Growth
	t growthTracker
}

// NewDARTSES returns DARTS-ES with RobustDARTSGrowth.
func NewDARTSES() *DARTSES { return &DARTSES{Growth: RobustDARTSGrowth()} }

// NeedsCurvature reports that DARTS-ES acts on the Hessian's eigenvalue (search.Config's
// Curvature must be set).
func (d *DARTSES) NeedsCurvature() bool { return true }

// String describes the stopper for meta data.
func (d *DARTSES) String() string { return "darts-es(" + d.Growth.String() + ")" }

// Check records the epoch's eigenvalue and stops when it has grown too fast.
func (d *DARTSES) Check(s EpochStats) Decision {
	fired, then, a0, a1 := d.t.add(d.Growth, s)
	if !fired {
		return Decision{}
	}
	keep := then.Genotype
	return Decision{Stop: true, Keep: &keep, Reason: fmt.Sprintf(
		"darts-es: eigenvalue local average %.4g at epoch %d is %.2f× its value %.4g at epoch %d (> %g); keeping the genotype of epoch %d",
		a1, s.Epoch+1, a1/a0, a0, then.Epoch+1, d.Factor, then.Epoch+1)}
}

// State returns the measurements kept.
func (d *DARTSES) State() ([]byte, error) { return json.Marshal(d.t.hist) }

// SetState restores what State saved.
func (d *DARTSES) SetState(b []byte) error {
	var h []measurement
	if err := json.Unmarshal(b, &h); err != nil {
		return fmt.Errorf("stop: darts-es state: %w", err)
	}
	d.t.hist = h
	return nil
}

// L2Scaler is implemented by a stopper that changes the weights' L2 regularization instead of
// stopping (DARTSADA): the search loop multiplies the L2 coefficient of the weight optimizer
// by L2Scale() (1 until the stopper acts) from the next step on.
type L2Scaler interface {
	L2Scale() float64
}

// DARTSADA is DARTS-ADA: when Growth fires it does not stop; it multiplies the weights' L2
// regularization by Mul (L2Scale reports the product so far), forgets the eigenvalue history
// (the next decision needs K fresh measurements, as RobustDARTS restarts its tracker) and lets
// the search go on. After MaxRaises raises it only watches. RobustDARTS also rolls the search
// back to the epoch of the earlier measurement; this one does not.
//
// NewDARTSADA's Mul 10 is the (and the paper's η); automl/RobustDARTS's code uses
// mul_factor 3 up to max_weight_decay 243e-4 from 3e-4, that is 4 raises.
type DARTSADA struct {
	Growth
	Mul       float64
	MaxRaises int

	t      growthTracker
	raises int
}

// NewDARTSADA returns DARTS-ADA with RobustDARTSGrowth, Mul 10 and at most 2 raises (L2 from
// DARTS's 3e-4 to 3e-2).
func NewDARTSADA() *DARTSADA { return &DARTSADA{Growth: RobustDARTSGrowth(), Mul: 10, MaxRaises: 2} }

// String describes the stopper for meta data.
func (d *DARTSADA) String() string {
	return fmt.Sprintf("darts-ada(%s mul=%g max_raises=%d)", d.Growth.String(), d.Mul, d.MaxRaises)
}

// NeedsCurvature reports that DARTS-ADA acts on the Hessian's eigenvalue (search.Config's
// Curvature must be set).
func (d *DARTSADA) NeedsCurvature() bool { return true }

// L2Scale returns Mul^raises: the factor on the weights' L2 coefficient.
func (d *DARTSADA) L2Scale() float64 {
	s := 1.0
	for i := 0; i < d.raises; i++ {
		s *= d.Mul
	}
	return s
}

// Check records the epoch's eigenvalue and raises the regularization when it has grown too
// fast; it never stops the search.
func (d *DARTSADA) Check(s EpochStats) Decision {
	if d.raises >= d.MaxRaises {
		return Decision{}
	}
	fired, then, a0, a1 := d.t.add(d.Growth, s)
	if !fired {
		return Decision{}
	}
	d.raises++
	d.t.hist = nil
	return Decision{Reason: fmt.Sprintf(
		"darts-ada: eigenvalue local average %.4g at epoch %d is %.2f× its value %.4g at epoch %d (> %g); weight L2 ×%g (now ×%g of the base)",
		a1, s.Epoch+1, a1/a0, a0, then.Epoch+1, d.Factor, d.Mul, d.L2Scale())}
}

type adaState struct {
	Hist   []measurement `json:"hist"`
	Raises int           `json:"raises"`
}

// State returns the measurements kept and the number of raises.
func (d *DARTSADA) State() ([]byte, error) {
	return json.Marshal(adaState{Hist: d.t.hist, Raises: d.raises})
}

// SetState restores what State saved.
func (d *DARTSADA) SetState(b []byte) error {
	var st adaState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("stop: darts-ada state: %w", err)
	}
	d.t.hist, d.raises = st.Hist, st.Raises
	return nil
}
