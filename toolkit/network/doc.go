// Package network builds networks as engine Programs from one macro skeleton per search space,
// shared by the search supernet and the derived network:
//
//   - DARTS (searchspace.MacroSpec): Supernet and Derived;
//   - NAS-Bench-201 (stem, three stages of cells, residual reduction blocks): NB201Supernet and
//     NB201Derived;
//   - block-wise mobile spaces, FBNet and ProxylessNAS (stem, searchable inverted-residual
//     layers, head): MobileSupernet and MobileDerived.
//
// Only the cells (blocks) differ between a supernet and its derived network. A supernet's
// edges come from an EdgeFactory (FusedEdges: one executable per edge kind; SplitEdges: one
// per candidate, so pruned candidates cost nothing; PartialEdges: PC-DARTS's partial channels)
// and a DARTS supernet's cells from a CellFactory (DARTSCell, with PC-DARTS's edge
// normalization when Config.EdgeNorm). Executable keys come from structure and shapes
// (candidate lists, channels, stride), never from a position in the network, so every edge of
// a kind shares one executable.
//
// A supernet's mixing weights are input slots described by Network.Groups (MixGroup): one
// table per group, one row per edge (or node, or layer), and with Config.Masks a 0/1 mask per
// row that multiplies the weights inside the executables, so pruning never recompiles.
package network
