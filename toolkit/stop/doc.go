// Package stop holds the early stoppers of collapse-aware DARTS: criteria checked at each
// epoch end that end the search (or change it) before the architecture weights drift to
// parameter-free operations.
//
//   - DARTSPlus (Liang et al., "DARTS+: Improved Differentiable Architecture Search with Early
//     Stopping", 2019): stop when the derived normal cell has MaxSkips (2) or more skip
//     connections, or when the ranking of the learnable operations has not changed for
//     StableEpochs (10) epochs.
//   - DARTSES (Zela et al., "Understanding and Robustifying Differentiable Architecture
//     Search", ICLR 2020, DARTS-ES): stop when the local average of the dominant Hessian
//     eigenvalue has grown by more than Factor (1.3) over K measurements, and report the
//     genotype of K measurements earlier.
//   - DARTSADA (the same paper's DARTS-ADA): on the same signal, multiply the weights' L2
//     regularization and go on.
//
// Each stopper's Check has the signature of the search loop's Stopper interface and each is
// Stateful (State, SetState), so a resumed search decides exactly as an uninterrupted one.
// EpochStats and Decision in seam.go mirror the search package's types (see there).
package stop
