package progressive

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// Stage is one stage of a progressive search: a supernet of Cells cells whose edges search
// at most Ops candidate operations each, searched by Method (a fresh value per stage: its
// stateful components must not be shared between stages).
type Stage struct {
	Cells, Ops int
	Method     search.Method
}

// Plan is a progressive search. The first stage searches the space as given (its Ops must be
// the largest number of candidates of an edge); after stage i, every edge keeps its
// Stages[i+1].Ops candidates of largest expected mixing weight ("none" competes like any
// other, as chenxin061/pdarts's get_min_k). The genotype is the last stage's, derived by its
// Method's Deriver.
type Plan struct {
	Stages []Stage
	// ResetAlpha re-initializes α at every stage (Config.AlphaInit·N(0,1)), as the reference
	// code does (its Network builds new α for the kept operations); false carries each kept
	// operation's α into the next stage.
	ResetAlpha bool
}

// Check validates the plan for a search of space: at least one stage, at least one cell and
// two operations per stage, operations per edge not increasing, the first stage's equal to
// the space's largest number of candidates per edge.
func (p Plan) Check(space searchspace.CellSpace) error {
	if len(p.Stages) == 0 {
		return fmt.Errorf("progressive: a plan needs at least one stage")
	}
	for i, st := range p.Stages {
		switch {
		case st.Cells < 1:
			return fmt.Errorf("progressive: stage %d has %d cells: want at least 1", i+1, st.Cells)
		case st.Ops < 2:
			return fmt.Errorf("progressive: stage %d keeps %d operations per edge: want at least 2", i+1, st.Ops)
		case i > 0 && st.Ops > p.Stages[i-1].Ops:
			return fmt.Errorf("progressive: stage %d keeps %d operations per edge, more than stage %d's %d", i+1, st.Ops, i, p.Stages[i-1].Ops)
		}
	}
	if n := maxOps(space); p.Stages[0].Ops != n {
		return fmt.Errorf("progressive: stage 1 searches the whole space %q, %d operations per edge, not %d", space.Name, n, p.Stages[0].Ops)
	}
	return nil
}

// maxOps is the largest number of candidates of an edge of space, in either kind of cell.
func maxOps(space searchspace.CellSpace) int {
	n := 0
	for _, red := range []bool{false, true} {
		for e := range space.NumEdges() {
			n = max(n, len(space.OpsOnCell(red, e)))
		}
	}
	return n
}

// Driver runs a Plan stage by stage: Next gives the stage's search config and its stage
// record; after the stage's searcher has run, Finish reads the operations to keep and the α
// to carry from it.
type Driver struct {
	plan  Plan
	cfg   search.Config
	stage int
	space searchspace.CellSpace
	alpha [][][]float32
	last  *search.Searcher
}

// NewDriver checks plan against cfg (whose Space is the first stage's, whose Epochs is every
// stage's, and whose Layers, Method and Alpha the stages replace) and returns its driver.
func NewDriver(plan Plan, cfg search.Config) (*Driver, error) {
	if err := plan.Check(cfg.Space); err != nil {
		return nil, err
	}
	if cfg.Reductions != nil {
		return nil, fmt.Errorf("progressive: Config.Reductions %v is for one depth; the stages place their reduction cells by their depth", cfg.Reductions)
	}
	return &Driver{plan: plan, cfg: cfg, space: cfg.Space}, nil
}

// Done reports whether every stage has finished.
func (d *Driver) Done() bool { return d.stage >= len(d.plan.Stages) }

// Stage returns the index (from 0) of the stage Next gives.
func (d *Driver) Stage() int { return d.stage }

// Next returns the search config of the current stage — its space (the operations each edge
// kept), cells, method and carried α — and its stage record.
func (d *Driver) Next() (search.Config, *search.Record, error) {
	if d.Done() {
		return search.Config{}, nil, fmt.Errorf("progressive: all %d stages have run", len(d.plan.Stages))
	}
	st := d.plan.Stages[d.stage]
	cfg := d.cfg
	cfg.Space, cfg.Layers, cfg.Method, cfg.Alpha = d.space, st.Cells, st.Method, d.alpha
	rec := &search.Record{Kind: "stage", Stage: d.stage + 1, Cells: st.Cells, OpsPerEdge: maxOps(d.space),
		Epochs: cfg.Epochs, Method: st.Method.Name}
	for e := range d.space.NumEdges() {
		rec.Ops = append(rec.Ops, d.space.OpsOnCell(false, e))
		rec.ReduceOps = append(rec.ReduceOps, d.space.OpsOnCell(true, e))
	}
	return cfg, rec, nil
}

