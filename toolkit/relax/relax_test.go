package relax

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mathext"
)

// testOps are the candidate operations of the test edges: mixed groups on the first two, one
// group only on the third (Grouped's single-group case).
var testOps = [][]string{
	{"none", "skip_connect", "sep_conv_3x3", "max_pool_3x3", "dil_conv_3x3"},
	{"sep_conv_5x5", "avg_pool_3x3", "none", "dil_conv_5x5", "skip_connect"},
	{"sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5", "conv_7x1_1x7"},
}

// testAlpha has positive and negative logits (both branches of elu) and a tie-free spread.
func testAlpha() [][]float64 {
	return [][]float64{
		{0.3, -0.7, 1.2, -1.5, 0.05},
		{-0.2, 0.9, -1.1, 0.4, 1.6},
		{0.8, -0.4, -0.05, 1.1, -0.9},
	}
}

// objective is f(m) = Σ c·m + Σ d·m², nonlinear so that the vjp is checked at a gradient that
// depends on the sample; grad returns ∂f/∂m.
type objective struct{ c, d [][]float64 }

func testObjective() objective {
	return objective{
		c: [][]float64{{0.5, -1, 2, 0.3, -0.4}, {1.5, 0.2, -0.7, -1.2, 0.9}, {-0.3, 0.8, 1.1, -2, 0.6}},
		d: [][]float64{{0.7, 0.1, -0.5, 1, 0.2}, {-0.3, 0.6, 0.4, 0.2, -0.8}, {0.5, -0.2, 0.3, 0.9, -0.6}},
	}
}

func (o objective) value(m [][]float64) float64 {
	var v float64
	for e := range m {
		for k, x := range m[e] {
			v += o.c[e][k]*x + o.d[e][k]*x*x
		}
	}
	return v
}

func (o objective) grad(m [][]float64) [][]float64 {
	g := make([][]float64, len(m))
	for e := range m {
		g[e] = make([]float64, len(m[e]))
		for k, x := range m[e] {
			g[e][k] = o.c[e][k] + 2*o.d[e][k]*x
		}
	}
	return g
}

// linear is the objective with d = 0.
func (o objective) linear() objective {
	z := make([][]float64, len(o.d))
	for e := range z {
		z[e] = make([]float64, len(o.d[e]))
	}
	return objective{c: o.c, d: z}
}

// seeded returns the Draw of Monte-Carlo sample i: its own PCG stream, so sample i draws the
// same noise at every α (common random numbers).
func seeded(i int, progress float64) Draw {
	return Draw{Step: i, Progress: progress, RNG: rand.New(rand.NewPCG(7, uint64(i)))}
}

// fdGrad is the central finite difference of f at α, step h per coordinate.
func fdGrad(f func([][]float64) float64, alpha [][]float64, h float64) [][]float64 {
	out := make([][]float64, len(alpha))
	for e := range alpha {
		out[e] = make([]float64, len(alpha[e]))
		for k := range alpha[e] {
			a := clone(alpha)
			a[e][k] += h
			fp := f(a)
			a[e][k] -= 2 * h
			fm := f(a)
			out[e][k] = (fp - fm) / (2 * h)
		}
	}
	return out
}

