package search

import (
	"fmt"
	"time"

	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/network"
)

// buildNet builds the search's supernet again with the candidates keep says (nil: all), its
// edges made by edge (nil: the search's), taking the current network's parameters: the weights,
// batch-norm statistics and optimizer state carry over.
func (s *Searcher) buildNet(keep [][][]bool, edge network.EdgeFactory) (*network.Network, error) {
	cfg := s.ncfg
	cfg.Keep, cfg.Reuse = keep, s.Net.Params
	if edge != nil {
		cfg.Edge = edge
	}
	net, err := s.cfg.space().Supernet(cfg)
	if err != nil {
		return nil, fmt.Errorf("search: rebuilding the supernet: %w", err)
	}
	return net, nil
}

// slotsOf returns net's mixing-weight slots of every α group, in the searcher's group order.
func (s *Searcher) slotsOf(net *network.Network) ([][]int, error) {
	out := make([][]int, len(s.Groups))
	for i, g := range s.Groups {
		ng := net.Group(g.Name)
		if ng == nil || len(ng.Slots) != len(g.Alpha) {
			return nil, fmt.Errorf("search: the rebuilt supernet has no group %s of %d edges", g.Name, len(g.Alpha))
		}
		out[i] = ng.Slots
	}
	return out, nil
}

// keep returns the groups' masks with every candidate of an unpruned group kept.
func (s *Searcher) keep() [][][]bool {
	out := make([][][]bool, len(s.Groups))
	for i, g := range s.Groups {
		out[i] = g.Mask
		if out[i] == nil {
			out[i] = make([][]bool, len(g.Alpha))
			for e := range g.Alpha {
				out[i][e] = make([]bool, len(g.Alpha[e]))
				for k := range out[i][e] {
					out[i][e][k] = true
				}
			}
		}
	}
	return out
}

// dropPrunedOps rebuilds the supernet without the pruned candidates (DropsPruned) and, when the
// search has compiled already, compiles what the rebuilt supernet needs anew (its zero
// place-holders) before returning.
func (s *Searcher) dropPrunedOps() error {
	net, err := s.buildNet(s.keep(), nil)
	if err != nil {
		return err
	}
	slots, err := s.slotsOf(net)
	if err != nil {
		return err
	}
	if s.warm {
		// The background compilation of the evaluation pass targets the old supernet.
		if err := s.waitEval(); err != nil {
			return err
		}
	}
	s.Net, s.trainable = net, net.Params.Trainable()
	for i, g := range s.Groups {
		g.slots = slots[i]
	}
	if !s.warm {
		return nil
	}
	start := time.Now()
	variants := []engine.Variant{engine.FwdTrain, engine.BwdInputs, engine.BwdAll}
	if s.cfg.EvalBatches >= 0 {
		variants = append(variants, engine.FwdEval)
	}
	if _, err := s.eng.Warmup(s.Net.Prog, s.inputShapes(), variants...); err != nil {
		return fmt.Errorf("search: compiling the pruned supernet: %w", err)
	}
	s.rebuildCompile = time.Since(start)
	return nil
}

// sampledNet returns, when the search runs sampled weight passes (SamplesWeightPass) and mix is
// one-hot on every edge, a supernet holding only the sampled candidates (network.SampledEdges)
// and its mixing-weight slots; nil otherwise.
func (s *Searcher) sampledNet(mix [][][]float32) (*network.Network, [][]int, error) {
	if !s.sampled {
		return nil, nil, nil
	}
	keep := make([][][]bool, len(mix))
	for i, rows := range mix {
		keep[i] = make([][]bool, len(rows))
		for e, row := range rows {
			k, n := -1, 0
			for j, w := range row {
				if w != 0 {
					k, n = j, n+1
				}
			}
			if n != 1 || row[k] != 1 {
				return nil, nil, nil
			}
			keep[i][e] = make([]bool, len(row))
			keep[i][e][k] = true
		}
	}
	net, err := s.buildNet(keep, network.SampledEdges)
	if err != nil {
		return nil, nil, err
	}
	slots, err := s.slotsOf(net)
	if err != nil {
		return nil, nil, err
	}
	return net, slots, nil
}

// warmSampled compiles what sampled weight passes need, so that none compiles in a step: for
// each column k, the supernet sampling candidate k on every edge (column 0 where a row is
// shorter) covers every candidate's executables and the mixing of column k.
func (s *Searcher) warmSampled() (time.Duration, error) {
	start := time.Now()
	cols := 0
	for _, g := range s.Groups {
		for _, row := range g.Alpha {
			cols = max(cols, len(row))
		}
	}
	for k := 0; k < cols; k++ {
		keep := make([][][]bool, len(s.Groups))
		for i, g := range s.Groups {
			for _, row := range g.Alpha {
				one := make([]bool, len(row))
				if k < len(row) {
					one[k] = true
				} else {
					one[0] = true
				}
				keep[i] = append(keep[i], one)
			}
		}
		net, err := s.buildNet(keep, network.SampledEdges)
		if err != nil {
			return time.Since(start), err
		}
		slots, err := s.slotsOf(net)
		if err != nil {
			return time.Since(start), err
		}
		if _, err := s.eng.Warmup(net.Prog, s.shapesOf(net, slots), engine.FwdTrain, engine.BwdInputs, engine.BwdAll); err != nil {
			return time.Since(start), fmt.Errorf("search: compiling the sampled weight pass: %w", err)
		}
	}
	return time.Since(start), nil
}
