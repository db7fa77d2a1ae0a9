// Package partial holds PC-DARTS's supernet changes (Xu et al., "PC-DARTS: Partial Channel
// Connections for Memory-Efficient Architecture Search", ICLR 2020) as a search
// SupernetOption: partial channel connections — on every mixed edge 1/K of the channels go
// through the candidate operations, the rest bypass them, and the channels are shuffled
// (network.PartialEdges) — and edge normalization — each node weights its incoming edges by
// β, normalized over the node's inputs by the method's relaxation (network.Config.EdgeNorm),
// and the search derives from the operation weights times β (search.Searcher.Genotype).
package partial
