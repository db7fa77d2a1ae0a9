package regularize

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mathext"
)

// testAlpha holds multiples of 2⁻¹⁰, so that α ± kh for h = 2⁻⁸ is exact in float32 and the
// finite differences see the float64 penalty at exactly the perturbed points.
func testAlpha() [][]float32 {
	v := [][]float64{
		{0.3, -0.7, 1.2, -1.5, 0.05, 2.1},
		{-0.2, 0.9, -1.1, 0.4, 1.6, -2.3},
	}
	out := make([][]float32, len(v))
	for e, row := range v {
		out[e] = make([]float32, len(row))
		for k, x := range row {
			out[e][k] = float32(math.Round(x*1024) / 1024)
		}
	}
	return out
}

// gradTol is the allowed |analytic − numerical| for a gradient component g: the analytic
// gradient comes back in float32 (relative rounding 6e-8), the fourth-order central
// difference with h = 2⁻⁸ errs by O(h⁴) ≈ 4e-10 times the fifth derivative, and the penalty is
// float64.
func gradTol(g float64) float64 { return 1e-10 + 1e-6*math.Abs(g) }

func filled(like [][]float32, v float32) [][]float32 {
	out := make([][]float32, len(like))
	for e := range like {
		out[e] = make([]float32, len(like[e]))
		for k := range out[e] {
			out[e][k] = v
		}
	}
	return out
}

func TestRegularizers(t *testing.T) {
	cases := []struct {
		r interface {
			Regularizer
			At(float64) float64
			Check() error
		}
		progress float64
		schedule [3]float64 // At(0), At(0.5), At(1)
	}{
		{r: NewZeroOne(), progress: 0.3, schedule: [3]float64{10, 10, 10}},
		{r: ZeroOne{Weight: 10, Groups: 1, Ramp: 1}, progress: 0.3, schedule: [3]float64{0, 5, 10}},
		{r: ZeroOne{Weight: 4, Ramp: 0.25}, progress: 0.1, schedule: [3]float64{0, 4, 4}},
		{r: NewL2(), progress: 0.5, schedule: [3]float64{1e-3, 1e-3, 1e-3}},
		{r: NewKL(), progress: 0.5, schedule: [3]float64{1e-3, 1e-3, 1e-3}},
		{r: KL{Scale: 0.5, Prior: 2.5}, progress: 0.5, schedule: [3]float64{0.5, 0.5, 0.5}},
		{r: Cost{Weight: 0.7, Costs: [][]float64{{1, 0, 3.5, 2, 0.25, 8}, {0, 0, 1, 5, 2, 0.5}}}, progress: 0.5, schedule: [3]float64{0.7, 0.7, 0.7}},
	}
	const h = 1.0 / 256
	for _, c := range cases {
		t.Run(c.r.Name(), func(t *testing.T) {
			if err := c.r.Check(); err != nil {
				t.Fatal(err)
			}
			for i, p := range []float64{0, 0.5, 1} {
				if got := c.r.At(p); math.Abs(got-c.schedule[i]) > 1e-15 {
					t.Errorf("At(%g) = %g, want %g", p, got, c.schedule[i])
				}
			}
			alpha := testAlpha()
			grad := filled(alpha, 0)
			v := c.r.Penalty(alpha, nil, c.progress, grad)
			if v2 := c.r.Penalty(alpha, nil, c.progress, nil); v2 != v {
				t.Fatalf("value without gradient %g, with %g", v2, v)
			}
			// Penalty adds into grad.
			ones := filled(alpha, 1)
			c.r.Penalty(alpha, nil, c.progress, ones)
			for e := range ones {
				for k := range ones[e] {
					if want := 1 + grad[e][k]; ones[e][k] != want {
						t.Fatalf("α[%d][%d]: gradient added to 1 gives %g, want %g", e, k, ones[e][k], want)
					}
				}
			}
			f := func(e, k int, d float64) float64 {
				a := testAlpha()
				a[e][k] += float32(d)
				return c.r.Penalty(a, nil, c.progress, nil)
			}
			var worst float64
			for e := range alpha {
				for k := range alpha[e] {
					num := (-f(e, k, 2*h) + 8*f(e, k, h) - 8*f(e, k, -h) + f(e, k, -2*h)) / (12 * h)
					got := float64(grad[e][k])
					if d := math.Abs(got - num); d > gradTol(num) {
						t.Errorf("α[%d][%d]: gradient %.9g, finite difference %.9g", e, k, got, num)
					} else {
						worst = math.Max(worst, d)
					}
				}
			}
			var scale float64
			for e := range grad {
				for _, g := range grad[e] {
					scale = math.Max(scale, math.Abs(float64(g)))
				}
			}
			t.Logf("penalty %.6g; max |gradient − finite difference| %.3g; largest gradient component %.3g", v, worst, scale)
		})
	}
}

