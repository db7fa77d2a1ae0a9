package optim

import (
	"fmt"
	"math"
)

// SGD is stochastic gradient descent with momentum, as torch.optim.SGD (no dampening, no
// Nesterov): buf = μ·buf + g (buf = g at the first step); p -= lr·buf. Weight decay is a
// transform chained before it (Chain(L2{Coef: wd}, &SGD{...}) is torch's SGD with
// weight_decay=wd).
type SGD struct {
	Momentum float64
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
	mu, lr32 := float32(o.Momentum), float32(lr)
	for i, p := range params {
		g := grads[i]
		if len(g) != len(p) {
			return fmt.Errorf("sgd: parameter %d has %d values, its gradient %d", i, len(p), len(g))
		}
		if len(o.Buf[i]) == 0 {
			o.Buf[i] = make([]float32, len(p))
			for j := range p {
				o.Buf[i][j] = g[j]
			}
		} else {
			buf := o.Buf[i]
			for j := range p {
				buf[j] = mu*buf[j] + g[j]
			}
		}
		buf := o.Buf[i]
		for j := range p {
			p[j] -= lr32 * buf[j]
		}
	}
	return nil
}

// Adam is torch.optim.Adam (no weight decay: chain L2 before it for torch's weight_decay, which
// adds wd·p to the gradient).
type Adam struct {
	Beta1, Beta2, Eps float64
	// T is the number of steps taken; M and V the moment estimates.
	T    int
	M, V [][]float32
}

