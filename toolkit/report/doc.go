// Package report turns the records of a search (package search: the meta, step and epoch
// records a Searcher sends to its Recorder and writes to search.jsonl) into SVG plots
// (package plot), shows a search live in a notebook, and reads a finished search back from
// its directory.
//
// The plots (SearchPlots, by name):
//
//   - "alpha_normal", "alpha_reduce": the trajectory of every operation's mixing weight
//     (named as the method does: softmax(α), sigmoid(α), Dirichlet mean) on every edge, one small
//     panel per edge, against the step, from the records
//     that carry mixing weights (every LogAlphaEvery steps, step 1 and each epoch end);
//   - "alpha_heatmap": the mixing weights of the normal and the reduction cell side by side,
//     from the last record that carries them (the bold box marks each edge's strongest
//     operation other than none, the one DARTS derives);
//   - "entropy": the mean entropy of the edges' distributions of each cell over time (log of
//     the number of operations when uniform, 0 when one-hot); "entropy_normal",
//     "entropy_reduce": the entropy of every edge;
//   - "skip_count": the skip connections of the derived normal cell at each epoch end (the
//     symptom of DARTS's collapse);
//   - "loss", "accuracy": the weight step's training batch per step, the architecture step's
//     validation batch per step (dashed), the validation split at epoch ends, and the test
//     set at epoch ends for a training log (package train);
//   - "hessian_eig": the largest eigenvalue of the validation loss's Hessian w.r.t. α at the
//     steps and epoch ends that measured it (search.Config.Curvature; RobustDARTS's warning
//     sign of collapse).
//
// Compare overlays several searches (first against second order, say): entropy, the weight of
// skip_connect, the skip count and the architecture loss.
//
// A search run in a notebook reports through Live, a search.Recorder that redraws one HTML
// block (heat map, loss curve, step, rate and ETA) every few steps; RunSearch runs a search
// into a directory laid out like the command line tool's (search.jsonl, genotype.txt) and Load
// reads such a directory back, so a later cell (or another day) analyzes the search without
// running it again.
package report
