package toy_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/toolkit/toy"
)

// centralDiff returns the central finite-difference gradient of f at x with step h.
func centralDiff(f func([]float64) float64, x []float64, h float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
		xp[i] += h
		xm[i] -= h
		g[i] = (f(xp) - f(xm)) / (2 * h)
	}
	return g
}

// TestExactHypergradient checks the implicit-function-theorem hypergradient against central
// finite differences of the inner-optimized validation loss, for several op sets, relaxations
// and random α.
func TestExactHypergradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, ops := range [][]string{
		{toy.OpSkip, toy.OpConv, toy.OpNone},
		{toy.OpSkip, toy.OpConv},
		{toy.OpPool, toy.OpSkip, toy.OpConv, toy.OpNone},
		{toy.OpSkip, toy.OpPool},
	} {
		cfg := toy.DefaultConfig()
		cfg.Ops = ops
		p := toy.MustNew(cfg)
		for name, mx := range map[string]toy.Mixer{"softmax": softmax, "sigmoid": sigmoid} {
			points := toy.ArrowPoints()
			for range 4 {
				a := make([]float64, len(ops))
				for k := range a {
					a[k] = 2 * rng.NormFloat64()
				}
				points = append(points, a)
			}
			for _, a := range points {
				if len(a) != len(ops) {
					continue
				}
				ex, err := p.Exact(mx, a)
				if err != nil {
					t.Fatal(err)
				}
				fd := centralDiff(func(x []float64) float64 {
					l, err := p.InnerLoss(mx, x)
					if err != nil {
						t.Fatal(err)
					}
					return l
				}, a, 1e-5)
				for k := range fd {
					if d := math.Abs(fd[k] - ex.Alpha[k]); d > 1e-7+1e-5*math.Abs(fd[k]) {
						t.Errorf("%v %s α=%.3f: exact %.9f, finite differences %.9f", ops, name, a, ex.Alpha, fd)
						break
					}
				}
			}
		}
	}
}

