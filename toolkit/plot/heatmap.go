package plot

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// HeatmapOptions adjusts Heatmap, HeatmapPair and Heatmaps. The zero value
// gives the defaults.
type HeatmapOptions struct {
	// MaxWidth is the width in pixels the plot should fit; cells shrink (down
	// to 18 px) to fit it. 0 means 800.
	MaxWidth int
	// CellHeight is the height of a cell in pixels; 0 means 22.
	CellHeight int
	// Range is the value mapped to the lightest and to the darkest color;
	// values outside are clamped. The zero value uses the smallest and
	// largest finite value of all panels.
	Range [2]float64
	// Decimals is the number of decimals printed in each cell; 0 means 2.
	// A value is printed only where the cell is wide enough.
	Decimals int
	// HideValues prints no value in the cells.
	HideValues bool
	// NoArgmax turns off the bold border around the largest value of each row.
	NoArgmax bool
	// ExcludeFromArgmax lists columns ignored when finding the largest value
	// of a row, such as "none" (DARTS derives each edge's operation this way).
	ExcludeFromArgmax []string
	// ColorbarLabel is written above the color bar, e.g. "softmax(α)".
	ColorbarLabel string
}

// HeatmapPanel is one matrix of a heat map plot: Values[i][j] is the value of
// row Rows[i] (an edge) and column Cols[j] (an operation).
type HeatmapPanel struct {
	// Title is written above the panel, e.g. "normal" or "reduce".
	Title string
	// Rows labels the rows, e.g. the edges "0→2", "1→2", ...
	Rows []string
	// Cols labels the columns, e.g. the operation names.
	Cols []string
	// Values holds one row per element of Rows, each with one value per
	// element of Cols. NaN values are drawn as grey cells.
	Values [][]float64
}

// Heatmap draws a heat map of values, one row per element of rows (the edges
// of a cell, labelled like "0→2") and one column per element of cols (the
// candidate operations), on a white to deep blue scale with a color bar. Each
// cell shows its value when it is large enough, and the largest value of each
// row has a bold border. It returns an error if values does not have
// len(rows) rows of len(cols) values; empty input gives a "no data" plot.
func Heatmap(title string, rows, cols []string, values [][]float64, opt HeatmapOptions) (string, error) {
	return Heatmaps(title, []HeatmapPanel{{Rows: rows, Cols: cols, Values: values}}, opt)
}

// HeatmapPair draws the α of a normal and of a reduction cell side by side,
// as panels titled "normal" and "reduce" sharing one color scale. Both
// matrices have one row per element of rows and one column per element of
// cols.
func HeatmapPair(title string, rows, cols []string, normal, reduce [][]float64, opt HeatmapOptions) (string, error) {
	return Heatmaps(title, []HeatmapPanel{
		{Title: "normal", Rows: rows, Cols: cols, Values: normal},
		{Title: "reduce", Rows: rows, Cols: cols, Values: reduce},
	}, opt)
}

