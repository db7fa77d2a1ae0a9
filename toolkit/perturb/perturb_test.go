package perturb

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
)

// linearPasses is a stand-in supernet whose loss is Σ c·mix (gradient c), or −c with flip
// (a wrong gradient, to exercise the attack's fallback). It counts its passes.
type linearPasses struct {
	c        [][][]float32
	flip     bool
	passes   int
	unfrozen int
}

// The rest of search.Passes (the stand-in has no weights): present so that the stand-in still
// satisfies Passes once it is an alias of search.Passes.
func (l *linearPasses) Weights() [][]float32                                { return nil }
func (l *linearPasses) SetWeights([][]float32)                              {}
func (l *linearPasses) VirtualStep(w, _ [][]float32, _ float64) [][]float32 { return w }
func (l *linearPasses) WeightLR() float64                                   { return 0 }

func (l *linearPasses) loss(mix [][][]float32) float64 {
	var s float64
	for g := range mix {
		for e := range mix[g] {
			for k := range mix[g][e] {
				s += float64(l.c[g][e][k] * mix[g][e][k])
			}
		}
	}
	return s
}

func (l *linearPasses) Pass(_ datasets.Batch, mix [][][]float32, opt PassOptions) (*PassResult, error) {
	l.passes++
	if !opt.FrozenStats {
		l.unfrozen++
	}
	r := &PassResult{Loss: l.loss(mix)}
	if opt.Mix {
		r.GMix = make([][][]float32, len(mix))
		for g := range mix {
			r.GMix[g] = make([][]float32, len(mix[g]))
			for e := range mix[g] {
				r.GMix[g][e] = make([]float32, len(mix[g][e]))
				for k := range mix[g][e] {
					r.GMix[g][e][k] = l.c[g][e][k]
					if l.flip {
						r.GMix[g][e][k] = -l.c[g][e][k]
					}
				}
			}
		}
	}
	return r, nil
}

func testSamples(rng *rand.Rand) ([]Sample, [][][]float32) {
	var samples []Sample
	var c [][][]float32
	for g := 0; g < 2; g++ {
		var mix, cg [][]float32
		for e := 0; e < 5; e++ {
			row := make([]float32, 3)
			crow := make([]float32, 3)
			var s float32
			for k := range row {
				row[k] = float32(rng.Float64() + 0.1)
				s += row[k]
				crow[k] = float32(rng.NormFloat64())
			}
			for k := range row {
				row[k] /= s
			}
			mix, cg = append(mix, row), append(cg, crow)
		}
		samples = append(samples, Sample{Mix: mix, VJP: func(g [][]float32) [][]float32 { return g }, Hard: []int{0}})
		c = append(c, cg)
	}
	return samples, c
}

func onSimplex(t *testing.T, mix [][]float32) {
	t.Helper()
	for e, row := range mix {
		var s float64
		for _, x := range row {
			if x < 0 || x > 1 {
				t.Fatalf("edge %d: weight %g outside [0, 1]", e, x)
			}
			s += float64(x)
		}
		if math.Abs(s-1) > 1e-6 {
			t.Fatalf("edge %d: weights sum to %g", e, s)
		}
	}
}

func TestClip(t *testing.T) {
	row := []float32{-0.1, 0.5, 0.7}
	Clip(row)
	if row[0] != 0 || math.Abs(float64(row[1])-0.5/1.2) > 1e-6 {
		t.Errorf("Clip = %v", row)
	}
	row = []float32{-1, -0.5, -2}
	Clip(row)
	if row[1] != 1 || row[0] != 0 || row[2] != 0 {
		t.Errorf("all-negative row: %v, want the largest (column 1) at 1", row)
	}
}