func clone(x [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	for i, r := range x {
		out[i] = slices.Clone(r)
	}
	return out
}

// gradSpec is how a relaxation's gradient is checked: the expectation its estimator targets,
// as a deterministic function of α, and the estimator's mean (and standard error) at α.
type gradSpec struct {
	// what says in words what is compared, for failure messages.
	what string
	// expect is the target expectation; its central difference (step h) is the reference.
	expect func(alpha [][]float64) float64
	h      float64
	// estimate returns the estimator's mean over its samples and the standard error of each
	// component of that mean (zero for deterministic relaxations).
	estimate func(alpha [][]float64) (mean, se [][]float64)
	// tol is the allowed |mean − reference| for a component with standard error se.
	tol func(se float64) float64
}

const (
	// mcSamples is the number of samples of the Monte-Carlo checks.
	mcSamples = 4000
	// crnTol bounds |estimator mean − finite difference| with common random numbers: both sides
	// are the same deterministic function's derivative, so only the finite difference errs
	// (O(h²) ≈ 1e-10 plus rounding ≈ 1e-11 at h = 1e-5).
	crnTol = 1e-7
	// seTol is the number of standard errors a statistical comparison may miss by.
	seTol = 5
)

// deterministicSpec checks the vjp of a deterministic relaxation against the central
// difference of f(Expected(α)).
func deterministicSpec(r core, o objective) gradSpec {
	return gradSpec{
		what:   "vjp vs finite difference of f(expected)",
		expect: func(a [][]float64) float64 { return o.value(r.expected64(a, testOps)) },
		h:      1e-5,
		estimate: func(a [][]float64) (mean, se [][]float64) {
			s := r.sample64(a, testOps, Draw{})
			return s.vjp(o.grad(s.mix)), nil
		},
		tol: func(float64) float64 { return 1e-8 },
	}
}

// crnSpec checks a pathwise estimator with common random numbers: the Monte-Carlo expectation
// (1/N)Σ_i f(sample_i(α)), sample i drawn from its own fixed stream, is a smooth deterministic
// function of α whose derivative is the estimator's mean over the same N samples. soft maps α
// and sample i's Draw to the sample the objective sees (for GumbelHard: the soft sample).
func crnSpec(r core, o objective, progress float64, soft func(a [][]float64, d Draw) [][]float64) gradSpec {
	return gradSpec{
		what: "estimator mean vs finite difference of the common-random-numbers expectation",
		expect: func(a [][]float64) float64 {
			var v float64
			for i := range mcSamples {
				v += o.value(soft(a, seeded(i, progress)))
			}
			return v / mcSamples
		},
		h: 1e-5,
		estimate: func(a [][]float64) (mean, se [][]float64) {
			return meanVJP(r, o, a, progress)
		},
		tol: func(float64) float64 { return crnTol },
	}
}

// meanVJP is the mean over mcSamples seeded samples of the vjp of ∂f/∂Mix, and its standard
// error.
func meanVJP(r core, o objective, a [][]float64, progress float64) (mean, se [][]float64) {
	sum, sq := zerosLike(a), zerosLike(a)
	for i := range mcSamples {
		s := r.sample64(a, testOps, seeded(i, progress))
		g := s.vjp(o.grad(s.mix))
		for e := range g {
			for k, v := range g[e] {
				sum[e][k] += v
				sq[e][k] += v * v
			}
		}
	}
	mean, se = zerosLike(a), zerosLike(a)
	for e := range a {
		for k := range a[e] {
			m := sum[e][k] / mcSamples
			mean[e][k] = m
			se[e][k] = math.Sqrt(math.Max(0, sq[e][k]/mcSamples-m*m) / mcSamples)
		}
	}
	return mean, se
}

func zerosLike(a [][]float64) [][]float64 {
	out := make([][]float64, len(a))
	for e := range a {
		out[e] = make([]float64, len(a[e]))
	}
	return out
}

// dirichletExpectation is E[f(x)] for x ~ Dir(β), β = elu(α)+1, in closed form from the first
// two moments: E x_k = β_k/S, E x_k² = β_k(β_k+1)/(S(S+1)).
func dirichletExpectation(o objective, a [][]float64) float64 {
	var v float64
	for e, row := range a {
		b := make([]float64, len(row))
		var s float64
		for k, x := range row {
			b[k] = concentration(x)
			s += b[k]
		}
		for k := range row {
			v += o.c[e][k]*b[k]/s + o.d[e][k]*b[k]*(b[k]+1)/(s*(s+1))
		}
	}
	return v
}

// crnDirichlet is the number of inverse-CDF samples of the Dirichlet check (each costs a
// Newton solve per weight).
const crnDirichlet = 100

// inverseCDFLogZ is log F⁻¹(u; β) for β = elu(α)+1 and uniforms u of sample i's own stream.
func inverseCDFLogZ(a [][]float64, i int) [][]float64 {
	rng := rand.New(rand.NewPCG(9, uint64(i)))
	out := zerosLike(a)
	for e := range a {
		for k, x := range a[e] {
			out[e][k] = math.Log(mathext.GammaIncRegInv(concentration(x), openUniform(rng)))
		}
	}
	return out
}

// gumbelSoftSample is softmax((α+g)/τ) with g drawn from d as GumbelSoft and GumbelHard draw it.
func gumbelSoftSample(tau float64) func(a [][]float64, d Draw) [][]float64 {
	return func(a [][]float64, d Draw) [][]float64 {
		out := make([][]float64, len(a))
		for e, row := range a {
			out[e] = SoftmaxRow(perturb(row, d.RNG), tau)
		}
		return out
	}
}

type relaxCase struct {
	r          core
	sumsToOne  bool
	stochastic bool
	hard       bool
	progress   float64
	grad       gradSpec
}

func relaxCases() []relaxCase {
	o := testObjective()
	soft, hard, dir := NewGumbelSoft(), NewGumbelHard(), Dirichlet{}
	const softP, hardP = 0.6, 0.9 // τ = 0.418 and 1.09
	return []relaxCase{
		{r: Softmax{}, sumsToOne: true, grad: deterministicSpec(Softmax{}, o)},
		{r: Sigmoid{}, grad: deterministicSpec(Sigmoid{}, o)},
		{r: NewGrouped(), sumsToOne: true, grad: deterministicSpec(NewGrouped(), o)},
		{r: Grouped{Share: 0.7, Free: []string{"none", "skip_connect"}}, sumsToOne: true,
			grad: deterministicSpec(Grouped{Share: 0.7, Free: []string{"none", "skip_connect"}}, o)},
		{r: soft, sumsToOne: true, stochastic: true, progress: softP,
			grad: crnSpec(soft, o, softP, gumbelSoftSample(soft.Tau(softP)))},
		// Straight-through: with a linear objective, the estimator's mean is the gradient of
		// the expectation of the soft sample softmax((α+g)/τ) (the hard one's bias is tested in
		// TestGumbelHardBias).
		{r: hard, sumsToOne: true, stochastic: true, hard: true, progress: hardP,
			grad: crnSpec(hard, o.linear(), hardP, gumbelSoftSample(hard.Tau(hardP)))},
		// Dirichlet: Marsaglia–Tsang rejects, so its fixed noise stream is not a smooth function
		// of β. The common random numbers here are uniforms u pushed through the inverse Gamma
		// CDF, z = F⁻¹(u; β): a smooth function of α whose pathwise derivative is what the
		// implicit gradient computes from z alone. TestDirichletUnbiased checks the sampler's
		// own draws against the closed-form expectation.
		{r: dir, sumsToOne: true, stochastic: true, grad: gradSpec{
			what: "vjp mean vs finite difference of the inverse-CDF common-random-numbers expectation",
			expect: func(a [][]float64) float64 {
				var v float64
				for i := range crnDirichlet {
					v += o.value(dir.fromLogZ(a, inverseCDFLogZ(a, i)).mix)
				}
				return v / crnDirichlet
			},
			h: 1e-5,
			estimate: func(a [][]float64) (mean, se [][]float64) {
				mean = zerosLike(a)
				for i := range crnDirichlet {
					s := dir.fromLogZ(a, inverseCDFLogZ(a, i))
					g := s.vjp(o.grad(s.mix))
					for e := range g {
						for k, v := range g[e] {
							mean[e][k] += v / crnDirichlet
						}
					}
				}
				return mean, nil
			},
			tol: func(float64) float64 { return 1e-6 },
		}},
	}
}

// TestRelaxations runs every relaxation through the same checks.
func TestRelaxations(t *testing.T) {
	alpha := testAlpha()
	alpha32 := toF32Rows(alpha)
	for _, c := range relaxCases() {
		t.Run(c.r.Name(), func(t *testing.T) {
			d := seeded(0, c.progress)
			s := c.r.Sample(alpha32, testOps, d)
			exp := c.r.Expected(alpha32, testOps)

			// Shapes.
			checkShape(t, "Mix", s.Mix, alpha32)
			checkShape(t, "Expected", exp, alpha32)
			checkShape(t, "VJP", s.VJP(toF32Rows(testObjective().c)), alpha32)
			if c.hard {
				if len(s.Hard) != len(alpha) {
					t.Fatalf("Hard has %d entries, want %d", len(s.Hard), len(alpha))
				}
				for e, k := range s.Hard {
					for j, m := range s.Mix[e] {
						if want := float32(0); j == k && m != 1 || j != k && m != want {
							t.Fatalf("edge %d: Mix %v is not the one-hot of Hard %d", e, s.Mix[e], k)
						}
					}
				}
			} else if s.Hard != nil {
				t.Fatalf("Hard = %v for a relaxation without hard samples", s.Hard)
			}

			// Weights sum to one where promised; all weights in [0, 1].
			for _, m := range [][][]float32{s.Mix, exp} {
				for e, row := range m {
					var sum float64
					for _, v := range row {
						if !(v >= 0 && v <= 1) {
							t.Fatalf("edge %d: weight %g outside [0, 1]", e, v)
						}
						sum += float64(v)
					}
					if c.sumsToOne && math.Abs(sum-1) > 1e-6 {
						t.Fatalf("edge %d: weights sum to %.9f, want 1", e, sum)
					}
				}
			}
			if !c.stochastic {
				if !equalBits(s.Mix, exp) {
					t.Fatalf("a deterministic relaxation's sample %v differs from Expected %v", s.Mix, exp)
				}
			}

			// The float32 interface is the float64 core, rounded.
			core := c.r.sample64(toF64Rows(alpha32), testOps, seeded(0, c.progress))
			if !equalBits(s.Mix, toF32Rows(core.mix)) {
				t.Fatalf("Sample.Mix differs from the float64 core's")
			}
			g := testObjective().c
			if !equalBits(s.VJP(toF32Rows(g)), toF32Rows(core.vjp(toF64Rows(toF32Rows(g))))) {
				t.Fatalf("Sample.VJP differs from the float64 core's")
			}

			// Gradient.
			spec := c.grad
			ref := fdGrad(spec.expect, alpha, spec.h)
			mean, se := spec.estimate(alpha)
			var worst, worstSE float64
			for e := range ref {
				for k := range ref[e] {
					var sek float64
					if se != nil {
						sek = se[e][k]
					}
					diff := math.Abs(mean[e][k] - ref[e][k])
					if diff > spec.tol(sek) {
						t.Errorf("%s: α[%d][%d]: estimate %.10g, reference %.10g (|Δ| %.3g, s.e. %.3g, tolerance %.3g)",
							spec.what, e, k, mean[e][k], ref[e][k], diff, sek, spec.tol(sek))
					}
					if diff > worst {
						worst, worstSE = diff, sek
					}
				}
			}
			var scale float64
			for e := range ref {
				for _, v := range ref[e] {
					scale = math.Max(scale, math.Abs(v))
				}
			}
			t.Logf("%s: max |Δ| %.3g (s.e. there %.3g); largest reference component %.3g", spec.what, worst, worstSE, scale)

			// A fixed seed reproduces the sample; another seed changes a random one.
			s2 := c.r.Sample(alpha32, testOps, seeded(0, c.progress))
			if !equalBits(s.Mix, s2.Mix) || !slices.Equal(s.Hard, s2.Hard) {
				t.Fatalf("the same seed gave different samples")
			}
			if c.stochastic {
				s3 := c.r.Sample(alpha32, testOps, Draw{Progress: c.progress, RNG: rand.New(rand.NewPCG(8, 0))})
				if equalBits(s.Mix, s3.Mix) && !c.hard {
					t.Fatalf("another seed gave the same sample")
				}
			}

			// Resume: the RNG state marshalled after k steps, restored, draws the same steps
			// k+1.. bit for bit.
			checkResume(t, c.r, alpha32, c.progress)
		})
	}
}

// checkResume draws k samples, marshals the PCG state, draws m more, then restores the state
// into a fresh PCG and draws m again: mixing weights, hard choices and vjps must agree bit for
// bit.
func checkResume(t *testing.T, r Relaxation, alpha [][]float32, progress float64) {
	t.Helper()
	const k, m = 5, 4
	pcg := rand.NewPCG(11, 12)
	rng := rand.New(pcg)
	for i := range k {
		r.Sample(alpha, testOps, Draw{Step: i, Progress: progress, RNG: rng})
	}
	state, err := pcg.MarshalBinary()
	if err != nil {
		t.Fatalf("marshal PCG: %v", err)
	}
	g := toF32Rows(testObjective().c)
	run := func(rng *rand.Rand) (out []Sample, vjps [][][]float32) {
		for i := range m {
			s := r.Sample(alpha, testOps, Draw{Step: k + i, Progress: progress, RNG: rng})
			out = append(out, s)
			vjps = append(vjps, s.VJP(g))
		}
		return out, vjps
	}
	first, firstVJP := run(rng)
	restored := &rand.PCG{}
	if err := restored.UnmarshalBinary(state); err != nil {
		t.Fatalf("unmarshal PCG: %v", err)
	}
	again, againVJP := run(rand.New(restored))
	for i := range m {
		if !equalBits(first[i].Mix, again[i].Mix) || !slices.Equal(first[i].Hard, again[i].Hard) ||
			!equalBits(firstVJP[i], againVJP[i]) {
			t.Fatalf("resumed draw %d differs from the uninterrupted one", k+i+1)
		}
	}
}

func checkShape(t *testing.T, what string, got, want [][]float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s has %d rows, want %d", what, len(got), len(want))
	}
	for e := range got {
		if len(got[e]) != len(want[e]) {
			t.Fatalf("%s row %d has %d entries, want %d", what, e, len(got[e]), len(want[e]))
		}
	}
}

