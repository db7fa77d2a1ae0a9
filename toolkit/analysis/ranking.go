package analysis

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// Inherited is a derived architecture evaluated as a sub-network of a supernet with the
// supernet's weights (inherited weights, no retraining): one-hot mixing weights on its
// (edge, operation) pairs (OneHotMix), on the supernet's validation split.
type Inherited struct {
	// Acc is the validation accuracy with the supernet's batch norm statistics as they are.
	Acc float64 `json:"valid_acc"`
	// RecalibratedAcc is the validation accuracy after the batch norm running statistics were
	// recalibrated on RecalibrationBatches training batches of the sub-network alone.
	RecalibratedAcc      float64 `json:"recalibrated_valid_acc"`
	RecalibrationBatches int     `json:"recalibration_batches"`
}

// InheritedAccuracy evaluates genotype g as a sub-network of s's supernet with inherited
// weights, before and after recalibrating batch norm on recalib training batches, on the
// first evalBatches validation batches (0: all). The supernet's parameters are put back
// afterwards (SnapshotParams): s can score the next architecture, or go on searching.
func InheritedAccuracy(s *search.Searcher, g searchspace.Genotype, recalib, evalBatches int) (Inherited, error) {
	return inherited(s, g, recalib, evalBatches, true)
}

// inherited is InheritedAccuracy; without before, Acc (the evaluation before the
// recalibration) is skipped and left 0.
func inherited(s *search.Searcher, g searchspace.Genotype, recalib, evalBatches int, before bool) (Inherited, error) {
	out := Inherited{RecalibrationBatches: recalib}
	if recalib < 0 || evalBatches < 0 {
		return out, fmt.Errorf("analysis: inherited accuracy: %d recalibration and %d evaluation batches: want ≥ 0", recalib, evalBatches)
	}
	mix, err := OneHotMix(s, g)
	if err != nil {
		return out, err
	}
	restore, err := s.SnapshotParams()
	if err != nil {
		return out, err
	}
	if before {
		if _, out.Acc, err = s.EvaluateMix(mix, evalBatches); err != nil {
			return out, err
		}
	}
	if err := s.RecalibrateBN(mix, recalib); err != nil {
		return out, errors.Join(err, restore())
	}
	_, out.RecalibratedAcc, err = s.EvaluateMix(mix, evalBatches)
	return out, errors.Join(err, restore())
}

// InheritedScores returns the supernet-based score of each genotype of gs on s's supernet: its
// validation accuracy as a sub-network with inherited weights after recalib batches of batch
// norm recalibration (InheritedAccuracy's RecalibratedAcc). Every architecture is scored from
// the same supernet state.
func InheritedScores(s *search.Searcher, gs []searchspace.Genotype, recalib, evalBatches int) ([]float64, error) {
	out := make([]float64, len(gs))
	for i, g := range gs {
		r, err := inherited(s, g, recalib, evalBatches, false)
		if err != nil {
			return nil, fmt.Errorf("architecture %d (%s): %w", i+1, g, err)
		}
		out[i] = r.RecalibratedAcc
	}
	return out, nil
}

// SupernetRanking is the agreement between supernet-based scores and stand-alone accuracy over
// a set of architectures (Kendall's τ-b): how well ranking architectures by a weight-sharing
// supernet predicts their ranking when each is trained on its own.
type SupernetRanking struct {
	// Scores[k][i] is architecture i's score on supernet k.
	Scores [][]float64 `json:"scores"`
	// Score[i] is the mean of architecture i's scores over the supernets.
	Score []float64 `json:"score"`
	// StandAlone[i] is architecture i's stand-alone accuracy.
	StandAlone []float64 `json:"stand_alone"`
	// Tau is Kendall's τ-b between Score and StandAlone; NaN (and TauError set) when undefined.
	Tau      float64 `json:"-"`
	TauError string  `json:"tau_error,omitempty"`
	// PerSupernet[k] is τ-b between Scores[k] and StandAlone (NaN when undefined).
	PerSupernet []float64 `json:"-"`
}

// RankSupernetScores averages each architecture's scores over the supernets (scores[k][i]:
// architecture i on supernet k) and computes Kendall's τ-b between the mean score and the
// stand-alone accuracies, and per supernet. It fails when there is no supernet, a row's length
// is not len(standAlone), or there are fewer than two architectures; a τ that is undefined (a
// constant ranking) is NaN with the reason in TauError.
func RankSupernetScores(scores [][]float64, standAlone []float64) (SupernetRanking, error) {
	r := SupernetRanking{Scores: scores, StandAlone: standAlone}
	if len(scores) == 0 {
		return r, errors.New("analysis: supernet ranking: no supernet scores")
	}
	if len(standAlone) < 2 {
		return r, fmt.Errorf("analysis: supernet ranking of %d architectures: want at least 2", len(standAlone))
	}
	r.Score = make([]float64, len(standAlone))
	for k, row := range scores {
		if len(row) != len(standAlone) {
			return r, fmt.Errorf("analysis: supernet ranking: supernet %d scores %d architectures, want %d", k+1, len(row), len(standAlone))
		}
		for i, v := range row {
			r.Score[i] += v / float64(len(scores))
		}
		tau, err := KendallTau(row, standAlone)
		if err != nil {
			tau = math.NaN()
		}
		r.PerSupernet = append(r.PerSupernet, tau)
	}
	tau, err := KendallTau(r.Score, standAlone)
	r.Tau = tau
	if err != nil {
		r.Tau, r.TauError = math.NaN(), err.Error()
	}
	return r, nil
}

// MarshalJSON writes the ranking with "tau" and "tau_per_supernet" (null where undefined).
func (r SupernetRanking) MarshalJSON() ([]byte, error) {
	type plain SupernetRanking
	orNull := func(x float64) *float64 {
		if math.IsNaN(x) {
			return nil
		}
		return &x
	}
	per := make([]*float64, len(r.PerSupernet))
	for i, t := range r.PerSupernet {
		per[i] = orNull(t)
	}
	return json.Marshal(struct {
		plain
		Tau         *float64   `json:"tau"`
		PerSupernet []*float64 `json:"tau_per_supernet"`
	}{plain(r), orNull(r.Tau), per})
}
