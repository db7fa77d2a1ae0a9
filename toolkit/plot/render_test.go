package plot

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// dartsOpNames returns the DARTS candidate operations, in the order DARTS
// stores α.
func dartsOpNames() []string {
	return []string{"none", "max_pool_3x3", "avg_pool_3x3", "skip_connect",
		"sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"}
}

// syntheticSearch returns softmax weights weights[t][edge][op] of a made-up
// search of the given length over the 14 DARTS edges, drifting toward skip
// connections as DARTS does.
func syntheticSearch(steps int, seed uint64) [][][]float64 {
	dartsOps := dartsOpNames()
	rng := rand.New(rand.NewPCG(seed, 1))
	drift := make([][]float64, 14)
	for e := range drift {
		drift[e] = make([]float64, len(dartsOps))
		for o := range drift[e] {
			drift[e][o] = rng.NormFloat64() * 0.6
		}
		drift[e][3] += 0.8 // skip_connect grows
		drift[e][0] += 0.5 // and none
	}
	out := make([][][]float64, steps)
	for t := range out {
		frac := float64(t) / float64(max(steps-1, 1))
		out[t] = make([][]float64, 14)
		for e := range out[t] {
			logits := make([]float64, len(dartsOps))
			for o := range logits {
				logits[o] = drift[e][o]*frac*3 + rng.NormFloat64()*0.03
			}
			out[t][e] = Softmax(logits)
		}
	}
	return out
}