// TestInnerIsOptimal checks that W*(m) zeroes the training gradient: gradient descent from it
// does not lower the training loss, and a perturbation raises it.
func TestInnerIsOptimal(t *testing.T) {
	p := toy.MustNew(toy.DefaultConfig())
	m := []float64{0.2, 0.5, 0.3}
	w, err := p.Inner(m)
	if err != nil {
		t.Fatal(err)
	}
	l0, _ := p.TrainLoss(w, m)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10 {
		w2 := append([]float64(nil), w...)
		for i := range w2 {
			w2[i] += 1e-3 * rng.NormFloat64()
		}
		if l, _ := p.TrainLoss(w2, m); l <= l0 {
			t.Fatalf("perturbed weights have training loss %.12f ≤ the optimum's %.12f", l, l0)
		}
	}
	// Gradient descent from zero converges to the same W*.
	path, err := p.Search(softmax, toy.SearchConfig{Order: 1, Steps: 3000, ArchLR: 0, WeightLR: 0.5, Alpha0: []float64{0, 0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := softmax([]float64{0, 0, 0})
	ws, _ := p.Inner(ms)
	for i := range ws {
		if math.Abs(ws[i]-path.W[i]) > 1e-6 {
			t.Fatalf("gradient descent reached w[%d] = %.8f, closed form %.8f", i, path.W[i], ws[i])
		}
	}
}

// TestSecondOrderCloser checks, at the notebook's arrow points and with the weights at their
// optimum, that second-order DARTS's gradient is closer to the exact hypergradient than first
// order's, in angle and in relative error; and that with ξ → 0 it becomes first order.
func TestSecondOrderCloser(t *testing.T) {
	p := toy.MustNew(toy.DefaultConfig())
	for _, a := range toy.ArrowPoints() {
		ex, _ := p.Exact(softmax, a)
		w, _ := p.Inner(ex.Mix)
		fo, err := p.FirstOrder(softmax, a, w)
		if err != nil {
			t.Fatal(err)
		}
		so, err := p.SecondOrder(softmax, a, w, toy.ArrowXi)
		if err != nil {
			t.Fatal(err)
		}
		af, rf := toy.Compare(fo.Alpha, ex.Alpha)
		as, rs := toy.Compare(so.Alpha, ex.Alpha)
		t.Logf("α=%v: first order %.2f° %.4f, second order %.2f° %.4f", a, af, rf, as, rs)
		if !(rs < rf) || !(as <= af+1e-9) {
			t.Errorf("α=%v: second order (%.3f°, rel %.4f) not closer than first order (%.3f°, rel %.4f)", a, as, rs, af, rf)
		}
		tiny, _ := p.SecondOrder(softmax, a, w, 1e-9)
		if _, r := toy.Compare(tiny.Alpha, fo.Alpha); r > 1e-6 {
			t.Errorf("α=%v: second order with ξ=1e-9 differs from first order by %.2g", a, r)
		}
	}
}

// TestSoftmaxCompetition checks the notebook's claim: from untrained weights the
// parameter-free skip_connect leads conv_1x1 early in a first-order search, from warmed-up
// weights (W*(α0)) conv_1x1 leads from the first step, and the exact hypergradient prefers
// conv_1x1 throughout.
func TestSoftmaxCompetition(t *testing.T) {
	p := toy.MustNew(toy.DefaultConfig())
	m0, _ := softmax([]float64{0, 0, 0})
	warm, _ := p.Inner(m0)
	run := func(order int, w0 []float64) *toy.Path {
		path, err := p.Search(softmax, toy.SearchConfig{Order: order, Steps: 100, ArchLR: 0.5, WeightLR: toy.ArrowXi, W0: w0})
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	cold, hot, exact := run(1, p.RandomWeights(3, 1)), run(1, warm), run(0, nil)
	if a := cold.Alpha[20]; !(a[0] > a[1]) {
		t.Errorf("untrained weights: after 20 steps α_skip %.3f ≤ α_conv %.3f", a[0], a[1])
	}
	if a := hot.Alpha[20]; !(a[1] > a[0]) {
		t.Errorf("warm weights: after 20 steps α_conv %.3f ≤ α_skip %.3f", a[1], a[0])
	}
	for s, a := range exact.Alpha[1:] {
		if !(a[1] > a[0]) {
			t.Fatalf("exact: at step %d α_conv %.3f ≤ α_skip %.3f", s+1, a[1], a[0])
		}
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		mod  func(*toy.Config)
		want string
	}{
		{func(c *toy.Config) { c.Dim = 0 }, "dimension"},
		{func(c *toy.Config) { c.Ops = []string{toy.OpConv, toy.OpConv} }, "more than one"},
		{func(c *toy.Config) { c.Ops = []string{"sep_conv_3x3"} }, "unknown operation"},
		{func(c *toy.Config) { c.Lambda = 0 }, "L2 penalty"},
		{func(c *toy.Config) { c.Valid = 0 }, "samples"},
	} {
		cfg := toy.DefaultConfig()
		c.mod(&cfg)
		if _, err := toy.New(cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New: error %v, want one containing %q", err, c.want)
		}
	}
	p := toy.MustNew(toy.DefaultConfig())
	if _, err := p.Exact(softmax, []float64{0, 0}); err == nil {
		t.Error("Exact with a short α: no error")
	}
	if _, err := p.FirstOrder(softmax, []float64{0, 0, 0}, []float64{1}); err == nil {
		t.Error("FirstOrder with the wrong weights: no error")
	}
	if _, err := p.SecondOrder(softmax, []float64{0, 0, 0}, make([]float64, 64), 0); err == nil {
		t.Error("SecondOrder with ξ = 0: no error")
	}
	if _, err := p.Search(softmax, toy.SearchConfig{Order: 3}); err == nil {
		t.Error("Search of order 3: no error")
	}
	if _, err := p.Landscape(softmax, []float64{0, 0, 0}, 1, 1, nil, nil, nil); err == nil {
		t.Error("Landscape with equal axes: no error")
	}
}

// TestHessianEigenvalues checks the largest eigenvalue by its meaning: gradient descent on W
// converges to W* at a learning rate just under 2/μ_max and diverges just over it.
func TestHessianEigenvalues(t *testing.T) {
	p := toy.MustNew(toy.DefaultConfig())
	alpha := []float64{math.Log(0.2), math.Log(0.5), math.Log(0.3)}
	m, _ := softmax(alpha)
	ev, err := p.HessianEigenvalues(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != p.Dim || !(ev[0] > p.Lambda) || !slices.IsSorted(ev) {
		t.Fatalf("eigenvalues %v", ev)
	}
	ws, _ := p.Inner(m)
	dist := func(lr float64) float64 {
		path, err := p.Search(softmax, toy.SearchConfig{Order: 1, Steps: 600, ArchLR: 0, WeightLR: lr, Alpha0: alpha})
		if err != nil {
			t.Fatal(err)
		}
		d := 0.0
		for i := range ws {
			d = math.Max(d, math.Abs(path.W[i]-ws[i]))
		}
		return d
	}
	top := ev[len(ev)-1]
	if d := dist(1.9 / top); !(d < 1e-6) {
		t.Errorf("learning rate 1.9/μ_max: %g from W*", d)
	}
	if d := dist(2.1 / top); d < 1 {
		t.Errorf("learning rate 2.1/μ_max converged (%g from W*)", d)
	}
}
