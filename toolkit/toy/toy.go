package toy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// The candidate operations of the toy's mixed edge.
const (
	// OpSkip is the identity, x ↦ x.
	OpSkip = "skip_connect"
	// OpNone is the zero operation, x ↦ 0.
	OpNone = "none"
	// OpPool is a parameter-free average of each coordinate and its two neighbours on a ring.
	OpPool = "avg_pool_3x3"
	// OpConv is the parametric operation x ↦ W·x, a 1×1 convolution of one pixel with d
	// channels; W is what the inner problem trains.
	OpConv = "conv_1x1"
)

// Config describes a toy problem. DefaultConfig gives the one of the notebook.
type Config struct {
	// Ops are the candidate operations of the edge, in α's order: any of OpSkip, OpNone,
	// OpPool, and at most one OpConv.
	Ops []string
	// Dim is d, the dimension of x and y.
	Dim int
	// Train and Valid are the numbers of training and validation samples.
	Train, Valid int
	// The target is y = A·x + Noise·N(0, I) with A = Identity·I + Spread·B, B a random
	// matrix with N(0, 1/d) entries, and x ~ N(0, I).
	Identity, Spread, Noise float64
	// Lambda is the L2 penalty λ/2‖W‖² of the training loss (the weight decay).
	Lambda float64
	// Seed draws A and the data.
	Seed uint64
}

// DefaultConfig returns the notebook's problem: skip_connect, conv_1x1 and none on an
// 8-dimensional regression whose target is 0.6·I plus a random matrix, from 32 noisy training
// samples (noise 0.3, λ = 0.02) and 200 validation samples.
func DefaultConfig() Config {
	return Config{
		Ops: []string{OpSkip, OpConv, OpNone}, Dim: 8, Train: 32, Valid: 200,
		Identity: 0.6, Spread: 0.8, Noise: 0.3, Lambda: 0.02, Seed: 1,
	}
}

// ArrowPoints returns the α = (α_skip, α_conv, α_none) at which the notebook draws the exact,
// first-order and second-order gradients of DefaultConfig's problem, and at which the tests
// check them.
func ArrowPoints() [][]float64 {
	return [][]float64{{0, 0, 0}, {2, 0, 0}, {1, -1, 0}, {-1, -1, 0}, {1, 1, 0}}
}

// ArrowXi is the ξ of the second-order gradients at ArrowPoints: the weight learning rate of
// the notebook's DARTS searches, as DARTS sets ξ.
const ArrowXi = 0.05

// Problem is a toy bilevel problem: its data (as sufficient statistics), the fixed maps of
// its parameter-free operations and the index of its parametric one. Weights W are d×d
// row-major slices of length d²; mixing weights have one entry per operation.
type Problem struct {
	// Ops are the candidate operations, in α's order.
	Ops []string
	// Dim is d.
	Dim int
	// Lambda is the training loss's L2 penalty.
	Lambda float64
	// A is the target map, row-major d×d.
	A []float64

	conv         int   // index of OpConv in Ops, or -1
	fixed        []mat // the map of each parameter-free op (unused for OpConv)
	train, valid stats
}

// stats holds the sufficient statistics of a split: S = X Xᵀ/n, YX = Y Xᵀ/n, yy = ‖Y‖²/n.
type stats struct {
	s, yx mat
	yy    float64
}

