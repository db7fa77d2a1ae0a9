// Package network builds DARTS networks as engine Programs from one macro skeleton
// (searchspace.MacroSpec): the search supernet, whose edges mix every candidate operation with
// weights given as input slots, and the derived network of a genotype, trained stand-alone.
// Both share the stem, the cell input preprocessing, the reduction and channel bookkeeping, the
// node sums and concatenations, the classifier and the auxiliary head; only the edges differ.
package network
