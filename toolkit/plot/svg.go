package plot

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Typography and neutral colors shared by all plots.
const (
	fontFamily   = "sans-serif"
	textColor    = "#333333"
	mutedColor   = "#666666"
	gridColor    = "#e6e6e6"
	axisColor    = "#999999"
	titleSize    = 15.0
	labelSize    = 12.0
	tickSize     = 11.0
	defaultWidth = 720
)

// svgDoc accumulates the markup of one SVG document.
type svgDoc struct {
	b    strings.Builder
	w, h float64
}

// newSVG starts a document of w×h pixels whose root element has the given
// class (added to "dartboard-plot").
func newSVG(w, h float64, class string) *svgDoc {
	d := &svgDoc{w: w, h: h}
	fmt.Fprintf(&d.b, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="dartboard-plot %s" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s" fill="%s" style="max-width:100%%;height:auto;background:#ffffff">`,
		esc(class), num(w), num(h), num(w), num(h), fontFamily, textColor)
	fmt.Fprintf(&d.b, `<rect class="background" x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`, num(w), num(h))
	return d
}

// raw appends formatted markup; arguments that come from users must already
// be escaped with esc.
func (d *svgDoc) raw(format string, args ...any) {
	fmt.Fprintf(&d.b, format, args...)
}

// text draws s at (x, y). anchor is "start", "middle" or "end"; extra holds
// further (already escaped) attributes.
func (d *svgDoc) text(x, y float64, s string, size float64, anchor, extra string) {
	if extra != "" {
		extra = " " + extra
	}
	fmt.Fprintf(&d.b, `<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s>%s</text>`,
		num(x), num(y), num(size), anchor, extra, esc(s))
}

// title draws the plot title centered at the top, if any, and returns the
// height it takes.
func (d *svgDoc) title(s string) float64 {
	if s == "" {
		return 8
	}
	d.text(d.w/2, 22, s, titleSize, "middle", `class="title" font-weight="600"`)
	return 34
}

// String closes the document and returns it.
func (d *svgDoc) String() string {
	return d.b.String() + "</svg>"
}

// emptySVG returns a w×h plot with the title and a centered message, used
// when there is nothing to draw.
func emptySVG(title, msg string, w, h float64) string {
	d := newSVG(w, h, "empty")
	top := d.title(title)
	d.raw(`<rect x="8" y="%s" width="%s" height="%s" fill="#fafafa" stroke="%s" stroke-dasharray="4 4"/>`,
		num(top), num(w-16), num(math.Max(h-top-8, 1)), gridColor)
	d.text(w/2, top+(h-top)/2, msg, labelSize, "middle", `class="empty-message" fill="`+mutedColor+`"`)
	return d.String()
}

// esc escapes s for use as XML character data or inside a double-quoted
// attribute. Invalid UTF-8 is replaced.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// num formats a coordinate with at most two decimals. Non-finite values are
// written as 0 so that the document stays valid.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	if s == "-0" {
		s = "0"
	}
	return s
}

// textWidth estimates the rendered width of s at the given font size for a
// generic sans-serif font.
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * size * 0.6
}

// ellipsize shortens s with "…" so that it fits in width pixels.
func ellipsize(s string, size, width float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	keep := int(width/(size*0.6)) - 1
	if keep < 1 {
		return "…"
	}
	r := []rune(s)
	if len(r) > keep {
		r = r[:keep]
	}
	return string(r) + "…"
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0)
}

