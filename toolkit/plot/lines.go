package plot

import (
	"fmt"
	"math"
)

// Series is one line of a line chart.
type Series struct {
	// Name is shown in the legend, e.g. "train" or "valid".
	Name string
	// X holds the abscissae; nil means 0, 1, 2, ... len(Y)-1.
	X []float64
	// Y holds the ordinates, one per element of X. A NaN (or, on a
	// logarithmic axis, a value ≤ 0) breaks the line.
	Y []float64
	// Color is a CSS color; empty means OpColor(Name) when Name is a known
	// operation, and otherwise the next Palette color that no other series
	// of the chart uses.
	Color string
	// Dashed draws the line dashed, e.g. for validation curves.
	Dashed bool
}

// RefLine is a horizontal reference line, such as an early-stopping
// threshold.
type RefLine struct {
	// Y is where the line is drawn.
	Y float64
	// Label is written above the right end of the line.
	Label string
	// Color is a CSS color; empty means grey.
	Color string
}

// LineOptions adjusts Lines. The zero value gives the defaults.
type LineOptions struct {
	// Width and Height are the size of the plot in pixels; 0 means 720×360.
	Width, Height int
	// XLabel and YLabel title the axes.
	XLabel, YLabel string
	// LogY uses a logarithmic y axis (for losses or learning rates).
	LogY bool
	// XRange and YRange fix the axes' ranges; the zero value fits the data
	// (the y axis then extends to round tick values). Lines are clipped to
	// the plot area.
	XRange, YRange [2]float64
	// Step draws each series as a step function: y[i] holds until x[i+1].
	Step bool
	// Markers draws a dot at every point.
	Markers bool
	// RefLines are horizontal reference lines drawn behind the series.
	RefLines []RefLine
	// MaxPoints bounds the points drawn per series; longer series are
	// reduced keeping each bucket's minimum and maximum. 0 means 1000.
	MaxPoints int
}

// seriesColors picks the color of every series: its Color, else OpColor for
// an operation name, else the next Palette color not used by another series.
func seriesColors(series []Series) []string {
	out := make([]string, len(series))
	used := map[string]bool{}
	for i, s := range series {
		switch {
		case s.Color != "":
			out[i] = s.Color
		case knownOp(s.Name):
			out[i] = OpColor(s.Name)
		default:
			continue
		}
		used[out[i]] = true
	}
	next := 0
	for i := range series {
		if out[i] != "" {
			continue
		}
		for k := 0; k < 10 && used[Palette(next)]; k++ {
			next++
		}
		out[i] = Palette(next)
		next++
	}
	return out
}

// Lines draws a line chart of series with axes, round tick values, a legend
// of the named series and optionally a logarithmic y axis: loss and accuracy
// curves (train solid, validation dashed), the entropy of α over time, the
// learning rate schedule. It returns an error if a series has X and Y of
// different lengths or if a range option is invalid; series without any
// finite point give a "no data" plot.
func Lines(title string, series []Series, opt LineOptions) (string, error) {
	w, h := float64(opt.Width), float64(opt.Height)
	if w <= 0 {
		w = defaultWidth
	}
	if h <= 0 {
		h = 360
	}
	maxPts := opt.MaxPoints
	if maxPts <= 0 {
		maxPts = 1000
	}
	if err := checkRange("XRange", opt.XRange, false); err != nil {
		return "", err
	}
	if err := checkRange("YRange", opt.YRange, opt.LogY); err != nil {
		return "", err
	}

	// Normalize series and find the data ranges.
	xs := make([][]float64, len(series))
	ys := make([][]float64, len(series))
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	allIntX := true
	for i, s := range series {
		x := s.X
		if x == nil {
			x = make([]float64, len(s.Y))
			for k := range x {
				x[k] = float64(k)
			}
		}
		if len(x) != len(s.Y) {
			return "", fmt.Errorf("plot.Lines: series %d (%q) has %d x values and %d y values", i, s.Name, len(x), len(s.Y))
		}
		y := make([]float64, len(s.Y))
		for k, v := range s.Y {
			if opt.LogY && v <= 0 {
				v = math.NaN()
			}
			y[k] = v
			if finite(v) && finite(x[k]) {
				xlo, xhi = math.Min(xlo, x[k]), math.Max(xhi, x[k])
				ylo, yhi = math.Min(ylo, v), math.Max(yhi, v)
				if x[k] != math.Trunc(x[k]) {
					allIntX = false
				}
			}
		}
		xs[i], ys[i] = decimate(x, y, maxPts)
	}
	if xlo > xhi {
		return emptySVG(title, "no data", w, h), nil
	}
	for _, r := range opt.RefLines {
		if finite(r.Y) && (!opt.LogY || r.Y > 0) && opt.YRange == [2]float64{} {
			ylo, yhi = math.Min(ylo, r.Y), math.Max(yhi, r.Y)
		}
	}

	// Legend.
	colors := seriesColors(series)
	var entries []legendEntry
	for i, s := range series {
		if s.Name != "" {
			entries = append(entries, legendEntry{s.Name, colors[i], s.Dashed})
		}
	}

	d := newSVG(w, h, "lines")
	top := d.title(title)
	if len(entries) > 0 {
		d.legend(entries, w/2, top-4, w-40)
		top += legendHeight(entries, w-40)
	}
	top += 6

	bottom := h - (tickSize + 14)
	if opt.XLabel != "" {
		bottom -= labelSize + 6
	}
	plotH := bottom - top
	ys0 := axisScale(ylo, yhi, opt.YRange, int(clamp(math.Round(plotH/40), 3, 8)), opt.LogY, true, false)
	left := 14 + ys0.maxLabelWidth(tickSize) + 6
	if opt.YLabel != "" {
		left += labelSize + 8
	}
	right := w - 20
	ys0.p0, ys0.p1 = bottom, top
	xs0 := axisScale(xlo, xhi, opt.XRange, int(clamp((right-left)/60, 2, 12)), false, false, allIntX)
	xs0.p0, xs0.p1 = left, right
	xs0 = fitLabels(xs0)

	d.frame(xs0, ys0, opt.XLabel, opt.YLabel, true)
	drawRefLines(d, opt.RefLines, xs0, ys0)

	for i, s := range series {
		color := esc(colors[i])
		x, y := xs[i], ys[i]
		if opt.Step {
			x, y = stepPoints(x, y)
		}
		px := make([]float64, len(x))
		py := make([]float64, len(y))
		for k := range x {
			px[k], py[k] = math.NaN(), math.NaN()
			if finite(x[k]) && finite(y[k]) {
				px[k], py[k] = xs0.pos(x[k]), ys0.pos(y[k])
			}
		}
		lines, dots := polylines(px, py, left, top, right, bottom)
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="7 4"`
		}
		d.raw(`<g class="series" stroke="%s" fill="none" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"%s><title>%s</title>`, color, dash, esc(s.Name))
		for _, l := range lines {
			d.raw(`<polyline points="%s"/>`, pointsAttr(l))
		}
		for _, p := range dots {
			d.raw(`<circle cx="%s" cy="%s" r="2.5" fill="%s" stroke="none"/>`, num(p[0]), num(p[1]), color)
		}
		if opt.Markers {
			for k := range xs[i] {
				if finite(xs[i][k]) && finite(ys[i][k]) {
					mx, my := xs0.pos(xs[i][k]), ys0.pos(ys[i][k])
					if inside(mx, my, left, top, right, bottom) {
						d.raw(`<circle cx="%s" cy="%s" r="3" fill="%s" stroke="#ffffff" stroke-width="1"/>`, num(mx), num(my), color)
					}
				}
			}
		}
		d.raw(`</g>`)
	}
	return d.String(), nil
}

