// Package optim holds the optimizers of a DARTS search, host-side on float32 slices and with
// PyTorch's semantics: SGD with momentum and L2 weight decay added to the gradient, Adam with
// L2 weight decay added to the gradient (not decoupled), global gradient-norm clipping, and the
// cosine learning-rate schedule.
//
// Their whole state is plain slices, so a checkpoint saves and restores it exactly.
package optim