// NiceTicks returns about n evenly spaced "round" values (multiples of 1, 2
// or 5 times a power of ten) covering [lo, hi]: the first tick is at or below
// lo and the last at or above hi. It returns nil if lo or hi is not finite;
// equal bounds are widened.
func NiceTicks(lo, hi float64, n int) []float64 {
	if !finite(lo) || !finite(hi) {
		return nil
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	if n < 2 {
		n = 2
	}
	if hi == lo {
		d := math.Abs(lo) * 0.1
		if d == 0 {
			d = 1
		}
		lo, hi = lo-d, hi+d
	}
	return ticksWithStep(lo, hi, niceStep((hi-lo)/float64(n-1)))
}

// ticksWithStep returns the multiples of step from the one at or below lo
// to the one at or above hi.
func ticksWithStep(lo, hi, step float64) []float64 {
	start := math.Floor(lo/step+1e-9) * step
	end := math.Ceil(hi/step-1e-9) * step
	var ticks []float64
	for i := 0; ; i++ {
		v := start + float64(i)*step
		if v > end+step*1e-6 || i > 1000 {
			break
		}
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, v)
	}
	return ticks
}

// niceStep rounds a raw step to the nearest 1, 2, 2.5 or 5 times a power
// of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || !finite(raw) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	f := raw / p
	switch {
	case f < 1.5:
		return p
	case f < 2.25:
		return 2 * p
	case f < 3.5:
		return 2.5 * p
	case f < 7.5:
		return 5 * p
	}
	return 10 * p
}

// logTicks returns tick values for a logarithmic axis over [lo, hi]
// (both > 0): the 1-2-5 multiples of powers of ten when the range spans at
// most two decades, otherwise powers of ten, thinned to at most about 7.
func logTicks(lo, hi float64) []float64 {
	e0 := math.Floor(math.Log10(lo) + 1e-9)
	e1 := math.Ceil(math.Log10(hi) - 1e-9)
	if e1-e0 <= 2 {
		var t []float64
		for _, v := range log125(e0, e1) {
			if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				t = append(t, v)
			}
		}
		if len(t) >= 2 {
			return t
		}
	}
	stride := math.Max(1, math.Ceil((e1-e0)/6))
	var t []float64
	for e := e0; e <= e1; e += stride {
		t = append(t, math.Pow(10, e))
	}
	return t
}

// log125 returns 1, 2 and 5 times 10^e for e from e0 to e1, and 10^(e1+1).
func log125(e0, e1 float64) []float64 {
	var t []float64
	for e := e0; e <= e1; e++ {
		p := math.Pow(10, e)
		t = append(t, p, 2*p, 5*p)
	}
	return append(t, math.Pow(10, e1+1))
}

// logNiceRange widens [lo, hi] (both > 0) to round values of a logarithmic
// axis: 1-2-5 multiples for ranges of at most two decades, powers of ten
// otherwise.
func logNiceRange(lo, hi float64) (float64, float64) {
	e0 := math.Floor(math.Log10(lo) + 1e-9)
	e1 := math.Ceil(math.Log10(hi) - 1e-9)
	if e1-e0 > 2 {
		return math.Pow(10, e0), math.Pow(10, e1)
	}
	nlo, nhi := math.Pow(10, e0), math.Pow(10, e1)
	for _, v := range log125(e0, e1) {
		if v <= lo*(1+1e-9) {
			nlo = v
		}
		if v >= hi*(1-1e-9) && v < nhi {
			nhi = v
		}
	}
	return nlo, nhi
}

