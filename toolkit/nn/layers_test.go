package nn

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/dartboard-nas/dartboard/toolkit/backend"
)

// The max pool written as a maximum of slices gives the values and the gradient of XLA's
// reduce-window max pool, with stride 1 and 2, on odd and even sizes.
func TestMaxPoolMatchesReduceWindow(t *testing.T) {
	b, err := backend.New("")
	if err != nil {
		if backend.IsNotFound(err) && os.Getenv("DARTBOARD_REQUIRE_BACKEND") == "" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	defer b.Finalize()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ h, stride int }{{8, 1}, {8, 2}, {7, 1}, {7, 2}} {
		n := 2 * tc.h * tc.h * 3
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64()) // no ties
		}
		ex := graph.MustNewExec(b, func(x, v *graph.Node) []*graph.Node {
			ours := maxPoolShift(x, 3, tc.stride, 1)
			ref := graph.MaxPool(x).Window(3).Strides(tc.stride).PaddingPerDim([][2]int{{1, 1}, {1, 1}}).Done()
			gOurs := graph.Gradient(graph.ReduceAllSum(graph.Mul(ours, v)), x)[0]
			gRef := graph.Gradient(graph.ReduceAllSum(graph.Mul(ref, v)), x)[0]
			return []*graph.Node{ours, ref, gOurs, gRef}
		})
		out := (tc.h+2-3)/tc.stride + 1
		v := make([]float32, 2*out*out*3)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		res, err := ex.Exec(tensors.FromFlatDataAndDimensions(x, 2, tc.h, tc.h, 3), tensors.FromFlatDataAndDimensions(v, 2, out, out, 3))
		if err != nil {
			t.Fatal(err)
		}
		for k, what := range []string{"values", "gradient"} {
			a, r := tensors.MustCopyFlatData[float32](res[2*k]), tensors.MustCopyFlatData[float32](res[2*k+1])
			if len(a) != len(r) {
				t.Fatalf("h=%d stride=%d %s: %d vs %d values", tc.h, tc.stride, what, len(a), len(r))
			}
			for i := range a {
				if math.Abs(float64(a[i]-r[i])) > 1e-6 {
					t.Fatalf("h=%d stride=%d %s[%d]: %v, reduce-window gives %v", tc.h, tc.stride, what, i, a[i], r[i])
				}
			}
		}
	}
}
