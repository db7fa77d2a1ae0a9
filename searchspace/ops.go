package searchspace

import "strings"

// Names of the cell operations of the DARTS family, as quark0/darts spells them.
const (
	OpNone        = "none"
	OpMaxPool3x3  = "max_pool_3x3"
	OpAvgPool3x3  = "avg_pool_3x3"
	OpSkipConnect = "skip_connect"
	OpSepConv3x3  = "sep_conv_3x3"
	OpSepConv5x5  = "sep_conv_5x5"
	OpSepConv7x7  = "sep_conv_7x7"
	OpDilConv3x3  = "dil_conv_3x3"
	OpDilConv5x5  = "dil_conv_5x5"
	OpConv7x1x1x7 = "conv_7x1_1x7"
	// OpNoise is the RobustDARTS S4 operation: Gaussian noise added to the input in training,
	// no parameters.
	OpNoise = "noise"
)

// Names of the NAS-Bench-201 operations that are not also DARTS operations.
const (
	OpNorConv1x1 = "nor_conv_1x1"
	OpNorConv3x3 = "nor_conv_3x3"
)

// DARTSOps returns the eight operations of the DARTS search space in quark0/darts's
// PRIMITIVES order, which is the column order of α in that space.
func DARTSOps() []string {
	return []string{OpNone, OpMaxPool3x3, OpAvgPool3x3, OpSkipConnect,
		OpSepConv3x3, OpSepConv5x5, OpDilConv3x3, OpDilConv5x5}
}

// CellOps returns every operation a DARTS-style Genotype may use: the eight search
// operations, the two extra operations of published genotypes (sep_conv_7x7 and
// conv_7x1_1x7) and the RobustDARTS noise operation.
func CellOps() []string {
	return append(DARTSOps(), OpSepConv7x7, OpConv7x1x1x7, OpNoise)
}

// IsCellOp reports whether op is one of CellOps.
func IsCellOp(op string) bool {
	for _, o := range CellOps() {
		if o == op {
			return true
		}
	}
	return false
}

// OpFamily classifies an operation name for drawing and reporting: "none", "pool", "skip",
// "sep_conv", "dil_conv", "conv" (plain convolutions, including NAS-Bench-201's nor_conv and
// conv_7x1_1x7), "mbconv" (inverted residual blocks of the mobile spaces), "noise", or
// "other".
func OpFamily(op string) string {
	switch {
	case op == OpNone:
		return "none"
	case op == OpSkipConnect || op == "skip":
		return "skip"
	case op == OpNoise:
		return "noise"
	case strings.Contains(op, "pool"):
		return "pool"
	case strings.HasPrefix(op, "sep_conv"):
		return "sep_conv"
	case strings.HasPrefix(op, "dil_conv"):
		return "dil_conv"
	case strings.HasPrefix(op, "ir_") || strings.HasPrefix(op, "mb"):
		return "mbconv"
	case strings.Contains(op, "conv"):
		return "conv"
	}
	return "other"
}