func equalBits(a, b [][]float32) bool {
	if len(a) != len(b) {
		return false
	}
	for e := range a {
		if len(a[e]) != len(b[e]) {
			return false
		}
		for k := range a[e] {
			if math.Float32bits(a[e][k]) != math.Float32bits(b[e][k]) {
				return false
			}
		}
	}
	return true
}

// TestGumbelHardBias: GDAS's straight-through gradient is biased with respect to the gradient
// of the hard sample's expectation, E⟨c, onehot⟩ = ⟨c, softmax(α)⟩ (Gumbel-max). At the start
// of the schedule (τ = 10) the estimator's mean is far from that gradient, by many standard
// errors; the test fails if the bias were not measurable.
func TestGumbelHardBias(t *testing.T) {
	o := testObjective().linear()
	alpha := testAlpha()
	hard := NewGumbelHard()
	mean, se := meanVJP(hard, o, alpha, 0)
	ref := fdGrad(func(a [][]float64) float64 { return o.value(softmaxRows(a, 1)) }, alpha, 1e-5)
	var worst float64
	var at [2]int
	for e := range ref {
		for k := range ref[e] {
			if z := math.Abs(mean[e][k]-ref[e][k]) / (se[e][k] + 1e-12); z > worst {
				worst, at = z, [2]int{e, k}
			}
		}
	}
	t.Logf("largest bias: α[%d][%d] estimator mean %.4g, hard-expectation gradient %.4g (%.0f standard errors)",
		at[0], at[1], mean[at[0]][at[1]], ref[at[0]][at[1]], worst)
	if worst < 20 {
		t.Fatalf("straight-through mean within %.1f standard errors of the hard expectation's gradient: no bias measured", worst)
	}
}

