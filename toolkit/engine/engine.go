package engine

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/toolkit/nn"
)

// Variant is one of the executables compiled for a module.
type Variant int

const (
	// FwdTrain is the training forward: batch statistics; outputs, then updated running statistics.
	FwdTrain Variant = iota
	// FwdEval is the evaluation forward: running statistics.
	FwdEval
	// BwdInputs recomputes the training forward and returns the gradients of the inputs.
	BwdInputs
	// BwdAll returns the gradients of the inputs and of the trainable parameters.
	BwdAll
)

func (v Variant) String() string {
	return [...]string{"fwd-train", "fwd-eval", "bwd-inputs", "bwd-all"}[v]
}

// compiled holds the executables of one module Key.
type compiled struct {
	mod   *nn.Module
	execs [4]*graph.Exec
	// updIdx lists the parameter indices of the running statistics that FwdTrain updates, in the
	// order of its extra outputs.
	updIdx []int
}

// Engine compiles and runs modules on a backend. Passes (Forward, Backward) must come from one
// goroutine at a time; Warmup may run concurrently with them (it compiles in the background of
// a running search).
type Engine struct {
	backend backends.Backend
	mu      sync.Mutex
	warmups sync.WaitGroup
	mods    map[string]*compiled
	params  map[*nn.Param]*devParam
	zeros   map[string]*tensors.Tensor
	add     *graph.Exec
	stats   Stats
	// smooth makes every executable use smooth activations (see nn.Builder.Smooth).
	smooth bool
	// profile, when not nil, accumulates the execution time per module key and variant.
	profile map[string]time.Duration
}

// SetSmoothActivations makes every module built by this engine use softplus instead of ReLU
// (nn.Builder.Smooth). Set it before the first execution; it is meant for gradient checks.
func (e *Engine) SetSmoothActivations(on bool) { e.smooth = on }

// newBuilder returns a Builder with the engine's settings.
func (e *Engine) newBuilder(train bool, specs []nn.ParamSpec, params []*graph.Node) *nn.Builder {
	b := nn.NewBuilder(train, specs, params)
	b.Smooth = e.smooth
	return b
}

// SetProfiling turns the per-module timing on or off (it resets the figures).
func (e *Engine) SetProfiling(on bool) {
	e.profile = nil
	if on {
		e.profile = map[string]time.Duration{}
	}
}

// Profile returns the execution time per "module key (variant)" since profiling was turned on.
func (e *Engine) Profile() map[string]time.Duration { return e.profile }

// Stats counts what the engine did.
type Stats struct {
	// Compiles is the number of executables compiled; CompileTime their total (wall) time in
	// Warmup.
	Compiles    int
	CompileTime time.Duration
	// Calls is the number of executable runs.
	Calls int
	// Uploads counts host→device copies (arguments of an execution that were not on the device
	// yet), UploadBytes their size; Downloads and DownloadBytes count device→host copies.
	Uploads, Downloads         int
	UploadBytes, DownloadBytes int64
}

// Sub returns s − o for the counters of executions and copies (the compile figures are s's).
func (s Stats) Sub(o Stats) Stats {
	s.Calls -= o.Calls
	s.Uploads -= o.Uploads
	s.UploadBytes -= o.UploadBytes
	s.Downloads -= o.Downloads
	s.DownloadBytes -= o.DownloadBytes
	return s
}

type devParam struct {
	t         *tensors.Tensor
	version   uint64
	hostStale bool
}

// New returns an engine on backend.
func New(backend backends.Backend) *Engine {
	e := &Engine{backend: backend, mods: map[string]*compiled{}, params: map[*nn.Param]*devParam{},
		zeros: map[string]*tensors.Tensor{}}
	e.add = graph.MustNewExec(backend, func(a, b *graph.Node) *graph.Node { return graph.Add(a, b) }).WithName("add")
	e.add.SetMaxCache(-1)
	return e
}

// Backend returns the engine's backend.
func (e *Engine) Backend() backends.Backend { return e.backend }

// Stats returns counters of compilation and execution.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats
}

// countCall counts one execution, and the uploads its arguments need (tensors not on the
// device yet).
func (e *Engine) countCall(args []any) {
	n, bytes := 0, int64(0)
	for _, a := range args {
		if t, ok := a.(*tensors.Tensor); ok && !t.IsOnDevice(0) {
			n++
			bytes += int64(t.Memory())
		}
	}
	e.mu.Lock()
	e.stats.Calls++
	e.stats.Uploads += n
	e.stats.UploadBytes += bytes
	e.mu.Unlock()
}

// Download copies t to the host as float32 values, counting the copy in Stats.
func (e *Engine) Download(t *tensors.Tensor) ([]float32, error) {
	v, err := tensors.CopyFlatData[float32](t)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.stats.Downloads++
	e.stats.DownloadBytes += int64(t.Memory())
	e.mu.Unlock()
	return v, nil
}

func (e *Engine) compiledFor(m *nn.Module) *compiled {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.mods[m.Key]
	if !ok {
		c = &compiled{mod: m}
		e.mods[m.Key] = c
	}
	return c
}

