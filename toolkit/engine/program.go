package engine

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// Call applies a module to slots and its own parameters.
type Call struct {
	M *nn.Module
	// In and Out are slot indices (len(In) == M.NumInputs).
	In, Out []int
	// Params are this call's parameter values, matching M.Params.
	Params []*nn.Param
}

// Program is a network as a list of calls over numbered slots. Slots that no call writes are
// inputs, set by the caller of Forward.
type Program struct {
	Calls []Call
	// SlotNames names each slot (for errors and debugging).
	SlotNames []string
}

// NewSlot adds a named slot and returns its index.
func (p *Program) NewSlot(name string) int {
	p.SlotNames = append(p.SlotNames, name)
	return len(p.SlotNames) - 1
}

// Call appends a call of m on in with params, creating and returning its output slots (named
// Call, not Add, so that it does not read as Engine.Add, which adds two tensors).
func (p *Program) Call(m *nn.Module, name string, in []int, params []*nn.Param, numOut int) []int {
	if len(in) != m.NumInputs {
		panic(fmt.Sprintf("engine: call %s of %s: %d inputs, module takes %d", name, m.Key, len(in), m.NumInputs))
	}
	if len(params) != len(m.Params) {
		panic(fmt.Sprintf("engine: call %s of %s: %d params, module declares %d", name, m.Key, len(params), len(m.Params)))
	}
	out := make([]int, numOut)
	for i := range out {
		out[i] = p.NewSlot(fmt.Sprintf("%s:%d", name, i))
	}
	p.Calls = append(p.Calls, Call{M: m, In: append([]int(nil), in...), Out: out, Params: params})
	return out
}

// Params returns every parameter of the program, in call order.
func (p *Program) Params() nn.Params {
	var ps nn.Params
	seen := map[*nn.Param]bool{}
	for _, c := range p.Calls {
		for _, q := range c.Params {
			if !seen[q] {
				seen[q] = true
				ps = append(ps, q)
			}
		}
	}
	return ps
}

// Pass is the state of one forward pass: the slots, kept for the backward pass.
type Pass struct {
	e        *Engine
	prog     *Program
	train    bool
	slots    []*tensors.Tensor
	produced []bool
}

// Forward runs prog with the given input slots. In training mode, batch norm uses batch
// statistics and updates its running statistics (on the device).
func (e *Engine) Forward(prog *Program, inputs map[int]*tensors.Tensor, train bool) (pass *Pass, err error) {
	return e.forward(prog, inputs, train, train)
}

// ForwardFrozen runs prog in training mode (batch statistics) without updating batch norm's
// running statistics: a pass that must leave the model as it is.
func (e *Engine) ForwardFrozen(prog *Program, inputs map[int]*tensors.Tensor) (*Pass, error) {
	return e.forward(prog, inputs, true, false)
}

func (e *Engine) forward(prog *Program, inputs map[int]*tensors.Tensor, train, updateStats bool) (pass *Pass, err error) {
	pass = &Pass{e: e, prog: prog, train: train, slots: make([]*tensors.Tensor, len(prog.SlotNames)),
		produced: make([]bool, len(prog.SlotNames))}
	for k, t := range inputs {
		pass.slots[k] = t
	}
	v := FwdEval
	if train {
		v = FwdTrain
	}
	for ci, c := range prog.Calls {
		args := make([]any, 0, len(c.In)+len(c.Params))
		for _, s := range c.In {
			if pass.slots[s] == nil {
				pass.Release()
				return nil, fmt.Errorf("call #%d (%s): input slot %q has no value", ci, c.M.Key, prog.SlotNames[s])
			}
			args = append(args, pass.slots[s])
		}
		for _, q := range c.Params {
			args = append(args, e.paramTensor(q))
		}
		outs, err := e.run(c.M, v, args)
		if err != nil {
			pass.Release()
			return nil, err
		}
		for i, o := range c.Out {
			pass.slots[o] = outs[i]
			pass.produced[o] = true
		}
		if updateStats {
			cm := e.compiledFor(c.M)
			for k, pi := range cm.updIdx {
				e.setParamTensor(c.Params[pi], outs[len(c.Out)+k])
			}
		} else {
			for _, t := range outs[len(c.Out):] {
				t.FinalizeAll() // updated running statistics, not kept
			}
		}
	}
	return pass, nil
}

