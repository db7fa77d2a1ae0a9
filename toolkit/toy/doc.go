// Package toy is a bilevel problem small enough to solve exactly: DARTS from first principles.
//
// One mixed edge maps an input x ∈ R^d to Σ_k m_k op_k(x), where m = mix(α) are the mixing
// weights of the candidate operations: parameter-free ones (skip_connect: x, none: 0,
// avg_pool_3x3: the mean of x_{i-1}, x_i, x_{i+1} on a ring) and at most one parametric
// one, conv_1x1, a trainable d×d matrix W (a 1×1 convolution of a single pixel with d
// channels). The task is linear regression on synthetic data, y = A x + noise; the losses are
// mean squared errors, and the training loss carries an L2 penalty λ/2‖W‖².
//
// Because the training loss is quadratic in W, everything DARTS approximates can be computed
// exactly, in float64, without XLA:
//
//   - the inner problem W*(α) = argmin_W L_train(W, α), in closed form (ridge regression);
//   - the hypergradient d L_valid(W*(α), α)/dα, by the implicit function theorem, which is
//     exact here: g = ∂_α L_valid − ∂²_{αW} L_train · H⁻¹ ∇_W L_valid with H = ∇²_W L_train;
//   - DARTS's first-order gradient ∂_α L_valid(W, α) at the current weights W;
//   - DARTS's second-order gradient: the validation gradient at the unrolled weights
//     W' = W − ξ ∇_W L_train(W, α), minus ξ times the Hessian-vector product ∂²_{αW} L_train · v
//     (v = ∇_{W'} L_valid(W', α)) by central finite differences with ε = 0.01/‖v‖, exactly as
//     quark0/darts's architect does;
//   - the validation-loss landscape over two logits, with W optimal at each α or W fixed
//     (shared), and the α paths of the exact, first-order and second-order searches.
//
// A Mixer turns α into mixing weights and gives the vector-Jacobian product; any relaxation
// (softmax, sigmoid, Gumbel, Dirichlet samples) can be plugged in, so the same toy compares
// relaxations. A relax.Relaxation r adapts to one edge with a few lines (the notebook
// notebooks/06_darts_by_hand.ipynb does exactly this, with SearchConfig.BeforeStep keeping
// the draw's step):
//
//	mx := toy.MixerFunc(func(a []float64) ([]float64, func([]float64) []float64) {
//		s := r.Sample([][]float32{f32(a)}, [][]string{ops}, relax.Draw{Step: step, RNG: rng})
//		return f64(s.Mix[0]), func(g []float64) []float64 { return f64(s.VJP([][]float32{f32(g)})[0]) }
//	})
//
// Randomness comes from explicit seeds.
package toy
