package plot

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"image/png"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// svgInfo is what checkSVG learns from a document.
type svgInfo struct {
	classes map[string]int // elements per class token
	elems   map[string]int // elements per name
	text    string         // all character data, concatenated with spaces
	width   float64
	height  float64
}

// checkSVG parses s as XML and checks the properties every plot must have:
// one <svg> root with width, height and viewBox, no scripts or external
// references, and only finite numbers in geometric attributes.
func checkSVG(t *testing.T, s string) svgInfo {
	t.Helper()
	info := svgInfo{classes: map[string]int{}, elems: map[string]int{}}
	dec := xml.NewDecoder(strings.NewReader(s))
	depth := 0
	var text []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v\n%.400s", err, s)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if el.Name.Local != "svg" {
					t.Fatalf("root element is %q, want svg", el.Name.Local)
				}
				for _, a := range el.Attr {
					switch a.Name.Local {
					case "width":
						info.width, _ = strconv.ParseFloat(a.Value, 64)
					case "height":
						info.height, _ = strconv.ParseFloat(a.Value, 64)
					}
				}
				if !hasAttr(el, "viewBox") || info.width <= 0 || info.height <= 0 {
					t.Errorf("root lacks a positive width/height/viewBox: %v", el.Attr)
				}
			}
			depth++
			info.elems[el.Name.Local]++
			if el.Name.Local == "script" || el.Name.Local == "foreignObject" {
				t.Errorf("found <%s>", el.Name.Local)
			}
			for _, a := range el.Attr {
				if a.Name.Local == "class" {
					for _, c := range strings.Fields(a.Value) {
						info.classes[c]++
					}
				}
				if a.Name.Local == "href" && !strings.HasPrefix(a.Value, "data:image/png;base64,") {
					t.Errorf("external reference %q", a.Value)
				}
				if strings.HasPrefix(a.Name.Local, "on") {
					t.Errorf("event handler attribute %q", a.Name.Local)
				}
				switch a.Name.Local {
				case "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "points", "transform":
					if strings.Contains(a.Value, "NaN") || strings.Contains(a.Value, "Inf") {
						t.Errorf("non-finite %s=%q in <%s>", a.Name.Local, a.Value, el.Name.Local)
					}
				}
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if f := strings.TrimSpace(string(el)); f != "" {
				text = append(text, f)
			}
		}
	}
	if depth != 0 {
		t.Errorf("unbalanced document, depth %d", depth)
	}
	if strings.Contains(s, "@import") || strings.Contains(s, "url(") {
		t.Errorf("SVG references external resources")
	}
	info.text = strings.Join(text, " ")
	return info
}

// hasAttr reports whether el has an attribute with the given local name.
func hasAttr(el xml.StartElement, name string) bool {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return true
		}
	}
	return false
}

// grid returns an r×c matrix with values from f.
func grid(r, c int, f func(i, j int) float64) [][]float64 {
	m := make([][]float64, r)
	for i := range m {
		m[i] = make([]float64, c)
		for j := range m[i] {
			m[i][j] = f(i, j)
		}
	}
	return m
}

// snapshots returns weights[t][e][o] with values from f.
func snapshots(steps, edges, ops int, f func(t, e, o int) float64) [][][]float64 {
	w := make([][][]float64, steps)
	for t := range w {
		w[t] = grid(edges, ops, func(e, o int) float64 { return f(t, e, o) })
	}
	return w
}

