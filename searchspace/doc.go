// Package searchspace describes the search spaces of differentiable architecture search in
// plain Go, with no dependency on GoMLX: the operation vocabularies and cell topologies of the
// DARTS space (and RobustDARTS-style per-edge subsets), the NAS-Bench-201 cell, and the
// FBNet/ProxylessNAS block-wise MobileNet spaces.
//
// It also holds what is done with a discrete architecture once it is chosen:
//
//   - Genotype, the DARTS cell pair, parsed from and formatted to the exact text that
//     quark0/darts writes (genotypes.py, train_search.py logs) and JSON; the published
//     genotypes (DARTS_V1, DARTS_V2, NASNet, AmoebaNet, PC_DARTS, PDARTS) via Named;
//   - derivation rules from mixing weights: DARTS (top-2 incoming edges per node, best op
//     without none), the same with none allowed, FairDARTS (sigmoid threshold), NAS-Bench-201
//     and FBNet (argmax per edge or layer);
//   - drawings of cells as DOT and as self-contained SVG with a layered layout;
//   - the macro skeleton of the DARTS networks (MacroSpec, Layout), shared by the search
//     supernet and the evaluation network, and analytic parameter and multiply-add counts of
//     the evaluation networks of quark0/darts (NetworkCIFAR, NetworkImageNet).
//
// Everything is a value: spaces and genotypes are built on the fly by functions and there is
// no package-level mutable state.
package searchspace