// TestGumbelHardExpected: the one-hot samples' frequencies match Expected = softmax(α).
func TestGumbelHardExpected(t *testing.T) {
	alpha := toF32Rows(testAlpha())
	hard := NewGumbelHard()
	exp := hard.Expected(alpha, testOps)
	counts := make([][]float64, len(alpha))
	for e := range counts {
		counts[e] = make([]float64, len(alpha[e]))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range mcSamples {
		s := hard.Sample(alpha, testOps, Draw{Step: i, Progress: 0.3, RNG: rng})
		for e, k := range s.Hard {
			counts[e][k]++
		}
	}
	for e := range counts {
		for k := range counts[e] {
			p := float64(exp[e][k])
			freq := counts[e][k] / mcSamples
			if se := math.Sqrt(p * (1 - p) / mcSamples); math.Abs(freq-p) > seTol*se {
				t.Errorf("edge %d op %d: frequency %.4f, softmax(α) %.4f (s.e. %.4f)", e, k, freq, p, se)
			}
		}
	}
}

// TestDirichletUnbiased: over the sampler's own draws, the vjp's mean matches the finite
// difference of the closed-form expectation of f within seTol standard errors (plus 1e-9).
func TestDirichletUnbiased(t *testing.T) {
	o := testObjective()
	alpha := testAlpha()
	ref := fdGrad(func(a [][]float64) float64 { return dirichletExpectation(o, a) }, alpha, 1e-5)
	mean, se := meanVJP(Dirichlet{}, o, alpha, 0)
	var worst float64
	for e := range ref {
		for k := range ref[e] {
			z := math.Abs(mean[e][k]-ref[e][k]) / se[e][k]
			worst = math.Max(worst, z)
			if math.Abs(mean[e][k]-ref[e][k]) > seTol*se[e][k]+1e-9 {
				t.Errorf("α[%d][%d]: vjp mean %.6g, closed-form gradient %.6g (s.e. %.3g)", e, k, mean[e][k], ref[e][k], se[e][k])
			}
		}
	}
	t.Logf("largest deviation %.2f standard errors over %d samples", worst, mcSamples)
}

// TestDirichletMean: the samples' mean matches Expected, the Dirichlet mean.
func TestDirichletMean(t *testing.T) {
	alpha := testAlpha()
	var dir Dirichlet
	exp := dir.expected64(alpha, testOps)
	sum, sq := zerosLike(alpha), zerosLike(alpha)
	for i := range mcSamples {
		s := dir.sample64(alpha, testOps, seeded(i, 0))
		for e := range s.mix {
			for k, x := range s.mix[e] {
				sum[e][k] += x
				sq[e][k] += x * x
			}
		}
	}
	for e := range exp {
		for k := range exp[e] {
			m := sum[e][k] / mcSamples
			se := math.Sqrt((sq[e][k]/mcSamples - m*m) / mcSamples)
			if math.Abs(m-exp[e][k]) > seTol*se {
				t.Errorf("edge %d op %d: sample mean %.5f, Dirichlet mean %.5f (s.e. %.5f)", e, k, m, exp[e][k], se)
			}
		}
	}
}

// TestGammaImplicitGradient checks d log z/dβ of the implicit reparameterization against the
// derivative of the inverse CDF: z(β) = F⁻¹(u; β) at fixed u, by central differences of
// gonum's GammaIncRegInv, over small and large concentrations, both tails and the small-z
// branch.
func TestGammaImplicitGradient(t *testing.T) {
	for _, b := range []float64{0.05, 0.3, 1, 2.5, 7} {
		for _, u := range []float64{1e-3, 0.05, 0.3, 0.7, 0.95, 0.999} {
			logz := func(bb float64) float64 { return math.Log(mathext.GammaIncRegInv(bb, u)) }
			h := 1e-4 * b
			want := (logz(b+h) - logz(b-h)) / (2 * h)
			got := gammaDLogZ(logz(b), b)
			if math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
				t.Errorf("β %g, u %g (z %.3g): d log z/dβ %.9g, inverse-CDF difference %.9g", b, u, math.Exp(logz(b)), got, want)
			}
		}
	}
}