func TestPlots(t *testing.T) {
	dartsOps := dartsOpNames()
	nan := math.NaN()
	edges := CellEdgeLabels(2, 4)
	nb201 := []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}
	alpha := grid(14, 8, func(i, j int) float64 { return float64((i*7+j*3)%11) / 10 })
	xs := []float64{1, 2, 3, 4, 5}
	type tc struct {
		name    string
		plot    func() (string, error)
		wantErr bool
		counts  map[string]int // class → number of elements
		text    []string       // substrings of the text content
	}
	cases := []tc{
		{name: "heatmap", plot: func() (string, error) {
			return Heatmap("α", edges, dartsOps, alpha, HeatmapOptions{})
		}, counts: map[string]int{"cell": 112, "argmax": 14, "row-label": 14, "col-label": 8, "colorbar": 1, "panel": 1}},
		{name: "heatmap values printed", plot: func() (string, error) {
			return Heatmap("", []string{"a"}, []string{"x", "y"}, [][]float64{{0.25, 0.75}}, HeatmapOptions{})
		}, counts: map[string]int{"cell": 2, "value": 2, "argmax": 1}, text: []string{"0.25", "0.75"}},
		{name: "heatmap hide values no argmax", plot: func() (string, error) {
			return Heatmap("", []string{"a"}, []string{"x", "y"}, [][]float64{{0.25, 0.75}}, HeatmapOptions{HideValues: true, NoArgmax: true})
		}, counts: map[string]int{"cell": 2, "value": 0, "argmax": 0}},
		{name: "heatmap tiny cells omit values", plot: func() (string, error) {
			return Heatmap("", edges, dartsOps, alpha, HeatmapOptions{MaxWidth: 100, CellHeight: 8})
		}, counts: map[string]int{"cell": 112, "value": 0, "argmax": 14}},
		{name: "heatmap NaN cells", plot: func() (string, error) {
			return Heatmap("", []string{"a", "b"}, []string{"x", "y"}, [][]float64{{nan, 1}, {nan, nan}}, HeatmapOptions{})
		}, counts: map[string]int{"cell": 4, "argmax": 1, "value": 1}},
		{name: "heatmap all NaN", plot: func() (string, error) {
			return Heatmap("", []string{"a"}, []string{"x"}, [][]float64{{nan}}, HeatmapOptions{})
		}, counts: map[string]int{"cell": 1, "argmax": 0}},
		{name: "heatmap exclude none", plot: func() (string, error) {
			return Heatmap("", []string{"a"}, []string{"none", "skip"}, [][]float64{{0.9, 0.1}}, HeatmapOptions{ExcludeFromArgmax: []string{"none"}})
		}, counts: map[string]int{"argmax": 1}},
		{name: "heatmap fixed range", plot: func() (string, error) {
			return Heatmap("", []string{"a"}, []string{"x"}, [][]float64{{5}}, HeatmapOptions{Range: [2]float64{0, 1}})
		}, counts: map[string]int{"cell": 1}},
		{name: "heatmap constant", plot: func() (string, error) {
			return Heatmap("", []string{"a", "b"}, []string{"x"}, [][]float64{{0.5}, {0.5}}, HeatmapOptions{})
		}, counts: map[string]int{"cell": 2, "argmax": 2}},
		{name: "heatmap pair", plot: func() (string, error) {
			return HeatmapPair("cells", edges, dartsOps, alpha, alpha, HeatmapOptions{})
		}, counts: map[string]int{"cell": 224, "argmax": 28, "panel": 2, "panel-title": 2, "colorbar": 1}, text: []string{"normal", "reduce"}},
		{name: "heatmaps nb201", plot: func() (string, error) {
			return Heatmaps("", []HeatmapPanel{{Rows: CellEdgeLabels(1, 3), Cols: nb201, Values: grid(6, 5, func(i, j int) float64 { return float64(i + j) })}}, HeatmapOptions{})
		}, counts: map[string]int{"cell": 30, "argmax": 6}},
		{name: "heatmap empty", plot: func() (string, error) {
			return Heatmap("α", nil, nil, nil, HeatmapOptions{})
		}, counts: map[string]int{"cell": 0, "empty-message": 1}, text: []string{"no data"}},
		{name: "heatmap no panels", plot: func() (string, error) {
			return Heatmaps("", nil, HeatmapOptions{})
		}, counts: map[string]int{"empty-message": 1}},
		{name: "heatmap rows mismatch", wantErr: true, plot: func() (string, error) {
			return Heatmap("", []string{"a", "b"}, []string{"x"}, [][]float64{{1}}, HeatmapOptions{})
		}},
		{name: "heatmap ragged", wantErr: true, plot: func() (string, error) {
			return Heatmap("", []string{"a", "b"}, []string{"x", "y"}, [][]float64{{1, 2}, {1}}, HeatmapOptions{})
		}},
		{name: "heatmap bad range", wantErr: true, plot: func() (string, error) {
			return Heatmap("", []string{"a"}, []string{"x"}, [][]float64{{1}}, HeatmapOptions{Range: [2]float64{1, 0}})
		}},

		{name: "lines", plot: func() (string, error) {
			return Lines("loss", []Series{{Name: "train", X: xs, Y: []float64{5, 4, 3, 2, 1}}, {Name: "valid", X: xs, Y: []float64{6, 5, 4, 3, 2}, Dashed: true}}, LineOptions{XLabel: "epoch", YLabel: "loss"})
		}, counts: map[string]int{"series": 2, "legend-item": 2, "axis-label": 2}, text: []string{"train", "valid", "epoch", "loss"}},
		{name: "lines nil X markers step", plot: func() (string, error) {
			return Lines("", []Series{{Y: []float64{1, 3, 2}}}, LineOptions{Markers: true, Step: true})
		}, counts: map[string]int{"series": 1, "legend-item": 0}},
		{name: "lines NaN gaps", plot: func() (string, error) {
			return Lines("", []Series{{Name: "a", X: xs, Y: []float64{1, nan, 3, 4, nan}}, {Name: "b", Y: []float64{nan, nan}}}, LineOptions{})
		}, counts: map[string]int{"series": 2}},
		{name: "lines log y with zeros", plot: func() (string, error) {
			return Lines("lr", []Series{{Name: "lr", X: xs, Y: []float64{0.1, 0.01, 0, -1, 1e-5}}}, LineOptions{LogY: true})
		}, counts: map[string]int{"series": 1}},
		{name: "lines fixed range clips", plot: func() (string, error) {
			return Lines("", []Series{{Name: "a", X: xs, Y: []float64{-10, 0.5, 20, 0.2, 0.1}}}, LineOptions{YRange: [2]float64{0, 1}, XRange: [2]float64{2, 4}})
		}, counts: map[string]int{"series": 1}},
		{name: "lines reference line", plot: func() (string, error) {
			return Lines("", []Series{{Name: "h", X: xs, Y: xs}}, LineOptions{RefLines: []RefLine{{Y: 10, Label: "max"}, {Y: nan}}})
		}, counts: map[string]int{"series": 1, "refline": 1}, text: []string{"max"}},
		{name: "lines single point", plot: func() (string, error) {
			return Lines("", []Series{{Name: "a", X: []float64{3}, Y: []float64{7}}}, LineOptions{})
		}, counts: map[string]int{"series": 1}},
		{name: "lines op colors", plot: func() (string, error) {
			return Lines("", []Series{{Name: "skip_connect", Y: []float64{1, 2}}}, LineOptions{})
		}, counts: map[string]int{"series": 1}},
		{name: "lines empty", plot: func() (string, error) { return Lines("loss", nil, LineOptions{}) },
			counts: map[string]int{"series": 0, "empty-message": 1}},
		{name: "lines all NaN", plot: func() (string, error) {
			return Lines("", []Series{{Name: "a", Y: []float64{nan, nan}}}, LineOptions{})
		}, counts: map[string]int{"empty-message": 1}},
		{name: "lines length mismatch", wantErr: true, plot: func() (string, error) {
			return Lines("", []Series{{X: xs, Y: []float64{1}}}, LineOptions{})
		}},
		{name: "lines bad log range", wantErr: true, plot: func() (string, error) {
			return Lines("", []Series{{Y: []float64{1}}}, LineOptions{LogY: true, YRange: [2]float64{0, 1}})
		}},

		{name: "trajectories darts", plot: func() (string, error) {
			return AlphaTrajectories("α", nil, dartsOps, edges, snapshots(20, 14, 8, func(t, e, o int) float64 { return float64(t*o+e) / 200 }), TrajectoryOptions{XLabel: "step"})
		}, counts: map[string]int{"panel": 14, "series": 14 * 8, "legend-item": 8, "panel-title": 14}, text: []string{"0→2", "4→5", "sep_conv_3x3"}},
		{name: "trajectories softmax nb201 cols", plot: func() (string, error) {
			return AlphaTrajectories("", []float64{0, 10, 20}, nb201, CellEdgeLabels(1, 3), snapshots(3, 6, 5, func(t, e, o int) float64 { return float64(t * o) }), TrajectoryOptions{Softmax: true, Cols: 2})
		}, counts: map[string]int{"panel": 6, "series": 30, "legend-item": 5}},
		{name: "trajectories NaN", plot: func() (string, error) {
			return AlphaTrajectories("", nil, []string{"a", "b"}, []string{"e"}, [][][]float64{{{nan, 1}}, {{0.5, nan}}}, TrajectoryOptions{})
		}, counts: map[string]int{"panel": 1, "series": 2}},
		{name: "trajectories single step", plot: func() (string, error) {
			return AlphaTrajectories("", []float64{5}, []string{"a"}, []string{"e"}, [][][]float64{{{1}}}, TrajectoryOptions{})
		}, counts: map[string]int{"panel": 1, "series": 1}},
		{name: "trajectories empty", plot: func() (string, error) {
			return AlphaTrajectories("α", nil, dartsOps, edges, nil, TrajectoryOptions{})
		}, counts: map[string]int{"panel": 0, "empty-message": 1}},
		{name: "trajectories steps mismatch", wantErr: true, plot: func() (string, error) {
			return AlphaTrajectories("", []float64{1, 2}, []string{"a"}, []string{"e"}, [][][]float64{{{1}}}, TrajectoryOptions{})
		}},
		{name: "trajectories edges mismatch", wantErr: true, plot: func() (string, error) {
			return AlphaTrajectories("", nil, []string{"a"}, []string{"e", "f"}, [][][]float64{{{1}}}, TrajectoryOptions{})
		}},
		{name: "trajectories ops mismatch", wantErr: true, plot: func() (string, error) {
			return AlphaTrajectories("", nil, []string{"a"}, []string{"e"}, [][][]float64{{{1, 2}}}, TrajectoryOptions{})
		}},

		{name: "bars", plot: func() (string, error) {
			return Bars("skips", []float64{1, 2, 3, 4}, []float64{0, 1, 2, 4}, BarOptions{Values: true, RefLines: []RefLine{{Y: 2, Label: "stop"}}})
		}, counts: map[string]int{"bar": 4, "bar-value": 4, "refline": 1}, text: []string{"skips", "stop"}},
		{name: "bars labels negative", plot: func() (string, error) {
			return Bars("", nil, []float64{-1, 2.5}, BarOptions{Labels: []string{"a", "b"}})
		}, counts: map[string]int{"bar": 2}, text: []string{"a", "b"}},
		{name: "bars NaN", plot: func() (string, error) {
			return Bars("", []float64{1, 2, nan}, []float64{nan, 3, 1}, BarOptions{})
		}, counts: map[string]int{"bar": 1}},
		{name: "bars all zero", plot: func() (string, error) {
			return Bars("", nil, []float64{0, 0}, BarOptions{})
		}, counts: map[string]int{"bar": 2}},
		{name: "bars empty", plot: func() (string, error) { return Bars("skips", nil, nil, BarOptions{}) },
			counts: map[string]int{"bar": 0, "empty-message": 1}},
		{name: "bars mismatch", wantErr: true, plot: func() (string, error) {
			return Bars("", []float64{1}, []float64{1, 2}, BarOptions{})
		}},
		{name: "bars labels mismatch", wantErr: true, plot: func() (string, error) {
			return Bars("", nil, []float64{1, 2}, BarOptions{Labels: []string{"a"}})
		}},

		{name: "images gray", plot: func() (string, error) {
			return ImageGrid(make([]float32, 3*4*5), 3, 4, 5, 1, []string{"a", "b"}, 2), nil
		}, counts: map[string]int{"image": 3, "caption": 2}},
		{name: "images rgb NaN", plot: func() (string, error) {
			px := make([]float32, 2*2*2*3)
			px[0] = float32(nan)
			px[1] = 255
			return ImageGrid(px, 2, 2, 2, 3, nil, 0), nil
		}, counts: map[string]int{"image": 2, "caption": 0}},
		{name: "images empty", plot: func() (string, error) { return ImageGrid(nil, 0, 28, 28, 1, nil, 8), nil },
			counts: map[string]int{"image": 0, "empty-message": 1}},
		{name: "images wrong length", plot: func() (string, error) { return ImageGrid(make([]float32, 5), 1, 2, 2, 1, nil, 8), nil },
			counts: map[string]int{"image": 0, "empty-message": 1}},
		{name: "images bad dims", plot: func() (string, error) { return ImageGrid(nil, 1, 0, 2, 1, nil, 8), nil },
			counts: map[string]int{"image": 0, "empty-message": 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := c.plot()
			if c.wantErr {
				if err == nil {
					t.Fatalf("want an error, got none")
				}
				if s != "" {
					t.Errorf("want an empty string with the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			info := checkSVG(t, s)
			for class, want := range c.counts {
				if got := info.classes[class]; got != want {
					t.Errorf("%d elements of class %q, want %d", got, class, want)
				}
			}
			for _, want := range c.text {
				if !strings.Contains(info.text, want) {
					t.Errorf("text lacks %q", want)
				}
			}
		})
	}
}

// TestEscaping feeds markup and quotes through every text a user controls.
func TestEscaping(t *testing.T) {
	evil := `<script>alert("x")</script> & 'q'`
	plots := map[string]func() (string, error){
		"heatmap": func() (string, error) {
			return Heatmaps(evil, []HeatmapPanel{{Title: evil, Rows: []string{evil}, Cols: []string{evil}, Values: [][]float64{{1}}}}, HeatmapOptions{ColorbarLabel: evil})
		},
		"lines": func() (string, error) {
			return Lines(evil, []Series{{Name: evil, Y: []float64{1, 2}, Color: `red" onload="x`}}, LineOptions{XLabel: evil, YLabel: evil, RefLines: []RefLine{{Y: 1, Label: evil, Color: `"><script>`}}})
		},
		"trajectories": func() (string, error) {
			return AlphaTrajectories(evil, nil, []string{evil}, []string{evil}, [][][]float64{{{1}}, {{2}}}, TrajectoryOptions{XLabel: evil})
		},
		"bars": func() (string, error) {
			return Bars(evil, nil, []float64{1}, BarOptions{XLabel: evil, Labels: []string{evil}, Color: `"/><script>`})
		},
		"images": func() (string, error) { return ImageGrid(make([]float32, 4), 1, 2, 2, 1, []string{evil}, 1), nil },
		"empty":  func() (string, error) { return Lines(evil, nil, LineOptions{}) },
	}
	for name, f := range plots {
		t.Run(name, func(t *testing.T) {
			s, err := f()
			if err != nil {
				t.Fatal(err)
			}
			info := checkSVG(t, s) // fails on <script> elements and on* attributes
			if name != "images" && !strings.Contains(info.text, evil) {
				t.Errorf("the text %q does not survive escaping; text is %q", evil, info.text)
			}
		})
	}
}

// TestLinesStayInside checks that clipped lines never leave the document.
func TestLinesStayInside(t *testing.T) {
	s, err := Lines("", []Series{{Name: "a", X: []float64{0, 1, 2, 3}, Y: []float64{-100, 0.5, 100, 0.5}}},
		LineOptions{YRange: [2]float64{0, 1}, Width: 300, Height: 200})
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`points="([^"]*)"`)
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.Fields(m[1]) {
			xy := strings.Split(p, ",")
			x, _ := strconv.ParseFloat(xy[0], 64)
			y, _ := strconv.ParseFloat(xy[1], 64)
			if x < 0 || x > 300 || y < 0 || y > 200 {
				t.Errorf("point %s lies outside the 300×200 plot", p)
			}
		}
	}
}

