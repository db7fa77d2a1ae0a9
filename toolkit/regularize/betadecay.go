package regularize

import (
	"fmt"
	"math"
)

// BetaDecay is β-DARTS's β-decay regularization (Ye et al., "β-DARTS: Beta-Decay
// Regularization for Differentiable Architecture Search", CVPR 2022): for one α group of E
// edges, λ · (1/E) Σ_e log Σ_k exp(α_ek), the mean over edges of the log-sum-exp of the edge's
// logits. Its gradient λ/E · softmax(α_e) pushes every logit of an edge down in proportion to
// its softmax weight, which keeps the mixing weights (β) from sharpening early and damps the
// run-away of parameter-free operations. The search applies it to each group (normal and
// reduction) separately and adds the terms, as the paper's code does.
//
// The weight λ ramps linearly with the epoch: λ = Max · epoch / Epochs, with epoch =
// ⌊progress · Epochs⌋ (0 at the first epoch). The code of Sunshine-Ye/Beta-DARTS uses
// λ = 50 · epoch / 100 for the DARTS space, which NewBetaDecay reproduces (Max = Epochs / 2).
// With Epochs 0 the ramp is continuous: λ = Max · progress.
type BetaDecay struct {
	Max    float64
	Epochs int
}

// NewBetaDecay returns β-decay with the paper's ramp for a search of epochs epochs:
// λ = 0.5 · epoch.
func NewBetaDecay(epochs int) BetaDecay {
	return BetaDecay{Max: 0.5 * float64(epochs), Epochs: epochs}
}

// Name returns "beta-decay".
func (BetaDecay) Name() string { return "beta-decay" }

// String describes the regularizer for meta data.
func (b BetaDecay) String() string {
	return fmt.Sprintf("beta-decay(max=%g epochs=%d)", b.Max, b.Epochs)
}

// Weight returns λ at the search's progress in [0, 1].
func (b BetaDecay) Weight(progress float64) float64 {
	if b.Epochs <= 0 {
		return b.Max * progress
	}
	// The small slack keeps step/total·Epochs from landing just below a whole epoch.
	epoch := math.Floor(progress*float64(b.Epochs) + 1e-9)
	return b.Max * epoch / float64(b.Epochs)
}

// Penalty returns λ · mean_e logsumexp(α_e) for one group and adds its gradient,
// λ/E · softmax(α_e), into grad (same shape as alpha). ops is not used: every operation
// counts.
func (b BetaDecay) Penalty(alpha [][]float32, _ [][]string, progress float64, grad [][]float32) float64 {
	lambda := b.Weight(progress)
	if len(alpha) == 0 {
		return 0
	}
	n := float64(len(alpha))
	var total float64
	for e, row := range alpha {
		if len(row) == 0 {
			continue
		}
		m := math.Inf(-1)
		for _, a := range row {
			m = math.Max(m, float64(a))
		}
		var s float64
		for _, a := range row {
			s += math.Exp(float64(a) - m)
		}
		total += m + math.Log(s)
		if lambda == 0 {
			continue
		}
		for k, a := range row {
			grad[e][k] += float32(lambda / n * math.Exp(float64(a)-m) / s)
		}
	}
	return lambda * total / n
}
