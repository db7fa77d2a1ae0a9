package plot_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/dartboard-nas/dartboard/toolkit/plot"
)

// count returns how many elements of s carry the class.
func count(s, class string) int {
	return strings.Count(s, `class="`+class+`"`)
}

func ExampleHeatmap() {
	ops := []string{"none", "skip_connect", "sep_conv_3x3"}
	edges := []string{"0→2", "1→2"}
	alpha := [][]float64{
		plot.Softmax([]float64{0.1, 0.9, 0.3}),
		plot.Softmax([]float64{0.8, 0.1, 0.2}),
	}
	svg, err := plot.Heatmap("α, normal cell", edges, ops, alpha, plot.HeatmapOptions{
		ExcludeFromArgmax: []string{"none"}, // as DARTS derives operations
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(svg, "<svg"), count(svg, "cell"), count(svg, "argmax"))
	fmt.Println(strings.Contains(svg, ">0.50<")) // skip_connect on edge 0→2
	// Output:
	// true 6 2
	// true
}

func ExampleHeatmapPair() {
	edges := plot.CellEdgeLabels(2, 4)
	ops := []string{"none", "max_pool_3x3", "avg_pool_3x3", "skip_connect",
		"sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"}
	uniform := make([][]float64, len(edges))
	for i := range uniform {
		uniform[i] = plot.Softmax(make([]float64, len(ops)))
	}
	svg, _ := plot.HeatmapPair("DARTS α at initialization", edges, ops, uniform, uniform, plot.HeatmapOptions{})
	fmt.Println(count(svg, "panel"), count(svg, "cell"))
	// Output: 2 224
}

func ExampleLines() {
	epochs := []float64{1, 2, 3, 4, 5}
	svg, err := plot.Lines("Search loss", []plot.Series{
		{Name: "train", X: epochs, Y: []float64{2.1, 1.6, 1.3, 1.1, 1.0}},
		{Name: "valid", X: epochs, Y: []float64{2.2, 1.8, 1.6, math.NaN(), 1.5}, Dashed: true},
	}, plot.LineOptions{XLabel: "epoch", YLabel: "cross-entropy"})
	if err != nil {
		panic(err)
	}
	fmt.Println(count(svg, "series"), count(svg, "legend-item"))
	// Output: 2 2
}

func ExampleLines_empty() {
	// Before the first step there is nothing to draw: no error, a message.
	svg, err := plot.Lines("Search loss", nil, plot.LineOptions{})
	fmt.Println(err, strings.Contains(svg, "no data"))
	// Output: <nil> true
}

func ExampleAlphaTrajectories() {
	ops := []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}
	edges := plot.CellEdgeLabels(1, 3) // the 6 edges of a NAS-Bench-201 cell
	steps := []float64{0, 100, 200}
	logits := make([][][]float64, len(steps))
	for t := range steps {
		logits[t] = make([][]float64, len(edges))
		for e := range edges {
			logits[t][e] = []float64{0, float64(t) * 0.5, 0, float64(e) * 0.1, 0}
		}
	}
	svg, err := plot.AlphaTrajectories("softmax(α)", steps, ops, edges, logits,
		plot.TrajectoryOptions{Softmax: true, XLabel: "step"})
	if err != nil {
		panic(err)
	}
	fmt.Println(count(svg, "panel"), count(svg, "series"), count(svg, "legend-item"))
	// Output: 6 30 5
}

