// Package hessian measures the curvature of a loss with respect to the architecture weights α
// without forming the Hessian: power iteration (DominantEigen, LargestEigen) on Hessian-vector
// products, and a central finite-difference Hessian-vector product built on a gradient function
// (FiniteDiffHVP). RobustDARTS (Zela et al., "Understanding and Robustifying Differentiable
// Architecture Search", ICLR 2020) tracks the dominant eigenvalue of the validation loss's
// Hessian with respect to α as the warning sign of collapse; package stop's DARTS-ES and
// DARTS-ADA stoppers act on it.
//
// Everything here is plain float64 arithmetic on flat vectors: the caller supplies the gradient
// (for dartboard, α passes of the supernet, flattened with Flatten and Unflatten), so the
// package neither runs nor changes a model.
package hessian