// TestImageGridPixels decodes the embedded PNGs and checks the per-image
// min-max rescaling and the magnification.
func TestImageGridPixels(t *testing.T) {
	// Image 0 is normalized (-1..1), image 1 raw (0..255 but only 10..20).
	px := []float32{-1, 0, 0, 1, 10, 15, 15, 20}
	s := ImageGrid(px, 2, 2, 2, 1, nil, 2)
	re := regexp.MustCompile(`data:image/png;base64,([A-Za-z0-9+/=]+)`)
	ms := re.FindAllStringSubmatch(s, -1)
	if len(ms) != 2 {
		t.Fatalf("%d embedded PNGs, want 2", len(ms))
	}
	for i, m := range ms {
		raw, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if b.Dx() != b.Dy() || b.Dx()%2 != 0 || b.Dx() < 2 {
			t.Fatalf("image %d is %v, want a square multiple of 2×2", i, b)
		}
		k := b.Dx() / 2
		gray := func(x, y int) uint32 { r, _, _, _ := img.At(x*k, y*k).RGBA(); return r >> 8 }
		if gray(0, 0) != 0 || gray(1, 1) != 255 || gray(1, 0) != 128 && gray(1, 0) != 127 {
			t.Errorf("image %d levels %d %d %d, want 0 ~128 255", i, gray(0, 0), gray(1, 0), gray(1, 1))
		}
		// Magnified pixels are uniform blocks.
		if r0, _, _, _ := img.At(k-1, k-1).RGBA(); r0>>8 != gray(0, 0) {
			t.Errorf("image %d: block (0,0) is not uniform", i)
		}
	}
	// Constant images keep raw 0..255 levels and stretch 0..1 ones.
	for _, c := range []struct {
		v    float32
		want uint32
	}{{200, 200}, {1, 255}, {0, 0}, {0.5, 128}} {
		uri := pngDataURI([]float32{c.v}, 1, 1, 1, 1)
		raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, "data:image/png;base64,"))
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if r, _, _, _ := img.At(0, 0).RGBA(); r>>8 != c.want {
			t.Errorf("constant %v: level %d, want %d", c.v, r>>8, c.want)
		}
	}
}

