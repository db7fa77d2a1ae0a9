package toy

import (
	"fmt"
	"math"
	"slices"
)

// mat is a dense row-major matrix.
type mat struct {
	r, c int
	v    []float64
}

func newMat(r, c int) mat { return mat{r: r, c: c, v: make([]float64, r*c)} }

func (a mat) at(i, j int) float64 { return a.v[i*a.c+j] }

func (a mat) clone() mat { return mat{r: a.r, c: a.c, v: append([]float64(nil), a.v...)} }

// identity returns the d×d identity.
func identity(d int) mat {
	m := newMat(d, d)
	for i := range d {
		m.v[i*d+i] = 1
	}
	return m
}

// mul returns a·b.
func mul(a, b mat) mat {
	out := newMat(a.r, b.c)
	for i := range a.r {
		for k := range a.c {
			aik := a.v[i*a.c+k]
			if aik == 0 {
				continue
			}
			for j := range b.c {
				out.v[i*b.c+j] += aik * b.v[k*b.c+j]
			}
		}
	}
	return out
}

// mulT returns a·bᵀ.
func mulT(a, b mat) mat {
	out := newMat(a.r, b.r)
	for i := range a.r {
		for j := range b.r {
			var s float64
			for k := range a.c {
				s += a.v[i*a.c+k] * b.v[j*b.c+k]
			}
			out.v[i*b.r+j] = s
		}
	}
	return out
}

// axpy returns a + s·b.
func axpy(a mat, s float64, b mat) mat {
	out := a.clone()
	for i := range out.v {
		out.v[i] += s * b.v[i]
	}
	return out
}

// scaled returns s·a.
func scaled(a mat, s float64) mat {
	out := a.clone()
	for i := range out.v {
		out.v[i] *= s
	}
	return out
}

// dot returns the Frobenius inner product ⟨a, b⟩.
func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// norm returns the Euclidean norm of v.
func norm(v []float64) float64 { return math.Sqrt(dot(v, v)) }

// cholesky factors the symmetric positive definite a as L·Lᵀ and returns L.
func cholesky(a mat) (mat, error) {
	n := a.r
	l := newMat(n, n)
	for j := range n {
		s := a.at(j, j)
		for k := range j {
			s -= l.at(j, k) * l.at(j, k)
		}
		if !(s > 0) {
			return mat{}, fmt.Errorf("toy: matrix not positive definite (pivot %d is %g)", j, s)
		}
		d := math.Sqrt(s)
		l.v[j*n+j] = d
		for i := j + 1; i < n; i++ {
			s := a.at(i, j)
			for k := range j {
				s -= l.at(i, k) * l.at(j, k)
			}
			l.v[i*n+j] = s / d
		}
	}
	return l, nil
}

// solveRight returns g·a⁻¹ for a symmetric positive definite a given by its Cholesky factor
// l: each row x of the result solves a·xᵀ = (row of g)ᵀ.
func solveRight(g, l mat) mat {
	n := l.r
	out := newMat(g.r, g.c)
	y := make([]float64, n)
	for row := range g.r {
		b := g.v[row*g.c : (row+1)*g.c]
		for i := range n { // L y = b
			s := b[i]
			for k := range i {
				s -= l.at(i, k) * y[k]
			}
			y[i] = s / l.at(i, i)
		}
		x := out.v[row*n : (row+1)*n]
		for i := n - 1; i >= 0; i-- { // Lᵀ x = y
			s := y[i]
			for k := i + 1; k < n; k++ {
				s -= l.at(k, i) * x[k]
			}
			x[i] = s / l.at(i, i)
		}
	}
	return out
}

// symmetricEigenvalues returns the eigenvalues of the symmetric matrix a in increasing order
// (cyclic Jacobi rotations).
func symmetricEigenvalues(a mat) []float64 {
	n := a.r
	b := a.clone()
	for range 100 {
		off := 0.0
		for i := range n {
			for j := i + 1; j < n; j++ {
				off += b.at(i, j) * b.at(i, j)
			}
		}
		if off < 1e-30 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				apq := b.at(p, q)
				if apq == 0 {
					continue
				}
				theta := (b.at(q, q) - b.at(p, p)) / (2 * apq)
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n { // columns p, q
					bkp, bkq := b.at(k, p), b.at(k, q)
					b.v[k*n+p], b.v[k*n+q] = c*bkp-s*bkq, s*bkp+c*bkq
				}
				for k := range n { // rows p, q
					bpk, bqk := b.at(p, k), b.at(q, k)
					b.v[p*n+k], b.v[q*n+k] = c*bpk-s*bqk, s*bpk+c*bqk
				}
			}
		}
	}
	ev := make([]float64, n)
	for i := range n {
		ev[i] = b.at(i, i)
	}
	slices.Sort(ev)
	return ev
}
