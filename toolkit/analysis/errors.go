package analysis

import (
	"errors"
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// ErrorOptions sets how MeasureErrors measures.
type ErrorOptions struct {
	// Reference is the reference hypergradient of the gradient error.
	Reference Reference
	// FineTuneSteps is the number of weight steps at the final α of the supernet
	// sub-optimality.
	FineTuneSteps int
	// RecalibrationBatches is the number of training batches of the batch norm recalibration
	// of the discretization loss.
	RecalibrationBatches int
}

// SubOptimality is the supernet sub-optimality: the validation loss and accuracy of the
// supernet (expected mixing weights) at its shared weights and after Steps more weight steps
// at the same α.
type SubOptimality struct {
	Steps           int     `json:"steps"`
	ValidLossBefore float64 `json:"valid_loss_before"`
	ValidLossAfter  float64 `json:"valid_loss_after"`
	ValidAccBefore  float64 `json:"valid_acc_before"`
	ValidAccAfter   float64 `json:"valid_acc_after"`
}

// Gap is how far the validation loss falls with the extra weight steps.
func (s SubOptimality) Gap() float64 { return s.ValidLossBefore - s.ValidLossAfter }

// Discretization is the discretization loss: the supernet's validation accuracy against the
// derived genotype's as a sub-network with inherited weights.
type Discretization struct {
	Genotype               string  `json:"genotype"`
	SupernetAcc            float64 `json:"supernet_valid_acc"`
	DerivedAcc             float64 `json:"derived_inherited_valid_acc"`
	DerivedRecalibratedAcc float64 `json:"derived_recalibrated_valid_acc"`
	RecalibrationBatches   int     `json:"recalibration_batches"`
}

// Loss is the accuracy lost from the supernet to the recalibrated derived sub-network.
func (d Discretization) Loss() float64 { return d.SupernetAcc - d.DerivedRecalibratedAcc }

// ErrorReport holds three of the four error sources of a weight-sharing search measured at one
// state of its supernet: the gradient error, the supernet sub-optimality and the
// discretization loss. (The fourth, the deployment gap, needs stand-alone trainings: package
// train.)
type ErrorReport struct {
	Step int `json:"step"`
	// Gradient: the first- and second-order DARTS α gradients against the reference
	// hypergradient, per cell type.
	Gradient       []GradientError `json:"gradient_error"`
	Reference      string          `json:"reference"`
	CGIterations   int             `json:"cg_iterations,omitempty"`
	CGResidual     float64         `json:"cg_residual,omitempty"`
	SubOptimality  SubOptimality   `json:"supernet_suboptimality"`
	Discretization Discretization  `json:"discretization"`
}

// MeasureErrors measures the gradient error (GradientErrors), the discretization loss of the
// genotype s derives (InheritedAccuracy) and the supernet sub-optimality at s's current state.
// The supernet's parameters are put back afterwards, but the sub-optimality's weight steps
// move the weight optimizer's state and the training data's position on: load a checkpoint
// before searching further.
func MeasureErrors(s *search.Searcher, opt ErrorOptions) (ErrorReport, error) {
	var rep ErrorReport
	if opt.FineTuneSteps < 0 || opt.RecalibrationBatches < 0 {
		return rep, fmt.Errorf("analysis: errors: %d fine-tune steps and %d recalibration batches: want ≥ 0", opt.FineTuneSteps, opt.RecalibrationBatches)
	}
	rep.Step = s.Step()
	g, res, err := GradientErrors(s, opt.Reference)
	if err != nil {
		return rep, err
	}
	rep.Gradient, rep.Reference, rep.CGIterations, rep.CGResidual = g, opt.Reference.String(), res.Iterations, res.Residual

	geno, err := s.Genotype()
	if err != nil {
		return rep, err
	}
	d := &rep.Discretization
	d.Genotype, d.RecalibrationBatches = geno.String(), opt.RecalibrationBatches
	if _, d.SupernetAcc, err = s.Evaluate(0); err != nil {
		return rep, err
	}
	inh, err := InheritedAccuracy(s, geno, opt.RecalibrationBatches, 0)
	if err != nil {
		return rep, err
	}
	d.DerivedAcc, d.DerivedRecalibratedAcc = inh.Acc, inh.RecalibratedAcc

	so := &rep.SubOptimality
	so.Steps = opt.FineTuneSteps
	if so.ValidLossBefore, so.ValidAccBefore, err = s.Evaluate(0); err != nil {
		return rep, err
	}
	restore, err := s.SnapshotParams()
	if err != nil {
		return rep, err
	}
	if err := s.TrainWeights(opt.FineTuneSteps); err != nil {
		return rep, errors.Join(err, restore())
	}
	so.ValidLossAfter, so.ValidAccAfter, err = s.Evaluate(0)
	return rep, errors.Join(err, restore())
}