// TestZeroOneValue: FairDARTS's term on a known table, and its split over groups.
func TestZeroOneValue(t *testing.T) {
	alpha := [][]float32{{0, 2}, {-1, 0}}
	var want float64
	for _, a := range []float64{0, 2, -1, 0} {
		d := 1/(1+math.Exp(-a)) - 0.5
		want += d * d
	}
	want = -10 * want / 4
	one := ZeroOne{Weight: 10, Groups: 1}
	if got := one.Penalty(alpha, nil, 0, nil); math.Abs(got-want) > 1e-12 {
		t.Errorf("zero-one %g, want %g", got, want)
	}
	// Two equal groups: the two calls sum to the term on the concatenated table.
	two := NewZeroOne()
	sum := two.Penalty(alpha[:1], nil, 0, nil) + two.Penalty(alpha[1:], nil, 0, nil)
	if math.Abs(sum-want) > 1e-12 {
		t.Errorf("zero-one over two groups sums to %g, want %g", sum, want)
	}
}

// TestKLValue checks the divergence against numerical integration: KL(Beta(a, b) ‖ Dir(1))
// is ∫ p log p over [0, 1] (the uniform prior's density is 1); and KL vanishes at the prior.
func TestKLValue(t *testing.T) {
	// α = 1, 2.5 gives β = 2, 3.5.
	a, b := 2.0, 3.5
	lb := mathext.Lbeta(a, b)
	const n = 200000
	var integral float64
	for i := 0; i <= n; i++ {
		x := float64(i) / n
		var v float64
		if x > 0 && x < 1 {
			lp := (a-1)*math.Log(x) + (b-1)*math.Log(1-x) - lb
			v = math.Exp(lp) * lp
		}
		w := 2.0
		switch {
		case i == 0 || i == n:
			w = 1
		case i%2 == 1:
			w = 4
		}
		integral += w * v
	}
	integral /= 3 * n
	kl := KL{Scale: 1, Prior: 1}
	if got := kl.Penalty([][]float32{{1, 2.5}}, nil, 0, nil); math.Abs(got-integral) > 1e-9 {
		t.Errorf("KL(Beta(2, 3.5) ‖ U) = %.12g, integral %.12g", got, integral)
	}
	grad := [][]float32{{0, 0, 0}}
	if got := kl.Penalty([][]float32{{0, 0, 0}}, nil, 0, grad); math.Abs(got) > 1e-12 || grad[0][0] != 0 {
		t.Errorf("KL at the prior = %g, gradient %v; want 0", got, grad)
	}
}

// TestTrigamma: ψ₁(1) = π²/6, and ψ₁ is the derivative of gonum's digamma.
func TestTrigamma(t *testing.T) {
	if got, want := trigamma(1), math.Pi*math.Pi/6; math.Abs(got-want) > 1e-13 {
		t.Errorf("ψ₁(1) = %.15g, want %.15g", got, want)
	}
	for _, x := range []float64{0.05, 0.5, 1.7, 6, 40} {
		h := 1e-4 * x
		num := (mathext.Digamma(x+h) - mathext.Digamma(x-h)) / (2 * h)
		if got := trigamma(x); math.Abs(got-num) > 1e-6*math.Abs(num) {
			t.Errorf("ψ₁(%g) = %.12g, digamma difference %.12g", x, got, num)
		}
	}
}

func TestChecks(t *testing.T) {
	bad := []interface{ Check() error }{
		ZeroOne{Weight: -1}, ZeroOne{Weight: 1, Ramp: 2}, ZeroOne{Weight: 1, Groups: -1},
		L2{Coeff: math.NaN()}, KL{Scale: 1}, KL{Scale: -1, Prior: 1},
	}
	for _, c := range bad {
		if c.Check() == nil {
			t.Errorf("%#v: Check accepted bad settings", c)
		}
	}
}

var (
	_ Regularizer = ZeroOne{}
	_ Regularizer = L2{}
	_ Regularizer = KL{}
)
