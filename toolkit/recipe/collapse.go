package recipe

import (
	"github.com/dartboard-nas/dartboard/toolkit/auxskip"
	"github.com/dartboard-nas/dartboard/toolkit/perturb"
	"github.com/dartboard-nas/dartboard/toolkit/regularize"
	"github.com/dartboard-nas/dartboard/toolkit/search"
	"github.com/dartboard-nas/dartboard/toolkit/stop"
)

// The cures of DARTS's collapse to skip connections, each DARTS1 with one component added.

// SDARTSRS is SDARTS-RS (Chen & Hsieh, "Stabilizing Differentiable Architecture Search via
// Perturbation-based Regularization", ICML 2020): before each weight step the mixing weights
// get uniform noise in [−ε, ε], clipped and renormalized, ε ramped per epoch from 0.03 to 0.3
// (its train_search.py).
func SDARTSRS(f For) search.Method {
	m := DARTS1()
	m.Name, m.Perturbation = "sdarts-rs", perturb.NewSDARTSRS(f.Epochs)
	return m
}

// SDARTSADV is SDARTS-ADV: before each weight step a 7-step PGD attack (step 2ε/7, random
// start) finds the mixing weights within ε that raise the training loss most; the weights
// train there. ε as SDARTSRS. It costs 8 more passes per step.
func SDARTSADV(f For) search.Method {
	m := DARTS1()
	m.Name, m.Perturbation = "sdarts-adv", perturb.NewSDARTSADV(f.Epochs)
	return m
}

// DARTSMinus is DARTS- (Chu et al., "DARTS-: Robustly Stepping out of Performance Collapse
// Without Indicators", ICLR 2021): every edge gains an auxiliary skip connection outside the
// competition, weighted by β decaying linearly from 1 to 0 over the search, so the
// parameter-free skip no longer needs to win α to carry the residual signal.
func DARTSMinus(f For) search.Method {
	m := DARTS1()
	m.Name, m.Supernet = "darts-minus", []search.SupernetOption{auxskip.New(f.Epochs)}
	return m
}

// BetaDARTS is β-DARTS (Ye et al., CVPR 2022): the β-decay regularization, λ · mean over
// edges of logsumexp(α), with λ = 0.5·epoch as its code for the DARTS space.
func BetaDARTS(f For) search.Method {
	m := DARTS1()
	m.Name, m.Regularizers = "beta-darts", []search.Regularizer{regularize.NewBetaDecay(f.Epochs)}
	return m
}

// DARTSPlus is DARTS+ (Liang et al., "DARTS+: Improved Differentiable Architecture Search
// with Early Stopping", 2019): stop when the derived normal cell has 2 or more skip
// connections, or when the ranking of the operations has not changed for 10 epochs.
func DARTSPlus(f For) search.Method {
	m := DARTS1()
	m.Name, m.Stopper = "darts-plus", stop.NewDARTSPlus(f.Space)
	return m
}

// RDARTSES is DARTS-ES (Zela et al., "Understanding and Robustifying Differentiable
// Architecture Search", ICLR 2020): the largest eigenvalue of the validation loss's Hessian
// w.r.t. α is measured at every epoch end; when its local average grows by more than 1.3×
// over 4 epochs (from epoch 10 on), stop and keep the genotype of 4 epochs before. The search
// needs a Curvature probe (dartboard search sets one).
func RDARTSES(For) search.Method {
	m := DARTS1()
	m.Name, m.Stopper = "rdarts-es", stop.NewDARTSES()
	return m
}

// RDARTSADA is DARTS-ADA (the same paper): on DARTS-ES's signal, multiply the weights' L2
// regularization by 10 (at most twice) and continue.
func RDARTSADA(For) search.Method {
	m := DARTS1()
	m.Name, m.Stopper = "rdarts-ada", stop.NewDARTSADA()
	return m
}
