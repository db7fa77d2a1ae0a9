package searchspace

import "fmt"

// MacroSpec is the macro skeleton of a DARTS network, the one definition shared by the search
// supernet and the evaluation networks (quark0/darts writes it twice, in model_search.py and
// model.py): a stem, Layers cells of which those at Reductions double the channels and halve
// the resolution, and an auxiliary head tapped after cell AuxiliaryCell.
type MacroSpec struct {
	// C is the initial number of channels per intermediate node (16 to search, 36 to
	// evaluate on CIFAR, 48 on ImageNet).
	C int
	// Layers is the number of cells.
	Layers int
	// StemMultiplier sets the stem's output channels to StemMultiplier*C (3 on CIFAR, 1 for
	// the ImageNet stems).
	StemMultiplier int
	// NormalMultiplier and ReduceMultiplier are the numbers of states concatenated by normal
	// and reduction cells (len(concat); 4 in DARTS, NASNet has 5 and 3): a cell outputs
	// multiplier*C channels.
	NormalMultiplier, ReduceMultiplier int
	// Reductions lists the indices of the reduction cells (DefaultReductions).
	Reductions []int
	// ReductionPrevFirst makes the first cell treat its first input as coming from a
	// reduction (FactorizedReduce preprocessing), as NetworkImageNet does after its two stems.
	ReductionPrevFirst bool
	// AuxiliaryCell is the index of the cell whose output feeds the auxiliary head
	// (2*Layers/3 in quark0/darts); negative for none.
	AuxiliaryCell int
}

// CellPlan is the channel and reduction bookkeeping of one cell of a Layout.
type CellPlan struct {
	// Index is the position of the cell, 0-based.
	Index int
	// Reduction marks a reduction cell (stride 2 on the edges from its two inputs).
	Reduction bool
	// ReductionPrev marks a cell whose previous cell reduced: its first input is
	// preprocessed by FactorizedReduce(CPrevPrev, C) instead of ReLUConvBN(CPrevPrev, C, 1x1).
	ReductionPrev bool
	// C is the number of channels of each intermediate node of the cell.
	C int
	// CPrevPrev and CPrev are the channels of the cell's inputs c_{k-2} and c_{k-1}.
	CPrevPrev, CPrev int
	// Out is the channels of the cell output, multiplier*C.
	Out int
}

// Layout is a MacroSpec resolved cell by cell.
type Layout struct {
	// Stem is the number of channels out of the stem (both cell inputs of cell 0 on CIFAR).
	Stem int
	// Cells is the plan of each cell.
	Cells []CellPlan
	// AuxChannels is the number of channels entering the auxiliary head (0 without one).
	AuxChannels int
	// Final is the number of channels entering global pooling and the classifier.
	Final int
}

// DefaultReductions returns quark0/darts's reduction cells, layers/3 and 2*layers/3 (one
// index when they coincide).
func DefaultReductions(layers int) []int {
	a, b := layers/3, 2*layers/3
	if a == b {
		return []int{a}
	}
	return []int{a, b}
}

// SearchMacro returns the skeleton of quark0/darts's search network (model_search.py) with c
// initial channels and the given number of cells: stem multiplier 3, 4 nodes concatenated
// per cell, default reductions, no auxiliary head.
func SearchMacro(c, layers int) MacroSpec {
	return MacroSpec{C: c, Layers: layers, StemMultiplier: 3, NormalMultiplier: 4, ReduceMultiplier: 4,
		Reductions: DefaultReductions(layers), AuxiliaryCell: -1}
}

// Macro returns the skeleton of the evaluation network of g under cfg: NetworkCIFAR (stem
// multiplier 3) or NetworkImageNet (stem channels C, first cell after a reduction), default
// reductions, multipliers len(g.NormalConcat) and len(g.ReduceConcat), and the auxiliary head
// after cell 2*Layers/3 when cfg.Auxiliary.
func (cfg NetConfig) Macro(g Genotype) MacroSpec {
	m := MacroSpec{C: cfg.Channels, Layers: cfg.Layers, StemMultiplier: 3,
		NormalMultiplier: len(g.NormalConcat), ReduceMultiplier: len(g.ReduceConcat),
		Reductions: DefaultReductions(cfg.Layers), AuxiliaryCell: -1}
	if cfg.ImageNet {
		m.StemMultiplier = 1
		m.ReductionPrevFirst = true
	}
	if cfg.Auxiliary {
		m.AuxiliaryCell = 2 * cfg.Layers / 3
	}
	return m
}

// MacroLayout resolves the common case of MacroSpec: c initial channels, layers cells, a stem
// of stemMultiplier*c channels, every cell concatenating multiplier nodes, reductions at the
// given cell indices (nil: DefaultReductions(layers)), no auxiliary head.
func MacroLayout(c, layers, stemMultiplier, multiplier int, reductions []int) ([]CellPlan, error) {
	if reductions == nil {
		reductions = DefaultReductions(layers)
	}
	l, err := MacroSpec{C: c, Layers: layers, StemMultiplier: stemMultiplier, NormalMultiplier: multiplier,
		ReduceMultiplier: multiplier, Reductions: reductions, AuxiliaryCell: -1}.Layout()
	if err != nil {
		return nil, err
	}
	return l.Cells, nil
}

// Layout resolves m into per-cell channel counts, following quark0/darts: C_curr doubles at
// each reduction cell; cell i reads (C_prev_prev, C_prev) and outputs multiplier*C_curr.
func (m MacroSpec) Layout() (Layout, error) {
	if m.C < 1 || m.Layers < 1 || m.StemMultiplier < 1 || m.NormalMultiplier < 1 || m.ReduceMultiplier < 1 {
		return Layout{}, fmt.Errorf("macro: channels %d, layers %d, stem multiplier %d, multipliers %d/%d must be positive",
			m.C, m.Layers, m.StemMultiplier, m.NormalMultiplier, m.ReduceMultiplier)
	}
	red := map[int]bool{}
	for _, r := range m.Reductions {
		if r < 0 || r >= m.Layers {
			return Layout{}, fmt.Errorf("macro: reduction cell %d out of range [0, %d)", r, m.Layers)
		}
		red[r] = true
	}
	if m.AuxiliaryCell >= m.Layers {
		return Layout{}, fmt.Errorf("macro: auxiliary cell %d out of range [0, %d)", m.AuxiliaryCell, m.Layers)
	}
	stem := m.StemMultiplier * m.C
	l := Layout{Stem: stem}
	cpp, cp, c := stem, stem, m.C
	redPrev := m.ReductionPrevFirst
	for i := 0; i < m.Layers; i++ {
		mult := m.NormalMultiplier
		if red[i] {
			c *= 2
			mult = m.ReduceMultiplier
		}
		p := CellPlan{Index: i, Reduction: red[i], ReductionPrev: redPrev, C: c, CPrevPrev: cpp, CPrev: cp, Out: mult * c}
		l.Cells = append(l.Cells, p)
		redPrev = red[i]
		cpp, cp = cp, p.Out
		if i == m.AuxiliaryCell {
			l.AuxChannels = cp
		}
	}
	l.Final = cp
	return l, nil
}
