package report

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/plot"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// PlotNames lists the names SearchPlots returns, in display order.
func PlotNames() []string {
	return []string{"alpha_heatmap", "alpha_normal", "alpha_reduce", "entropy", "entropy_normal", "entropy_reduce",
		"skip_count", "loss", "accuracy", "hessian_eig"}
}

// SearchPlots draws every plot of a search log (see the package documentation for the names)
// as SVG. Plots whose data the records lack (no epoch has ended yet, a training log without
// mixing weights) show "no data". It returns an error when recs is empty or when the mixing
// weights do not fit the meta record's edges and operations.
func SearchPlots(recs []search.Record) (map[string]string, error) {
	if len(recs) == 0 {
		return nil, errors.New("report: no records to plot")
	}
	out := map[string]string{}
	var errs []error
	add := func(name string, svg string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			return
		}
		out[name] = svg
	}
	svg, err := AlphaHeatmap(recs, 0)
	add("alpha_heatmap", svg, err)
	for _, cell := range []string{"normal", "reduce"} {
		svg, err = AlphaTrajectories(recs, cell)
		add("alpha_"+cell, svg, err)
		svg, err = EdgeEntropy(recs, cell)
		add("entropy_"+cell, svg, err)
	}
	svg, err = Entropy(recs)
	add("entropy", svg, err)
	svg, err = SkipCount(recs)
	add("skip_count", svg, err)
	svg, err = Loss(recs, 0)
	add("loss", svg, err)
	svg, err = Accuracy(recs, 0)
	add("accuracy", svg, err)
	svg, err = HessianEig(recs)
	add("hessian_eig", svg, err)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// WriteSearchPlots writes SearchPlots(recs) to DIR/plots/NAME.svg, creating the directory.