func ExampleBars() {
	epochs := []float64{1, 2, 3, 4, 5, 6}
	skips := []float64{0, 1, 1, 2, 3, 3}
	svg, err := plot.Bars("Skip connections in the normal cell", epochs, skips, plot.BarOptions{
		XLabel: "epoch", Color: plot.OpColor("skip_connect"),
		RefLines: []plot.RefLine{{Y: 2, Label: "early stop"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(count(svg, "bar"), strings.Contains(svg, plot.OpColor("skip_connect")))
	// Output: 6 true
}

func ExampleImageGrid() {
	// Two 2×2 grey images, normalized around zero.
	images := []float32{-1, 0, 0, 1, 0.5, -0.5, -0.5, 0.5}
	svg := plot.ImageGrid(images, 2, 2, 2, 1, []string{"zero", "one"}, 2)
	fmt.Println(count(svg, "image"), count(svg, "caption"), strings.Count(svg, "data:image/png;base64,"))
	// Output: 2 2 2
}

func ExampleSoftmax() {
	w := plot.Softmax([]float64{0, 0, math.Log(2)})
	fmt.Printf("%.2f\n", w)
	// Output: [0.25 0.25 0.50]
}

func ExampleEntropy() {
	weights := [][]float64{
		{0.25, 0.25, 0.25, 0.25}, // undecided edge: log 4
		{1, 0, 0, 0},             // decided edge
	}
	fmt.Printf("%.4f %.4f\n", plot.Entropy(weights), math.Log(4))
	fmt.Printf("%.4f\n", plot.MeanEntropy(weights))
	// Output:
	// [1.3863 0.0000] 1.3863
	// 0.6931
}

func ExampleCellEdgeLabels() {
	edges := plot.CellEdgeLabels(2, 4)
	fmt.Println(len(edges), edges[:5])
	// Output: 14 [0→2 1→2 0→3 1→3 2→3]
}

func ExampleOpColor() {
	fmt.Println(plot.OpColor("skip_connect"), plot.OpColor("sep_conv_3x3"), plot.OpColor("none"))
	// Other names get a color derived from the name: another call gives the same one.
	c := plot.OpColor("my_op")
	fmt.Println(len(c), c[0] == '#', c == plot.OpColor("my"+"_op"))
	// Output:
	// #f28e2b #4e79a7 #a0a0a0
	// 7 true true
}

func ExamplePage() {
	loss, _ := plot.Lines("loss", []plot.Series{{Name: "train", Y: []float64{2, 1}}}, plot.LineOptions{Width: 390})
	skips, _ := plot.Bars("skips", nil, []float64{0, 1}, plot.BarOptions{Width: 390})
	html := plot.Page(loss, skips) // gonbui.DisplayHTML(html) in a notebook
	fmt.Println(strings.Count(html, "<svg"), strings.Contains(html, "display:flex"))
	// Output: 2 true
}

func ExampleContour() {
	// f(x, y) = x² + y² on a 21×21 grid, with a gradient-descent path and one gradient arrow.
	xs := make([]float64, 21)
	for i := range xs {
		xs[i] = -1 + 0.1*float64(i)
	}
	z := make([][]float64, len(xs))
	for r, y := range xs {
		z[r] = make([]float64, len(xs))
		for c, x := range xs {
			z[r][c] = x*x + y*y
		}
	}
	px, py := []float64{0.8}, []float64{-0.6}
	for range 10 {
		x, y := px[len(px)-1], py[len(py)-1]
		px, py = append(px, x-0.2*2*x), append(py, y-0.2*2*y)
	}
	svg, err := plot.Contour("x² + y²", xs, xs, z, plot.ContourOptions{
		XLabel: "x", YLabel: "y", ColorbarLabel: "f",
		Paths:  []plot.Path{{Name: "gradient descent", X: px, Y: py}},
		Arrows: []plot.Arrow{{X: 0.8, Y: -0.6, DX: -0.32, DY: 0.24, Name: "−0.2 ∇f"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(count(svg, "path"), count(svg, "arrow"), count(svg, "contour") > 0)
	// Output: 1 1 true
}

func ExampleMixedCell() {
	// A 2-input, 2-node cell (5 edges) with three candidate operations per edge.
	ops := make([][]string, 5)
	weights := make([][]float64, 5)
	for e := range ops {
		ops[e] = []string{"none", "skip_connect", "sep_conv_3x3"}
		weights[e] = plot.Softmax([]float64{0, float64(e) / 4, 1 - float64(e)/4})
	}
	svg, err := plot.MixedCell("supernet cell", 2, 2, ops, weights, plot.MixedCellOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(count(svg, "op"), count(svg, "node"), count(svg, "legend-item"))
	// Output: 15 5 3
}
