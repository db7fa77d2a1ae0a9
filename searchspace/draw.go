package searchspace

import (
	"fmt"
	"math"
	"strings"
)

// OpColor returns the stroke colour used to draw an operation, one per OpFamily.
func OpColor(op string) string {
	switch OpFamily(op) {
	case "sep_conv":
		return "#1f77b4"
	case "dil_conv":
		return "#9467bd"
	case "pool":
		if strings.HasPrefix(op, "max") {
			return "#2ca02c"
		}
		return "#17becf"
	case "skip":
		return "#ff7f0e"
	case "conv", "mbconv":
		return "#d62728"
	case "noise":
		return "#8c564b"
	case "none":
		return "#b0b0b0"
	}
	return "#555555"
}

// cellNode is a node of a drawn cell: state index s (0, 1 inputs, 2+i intermediate), or -1
// for the output.
type cellNode struct {
	state int
	col   int
	x, y  float64
	label string
	class string
	fill  string
}

// cellDrawing is the laid-out drawing of one cell.
type cellDrawing struct {
	nodes         []cellNode // inputs, intermediates, output last
	width, height float64
}

const (
	colW  = 230.0
	rowH  = 84.0
	nodeW = 78.0
	nodeH = 36.0
	pad   = 28.0
	headH = 34.0
)

func stateLabel(s int) string {
	switch s {
	case 0:
		return "c_{k-2}"
	case 1:
		return "c_{k-1}"
	case -1:
		return "c_{k}"
	}
	return fmt.Sprint(s - 2)
}

// validateDrawCell checks a single cell for drawing.
func validateDrawCell(ops []OpInput, concat []int) error {
	if err := validateCell(ops, concat); err != nil {
		return fmt.Errorf("draw cell: %w", err)
	}
	return nil
}

