package plot

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Path is a polyline drawn over a Contour plot, such as the α path of an optimizer: a ring
// marks its first point and a dot its last.
type Path struct {
	// Name is shown in the legend.
	Name string
	// X and Y are the points, in data coordinates; NaN breaks the line.
	X, Y []float64
	// Color is a CSS color; empty means the next Palette color.
	Color string
	// Dashed draws the line dashed.
	Dashed bool
	// NoLine draws only a dot at every point (a scatter plot).
	NoLine bool
}

// Arrow is a vector drawn over a Contour plot from (X, Y) to (X+DX, Y+DY), in data
// coordinates, such as a gradient at a point.
type Arrow struct {
	// X, Y is the tail; DX, DY the vector.
	X, Y, DX, DY float64
	// Name is shown in the legend (arrows of one name share one legend entry).
	Name string
	// Color is a CSS color; empty means the next Palette color.
	Color string
}

// ContourOptions adjusts Contour. The zero value gives the defaults.
type ContourOptions struct {
	// Width and Height are the size of the plot in pixels; 0 means 460×400.
	Width, Height int
	// XLabel and YLabel title the axes.
	XLabel, YLabel string
	// Levels is the number of contour lines; 0 means 12, negative none.
	Levels int
	// Quantiles spaces the contour levels and the colors by the quantiles of the values
	// instead of linearly, to resolve a deep valley in a landscape of large values.
	Quantiles bool
	// Range fixes the values mapped to the lightest and darkest colors (and spanned by the
	// levels); the zero value uses the smallest and largest finite value.
	Range [2]float64
	// XRange and YRange fix the axes when there is no grid (values nil); with a grid the axes
	// span its coordinates.
	XRange, YRange [2]float64
	// ColorbarLabel is written above the color bar, e.g. "validation loss".
	ColorbarLabel string
	// Paths and Arrows are drawn over the landscape, in order; they are clipped to it.
	Paths  []Path
	Arrows []Arrow
}

