package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Role tells what a parameter is for.
type Role int

const (
	// Weight is a trainable weight.
	Weight Role = iota
	// RunningMean is a batch norm running mean (state, not trained).
	RunningMean
	// RunningVar is a batch norm running variance (state, not trained).
	RunningVar
)

// Init names how a parameter is initialized.
type Init int

const (
	// InitFanIn draws U(-1/√fanIn, 1/√fanIn), PyTorch's default for Conv2d and Linear.
	InitFanIn Init = iota
	// InitZeros sets zeros.
	InitZeros
	// InitOnes sets ones.
	InitOnes
)

// ParamSpec declares one parameter of a module.
type ParamSpec struct {
	// Name is relative to the module (e.g. "dw1", "bn2/mean").
	Name  string
	Shape []int
	Role  Role
	Init  Init
	// FanIn is used by InitFanIn.
	FanIn int
}

// Size is the number of elements.
func (s ParamSpec) Size() int {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// Trainable reports whether the optimizer updates this parameter.
func (s ParamSpec) Trainable() bool { return s.Role == Weight }

// Param is one parameter's value, held host-side as float32 in row-major order.
type Param struct {
	// Name is the full name (module path + spec name); checkpoints use it.
	Name string
	Spec ParamSpec
	Data []float32
	// Version increases on every change of Data; the engine re-uploads when it changes.
	Version uint64
}

// Touch marks Data as changed.
func (p *Param) Touch() { p.Version++ }

// NewParam creates a parameter named name with values initialized from rng.
func NewParam(name string, spec ParamSpec, rng *rand.Rand) *Param {
	p := &Param{Name: name, Spec: spec, Data: make([]float32, spec.Size())}
	switch spec.Init {
	case InitOnes:
		for i := range p.Data {
			p.Data[i] = 1
		}
	case InitZeros:
	case InitFanIn:
		fan := spec.FanIn
		if fan <= 0 {
			fan = 1
		}
		bound := 1 / math.Sqrt(float64(fan))
		for i := range p.Data {
			p.Data[i] = float32((rng.Float64()*2 - 1) * bound)
		}
	default:
		panic(fmt.Sprintf("nn: unknown init %d for %s", spec.Init, name))
	}
	return p
}

// Params is an ordered set of parameters (a network's or a module's).
type Params []*Param

// Count returns the number of trainable scalars.
func (ps Params) Count() int64 {
	var n int64
	for _, p := range ps {
		if p.Spec.Trainable() {
			n += int64(len(p.Data))
		}
	}
	return n
}

// Trainable returns the trainable parameters in order.
func (ps Params) Trainable() Params {
	var out Params
	for _, p := range ps {
		if p.Spec.Trainable() {
			out = append(out, p)
		}
	}
	return out
}

// Snapshot returns every parameter's values by name (the slices are shared, not copied).
func (ps Params) Snapshot() map[string][]float32 {
	m := make(map[string][]float32, len(ps))
	for _, p := range ps {
		m[p.Name] = p.Data
	}
	return m
}

// Restore copies values (from Snapshot) into ps, by name. It checks every parameter first and
// changes nothing when one is missing or has another size.
func (ps Params) Restore(values map[string][]float32) error {
	for _, p := range ps {
		v, ok := values[p.Name]
		if !ok {
			return fmt.Errorf("parameter %s is missing", p.Name)
		}
		if len(v) != len(p.Data) {
			return fmt.Errorf("parameter %s has %d values, want %d", p.Name, len(v), len(p.Data))
		}
	}
	for _, p := range ps {
		copy(p.Data, values[p.Name])
		p.Touch()
	}
	return nil
}
