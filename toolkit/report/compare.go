package report

import (
	"fmt"
	"math"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/plot"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// Labeled is a search's records with a name for legends, e.g. "first order".
type Labeled struct {
	Name    string
	Records []search.Record
}

// Compare overlays several searches: "entropy" (the mean entropy of the normal cell's edges
// against the step), "skip_weight" (the mean mixing weight of skip_connect over the normal
// cell's edges against the step), "skip_count" (skip connections of the derived normal cell
// at each epoch end) and "arch_loss" (the architecture step's validation-batch loss).
func Compare(runs ...Labeled) (map[string]string, error) {
	var ent, skipW, skipN, arch []plot.Series
	maxH := 0.0
	for _, run := range runs {
		l, snaps, err := snapshotsOf(run.Records)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", run.Name, err)
		}
		if len(l.Ops) > 0 {
			maxH = math.Max(maxH, maxEntropy(l))
		}
		steps, h := entropies(snaps, "normal")
		y := make([]float64, len(h))
		for i := range h {
			y[i] = mean(h[i])
		}
		ent = append(ent, plot.Series{Name: run.Name, X: steps, Y: y})
		col := -1
		for j, op := range l.Ops {
			if op == searchspace.OpSkipConnect {
				col = j
			}
		}
		w := make([]float64, len(snaps))
		for i, s := range snaps {
			w[i] = math.NaN()
			if col >= 0 {
				var vals []float64
				for _, row := range s.Normal {
					vals = append(vals, row[col])
				}
				w[i] = mean(vals)
			}
		}
		skipW = append(skipW, plot.Series{Name: run.Name, X: steps, Y: w})
		var ex, ey []float64
		for _, r := range search.Of[*search.EpochRecord](run.Records) {
			if r.SkipCount != nil {
				ex, ey = append(ex, float64(r.Epoch+1)), append(ey, float64(*r.SkipCount))
			}
		}
		skipN = append(skipN, plot.Series{Name: run.Name, X: ex, Y: ey})
		x, a := curve(run.Records, func(r *search.StepRecord) (int, float64) { return r.Step, r.ArchLoss })
		arch = append(arch, plot.Series{Name: run.Name, X: x, Y: a})
	}
	out := map[string]string{}
	var err error
	opt := plot.LineOptions{XLabel: "step", YLabel: "mean entropy (nats)"}
	if maxH > 0 {
		opt.RefLines = []plot.RefLine{{Y: maxH, Label: "uniform"}}
	}
	if out["entropy"], err = plot.Lines("Entropy of the normal cell's mixing weights", ent, opt); err != nil {
		return nil, err
	}
	if out["skip_weight"], err = plot.Lines("Mean mixing weight of skip_connect, normal cell", skipW,
		plot.LineOptions{XLabel: "step", YLabel: "weight"}); err != nil {
		return nil, err
	}
	if out["skip_count"], err = plot.Lines("Skip connections in the derived normal cell", skipN,
		plot.LineOptions{XLabel: "epoch", YLabel: "skip_connect", Markers: true,
			RefLines: []plot.RefLine{{Y: 2, Label: "DARTS+ stops at 2"}}}); err != nil {
		return nil, err
	}
	if out["arch_loss"], err = plot.Lines("Loss on the α step's validation batch", arch,
		plot.LineOptions{XLabel: "step", YLabel: "cross-entropy"}); err != nil {
		return nil, err
	}
	return out, nil
}
