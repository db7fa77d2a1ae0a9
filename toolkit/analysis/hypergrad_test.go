package analysis

import (
	"math"
	"math/rand/v2"
	"testing"
)

// toyNet is a tiny float64 "supernet" with exact derivatives: E edges, each a softmax(α_e)
// mixture of O operations; operation o on edge e is a linear read-out w_eo · φ_o(P_e x) of
// fixed features (φ_0 identity, φ_1 tanh(2·), φ_2 a centred square), so the score is
//
//	z(x) = Σ_e Σ_o softmax(α_e)_o · w_eo · φ_o(P_e x)
//
// and the loss is the logistic loss of labels y = ±1 plus (λ/2)‖w‖². The inner problem
// (over w) is smooth and strongly convex but not quadratic; the outer one (over α) is not
// convex at all.
type toyNet struct {
	E, O, M int
	feats   [][]float64 // per example: φ flattened as [e][o][j]
	y       []float64
	lambda  float64
}

func (t *toyNet) nw() int { return t.E * t.O * t.M }
func (t *toyNet) na() int { return t.E * t.O }

func softmaxRows(alpha []float64, E, O int) []float64 {
	p := make([]float64, len(alpha))
	for e := range E {
		row := alpha[e*O : (e+1)*O]
		mx := row[0]
		for _, a := range row {
			mx = max(mx, a)
		}
		var s float64
		for o, a := range row {
			p[e*O+o] = math.Exp(a - mx)
			s += p[e*O+o]
		}
		for o := range O {
			p[e*O+o] /= s
		}
	}
	return p
}

// eval returns, per example, the score z, the per-(e,o) read-outs s_eo = w_eo·φ_eo and, for a
// weight-space vector v (may be nil), t_eo = v_eo·φ_eo.
func (t *toyNet) readouts(i int, w, v []float64) (s, tv []float64) {
	s = make([]float64, t.na())
	if v != nil {
		tv = make([]float64, t.na())
	}
	f := t.feats[i]
	for k := range t.na() {
		for j := range t.M {
			s[k] += w[k*t.M+j] * f[k*t.M+j]
			if v != nil {
				tv[k] += v[k*t.M+j] * f[k*t.M+j]
			}
		}
	}
	return s, tv
}

// logistic loss ℓ(z) = log(1 + exp(−yz)) and its first two derivatives in z.
func logistic(z, y float64) (l, d1, d2 float64) {
	m := y * z
	sigNeg := 1 / (1 + math.Exp(m)) // σ(−yz)
	l = math.Log1p(math.Exp(-math.Abs(m))) + math.Max(-m, 0)
	return l, -y * sigNeg, sigNeg * (1 - sigNeg)
}

// dzdAlpha returns ∂z/∂α_ek = p_ek (s_ek − Σ_o p_eo s_eo) for every (e, k).
func (t *toyNet) dzdAlpha(p, s []float64) []float64 {
	d := make([]float64, t.na())
	for e := range t.E {
		var c float64
		for o := range t.O {
			c += p[e*t.O+o] * s[e*t.O+o]
		}
		for k := range t.O {
			d[e*t.O+k] = p[e*t.O+k] * (s[e*t.O+k] - c)
		}
	}
	return d
}

func (t *toyNet) loss(w, alpha []float64) float64 {
	p := softmaxRows(alpha, t.E, t.O)
	var L float64
	for i := range t.y {
		s, _ := t.readouts(i, w, nil)
		var z float64
		for k := range s {
			z += p[k] * s[k]
		}
		l, _, _ := logistic(z, t.y[i])
		L += l
	}
	L /= float64(len(t.y))
	return L + t.lambda/2*dot(w, w)
}

func (t *toyNet) grad(w, alpha []float64) (gw, ga []float64, err error) {
	p := softmaxRows(alpha, t.E, t.O)
	gw, ga = make([]float64, t.nw()), make([]float64, t.na())
	n := float64(len(t.y))
	for i := range t.y {
		s, _ := t.readouts(i, w, nil)
		var z float64
		for k := range s {
			z += p[k] * s[k]
		}
		_, d1, _ := logistic(z, t.y[i])
		for k := range t.na() {
			for j := range t.M {
				gw[k*t.M+j] += d1 * p[k] * t.feats[i][k*t.M+j] / n
			}
		}
		for k, d := range t.dzdAlpha(p, s) {
			ga[k] += d1 * d / n
		}
	}
	return axpy(t.lambda, w, gw), ga, nil
}

// hvp returns the exact ∇²_ww L · v and ∇²_αw L · v.
func (t *toyNet) hvp(w, alpha, v []float64) (hww, haw []float64, err error) {
	p := softmaxRows(alpha, t.E, t.O)
	hww, haw = make([]float64, t.nw()), make([]float64, t.na())
	n := float64(len(t.y))
	for i := range t.y {
		s, tv := t.readouts(i, w, v)
		var z, u float64 // u = ∂z/∂w · v
		for k := range s {
			z += p[k] * s[k]
			u += p[k] * tv[k]
		}
		_, d1, d2 := logistic(z, t.y[i])
		for k := range t.na() {
			for j := range t.M {
				hww[k*t.M+j] += d2 * u * p[k] * t.feats[i][k*t.M+j] / n
			}
		}
		// ∂/∂α [ℓ'(z) u] = ℓ''(z) ∂z/∂α · u + ℓ'(z) ∂u/∂α, where u has the form of z with t
		// in place of s.
		dz, du := t.dzdAlpha(p, s), t.dzdAlpha(p, tv)
		for k := range haw {
			haw[k] += (d2*dz[k]*u + d1*du[k]) / n
		}
	}
	return axpy(t.lambda, v, hww), haw, nil
}

