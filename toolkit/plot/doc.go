// Package plot draws the charts a DARTS-family search is judged by — heat
// maps of the architecture weights α, loss and accuracy curves, small
// multiples of α trajectories per edge, bar charts of the skip connection
// count, grids of dataset images, contour plots of a loss landscape with
// optimizer paths and gradient arrows (Contour), and the supernet's cell with
// every candidate operation drawn with a width proportional to its mixing
// weight (MixedCell) — as self-contained SVG strings.
//
// Every plot is plain inline SVG built with the standard library: no
// scripts, no external fonts (text uses the generic "sans-serif" family), no
// CDN and no element ids, so several plots can share one HTML page and render
// offline in Jupyter (GoNB), in a browser, in a saved notebook or through
// rsvg-convert. The root element carries width, height and a viewBox and is
// styled with max-width:100%, so a plot shrinks to fit a narrow column.
//
// The functions take plain Go data (slices of float64 and strings) and depend
// on no other dartboard package. Each returns the SVG and an error; the error
// reports inputs of inconsistent shapes. Empty input is not an error: the plot
// then shows a short "no data" message, so a live notebook cell can draw
// before the first step. NaN values never panic: heat map cells with NaN are
// drawn grey without a value, and lines break at NaN points.
//
// Colors are consistent across plots: OpColor gives every DARTS and
// NAS-Bench-201 operation a fixed color (and any other name a stable hashed
// one), and Palette gives the categorical colors used for other series.
// Marks carry class attributes ("cell", "argmax", "series", "bar", "panel",
// "legend-item", "image", "caption") so that tests and style sheets can find
// them.
//
// In a GoNB notebook, display a plot with gonbui.DisplaySVG(svg) or place
// several side by side with gonbui.DisplayHTML(plot.Page(a, b)).
package plot
