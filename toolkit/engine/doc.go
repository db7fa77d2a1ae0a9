// Package engine runs networks made of nn.Modules on an XLA backend, forward and backward,
// with the chain rule between modules done in Go.
//
// A network is a Program: a list of Calls, each applying a Module to some slots (tensors) and
// its own parameters, writing its outputs to other slots. The engine compiles one executable per
// distinct (module Key, input shapes, variant) and shares it between all Calls of that Key: the
// 14 edges of every normal cell of a stage of a DARTS supernet run on one executable. A Module's
// backward executable recomputes its forward and returns the gradients of its inputs (and
// optionally its parameters) given the gradients of its outputs, so a pass keeps only the slots
// in memory, never the intermediate activations inside modules.
//
// Compile time is what a user waits for before the first step. Warmup infers every slot's shape
// by building the program symbolically (no compilation), then compiles the distinct executables
// concurrently.
package engine
