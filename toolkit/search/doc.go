// Package search runs a differentiable architecture search: the bilevel DARTS loop over a
// supernet (network.Supernet) on the engine, alternating an architecture step on a validation
// batch (first order, or second order with the unrolled weights and a finite-difference
// Hessian-vector product) and a weight step on a training batch, with the exact optimizers and
// schedules of DARTS (package optim).
//
// A Searcher is driven step by step (Step, RunEpoch, Run) so a notebook can watch α move; every
// step and epoch goes to a Recorder (JSONL on disk, live plots in a notebook); checkpoints are
// written atomically and a resumed search continues bit-identically; a NaN or Inf loss stops the
// search with an error, the last good checkpoint kept.
package search
