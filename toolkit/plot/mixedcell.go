package plot

import (
	"fmt"
	"math"
)

// MixedCellOptions adjusts MixedCell. The zero value gives the defaults.
type MixedCellOptions struct {
	// Width is the width of the plot in pixels; 0 means 640.
	Width int
	// MaxStroke is the stroke width, in pixels, of an operation of weight 1; 0 means 10.
	MaxStroke float64
}

// MixedCell draws a DARTS-style cell of the supernet with every candidate operation of every
// edge as its own line, whose width is proportional to its mixing weight and whose color is
// OpColor: the picture of the relaxation, in which an edge is a weighted sum of operations.
// The cell has `inputs` input states (labelled c_{k-2}, c_{k-1} for two) and `steps`
// intermediate nodes (0, 1, ...); edges are in quark0/darts's order (for each node, one per
// earlier state), so ops and weights have one row per edge: the operations of the edge and
// their weights (mixing weights in [0, 1]; larger values are drawn at MaxStroke). It returns an
// error for inconsistent shapes.
func MixedCell(title string, inputs, steps int, ops [][]string, weights [][]float64, opt MixedCellOptions) (string, error) {
	if inputs < 1 || steps < 1 {
		return "", fmt.Errorf("plot.MixedCell: %d inputs and %d steps must be positive", inputs, steps)
	}
	nEdges := steps*inputs + steps*(steps-1)/2
	if len(ops) != nEdges || len(weights) != nEdges {
		return "", fmt.Errorf("plot.MixedCell: %d op rows and %d weight rows for %d edges", len(ops), len(weights), nEdges)
	}
	for e := range ops {
		if len(ops[e]) != len(weights[e]) {
			return "", fmt.Errorf("plot.MixedCell: edge %d has %d operations and %d weights", e, len(ops[e]), len(weights[e]))
		}
	}
	w := float64(opt.Width)
	if w <= 0 {
		w = 640
	}
	maxStroke := opt.MaxStroke
	if maxStroke <= 0 {
		maxStroke = 10
	}
	// Legend: every operation that appears, in order of first appearance.
	var entries []legendEntry
	seen := map[string]bool{}
	for _, row := range ops {
		for _, op := range row {
			if !seen[op] {
				seen[op] = true
				entries = append(entries, legendEntry{op, OpColor(op), op == "none"})
			}
		}
	}
	rowGap := 110.0
	h := 60 + legendHeight(entries, w-40) + float64(max(inputs, 2))*rowGap
	d := newSVG(w, h, "mixed-cell")
	top := d.title(title)
	d.legend(entries, w/2, top-4, w-40)
	top += legendHeight(entries, w-40) + 10
	mid := top + (h-top-10)/2

	// Node positions: inputs stacked in column 0, node i in column i+1, output last.
	cols := float64(steps + 2)
	colW := (w - 80) / (cols - 1)
	type node struct {
		x, y  float64
		label string
		fill  string
	}
	var nodes []node
	for i := range inputs {
		label := fmt.Sprintf("in %d", i)
		if inputs == 2 {
			label = []string{"c_{k-2}", "c_{k-1}"}[i]
		}
		y := mid + (float64(i)-float64(inputs-1)/2)*rowGap
		nodes = append(nodes, node{40, y, label, "#b4eeb4"})
	}
	for i := range steps {
		nodes = append(nodes, node{40 + float64(i+1)*colW, mid, fmt.Sprint(i), "#add8e6"})
	}
	out := node{40 + float64(steps+1)*colW, mid, "c_{k}", "#eee8aa"}
	const nodeR = 17.0

	e := 0
	d.raw(`<g class="edges" fill="none" stroke-linecap="round">`)
	for j := range steps {
		to := nodes[inputs+j]
		for i := 0; i < inputs+j; i++ {
			from := nodes[i]
			// A quadratic Bézier from node to node; edges that skip over nodes bend away from
			// the row of nodes (up for even sources, down for odd ones).
			x0, y0, x1, y1 := from.x+nodeR, from.y, to.x-nodeR, to.y
			cx, cy := (x0+x1)/2, (y0+y1)/2
			span := (to.x - from.x) / colW
			if span > 1.01 {
				dir := -1.0
				if i%2 == 1 {
					dir = 1
				}
				cy += dir * (28*span + 10)
			}
			// Unit normal of the chord, to spread the operations of the edge apart.
			nx, ny := -(y1 - y0), x1-x0
			nl := math.Hypot(nx, ny)
			nx, ny = nx/nl, ny/nl
			k := len(ops[e])
			gap := maxStroke * 0.55
			for o, op := range ops[e] {
				wt := weights[e][o]
				if !finite(wt) || wt <= 0 {
					continue
				}
				off := (float64(o) - float64(k-1)/2) * gap
				sw := math.Max(0.4, maxStroke*math.Min(wt, 1))
				dash := ""
				if op == "none" {
					dash = ` stroke-dasharray="4 3"`
				}
				d.raw(`<path class="op" d="M%s %sQ%s %s %s %s" stroke="%s" stroke-width="%s" stroke-opacity="0.85"%s><title>%s</title></path>`,
					num(x0+off*nx), num(y0+off*ny), num(cx+off*nx), num(cy+off*ny), num(x1+off*nx), num(y1+off*ny),
					esc(OpColor(op)), num(sw), dash, esc(fmt.Sprintf("%s→%s %s %.3f", plainLabel(from.label), plainLabel(to.label), op, wt)))
			}
			e++
		}
	}
	// Intermediate nodes into the output.
	for j := range steps {
		n := nodes[inputs+j]
		cy := (n.y + out.y) / 2
		if j < steps-1 {
			cy -= 20 + 14*float64(steps-1-j)
		}
		d.raw(`<path class="concat" d="M%s %sQ%s %s %s %s" stroke="#999999" stroke-width="1.4" stroke-dasharray="2 3"/>`,
			num(n.x+nodeR), num(n.y), num((n.x+out.x)/2), num(cy), num(out.x-nodeR), num(out.y))
	}
	d.raw(`</g>`)
	for _, n := range append(nodes, out) {
		d.raw(`<g class="node"><circle cx="%s" cy="%s" r="%s" fill="%s" stroke="#333333" stroke-width="1.5"/>`, num(n.x), num(n.y), num(nodeR), n.fill)
		d.text(n.x, n.y+4, plainLabel(n.label), 11, "middle", "")
		d.raw(`</g>`)
	}
	return d.String(), nil
}

// plainLabel writes c_{k-2} as c(k-2) for small text.
func plainLabel(l string) string {
	switch l {
	case "c_{k-2}":
		return "k-2"
	case "c_{k-1}":
		return "k-1"
	case "c_{k}":
		return "out"
	}
	return l
}