// newToy draws n examples of a fixed nonlinear problem, with features shared by train and
// validation (the edge projections P_e come from the same seed).
func newToy(n int, lambda float64, seed uint64) *toyNet {
	const E, O, M = 2, 3, 3
	proj := rand.New(rand.NewPCG(99, 1))
	P := make([][]float64, E)
	for e := range P {
		P[e] = make([]float64, M*M)
		for k := range P[e] {
			P[e][k] = proj.NormFloat64() / math.Sqrt(M)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	t := &toyNet{E: E, O: O, M: M, lambda: lambda}
	for range n {
		x := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		f := make([]float64, 0, E*O*M)
		for e := range E {
			px := make([]float64, M)
			for a := range M {
				for b := range M {
					px[a] += P[e][a*M+b] * x[b]
				}
			}
			for o := range O {
				for _, v := range px {
					switch o {
					case 0:
						f = append(f, v)
					case 1:
						f = append(f, math.Tanh(2*v))
					default:
						f = append(f, v*v-1)
					}
				}
			}
		}
		label := math.Sin(2*x[0]) + x[1]*x[2] + 0.3*rng.NormFloat64()
		y := 1.0
		if label < 0 {
			y = -1
		}
		t.feats = append(t.feats, f)
		t.y = append(t.y, y)
	}
	return t
}

func randVec(rng *rand.Rand, n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = scale * rng.NormFloat64()
	}
	return v
}

// The toy's analytic gradients and second-derivative products agree with finite differences
// of its loss and gradient (so that the hypergradient test below rests on exact derivatives).
func TestToyDerivatives(t *testing.T) {
	toy := newToy(20, 0.01, 1)
	rng := rand.New(rand.NewPCG(5, 5))
	w, a, v := randVec(rng, toy.nw(), 0.5), randVec(rng, toy.na(), 0.5), randVec(rng, toy.nw(), 1)
	gw, ga, _ := toy.grad(w, a)
	const h = 1e-6
	for _, c := range []struct {
		x    []float64
		grad []float64
	}{{w, gw}, {a, ga}} {
		for i := range c.x {
			old := c.x[i]
			c.x[i] = old + h
			lp := toy.loss(w, a)
			c.x[i] = old - h
			lm := toy.loss(w, a)
			c.x[i] = old
			if fd := (lp - lm) / (2 * h); math.Abs(fd-c.grad[i]) > 1e-8 {
				t.Errorf("gradient %d: analytic %.10g, finite difference %.10g", i, c.grad[i], fd)
			}
		}
	}
	hww, haw, _ := toy.hvp(w, a, v)
	gwp, gap, _ := toy.grad(axpy(h, v, w), a)
	gwm, gam, _ := toy.grad(axpy(-h, v, w), a)
	for i := range hww {
		if fd := (gwp[i] - gwm[i]) / (2 * h); math.Abs(fd-hww[i]) > 1e-7 {
			t.Errorf("H_ww v [%d]: analytic %.10g, finite difference %.10g", i, hww[i], fd)
		}
	}
	for i := range haw {
		if fd := (gap[i] - gam[i]) / (2 * h); math.Abs(fd-haw[i]) > 1e-7 {
			t.Errorf("H_αw v [%d]: analytic %.10g, finite difference %.10g", i, haw[i], fd)
		}
	}
}

// On the toy supernet, in float64: the unrolled hypergradient through K = 4000 exactly
// differentiated gradient-descent steps agrees with the implicit-function gradient computed
// by conjugate gradients on finite-difference Hessian-vector products (relative error below
// 1e-4), and second-order DARTS is closer to that reference than first-order DARTS, both at
// partly trained shared weights and at the inner optimum.
func TestHypergradientReference(t *testing.T) {
	trainSet, valSet := newToy(64, 0.05, 1), newToy(64, 0, 2)
	exact := Bilevel{Train: trainSet.grad, Val: valSet.grad, TrainHVP: trainSet.hvp}
	fd := Bilevel{Train: trainSet.grad, Val: valSet.grad} // DARTS's finite differences, ε = 0.01/‖v‖
	rng := rand.New(rand.NewPCG(3, 3))
	alpha := randVec(rng, trainSet.na(), 0.5)
	w0 := randVec(rng, trainSet.nw(), 0.1)

	// The inner optimum w*(α), by Newton's method with exact CG solves.
	wStar := append([]float64(nil), w0...)
	for range 30 {
		g, _, _ := trainSet.grad(wStar, alpha)
		if norm(g) < 1e-14 {
			break
		}
		res, err := ConjugateGradient(func(v []float64) ([]float64, error) {
			h, _, err := trainSet.hvp(wStar, alpha, v)
			return h, err
		}, g, CGOptions{Tol: 1e-14})
		if err != nil {
			t.Fatal(err)
		}
		wStar = axpy(-1, res.X, wStar)
	}
	if g, _, _ := trainSet.grad(wStar, alpha); norm(g) > 1e-12 {
		t.Fatalf("inner optimum not reached: ‖∇_w L_train‖ = %g", norm(g))
	}

	// The largest curvature, by power iteration, sets the inner learning rate.
	v := randVec(rng, trainSet.nw(), 1)
	var lmax float64
	for range 200 {
		h, _, _ := trainSet.hvp(wStar, alpha, v)
		lmax = norm(h)
		v = axpy(1/lmax, h, make([]float64, len(h)))
	}
	lr := 1 / lmax

	const K = 4000
	unrolled, wK, err := exact.Unrolled(w0, alpha, lr, K)
	if err != nil {
		t.Fatal(err)
	}
	if d := RelativeError(wK, wStar); d > 1e-10 {
		t.Fatalf("%d inner steps of lr %.3g end %.2g (relative) from w*: not converged", K, lr, d)
	}
	implicitExact, _, err := exact.Implicit(wStar, alpha, CGOptions{Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	implicitFD, cg, err := fd.Implicit(wStar, alpha, CGOptions{Tol: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	eUnrolled := RelativeError(unrolled, implicitExact)
	eFD := RelativeError(implicitFD, unrolled)
	t.Logf("λ_max %.4g, lr %.4g; unrolled (K=%d) vs implicit with exact HVPs: relative error %.2e", lmax, lr, K, eUnrolled)
	t.Logf("implicit (CG, %d iterations, residual %.1e, finite-difference HVPs) vs unrolled: relative error %.2e, cosine %.10f",
		cg.Iterations, cg.Residual, eFD, Cosine(implicitFD, unrolled))
	if eUnrolled > 1e-8 {
		t.Errorf("unrolled vs exact implicit gradient: relative error %.2e, want ≤ 1e-8", eUnrolled)
	}
	if eFD > 1e-4 {
		t.Errorf("implicit gradient on finite-difference HVPs vs unrolled: relative error %.2e, want ≤ 1e-4", eFD)
	}

	ref := unrolled
	wT := w0
	for range 3 { // partly trained shared weights: 3 steps from w0
		g, _, _ := trainSet.grad(wT, alpha)
		wT = axpy(-lr, g, wT)
	}
	for _, at := range []struct {
		name string
		w    []float64
	}{{"after 3 inner steps", wT}, {"at w*", wStar}} {
		first, err := fd.FirstOrder(at.w, alpha)
		if err != nil {
			t.Fatal(err)
		}
		second, err := fd.SecondOrder(at.w, alpha, lr)
		if err != nil {
			t.Fatal(err)
		}
		e1, e2 := RelativeError(first, ref), RelativeError(second, ref)
		t.Logf("%s: first order relative error %.4f (cosine %.4f), second order %.4f (cosine %.4f)",
			at.name, e1, Cosine(first, ref), e2, Cosine(second, ref))
		if !(e2 < e1) {
			t.Errorf("%s: second-order error %.4f not below first-order %.4f", at.name, e2, e1)
		}
	}
}

func TestConjugateGradient(t *testing.T) {
	// A = [[4, 1], [1, 3]], b = [1, 2]: x = [1/11, 7/11].
	A := func(v []float64) ([]float64, error) { return []float64{4*v[0] + v[1], v[0] + 3*v[1]}, nil }
	res, err := ConjugateGradient(A, []float64{1, 2}, CGOptions{})
	if err != nil || math.Abs(res.X[0]-1.0/11) > 1e-12 || math.Abs(res.X[1]-7.0/11) > 1e-12 || res.Iterations > 2 {
		t.Errorf("x = %v after %d iterations, %v; want [1/11, 7/11] in at most 2", res.X, res.Iterations, err)
	}
	// Indefinite: [[1, 0], [0, −1]] with b = [0, 1] meets negative curvature; damping 2 fixes it.
	B := func(v []float64) ([]float64, error) { return []float64{v[0], -v[1]}, nil }
	if _, err := ConjugateGradient(B, []float64{0, 1}, CGOptions{}); err == nil {
		t.Error("indefinite operator: want an error")
	}
	if res, err := ConjugateGradient(B, []float64{0, 1}, CGOptions{Damping: 2}); err != nil || math.Abs(res.X[1]-1) > 1e-12 {
		t.Errorf("damped: %v, %v; want x₁ = 1", res.X, err)
	}
	// Too few iterations: an error with the last iterate.
	C := func(v []float64) ([]float64, error) { return []float64{v[0], 2 * v[1], 3 * v[2]}, nil }
	if _, err := ConjugateGradient(C, []float64{1, 1, 1}, CGOptions{MaxIter: 1}); err == nil {
		t.Error("one iteration on a 3-eigenvalue system: want a residual error")
	}
}