// checkRange validates a range option: the zero value or lo < hi, finite,
// and positive on a logarithmic axis.
func checkRange(name string, r [2]float64, log bool) error {
	if r == [2]float64{} {
		return nil
	}
	if !finite(r[0]) || !finite(r[1]) || r[0] >= r[1] || (log && r[0] <= 0) {
		return fmt.Errorf("plot: invalid %s %v", name, r)
	}
	return nil
}

// axisScale builds the scale of an axis from the data range, or from fixed
// when it is set. With nice, an automatic range extends to round ticks.
func axisScale(lo, hi float64, fixed [2]float64, n int, log, nice, integers bool) scale {
	if fixed != [2]float64{} {
		return newScale(fixed[0], fixed[1], n, log, false, integers)
	}
	return newScale(lo, hi, n, log, nice, integers)
}

// fitLabels thins the ticks of a horizontal scale whose labels would overlap.
func fitLabels(s scale) scale {
	if len(s.ticks) < 2 {
		return s
	}
	room := math.Abs(s.pos(s.ticks[1]) - s.pos(s.ticks[0]))
	need := s.maxLabelWidth(tickSize) + 10
	stride := int(math.Ceil(need / math.Max(room, 1)))
	if stride <= 1 {
		return s
	}
	var t []float64
	var l []string
	for i := 0; i < len(s.ticks); i += stride {
		t = append(t, s.ticks[i])
		l = append(l, s.labels[i])
	}
	s.ticks, s.labels = t, l
	return s
}

// drawRefLines draws horizontal reference lines with their labels.
func drawRefLines(d *svgDoc, refs []RefLine, xs, ys scale) {
	for _, r := range refs {
		if !finite(r.Y) || (ys.log && r.Y <= 0) {
			continue
		}
		y := ys.pos(r.Y)
		if y < math.Min(ys.p0, ys.p1)-0.5 || y > math.Max(ys.p0, ys.p1)+0.5 {
			continue
		}
		c := r.Color
		if c == "" {
			c = "#888888"
		}
		d.raw(`<g class="refline"><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="3 3"/>`,
			num(xs.p0), num(y), num(xs.p1), num(y), esc(c))
		if r.Label != "" {
			// A translucent white box keeps the label readable over bars.
			tw := textWidth(r.Label, tickSize)
			d.raw(`<rect x="%s" y="%s" width="%s" height="%s" rx="2" fill="#ffffff" fill-opacity="0.85"/>`,
				num(xs.p1-tw-8), num(y-tickSize-6), num(tw+6), num(tickSize+4))
			d.text(xs.p1-4, y-5, r.Label, tickSize, "end", `fill="`+esc(c)+`"`)
		}
		d.raw(`</g>`)
	}
}

// stepPoints converts points to the corners of a step function that holds
// each y until the next x.
func stepPoints(x, y []float64) ([]float64, []float64) {
	var ox, oy []float64
	for i := range x {
		if i > 0 && finite(y[i-1]) && finite(x[i]) {
			ox, oy = append(ox, x[i]), append(oy, y[i-1])
		}
		ox, oy = append(ox, x[i]), append(oy, y[i])
	}
	return ox, oy
}
