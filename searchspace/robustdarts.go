package searchspace

// RobustDARTSS1Normal returns the per-edge operation lists of the normal cell of RobustDARTS's
// space S1, in edge order (Edges): on each edge the two operations that a DARTS run on the
// full space ranked highest, as published by Zela et al. (ICLR 2020) in automl/RobustDARTS
// src/spaces.py (primitives_1, "primitives_normal"). The column order of each list is the
// order published there.
func RobustDARTSS1Normal() [][]string {
	return [][]string{
		{OpSkipConnect, OpDilConv3x3}, // 0 → node 0 (c_{k-2})
		{OpSkipConnect, OpDilConv5x5}, // 1 → node 0
		{OpSkipConnect, OpDilConv5x5}, // 0 → node 1
		{OpSkipConnect, OpSepConv3x3}, // 1 → node 1
		{OpSkipConnect, OpDilConv3x3}, // node 0 → node 1
		{OpMaxPool3x3, OpSkipConnect}, // 0 → node 2
		{OpSkipConnect, OpSepConv3x3}, // 1 → node 2
		{OpSkipConnect, OpSepConv3x3}, // node 0 → node 2
		{OpSkipConnect, OpDilConv3x3}, // node 1 → node 2
		{OpSkipConnect, OpSepConv3x3}, // 0 → node 3
		{OpMaxPool3x3, OpSkipConnect}, // 1 → node 3
		{OpSkipConnect, OpDilConv3x3}, // node 0 → node 3
		{OpDilConv3x3, OpDilConv5x5},  // node 1 → node 3
		{OpDilConv3x3, OpDilConv5x5},  // node 2 → node 3
	}
}

// RobustDARTSS1Reduce returns the per-edge operation lists of the reduction cell of
// RobustDARTS's space S1 (primitives_1, "primitives_reduct" in automl/RobustDARTS
// src/spaces.py), in edge order.
func RobustDARTSS1Reduce() [][]string {
	return [][]string{
		{OpMaxPool3x3, OpAvgPool3x3},  // 0 → node 0
		{OpMaxPool3x3, OpDilConv3x3},  // 1 → node 0
		{OpMaxPool3x3, OpAvgPool3x3},  // 0 → node 1
		{OpMaxPool3x3, OpAvgPool3x3},  // 1 → node 1
		{OpSkipConnect, OpDilConv5x5}, // node 0 → node 1
		{OpMaxPool3x3, OpAvgPool3x3},  // 0 → node 2
		{OpMaxPool3x3, OpSepConv3x3},  // 1 → node 2
		{OpSkipConnect, OpDilConv3x3}, // node 0 → node 2
		{OpSkipConnect, OpDilConv5x5}, // node 1 → node 2
		{OpMaxPool3x3, OpAvgPool3x3},  // 0 → node 3
		{OpMaxPool3x3, OpAvgPool3x3},  // 1 → node 3
		{OpSkipConnect, OpDilConv5x5}, // node 0 → node 3
		{OpSkipConnect, OpDilConv5x5}, // node 1 → node 3
		{OpSkipConnect, OpDilConv5x5}, // node 2 → node 3
	}
}