// TestTemperatureSchedules: the published schedules at the start, middle and end.
func TestTemperatureSchedules(t *testing.T) {
	cases := []struct {
		name string
		tau  func(float64) float64
		want [3]float64 // at progress 0, 0.5, 1
	}{
		{"SNAS", NewGumbelSoft().Tau, [3]float64{1, 0.515, 0.03}},
		{"GDAS", NewGumbelHard().Tau, [3]float64{10, 5.05, 0.1}},
	}
	for _, c := range cases {
		for i, p := range []float64{0, 0.5, 1} {
			if got := c.tau(p); math.Abs(got-c.want[i]) > 1e-12 {
				t.Errorf("%s τ(%g) = %g, want %g", c.name, p, got, c.want[i])
			}
		}
		if c.tau(-1) != c.tau(0) || c.tau(2) != c.tau(1) {
			t.Errorf("%s: progress outside [0, 1] is not clamped", c.name)
		}
	}
	// GDAS sets τ = 10 − 9.9·epoch/(epochs−1): epoch 3 of 11 is progress 0.3.
	if got, want := NewGumbelHard().Tau(3.0/10), 10-9.9*3/10; math.Abs(got-want) > 1e-12 {
		t.Errorf("GDAS τ at epoch 3 of 11 = %g, want %g", got, want)
	}
}

