package nn

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph building reads best unqualified
)

// Module is a piece of network compiled as one executable: a graph function of its inputs and
// its parameters. Modules with the same Key must build the same computation for the same input
// shapes; the engine compiles one executable per Key (and per input shapes) and shares it.
type Module struct {
	// Key identifies the computation: kind and configuration (channels, stride, mode...).
	Key string
	// NumInputs is the number of graph inputs (activations, mixing weights, labels, masks).
	NumInputs int
	// NoGradInputs marks inputs that are not differentiated (labels, masks). Nil: all are.
	NoGradInputs []bool
	// NoGradOutputs marks outputs that carry no gradient (accuracy counts). Nil: all do.
	NoGradOutputs []bool
	// Params declares the parameters, in the order Build consumes them.
	Params []ParamSpec
	// Build builds the outputs from the inputs, taking parameters from b in declaration order.
	Build func(b *Builder, in []*Node) []*Node
}

// GradInput reports whether input i is differentiated.
func (m *Module) GradInput(i int) bool { return m.NoGradInputs == nil || !m.NoGradInputs[i] }

// GradOutput reports whether output i carries a gradient.
func (m *Module) GradOutput(i int) bool { return m.NoGradOutputs == nil || !m.NoGradOutputs[i] }

// Builder hands a Module's parameter nodes to its Build function, in declaration order, and
// collects the batch norm running-statistics updates made in training mode.
type Builder struct {
	// Train selects training behaviour (batch statistics in batch norm).
	Train bool
	// Momentum of the batch norm running statistics (PyTorch's, 0.1).
	Momentum float64
	// Smooth replaces ReLU by softplus everywhere: the network becomes smooth, so finite
	// differences of its gradients are meaningful (gradient checks of second-order methods).
	Smooth bool
	params []*Node
	specs  []ParamSpec
	next   int
	// updates maps a parameter index to its new value (running statistics).
	updates map[int]*Node
}

// NewBuilder returns a Builder over the given parameter nodes (matching specs).
func NewBuilder(train bool, specs []ParamSpec, params []*Node) *Builder {
	if len(specs) != len(params) {
		panic(fmt.Sprintf("nn.NewBuilder: %d specs but %d parameter nodes", len(specs), len(params)))
	}
	return &Builder{Train: train, Momentum: 0.1, params: params, specs: specs, updates: map[int]*Node{}}
}

// Next returns the next parameter node, checking that its name matches the expected spec name.
func (b *Builder) Next(name string) *Node {
	if b.next >= len(b.params) {
		panic(fmt.Sprintf("nn.Builder: parameter %q requested but only %d declared", name, len(b.params)))
	}
	if b.specs[b.next].Name != name {
		panic(fmt.Sprintf("nn.Builder: parameter #%d is %q, Build asked for %q", b.next, b.specs[b.next].Name, name))
	}
	b.next++
	return b.params[b.next-1]
}

// nextIndex returns the index of the next parameter to be consumed.
func (b *Builder) nextIndex() int { return b.next }

// Done checks that Build consumed every declared parameter.
func (b *Builder) Done() {
	if b.next != len(b.params) {
		panic(fmt.Sprintf("nn.Builder: Build consumed %d of %d parameters", b.next, len(b.params)))
	}
}

// Updates returns the new values of state parameters (index → node) set during a training build.
func (b *Builder) Updates() map[int]*Node { return b.updates }

// Prefix returns specs with each name prefixed by prefix + "/".
func Prefix(prefix string, specs []ParamSpec) []ParamSpec {
	out := make([]ParamSpec, len(specs))
	for i, s := range specs {
		s.Name = prefix + "/" + s.Name
		s.Shape = append([]int(nil), s.Shape...)
		out[i] = s
	}
	return out
}

func keyf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
