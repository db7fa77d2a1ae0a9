package recipe

import (
	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// DARTS1 is first-order DARTS (Liu, Simonyan, Yang, ICLR 2019; quark0/darts train_search.py
// without --unrolled): softmax relaxation; α by Adam (lr 3e-4, betas (0.5, 0.999), L2 1e-3)
// on ∇α L_val at the current weights; weights by SGD (lr 0.025 cosine to 0.001, momentum 0.9,
// L2 3e-4, global norm clip 5); the DARTS derivation rule (two strongest non-none edges per
// node). Unchanged for Fashion-MNIST.
func DARTS1() search.Method {
	return search.Method{Name: "darts", Architect: search.FirstOrder{}, Relaxation: relax.Softmax{},
		Deriver: search.DARTSDeriver{}, Alpha: search.DARTSAlpha(), Weights: search.DARTSWeights(), GradClip: 5}
}

// DARTS2 is second-order DARTS (quark0/darts with --unrolled): DARTS1 with the unrolled α
// gradient (ξ = the weights' learning rate, ε = 0.01/‖v‖).
func DARTS2() search.Method {
	m := DARTS1()
	m.Name, m.Architect = "darts2", search.SecondOrder{}
	return m
}

// MiLeNAS is mixed-level DARTS (He, Wang, Zhang, CVPR 2020): α's gradient is
// ∇α L_val + λ·∇α L_train with λ = 1, otherwise DARTS1's settings (the paper keeps DARTS's
// optimizers).
func MiLeNAS() search.Method {
	m := DARTS1()
	m.Name, m.Architect = "milenas", search.MixedLevel{Lambda: 1}
	return m
}

// SingleLevel is one-level DARTS: α and the weights train on the same training batch, with
// no held-out split for α (DARTS §3.3 reports it overfits; "Single-level optimization for
// differential architecture search", Hou & Jin 2020, makes the task harder with stronger
// augmentation). dartboard adds cutout 16 and random crop with padding 4 and flip to that
// batch; on 28×28 Fashion-MNIST images cutout 16 hides a large part of the image, which is the
// point. The validation split is used only for the epoch-end evaluation.
func SingleLevel() search.Method {
	m := DARTS1()
	m.Name = "single-level"
	m.Architect = search.SingleLevel{Augment: &datasets.Augment{CropPadding: 4, Flip: true, Cutout: 16}}
	return m
}