func TestRenderAllParses(t *testing.T) {
	for name, s := range renderAll(t) {
		t.Run(name, func(t *testing.T) {
			info := checkSVG(t, s)
			if info.width > 820 {
				t.Errorf("width %v exceeds notebook width", info.width)
			}
		})
	}
}

func TestOpColor(t *testing.T) {
	fixed := append(dartsOpNames(), "nor_conv_1x1", "nor_conv_3x3", "sep_conv_7x7", "conv_7x1_1x7")
	seen := map[string]string{}
	hex := regexp.MustCompile(`^#[0-9a-f]{6}$`)
	for _, op := range fixed {
		c := OpColor(op)
		if !hex.MatchString(c) {
			t.Errorf("OpColor(%q) = %q, not #rrggbb", op, c)
		}
		if other, ok := seen[c]; ok {
			t.Errorf("%q and %q share color %s", op, other, c)
		}
		seen[c] = op
		if !knownOp(op) {
			t.Errorf("knownOp(%q) = false", op)
		}
	}
	for _, op := range []string{"", "zero", "mb_conv_3x3_e6", "<x>"} {
		c := OpColor(op)
		if !hex.MatchString(c) || c != OpColor(op) {
			t.Errorf("OpColor(%q) = %q, want a stable #rrggbb", op, c)
		}
	}
	if OpColor("a") == OpColor("b") {
		t.Errorf("hash fallback gives equal colors to different names")
	}
	if Palette(0) != Palette(10) || Palette(-1) != Palette(9) || Palette(0) == Palette(1) {
		t.Errorf("Palette does not cycle over 10 distinct colors")
	}
	for _, v := range []float64{0, 0.5, 1, -3, 7, math.NaN()} {
		if c, _ := blues(v); !hex.MatchString(c) {
			t.Errorf("blues(%v) = %q", v, c)
		}
	}
	if _, light := blues(0); light {
		t.Errorf("text on the lightest color should be dark")
	}
	if _, light := blues(1); !light {
		t.Errorf("text on the darkest color should be white")
	}
}