func TestRamp(t *testing.T) {
	r := SDARTSRamp(10)
	for _, c := range []struct{ p, want float64 }{{0, 0.03}, {0.05, 0.03}, {0.5, 0.165}, {0.999, 0.273}} {
		if got := r.Epsilon(c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ε(%g) = %g, want %g", c.p, got, c.want)
		}
	}
	if got := (Ramp{Start: 0.03}).Epsilon(0.9); got != 0.03 {
		t.Errorf("constant ramp: %g", got)
	}
}

func TestRandomSmoothing(t *testing.T) {
	samples, _ := testSamples(rand.New(rand.NewPCG(1, 1)))
	orig := copyMix(samples)
	rs := NewSDARTSRS(10)
	out, err := rs.Perturb(nil, datasets.Batch{}, samples, Draw{Progress: 0.95, RNG: rand.New(rand.NewPCG(5, 5))})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := rs.Perturb(nil, datasets.Batch{}, samples, Draw{Progress: 0.95, RNG: rand.New(rand.NewPCG(5, 5))})
	var moved float64
	for g := range out {
		onSimplex(t, out[g].Mix)
		if out[g].Hard != nil || out[g].VJP == nil {
			t.Error("perturbed sample keeps Hard or loses VJP")
		}
		for e := range out[g].Mix {
			for k := range out[g].Mix[e] {
				if samples[g].Mix[e][k] != orig[g][e][k] {
					t.Fatal("input changed")
				}
				if out[g].Mix[e][k] != again[g].Mix[e][k] {
					t.Fatal("same seed, different noise")
				}
				moved = math.Max(moved, math.Abs(float64(out[g].Mix[e][k]-orig[g][e][k])))
			}
		}
	}
	// ε = 0.273 at epoch 9 of 10: the weights move by about that much (renormalization included).
	if moved < 0.05 || moved > 0.6 {
		t.Errorf("largest change %g for ε 0.273", moved)
	}
	if _, err := rs.Perturb(nil, datasets.Batch{}, samples, Draw{}); err == nil {
		t.Error("no random source: no error")
	}
}

func TestAdversarial(t *testing.T) {
	samples, c := testSamples(rand.New(rand.NewPCG(2, 2)))
	orig := copyMix(samples)
	lp := &linearPasses{c: c}
	adv := NewSDARTSADV(10)
	out, err := adv.Perturb(lp, datasets.Batch{}, samples, Draw{Progress: 0.5, RNG: rand.New(rand.NewPCG(3, 3))})
	if err != nil {
		t.Fatal(err)
	}
	if lp.passes != 9 || lp.unfrozen != 0 {
		t.Errorf("%d passes (%d moving batch norm statistics), want 7 + 2 (0)", lp.passes, lp.unfrozen)
	}
	var mix [][][]float32
	for g := range out {
		onSimplex(t, out[g].Mix)
		mix = append(mix, out[g].Mix)
	}
	before, after := lp.loss(orig), lp.loss(mix)
	if !(after > before+0.05) {
		t.Errorf("attack: loss %g → %g, want a clear increase", before, after)
	}
	for g := range orig {
		for e := range orig[g] {
			for k := range orig[g][e] {
				if samples[g].Mix[e][k] != orig[g][e][k] {
					t.Fatal("input changed")
				}
			}
		}
	}
	// A gradient pointing the wrong way lowers the loss: SDARTS then keeps the original weights.
	wrong := &linearPasses{c: c, flip: true}
	out, err = adv.Perturb(wrong, datasets.Batch{}, samples, Draw{Progress: 0.5, RNG: rand.New(rand.NewPCG(3, 3))})
	if err != nil {
		t.Fatal(err)
	}
	for g := range out {
		for e := range out[g].Mix {
			for k := range out[g].Mix[e] {
				if out[g].Mix[e][k] != orig[g][e][k] {
					t.Fatalf("failed attack not undone at [%d][%d][%d]", g, e, k)
				}
			}
		}
	}
	if _, err := (Adversarial{Ramp: SDARTSRamp(1)}).Perturb(lp, datasets.Batch{}, samples, Draw{}); err == nil {
		t.Error("0 steps accepted")
	}
}
