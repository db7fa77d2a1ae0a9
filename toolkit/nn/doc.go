// Package nn holds dartboard's network building blocks as Modules: small, explicitly
// parameterized GoMLX graph functions (convolutions, batch norm, the DARTS and NAS-Bench-201
// operations, mixed edges with mask inputs, PC-DARTS's partial-channel edge and edge-normalized
// node, inverted residual blocks of the mobile spaces, stems, classifier heads, losses) whose
// weights are graph inputs rather than context variables.
//
// Because weights are inputs, one compiled executable serves every place in a network where a
// module of the same Key appears (all 14 edges of all normal cells of a stage share one), and the
// weights themselves are created host-side from a seed (see Params), so no random-number graph
// is ever compiled. The engine package runs Modules forward and backward.
//
// Depthwise convolutions, the bulk of the DARTS space, are written as a dense convolution whose
// kernel is the depthwise kernel times an identity matrix (see DepthwiseMode): XLA's grouped
// convolution is several times slower to run and to compile on CPU and GPU.
package nn
