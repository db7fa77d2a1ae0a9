package search

import (
	"fmt"
	"reflect"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/network"
)

// Space is what a search needs of the space it searches: the supernet to build, the methods
// it can take, and how the architecture is read off the expected mixing weights. CellSpace
// (the DARTS cell supernet), NB201Space and MobileSpace implement it; Config.SearchSpace
// chooses one.
type Space interface {
	// Name names the space in the meta record.
	Name() string
	// Supernet builds the supernet of cfg (the method's supernet options applied).
	Supernet(cfg network.Config) (*network.Network, error)
	// Check refuses, with one error, a method whose components do not apply to the space.
	Check(m Method) error
	// Derive reads the architecture off the expected mixing weights, one table per α group,
	// groups naming them (the supernet's Groups order).
	Derive(m Method, groups []string, expected [][][]float64) (Arch, error)
	// Layout labels the rows of the first α group and lists their candidates (the meta
	// record's edges and ops), and the second group's candidates when they differ (nil
	// otherwise).
	Layout() (rows []string, ops, secondOps [][]string)
	// Settings are the space's settings a checkpoint must match ("space", "ops", ...).
	Settings() map[string]string
}

// Arch is a derived architecture: a DARTS searchspace.Genotype, a searchspace.NB201Arch or
// a searchspace.MobileArch. String writes it in its space's notation.
type Arch interface {
	String() string
}

// CellSpace searches a DARTS cell space: the supernet of network.Supernet, derived by the
// method's Deriver into a searchspace.Genotype of the "normal" and "reduce" groups.
type CellSpace struct {
	Space searchspace.CellSpace
}

// Name returns the cell space's name.
func (c CellSpace) Name() string { return c.Space.Name }

// Supernet builds the DARTS supernet of the cell space.
func (c CellSpace) Supernet(cfg network.Config) (*network.Network, error) {
	return network.Supernet(c.Space, cfg)
}

// Check accepts every method (the methods are DARTS's).
func (c CellSpace) Check(Method) error { return c.Space.Validate() }