// Finish ends the current stage with its searcher s (which has run): unless it was the last,
// every edge of the next stage keeps its top operations by s's expected mixing weights, and α
// of the kept operations is carried over (unless Plan.ResetAlpha).
func (d *Driver) Finish(s *search.Searcher) error {
	if d.Done() {
		return fmt.Errorf("progressive: all %d stages have run", len(d.plan.Stages))
	}
	d.last = s
	d.stage++
	if d.Done() {
		return nil
	}
	keep := d.plan.Stages[d.stage].Ops
	ex := s.Expected()
	lists := map[string][][]string{}
	var alpha [][][]float32
	for gi, g := range s.Groups {
		if g.Name != "normal" && g.Name != "reduce" {
			alpha = append(alpha, g.Alpha) // edge weights (PC-DARTS's β): same shape in every stage
			continue
		}
		kept, rows := KeepTop(g.Ops, g.Alpha, ex[gi], keep)
		lists[g.Name], alpha = kept, append(alpha, rows)
	}
	if lists["normal"] == nil || lists["reduce"] == nil {
		return fmt.Errorf("progressive: the stage's supernet has no normal and reduce α groups")
	}
	space, err := d.cfg.Space.WithEdgeOps(lists["normal"])
	if err == nil {
		space, err = space.WithReduceEdgeOps(lists["reduce"])
	}
	if err != nil {
		return fmt.Errorf("progressive: stage %d: %w", d.stage+1, err)
	}
	d.space = space
	d.alpha = alpha
	if d.plan.ResetAlpha {
		d.alpha = nil
	}
	return nil
}

// Last returns the searcher of the last finished stage (nil before the first).
func (d *Driver) Last() *search.Searcher { return d.last }

// KeepTop returns, per edge, the k candidates of ops[e] of largest weight in mix[e] (all of
// them when the edge has at most k; ties go to the earlier candidate), in their order in
// ops[e], with their logits from alpha[e].
func KeepTop(ops [][]string, alpha, mix [][]float32, k int) (kept [][]string, rows [][]float32) {
	for e := range ops {
		idx := make([]int, len(ops[e]))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return mix[e][idx[a]] > mix[e][idx[b]] })
		idx = idx[:min(k, len(idx))]
		slices.Sort(idx)
		var names []string
		var row []float32
		for _, i := range idx {
			names, row = append(names, ops[e][i]), append(row, alpha[e][i])
		}
		kept, rows = append(kept, names), append(rows, row)
	}
	return kept, rows
}

// SplitEdges builds the supernet's edges with network.SplitEdges (a search.SupernetOption):
// each candidate its own executable keyed by operation, channels and stride, so the stages'
// different per-edge lists share executables (fused edges are keyed by their list: every edge
// of a later stage would compile its own).
type SplitEdges struct{}

// Configure sets network.SplitEdges.
func (SplitEdges) Configure(cfg *network.Config) { cfg.Edge = network.SplitEdges }

// SetExtras sets nothing.
func (SplitEdges) SetExtras(int, int, *network.Extras) {}

// String describes the option.
func (SplitEdges) String() string { return "split-edges" }

// Run runs every stage of plan on eng (Searcher.Run, without checkpoints) over trainSet and
// validSet, sending each stage's record and then its searcher's records to rec (may be nil),
// and returns the last stage's searcher: its Genotype is the search's result.
func Run(ctx context.Context, eng *engine.Engine, plan Plan, cfg search.Config, trainSet, validSet *datasets.Dataset, rec search.Recorder) (*search.Searcher, error) {
	d, err := NewDriver(plan, cfg)
	if err != nil {
		return nil, err
	}
	for !d.Done() {
		scfg, srec, err := d.Next()
		if err != nil {
			return nil, err
		}
		if rec != nil {
			if err := rec.Record(srec); err != nil {
				return nil, fmt.Errorf("progressive: recorder: %w", err)
			}
		}
		s, err := search.New(eng, scfg, trainSet, validSet, rec)
		if err != nil {
			return nil, fmt.Errorf("progressive: stage %d: %w", d.Stage()+1, err)
		}
		if err := s.Run(ctx, ""); err != nil {
			return nil, fmt.Errorf("progressive: stage %d: %w", d.Stage()+1, err)
		}
		if prev := d.Last(); prev != nil {
			eng.Forget(prev.Net.Params)
		}
		if err := d.Finish(s); err != nil {
			return nil, err
		}
	}
	return d.Last(), nil
}