// layoutCell places the nodes of a cell in layers: inputs in column 0, intermediate node i in
// column 1 + the largest column of its inputs, the output one column right of all; nodes of a
// column are stacked in state order and centred vertically.
func layoutCell(ops []OpInput) cellDrawing {
	steps := len(ops) / 2
	col := make([]int, 2+steps)
	maxCol := 0
	for i := 0; i < steps; i++ {
		c := 0
		for _, o := range ops[2*i : 2*i+2] {
			c = max(c, col[o.Input]+1)
		}
		col[2+i] = c
		maxCol = max(maxCol, c)
	}
	var d cellDrawing
	for s := 0; s < 2+steps; s++ {
		n := cellNode{state: s, col: col[s], label: stateLabel(s)}
		if s < 2 {
			n.class, n.fill = "node input", "#b4eeb4"
		} else {
			n.class, n.fill = "node intermediate", "#add8e6"
		}
		d.nodes = append(d.nodes, n)
	}
	d.nodes = append(d.nodes, cellNode{state: -1, col: maxCol + 1, label: stateLabel(-1), class: "node output", fill: "#eee8aa"})
	perCol := map[int][]int{}
	rows := 0
	for k, n := range d.nodes {
		perCol[n.col] = append(perCol[n.col], k)
		rows = max(rows, len(perCol[n.col]))
	}
	d.height = headH + 2*pad + float64(rows)*rowH
	d.width = 2*pad + nodeW + float64(maxCol+1)*colW
	for c, ks := range perCol {
		top := headH + pad + (float64(rows)-float64(len(ks)))*rowH/2
		for r, k := range ks {
			d.nodes[k].x = pad + nodeW/2 + float64(c)*colW
			d.nodes[k].y = top + rowH/2 + float64(r)*rowH
		}
	}
	return d
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

// svgLabel renders c_{k-2} with a subscript.
func svgLabel(l string) string {
	if base, sub, ok := strings.Cut(l, "_{"); ok {
		sub = strings.TrimSuffix(sub, "}")
		return xmlEscape(base) + `<tspan dy="5" font-size="12">` + xmlEscape(sub) + `</tspan>`
	}
	return xmlEscape(l)
}

// cellSVGBody writes the elements of one cell translated by (ox, oy), ids prefixed by prefix.
func cellSVGBody(b *strings.Builder, ops []OpInput, concat []int, title, prefix string, ox, oy float64) cellDrawing {
	d := layoutCell(ops)
	fmt.Fprintf(b, `<g class="cell" id="%s" transform="translate(%g,%g)">`+"\n", xmlEscape(prefix), ox, oy)
	if title != "" {
		fmt.Fprintf(b, `<text class="title" x="%g" y="%g" font-size="18" font-weight="bold" text-anchor="middle">%s</text>`+"\n", d.width/2, pad, xmlEscape(title))
	}
	pos := func(state int) cellNode {
		if state < 0 {
			return d.nodes[len(d.nodes)-1]
		}
		return d.nodes[state]
	}
	// Op edges; repeated (from, to) pairs bend apart.
	seen := map[[2]int]int{}
	for k, o := range ops {
		to := 2 + k/2
		key := [2]int{o.Input, to}
		rep := seen[key]
		seen[key]++
		u, v := pos(o.Input), pos(to)
		x1, y1 := u.x+nodeW/2, u.y
		x2, y2 := v.x-nodeW/2, v.y
		// Edges that jump over a column bend away from the vertical centre, around the
		// nodes in between; repeated edges bend apart.
		bend := float64(rep) * 34
		if span := v.col - u.col; span > 1 {
			dir := 1.0
			if (y1+y2)/2 > d.height/2+1 {
				dir = -1
			}
			bend += dir * (30*float64(span-1) + 24)
		}
		cx1, cy1 := x1+(x2-x1)/3, y1+(y2-y1)/3-bend
		cx2, cy2 := x1+2*(x2-x1)/3, y1+2*(y2-y1)/3-bend
		// Labels sit at t = 0.62, nearer the target, where edges into one node fan apart.
		const t = 0.62
		w0, w1, w2, w3 := (1-t)*(1-t)*(1-t), 3*(1-t)*(1-t)*t, 3*(1-t)*t*t, t*t*t
		lx := w0*x1 + w1*cx1 + w2*cx2 + w3*x2
		ly := w0*y1 + w1*cy1 + w2*cy2 + w3*y2
		color := OpColor(o.Op)
		dash := ""
		if o.Op == OpNone {
			dash = ` stroke-dasharray="5,4"`
		}
		fmt.Fprintf(b, `<g class="edge op" id="%s-edge-%d" data-op="%s" data-from="%s" data-to="%s">`,
			xmlEscape(prefix), k, xmlEscape(o.Op), xmlEscape(u.label), xmlEscape(v.label))
		fmt.Fprintf(b, `<path d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="none" stroke="%s" stroke-width="2.2"%s marker-end="url(#%s-arrow)"/>`,
			x1, y1, cx1, cy1, cx2, cy2, x2, y2, color, dash, xmlEscape(prefix))
		w := 7.0*float64(len(o.Op)) + 8
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="16" rx="3" fill="white" fill-opacity="0.85"/>`, lx-w/2, ly-11, w)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" fill="%s">%s</text></g>`+"\n", lx, ly+1, color, xmlEscape(o.Op))
	}
	// Concat edges into the output.
	out := pos(-1)
	for _, s := range concat {
		u := pos(s)
		x1, y1 := u.x+nodeW/2, u.y
		x2, y2 := out.x-nodeW/2, out.y
		mx := (x1 + x2) / 2
		fmt.Fprintf(b, `<g class="edge concat" id="%s-concat-%d"><path d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="none" stroke="#999999" stroke-width="1.6" marker-end="url(#%s-arrow)"/></g>`+"\n",
			xmlEscape(prefix), s, x1, y1, mx, y1, mx, y2, x2, y2, xmlEscape(prefix))
	}
	for _, n := range d.nodes {
		id := fmt.Sprintf("%s-node-%d", prefix, n.state)
		if n.state < 0 {
			id = prefix + "-node-out"
		}
		fmt.Fprintf(b, `<g class="%s" id="%s"><rect x="%.1f" y="%.1f" width="%g" height="%g" rx="6" fill="%s" stroke="#333333" stroke-width="1.8"/>`,
			n.class, xmlEscape(id), n.x-nodeW/2, n.y-nodeH/2, nodeW, nodeH, n.fill)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="16" text-anchor="middle">%s</text></g>`+"\n", n.x, n.y+5, svgLabel(n.label))
	}
	b.WriteString("</g>\n")
	return d
}

func svgHeader(b *strings.Builder, w, h float64, prefixes ...string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif">`+"\n",
		math.Ceil(w), math.Ceil(h), math.Ceil(w), math.Ceil(h))
	b.WriteString("<defs>")
	for _, p := range prefixes {
		fmt.Fprintf(b, `<marker id="%s-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444444"/></marker>`, xmlEscape(p))
	}
	b.WriteString("</defs>\n")
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
}

