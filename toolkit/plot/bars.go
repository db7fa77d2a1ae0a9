package plot

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// BarOptions adjusts Bars. The zero value gives the defaults.
type BarOptions struct {
	// Width and Height are the size of the plot in pixels; 0 means 720×300.
	Width, Height int
	// XLabel and YLabel title the axes.
	XLabel, YLabel string
	// Color is the CSS color of the bars; empty means Palette(0). Use
	// OpColor("skip_connect") for a skip connection count.
	Color string
	// Labels, if set, names each bar on the x axis instead of the x values
	// (one label per bar; crowded labels are thinned).
	Labels []string
	// YRange fixes the y axis; the zero value spans 0 and the data,
	// extended to round ticks.
	YRange [2]float64
	// Values prints each bar's value above it where there is room.
	Values bool
	// RefLines are horizontal reference lines, such as the skip count at
	// which an early stopper halts the search.
	RefLines []RefLine
}

// Bars draws a bar chart with one bar at each x (an epoch, say) of height y,
// for example the number of skip connections in the derived normal cell
// after every epoch. Bars are centered on their x and as wide as 80% of the
// smallest spacing between x values. x may be nil, meaning 0, 1, 2, ...
// NaN values draw no bar. It returns an error if x and y (or Labels) differ
// in length; no finite value gives a "no data" plot.
func Bars(title string, x, y []float64, opt BarOptions) (string, error) {
	w, h := float64(opt.Width), float64(opt.Height)
	if w <= 0 {
		w = defaultWidth
	}
	if h <= 0 {
		h = 300
	}
	if x == nil {
		x = make([]float64, len(y))
		for i := range x {
			x[i] = float64(i)
		}
	}
	if len(x) != len(y) {
		return "", fmt.Errorf("plot.Bars: %d x values and %d y values", len(x), len(y))
	}
	if opt.Labels != nil && len(opt.Labels) != len(y) {
		return "", fmt.Errorf("plot.Bars: %d labels for %d bars", len(opt.Labels), len(y))
	}
	if err := checkRange("YRange", opt.YRange, false); err != nil {
		return "", err
	}
	var idx []int
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := 0.0, 0.0
	allIntX, allIntY := true, true
	for i := range y {
		if !finite(x[i]) || !finite(y[i]) {
			continue
		}
		idx = append(idx, i)
		xlo, xhi = math.Min(xlo, x[i]), math.Max(xhi, x[i])
		ylo, yhi = math.Min(ylo, y[i]), math.Max(yhi, y[i])
		allIntX = allIntX && x[i] == math.Trunc(x[i])
		allIntY = allIntY && y[i] == math.Trunc(y[i])
	}
	if len(idx) == 0 {
		return emptySVG(title, "no data", w, h), nil
	}
	if opt.YRange == [2]float64{} {
		for _, r := range opt.RefLines {
			if finite(r.Y) {
				ylo, yhi = math.Min(ylo, r.Y), math.Max(yhi, r.Y)
			}
		}
		if ylo == yhi {
			yhi = 1
		}
	}
	// Smallest spacing between distinct x values.
	sorted := make([]float64, 0, len(idx))
	for _, i := range idx {
		sorted = append(sorted, x[i])
	}
	slices.Sort(sorted)
	dx := math.Inf(1)
	for i := 1; i < len(sorted); i++ {
		if g := sorted[i] - sorted[i-1]; g > 0 {
			dx = math.Min(dx, g)
		}
	}
	if math.IsInf(dx, 1) {
		dx = 1
	}

	d := newSVG(w, h, "bars")
	top := d.title(title) + 10
	bottom := h - (tickSize + 14)
	if opt.XLabel != "" {
		bottom -= labelSize + 6
	}
	ys := axisScale(ylo, yhi, opt.YRange, int(clamp(math.Round((bottom-top)/40), 3, 8)), false, true, allIntY)
	left := 14 + ys.maxLabelWidth(tickSize) + 6
	if opt.YLabel != "" {
		left += labelSize + 8
	}
	right := w - 20
	ys.p0, ys.p1 = bottom, top
	xs := scale{lo: xlo - dx/2, hi: xhi + dx/2, p0: left, p1: right}
	if opt.Labels != nil {
		for _, i := range idx {
			xs.ticks = append(xs.ticks, x[i])
			xs.labels = append(xs.labels, opt.Labels[i])
		}
	} else {
		auto := newScale(xs.lo, xs.hi, int(clamp((right-left)/70, 2, 12)), false, false, allIntX)
		xs.ticks, xs.labels = auto.ticks, auto.labels
	}
	xs = fitLabels(xs)

	d.frame(xs, ys, opt.XLabel, opt.YLabel, true)
	color := opt.Color
	if color == "" {
		color = Palette(0)
	}
	bw := math.Min(math.Abs(xs.pos(dx)-xs.pos(0))*0.8, 64)
	zero := ys.pos(clamp(0, ys.lo, ys.hi))
	d.raw(`<g class="bars" fill="%s">`, esc(color))
	for _, i := range idx {
		cx := xs.pos(x[i])
		yv := ys.pos(clamp(y[i], ys.lo, ys.hi))
		y0, y1 := math.Min(zero, yv), math.Max(zero, yv)
		label := trimFloat(y[i], 2)
		if opt.Labels != nil {
			label = opt.Labels[i] + ": " + label
		} else {
			label = strconv.FormatFloat(x[i], 'g', -1, 64) + ": " + label
		}
		d.raw(`<rect class="bar" x="%s" y="%s" width="%s" height="%s" rx="1.5"><title>%s</title></rect>`,
			num(cx-bw/2), num(y0), num(bw), num(y1-y0), esc(label))
		if opt.Values {
			v := trimFloat(y[i], 2)
			if textWidth(v, 10) <= bw+8 {
				ty, fill := y0-4, mutedColor
				if y[i] < 0 {
					// Inside the bar's end, clear of the x tick labels.
					ty, fill = y1-4, "#ffffff"
					if y1-y0 < 16 {
						ty, fill = y0-4, mutedColor
					}
				}
				d.text(cx, ty, v, 10, "middle", `class="bar-value" fill="`+fill+`"`)
			}
		}
	}
	d.raw(`</g>`)
	if ys.lo < 0 && ys.hi > 0 {
		d.raw(`<line class="baseline" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(left), num(zero), num(right), num(zero), axisColor)
	}
	drawRefLines(d, opt.RefLines, xs, ys)
	return d.String(), nil
}
