// Package derive holds derivation rules as components of a search Method: values with the
// method of the search loop's Deriver interface, Derive(space, normal, reduce), that read a
// genotype off the expected mixing weights. SkipCap is P-DARTS's cap on the number of skip
// connections of the normal cell (Chen et al., "Progressive Differentiable Architecture
// Search: Bridging the Depth Gap between Search and Evaluation", ICCV 2019), wrapped around
// any base rule.
package derive