// CellSVG draws one cell (entries ops, output concat) as a standalone SVG document, with a
// layered layout in the style of quark0/darts's graphviz plots: inputs c_{k-2} and c_{k-1},
// intermediate nodes 0..n-1, output c_{k}, op edges labelled and coloured by OpColor. Elements
// carry classes for styling and tests: "node input", "node intermediate", "node output",
// "edge op" (with data-op) and "edge concat".
func CellSVG(ops []OpInput, concat []int, title string) (string, error) {
	if err := validateDrawCell(ops, concat); err != nil {
		return "", err
	}
	var body strings.Builder
	d := cellSVGBody(&body, ops, concat, title, "cell", 0, 0)
	var b strings.Builder
	svgHeader(&b, d.width, d.height, "cell")
	b.WriteString(body.String())
	b.WriteString("</svg>\n")
	return b.String(), nil
}

// SVG draws the normal and the reduction cell of g side by side in one SVG document (cell
// groups with ids "normal" and "reduce").
func (g Genotype) SVG() (string, error) {
	if err := g.Validate(); err != nil {
		return "", fmt.Errorf("draw: %w", err)
	}
	var body strings.Builder
	dn := cellSVGBody(&body, g.Normal, g.NormalConcat, "normal cell", "normal", 0, 0)
	dr := cellSVGBody(&body, g.Reduce, g.ReduceConcat, "reduction cell", "reduce", dn.width+20, 0)
	var b strings.Builder
	svgHeader(&b, dn.width+20+dr.width, math.Max(dn.height, dr.height), "normal", "reduce")
	b.WriteString(body.String())
	b.WriteString("</svg>\n")
	return b.String(), nil
}

func dotQuote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

// cellDOTBody writes the statements of one cell, node names prefixed by prefix.
func cellDOTBody(b *strings.Builder, ops []OpInput, concat []int, prefix, indent string) {
	name := func(s int) string { return dotQuote(prefix + stateLabel(s)) }
	label := func(s int) string { return dotQuote(stateLabel(s)) }
	for s := 0; s < 2; s++ {
		fmt.Fprintf(b, "%s%s [label=%s, fillcolor=darkseagreen2];\n", indent, name(s), label(s))
	}
	steps := len(ops) / 2
	for i := 0; i < steps; i++ {
		fmt.Fprintf(b, "%s%s [label=%s, fillcolor=lightblue];\n", indent, name(2+i), label(2+i))
	}
	fmt.Fprintf(b, "%s%s [label=%s, fillcolor=palegoldenrod];\n", indent, name(-1), label(-1))
	for k, o := range ops {
		fmt.Fprintf(b, "%s%s -> %s [label=%s, color=%s, fontcolor=%s];\n", indent, name(o.Input), name(2+k/2),
			dotQuote(o.Op), dotQuote(OpColor(o.Op)), dotQuote(OpColor(o.Op)))
	}
	for _, s := range concat {
		fmt.Fprintf(b, "%s%s -> %s [color=gray];\n", indent, name(s), name(-1))
	}
}

const dotAttrs = `  rankdir=LR;
  edge [fontsize=20, fontname="times"];
  node [style=filled, shape=rect, align=center, fontsize=20, height=0.5, width=0.5, penwidth=2, fontname="times"];
`

// CellDOT writes one cell as a Graphviz digraph named name, with the attributes of
// quark0/darts's visualize.py plus per-op edge colours.
func CellDOT(ops []OpInput, concat []int, name string) (string, error) {
	if err := validateDrawCell(ops, concat); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n%s", dotQuote(name), dotAttrs)
	cellDOTBody(&b, ops, concat, "", "  ")
	b.WriteString("}\n")
	return b.String(), nil
}

// DOT writes g as one Graphviz digraph with the normal and the reduction cell as two
// clusters (node names prefixed "normal " and "reduce ").
func (g Genotype) DOT() (string, error) {
	if err := g.Validate(); err != nil {
		return "", fmt.Errorf("draw: %w", err)
	}
	var b strings.Builder
	b.WriteString("digraph genotype {\n" + dotAttrs)
	for _, c := range []struct {
		name, label string
		ops         []OpInput
		concat      []int
	}{{"normal", "normal cell", g.Normal, g.NormalConcat}, {"reduce", "reduction cell", g.Reduce, g.ReduceConcat}} {
		fmt.Fprintf(&b, "  subgraph %s {\n    label=%s;\n", dotQuote("cluster_"+c.name), dotQuote(c.label))
		cellDOTBody(&b, c.ops, c.concat, c.name+" ", "    ")
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String(), nil
}
