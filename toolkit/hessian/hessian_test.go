package hessian

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// symWithSpectrum returns Q diag(eig) Qᵀ for a random orthogonal Q.
func symWithSpectrum(t *testing.T, eig []float64, rng *rand.Rand) *mat.SymDense {
	n := len(eig)
	a := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var q mat.Dense
	qr.QTo(&q)
	var m mat.Dense
	m.Mul(&q, mat.NewDiagDense(n, eig))
	m.Mul(&m, q.T())
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	return s
}

func exactHVP(m mat.Matrix) HVP {
	return func(v []float64) ([]float64, error) {
		var w mat.VecDense
		w.MulVec(m, mat.NewVecDense(len(v), append([]float64(nil), v...)))
		return append([]float64(nil), w.RawVector().Data...), nil
	}
}

func TestPowerIterationKnownSpectrum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	h := symWithSpectrum(t, []float64{-5, 3, 1, 0.5, -0.2, 0}, rng)
	l, v, err := DominantEigen(exactHVP(h), 6, 500, 1e-12, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l+5) > 1e-8 {
		t.Errorf("dominant eigenvalue %.10f, want -5", l)
	}
	// v is an eigenvector: Hv = λv.
	hv, _ := exactHVP(h)(v)
	for i := range v {
		if math.Abs(hv[i]-l*v[i]) > 1e-5 {
			t.Fatalf("Hv − λv [%d] = %g", i, hv[i]-l*v[i])
		}
	}
	top, _, err := LargestEigen(exactHVP(h), 6, 500, 1e-12, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(top-3) > 1e-7 {
		t.Errorf("largest eigenvalue %.10f, want 3", top)
	}
	// Too few iterations: the estimate comes back with ErrNotConverged.
	_, _, err = DominantEigen(exactHVP(h), 6, 2, 1e-14, rand.New(rand.NewPCG(3, 4)))
	if !errors.Is(err, ErrNotConverged) {
		t.Errorf("2 iterations at tol 1e-14: err %v, want ErrNotConverged", err)
	}
	// Same seed, same answer (bit for bit).
	a, _, _ := DominantEigen(exactHVP(h), 6, 7, 0, rand.New(rand.NewPCG(9, 9)))
	b, _, _ := DominantEigen(exactHVP(h), 6, 7, 0, rand.New(rand.NewPCG(9, 9)))
	if a != b {
		t.Errorf("same seed: %v then %v", a, b)
	}
	if _, _, err := DominantEigen(exactHVP(h), 0, 5, 0, rng); err == nil {
		t.Error("dim 0 accepted")
	}
}

// tinyModel is a float64 "supernet" small enough to form its Hessian: E edges with K
// operations mix fixed class-score vectors through softmax(α) and the loss is the mean
// cross-entropy over N examples. grad is its analytic gradient with respect to α.
type tinyModel struct {
	E, K, C, N int
	W          [][][][]float64 // [n][e][k][c]
	Y          []int
}

func newTiny(rng *rand.Rand) *tinyModel {
	m := &tinyModel{E: 3, K: 3, C: 4, N: 6}
	m.W = make([][][][]float64, m.N)
	for n := range m.W {
		m.W[n] = make([][][]float64, m.E)
		for e := range m.W[n] {
			m.W[n][e] = make([][]float64, m.K)
			for k := range m.W[n][e] {
				m.W[n][e][k] = make([]float64, m.C)
				for c := range m.W[n][e][k] {
					m.W[n][e][k][c] = 3 * rng.NormFloat64()
				}
			}
		}
		m.Y = append(m.Y, rng.IntN(m.C))
	}
	return m
}

