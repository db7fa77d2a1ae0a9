package nn

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
)

// The noise operation is a pure function of its key: the same key gives the same standard
// Gaussian values, another key other values; stride 2 subsamples the shape; x gets a zero
// gradient.
func TestNoiseIsAFunctionOfItsKey(t *testing.T) {
	b := backendtest.New(t)
	ex := graph.MustNewExec(b, func(key, x *graph.Node) []*graph.Node {
		n1 := Noise(key, x, 1)
		n2 := Noise(key, x, 2)
		gx := graph.Gradient(graph.Add(graph.ReduceAllSum(n1), graph.ReduceAllSum(graph.Mul(x, graph.ScalarZero(x.Graph(), x.DType())))), x)[0]
		return []*graph.Node{n1, n2, gx}
	})
	x := tensors.FromShape(shapeOf(4, 7, 7, 8))
	key := func(a, b, c uint64) *tensors.Tensor { return tensors.FromFlatDataAndDimensions([]uint64{a, b, c}, 3) }
	r1, err := ex.Exec(key(1, 2, 3), x)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := ex.Exec(key(1, 2, 3), x)
	r3, _ := ex.Exec(key(1, 2, 4), x)
	if got := r1[1].Shape().Dimensions; got[1] != 4 || got[2] != 4 || got[0] != 4 || got[3] != 8 {
		t.Errorf("stride-2 noise shape %v, want [4 4 4 8]", got)
	}
	a := tensors.MustCopyFlatData[float32](r1[0])
	same := tensors.MustCopyFlatData[float32](r2[0])
	other := tensors.MustCopyFlatData[float32](r3[0])
	var mean, sq float64
	differ := 0
	for i, v := range a {
		if v != same[i] {
			t.Fatalf("same key, value %d: %v then %v", i, v, same[i])
		}
		if v != other[i] {
			differ++
		}
		mean += float64(v)
		sq += float64(v) * float64(v)
	}
	n := float64(len(a))
	mean /= n
	std := math.Sqrt(sq/n - mean*mean)
	// 1568 draws: the mean's standard error is 0.025.
	if math.Abs(mean) > 0.1 || math.Abs(std-1) > 0.1 {
		t.Errorf("noise mean %.3f std %.3f, want about 0 and 1", mean, std)
	}
	if differ < len(a)*9/10 {
		t.Errorf("another key changed only %d of %d values", differ, len(a))
	}
	for i, g := range tensors.MustCopyFlatData[float32](r1[2]) {
		if g != 0 {
			t.Fatalf("gradient of x [%d] = %v, want 0", i, g)
		}
	}
	if _, err := OpLayer("noise", 4, 1, false, 0); err == nil {
		t.Error("OpLayer(noise) gave no error")
	}
}

func shapeOf(dims ...int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }

// Dropout zeroes about rate of the elements and scales the others by 1/(1−rate), the same mask
// for the same key; rate 0 is the identity.
func TestDropout(t *testing.T) {
	b := backendtest.New(t)
	ex := graph.MustNewExec(b, func(key, y, rate *graph.Node) *graph.Node { return Dropout(key, y, rate) })
	n := 2000
	ys := make([]float32, n)
	for i := range ys {
		ys[i] = float32(i%7) + 1
	}
	y := tensors.FromFlatDataAndDimensions(ys, n)
	key := tensors.FromFlatDataAndDimensions([]uint64{5, 6, 7}, 3)
	out := func(rate float32) []float32 {
		r, err := ex.Exec(key, y, tensors.FromScalar(rate))
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](r[0])
	}
	for i, v := range out(0) {
		if v != ys[i] {
			t.Fatalf("rate 0: element %d is %v, want %v", i, v, ys[i])
		}
	}
	a, again := out(0.3), out(0.3)
	zeros := 0
	for i, v := range a {
		if v != again[i] {
			t.Fatal("same key, different mask")
		}
		switch {
		case v == 0:
			zeros++
		case math.Abs(float64(v)-float64(ys[i])/0.7) > 1e-5:
			t.Fatalf("kept element %d: %v, want %v", i, v, ys[i]/0.7)
		}
	}
	// 2000 draws at 0.3: standard deviation 20.5.
	if zeros < 520 || zeros > 680 {
		t.Errorf("rate 0.3 zeroed %d of %d", zeros, n)
	}
}
