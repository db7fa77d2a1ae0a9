package stop

import (
	"math"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// geno returns a distinct genotype per epoch (its first normal entry's input is the epoch).
func geno(epoch int) searchspace.Genotype {
	g, _ := searchspace.Named("DARTS_V2")
	g.Normal = append([]searchspace.OpInput(nil), g.Normal...)
	g.Normal[7] = searchspace.OpInput{Op: searchspace.OpSepConv3x3, Input: epoch % 5}
	return g
}

func TestSkipCount(t *testing.T) {
	g, _ := searchspace.Named("DARTS_V2")
	if n := g.SkipCount(); n != 2 {
		t.Errorf("DARTS_V2 normal cell: %d skips, want 2", n)
	}
	if Learnable(searchspace.OpSkipConnect) || Learnable(searchspace.OpMaxPool3x3) || Learnable(searchspace.OpNoise) ||
		!Learnable(searchspace.OpDilConv5x5) {
		t.Error("Learnable misclassifies")
	}
}

func TestDARTSPlusSkips(t *testing.T) {
	d := NewDARTSPlus(searchspace.DARTSSpace())
	for epoch, skips := range []int{0, 1, 1, 2} {
		dec := d.Check(EpochStats{Epoch: epoch, SkipCount: skips})
		if dec.Stop != (skips >= 2) {
			t.Fatalf("epoch %d, %d skips: stop %v", epoch, skips, dec.Stop)
		}
		if dec.Stop && (!strings.Contains(dec.Reason, "2 skip connections") || dec.Keep != nil) {
			t.Errorf("decision %+v", dec)
		}
	}
}

func TestDARTSPlusRanking(t *testing.T) {
	space := searchspace.DARTSSpace()
	// One edge per group is enough to exercise the rule; columns are DARTSOps.
	mk := func(skip, sep3, dil5 float32) [][][]float32 {
		row := make([]float32, 8)
		for k := range row {
			row[k] = 0.1
		}
		row[3], row[4], row[7] = skip, sep3, dil5
		return [][][]float32{{row}, {append([]float32(nil), row...)}}
	}
	d := &DARTSPlus{StableEpochs: 3, Space: space}
	seq := []struct {
		exp  [][][]float32
		stop bool
	}{
		{mk(0.1, 0.3, 0.2), false}, // first ranking
		{mk(0.1, 0.2, 0.3), false}, // dil5 overtakes sep3: reset
		{mk(0.5, 0.2, 0.3), false}, // skip moves: not learnable, ranking unchanged (1)
		{mk(0.0, 0.25, 0.3), false},
		{mk(0.9, 0.2, 0.35), true}, // third unchanged epoch
	}
	for epoch, c := range seq {
		dec := d.Check(EpochStats{Epoch: epoch, Expected: c.exp})
		if dec.Stop != c.stop {
			t.Fatalf("epoch %d: stop %v, want %v (%s)", epoch, dec.Stop, c.stop, dec.Reason)
		}
		if dec.Stop && !strings.Contains(dec.Reason, "ranking") {
			t.Errorf("reason %q", dec.Reason)
		}
	}
	// Resume halfway: the same decisions.
	a := &DARTSPlus{StableEpochs: 3, Space: space}
	for _, c := range seq[:3] {
		a.Check(EpochStats{Expected: c.exp})
	}
	st, err := a.State()
	if err != nil {
		t.Fatal(err)
	}
	b := &DARTSPlus{StableEpochs: 3, Space: space}
	if err := b.SetState(st); err != nil {
		t.Fatal(err)
	}
	for i, c := range seq[3:] {
		if dec := b.Check(EpochStats{Expected: c.exp}); dec.Stop != c.stop {
			t.Errorf("resumed epoch %d: stop %v", i+3, dec.Stop)
		}
	}
	if err := b.SetState([]byte("{")); err == nil {
		t.Error("bad state accepted")
	}
}

func eigSeq(vals []float64) []EpochStats {
	var out []EpochStats
	for e, v := range vals {
		out = append(out, EpochStats{Epoch: e, HessianEig: v, Genotype: geno(e)})
	}
	return out
}

func firstStop(t *testing.T, d *DARTSES, stats []EpochStats) (int, Decision) {
	t.Helper()
	for _, s := range stats {
		if dec := d.Check(s); dec.Stop {
			return s.Epoch, dec
		}
	}
	return -1, Decision{}
}

func TestDARTSESSynthetic(t *testing.T) {
	vals := []float64{1, 1, 1, 1.2, 1.4, 2.0}
	cases := []struct {
		g           Growth
		stop, keep  int
		description string
	}{
		{Growth{Factor: 1.3, K: 2, Window: 1}, 4, 2, "plain ratio: 1.4/1 at epoch 4"},
		{Growth{Factor: 1.3, K: 2, Window: 2}, 5, 3, "window 2: 1.3/1 is not > 1.3; 1.7/1.1 at epoch 5"},
		{Growth{Factor: 1.3, K: 2, Window: 1, StartEpoch: 3}, 5, 3, "start epoch 3: 2.0/1.2"},
		{Growth{Factor: 2.5, K: 2, Window: 1}, -1, -1, "factor 2.5: never"},
	}
	for _, c := range cases {
		d := &DARTSES{Growth: c.g}
		at, dec := firstStop(t, d, eigSeq(vals))
		if at != c.stop {
			t.Errorf("%s: stopped at %d, want %d", c.description, at, c.stop)
			continue
		}
		if at < 0 {
			continue
		}
		if dec.Keep == nil || !dec.Keep.Equal(geno(c.keep)) {
			t.Errorf("%s: kept %v, want the genotype of epoch %d", c.description, dec.Keep, c.keep)
		}
		if !strings.Contains(dec.Reason, "darts-es") || !strings.Contains(dec.Reason, "epoch") {
			t.Errorf("reason %q", dec.Reason)
		}
	}
	// Unmeasured epochs (eigenvalue 0) are skipped: K counts measurements.
	d := &DARTSES{Growth: Growth{Factor: 1.3, K: 2, Window: 1}}
	at, dec := firstStop(t, d, eigSeq([]float64{1, 0, 1, 0, 1, 0, 1.4}))
	if at != 6 || !dec.Keep.Equal(geno(2)) {
		t.Errorf("with gaps: stop at %d keeping %v", at, dec.Keep)
	}
	// A negative earlier average never fires.
	d = &DARTSES{Growth: Growth{Factor: 1.3, K: 1, Window: 1}}
	if at, _ := firstStop(t, d, eigSeq([]float64{-1, 5})); at != -1 {
		t.Errorf("negative base fired at %d", at)
	}
}

func TestDARTSESResume(t *testing.T) {
	// RobustDARTS defaults on a slowly then quickly rising signal.
	var vals []float64
	for e := 0; e < 40; e++ {
		v := 0.1 + 0.001*float64(e)
		if e >= 20 {
			v *= 1 + 0.15*float64(e-20)
		}
		vals = append(vals, v)
	}
	stats := eigSeq(vals)
	full := NewDARTSES()
	atFull, decFull := firstStop(t, full, stats)
	if atFull < 20 {
		t.Fatalf("stopped at %d, before the take-off", atFull)
	}
	t.Logf("RobustDARTS defaults: stop at epoch %d: %s", atFull, decFull.Reason)
	half := NewDARTSES()
	for _, s := range stats[:15] {
		if half.Check(s).Stop {
			t.Fatal("stopped in the flat part")
		}
	}
	st, err := half.State()
	if err != nil {
		t.Fatal(err)
	}
	resumed := NewDARTSES()
	if err := resumed.SetState(st); err != nil {
		t.Fatal(err)
	}
	at, dec := firstStop(t, resumed, stats[15:])
	if at != atFull || dec.Reason != decFull.Reason || !dec.Keep.Equal(*decFull.Keep) {
		t.Errorf("resumed: stop at %d (%s), uninterrupted at %d (%s)", at, dec.Reason, atFull, decFull.Reason)
	}
}

func TestDARTSADA(t *testing.T) {
	d := &DARTSADA{Growth: Growth{Factor: 1.3, K: 2, Window: 1}, Mul: 10, MaxRaises: 2}
	var raisedAt []int
	for _, s := range eigSeq([]float64{1, 1, 1, 1.4, 1.4, 1.4, 2.0, 2.0, 3.0, 4.0, 8.0}) {
		dec := d.Check(s)
		if dec.Stop {
			t.Fatalf("DARTS-ADA stopped at %d", s.Epoch)
		}
		if dec.Reason != "" {
			raisedAt = append(raisedAt, s.Epoch)
			if !strings.Contains(dec.Reason, "darts-ada") {
				t.Errorf("reason %q", dec.Reason)
			}
		}
	}
	// Epoch 3: 1.4/1 fires; history restarts at epoch 4: 4,5,6 → 2.0/1.4 = 1.43 fires at 6;
	// then MaxRaises is reached.
	if len(raisedAt) != 2 || raisedAt[0] != 3 || raisedAt[1] != 6 {
		t.Errorf("raised at %v, want [3 6]", raisedAt)
	}
	if d.L2Scale() != 100 {
		t.Errorf("L2 scale %g, want 100", d.L2Scale())
	}
	var _ L2Scaler = d
	st, _ := d.State()
	e := &DARTSADA{Growth: d.Growth, Mul: 10, MaxRaises: 2}
	if err := e.SetState(st); err != nil || e.L2Scale() != 100 {
		t.Errorf("restored scale %g (%v)", e.L2Scale(), err)
	}
}

func TestGrowthValidate(t *testing.T) {
	if err := RobustDARTSGrowth().Validate(); err != nil {
		t.Errorf("RobustDARTS's criterion refused: %v", err)
	}
	for _, g := range []Growth{{Factor: 0, K: 1, Window: 1}, {Factor: math.Inf(1), K: 1, Window: 1},
		{Factor: 1.3, K: 0, Window: 1}, {Factor: 1.3, K: 1, Window: 0}, {Factor: 1.3, K: 1, Window: 1, StartEpoch: -1}} {
		if g.Validate() == nil {
			t.Errorf("%s accepted", g)
		}
	}
}