func softmax(x []float64) []float64 {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = math.Max(mx, v)
	}
	out := make([]float64, len(x))
	var s float64
	for i, v := range x {
		out[i] = math.Exp(v - mx)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

func (m *tinyModel) grad(alpha []float64) ([]float64, error) {
	p := make([][]float64, m.E)
	for e := range p {
		p[e] = softmax(alpha[e*m.K : (e+1)*m.K])
	}
	gp := make([][]float64, m.E)
	for e := range gp {
		gp[e] = make([]float64, m.K)
	}
	for n := 0; n < m.N; n++ {
		z := make([]float64, m.C)
		for e := 0; e < m.E; e++ {
			for k := 0; k < m.K; k++ {
				for c := range z {
					z[c] += p[e][k] * m.W[n][e][k][c]
				}
			}
		}
		dz := softmax(z)
		dz[m.Y[n]]--
		for e := 0; e < m.E; e++ {
			for k := 0; k < m.K; k++ {
				for c := range dz {
					gp[e][k] += m.W[n][e][k][c] * dz[c] / float64(m.N)
				}
			}
		}
	}
	out := make([]float64, m.E*m.K)
	for e := 0; e < m.E; e++ {
		var d float64
		for k := 0; k < m.K; k++ {
			d += gp[e][k] * p[e][k]
		}
		for k := 0; k < m.K; k++ {
			out[e*m.K+k] = p[e][k] * (gp[e][k] - d)
		}
	}
	return out, nil
}

// TestPowerIterationMatchesDenseHessian checks the finite-difference power iteration against
// the exact eigenvalues of the Hessian formed column by column from finite differences of the
// gradient and decomposed by gonum's EigenSym.
func TestPowerIterationMatchesDenseHessian(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	m := newTiny(rng)
	dim := m.E * m.K
	alpha := make([]float64, dim)
	for i := range alpha {
		alpha[i] = 0.5 * rng.NormFloat64()
	}
	const h = 1e-5
	hs := mat.NewSymDense(dim, nil)
	cols := make([][]float64, dim)
	for j := 0; j < dim; j++ {
		p := append([]float64(nil), alpha...)
		p[j] += h
		gp, _ := m.grad(p)
		p[j] -= 2 * h
		gm, _ := m.grad(p)
		cols[j] = make([]float64, dim)
		for i := range gp {
			cols[j][i] = (gp[i] - gm[i]) / (2 * h)
		}
	}
	for i := 0; i < dim; i++ {
		for j := i; j < dim; j++ {
			hs.SetSym(i, j, (cols[j][i]+cols[i][j])/2)
		}
	}
	var es mat.EigenSym
	if !es.Factorize(hs, false) {
		t.Fatal("EigenSym failed")
	}
	vals := es.Values(nil)
	dominant, largest := 0.0, math.Inf(-1)
	for _, v := range vals {
		if math.Abs(v) > math.Abs(dominant) {
			dominant = v
		}
		largest = math.Max(largest, v)
	}
	t.Logf("exact eigenvalues %v", vals)
	hvp, err := FiniteDiffHVP(m.grad, alpha, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := DominantEigen(hvp, dim, 1000, 1e-10, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-dominant) > 1e-5*math.Abs(dominant) {
		t.Errorf("power iteration %.8f, dense solver %.8f", got, dominant)
	}
	top, _, err := LargestEigen(hvp, dim, 1000, 1e-10, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(top-largest) > 1e-5*math.Max(1, math.Abs(largest)) {
		t.Errorf("largest: power iteration %.8f, dense solver %.8f", top, largest)
	}
	// A wrong gradient (one coordinate scaled) gives a different answer: the test can fail.
	bad := func(x []float64) ([]float64, error) {
		g, _ := m.grad(x)
		g[0] *= 3
		return g, nil
	}
	badHVP, _ := FiniteDiffHVP(bad, alpha, 1e-4)
	wrong, _, _ := DominantEigen(badHVP, dim, 1000, 1e-10, rand.New(rand.NewPCG(1, 1)))
	if math.Abs(wrong-dominant) <= 1e-5*math.Abs(dominant) {
		t.Errorf("a corrupted gradient gave the exact eigenvalue %g", wrong)
	}
}

func TestFlatten(t *testing.T) {
	a := [][][]float32{{{1, 2}, {3}}, {{4, 5, 6}}}
	x := Flatten(a)
	if len(x) != 6 || x[3] != 4 {
		t.Fatalf("Flatten = %v", x)
	}
	b, err := Unflatten(x, a)
	if err != nil || b[1][0][2] != 6 || b[0][1][0] != 3 {
		t.Fatalf("Unflatten = %v, %v", b, err)
	}
	if _, err := Unflatten(x[:5], a); err == nil {
		t.Error("5 values for 6: no error")
	}
	if _, err := Unflatten(append(x, 7), a); err == nil {
		t.Error("7 values for 6: no error")
	}
	if _, err := FiniteDiffHVP(nil, x, 0.01); err == nil {
		t.Error("nil gradient accepted")
	}
}

// The central difference on a quartic: its O(ε²) error is the one predicted.
func TestFiniteDifferenceHVP(t *testing.T) {
	// f(w) = w₀⁴ + w₀w₁: ∇f = (4w₀³ + w₁, w₀), H = [[12w₀², 1], [1, 0]].
	grad := func(w []float64) ([]float64, error) { return []float64{4*w[0]*w[0]*w[0] + w[1], w[0]}, nil }
	hvp, err := FiniteDiffHVP(grad, []float64{1, 2}, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	hv, err := hvp([]float64{1, 1})
	// At w = (1, 2), H v = (13, 1); the central difference adds 4ε² on the first component
	// (ε = 1e-3/√2).
	if err != nil || math.Abs(hv[0]-13) > 1e-5 || math.Abs(hv[1]-1) > 1e-9 {
		t.Errorf("H v = %v, %v; want (13, 1)", hv, err)
	}
}