// NewAdam returns Adam with the given betas, eps 1e-8.
func NewAdam(beta1, beta2 float64) *Adam {
	return &Adam{Beta1: beta1, Beta2: beta2, Eps: 1e-8}
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
			gj := g[j]
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

// Optimizer updates a group of parameters in place from their gradients. Its whole state is a
// State, so checkpoints save and restore it exactly.
type Optimizer interface {
	// Step updates params with grads at learning rate lr. grads may be changed.
	Step(params, grads [][]float32, lr float64) error
	// State returns a copy-free view of the state; SetState replaces it.
	State() State
	SetState(State) error
}

// State is an optimizer's state: a step count, named per-parameter slices and named scalars.
type State struct {
	T       int
	Slots   map[string][][]float32
	Scalars map[string]float64
}

// State returns the momentum buffers.
func (o *SGD) State() State { return State{Slots: map[string][][]float32{"buf": o.Buf}} }

// SetState restores the momentum buffers.
func (o *SGD) SetState(s State) error { o.Buf = s.Slots["buf"]; return nil }

// String describes the optimizer.
func (o *SGD) String() string { return fmt.Sprintf("sgd(momentum=%g)", o.Momentum) }

// State returns the step count and moment estimates.
func (o *Adam) State() State {
	return State{T: o.T, Slots: map[string][][]float32{"m": o.M, "v": o.V}}
}

// SetState restores the step count and moment estimates.
func (o *Adam) SetState(s State) error {
	o.T, o.M, o.V = s.T, s.Slots["m"], s.Slots["v"]
	if (o.M == nil) != (o.V == nil) {
		return fmt.Errorf("adam: state has one moment estimate without the other")
	}
	return nil
}

// String describes the optimizer.
func (o *Adam) String() string {
	return fmt.Sprintf("adam(betas=(%g, %g), eps=%g)", o.Beta1, o.Beta2, o.Eps)
}

// Transform changes gradients before an optimizer uses them (optax's gradient
// transformations). It may read the parameters.
type Transform interface {
	Apply(params, grads [][]float32)
}

// L2 adds Coef·p to each gradient: the coupled weight decay of torch's SGD and Adam.
type L2 struct{ Coef float64 }

// Apply adds Coef·p to grads.
func (l L2) Apply(params, grads [][]float32) {
	if l.Coef == 0 {
		return
	}
	c := float32(l.Coef)
	for i, p := range params {
		g := grads[i]
		for j := range g {
			g[j] += c * p[j]
		}
	}
}

// String describes the transform.
func (l L2) String() string { return fmt.Sprintf("l2(%g)", l.Coef) }

// Chained is an optimizer after a list of transforms (see Chain).
type Chained struct {
	Transforms []Transform
	Opt        Optimizer
}

// Chain returns opt preceded by the transforms before, applied in order:
// Chain(&SGD{Momentum: 0.9}, L2{Coef: 3e-4}) is DARTS's weight optimizer.
func Chain(opt Optimizer, before ...Transform) *Chained {
	return &Chained{Transforms: before, Opt: opt}
}

// Step applies the transforms, then the optimizer.
func (c *Chained) Step(params, grads [][]float32, lr float64) error {
	if len(params) != len(grads) {
		return fmt.Errorf("optimizer: %d parameters, %d gradients", len(params), len(grads))
	}
	for i := range params {
		if len(params[i]) != len(grads[i]) {
			return fmt.Errorf("optimizer: parameter %d has %d values, its gradient %d", i, len(params[i]), len(grads[i]))
		}
	}
	for _, t := range c.Transforms {
		t.Apply(params, grads)
	}
	return c.Opt.Step(params, grads, lr)
}

// State is the optimizer's state (transforms are stateless).
func (c *Chained) State() State { return c.Opt.State() }

// SetState restores the optimizer's state.
func (c *Chained) SetState(s State) error { return c.Opt.SetState(s) }

// String describes the chain.
func (c *Chained) String() string {
	s := ""
	for _, t := range c.Transforms {
		s += fmt.Sprint(t) + " → "
	}
	return s + fmt.Sprint(c.Opt)
}

// Schedule gives a parameter group's learning rate for an epoch (0-based) of a search or
// training of epochs epochs.
type Schedule interface {
	LR(epoch, epochs int) float64
}

// Constant is a constant learning rate.
type Constant float64

// LR returns the constant.
func (c Constant) LR(int, int) float64 { return float64(c) }

// String describes the schedule.
func (c Constant) String() string { return fmt.Sprintf("%g", float64(c)) }

// CosineSchedule anneals the learning rate from Start to Min over the epochs (Cosine). With
// Ahead, epoch e trains at the rate of epoch e+1, as quark0/darts does: it calls
// scheduler.step() at the start of every epoch, so its first epoch already runs one step down
// the cosine and its last one at Min (under both the PyTorch 0.3 it was written for and
// PyTorch ≥ 1.1).
type CosineSchedule struct {
	Start, Min float64
	Ahead      bool
}

// LR returns Cosine(Start, Min, epoch, epochs), of epoch+1 with Ahead.
func (c CosineSchedule) LR(epoch, epochs int) float64 {
	if c.Ahead {
		epoch++
	}
	return Cosine(c.Start, c.Min, epoch, epochs)
}

// String describes the schedule.
func (c CosineSchedule) String() string {
	if c.Ahead {
		return fmt.Sprintf("cosine(%g→%g, stepped before each epoch)", c.Start, c.Min)
	}
	return fmt.Sprintf("cosine(%g→%g)", c.Start, c.Min)
}

// Warmup gives 0 for the first Epochs epochs, then Then's rate (α warm-up: α frozen while the
// weights train).
type Warmup struct {
	Epochs int
	Then   Schedule
}

// LR returns 0 during the warm-up, else Then's rate.
func (w Warmup) LR(epoch, epochs int) float64 {
	if epoch < w.Epochs {
		return 0
	}
	return w.Then.LR(epoch, epochs)
}

// String describes the schedule.
func (w Warmup) String() string { return fmt.Sprintf("warmup(%d epochs, then %v)", w.Epochs, w.Then) }

// CloneState returns a deep copy of s.
func CloneState(s State) State {
	out := State{T: s.T}
	if s.Slots != nil {
		out.Slots = make(map[string][][]float32, len(s.Slots))
		for k, rows := range s.Slots {
			if rows == nil {
				out.Slots[k] = nil
				continue
			}
			c := make([][]float32, len(rows))
			for i, r := range rows {
				if r != nil {
					c[i] = append([]float32(nil), r...)
				}
			}
			out.Slots[k] = c
		}
	}
	if s.Scalars != nil {
		out.Scalars = make(map[string]float64, len(s.Scalars))
		for k, v := range s.Scalars {
			out.Scalars[k] = v
		}
	}
	return out
}
