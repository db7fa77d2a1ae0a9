// Package prune holds progressive search-space reduction rules (search.Pruner): at epoch
// ends they remove operations from the search by masking them. TopK keeps the k strongest
// operations of every edge every few epochs (P-DARTS's and PC-DARTS-style shrinking); Threshold
// drops an operation once its mixing weight falls below τ. A pruned operation's mixing weight
// is held at zero from then on (the search applies the masks to every sample), and the run's
// log lists which operations left which edge.
//
// Masks remove operations from the architecture; the supernet still computes them unless it is
// rebuilt with network.SplitEdges and Config.Keep (not done by the search loop yet).
package prune