// Slot returns the value of slot i.
func (p *Pass) Slot(i int) *tensors.Tensor { return p.slots[i] }

// Scalar returns slot i as a float64 (it must hold a scalar).
func (p *Pass) Scalar(i int) (float64, error) {
	t := p.slots[i]
	if t == nil {
		return 0, fmt.Errorf("slot %q has no value", p.prog.SlotNames[i])
	}
	v, err := p.e.Download(t)
	if err != nil {
		return 0, fmt.Errorf("reading slot %q: %w", p.prog.SlotNames[i], err)
	}
	if len(v) != 1 {
		return 0, fmt.Errorf("slot %q is not a scalar (%s)", p.prog.SlotNames[i], t.Shape())
	}
	return float64(v[0]), nil
}

// Release frees the device memory of the slots the pass produced.
func (p *Pass) Release() {
	for i, t := range p.slots {
		if p.produced[i] && t != nil {
			t.FinalizeAll()
		}
		p.slots[i] = nil
	}
}

// Grads are the gradients a backward pass returns.
type Grads struct {
	// Params maps trainable parameters to their gradients (when asked for).
	Params map[*nn.Param]*tensors.Tensor
	// Slots maps the requested input slots to their gradients (absent: zero).
	Slots map[int]*tensors.Tensor
	// e, when set, counts the downloads of HostParams and HostSlots.
	e *Engine
}

// Release frees the gradients' device memory.
func (g *Grads) Release() {
	for _, t := range g.Params {
		t.FinalizeAll()
	}
	for _, t := range g.Slots {
		t.FinalizeAll()
	}
}

// Backward back-propagates from seeds (slot → the scalar weight of that scalar output in the
// objective) and returns the gradients of the trainable parameters (when withParams) and of the
// slots in wantSlots.
func (p *Pass) Backward(seeds map[int]float32, withParams bool, wantSlots []int) (*Grads, error) {
	e := p.e
	prog := p.prog
	want := map[int]bool{}
	for _, s := range wantSlots {
		want[s] = true
	}
	grads := map[int]*tensors.Tensor{}
	owned := map[int]bool{}
	for s, w := range seeds {
		grads[s] = tensors.FromScalar(w)
		owned[s] = true
	}
	res := &Grads{Params: map[*nn.Param]*tensors.Tensor{}, Slots: map[int]*tensors.Tensor{}, e: e}
	v := BwdInputs
	if withParams {
		v = BwdAll
	}
	fail := func(err error) (*Grads, error) {
		for s, t := range grads {
			if owned[s] {
				t.FinalizeAll()
			}
		}
		res.Release()
		return nil, err
	}
	accumulate := func(dst map[int]*tensors.Tensor, k int, t *tensors.Tensor) error {
		if old, ok := dst[k]; ok {
			sum, err := e.Add(old, t)
			if err != nil {
				return err
			}
			old.FinalizeAll()
			t.FinalizeAll()
			dst[k] = sum
			return nil
		}
		dst[k] = t
		return nil
	}
	for ci := len(prog.Calls) - 1; ci >= 0; ci-- {
		c := prog.Calls[ci]
		m := c.M
		hasGrad := false
		for i, o := range c.Out {
			if m.GradOutput(i) && grads[o] != nil {
				hasGrad = true
			}
		}
		if !hasGrad {
			continue
		}
		args := make([]any, 0, len(c.In)+len(c.Params)+len(c.Out))
		for _, s := range c.In {
			args = append(args, p.slots[s])
		}
		for _, q := range c.Params {
			args = append(args, e.paramTensor(q))
		}
		for i, o := range c.Out {
			if !m.GradOutput(i) {
				continue
			}
			g := grads[o]
			if g == nil {
				g = e.zerosOf(p.slots[o].Shape())
			}
			args = append(args, g)
		}
		outs, err := e.run(m, v, args)
		if err != nil {
			return fail(err)
		}
		// The gradients of this call's outputs are consumed.
		for _, o := range c.Out {
			if g, ok := grads[o]; ok {
				if owned[o] {
					g.FinalizeAll()
				}
				delete(grads, o)
			}
		}
		k := 0
		for i, s := range c.In {
			if !m.GradInput(i) {
				continue
			}
			g := outs[k]
			k++
			if !p.produced[s] && !want[s] {
				g.FinalizeAll()
				continue
			}
			if err := accumulate(grads, s, g); err != nil {
				return fail(err)
			}
			owned[s] = true
		}
		if withParams {
			for i, s := range m.Params {
				if !s.Trainable() {
					continue
				}
				g := outs[k]
				k++
				q := c.Params[i]
				if old, ok := res.Params[q]; ok {
					sum, err := e.Add(old, g)
					if err != nil {
						return fail(err)
					}
					old.FinalizeAll()
					g.FinalizeAll()
					res.Params[q] = sum
				} else {
					res.Params[q] = g
				}
			}
		}
		for ; k < len(outs); k++ {
			outs[k].FinalizeAll()
		}
	}
	for s, t := range grads {
		if want[s] {
			res.Slots[s] = t
		} else if owned[s] {
			t.FinalizeAll()
		}
	}
	return res, nil
}

