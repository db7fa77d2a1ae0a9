package relax

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"
)

// Dirichlet is DrNAS's relaxation: each edge's mixing weights are a sample of Dir(β) with
// concentration β = elu(α)+1, and the gradient reaches α through the sample (Chen, Wang,
// Cheng, Tang, Hsieh, "DrNAS: Dirichlet Neural Architecture Search", ICLR 2021; the
// concentration elu(α)+1 is that of the released code, xiangning-chen/DrNAS).
//
// The sample normalizes independent Gamma(β_k, 1) draws z_k (Marsaglia–Tsang, from Draw.RNG),
// computed in log space so that small concentrations do not underflow. The gradient is the
// implicit reparameterization one (Figurnov, Mohamed, Mnih, "Implicit Reparameterization
// Gradients", NeurIPS 2018): dz/dβ = −(∂F/∂β)(z; β) / p(z; β) for the Gamma(β, 1) CDF F,
// density p, with ∂F/∂β a fourth-order central difference of the regularized incomplete gamma
// function (gonum mathext.GammaIncReg, or its complement right of the mode), and, for z below
// 1e-12, the small-z limit d log z/dβ = (ψ(β+1) − log z)/β.
//
// Expected is the Dirichlet mean β/Σβ. DrNAS's code derives its genotype from softmax(α)
// instead; a deriver that wants that reads α itself.
type Dirichlet struct{}

// Name returns "dirichlet".
func (Dirichlet) Name() string { return "dirichlet" }

// Weights returns "Dirichlet mean".
func (Dirichlet) Weights() string { return "Dirichlet mean" }

// String describes the relaxation for a run's meta data.
func (Dirichlet) String() string { return "dirichlet(β=elu(α)+1, implicit reparameterization)" }

// Sample draws, row by row, one Gamma variate per weight from d.RNG (a variable number of
// RNG values each: the sampler rejects) and returns their normalization, a Dir(elu(α)+1)
// sample; its VJP is the implicit reparameterization gradient.
func (r Dirichlet) Sample(alpha [][]float32, ops [][]string, d Draw) Sample {
	return r.sample64(toF64Rows(alpha), ops, d).f32()
}

// Expected is the Dirichlet mean β/Σβ with β = elu(α)+1.
func (r Dirichlet) Expected(alpha [][]float32, ops [][]string) [][]float32 {
	return toF32Rows(r.expected64(toF64Rows(alpha), ops))
}

func (r Dirichlet) sample64(alpha [][]float64, _ [][]string, d Draw) sample64 {
	rng := needRNG("Dirichlet", d)
	logz := make([][]float64, len(alpha))
	for e, row := range alpha {
		logz[e] = make([]float64, len(row))
		for k, a := range row {
			logz[e][k] = logGammaDraw(rng, concentration(a))
		}
	}
	return r.fromLogZ(alpha, logz)
}

// fromLogZ is the sample of Gamma(elu(α)+1, 1) variates whose logs are logz: their
// normalization, with the implicit reparameterization vjp.
func (Dirichlet) fromLogZ(alpha, logz [][]float64) sample64 {
	x := make([][]float64, len(alpha))
	dlog := make([][]float64, len(alpha)) // d log z_k / dα_k
	for e, row := range alpha {
		dlog[e] = make([]float64, len(row))
		for k, a := range row {
			dlog[e][k] = gammaDLogZ(logz[e][k], concentration(a)) * concentrationGrad(a)
		}
		x[e] = SoftmaxRow(logz[e], 1) // z/Σz, in log space
	}
	return sample64{mix: x, vjp: func(g [][]float64) [][]float64 {
		// x = softmax(log z): ∂L/∂log z_k = x_k (g_k − ⟨g, x⟩).
		out := softmaxVJP(x, g, 1)
		for e := range out {
			for k := range out[e] {
				out[e][k] *= dlog[e][k]
			}
		}
		return out
	}}
}

func (Dirichlet) expected64(alpha [][]float64, _ [][]string) [][]float64 {
	out := make([][]float64, len(alpha))
	for e, row := range alpha {
		out[e] = make([]float64, len(row))
		var s float64
		for k, a := range row {
			out[e][k] = concentration(a)
			s += out[e][k]
		}
		for k := range out[e] {
			out[e][k] /= s
		}
	}
	return out
}

// concentration is DrNAS's β = elu(α)+1: α+1 for α > 0, exp(α) otherwise.
func concentration(a float64) float64 {
	if a > 0 {
		return a + 1
	}
	return math.Exp(a)
}

// concentrationGrad is dβ/dα.
func concentrationGrad(a float64) float64 {
	if a > 0 {
		return 1
	}
	return math.Exp(a)
}

// logGammaDraw returns log z for z ~ Gamma(a, 1), a > 0 (Marsaglia and Tsang, "A simple method
// for generating gamma variables", ACM TOMS 2000; for a < 1 it draws Gamma(a+1)·U^(1/a), in
// log space).
func logGammaDraw(rng *rand.Rand, a float64) float64 {
	var boost float64
	if a < 1 {
		boost = math.Log(openUniform(rng)) / a
		a++
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := openUniform(rng)
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return math.Log(d*v) + boost
		}
	}
}

// gammaDLogZ is d log z/dβ for z ~ Gamma(β, 1) held at its CDF value, given log z:
// −(∂F/∂β)(z; β) / (z·p(z; β)).
func gammaDLogZ(logz, b float64) float64 {
	z := math.Exp(logz)
	if z < 1e-12 {
		// F(z; β) = z^β/Γ(β+1)·(1 + O(z)): log F fixed gives this to O(z).
		return (mathext.Digamma(b+1) - logz) / b
	}
	var dF float64
	if z < b {
		dF = derivB(func(bb float64) float64 { return mathext.GammaIncReg(bb, z) }, b)
	} else {
		dF = -derivB(func(bb float64) float64 { return mathext.GammaIncRegComp(bb, z) }, b)
	}
	lg, _ := math.Lgamma(b)
	zp := math.Exp(b*logz - z - lg) // z·p(z; β)
	return -dF / zp
}

// derivB is a fourth-order central difference of f at b with step 1e-3·b (b > 0, so every
// evaluation point stays positive).
func derivB(f func(float64) float64, b float64) float64 {
	h := 1e-3 * b
	return (-f(b+2*h) + 8*f(b+h) - 8*f(b-h) + f(b-2*h)) / (12 * h)
}