// Heatmaps draws several heat map panels side by side, left to right, with
// one shared color scale and color bar. See Heatmap.
func Heatmaps(title string, panels []HeatmapPanel, opt HeatmapOptions) (string, error) {
	maxW := float64(opt.MaxWidth)
	if maxW <= 0 {
		maxW = 800
	}
	cellH := float64(opt.CellHeight)
	if cellH <= 0 {
		cellH = 22
	}
	dec := opt.Decimals
	if dec <= 0 {
		dec = 2
	}

	// Validate and find the data range.
	lo, hi := math.Inf(1), math.Inf(-1)
	var used []HeatmapPanel
	for p, pn := range panels {
		if len(pn.Values) != len(pn.Rows) {
			return "", fmt.Errorf("plot.Heatmap: panel %d: %d rows of values for %d row labels", p, len(pn.Values), len(pn.Rows))
		}
		for i, row := range pn.Values {
			if len(row) != len(pn.Cols) {
				return "", fmt.Errorf("plot.Heatmap: panel %d: row %d has %d values for %d column labels", p, i, len(row), len(pn.Cols))
			}
			for _, v := range row {
				if finite(v) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
		if len(pn.Rows) > 0 && len(pn.Cols) > 0 {
			used = append(used, pn)
		}
	}
	if len(used) == 0 {
		return emptySVG(title, "no data", maxW, 160), nil
	}
	if opt.Range != [2]float64{} {
		lo, hi = opt.Range[0], opt.Range[1]
		if !finite(lo) || !finite(hi) || lo >= hi {
			return "", fmt.Errorf("plot.Heatmap: invalid Range %v", opt.Range)
		}
	}
	if lo > hi { // no finite value at all
		lo, hi = 0, 1
	}

	// Color bar ticks, needed for the width of its labels.
	cbTicks := NiceTicks(lo, hi, 5)
	var ticks []float64
	for _, t := range cbTicks {
		if t >= lo-1e-12 && t <= hi+1e-12 {
			ticks = append(ticks, t)
		}
	}
	if lo == hi || len(ticks) < 2 {
		ticks = []float64{lo, hi}
		if lo == hi {
			ticks = []float64{lo}
		}
	}
	step := 1.0
	if len(cbTicks) >= 2 {
		step = cbTicks[1] - cbTicks[0]
	}
	tickW := 0.0
	labels := make([]string, len(ticks))
	for i, t := range ticks {
		labels[i] = tickLabel(t, step)
		tickW = math.Max(tickW, textWidth(labels[i], tickSize))
	}
	cbW := 16 + 14 + 6 + math.Max(tickW, textWidth(opt.ColorbarLabel, tickSize)/2) + 12

	// Per-panel label sizes.
	type geom struct {
		rowW, colW float64 // widest row and column label
		gridX      float64 // where the panel's cells start
		rotate     bool
	}
	g := make([]geom, len(used))
	totalCols := 0
	hasPanelTitles := false
	for p, pn := range used {
		for _, r := range pn.Rows {
			g[p].rowW = math.Max(g[p].rowW, textWidth(r, tickSize))
		}
		for _, c := range pn.Cols {
			g[p].colW = math.Max(g[p].colW, textWidth(c, tickSize))
		}
		totalCols += len(pn.Cols)
		if pn.Title != "" {
			hasPanelTitles = true
		}
	}
	// Cell width: fit MaxWidth, accounting for rotated column labels that
	// reach left of the first column.
	const gap, pad = 24.0, 12.0
	cellW := 0.0
	for range 2 {
		fixed := 2*pad + gap*float64(len(used)-1) + cbW
		for p := range used {
			left := g[p].rowW + 8
			if cellW > 0 && g[p].colW > cellW-6 {
				left = math.Max(left, g[p].colW*0.72-cellW/2)
			}
			fixed += left
		}
		cellW = math.Floor(clamp((maxW-fixed)/float64(totalCols), 18, 64))
	}
	maxBelow := 0.0
	for p := range used {
		g[p].rotate = g[p].colW > cellW-6
		if g[p].rotate {
			maxBelow = math.Max(maxBelow, g[p].colW*0.72+tickSize+6)
		} else {
			maxBelow = math.Max(maxBelow, tickSize+10)
		}
	}

	x := pad
	for p, pn := range used {
		left := g[p].rowW + 8
		if g[p].rotate {
			left = math.Max(left, g[p].colW*0.72-cellW/2)
		}
		g[p].gridX = x + left
		x = g[p].gridX + cellW*float64(len(pn.Cols)) + gap
	}
	cbX := x - gap + 16
	width := math.Max(cbX+cbW-16, textWidth(title, titleSize)+24)
	maxRows := 0
	for _, pn := range used {
		maxRows = max(maxRows, len(pn.Rows))
	}
	titleH := 8.0
	if title != "" {
		titleH = 34
	}
	gridY := titleH
	if hasPanelTitles {
		gridY += 20
	}
	if opt.ColorbarLabel != "" && !hasPanelTitles {
		gridY += 16
	}
	cbH := math.Max(cellH*float64(maxRows), 100)
	height := math.Max(gridY+cellH*float64(maxRows)+maxBelow, gridY+cbH+tickSize) + 8

	d := newSVG(width, height, "heatmap")
	d.title(title)
	exclude := func(col string) bool { return slices.Contains(opt.ExcludeFromArgmax, col) }

	for p, pn := range used {
		gx := g[p].gridX
		d.raw(`<g class="panel">`)
		if pn.Title != "" {
			d.text(gx+cellW*float64(len(pn.Cols))/2, gridY-8, pn.Title, labelSize+1, "middle", `class="panel-title" font-weight="600"`)
		}
		// Row labels.
		for i, r := range pn.Rows {
			d.text(gx-6, gridY+cellH*float64(i)+cellH/2+tickSize*0.35, r, tickSize, "end", `class="row-label"`)
		}
		// Column labels.
		by := gridY + cellH*float64(len(pn.Rows))
		for j, c := range pn.Cols {
			cx := gx + cellW*float64(j) + cellW/2
			if g[p].rotate {
				y := by + 8
				d.raw(`<text class="col-label" x="%s" y="%s" font-size="%s" text-anchor="end" transform="rotate(-45 %s %s)">%s</text>`,
					num(cx+3), num(y+3), num(tickSize), num(cx), num(y), esc(c))
			} else {
				d.text(cx, by+tickSize+5, c, tickSize, "middle", `class="col-label"`)
			}
		}
		// Cells.
		var marks [][2]int
		for i, row := range pn.Values {
			y := gridY + cellH*float64(i)
			best := -1
			for j, v := range row {
				if !math.IsNaN(v) && !exclude(pn.Cols[j]) && (best < 0 || v > row[best]) {
					best = j
				}
			}
			for j, v := range row {
				cx := gx + cellW*float64(j)
				fill, light := "#eeeeee", false
				if !math.IsNaN(v) {
					t := 0.5
					if hi > lo {
						t = (v - lo) / (hi - lo)
					}
					fill, light = blues(t)
				}
				val := "NaN"
				if !math.IsNaN(v) {
					val = strconv.FormatFloat(v, 'f', dec, 64)
				}
				d.raw(`<rect class="cell" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff" stroke-width="1"><title>%s · %s: %s</title></rect>`,
					num(cx), num(y), num(cellW), num(cellH), fill, esc(pn.Rows[i]), esc(pn.Cols[j]), val)
				if !opt.HideValues && !math.IsNaN(v) && cellW >= textWidth(val, 10)+4 && cellH >= 13 {
					color := textColor
					if light {
						color = "#ffffff"
					}
					weight := ""
					if j == best && !opt.NoArgmax {
						weight = ` font-weight="700"`
					}
					d.raw(`<text class="value" x="%s" y="%s" font-size="10" text-anchor="middle" fill="%s"%s>%s</text>`,
						num(cx+cellW/2), num(y+cellH/2+3.5), color, weight, val)
				}
			}
			if best >= 0 && !opt.NoArgmax {
				marks = append(marks, [2]int{i, best})
			}
		}
		for _, m := range marks {
			d.raw(`<rect class="argmax" x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#111111" stroke-width="2.5"/>`,
				num(gx+cellW*float64(m[1])+1.25), num(gridY+cellH*float64(m[0])+1.25), num(cellW-2.5), num(cellH-2.5))
		}
		d.raw(`</g>`)
	}

	// Color bar.
	cbY := gridY
	const cbBarW = 14.0
	d.raw(`<g class="colorbar">`)
	if opt.ColorbarLabel != "" {
		d.text(cbX+cbBarW/2, cbY-8, opt.ColorbarLabel, tickSize, "middle", `class="colorbar-label"`)
	}
	const steps = 48
	for k := range steps {
		c, _ := blues(1 - (float64(k)+0.5)/steps)
		d.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
			num(cbX), num(cbY+cbH*float64(k)/steps), num(cbBarW), num(cbH/steps+0.6), c)
	}
	d.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="%s"/>`, num(cbX), num(cbY), num(cbBarW), num(cbH), axisColor)
	for i, t := range ticks {
		ty := cbY + cbH/2
		if hi > lo {
			ty = cbY + cbH*(1-(t-lo)/(hi-lo))
		}
		d.raw(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(cbX+cbBarW), num(ty), num(cbX+cbBarW+4), num(ty), axisColor)
		d.text(cbX+cbBarW+6, ty+tickSize*0.35, labels[i], tickSize, "start", `class="tick" fill="`+mutedColor+`"`)
	}
	d.raw(`</g>`)
	return d.String(), nil
}