// TestChecks: bad settings give one clear error.
func TestChecks(t *testing.T) {
	for _, c := range []interface{ Check() error }{GumbelSoft{}, GumbelHard{TauMax: 10}, Grouped{}, Grouped{Share: 1}} {
		if err := c.Check(); err == nil {
			t.Errorf("%#v: Check accepted bad settings", c)
		}
	}
	for _, c := range []interface{ Check() error }{NewGumbelSoft(), NewGumbelHard(), NewGrouped()} {
		if err := c.Check(); err != nil {
			t.Errorf("%#v: %v", c, err)
		}
	}
}

// TestBadInput: misuse panics with one clear message (the interface has no error return).
func TestBadInput(t *testing.T) {
	alpha := toF32Rows(testAlpha())
	cases := []struct {
		name string
		call func()
		want string
	}{
		{"gumbel without RNG", func() { NewGumbelSoft().Sample(alpha, testOps, Draw{}) }, "needs Draw.RNG"},
		{"dirichlet without RNG", func() { Dirichlet{}.Sample(alpha, testOps, Draw{}) }, "needs Draw.RNG"},
		{"zero temperature", func() { GumbelHard{}.Sample(alpha, testOps, seeded(0, 0)) }, "temperature 0"},
		{"grouped without names", func() { NewGrouped().Expected(alpha, nil) }, "needs the names"},
		{"grouped bad share", func() { Grouped{Share: 2}.Expected(alpha, testOps) }, "not in (0, 1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, c.want) {
					t.Fatalf("panic %v, want a message containing %q", r, c.want)
				}
			}()
			c.call()
		})
	}
}