func TestSoftmaxEntropy(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	cases := []struct {
		name    string
		logits  []float64
		want    []float64
		entropy float64
	}{
		{"uniform", []float64{0, 0, 0, 0}, []float64{0.25, 0.25, 0.25, 0.25}, math.Log(4)},
		{"shift invariant", []float64{1000, 1000}, []float64{0.5, 0.5}, math.Log(2)},
		{"one hot", []float64{0, math.Inf(1), 0}, []float64{0, 1, 0}, 0},
		{"neg inf", []float64{math.Inf(-1), 0}, []float64{0, 1}, 0},
		{"two", []float64{0, math.Log(3)}, []float64{0.25, 0.75}, -(0.25*math.Log(0.25) + 0.75*math.Log(0.75))},
	}
	for _, c := range cases {
		got := Softmax(c.logits)
		for i := range got {
			if !near(got[i], c.want[i]) {
				t.Errorf("%s: Softmax = %v, want %v", c.name, got, c.want)
				break
			}
		}
		if h := EntropyOf(got); !near(h, c.entropy) {
			t.Errorf("%s: EntropyOf = %v, want %v", c.name, h, c.entropy)
		}
	}
	for _, bad := range [][]float64{{math.NaN(), 1}, {math.Inf(-1), math.Inf(-1)}} {
		for _, v := range Softmax(bad) {
			if !math.IsNaN(v) {
				t.Errorf("Softmax(%v) = %v, want NaN", bad, Softmax(bad))
			}
		}
	}
	if len(Softmax(nil)) != 0 {
		t.Errorf("Softmax(nil) not empty")
	}
	for _, bad := range [][]float64{nil, {0, 0}, {-1, 2}, {math.NaN()}, {math.Inf(1)}} {
		if h := EntropyOf(bad); !math.IsNaN(h) {
			t.Errorf("EntropyOf(%v) = %v, want NaN", bad, h)
		}
	}
	if h := EntropyOf([]float64{2, 2}); !near(h, math.Log(2)) {
		t.Errorf("EntropyOf does not normalize: %v", h)
	}
	rows := [][]float64{{1, 0}, {0.5, 0.5}, {}}
	e := Entropy(rows)
	if len(e) != 3 || e[0] != 0 || !near(e[1], math.Log(2)) || !math.IsNaN(e[2]) {
		t.Errorf("Entropy = %v", e)
	}
	if m := MeanEntropy(rows); !near(m, math.Log(2)/2) {
		t.Errorf("MeanEntropy = %v", m)
	}
	if m := MeanEntropy(nil); !math.IsNaN(m) {
		t.Errorf("MeanEntropy(nil) = %v", m)
	}
	sr := SoftmaxRows([][]float64{{0, 0}, {1}})
	if len(sr) != 2 || sr[0][0] != 0.5 || sr[1][0] != 1 {
		t.Errorf("SoftmaxRows = %v", sr)
	}
	for _, c := range []struct {
		x    []float64
		want int
	}{{nil, -1}, {[]float64{math.NaN()}, -1}, {[]float64{1, 3, 3}, 1}, {[]float64{math.NaN(), -1}, 1}} {
		if got := ArgMax(c.x); got != c.want {
			t.Errorf("ArgMax(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}

func TestCellEdgeLabels(t *testing.T) {
	d := CellEdgeLabels(2, 4)
	if len(d) != 14 || d[0] != "0→2" || d[1] != "1→2" || d[2] != "0→3" || d[13] != "4→5" {
		t.Errorf("DARTS labels %v", d)
	}
	if n := CellEdgeLabels(1, 3); len(n) != 6 || n[5] != "2→3" {
		t.Errorf("NAS-Bench-201 labels %v", n)
	}
	if len(CellEdgeLabels(2, 0)) != 0 {
		t.Errorf("no nodes should give no edges")
	}
}

func TestNiceTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 1, 5, []float64{0, 0.25, 0.5, 0.75, 1}},
		{0.15, 2.4, 6, []float64{0, 0.5, 1, 1.5, 2, 2.5}},
		{1, 50, 6, []float64{0, 10, 20, 30, 40, 50}},
		{3, 3, 3, []float64{2.5, 2.75, 3, 3.25, 3.5}},
		{5, 1, 3, []float64{0, 2, 4, 6}},
	}
	for _, c := range cases {
		got := NiceTicks(c.lo, c.hi, c.n)
		if len(got) != len(c.want) {
			t.Errorf("NiceTicks(%v, %v, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-9 {
				t.Errorf("NiceTicks(%v, %v, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
				break
			}
		}
	}
	if NiceTicks(math.NaN(), 1, 5) != nil || NiceTicks(0, math.Inf(1), 5) != nil {
		t.Errorf("non-finite bounds should give nil")
	}
	// Integer scales never have fractional ticks.
	s := newScale(0, 10, 5, false, true, true)
	for _, v := range s.ticks {
		if v != math.Trunc(v) {
			t.Errorf("integer scale has tick %v", v)
		}
	}
	// Log scales: 1-2-5 within two decades.
	ls := newScale(0.001, 0.025, 5, true, true, false)
	if ls.lo != 0.001 || ls.hi != 0.05 || len(ls.ticks) != 6 {
		t.Errorf("log scale %v..%v ticks %v", ls.lo, ls.hi, ls.ticks)
	}
	for _, c := range []struct {
		v, step float64
		want    string
	}{{0, 1, "0"}, {0.25, 0.25, "0.25"}, {1.5, 0.5, "1.5"}, {20000, 5000, "20k"}, {2.5e6, 5e5, "2.5M"}, {2e-5, 1e-5, "2e-5"}, {1e-4, 1e-5, "0.0001"}, {10, 10, "10"}} {
		if got := tickLabel(c.v, c.step); got != c.want {
			t.Errorf("tickLabel(%v, %v) = %q, want %q", c.v, c.step, got, c.want)
		}
	}
	for _, c := range []struct {
		v    float64
		want string
	}{{0.01, "0.01"}, {1e-5, "1e-5"}, {1e6, "1e6"}, {2e-5, "2e-5"}, {0.05, "0.05"}} {
		if got := logTickLabel(c.v); got != c.want {
			t.Errorf("logTickLabel(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestDecimate(t *testing.T) {
	n := 10000
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
	}
	y[4321] = 99 // a spike must survive
	y[777] = -5
	dx, dy := decimate(x, y, 500)
	if len(dx) > 520 || len(dx) != len(dy) {
		t.Fatalf("decimate kept %d points", len(dx))
	}
	var hi, lo bool
	for i := range dy {
		hi = hi || dy[i] == 99 && dx[i] == 4321
		lo = lo || dy[i] == -5 && dx[i] == 777
		if i > 0 && dx[i] < dx[i-1] {
			t.Fatalf("decimate broke the x order at %d", i)
		}
	}
	if !hi || !lo {
		t.Errorf("decimate lost the extremes")
	}
	short := []float64{1, 2}
	if a, _ := decimate(short, short, 500); len(a) != 2 {
		t.Errorf("short series should be kept")
	}
}

func TestClipSegment(t *testing.T) {
	cases := []struct {
		seg  [4]float64
		ok   bool
		want [4]float64
	}{
		{[4]float64{0.5, 0.5, 0.6, 0.6}, true, [4]float64{0.5, 0.5, 0.6, 0.6}},
		{[4]float64{-1, 0.5, 2, 0.5}, true, [4]float64{0, 0.5, 1, 0.5}},
		{[4]float64{2, 2, 3, 3}, false, [4]float64{}},
		{[4]float64{0.5, -1, 0.5, 2}, true, [4]float64{0.5, 0, 0.5, 1}},
	}
	for _, c := range cases {
		a, b, x, y, ok := clipSegment(c.seg[0], c.seg[1], c.seg[2], c.seg[3], 0, 0, 1, 1)
		if ok != c.ok || ok && [4]float64{a, b, x, y} != c.want {
			t.Errorf("clipSegment(%v) = %v %v %v %v %v, want %v %v", c.seg, a, b, x, y, ok, c.want, c.ok)
		}
	}
}

func TestPageGrid(t *testing.T) {
	a, _ := Bars("a", nil, []float64{1}, BarOptions{})
	b, _ := Bars("b", nil, []float64{2}, BarOptions{})
	for _, html := range []string{Page(a, b), Grid(2, a, b), Grid(0, a)} {
		if !strings.HasPrefix(html, "<div") || !strings.HasSuffix(html, "</div>") {
			t.Errorf("not one div block: %.80s", html)
		}
		if strings.Count(html, "<svg") != strings.Count(html, "</svg>") || !strings.Contains(html, a) {
			t.Errorf("parts not embedded intact")
		}
	}
	if !strings.Contains(Page(), "display:flex") || !strings.Contains(Grid(3), "repeat(3,") {
		t.Errorf("layout styles missing")
	}
	// The block, wrapped in a root element, is well-formed XML too.
	dec := xml.NewDecoder(strings.NewReader("<body>" + Page(a, b) + "</body>"))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("Page output is not well-formed: %v", err)
		}
	}
}

func TestEllipsizeEsc(t *testing.T) {
	if got := ellipsize("abcdefghij", 10, 30); got != "abcd…" {
		t.Errorf("ellipsize = %q", got)
	}
	if got := ellipsize("ab", 10, 30); got != "ab" {
		t.Errorf("ellipsize shortened a fitting string: %q", got)
	}
	if got := esc("a<b>&\"c'\xff"); strings.ContainsAny(got, "<>\"'") || !strings.Contains(got, "&amp;") {
		t.Errorf("esc = %q", got)
	}
	if num(math.NaN()) != "0" || num(-0.001) != "0" || num(1.005) != "1" && num(1.005) != "1.01" {
		t.Errorf("num formatting: %q %q %q", num(math.NaN()), num(-0.001), num(1.005))
	}
}

// Ticks a tiny step apart on a large value get distinct labels.
func TestTickLabelsTinyStep(t *testing.T) {
	step := 5e-5
	seen := map[string]bool{}
	for i := 0; i < 4; i++ {
		l := tickLabel(2.0794+float64(i)*step, step)
		if seen[l] {
			t.Fatalf("tick %d repeats label %q", i, l)
		}
		seen[l] = true
	}
}
