// Package perturb holds the perturbations of the mixing weights that smooth the DARTS
// landscape (Chen and Hsieh, "Stabilizing Differentiable Architecture Search via
// Perturbation-based Regularization", ICML 2020, SDARTS):
//
//   - RandomSmoothing (SDARTS-RS): uniform noise in [−ε, ε] added to the softmax mixing
//     weights of the weight pass, each row then clipped back onto the simplex;
//   - Adversarial (SDARTS-ADV): a 7-step L∞ PGD attack on the same mixing weights that
//     maximizes the training loss within the ε-ball, using the gradients of the mixing weights
//     that the supernet's pass returns.
//
// ε ramps linearly over the search from 0.03 to 0.3 as in the SDARTS code. Both types have the
// method of the search loop's Perturbation interface, run before the weight pass; the mirrors
// in seam.go stand for the search and relax types until the Method seam is merged.
//
// Clip, the projection SDARTS applies after every change (clamp to [0, 1], renormalize to sum
// 1), is exported for other components that perturb mixing weights.
package perturb