// renderAll builds one of each plot on realistic data; the render test and
// the SVG validity tests share it.
func renderAll(t testing.TB) map[string]string {
	t.Helper()
	dartsOps := dartsOpNames()
	out := map[string]string{}
	must := func(name string, s string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	edges := CellEdgeLabels(2, 4)
	ws := syntheticSearch(50, 7)
	last := ws[len(ws)-1]
	reduce := syntheticSearch(50, 8)[49]
	s, err := Heatmap("α after 50 epochs (normal cell)", edges, dartsOps, last, HeatmapOptions{ColorbarLabel: "softmax(α)"})
	must("heatmap", s, err)
	s, err = HeatmapPair("DARTS α, epoch 50", edges, dartsOps, last, reduce, HeatmapOptions{ExcludeFromArgmax: []string{"none"}})
	must("heatmap_pair", s, err)

	epochs := make([]float64, 50)
	train, valid, tacc, vacc, lr, ent := make([]float64, 50), make([]float64, 50), make([]float64, 50), make([]float64, 50), make([]float64, 50), make([]float64, 50)
	for i := range epochs {
		e := float64(i + 1)
		epochs[i] = e
		train[i] = 2.2*math.Exp(-e/12) + 0.15 + 0.02*math.Sin(e)
		valid[i] = 2.2*math.Exp(-e/14) + 0.35 + 0.03*math.Cos(e*1.3)
		tacc[i] = 1 - train[i]/2.6
		vacc[i] = 1 - valid[i]/2.6
		lr[i] = 0.001 + 0.5*(0.025-0.001)*(1+math.Cos(math.Pi*float64(i)/50))
		ent[i] = MeanEntropy(ws[i])
	}
	s, err = Lines("Search loss", []Series{
		{Name: "train", X: epochs, Y: train},
		{Name: "valid", X: epochs, Y: valid, Dashed: true},
	}, LineOptions{XLabel: "epoch", YLabel: "cross-entropy"})
	must("loss", s, err)
	s, err = Lines("Accuracy", []Series{
		{Name: "train", X: epochs, Y: tacc},
		{Name: "valid", X: epochs, Y: vacc, Dashed: true},
	}, LineOptions{XLabel: "epoch", YLabel: "accuracy", Width: 390, Height: 280, Markers: true})
	must("accuracy", s, err)
	s, err = Lines("Learning rate", []Series{{Name: "w (SGD, cosine)", X: epochs, Y: lr}},
		LineOptions{XLabel: "epoch", LogY: true, Width: 390, Height: 280})
	must("lr", s, err)
	s, err = Lines("Mean entropy of softmax(α)", []Series{{Name: "normal", X: epochs, Y: ent}},
		LineOptions{XLabel: "epoch", YLabel: "nats", RefLines: []RefLine{{Y: math.Log(8), Label: "uniform: log 8"}}})
	must("entropy", s, err)

	steps := make([]float64, 50)
	for i := range steps {
		steps[i] = float64(i + 1)
	}
	s, err = AlphaTrajectories("softmax(α) per edge, normal cell", steps, dartsOps, edges, ws, TrajectoryOptions{XLabel: "epoch"})
	must("trajectories", s, err)

	skips := make([]float64, 50)
	for i := range skips {
		skips[i] = math.Min(8, math.Floor(float64(i)/7))
	}
	s, err = Bars("Skip connections in the derived normal cell", epochs, skips, BarOptions{
		XLabel: "epoch", YLabel: "count", Color: OpColor("skip_connect"),
		RefLines: []RefLine{{Y: 2, Label: "DARTS+ stops at 2", Color: "#e15759"}}})
	must("skips", s, err)

	// 16 images 28×28×1 (normalized, mean 0) and 8 images 32×32×3 (0..255).
	const n, h, w = 16, 28, 28
	gray := make([]float32, n*h*w)
	for i := range n {
		for y := range h {
			for x := range w {
				dx, dy := float64(x-14), float64(y-14)
				r := math.Hypot(dx, dy)
				gray[(i*h+y)*w+x] = float32(math.Cos(r/float64(2+i%5))) - 0.3
			}
		}
	}
	caps := []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
		"Bag", "Ankle boot", "a very long caption indeed", "<b>&amp;</b>", "", "9", "10", "11"}
	out["images_gray"] = ImageGrid(gray, n, h, w, 1, caps, 8)
	rgb := make([]float32, 8*32*32*3)
	for i := range 8 {
		for y := range 32 {
			for x := range 32 {
				o := ((i*32+y)*32 + x) * 3
				rgb[o] = float32(x * 8)
				rgb[o+1] = float32(y * 8)
				rgb[o+2] = float32(i * 32)
			}
		}
	}
	out["images_rgb"] = ImageGrid(rgb, 8, 32, 32, 3, []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse"}, 4)
	nb201 := []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}
	nbEdges := CellEdgeLabels(1, 3)
	nbw := make([][][]float64, 30)
	for t := range nbw {
		nbw[t] = make([][]float64, 6)
		for e := range nbw[t] {
			nbw[t][e] = Softmax([]float64{0, float64(t) * 0.05 * float64(e%3), float64(t) * 0.03, float64(t) * 0.04 * float64(e%2), 0})
		}
	}
	last201 := nbw[29]
	last201[2][1] = math.NaN()
	s, err = Heatmap("NAS-Bench-201 α (one NaN)", nbEdges, nb201, last201, HeatmapOptions{Range: [2]float64{0, 1}})
	must("heatmap_nb201", s, err)
	s, err = Heatmap("short labels", []string{"a", "b", "c"}, []string{"x", "y", "z"}, [][]float64{{1, 2, 3}, {3, 2, 1}, {2, 3, 1}}, HeatmapOptions{ColorbarLabel: "count", Decimals: 1})
	must("heatmap_short", s, err)
	s, err = AlphaTrajectories("NAS-Bench-201 softmax(α)", nil, nb201, nbEdges, nbw, TrajectoryOptions{XLabel: "epoch"})
	must("trajectories_nb201", s, err)
	s, err = Lines("Empty", nil, LineOptions{})
	must("empty", s, err)
	s, err = Lines("Clipped, steps", []Series{{Name: "a", Y: []float64{0.2, 1.5, 0.4, -0.3, 0.6, math.NaN(), 0.7, 0.8}}, {Name: "sep_conv_3x3", Y: []float64{0.1, 0.2, 0.3}}},
		LineOptions{YRange: [2]float64{0, 1}, Step: true, Width: 390, Height: 260})
	must("lines_clip", s, err)
	s, err = Bars("Labeled bars", nil, []float64{3, -1, 2.5}, BarOptions{Labels: []string{"DARTS", "PC-DARTS", "β-DARTS"}, Values: true, Width: 390, Height: 260})
	must("bars_labels", s, err)
	checker := make([]float32, 2*8*8)
	for i := range checker {
		p := i % 64
		if (p/8+p%8)%2 == 0 {
			checker[i] = 1
		}
	}
	out["images_checker"] = ImageGrid(checker, 2, 8, 8, 1, []string{"checker", "board"}, 0)
	return out
}

// TestRenderFiles writes every plot to $PLOT_OUT (skipped when unset) for a
// visual check, e.g. with rsvg-convert.
func TestRenderFiles(t *testing.T) {
	dir := os.Getenv("PLOT_OUT")
	if dir == "" {
		t.Skip("set PLOT_OUT to a directory to write the plots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	all := renderAll(t)
	for name, s := range all {
		if err := os.WriteFile(filepath.Join(dir, name+".svg"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	page := "<!doctype html><meta charset=\"utf-8\"><body style=\"width:800px\">" +
		Page(all["accuracy"], all["lr"]) + Grid(2, all["loss"], all["skips"]) + "</body>"
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkAlphaTrajectories measures a long search (2,000 snapshots of 14
// edges × 8 operations), the largest plot a notebook redraws live.
func BenchmarkAlphaTrajectories(b *testing.B) {
	ws := syntheticSearch(2000, 1)
	edges := CellEdgeLabels(2, 4)
	ops := dartsOpNames()
	for b.Loop() {
		s, err := AlphaTrajectories("α", nil, ops, edges, ws, TrajectoryOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(s)))
	}
}
