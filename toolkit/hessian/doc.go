// Package hessian measures the curvature of a loss with respect to the architecture weights α
// without forming the Hessian: power iteration (DominantEigen, LargestEigen) on Hessian-vector
// products, and a central finite-difference Hessian-vector product built on a gradient function
// (FiniteDiffHVP). RobustDARTS (Zela et al., "Understanding and Robustifying Differentiable
// Architecture Search", ICLR 2020) tracks the dominant eigenvalue of the validation loss's
// Hessian with respect to α as the warning sign of collapse; package stop's DARTS-ES and
// DARTS-ADA stoppers act on it.
//
// The core is plain float64 arithmetic on flat vectors: the caller supplies the gradient.
// AlphaGradient and AlphaEig build it from the supernet's α passes (Flatten and Unflatten
// between α groups and vectors): every pass asks for the mixing weights' gradient only and
// freezes batch norm's running statistics, and the weights are never set, so the analysis
// leaves the model as it was. seam.go mirrors the search and relax types they use until the
// Method seam is merged.
package hessian
