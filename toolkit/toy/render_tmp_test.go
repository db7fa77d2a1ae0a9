package toy_test

import (
	"os"
	"testing"

	"github.com/dartboard-nas/dartboard/toolkit/plot"
	"github.com/dartboard-nas/dartboard/toolkit/toy"
)

func TestRenderTmp(t *testing.T) {
	p := toy.MustNew(toy.DefaultConfig())
	var xs []float64
	for i := 0; i <= 48; i++ {
		xs = append(xs, -3+6*float64(i)/48)
	}
	z, _ := p.Landscape(softmax, []float64{0, 0, 0}, 0, 1, xs, xs, nil)
	path, _ := p.Search(softmax, toy.SearchConfig{Order: 1, Steps: 300, ArchLR: 1, WeightLR: 0.05, W0: p.RandomWeights(3, 1)})
	ex, _ := p.Search(softmax, toy.SearchConfig{Order: 0, Steps: 300, ArchLR: 1})
	var px, py, ex1, ey []float64
	for _, a := range path.Alpha {
		px, py = append(px, a[0]-a[2]), append(py, a[1]-a[2])
	}
	for _, a := range ex.Alpha {
		ex1, ey = append(ex1, a[0]-a[2]), append(ey, a[1]-a[2])
	}
	var arrows []plot.Arrow
	for _, a := range toy.ArrowPoints() {
		g, _ := p.Exact(softmax, a)
		arrows = append(arrows, plot.Arrow{X: a[0], Y: a[1], DX: -g.Alpha[0], DY: -g.Alpha[1], Name: "exact"})
	}
	svg, err := plot.Contour("f(α)", xs, xs, z, plot.ContourOptions{XLabel: "α_skip", YLabel: "α_conv", Quantiles: true, ColorbarLabel: "loss",
		Paths: []plot.Path{{Name: "first order", X: px, Y: py}, {Name: "exact", X: ex1, Y: ey, Dashed: true}}, Arrows: arrows})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/contour.svg", []byte(svg), 0o644)
	ops := [][]string{}
	ws := [][]float64{}
	for e := 0; e < 5; e++ {
		ops = append(ops, []string{"none", "skip_connect", "sep_conv_3x3"})
		ws = append(ws, []float64{0.2, 0.5 - 0.1*float64(e), 0.3 + 0.1*float64(e)})
	}
	svg, err = plot.MixedCell("cell", 2, 2, ops, ws, plot.MixedCellOptions{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/cell.svg", []byte(svg), 0o644)
}