// job is one executable to compile: a module variant for given argument shapes.
type job struct {
	m     *nn.Module
	v     Variant
	shape []shapes.Shape
}

// InferShapes builds the program symbolically (no compilation) from the input slot shapes and
// returns the shape of every slot.
func (e *Engine) InferShapes(prog *Program, inputs map[int]shapes.Shape) (out []shapes.Shape, err error) {
	out = make([]shapes.Shape, len(prog.SlotNames))
	for k, s := range inputs {
		out[k] = s
	}
	err = catch(func() {
		for ci, c := range prog.Calls {
			g := graph.NewGraph(e.backend, "shapes")
			in := make([]*graph.Node, 0, len(c.In)+len(c.Params))
			for i, s := range c.In {
				if !out[s].Ok() {
					panic(fmt.Errorf("call #%d (%s): input slot %q has no shape", ci, c.M.Key, prog.SlotNames[s]))
				}
				in = append(in, graph.Parameter(g, fmt.Sprintf("in%d", i), out[s]))
			}
			for i, q := range c.Params {
				in = append(in, graph.Parameter(g, fmt.Sprintf("p%d", i), shapes.Make(dtypes.Float32, q.Spec.Shape...)))
			}
			b := e.newBuilder(true, c.M.Params, in[len(c.In):])
			outs := c.M.Build(b, in[:len(c.In)])
			b.Done()
			for i, o := range c.Out {
				out[o] = outs[i].Shape()
			}
			g.Finalize()
		}
	})
	if err != nil {
		return nil, fmt.Errorf("inferring shapes: %w", err)
	}
	return out, nil
}

// Warmup compiles, concurrently, every executable that forward passes (training and, when
// eval, evaluation) and backward passes (inputs only, and with parameters) of prog need for the
// given input shapes. It returns the wall time spent.
func (e *Engine) Warmup(prog *Program, inputs map[int]shapes.Shape, variants ...Variant) (time.Duration, error) {
	e.warmups.Add(1)
	defer e.warmups.Done()
	return e.warmup(prog, inputs, variants...)
}

// WarmupAsync is Warmup in the background: the channel receives its error (nil on success)
// once every executable is compiled. Finalize waits for it: the warm-up counts from the call,
// not from when its goroutine starts, so an engine finalized right after cannot free the
// executables under it.
func (e *Engine) WarmupAsync(prog *Program, inputs map[int]shapes.Shape, variants ...Variant) <-chan error {
	ch := make(chan error, 1)
	e.warmups.Add(1)
	go func() {
		defer e.warmups.Done()
		_, err := e.warmup(prog, inputs, variants...)
		ch <- err
	}()
	return ch
}