func WriteSearchPlots(dir string, recs []search.Record) error {
	plots, err := SearchPlots(recs)
	if err != nil {
		return err
	}
	pd := filepath.Join(dir, "plots")
	if err := os.MkdirAll(pd, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, name := range PlotNames() {
		if err := os.WriteFile(filepath.Join(pd, name+".svg"), []byte(plots[name]), 0o644); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}

// snapshotsOf returns the layout and the mixing-weight snapshots of recs.
func snapshotsOf(recs []search.Record) (Layout, []Snapshot, error) {
	l, err := LayoutOf(recs)
	if err != nil {
		return l, nil, err
	}
	s, err := Snapshots(recs, l)
	return l, s, err
}

// cellOf picks a cell of a snapshot: "normal" or "reduce".
func cellOf(s Snapshot, cell string) [][]float64 {
	if cell == "reduce" {
		return s.Reduce
	}
	return s.Normal
}

func checkCell(cell string) error {
	if cell != "normal" && cell != "reduce" {
		return fmt.Errorf("report: cell %q: want \"normal\" or \"reduce\"", cell)
	}
	return nil
}

func cellTitle(cell string) string {
	if cell == "reduce" {
		return "reduction cell"
	}
	return "normal cell"
}

// AlphaTrajectories draws the mixing weight of every operation of every edge of cell
// ("normal" or "reduce") against the step, one panel per edge.
func AlphaTrajectories(recs []search.Record, cell string) (string, error) {
	if err := checkCell(cell); err != nil {
		return "", err
	}
	l, snaps, err := snapshotsOf(recs)
	if err != nil {
		return "", err
	}
	snaps = withCell(snaps, cell)
	steps := make([]float64, len(snaps))
	weights := make([][][]float64, len(snaps))
	for i, s := range snaps {
		steps[i], weights[i] = float64(s.Step), cellOf(s, cell)
	}
	return plot.AlphaTrajectories(l.MixName+" over the search, "+cellTitle(cell), steps, l.Ops, l.Edges, weights,
		plot.TrajectoryOptions{XLabel: "step", YRange: zoom(weights)})
}

// zoom returns a y range fitted to the weights when they all stay near each other (a short
// search, all close to uniform), so that their moves are visible; else the zero value (0 to
// the largest weight).
func zoom(weights [][][]float64) [2]float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, snap := range weights {
		for _, row := range snap {
			for _, v := range row {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
	}
	if !(hi > lo) || lo < 0.5*hi {
		return [2]float64{}
	}
	pad := 0.08 * (hi - lo)
	return [2]float64{math.Max(lo-pad, 0), hi + pad}
}

// AlphaHeatmap draws the mixing weights of the normal and the reduction cell side by side,
// from the last record of recs that carries them. maxWidth bounds the plot's width in pixels
// (0: 800).
func AlphaHeatmap(recs []search.Record, maxWidth int) (string, error) {
	l, snaps, err := snapshotsOf(recs)
	if err != nil {
		return "", err
	}
	opt := plot.HeatmapOptions{MaxWidth: maxWidth, Decimals: 3, ExcludeFromArgmax: []string{searchspace.OpNone}, ColorbarLabel: l.MixName}
	if len(snaps) == 0 {
		return plot.HeatmapPair(l.MixName, nil, nil, nil, nil, opt)
	}
	s := snaps[len(snaps)-1]
	title := fmt.Sprintf("%s after step %d (epoch %d)", l.MixName, s.Step, s.Epoch+1)
	if s.Reduce == nil { // one α group
		return plot.Heatmaps(title, []plot.HeatmapPanel{{Title: "α rows", Rows: l.Edges, Cols: l.Ops, Values: s.Normal}}, opt)
	}
	return plot.HeatmapPair(title, l.Edges, l.Ops, s.Normal, s.Reduce, opt)
}

// withCell returns the snapshots that hold cell's weights (a space with one α group has no
// reduction cell).
func withCell(snaps []Snapshot, cell string) []Snapshot {
	var out []Snapshot
	for _, s := range snaps {
		if cellOf(s, cell) != nil {
			out = append(out, s)
		}
	}
	return out
}

// entropies returns the steps and, per snapshot holding cell, the entropy of every edge of
// cell.
func entropies(snaps []Snapshot, cell string) ([]float64, [][]float64) {
	snaps = withCell(snaps, cell)
	steps := make([]float64, len(snaps))
	h := make([][]float64, len(snaps))
	for i, s := range snaps {
		steps[i] = float64(s.Step)
		rows := cellOf(s, cell)
		h[i] = make([]float64, len(rows))
		for e, row := range rows {
			h[i][e] = plot.EntropyOf(finiteRow(row))
		}
	}
	return steps, h
}

func mean(xs []float64) float64 {
	sum, n := 0.0, 0
	for _, x := range xs {
		if !math.IsNaN(x) {
			sum += x
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// maxEntropy is the entropy of a uniform distribution over the widest edge.
func maxEntropy(l Layout) float64 {
	k := 0
	for _, ops := range l.EdgeOps {
		k = max(k, len(ops))
	}
	return math.Log(float64(max(k, 1)))
}

// Entropy draws the mean entropy (nats) of the edges' mixing weights of both cells against
// the step, with the uniform distribution's entropy as a reference line.
func Entropy(recs []search.Record) (string, error) {
	l, snaps, err := snapshotsOf(recs)
	if err != nil {
		return "", err
	}
	var series []plot.Series
	for _, cell := range []string{"normal", "reduce"} {
		steps, h := entropies(snaps, cell)
		y := make([]float64, len(h))
		for i := range h {
			y[i] = mean(h[i])
		}
		series = append(series, plot.Series{Name: cell, X: steps, Y: y, Dashed: cell == "reduce"})
	}
	opt := plot.LineOptions{XLabel: "step", YLabel: "mean entropy (nats)"}
	if len(l.Ops) > 0 {
		opt.RefLines = []plot.RefLine{{Y: maxEntropy(l), Label: "uniform"}}
	}
	return plot.Lines("Entropy of the edges' mixing weights", series, opt)
}

// EdgeEntropy draws the entropy (nats) of every edge of cell ("normal" or "reduce") against
// the step, one line per edge.
func EdgeEntropy(recs []search.Record, cell string) (string, error) {
	if err := checkCell(cell); err != nil {
		return "", err
	}
	l, snaps, err := snapshotsOf(recs)
	if err != nil {
		return "", err
	}
	steps, h := entropies(snaps, cell)
	if len(h) == 0 {
		snaps = nil
	}
	series := make([]plot.Series, len(l.Edges))
	for e, name := range l.Edges {
		y := make([]float64, len(h))
		for i := range h {
			y[i] = h[i][e]
		}
		series[e] = plot.Series{Name: name, X: steps, Y: y}
	}
	opt := plot.LineOptions{XLabel: "step", YLabel: "entropy (nats)"}
	if len(l.Ops) > 0 {
		opt.RefLines = []plot.RefLine{{Y: maxEntropy(l), Label: "uniform"}}
	}
	if len(snaps) == 0 {
		series = nil
	}
	return plot.Lines("Entropy per edge, "+cellTitle(cell), series, opt)
}

// SkipCounts returns the skip connections of the derived normal cell at each epoch end, in
// epoch order.
func SkipCounts(recs []search.Record) []int {
	var out []int
	for _, r := range search.Of[*search.EpochRecord](recs) {
		if r.SkipCount != nil {
			out = append(out, *r.SkipCount)
		}
	}
	return out
}

// SkipCount draws the number of skip connections in the derived normal cell at each epoch
// end, with DARTS+'s early-stopping threshold (2) as a reference line.
func SkipCount(recs []search.Record) (string, error) {
	var x, y []float64
	for _, r := range search.Of[*search.EpochRecord](recs) {
		if r.SkipCount != nil {
			x = append(x, float64(r.Epoch+1))
			y = append(y, float64(*r.SkipCount))
		}
	}
	return plot.Bars("Skip connections in the derived normal cell", x, y, plot.BarOptions{
		XLabel: "epoch", YLabel: "skip_connect", Color: plot.OpColor(searchspace.OpSkipConnect), Values: true,
		RefLines: []plot.RefLine{{Y: 2, Label: "DARTS+ stops at 2"}}})
}

// HessianEig draws the largest eigenvalue of the validation loss's Hessian w.r.t. α
// (RobustDARTS's warning sign of collapse) against the step: the step records that carry it
// (--hessian-every) and the epoch ends (marked).
func HessianEig(recs []search.Record) (string, error) {
	var steps, epochs plot.Series
	steps.Name, epochs.Name = "every N steps", "epoch end"
	for _, r := range recs {
		switch r := r.(type) {
		case *search.StepRecord:
			if r.HessianEig != nil {
				steps.X, steps.Y = append(steps.X, float64(r.Step)), append(steps.Y, *r.HessianEig)
			}
		case *search.EpochRecord:
			if r.HessianEig != nil {
				epochs.X, epochs.Y = append(epochs.X, float64(r.Step)), append(epochs.Y, *r.HessianEig)
			}
		}
	}
	var series []plot.Series
	for _, sr := range []plot.Series{steps, epochs} {
		if len(sr.X) > 0 {
			series = append(series, sr)
		}
	}
	return plot.Lines("Largest eigenvalue of the Hessian of the validation loss w.r.t. α", series,
		plot.LineOptions{XLabel: "step", YLabel: "eigenvalue", Markers: true})
}

// curve collects one value per record of type T against its step, skipping zeros (fields a
// record omits).
func curve[T search.Record](recs []search.Record, get func(T) (step int, v float64)) (x, y []float64) {
	for _, r := range search.Of[T](recs) {
		if step, v := get(r); v != 0 {
			x = append(x, float64(step))
			y = append(y, v)
		}
	}
	return x, y
}

// lineSeries adds a series when it has points.
func lineSeries(series []plot.Series, name string, x, y []float64, dashed bool) []plot.Series {
	if len(y) == 0 {
		return series
	}
	return append(series, plot.Series{Name: name, X: x, Y: y, Dashed: dashed})
}

// Loss draws the loss curves: the training batch of each weight step, the validation batch
// of each architecture step (dashed), the validation split at epoch ends and, in a training
// log, the test set at epoch ends (a single epoch shows as a dot). width is the plot's width
// in pixels (0: 720).
func Loss(recs []search.Record, width int) (string, error) {
	var s []plot.Series
	x, y := curve(recs, func(r *search.StepRecord) (int, float64) { return r.Step, r.TrainLoss })
	s = lineSeries(s, "train batch", x, y, false)
	x, y = curve(recs, func(r *search.StepRecord) (int, float64) { return r.Step, r.ArchLoss })
	s = lineSeries(s, "α batch (valid)", x, y, true)
	x, y = curve(recs, func(r *search.EpochRecord) (int, float64) { return r.Step, r.ValidLoss })
	s = lineSeries(s, "valid split (epoch end)", x, y, false)
	x, y = curve(recs, func(r *search.EpochRecord) (int, float64) { return r.Step, r.TestLoss })
	s = lineSeries(s, "test (epoch end)", x, y, false)
	return plot.Lines("Loss", s, plot.LineOptions{Width: width, XLabel: "step", YLabel: "cross-entropy"})
}

// Accuracy draws the accuracy curves: the training batch of each weight step and the
// validation split (or the test set) at epoch ends. width is the plot's width (0: 720).
func Accuracy(recs []search.Record, width int) (string, error) {
	var s []plot.Series
	x, y := curve(recs, func(r *search.StepRecord) (int, float64) { return r.Step, r.TrainAcc })
	s = lineSeries(s, "train batch", x, y, false)
	x, y = curve(recs, func(r *search.EpochRecord) (int, float64) { return r.Step, r.ValidAcc })
	s = lineSeries(s, "valid split (epoch end)", x, y, false)
	x, y = curve(recs, func(r *search.EpochRecord) (int, float64) { return r.Step, r.TestAcc })
	s = lineSeries(s, "test (epoch end)", x, y, false)
	return plot.Lines("Accuracy", s, plot.LineOptions{Width: width, XLabel: "step", YLabel: "accuracy", YRange: [2]float64{0, 1}})
}
