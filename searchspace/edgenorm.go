package searchspace

import "fmt"

// EdgeNormalized returns PC-DARTS's derivation weights: each edge's row of operation weights
// multiplied by its edge weight, beta[node][input] (β already normalized over the node's
// inputs, e.g. by Softmax). Derive the genotype from the result with DeriveDARTS, as PC-DARTS
// does for the normal and the reduction cell.
func EdgeNormalized(space CellSpace, weights, beta [][]float64) ([][]float64, error) {
	if err := checkWeights(space, weights); err != nil {
		return nil, fmt.Errorf("edge normalization: %w", err)
	}
	if len(beta) != space.Steps {
		return nil, fmt.Errorf("edge normalization: %d rows of β, want %d nodes", len(beta), space.Steps)
	}
	out := make([][]float64, len(weights))
	for e, edge := range space.Edges() {
		if len(beta[edge.Node]) != space.Inputs+edge.Node {
			return nil, fmt.Errorf("edge normalization: node %d has %d β, want %d inputs", edge.Node, len(beta[edge.Node]), space.Inputs+edge.Node)
		}
		b := beta[edge.Node][edge.Input]
		out[e] = make([]float64, len(weights[e]))
		for k, w := range weights[e] {
			out[e][k] = w * b
		}
	}
	return out, nil
}