// warmup compiles the executables of Warmup.
func (e *Engine) warmup(prog *Program, inputs map[int]shapes.Shape, variants ...Variant) (time.Duration, error) {
	start := time.Now()
	slotShapes, err := e.InferShapes(prog, inputs)
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	var jobs []job
	for _, c := range prog.Calls {
		for _, v := range variants {
			var sh []shapes.Shape
			for _, s := range c.In {
				sh = append(sh, slotShapes[s])
			}
			for _, q := range c.Params {
				sh = append(sh, shapes.Make(dtypes.Float32, q.Spec.Shape...))
			}
			if v == BwdInputs || v == BwdAll {
				for i, o := range c.Out {
					if c.M.GradOutput(i) {
						sh = append(sh, slotShapes[o])
					}
				}
			}
			key := fmt.Sprint(c.M.Key, v, sh)
			if seen[key] {
				continue
			}
			seen[key] = true
			jobs = append(jobs, job{m: c.M, v: v, shape: sh})
		}
	}
	// Largest first keeps the workers busy to the end.
	sort.SliceStable(jobs, func(i, j int) bool { return len(jobs[i].m.Params) > len(jobs[j].m.Params) })
	ch := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for w := 0; w < workers(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				args := make([]any, len(j.shape))
				for i, s := range j.shape {
					args[i] = tensors.FromShape(s)
				}
				err := e.exec(j.m, j.v).PreCompile(args...)
				for _, a := range args {
					a.(*tensors.Tensor).FinalizeAll()
				}
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("compiling %s (%s): %w", j.m.Key, j.v, err))
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	d := time.Since(start)
	e.mu.Lock()
	e.stats.Compiles += len(jobs)
	e.stats.CompileTime += d
	e.mu.Unlock()
	return d, errors.Join(errs...)
}

// catch runs fn and turns a panic (GoMLX reports graph-building errors so) into an error.
func catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	fn()
	return nil
}

// Inline builds the whole program into graph g as one function (no executables, no Go chain
// rule): slot values come from inputs, parameters from params. It returns every slot's node.
// Tests use it as the reference a chained pass must match, and it allows differentiating
// through the whole network twice.
func (p *Program) Inline(inputs map[int]*graph.Node, params map[*nn.Param]*graph.Node, train, smooth bool) []*graph.Node {
	slots := make([]*graph.Node, len(p.SlotNames))
	for k, n := range inputs {
		slots[k] = n
	}
	for ci, c := range p.Calls {
		in := make([]*graph.Node, len(c.In))
		for i, s := range c.In {
			if slots[s] == nil {
				panic(fmt.Errorf("engine: inline call #%d (%s): slot %q has no value", ci, c.M.Key, p.SlotNames[s]))
			}
			in[i] = slots[s]
		}
		ps := make([]*graph.Node, len(c.Params))
		for i, q := range c.Params {
			ps[i] = params[q]
		}
		b := nn.NewBuilder(train, c.M.Params, ps)
		b.Smooth = smooth
		outs := c.M.Build(b, in)
		b.Done()
		for i, o := range c.Out {
			slots[o] = outs[i]
		}
	}
	return slots
}

// HostParams copies the gradients of ps to host slices aligned with ps (zeros for a parameter
// with no gradient).
func (g *Grads) HostParams(ps nn.Params) ([][]float32, error) {
	out := make([][]float32, len(ps))
	for i, q := range ps {
		t, ok := g.Params[q]
		if !ok {
			out[i] = make([]float32, len(q.Data))
			continue
		}
		v, err := g.download(t)
		if err != nil {
			return nil, fmt.Errorf("reading gradient of %s: %w", q.Name, err)
		}
		out[i] = v
	}
	return out, nil
}

// HostSlots copies the gradients of slots to host slices aligned with slots; sizes gives the
// length of a zero gradient for a slot that received none.
func (g *Grads) HostSlots(slots []int, sizes []int) ([][]float32, error) {
	out := make([][]float32, len(slots))
	for i, s := range slots {
		t, ok := g.Slots[s]
		if !ok {
			out[i] = make([]float32, sizes[i])
			continue
		}
		v, err := g.download(t)
		if err != nil {
			return nil, fmt.Errorf("reading slot gradient: %w", err)
		}
		out[i] = v
	}
	return out, nil
}

// download copies t to the host, counted by the engine when the Grads came from one.
func (g *Grads) download(t *tensors.Tensor) ([]float32, error) {
	if g.e == nil {
		return tensors.CopyFlatData[float32](t)
	}
	return g.e.Download(t)
}