// exec returns the executable of variant v for m, creating (not compiling) it on first use.
func (e *Engine) exec(m *nn.Module, v Variant) *graph.Exec {
	c := e.compiledFor(m)
	e.mu.Lock()
	defer e.mu.Unlock()
	if c.execs[v] != nil {
		return c.execs[v]
	}
	mod := c.mod
	nIn, nP := mod.NumInputs, len(mod.Params)
	var fn func(in []*graph.Node) []*graph.Node
	switch v {
	case FwdTrain, FwdEval:
		train := v == FwdTrain
		fn = func(in []*graph.Node) []*graph.Node {
			b := e.newBuilder(train, mod.Params, in[nIn:nIn+nP])
			outs := mod.Build(b, in[:nIn])
			b.Done()
			if !train {
				return outs
			}
			upd := b.Updates()
			idx := make([]int, 0, len(upd))
			for i := range upd {
				idx = append(idx, i)
			}
			sort.Ints(idx)
			c.updIdx = idx
			for _, i := range idx {
				outs = append(outs, upd[i])
			}
			return outs
		}
	case BwdInputs, BwdAll:
		withParams := v == BwdAll
		fn = func(in []*graph.Node) []*graph.Node {
			b := e.newBuilder(true, mod.Params, in[nIn:nIn+nP])
			outs := mod.Build(b, in[:nIn])
			b.Done()
			gOuts := in[nIn+nP:]
			var total *graph.Node
			k := 0
			for i, o := range outs {
				if !mod.GradOutput(i) {
					continue
				}
				term := graph.ReduceAllSum(graph.Mul(o, gOuts[k]))
				k++
				if total == nil {
					total = term
				} else {
					total = graph.Add(total, term)
				}
			}
			var wrt []*graph.Node
			for i := 0; i < nIn; i++ {
				if mod.GradInput(i) {
					wrt = append(wrt, in[i])
				}
			}
			if withParams {
				for i, s := range mod.Params {
					if s.Trainable() {
						wrt = append(wrt, in[nIn+i])
					}
				}
			}
			if len(wrt) == 0 {
				return []*graph.Node{graph.ScalarZero(in[0].Graph(), dtypes.Float32)}
			}
			return graph.Gradient(total, wrt...)
		}
	}
	ex := graph.MustNewExec(e.backend, fn).WithName(strings.ReplaceAll(mod.Key, "/", "_") + "_" + v.String())
	ex.SetMaxCache(-1)
	c.execs[v] = ex
	return ex
}

// paramTensor returns the device tensor of p, uploading it when the host data changed.
func (e *Engine) paramTensor(p *nn.Param) *tensors.Tensor {
	d, ok := e.params[p]
	if ok && d.version == p.Version && d.t != nil {
		return d.t
	}
	if ok && d.t != nil {
		d.t.FinalizeAll()
	}
	t := tensors.FromFlatDataAndDimensions(append([]float32(nil), p.Data...), p.Spec.Shape...)
	e.params[p] = &devParam{t: t, version: p.Version}
	return t
}

// setParamTensor replaces p's device value (running statistics updated on the device).
func (e *Engine) setParamTensor(p *nn.Param, t *tensors.Tensor) {
	d, ok := e.params[p]
	if ok && d.t != nil && d.t != t {
		d.t.FinalizeAll()
	}
	e.params[p] = &devParam{t: t, version: p.Version, hostStale: true}
}

// SyncParams copies device-side changes (running statistics) back into the host Data of ps.
func (e *Engine) SyncParams(ps nn.Params) error {
	for _, p := range ps {
		d, ok := e.params[p]
		if !ok || !d.hostStale {
			continue
		}
		data, err := e.Download(d.t)
		if err != nil {
			return fmt.Errorf("reading %s from the device: %w", p.Name, err)
		}
		copy(p.Data, data)
		d.hostStale = false
	}
	return nil
}

// Forget drops the engine's device copies of ps (after the host values were replaced wholesale,
// e.g. on a checkpoint restore).
func (e *Engine) Forget(ps nn.Params) {
	for _, p := range ps {
		if d, ok := e.params[p]; ok {
			if d.t != nil {
				d.t.FinalizeAll()
			}
			delete(e.params, p)
		}
	}
}

// zerosLike returns a cached zero tensor of the given shape.
func (e *Engine) zerosOf(s shapes.Shape) *tensors.Tensor {
	k := s.String()
	if t, ok := e.zeros[k]; ok {
		return t
	}
	t := tensors.FromShape(s)
	e.zeros[k] = t
	return t
}

// Add returns a + b.
func (e *Engine) Add(a, b *tensors.Tensor) (*tensors.Tensor, error) {
	e.countCall([]any{a, b})
	var start time.Time
	if e.profile != nil {
		start = time.Now()
	}
	out, err := e.add.Exec(a, b)
	if e.profile != nil {
		e.profile["add"] += time.Since(start)
	}
	if err != nil {
		return nil, fmt.Errorf("add: %w", err)
	}
	return out[0], nil
}

// run executes variant v of m on args.
func (e *Engine) run(m *nn.Module, v Variant, args []any) ([]*tensors.Tensor, error) {
	e.countCall(args)
	var start time.Time
	if e.profile != nil {
		start = time.Now()
	}
	out, err := e.exec(m, v).Exec(args...)
	if e.profile != nil {
		e.profile[m.Key+" ("+v.String()+")"] += time.Since(start)
	}
	if err != nil {
		return nil, fmt.Errorf("module %s (%s): %w", m.Key, v, err)
	}
	return out, nil
}

// Finalize waits for compilations in progress, then releases the engine's device memory and
// executables.
func (e *Engine) Finalize() {
	e.warmups.Wait()
	for _, d := range e.params {
		if d.t != nil {
			d.t.FinalizeAll()
		}
	}
	e.params = map[*nn.Param]*devParam{}
	for _, t := range e.zeros {
		t.FinalizeAll()
	}
	e.zeros = map[string]*tensors.Tensor{}
	for _, c := range e.mods {
		for _, ex := range c.execs {
			if ex != nil {
				ex.Finalize()
			}
		}
	}
	e.mods = map[string]*compiled{}
}

// workers returns how many compilations to run at once.
func workers() int {
	n := runtime.NumCPU()
	if n > 8 {
		n = 8
	}
	if n < 1 {
		n = 1
	}
	return n
}
