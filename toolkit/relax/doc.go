// Package relax holds the relaxations of differentiable architecture search: the maps from the
// architecture logits α of each edge to the mixing weights of the supernet's candidate
// operations, with the vector-Jacobian product that carries the mixing weights' gradient back
// to α.
//
// A Relaxation is stateless as a value; what varies over a search (the step, the temperature
// schedule's progress, the random draws) comes in a Draw, whose RNG the search owns, seeds and
// checkpoints, so a resumed search draws the same samples. Each relaxation gives two things: a
// Sample for the passes of one step (random for Gumbel and Dirichlet relaxations) and the
// Expected mixing weights, deterministic, for reports and derivation.
//
// Softmax is DARTS's; Sigmoid FairDARTS's; GumbelSoft SNAS's; GumbelHard GDAS's
// straight-through sample; Dirichlet DrNAS's; Grouped runs separate competitions for groups of
// operations (parametric vs parameter-free). Relaxations with settings have a constructor with
// the published defaults (NewGumbelSoft, NewGumbelHard, NewGrouped) and a Check method that
// reports bad settings; the annealed ones give their temperature at a progress with Tau.
//
// Every relaxation computes in float64 and converts at the interface (float32 α, mixing
// weights and gradients).
package relax
