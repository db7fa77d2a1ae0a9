// Package analysis measures where a weight-sharing architecture search goes wrong: statistics
// over the architectures of seed sweeps and random baselines (Kendall's τ-b between two
// rankings, mean ± standard deviation, the similarity of two genotypes), and reference
// hypergradients for the bilevel problem min_α L_val(w*(α), α), w*(α) = argmin_w L_train(w, α),
// against which DARTS's first- and second-order α gradients are judged: the unrolled gradient
// through K inner SGD steps, and the implicit-function gradient whose Hessian system is solved
// by conjugate gradients on Hessian-vector products (exact, or DARTS's finite differences of
// gradients).
//
// On a search's supernet (a *search.Searcher), MeasureErrors measures three of the four error
// sources at once (the gradient error, the supernet sub-optimality, the discretization loss),
// and InheritedScores scores architectures as sub-networks with the supernet's weights, whose
// ranking RankSupernetScores compares with stand-alone accuracies (Kendall's τ-b).
//
// The statistics and hypergradients are pure Go on float64 slices: the hypergradient functions
// take the gradients of the two losses as functions, so that they apply to a toy problem in a
// test and to a supernet checkpoint (whose gradients the engine computes) alike.
package analysis