// New draws a toy problem.
func New(cfg Config) (*Problem, error) {
	d := cfg.Dim
	switch {
	case d < 1:
		return nil, fmt.Errorf("toy: dimension %d must be positive", d)
	case cfg.Train < 1 || cfg.Valid < 1:
		return nil, fmt.Errorf("toy: %d training and %d validation samples: both must be positive", cfg.Train, cfg.Valid)
	case len(cfg.Ops) < 1:
		return nil, fmt.Errorf("toy: no candidate operation")
	case cfg.Lambda <= 0:
		return nil, fmt.Errorf("toy: L2 penalty λ = %g must be positive (it keeps the inner problem strictly convex)", cfg.Lambda)
	case cfg.Noise < 0:
		return nil, fmt.Errorf("toy: noise %g must not be negative", cfg.Noise)
	}
	p := &Problem{Ops: slices.Clone(cfg.Ops), Dim: d, Lambda: cfg.Lambda, conv: -1}
	for k, op := range cfg.Ops {
		f := newMat(d, d)
		switch op {
		case OpSkip:
			f = identity(d)
		case OpNone:
		case OpPool:
			for i := range d {
				for _, j := range []int{(i + d - 1) % d, i, (i + 1) % d} {
					f.v[i*d+j] += 1.0 / 3
				}
			}
		case OpConv:
			if p.conv >= 0 {
				return nil, fmt.Errorf("toy: more than one %s in %v", OpConv, cfg.Ops)
			}
			p.conv = k
		default:
			return nil, fmt.Errorf("toy: unknown operation %q (want %s, %s, %s or %s)", op, OpSkip, OpNone, OpPool, OpConv)
		}
		p.fixed = append(p.fixed, f)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x70f))
	a := scaled(identity(d), cfg.Identity)
	for i := range a.v {
		a.v[i] += cfg.Spread * rng.NormFloat64() / math.Sqrt(float64(d))
	}
	p.A = a.v
	draw := func(n int) stats {
		x, y := newMat(d, n), newMat(d, n)
		for i := range x.v {
			x.v[i] = rng.NormFloat64()
		}
		y = mul(a, x)
		for i := range y.v {
			y.v[i] += cfg.Noise * rng.NormFloat64()
		}
		return stats{s: scaled(mulT(x, x), 1/float64(n)), yx: scaled(mulT(y, x), 1/float64(n)), yy: dot(y.v, y.v) / float64(n)}
	}
	p.train, p.valid = draw(cfg.Train), draw(cfg.Valid)
	return p, nil
}

// MustNew is New for notebooks: it panics on error.
func MustNew(cfg Config) *Problem {
	p, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return p
}

// NumWeights returns the number of trainable weights: d² with a conv_1x1, else 0.
func (p *Problem) NumWeights() int {
	if p.conv < 0 {
		return 0
	}
	return p.Dim * p.Dim
}

// ConvIndex returns the index of conv_1x1 in Ops, or -1.
func (p *Problem) ConvIndex() int { return p.conv }

// check validates the lengths of w and m.
func (p *Problem) check(w, m []float64) error {
	if len(m) != len(p.Ops) {
		return fmt.Errorf("toy: %d mixing weights for %d operations", len(m), len(p.Ops))
	}
	if w != nil && len(w) != p.NumWeights() {
		return fmt.Errorf("toy: %d weights, want %d", len(w), p.NumWeights())
	}
	return nil
}

// model returns the edge's map M = Σ_fixed m_k F_k + m_conv W.
func (p *Problem) model(w, m []float64) mat {
	d := p.Dim
	out := newMat(d, d)
	for k, f := range p.fixed {
		if k == p.conv {
			if w != nil {
				out = axpy(out, m[k], mat{r: d, c: d, v: w})
			}
			continue
		}
		out = axpy(out, m[k], f)
	}
	return out
}

// loss returns ½ tr(M S Mᵀ) − ⟨M, YX⟩ + ½ yy = 1/(2n) ‖M X − Y‖², and its gradient with
// respect to M, M S − YX.
func (st stats) loss(mm mat) (float64, mat) {
	ms := mul(mm, st.s)
	return 0.5*dot(ms.v, mm.v) - dot(mm.v, st.yx.v) + 0.5*st.yy, axpy(ms, -1, st.yx)
}

// grads returns a split's loss at (w, m), its gradient in m and its gradient in W (without
// the L2 penalty).
func (p *Problem) grads(st stats, w, m []float64) (l float64, gm, gw []float64) {
	l, gM := st.loss(p.model(w, m))
	gm = make([]float64, len(m))
	for k, f := range p.fixed {
		if k == p.conv {
			if w != nil {
				gm[k] = dot(gM.v, w)
			}
			continue
		}
		gm[k] = dot(gM.v, f.v)
	}
	if p.conv >= 0 {
		gw = scaled(gM, m[p.conv]).v
	}
	return l, gm, gw
}