// Contour draws a function of two variables — values[r][c] at (xs[c], ys[r]) — as filled
// color cells (light for low values, dark blue for high ones) with contour lines (marching
// squares), a color bar, and optional paths and arrows on top: a validation-loss landscape
// over two architecture logits with optimizer paths and gradient arrows. xs and ys must be
// increasing. values may be nil, to draw only paths and arrows in XRange × YRange. It returns
// an error for inconsistent shapes or ranges.
func Contour(title string, xs, ys []float64, values [][]float64, opt ContourOptions) (string, error) {
	w, h := float64(opt.Width), float64(opt.Height)
	if w <= 0 {
		w = 460
	}
	if h <= 0 {
		h = 400
	}
	grid := values != nil
	xr, yr := opt.XRange, opt.YRange
	if grid {
		if len(xs) < 2 || len(ys) < 2 {
			return "", fmt.Errorf("plot.Contour: need at least 2×2 grid points, got %d×%d", len(xs), len(ys))
		}
		if len(values) != len(ys) {
			return "", fmt.Errorf("plot.Contour: %d rows of values for %d y coordinates", len(values), len(ys))
		}
		for r, row := range values {
			if len(row) != len(xs) {
				return "", fmt.Errorf("plot.Contour: row %d has %d values for %d x coordinates", r, len(row), len(xs))
			}
		}
		for _, c := range [][]float64{xs, ys} {
			for i := 1; i < len(c); i++ {
				if !(c[i] > c[i-1]) {
					return "", fmt.Errorf("plot.Contour: grid coordinates must increase (%g then %g)", c[i-1], c[i])
				}
			}
		}
		xr, yr = [2]float64{xs[0], xs[len(xs)-1]}, [2]float64{ys[0], ys[len(ys)-1]}
	}
	if err := checkRange("XRange", xr, false); err != nil || xr == [2]float64{} {
		return "", fmt.Errorf("plot.Contour: without values, XRange and YRange must be set: %v", err)
	}
	if err := checkRange("YRange", yr, false); err != nil || yr == [2]float64{} {
		return "", fmt.Errorf("plot.Contour: without values, XRange and YRange must be set: %v", err)
	}
	if err := checkRange("Range", opt.Range, false); err != nil {
		return "", err
	}
	for i, p := range opt.Paths {
		if len(p.X) != len(p.Y) {
			return "", fmt.Errorf("plot.Contour: path %d (%q) has %d x and %d y values", i, p.Name, len(p.X), len(p.Y))
		}
	}

	// Value scale: t(v) in [0, 1], linear or by quantile.
	var finiteVals []float64
	for _, row := range values {
		for _, v := range row {
			if finite(v) {
				finiteVals = append(finiteVals, v)
			}
		}
	}
	slices.Sort(finiteVals)
	lo, hi := math.NaN(), math.NaN()
	if len(finiteVals) > 0 {
		lo, hi = finiteVals[0], finiteVals[len(finiteVals)-1]
	}
	if opt.Range != [2]float64{} {
		lo, hi = opt.Range[0], opt.Range[1]
	}
	tOf := func(v float64) float64 {
		if hi <= lo {
			return 0.5
		}
		if opt.Quantiles && len(finiteVals) > 1 {
			i, _ := slices.BinarySearch(finiteVals, v)
			return clamp(float64(i)/float64(len(finiteVals)-1), 0, 1)
		}
		return clamp((v-lo)/(hi-lo), 0, 1)
	}
	var levels []float64
	if n := opt.Levels; grid && n >= 0 && hi > lo {
		if n == 0 {
			n = 12
		}
		for k := 1; k <= n; k++ {
			f := float64(k) / float64(n+1)
			if opt.Quantiles {
				levels = append(levels, finiteVals[int(math.Round(f*float64(len(finiteVals)-1)))])
			} else {
				levels = append(levels, lo+f*(hi-lo))
			}
		}
		levels = slices.Compact(levels)
	}

	// Legend of the named paths and arrows.
	var entries []legendEntry
	colors := map[string]string{}
	next := 0
	pick := func(name, c string) string {
		if c != "" {
			return c
		}
		if c, ok := colors[name]; ok && name != "" {
			return c
		}
		c = Palette(next)
		next++
		return c
	}
	pathColors := make([]string, len(opt.Paths))
	for i, p := range opt.Paths {
		pathColors[i] = pick(p.Name, p.Color)
		if p.Name != "" {
			if _, seen := colors[p.Name]; !seen {
				entries = append(entries, legendEntry{p.Name, pathColors[i], p.Dashed})
			}
			colors[p.Name] = pathColors[i]
		}
	}
	arrowColors := make([]string, len(opt.Arrows))
	for i, a := range opt.Arrows {
		arrowColors[i] = pick(a.Name, a.Color)
		if a.Name != "" {
			if _, seen := colors[a.Name]; !seen {
				entries = append(entries, legendEntry{a.Name, arrowColors[i], false})
			}
			colors[a.Name] = arrowColors[i]
		}
	}

	d := newSVG(w, h, "contour")
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
	ysc := newScale(yr[0], yr[1], int(clamp(math.Round((bottom-top)/50), 3, 8)), false, false, false)
	left := 14 + ysc.maxLabelWidth(tickSize) + 6
	if opt.YLabel != "" {
		left += labelSize + 8
	}
	right := w - 20
	if grid {
		right = w - 70 // room for the color bar
	}
	ysc.p0, ysc.p1 = bottom, top
	xsc := newScale(xr[0], xr[1], int(clamp((right-left)/60, 2, 10)), false, false, false)
	xsc.p0, xsc.p1 = left, right
	xsc = fitLabels(xsc)

	// The frame first: the cells then cover its horizontal grid lines, which would read as
	// contour lines.
	d.frame(xsc, ysc, opt.XLabel, opt.YLabel, true)
	if grid {
		// Cells: node (r, c) fills the rectangle between the midpoints to its neighbours.
		edges := func(c []float64, i int) (float64, float64) {
			a, b := c[i], c[i]
			if i > 0 {
				a = (c[i-1] + c[i]) / 2
			}
			if i < len(c)-1 {
				b = (c[i] + c[i+1]) / 2
			}
			return a, b
		}
		d.raw(`<g class="cells" shape-rendering="crispEdges">`)
		for r := range ys {
			y0, y1 := edges(ys, r)
			py0, py1 := ysc.pos(y1), ysc.pos(y0)
			for c := range xs {
				x0, x1 := edges(xs, c)
				px0, px1 := xsc.pos(x0), xsc.pos(x1)
				fill := "#d0d0d0"
				if v := values[r][c]; finite(v) {
					fill, _ = blues(0.9 * tOf(v))
				}
				d.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
					num(px0), num(py0), num(px1-px0+0.5), num(py1-py0+0.5), fill)
			}
		}
		d.raw(`</g>`)
		// Contour lines.
		d.raw(`<g class="contours" fill="none" stroke="#ffffff" stroke-opacity="0.8" stroke-width="1">`)
		for _, lv := range levels {
			var b strings.Builder
			for _, s := range marchingSquares(xs, ys, values, lv) {
				fmt.Fprintf(&b, "M%s %sL%s %s", num(xsc.pos(s[0])), num(ysc.pos(s[1])), num(xsc.pos(s[2])), num(ysc.pos(s[3])))
			}
			if b.Len() > 0 {
				d.raw(`<path class="contour" d="%s"><title>%s</title></path>`, b.String(), esc(fmt.Sprintf("%.4g", lv)))
			}
		}
		d.raw(`</g>`)
	}
	// The axes' box, on top of the cells.
	d.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="%s"/>`, num(left), num(top), num(right-left), num(bottom-top), axisColor)

	for i, p := range opt.Paths {
		color := esc(pathColors[i])
		px, py := make([]float64, len(p.X)), make([]float64, len(p.Y))
		for k := range p.X {
			px[k], py[k] = math.NaN(), math.NaN()
			if finite(p.X[k]) && finite(p.Y[k]) {
				px[k], py[k] = xsc.pos(p.X[k]), ysc.pos(p.Y[k])
			}
		}
		d.raw(`<g class="path" stroke="%s" fill="none" stroke-width="2.2" stroke-linejoin="round" stroke-linecap="round"><title>%s</title>`, color, esc(p.Name))
		if p.NoLine {
			for k := range px {
				if finite(px[k]) && inside(px[k], py[k], left, top, right, bottom) {
					d.raw(`<circle cx="%s" cy="%s" r="2.2" fill="%s" fill-opacity="0.6" stroke="none"/>`, num(px[k]), num(py[k]), color)
				}
			}
			d.raw(`</g>`)
			continue
		}
		dash := ""
		if p.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		lines, _ := polylines(px, py, left, top, right, bottom)
		for _, l := range lines {
			d.raw(`<polyline points="%s"%s/>`, pointsAttr(l), dash)
		}
		first, last := -1, -1
		for k := range px {
			if finite(px[k]) {
				if first < 0 {
					first = k
				}
				last = k
			}
		}
		if first >= 0 && inside(px[first], py[first], left, top, right, bottom) {
			d.raw(`<circle class="path-start" cx="%s" cy="%s" r="4" fill="#ffffff"/>`, num(px[first]), num(py[first]))
		}
		if last >= 0 && inside(px[last], py[last], left, top, right, bottom) {
			d.raw(`<circle class="path-end" cx="%s" cy="%s" r="4" fill="%s" stroke="#ffffff" stroke-width="1"/>`, num(px[last]), num(py[last]), color)
		}
		d.raw(`</g>`)
	}
	for i, a := range opt.Arrows {
		if !finite(a.X) || !finite(a.Y) || !finite(a.DX) || !finite(a.DY) {
			continue
		}
		x0, y0 := xsc.pos(a.X), ysc.pos(a.Y)
		x1, y1 := xsc.pos(a.X+a.DX), ysc.pos(a.Y+a.DY)
		cx0, cy0, cx1, cy1, ok := clipSegment(x0, y0, x1, y1, left, top, right, bottom)
		if !ok {
			continue
		}
		color := esc(arrowColors[i])
		d.raw(`<g class="arrow" stroke="%s" fill="%s"><title>%s</title>`, color, color, esc(a.Name))
		d.raw(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke-width="2.2" stroke-linecap="round"/>`, num(cx0), num(cy0), num(cx1), num(cy1))
		if cx1 == x1 && cy1 == y1 { // the head, unless clipped away
			if l := math.Hypot(x1-x0, y1-y0); l > 1 {
				ux, uy := (x1-x0)/l, (y1-y0)/l
				hl := math.Min(10, 0.6*l)
				bx, by := x1-hl*ux, y1-hl*uy
				d.raw(`<polygon stroke="none" points="%s,%s %s,%s %s,%s"/>`, num(x1), num(y1),
					num(bx-0.45*hl*uy), num(by+0.45*hl*ux), num(bx+0.45*hl*uy), num(by-0.45*hl*ux))
			}
		}
		d.raw(`<circle cx="%s" cy="%s" r="2.5" stroke="none"/></g>`, num(x0), num(y0))
	}

	if grid && hi > lo {
		// Color bar.
		bx, bw := right+18, 14.0
		d.raw(`<g class="colorbar">`)
		const steps = 40
		for k := range steps {
			f := (float64(k) + 0.5) / steps // bottom to top
			c, _ := blues(0.9 * f)
			y := bottom - (float64(k)+1)*(bottom-top)/steps
			d.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(bx), num(y), num(bw), num((bottom-top)/steps+0.5), c)
		}
		label := func(f float64) float64 { // the value at fraction f of the bar
			if opt.Quantiles && len(finiteVals) > 1 && opt.Range == [2]float64{} {
				return finiteVals[int(math.Round(f*float64(len(finiteVals)-1)))]
			}
			return lo + f*(hi-lo)
		}
		for _, f := range []float64{0, 0.25, 0.5, 0.75, 1} {
			y := bottom - f*(bottom-top)
			d.text(bx+bw+3, y+tickSize*0.35, fmt.Sprintf("%.4g", label(f)), tickSize-1, "start", `class="tick" fill="`+mutedColor+`"`)
		}
		if opt.ColorbarLabel != "" {
			d.text(bx+bw/2, top-4, opt.ColorbarLabel, tickSize-1, "middle", `class="colorbar-label"`)
		}
		d.raw(`</g>`)
	}
	return d.String(), nil
}

