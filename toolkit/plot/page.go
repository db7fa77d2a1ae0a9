package plot

import (
	"fmt"
	"strings"
)

// Page places several SVG plots (or other HTML fragments) side by side in one
// HTML block, a flex container that wraps onto new lines when the notebook is
// too narrow. Display it with gonbui.DisplayHTML.
func Page(parts ...string) string {
	var b strings.Builder
	b.WriteString(`<div class="dartboard-page" style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start">`)
	for _, p := range parts {
		b.WriteString(`<div style="flex:0 1 auto;min-width:0">`)
		b.WriteString(p)
		b.WriteString(`</div>`)
	}
	b.WriteString(`</div>`)
	return b.String()
}

// Grid places SVG plots (or other HTML fragments) in an HTML grid of cols
// equal columns, filled row by row; each plot shrinks to its column's width.
// cols ≤ 0 means 2.
func Grid(cols int, parts ...string) string {
	if cols <= 0 {
		cols = 2
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="dartboard-grid" style="display:grid;grid-template-columns:repeat(%d,minmax(0,1fr));gap:16px;align-items:start">`, cols)
	for _, p := range parts {
		b.WriteString(`<div style="min-width:0">`)
		b.WriteString(p)
		b.WriteString(`</div>`)
	}
	b.WriteString(`</div>`)
	return b.String()
}