// trainGrads is grads on the training split with the L2 penalty added.
func (p *Problem) trainGrads(w, m []float64) (l float64, gm, gw []float64) {
	l, gm, gw = p.grads(p.train, w, m)
	if w != nil {
		l += 0.5 * p.Lambda * dot(w, w)
		for i := range gw {
			gw[i] += p.Lambda * w[i]
		}
	}
	return l, gm, gw
}

// TrainLoss returns the training loss (mean squared error over 2, plus λ/2‖W‖²) at weights
// w and mixing weights m.
func (p *Problem) TrainLoss(w, m []float64) (float64, error) {
	if err := p.check(w, m); err != nil {
		return 0, err
	}
	l, _, _ := p.trainGrads(w, m)
	return l, nil
}

// ValidLoss returns the validation loss (mean squared error over 2) at w and m.
func (p *Problem) ValidLoss(w, m []float64) (float64, error) {
	if err := p.check(w, m); err != nil {
		return 0, err
	}
	l, _ := p.valid.loss(p.model(w, m))
	return l, nil
}

// TargetLoss returns the validation loss of the target map A itself: the noise floor.
func (p *Problem) TargetLoss() float64 {
	l, _ := p.valid.loss(mat{r: p.Dim, c: p.Dim, v: p.A})
	return l
}

// hessian returns the Cholesky factor of C = m_c² S + λ I: the training loss's Hessian in W
// acts on a d×d matrix G as G·C.
func (p *Problem) hessian(m []float64) (mat, error) {
	mc := m[p.conv]
	c := axpy(scaled(p.train.s, mc*mc), p.Lambda, identity(p.Dim))
	return cholesky(c)
}

// Inner returns W*(m), the weights that minimize the training loss at mixing weights m (nil
// when the edge has no conv_1x1): W* = m_c (YX − F S) C⁻¹ with F the fixed ops' mix and
// C = m_c² S + λ I.
func (p *Problem) Inner(m []float64) ([]float64, error) {
	if err := p.check(nil, m); err != nil {
		return nil, err
	}
	if p.conv < 0 {
		return nil, nil
	}
	l, err := p.hessian(m)
	if err != nil {
		return nil, fmt.Errorf("toy: inner problem at mix %v: %w", m, err)
	}
	f := p.model(nil, m)
	g := scaled(axpy(p.train.yx, -1, mul(f, p.train.s)), m[p.conv])
	return solveRight(g, l).v, nil
}

// Mixer turns α into mixing weights and returns the vector-Jacobian product that maps a
// gradient of the mixing weights to the gradient of α. A random relaxation draws a new
// sample at each call. Wrap any function (for example a relax.Relaxation's Sample on one
// edge) with MixerFunc.
type Mixer interface {
	Mix(alpha []float64) (mix []float64, vjp func(gMix []float64) []float64)
}

// MixerFunc adapts a function to a Mixer.
type MixerFunc func(alpha []float64) ([]float64, func([]float64) []float64)

// Mix calls f.
func (f MixerFunc) Mix(alpha []float64) ([]float64, func([]float64) []float64) { return f(alpha) }

// mix calls mx and checks the result.
func (p *Problem) mix(mx Mixer, alpha []float64) ([]float64, func([]float64) []float64, error) {
	if mx == nil {
		return nil, nil, fmt.Errorf("toy: nil Mixer")
	}
	if len(alpha) != len(p.Ops) {
		return nil, nil, fmt.Errorf("toy: α has %d entries for %d operations", len(alpha), len(p.Ops))
	}
	m, vjp := mx.Mix(alpha)
	if len(m) != len(p.Ops) || vjp == nil {
		return nil, nil, fmt.Errorf("toy: the mixer returned %d weights for %d operations (or no VJP)", len(m), len(p.Ops))
	}
	return m, vjp, nil
}
