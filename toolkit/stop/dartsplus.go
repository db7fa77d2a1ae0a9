package stop

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// Learnable reports whether op has weights (convolutions): the operations whose ranking
// DARTS+'s second criterion watches. none, skip_connect, the pools and noise are not.
func Learnable(op string) bool {
	switch searchspace.OpFamily(op) {
	case "none", "skip", "pool", "noise":
		return false
	}
	return true
}

// DARTSPlus is DARTS+'s early stopping: stop at the first epoch end where the derived normal
// cell has at least MaxSkips skip connections (criterion 1), or where the ranking of the
// learnable operations on every edge has been the same for StableEpochs consecutive epoch
// ends (criterion 2). A zero MaxSkips or StableEpochs turns that criterion off; NewDARTSPlus
// gives the paper's values (2 and 10).
//
// The ranking is read from EpochStats.Expected: per group and edge, the learnable columns
// ordered by decreasing weight (ties to the lower column). Space names the columns (group 0
// is the normal cell, group 1 the reduction cell, as in search.Method's groups); with a zero
// Space every column counts as learnable. Use a pointer: Check updates the count.
type DARTSPlus struct {
	MaxSkips     int
	StableEpochs int
	Space        searchspace.CellSpace

	last   string
	stable int
}

// NewDARTSPlus returns DARTS+ with the published settings on space: MaxSkips 2, StableEpochs 10.
func NewDARTSPlus(space searchspace.CellSpace) *DARTSPlus {
	return &DARTSPlus{MaxSkips: 2, StableEpochs: 10, Space: space}
}

// String describes the stopper for meta data.
func (d *DARTSPlus) String() string {
	return fmt.Sprintf("darts+(max_skips=%d, stable_epochs=%d)", d.MaxSkips, d.StableEpochs)
}

// ranking is the signature of the learnable ops' order on every edge of every group.
func (d *DARTSPlus) ranking(expected [][][]float32) string {
	var b strings.Builder
	for g, rows := range expected {
		for e, row := range rows {
			var cols []int
			for k := range row {
				if d.Space.Steps > 0 && e < d.Space.NumEdges() {
					if ops := d.Space.OpsOnCell(g == 1, e); k < len(ops) && !Learnable(ops[k]) {
						continue
					}
				}
				cols = append(cols, k)
			}
			sort.SliceStable(cols, func(a, b int) bool { return row[cols[a]] > row[cols[b]] })
			fmt.Fprintf(&b, "%d.%d:%v;", g, e, cols)
		}
	}
	return b.String()
}

// Check applies both criteria to one epoch end.
func (d *DARTSPlus) Check(s EpochStats) Decision {
	if d.MaxSkips > 0 && s.SkipCount >= d.MaxSkips {
		return Decision{Stop: true, Reason: fmt.Sprintf("darts+: the normal cell has %d skip connections (≥ %d) at epoch %d",
			s.SkipCount, d.MaxSkips, s.Epoch+1)}
	}
	if d.StableEpochs <= 0 || len(s.Expected) == 0 {
		return Decision{}
	}
	r := d.ranking(s.Expected)
	if r == d.last {
		d.stable++
	} else {
		d.last, d.stable = r, 0
	}
	if d.stable >= d.StableEpochs {
		return Decision{Stop: true, Reason: fmt.Sprintf("darts+: the ranking of learnable operations has not changed for %d epochs (epoch %d)",
			d.stable, s.Epoch+1)}
	}
	return Decision{}
}

type dartsPlusState struct {
	Last   string `json:"last"`
	Stable int    `json:"stable"`
}

// State returns the ranking last seen and how many epochs it has held.
func (d *DARTSPlus) State() ([]byte, error) {
	return json.Marshal(dartsPlusState{Last: d.last, Stable: d.stable})
}

// SetState restores what State saved.
func (d *DARTSPlus) SetState(b []byte) error {
	var st dartsPlusState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("stop: darts+ state: %w", err)
	}
	d.last, d.stable = st.Last, st.Stable
	return nil
}
