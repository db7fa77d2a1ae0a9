package hessian

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/dartboard-nas/dartboard/datasets"
)

// quadPasses is a stand-in supernet: loss ½ mᵀAm + cᵀm of the concatenated mixing weights m.
// It records what the passes asked for.
type quadPasses struct {
	a      *mat.SymDense
	c      []float64
	passes int
	bad    int // passes that asked for weight gradients or moved batch norm statistics
}

func (q *quadPasses) Weights() [][]float32                                { return nil }
func (q *quadPasses) SetWeights([][]float32)                              {}
func (q *quadPasses) VirtualStep(w, _ [][]float32, _ float64) [][]float32 { return w }
func (q *quadPasses) WeightLR() float64                                   { return 0 }

func (q *quadPasses) Pass(_ datasets.Batch, mix [][][]float32, opt PassOptions) (*PassResult, error) {
	q.passes++
	if opt.Params || !opt.FrozenStats || !opt.Mix {
		q.bad++
	}
	m := Flatten(mix)
	var am mat.VecDense
	am.MulVec(q.a, mat.NewVecDense(len(m), m))
	g := make([]float64, len(m))
	var loss float64
	for i := range m {
		g[i] = am.AtVec(i) + q.c[i]
		loss += m[i] * (0.5*am.AtVec(i) + q.c[i])
	}
	gm, _ := Unflatten(g, mix)
	return &PassResult{Loss: loss, GMix: gm}, nil
}

// softmaxSamples is the softmax relaxation (rows of each group).
func softmaxSamples(alpha [][][]float32) ([]Sample, error) {
	out := make([]Sample, len(alpha))
	for gi, g := range alpha {
		p := make([][]float64, len(g))
		mix := make([][]float32, len(g))
		for e, row := range g {
			x := make([]float64, len(row))
			for k, v := range row {
				x[k] = float64(v)
			}
			p[e] = softmax(x)
			mix[e] = make([]float32, len(row))
			for k := range row {
				mix[e][k] = float32(p[e][k])
			}
		}
		out[gi] = Sample{Mix: mix, VJP: func(gm [][]float32) [][]float32 {
			res := make([][]float32, len(gm))
			for e, row := range gm {
				var d float64
				for k, v := range row {
					d += float64(v) * p[e][k]
				}
				res[e] = make([]float32, len(row))
				for k, v := range row {
					res[e][k] = float32(p[e][k] * (float64(v) - d))
				}
			}
			return res
		}}
	}
	return out, nil
}

// AlphaEig through the pass plumbing agrees with the dense eigenvalues of the same Hessian
// (formed from finite differences of AlphaGradient, float32 passes), and every pass was an
// α pass with frozen statistics.
func TestAlphaEig(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	alpha := [][][]float32{{{0.1, -0.2, 0.3}, {0, 0.5, -0.5}}, {{0.2, 0.2, -0.1}, {0.4, -0.3, 0}}}
	n := len(Flatten(alpha))
	a := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			a.SetSym(i, j, 4*rng.NormFloat64())
		}
	}
	c := make([]float64, n)
	for i := range c {
		c[i] = rng.NormFloat64()
	}
	q := &quadPasses{a: a, c: c}
	grad := AlphaGradient(q, datasets.Batch{}, alpha, softmaxSamples)
	x := Flatten(alpha)
	const h = 1e-2
	hs := mat.NewSymDense(n, nil)
	cols := make([][]float64, n)
	for j := 0; j < n; j++ {
		p := append([]float64(nil), x...)
		p[j] += h
		gp, err := grad(p)
		if err != nil {
			t.Fatal(err)
		}
		p[j] -= 2 * h
		gm, _ := grad(p)
		cols[j] = make([]float64, n)
		for i := range gp {
			cols[j][i] = (gp[i] - gm[i]) / (2 * h)
		}
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			hs.SetSym(i, j, (cols[i][j]+cols[j][i])/2)
		}
	}
	var es mat.EigenSym
	if !es.Factorize(hs, false) {
		t.Fatal("EigenSym failed")
	}
	largest := math.Inf(-1)
	for _, v := range es.Values(nil) {
		largest = math.Max(largest, v)
	}
	q.passes, q.bad = 0, 0
	got, err := AlphaEig(q, datasets.Batch{}, alpha, softmaxSamples, Options{Iters: 500, Tol: 1e-5}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("largest eigenvalue: power iteration %.5f, dense %.5f, %d passes", got, largest, q.passes)
	if math.Abs(got-largest) > 2e-3*math.Max(1, math.Abs(largest)) {
		t.Errorf("power iteration %.6f, dense %.6f", got, largest)
	}
	if q.bad != 0 {
		t.Errorf("%d of %d passes were not frozen-statistics α passes", q.bad, q.passes)
	}
	if alpha[0][0][0] != 0.1 {
		t.Error("α changed")
	}
}
