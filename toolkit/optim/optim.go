package optim

import (
	"fmt"
	"math"
)

// SGD is stochastic gradient descent with momentum and L2 weight decay, as torch.optim.SGD
// (no dampening, no Nesterov): d = g + wd·p; buf = μ·buf + d (buf = d at the first step);
// p -= lr·buf.
type SGD struct {
	Momentum, WeightDecay float64
	// Buf holds the momentum buffers, one per parameter slice (nil before the first step).
	Buf [][]float32
}

// Step updates params in place with grads and learning rate lr.
func (o *SGD) Step(params, grads [][]float32, lr float64) error {
	if len(params) != len(grads) {
		return fmt.Errorf("sgd: %d parameters, %d gradients", len(params), len(grads))
	}
	first := o.Buf == nil
	if first {
		o.Buf = make([][]float32, len(params))
	}
	if len(o.Buf) != len(params) {
		return fmt.Errorf("sgd: state for %d parameters, got %d", len(o.Buf), len(params))
	}
	mu, wd, lr32 := float32(o.Momentum), float32(o.WeightDecay), float32(lr)
	for i, p := range params {
		g := grads[i]
		if len(g) != len(p) {
			return fmt.Errorf("sgd: parameter %d has %d values, its gradient %d", i, len(p), len(g))
		}
		if o.Buf[i] == nil {
			o.Buf[i] = make([]float32, len(p))
			for j := range p {
				o.Buf[i][j] = g[j] + wd*p[j]
			}
		} else {
			buf := o.Buf[i]
			for j := range p {
				buf[j] = mu*buf[j] + g[j] + wd*p[j]
			}
		}
		buf := o.Buf[i]
		for j := range p {
			p[j] -= lr32 * buf[j]
		}
	}
	return nil
}

// Adam is torch.optim.Adam with L2 weight decay added to the gradient.
type Adam struct {
	Beta1, Beta2, Eps, WeightDecay float64
	// T is the number of steps taken; M and V the moment estimates.
	T    int
	M, V [][]float32
}

// NewAdam returns Adam with the given betas and weight decay, eps 1e-8.
func NewAdam(beta1, beta2, weightDecay float64) *Adam {
	return &Adam{Beta1: beta1, Beta2: beta2, Eps: 1e-8, WeightDecay: weightDecay}
}

// Step updates params in place.
func (o *Adam) Step(params, grads [][]float32, lr float64) error {
	if len(params) != len(grads) {
		return fmt.Errorf("adam: %d parameters, %d gradients", len(params), len(grads))
	}
	if o.M == nil {
		o.M = make([][]float32, len(params))
		o.V = make([][]float32, len(params))
		for i, p := range params {
			o.M[i] = make([]float32, len(p))
			o.V[i] = make([]float32, len(p))
		}
	}
	o.T++
	bc1 := 1 - math.Pow(o.Beta1, float64(o.T))
	bc2 := 1 - math.Pow(o.Beta2, float64(o.T))
	stepSize := lr / bc1
	sqrtBC2 := math.Sqrt(bc2)
	b1, b2 := float32(o.Beta1), float32(o.Beta2)
	for i, p := range params {
		g := grads[i]
		if len(g) != len(p) || len(o.M[i]) != len(p) {
			return fmt.Errorf("adam: parameter %d has %d values, gradient %d, state %d", i, len(p), len(g), len(o.M[i]))
		}
		m, v := o.M[i], o.V[i]
		for j := range p {
			gj := g[j] + float32(o.WeightDecay)*p[j]
			m[j] = b1*m[j] + (1-b1)*gj
			v[j] = b2*v[j] + (1-b2)*gj*gj
			denom := math.Sqrt(float64(v[j]))/sqrtBC2 + o.Eps
			p[j] -= float32(stepSize * float64(m[j]) / denom)
		}
	}
	return nil
}

// GlobalNorm returns the L2 norm of all gradients together.
func GlobalNorm(grads [][]float32) float64 {
	var s float64
	for _, g := range grads {
		for _, x := range g {
			s += float64(x) * float64(x)
		}
	}
	return math.Sqrt(s)
}

// ClipGlobalNorm scales grads so their global norm is at most maxNorm, as
// torch.nn.utils.clip_grad_norm_ (factor maxNorm/(norm+1e-6) when norm > maxNorm). It returns
// the norm before clipping.
func ClipGlobalNorm(grads [][]float32, maxNorm float64) float64 {
	n := GlobalNorm(grads)
	if maxNorm > 0 && n > maxNorm {
		f := float32(maxNorm / (n + 1e-6))
		for _, g := range grads {
			for j := range g {
				g[j] *= f
			}
		}
	}
	return n
}

// Cosine returns the cosine-annealed learning rate of epoch (0-based) out of epochs, from lr0
// down to lrMin, as torch's CosineAnnealingLR with T_max = epochs.
func Cosine(lr0, lrMin float64, epoch, epochs int) float64 {
	if epochs <= 0 {
		return lr0
	}
	return lrMin + (lr0-lrMin)*(1+math.Cos(math.Pi*float64(epoch)/float64(epochs)))/2
}