// marchingSquares returns the segments (x0, y0, x1, y1) of the level line z = level through
// the grid; saddle cells are resolved by the mean of their corners.
func marchingSquares(xs, ys []float64, z [][]float64, level float64) [][4]float64 {
	var segs [][4]float64
	for r := 0; r+1 < len(ys); r++ {
		for c := 0; c+1 < len(xs); c++ {
			// Corners counter-clockwise from bottom-left: (c,r), (c+1,r), (c+1,r+1), (c,r+1).
			v := [4]float64{z[r][c], z[r][c+1], z[r+1][c+1], z[r+1][c]}
			px := [4]float64{xs[c], xs[c+1], xs[c+1], xs[c]}
			py := [4]float64{ys[r], ys[r], ys[r+1], ys[r+1]}
			ok := true
			for _, x := range v {
				ok = ok && finite(x)
			}
			if !ok {
				continue
			}
			// The crossing point on each side k (from corner k to corner k+1), if any.
			var cross [4][2]float64
			var has [4]bool
			for k := range 4 {
				a, b := v[k], v[(k+1)%4]
				if (a < level) != (b < level) {
					t := (level - a) / (b - a)
					cross[k] = [2]float64{px[k] + t*(px[(k+1)%4]-px[k]), py[k] + t*(py[(k+1)%4]-py[k])}
					has[k] = true
				}
			}
			var sides []int
			for k := range 4 {
				if has[k] {
					sides = append(sides, k)
				}
			}
			switch len(sides) {
			case 2:
				a, b := cross[sides[0]], cross[sides[1]]
				segs = append(segs, [4]float64{a[0], a[1], b[0], b[1]})
			case 4:
				// Saddle: pair the sides so that the centre's side stays connected.
				centre := (v[0] + v[1] + v[2] + v[3]) / 4
				// Corners 0 and 2 are on one side of the level, 1 and 3 on the other: when the
				// centre is on corner 0's side, the lines cut off corners 1 and 3.
				pairs := [2][2]int{{0, 3}, {1, 2}}
				if (centre < level) == (v[0] < level) {
					pairs = [2][2]int{{0, 1}, {2, 3}}
				}
				for _, pr := range pairs {
					a, b := cross[pr[0]], cross[pr[1]]
					segs = append(segs, [4]float64{a[0], a[1], b[0], b[1]})
				}
			}
		}
	}
	return segs
}