// tickLabel formats a tick value given the spacing of the ticks.
func tickLabel(v, step float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e4 && step >= 1000 {
		switch {
		case a >= 1e9:
			return trimFloat(v/1e9, 2) + "G"
		case a >= 1e6:
			return trimFloat(v/1e6, 2) + "M"
		default:
			return trimFloat(v/1e3, 2) + "k"
		}
	}
	if a < 1e-3 || step < 1e-4 {
		// Enough significant digits that neighbouring ticks differ (a tiny step on a large
		// value: entropy near log 8 in a short search).
		prec := 3
		if step > 0 && a > step {
			prec = min(15, max(3, int(math.Ceil(math.Log10(a/step)))+1))
		}
		return strings.Replace(strconv.FormatFloat(v, 'g', prec, 64), "e-0", "e-", 1)
	}
	dec := 0
	if step > 0 && step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
		if frac := step * math.Pow(10, float64(dec)); math.Abs(frac-math.Round(frac)) > 1e-6 {
			dec++
		}
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

// logTickLabel formats a tick value on a logarithmic axis.
func logTickLabel(v float64) string {
	if v >= 1e-3 && v < 1e4 {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	e := int(math.Round(math.Log10(v)))
	m := v / math.Pow(10, float64(e))
	if math.Abs(m-1) < 1e-6 {
		return fmt.Sprintf("1e%d", e)
	}
	return strings.Replace(strconv.FormatFloat(v, 'g', 2, 64), "e-0", "e-", 1)
}

// trimFloat formats v with at most dec decimals, dropping trailing zeros.
func trimFloat(v float64, dec int) string {
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// scale maps data values on one axis to pixels.
type scale struct {
	lo, hi   float64 // data range
	p0, p1   float64 // pixel positions of lo and hi
	log      bool
	ticks    []float64
	labels   []string
	integers bool // ticks restricted to integers
}

// pos returns the pixel position of v.
func (s scale) pos(v float64) float64 {
	a, b, x := s.lo, s.hi, v
	if s.log {
		a, b, x = math.Log10(a), math.Log10(b), math.Log10(v)
	}
	if b == a {
		return (s.p0 + s.p1) / 2
	}
	return s.p0 + (x-a)/(b-a)*(s.p1-s.p0)
}

// newScale builds a scale for data in [lo, hi]. With nice, the range is
// widened to the outer ticks; with integers, ticks are whole numbers.
func newScale(lo, hi float64, n int, log, nice, integers bool) scale {
	s := scale{lo: lo, hi: hi, log: log, integers: integers}
	if log {
		if hi <= lo {
			lo, hi = lo/2, hi*2
		}
		if nice {
			lo, hi = logNiceRange(lo, hi)
		}
		s.lo, s.hi = lo, hi
		for _, t := range logTicks(lo, hi) {
			if t >= lo*(1-1e-9) && t <= hi*(1+1e-9) {
				s.ticks = append(s.ticks, t)
				s.labels = append(s.labels, logTickLabel(t))
			}
		}
		return s
	}
	ticks := NiceTicks(lo, hi, n)
	if integers && len(ticks) >= 2 {
		if step := ticks[1] - ticks[0]; step != math.Trunc(step) {
			ticks = ticksWithStep(lo, hi, math.Max(1, math.Floor(step)))
		}
	}
	if len(ticks) < 2 {
		ticks = []float64{lo, hi}
	}
	if nice {
		s.lo, s.hi = ticks[0], ticks[len(ticks)-1]
	} else if s.hi == s.lo {
		s.lo, s.hi = ticks[0], ticks[len(ticks)-1]
	}
	step := ticks[1] - ticks[0]
	for _, t := range ticks {
		if t >= s.lo-step*1e-6 && t <= s.hi+step*1e-6 {
			s.ticks = append(s.ticks, t)
			s.labels = append(s.labels, tickLabel(t, step))
		}
	}
	return s
}

// maxLabelWidth returns the widest estimated tick label of s.
func (s scale) maxLabelWidth(size float64) float64 {
	w := 0.0
	for _, l := range s.labels {
		w = math.Max(w, textWidth(l, size))
	}
	return w
}

// frame draws horizontal grid lines at the y ticks, the x and y axes, their
// tick labels and the axis titles for the plot area spanned by xs and ys.
func (d *svgDoc) frame(xs, ys scale, xLabel, yLabel string, xTicks bool) {
	left, right := xs.p0, xs.p1
	bottom, top := ys.p0, ys.p1
	d.raw(`<g class="grid" stroke="%s" stroke-width="1">`, gridColor)
	for _, t := range ys.ticks {
		y := ys.pos(t)
		d.raw(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(left), num(y), num(right), num(y))
	}
	d.raw(`</g>`)
	d.raw(`<g class="axis" stroke="%s" stroke-width="1"><line x1="%s" y1="%s" x2="%s" y2="%s"/><line x1="%s" y1="%s" x2="%s" y2="%s"/></g>`,
		axisColor, num(left), num(bottom), num(right), num(bottom), num(left), num(top), num(left), num(bottom))
	d.raw(`<g class="ticks" fill="%s">`, mutedColor)
	for i, t := range ys.ticks {
		d.text(left-6, ys.pos(t)+tickSize*0.35, ys.labels[i], tickSize, "end", `class="tick"`)
	}
	if xTicks {
		for i, t := range xs.ticks {
			x := xs.pos(t)
			d.raw(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(x), num(bottom), num(x), num(bottom+4), axisColor)
			d.text(x, bottom+6+tickSize, xs.labels[i], tickSize, "middle", `class="tick"`)
		}
	}
	d.raw(`</g>`)
	if xLabel != "" {
		d.text((left+right)/2, bottom+8+tickSize+labelSize+4, xLabel, labelSize, "middle", `class="axis-label"`)
	}
	if yLabel != "" {
		x := left - 10 - ys.maxLabelWidth(tickSize) - 6
		y := (top + bottom) / 2
		d.raw(`<text class="axis-label" x="%s" y="%s" font-size="%s" text-anchor="middle" transform="rotate(-90 %s %s)">%s</text>`,
			num(x), num(y), num(labelSize), num(x), num(y), esc(yLabel))
	}
}

// legendEntry is one swatch and name of a legend.
type legendEntry struct {
	name, color string
	dashed      bool
}

// legendHeight returns the height a legend of entries takes when flowed into
// rows of at most width pixels.
func legendHeight(entries []legendEntry, width float64) float64 {
	if len(entries) == 0 {
		return 0
	}
	rows := len(legendRows(entries, width))
	return float64(rows)*18 + 4
}

// legendRows splits entries into rows that fit width and returns, per row,
// the entries' indices.
func legendRows(entries []legendEntry, width float64) [][]int {
	var rows [][]int
	var cur []int
	used := 0.0
	for i, e := range entries {
		w := legendItemWidth(e)
		if len(cur) > 0 && used+w > width {
			rows = append(rows, cur)
			cur, used = nil, 0
		}
		cur = append(cur, i)
		used += w
	}
	if len(cur) > 0 {
		rows = append(rows, cur)
	}
	return rows
}

// legendItemWidth is the width of one legend entry including its spacing.
func legendItemWidth(e legendEntry) float64 {
	return 22 + textWidth(e.name, tickSize) + 16
}

// legend draws entries centered on cx, flowing rows downward from y, within
// width pixels.
func (d *svgDoc) legend(entries []legendEntry, cx, y, width float64) {
	d.raw(`<g class="legend">`)
	for r, row := range legendRows(entries, width) {
		total := 0.0
		for _, i := range row {
			total += legendItemWidth(entries[i])
		}
		x := cx - (total-16)/2
		yy := y + float64(r)*18 + 9
		for _, i := range row {
			e := entries[i]
			dash := ""
			if e.dashed {
				dash = ` stroke-dasharray="5 3"`
			}
			d.raw(`<g class="legend-item"><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3" stroke-linecap="round"%s/>`,
				num(x), num(yy), num(x+16), num(yy), esc(e.color), dash)
			d.text(x+22, yy+tickSize*0.35, e.name, tickSize, "start", "")
			d.raw(`</g>`)
			x += legendItemWidth(e)
		}
	}
	d.raw(`</g>`)
}

// clipSegment clips the segment (x0,y0)-(x1,y1) to the rectangle
// [xmin,xmax]×[ymin,ymax] (Liang–Barsky). ok is false if nothing remains.
func clipSegment(x0, y0, x1, y1, xmin, ymin, xmax, ymax float64) (a0, b0, a1, b1 float64, ok bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := x1-x0, y1-y0
	p := [4]float64{-dx, dx, -dy, dy}
	q := [4]float64{x0 - xmin, xmax - x0, y0 - ymin, ymax - y0}
	for i := range 4 {
		if p[i] == 0 {
			if q[i] < 0 {
				return 0, 0, 0, 0, false
			}
			continue
		}
		r := q[i] / p[i]
		if p[i] < 0 {
			if r > t1 {
				return 0, 0, 0, 0, false
			}
			t0 = math.Max(t0, r)
		} else {
			if r < t0 {
				return 0, 0, 0, 0, false
			}
			t1 = math.Min(t1, r)
		}
	}
	return x0 + t0*dx, y0 + t0*dy, x0 + t1*dx, y0 + t1*dy, true
}

// polylines turns pixel points into polylines clipped to the rectangle; a
// NaN point breaks the line. Isolated points are returned separately so they
// can be drawn as dots.
func polylines(px, py []float64, xmin, ymin, xmax, ymax float64) (lines [][][2]float64, dots [][2]float64) {
	var cur [][2]float64
	flush := func() {
		if len(cur) > 1 {
			lines = append(lines, cur)
		}
		cur = nil
	}
	prev := -1
	run := 0
	for i := range px {
		if !finite(px[i]) || !finite(py[i]) {
			if run == 1 && prev >= 0 && inside(px[prev], py[prev], xmin, ymin, xmax, ymax) {
				dots = append(dots, [2]float64{px[prev], py[prev]})
			}
			flush()
			prev, run = -1, 0
			continue
		}
		run++
		if prev >= 0 {
			a0, b0, a1, b1, ok := clipSegment(px[prev], py[prev], px[i], py[i], xmin, ymin, xmax, ymax)
			if ok {
				if len(cur) == 0 || cur[len(cur)-1] != [2]float64{a0, b0} {
					flush()
					cur = append(cur, [2]float64{a0, b0})
				}
				cur = append(cur, [2]float64{a1, b1})
				if a1 != px[i] || b1 != py[i] {
					flush()
				}
			} else {
				flush()
			}
		}
		prev = i
	}
	if run == 1 && prev >= 0 && inside(px[prev], py[prev], xmin, ymin, xmax, ymax) {
		dots = append(dots, [2]float64{px[prev], py[prev]})
	}
	flush()
	return lines, dots
}

// inside reports whether (x, y) lies in the rectangle.
func inside(x, y, xmin, ymin, xmax, ymax float64) bool {
	return x >= xmin && x <= xmax && y >= ymin && y <= ymax
}

// pointsAttr formats points for a polyline's points attribute.
func pointsAttr(pts [][2]float64) string {
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(p[0]))
		b.WriteByte(',')
		b.WriteString(num(p[1]))
	}
	return b.String()
}

// decimate reduces a series to at most about limit points by keeping, in each
// bucket of consecutive points, the ones with the smallest and largest y (in
// their original order), so that spikes survive. NaN points are kept as line
// breaks.
func decimate(x, y []float64, limit int) ([]float64, []float64) {
	if limit < 4 || len(x) <= limit {
		return x, y
	}
	bucket := int(math.Ceil(float64(len(x)) / float64(limit) * 2))
	var ox, oy []float64
	for s := 0; s < len(x); s += bucket {
		e := min(s+bucket, len(x))
		lo, hi, gap := -1, -1, false
		for i := s; i < e; i++ {
			if !finite(x[i]) || !finite(y[i]) {
				gap = true
				continue
			}
			if lo < 0 || y[i] < y[lo] {
				lo = i
			}
			if hi < 0 || y[i] > y[hi] {
				hi = i
			}
		}
		if gap {
			ox, oy = append(ox, math.NaN()), append(oy, math.NaN())
		}
		if lo < 0 {
			continue
		}
		a, b := min(lo, hi), max(lo, hi)
		ox, oy = append(ox, x[a]), append(oy, y[a])
		if b != a {
			ox, oy = append(ox, x[b]), append(oy, y[b])
		}
	}
	return ox, oy
}
