package plot

import (
	"math"
	"strings"
	"testing"
)

// TestMarchingSquaresLevels checks that every contour segment of z = x² + 2y² lies on its
// level (up to the linear interpolation's error) and that the saddle z = x·y gives the two
// branches of the hyperbola, not segments through the saddle's other side.
func TestMarchingSquaresLevels(t *testing.T) {
	grid := func(n int, f func(x, y float64) float64) ([]float64, [][]float64) {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = -1 + 2*float64(i)/float64(n-1)
		}
		z := make([][]float64, n)
		for r := range z {
			z[r] = make([]float64, n)
			for c := range z[r] {
				z[r][c] = f(xs[c], xs[r])
			}
		}
		return xs, z
	}
	xs, z := grid(41, func(x, y float64) float64 { return x*x + 2*y*y })
	segs := marchingSquares(xs, xs, z, 0.5)
	if len(segs) < 20 {
		t.Fatalf("%d segments for an ellipse", len(segs))
	}
	for _, s := range segs {
		for _, p := range [][2]float64{{s[0], s[1]}, {s[2], s[3]}} {
			if v := p[0]*p[0] + 2*p[1]*p[1]; math.Abs(v-0.5) > 0.01 {
				t.Fatalf("segment point %v has value %.4f, level 0.5", p, v)
			}
		}
	}
	xs, z = grid(6, func(x, y float64) float64 { return x * y })
	for _, s := range marchingSquares(xs, xs, z, 0.1) {
		// Both ends of every segment lie in the same quadrant (x·y > 0 there).
		if s[0]*s[2] < 0 || s[1]*s[3] < 0 {
			t.Fatalf("saddle segment %v crosses an axis", s)
		}
	}
}

func TestContour(t *testing.T) {
	xs := []float64{0, 1, 2}
	z := [][]float64{{0, 1, 2}, {1, 2, 3}}
	svg, err := Contour("t", xs, []float64{0, 1}, z, ContourOptions{
		Paths:  []Path{{Name: "p", X: []float64{0, 2}, Y: []float64{0, 1}}},
		Arrows: []Arrow{{X: 1, Y: 0.5, DX: 0.5, DY: 0.2, Name: "g"}, {X: 0, Y: 0, DX: 1, DY: 0, Name: "g"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for class, want := range map[string]int{"path": 1, "arrow": 2, "legend-item": 2, "contour": 0} {
		if n := strings.Count(svg, `class="`+class+`"`); (want > 0 && n != want) || (want == 0 && n == 0) {
			t.Errorf("%d elements of class %q", n, class)
		}
	}
	for _, bad := range []struct {
		xs, ys []float64
		z      [][]float64
	}{
		{xs, []float64{0, 1}, [][]float64{{0, 1}}},
		{[]float64{0, 0, 1}, []float64{0, 1}, z},
		{xs, []float64{0, 1}, [][]float64{{0, 1, 2}, {1, 2}}},
	} {
		if _, err := Contour("", bad.xs, bad.ys, bad.z, ContourOptions{}); err == nil {
			t.Errorf("Contour(%v, %v, %v): no error", bad.xs, bad.ys, bad.z)
		}
	}
	if _, err := Contour("", nil, nil, nil, ContourOptions{}); err == nil {
		t.Error("Contour without values or ranges: no error")
	}
	if _, err := Contour("", nil, nil, nil, ContourOptions{XRange: [2]float64{0, 1}, YRange: [2]float64{0, 1},
		Paths: []Path{{X: []float64{0.1, 0.5}, Y: []float64{0.2, 0.3}, NoLine: true}}}); err != nil {
		t.Errorf("scatter without a grid: %v", err)
	}
}

func TestMixedCell(t *testing.T) {
	ops := [][]string{{"none", "skip_connect"}, {"none", "skip_connect"}}
	svg, err := MixedCell("c", 2, 1, ops, [][]float64{{0.25, 0.75}, {0, 1}}, MixedCellOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Three drawn operations (the weight-0 one is not drawn), the widths ∝ weight.
	if n := strings.Count(svg, `class="op"`); n != 3 {
		t.Errorf("%d operations drawn, want 3", n)
	}
	if !strings.Contains(svg, `stroke-width="7.5"`) || !strings.Contains(svg, `stroke-width="2.5"`) {
		t.Error("stroke widths are not 10 × weight")
	}
	if _, err := MixedCell("c", 2, 2, ops, [][]float64{{0.25, 0.75}, {0, 1}}, MixedCellOptions{}); err == nil {
		t.Error("2 edges for a 5-edge cell: no error")
	}
}

// TestContourAndCellParse checks that the new plots are well-formed SVG of notebook width.
func TestContourAndCellParse(t *testing.T) {
	xs := []float64{-1, 0, 1, 2}
	z := [][]float64{{1, 2, 3, 4}, {2, math.NaN(), 4, 5}, {3, 4, 5, 6}}
	c, err := Contour(`a <title> & "quotes"`, xs, []float64{0, 1, 2}, z, ContourOptions{
		Quantiles: true, XLabel: "α_skip", YLabel: "α_conv", ColorbarLabel: "loss",
		Paths:  []Path{{Name: "p<1>", X: []float64{-1, 5}, Y: []float64{0, 3}}, {Name: "s", X: []float64{0}, Y: []float64{1}, NoLine: true}},
		Arrows: []Arrow{{X: 0, Y: 1, DX: 10, DY: 0, Name: "clipped"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cell, err := MixedCell("cell & <ops>", 2, 4, repeatOps(14), uniformWeights(14), MixedCellOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"contour": c, "mixed cell": cell} {
		info := checkSVG(t, s)
		if info.width > 820 {
			t.Errorf("%s: width %v exceeds notebook width", name, info.width)
		}
	}
}

func repeatOps(n int) [][]string {
	out := make([][]string, n)
	for i := range out {
		out[i] = dartsOpNames()
	}
	return out
}

func uniformWeights(n int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = Softmax(make([]float64, 8))
	}
	return out
}
