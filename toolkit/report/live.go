package report

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/dartboard-nas/dartboard/toolkit/plot"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// Live is a search.Recorder that shows a running search in a notebook: every few steps and
// at every epoch end it renders one HTML block — a status line (step, epoch, losses, step
// rate and ETA), the heat map of the latest mixing weights and the loss curve — and passes it
// to the display function. In GoNB:
//
//	id := gonbui.UniqueId()
//	live := report.NewLive(func(html string) { gonbui.UpdateHtml(id, html) }, 5)
//
// so that each render replaces the previous one and the last stays in the notebook. It keeps
// every record it sees (Records; the records themselves, not copies). A training log (package train, no mixing weights) shows
// the status line and the loss curve only.
type Live struct {
	display func(string)
	every   int

	recs  []search.Record
	meta  *search.MetaRecord
	first *search.StepRecord // the first step record seen (rate and ETA are measured from it)
	err   error
}

// NewLive returns a Live that renders through display every `every` steps (every ≤ 0: 10) and
// at every epoch end.
func NewLive(display func(html string), every int) *Live {
	if every <= 0 {
		every = 10
	}
	return &Live{display: display, every: every}
}

// Record keeps r and renders when r is the every-th step or an epoch end. A plot error does
// not stop the search: the block then shows the error (and Err returns it).
func (l *Live) Record(r search.Record) error {
	l.recs = append(l.recs, r)
	switch r := r.(type) {
	case *search.MetaRecord:
		l.meta = r
	case *search.StepRecord:
		if l.first == nil {
			l.first = r
		}
		if r.Step%l.every == 0 {
			l.render()
		}
	case *search.EpochRecord:
		l.render()
	}
	return nil
}

// Records returns the records seen so far (not a copy).
func (l *Live) Records() []search.Record { return l.recs }

// Err returns the last error met while drawing (nil if none).
func (l *Live) Err() error { return l.err }

func (l *Live) render() {
	h, err := l.HTML()
	if err != nil {
		l.err = err
		h = `<pre style="color:#b00020">` + html.EscapeString(err.Error()) + `</pre>` + h
	}
	if l.display != nil {
		l.display(h)
	}
}

// Status returns the status line of the latest record: step (of the total), epoch, the
// latest losses and validation accuracy, the step rate and the ETA. The total and the ETA
// come from the meta record's steps per epoch and epochs.
func (l *Live) Status() string {
	last := search.Last[*search.StepRecord](l.recs)
	lastEpoch := search.Last[*search.EpochRecord](l.recs)
	if last == nil {
		return "waiting for the first step"
	}
	total, epochs := 0, 0
	if l.meta != nil {
		total, epochs = l.meta.StepsPerEpoch*l.meta.Epochs, l.meta.Epochs
	}
	var b strings.Builder
	if total > 0 {
		fmt.Fprintf(&b, "step %d/%d", last.Step, total)
	} else {
		fmt.Fprintf(&b, "step %d", last.Step)
	}
	epoch := last.Epoch + 1
	if lastEpoch != nil && lastEpoch.Step >= last.Step {
		epoch = lastEpoch.Epoch + 1 // the epoch that just ended
	}
	if epochs > 0 {
		fmt.Fprintf(&b, " · epoch %d/%d", epoch, epochs)
	} else {
		fmt.Fprintf(&b, " · epoch %d", epoch)
	}
	fmt.Fprintf(&b, " · loss %.3f", last.TrainLoss)
	if last.ArchLoss != 0 {
		fmt.Fprintf(&b, " · α loss %.3f", last.ArchLoss)
	}
	if lastEpoch != nil {
		if lastEpoch.ValidAcc != 0 {
			fmt.Fprintf(&b, " · valid acc %.3f", lastEpoch.ValidAcc)
		}
		if lastEpoch.TestAcc != 0 {
			fmt.Fprintf(&b, " · test acc %.3f", lastEpoch.TestAcc)
		}
		if lastEpoch.SkipCount != nil {
			fmt.Fprintf(&b, " · skips %d", *lastEpoch.SkipCount)
		}
		if lastEpoch.HessianEig != nil {
			fmt.Fprintf(&b, " · λmax %.3g", *lastEpoch.HessianEig)
		}
		if lastEpoch.Stop != "" {
			fmt.Fprintf(&b, " · %s", lastEpoch.Stop)
		}
	}
	rate := 0.0 // seconds per step
	if l.first != nil && last.Step > l.first.Step {
		rate = (last.Seconds - l.first.Seconds) / float64(last.Step-l.first.Step)
	} else if last.StepMS > 0 {
		rate = last.StepMS / 1000
	}
	if rate > 0 {
		fmt.Fprintf(&b, " · %.2f s/step", rate)
		if total > 0 {
			left := max(total-last.Step, 0)
			fmt.Fprintf(&b, " · ETA %s", (time.Duration(rate*float64(left)) * time.Second).Round(time.Second))
		}
	}
	return b.String()
}

// HTML renders the current block: the status line, the heat map of the latest mixing weights
// (when there are any) and the loss curve.
func (l *Live) HTML() (string, error) {
	var parts []string
	var firstErr error
	if _, snaps, err := snapshotsOf(l.recs); err != nil {
		firstErr = err
	} else if len(snaps) > 0 {
		svg, err := AlphaHeatmap(l.recs, 620)
		if err != nil {
			firstErr = err
		} else {
			parts = append(parts, svg)
		}
	}
	loss, err := Loss(l.recs, 380)
	if err != nil && firstErr == nil {
		firstErr = err
	}
	parts = append(parts, loss)
	var b strings.Builder
	b.WriteString(`<div class="dartboard-live">`)
	fmt.Fprintf(&b, `<div class="dartboard-status" style="font-family:monospace;margin:4px 0 8px 0">%s</div>`,
		html.EscapeString(l.Status()))
	b.WriteString(plot.Page(parts...))
	b.WriteString(`</div>`)
	return b.String(), firstErr
}