// Derive applies the method's Deriver to the expected weights of groups "normal" and
// "reduce". In a supernet with edge normalization (PC-DARTS: groups "edges_normal" and
// "edges_reduce") each edge's weights are first multiplied by its node's normalized edge
// weight (searchspace.EdgeNormalized), as PC-DARTS derives.
func (c CellSpace) Derive(m Method, groups []string, expected [][][]float64) (Arch, error) {
	var normal, reduce [][]float64
	for i, name := range groups {
		switch name {
		case "normal":
			normal = expected[i]
		case "reduce":
			reduce = expected[i]
		}
	}
	for i, name := range groups {
		var err error
		switch name {
		case "edges_normal":
			normal, err = searchspace.EdgeNormalized(c.Space.ForCell(false), normal, expected[i])
		case "edges_reduce":
			reduce, err = searchspace.EdgeNormalized(c.Space.ForCell(true), reduce, expected[i])
		}
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
	}
	g, err := m.withDefaults().Deriver.Derive(c.Space, normal, reduce)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Layout labels the edges "i→j" (state i feeds state j) and lists each edge's candidates; the
// reduction cell's when the space gives it its own (RobustDARTS's S1).
func (c CellSpace) Layout() (rows []string, ops, secondOps [][]string) {
	for e, edge := range c.Space.Edges() {
		rows = append(rows, fmt.Sprintf("%d→%d", edge.Input, edge.Node+c.Space.Inputs))
		ops = append(ops, c.Space.OpsOn(e))
		if c.Space.ReduceEdgeOps != nil {
			secondOps = append(secondOps, c.Space.OpsOnCell(true, e))
		}
	}
	return rows, ops, secondOps
}

// Settings are the space's name and operations.
func (c CellSpace) Settings() map[string]string {
	return map[string]string{"space": c.Space.Name, "ops": fmt.Sprint(c.Space.Ops)}
}

// NB201Space searches NAS-Bench-201's cell (network.NB201Supernet; Config.Layers is the
// number of cells per stage): one α group "cell", six rows of NB201Ops, derived by the argmax
// of every edge (searchspace.DeriveNB201, none included) into a searchspace.NB201Arch.
type NB201Space struct{}

// Name returns "nb201".
func (NB201Space) Name() string { return "nb201" }

// Supernet builds the NAS-Bench-201 supernet; its three stages fix the reductions.
func (NB201Space) Supernet(cfg network.Config) (*network.Network, error) {
	if cfg.Reductions != nil {
		return nil, fmt.Errorf("nb201: the reductions are fixed (between the three stages): Reductions %v does not apply", cfg.Reductions)
	}
	return network.NB201Supernet(cfg)
}

// Check refuses the components that read DARTS cells (see checkArgmaxMethod).
func (NB201Space) Check(m Method) error { return checkArgmaxMethod("nb201", m) }

// Derive returns the argmax operation of every edge of group "cell".
func (NB201Space) Derive(_ Method, groups []string, expected [][][]float64) (Arch, error) {
	w, err := onlyGroup("cell", groups, expected)
	if err != nil {
		return nil, err
	}
	a, err := searchspace.DeriveNB201(w)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Layout labels the edges "j→i" in NB201Edge order, each with NB201Ops.
func (NB201Space) Layout() (rows []string, ops, secondOps [][]string) {
	for e := 0; e < searchspace.NB201Edges; e++ {
		to, from := searchspace.NB201Edge(e)
		rows = append(rows, fmt.Sprintf("%d→%d", from, to))
		ops = append(ops, searchspace.NB201Ops())
	}
	return rows, ops, nil
}

// Settings are the space's name and operations.
func (NB201Space) Settings() map[string]string {
	return map[string]string{"space": "nb201", "ops": fmt.Sprint(searchspace.NB201Ops())}
}

// MobileSpace searches a block-wise mobile space (FBNet, ProxylessNAS; network.MobileSupernet,
// Config.C and Layers do not apply): one α group "blocks", one row per searchable layer,
// derived by the argmax of every layer (searchspace.DeriveMobile) into a
// searchspace.MobileArch.
type MobileSpace struct {
	Space searchspace.MobileSpace
}

// Name returns the mobile space's name ("fbnet", "fbnet-x0.25", ...).
func (m MobileSpace) Name() string { return m.Space.Name }

// Supernet builds the block-wise supernet; the space's stages fix the reductions.
func (m MobileSpace) Supernet(cfg network.Config) (*network.Network, error) {
	if cfg.Reductions != nil {
		return nil, fmt.Errorf("%s: the space's stages fix the strides: Reductions %v does not apply", m.Space.Name, cfg.Reductions)
	}
	return network.MobileSupernet(m.Space, cfg)
}

// Check refuses the components that read DARTS cells (see checkArgmaxMethod).
func (m MobileSpace) Check(meth Method) error { return checkArgmaxMethod(m.Space.Name, meth) }

// Derive returns the argmax block of every layer of group "blocks".
func (m MobileSpace) Derive(_ Method, groups []string, expected [][][]float64) (Arch, error) {
	w, err := onlyGroup("blocks", groups, expected)
	if err != nil {
		return nil, err
	}
	a, err := searchspace.DeriveMobile(m.Space, w)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Layout labels the layers "layer<i>/s<stride>" with their candidates.
func (m MobileSpace) Layout() (rows []string, ops, secondOps [][]string) {
	for i, l := range m.Space.Layers() {
		rows = append(rows, fmt.Sprintf("layer%d/s%d", i, l.Stride))
		ops = append(ops, l.Blocks)
	}
	return rows, ops, nil
}

// Settings are the space's name, its candidates per layer, and its macro (stem, stages,
// head).
func (m MobileSpace) Settings() map[string]string {
	s := m.Space
	_, ops, _ := m.Layout()
	return map[string]string{"space": s.Name, "ops": fmt.Sprint(ops),
		"macro": fmt.Sprintf("stem %d/s%d first %q/%d stages %v head %d expand-always %v", s.StemChannels, s.StemStride,
			s.FirstBlock, s.FirstChannels, s.Stages, s.HeadChannels, s.ExpandAlways)}
}

// checkArgmaxMethod refuses the method components that only apply to DARTS cells: a Deriver
// other than DARTS's plain rule (the space derives by argmax), a Stopper (stoppers read DARTS
// genotypes: skip counts, a kept genotype) and supernet options (DARTS-'s auxiliary skip and
// P-DARTS's skip dropout are options of the DARTS cell's edges).
func checkArgmaxMethod(space string, m Method) error {
	m = m.withDefaults()
	if d, ok := m.Deriver.(DARTSDeriver); !ok || !reflect.ValueOf(d).IsZero() {
		return fmt.Errorf("the %s space derives by the argmax of each row; method %s's deriver %s reads DARTS cells", space, m.Name, describe(m.Deriver))
	}
	if m.Stopper != nil {
		return fmt.Errorf("method %s's stopper %s reads DARTS genotypes; the %s space has none", m.Name, describe(m.Stopper), space)
	}
	if len(m.Supernet) > 0 {
		return fmt.Errorf("method %s changes the DARTS cell's edges (%s); the %s supernet has no such option", m.Name, describe(m.Supernet[0]), space)
	}
	return nil
}

// onlyGroup returns the expected weights of the group called name, the space's only one.
func onlyGroup(name string, groups []string, expected [][][]float64) ([][]float64, error) {
	if len(groups) != 1 || groups[0] != name || len(expected) != 1 {
		return nil, fmt.Errorf("derive: want the one α group %q, have %v", name, groups)
	}
	return expected[0], nil
}
