package plot

import (
	"fmt"
	"math"
	"strconv"
)

// TrajectoryOptions adjusts AlphaTrajectories. The zero value gives the
// defaults.
type TrajectoryOptions struct {
	// Width is the width of the plot in pixels; 0 means 800.
	Width int
	// PanelHeight is the height of each panel's plot area; 0 means 80.
	PanelHeight int
	// Cols is the number of panels per row; 0 picks a balanced grid of at
	// most 5 columns (14 DARTS edges: 3 rows of 5; 6 NAS-Bench-201 edges:
	// 2 rows of 3).
	Cols int
	// Softmax applies Softmax to each weights[t][edge] first, for plotting
	// raw α logits.
	Softmax bool
	// YRange fixes the shared y axis; the zero value spans 0 to the largest
	// weight, rounded up.
	YRange [2]float64
	// XLabel titles the x axes of the bottom panels, e.g. "epoch".
	XLabel string
	// MaxPoints bounds the points drawn per line; 0 means 200.
	MaxPoints int
}

// AlphaTrajectories draws small multiples of the architecture weights: one
// panel per edge (titled with edges[e]) showing, for every operation
// ops[o], the weight weights[t][e][o] against steps[t], in the operation's
// OpColor, with one shared legend and a shared y axis. steps may be nil,
// meaning 0, 1, 2, ... It returns an error if the shapes disagree; no steps,
// edges or operations give a "no data" plot. NaN weights break the lines.
func AlphaTrajectories(title string, steps []float64, ops []string, edges []string, weights [][][]float64, opt TrajectoryOptions) (string, error) {
	w := float64(opt.Width)
	if w <= 0 {
		w = 800
	}
	ph := float64(opt.PanelHeight)
	if ph <= 0 {
		ph = 80
	}
	maxPts := opt.MaxPoints
	if maxPts <= 0 {
		maxPts = 200
	}
	if err := checkRange("YRange", opt.YRange, false); err != nil {
		return "", err
	}
	if steps == nil {
		steps = make([]float64, len(weights))
		for i := range steps {
			steps[i] = float64(i)
		}
	}
	if len(steps) != len(weights) {
		return "", fmt.Errorf("plot.AlphaTrajectories: %d steps and %d weight snapshots", len(steps), len(weights))
	}
	for t, snap := range weights {
		if len(snap) != len(edges) {
			return "", fmt.Errorf("plot.AlphaTrajectories: snapshot %d has %d edges, want %d", t, len(snap), len(edges))
		}
		for e, row := range snap {
			if len(row) != len(ops) {
				return "", fmt.Errorf("plot.AlphaTrajectories: snapshot %d edge %d has %d weights, want %d", t, e, len(row), len(ops))
			}
		}
	}
	if len(steps) == 0 || len(edges) == 0 || len(ops) == 0 {
		return emptySVG(title, "no data", w, 180), nil
	}

	// Series per edge and operation: y[e][o][t].
	y := make([][][]float64, len(edges))
	ymax := 0.0
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for _, s := range steps {
		if finite(s) {
			xlo, xhi = math.Min(xlo, s), math.Max(xhi, s)
		}
	}
	for e := range edges {
		y[e] = make([][]float64, len(ops))
		for o := range ops {
			y[e][o] = make([]float64, len(steps))
		}
	}
	for t, snap := range weights {
		for e, row := range snap {
			if opt.Softmax {
				row = Softmax(row)
			}
			for o, v := range row {
				y[e][o][t] = v
				if finite(v) && finite(steps[t]) {
					ymax = math.Max(ymax, v)
				}
			}
		}
	}
	if xlo > xhi {
		return emptySVG(title, "no data", w, 180), nil
	}
	xFirst := strconv.FormatFloat(xlo, 'g', 4, 64)
	xLast := strconv.FormatFloat(xhi, 'g', 4, 64)

	cols := opt.Cols
	if cols <= 0 {
		rows := (len(edges) + 4) / 5
		cols = (len(edges) + rows - 1) / rows
	}
	cols = min(cols, len(edges))
	rows := (len(edges) + cols - 1) / cols

	var entries []legendEntry
	for _, op := range ops {
		entries = append(entries, legendEntry{name: op, color: OpColor(op)})
	}
	ys := axisScale(0, ymax, opt.YRange, 3, false, true, false)
	if opt.YRange == [2]float64{} && ymax == 0 {
		ys = newScale(0, 1, 3, false, true, false)
	}
	const pad, gapX, panelTitle = 14.0, 14.0, 18.0
	left := pad + ys.maxLabelWidth(10) + 6
	pw := (w - left - pad - gapX*float64(cols-1)) / float64(cols)
	xAxisH := 10.0 + 6
	gapY := 8.0
	cellH := panelTitle + ph + xAxisH + gapY
	titleH := 8.0
	if title != "" {
		titleH = 34
	}
	legH := legendHeight(entries, w-40)
	top := titleH + legH + 4
	h := top + cellH*float64(rows) + 4
	if opt.XLabel != "" {
		h += labelSize + 6
	}

	d := newSVG(w, h, "trajectories")
	d.title(title)
	d.legend(entries, w/2, titleH-4, w-40)

	for e, edge := range edges {
		r, c := e/cols, e%cols
		x0 := left + float64(c)*(pw+gapX)
		y0 := top + float64(r)*cellH + panelTitle
		xs := scale{lo: xlo, hi: xhi, p0: x0, p1: x0 + pw}
		py := ys
		py.p0, py.p1 = y0+ph, y0
		d.raw(`<g class="panel">`)
		d.text(x0+pw/2, y0-6, edge, tickSize, "middle", `class="panel-title" font-weight="600"`)
		d.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="#fcfcfc" stroke="%s"/>`, num(x0), num(y0), num(pw), num(ph), gridColor)
		for _, t := range py.ticks {
			yy := py.pos(t)
			d.raw(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(x0), num(yy), num(x0+pw), num(yy), gridColor)
		}
		if c == 0 {
			for i, t := range py.ticks {
				d.text(x0-4, py.pos(t)+3.5, py.labels[i], 10, "end", `class="tick" fill="`+mutedColor+`"`)
			}
		}
		if e+cols >= len(edges) {
			// The first and last step, inside the panel's edges.
			d.text(x0, y0+ph+12, xFirst, 10, "start", `class="tick" fill="`+mutedColor+`"`)
			if xhi > xlo {
				d.text(x0+pw, y0+ph+12, xLast, 10, "end", `class="tick" fill="`+mutedColor+`"`)
			}
		}
		for o, op := range ops {
			sx, sy := decimate(steps, y[e][o], maxPts)
			px := make([]float64, len(sx))
			pyy := make([]float64, len(sy))
			for k := range sx {
				px[k], pyy[k] = math.NaN(), math.NaN()
				if finite(sx[k]) && finite(sy[k]) {
					px[k], pyy[k] = xs.pos(sx[k]), py.pos(sy[k])
				}
			}
			lines, dots := polylines(px, pyy, x0, y0, x0+pw, y0+ph)
			d.raw(`<g class="series" stroke="%s" fill="none" stroke-width="1.6" stroke-linejoin="round"><title>%s · %s</title>`,
				esc(OpColor(op)), esc(edge), esc(op))
			for _, l := range lines {
				d.raw(`<polyline points="%s"/>`, pointsAttr(l))
			}
			for _, p := range dots {
				d.raw(`<circle cx="%s" cy="%s" r="2" fill="%s" stroke="none"/>`, num(p[0]), num(p[1]), esc(OpColor(op)))
			}
			d.raw(`</g>`)
		}
		d.raw(`</g>`)
	}
	if opt.XLabel != "" {
		d.text((left+w-pad)/2, h-8, opt.XLabel, labelSize, "middle", `class="axis-label"`)
	}
	return d.String(), nil
}
