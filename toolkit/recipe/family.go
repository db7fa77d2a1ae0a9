package recipe

import (
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/regularize"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// FairDARTS (Chu et al., ECCV 2020): sigmoid mixing weights (no competition between
// operations), the zero-one loss on them with weight 10 (constant, as its released code),
// and its derivation rule: per node the edges whose best sigmoid weight reaches 0.85, at most
// two. First order, DARTS's optimizers.
func FairDARTS() search.Method {
	m := DARTS1()
	m.Name, m.Relaxation = "fairdarts", relax.Sigmoid{}
	m.Regularizers = []search.Regularizer{regularize.NewZeroOne()}
	m.Deriver = search.FairDeriver{Threshold: 0.85}
	return m
}

// SNAS (Xie et al., ICLR 2019): Gumbel-softmax samples, temperature annealed linearly from 1
// to 0.03 over the search (its released code over 150 epochs: dartboard stretches the same
// range over the configured epochs); single level — α and the weights on the same training
// batch, as SNAS. α by Adam 3e-4, betas (0.5, 0.999), L2 1e-3 (its distributed code);
// weights as DARTS. The genotype is derived from softmax(α) (the sample's expectation).
// SNAS's resource constraint is left out.
func SNAS() search.Method {
	m := DARTS1()
	m.Name, m.Relaxation, m.Architect = "snas", relax.NewGumbelSoft(), search.SingleLevel{}
	return m
}

// GDAS (Dong & Yang, CVPR 2019): one operation per edge sampled with the Gumbel-max trick,
// straight-through gradient through the Gumbel-softmax at a temperature annealed linearly
// from 10 to 0.1 over the search; α on the validation split (first order), Adam 3e-4, betas
// (0.5, 0.999), L2 1e-3; weights as DARTS. The genotype is derived from softmax(α). The
// supernet still computes every operation (the weights of the unsampled ones are zero).
func GDAS() search.Method {
	m := DARTS1()
	m.Name, m.Relaxation = "gdas", relax.NewGumbelHard()
	return m
}

// DrNAS (Chen et al., ICLR 2021): mixing weights sampled from a Dirichlet with concentration
// elu(α)+1 (implicit reparameterization gradient), α by Adam 6e-4, betas (0.5, 0.999), L2
// 1e-3, and DrNAS's default regularizer, an L2 penalty of scale 1e-3 on α (its reg_type l2);
// regularize.NewKL() is the paper's KL anchor to Dir(1), the alternative. First order,
// weights as DARTS; no progressive partial channels (see the partial-channel methods). The
// genotype is derived from the Dirichlet mean β/Σβ (DrNAS's code derives from softmax(α):
// same operation per edge, the edges' ranking can differ).
func DrNAS() search.Method {
	m := DARTS1()
	m.Name, m.Relaxation = "drnas", relax.Dirichlet{}
	m.Regularizers = []search.Regularizer{regularize.NewL2()}
	m.Alpha.Schedule = optim.Constant(6e-4)
	return m
}
