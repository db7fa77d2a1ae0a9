// Package regularize holds regularizers on the architecture logits α: terms added to the
// architecture objective, evaluated on the host per α group, each adding its exact gradient
// with respect to α into the caller's gradient.
//
// ZeroOne is FairDARTS's zero-one loss on sigmoid(α); L2 the coupled weight decay of α that
// DARTS, FairDARTS and DrNAS give their α optimizer; KL DrNAS's anchor, the Kullback–Leibler
// divergence of the Dirichlet relaxation from a symmetric Dirichlet prior.
//
// Every regularizer implements Regularizer, the interface of the search's Method, and has a
// constructor with its paper's defaults, a Check method for its settings and At, its
// coefficient at a search progress in [0, 1]. The arithmetic is float64; α and the gradient
// are float32 as in the search.
package regularize
