// Package progressive runs a search in stages outside the step loop (P-DARTS's progressive
// depth, Chen et al., "Progressive Differentiable Architecture Search: Bridging the Depth Gap
// between Search and Evaluation", ICCV 2019): each stage is a fresh search.Searcher — a
// supernet of its own depth with fresh weights — over the operations the previous stage kept
// on each edge (the top ones by mixing weight), with α carried over for the kept operations
// (or re-initialized, as chenxin061/pdarts does: Plan.ResetAlpha). A Driver hands out each
// stage's search.Config and stage record; Run runs a whole Plan.
package progressive
