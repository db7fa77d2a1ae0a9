package recipe

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/toolkit/derive"
	"github.com/dartboard-nas/dartboard/toolkit/opdrop"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/partial"
	"github.com/dartboard-nas/dartboard/toolkit/progressive"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// PCDARTS is PC-DARTS (Xu et al., ICLR 2020; yuhuixu1993/PC-DARTS train_search.py): partial
// channel connections with K = 4 and channel shuffle, edge normalization (β per edge, softmax
// over a node's inputs, in the derivation too), first order; weights by SGD lr 0.1
// cosine-annealed to 0 (momentum 0.9, L2 3e-4, clip 5); α and β by Adam 6e-4, betas
// (0.5, 0.999), L2 1e-3, frozen for the first 15 of its 50 epochs (α warm-up).
//
// What dartboard changes: the warm-up keeps PC-DARTS's fraction, 15/50 of the search's
// epochs, rounded down (none in a search of fewer than 4 epochs); PC-DARTS's batch of 256 is
// not part of a Method (dartboard search --batch sets it; the tiny configurations use 16);
// the channels of every cell must be divisible by K (--channels 4 or more, a multiple of 4).
func PCDARTS(f For) search.Method {
	m := DARTS1()
	m.Name = "pcdarts"
	m.Supernet = []search.SupernetOption{partial.New()}
	m.Weights.Schedule = optim.CosineSchedule{Start: 0.1, Min: 0, Ahead: true}
	m.Alpha.Schedule = alphaWarmup(f.Epochs*15/50, 6e-4)
	return m
}

// alphaWarmup is a constant α learning rate lr after warm weight-only epochs.
func alphaWarmup(warm int, lr float64) optim.Schedule {
	if warm <= 0 {
		return optim.Constant(lr)
	}
	return optim.Warmup{Epochs: warm, Then: optim.Constant(lr)}
}

// pdartsCells and pdartsOps are P-DARTS's stages: 5, 11 and 17 cells searching 8, 5 and 3
// operations per edge.
var (
	pdartsCells = []int{5, 11, 17}
	pdartsOps   = []int{8, 5, 3}
)

// PDARTS is P-DARTS (Chen et al., ICCV 2019; chenxin061/pdarts train_search.py) as a
// progressive.Plan: three stages of 5, 11 and 17 cells searching 8, 5 and 3 operations per
// edge (For.Stages overrides the cells and operations per edge; as many stages as it lists),
// each a fresh supernet (new weights) of f.Epochs epochs (P-DARTS: 25 per stage), α of the
// kept operations carried over (the reference re-initializes α at every stage:
// Plan.ResetAlpha). In every stage: first-order DARTS with weights by SGD lr 0.025
// cosine-annealed to 0 (momentum 0.9, L2 3e-4, clip 5), α by Adam 6e-4, betas (0.5, 0.999),
// L2 1e-3, frozen for the first 10 of the 25 epochs; dropout on the skip connections of the
// stride-1 mixed edges at rates 0.1, 0.4, 0.7 for the three stages (its published search
// command), decayed as its code (opdrop.Schedule: linearly over the warm-up epochs, then
// exponentially with factor 0.2). After each stage but the last, every edge keeps its top
// operations by mixing weight, none competing; the genotype is derived from the last stage
// by the DARTS rule with at most 2 skip connections in the normal cell (derive.SkipCap: the
// weakest chosen skips give way). The supernet's edges are split (progressive.SplitEdges), so
// that the later stages' per-edge lists share executables.
//
// What dartboard changes: the α warm-up keeps P-DARTS's fraction, 10/25 of the stage's
// epochs, rounded down (none in a stage of fewer than 3 epochs); with another number of
// stages than 3 the initial dropout rates run linearly from 0.1 to 0.7 (0.1 for a single
// stage); P-DARTS's batch of 96 is dartboard search's --batch.
func PDARTS(f For) (progressive.Plan, error) {
	cells, ops := pdartsCells, pdartsOps
	if f.Stages != nil {
		cells, ops = nil, nil
		for _, st := range f.Stages {
			cells, ops = append(cells, st.Cells), append(ops, st.Ops)
		}
	}
	if len(cells) == 0 {
		return progressive.Plan{}, fmt.Errorf("pdarts: no stage")
	}
	var plan progressive.Plan
	for i := range cells {
		rate := 0.1
		if len(cells) > 1 {
			rate = 0.1 + 0.6*float64(i)/float64(len(cells)-1)
		}
		plan.Stages = append(plan.Stages, progressive.Stage{Cells: cells[i], Ops: ops[i], Method: pdartsStage(f, rate)})
	}
	if err := plan.Check(f.Space); err != nil {
		return progressive.Plan{}, fmt.Errorf("pdarts: %w", err)
	}
	return plan, nil
}

// PDARTSStage is the method of one P-DARTS stage with initial skip dropout rate rate (its
// last stage: 0.7).
func PDARTSStage(f For, rate float64) search.Method { return pdartsStage(f, rate) }

func pdartsStage(f For, rate float64) search.Method {
	m := DARTS1()
	m.Name = "pdarts"
	warm := f.Epochs * 10 / 25
	m.Weights.Schedule = optim.CosineSchedule{Start: 0.025, Min: 0, Ahead: true}
	m.Alpha.Schedule = alphaWarmup(warm, 6e-4)
	m.Supernet = []search.SupernetOption{progressive.SplitEdges{}, opdrop.Schedule{Initial: rate, Epochs: f.Epochs, Warmup: warm, Decay: 0.2}}
	m.Deriver = derive.NewSkipCap()
	return m
}
