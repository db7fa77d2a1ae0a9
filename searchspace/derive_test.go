package searchspace

import (
	"math"
	"strings"
	"testing"
)

// alphaFor builds DARTS-space weights: every entry is base, except the listed
// (node, input) -> op -> weight entries.
func alphaFor(t *testing.T, space CellSpace, base float64, set map[[2]int]map[string]float64) [][]float64 {
	t.Helper()
	w := make([][]float64, space.NumEdges())
	for e := range w {
		w[e] = make([]float64, len(space.OpsOn(e)))
		for k := range w[e] {
			w[e][k] = base
		}
	}
	for key, ops := range set {
		e := space.EdgeIndex(key[0], key[1])
		if e < 0 {
			t.Fatalf("no edge %v", key)
		}
		for op, x := range ops {
			k := indexOf(space.OpsOn(e), op)
			if k < 0 {
				t.Fatalf("edge %v has no op %q", key, op)
			}
			w[e][k] = x
		}
	}
	return w
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

func TestGenotypeDARTSSpaceEdges(t *testing.T) {
	s := DARTSSpace()
	edges := s.Edges()
	if len(edges) != 14 || s.NumEdges() != 14 {
		t.Fatalf("%d edges, NumEdges %d; want 14", len(edges), s.NumEdges())
	}
	// quark0/darts order: for node i, for input j in 0..i+1.
	want := []Edge{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}, {2, 3}, {3, 0}, {3, 1}, {3, 2}, {3, 3}, {3, 4}}
	for e, ed := range edges {
		if ed != want[e] {
			t.Errorf("edge %d = %v, want %v", e, ed, want[e])
		}
		if got := s.EdgeIndex(ed.Node, ed.Input); got != e {
			t.Errorf("EdgeIndex(%v) = %d, want %d", ed, got, e)
		}
	}
	if s.EdgeIndex(0, 2) != -1 || s.EdgeIndex(4, 0) != -1 {
		t.Error("EdgeIndex accepts a missing edge")
	}
	if got := strings.Join(s.OpsOn(3), ","); got != "none,max_pool_3x3,avg_pool_3x3,skip_connect,sep_conv_3x3,sep_conv_5x5,dil_conv_3x3,dil_conv_5x5" {
		t.Errorf("ops = %s", got)
	}
}

func TestGenotypeDeriveDARTS(t *testing.T) {
	space := DARTSSpace()
	set := map[[2]int]map[string]float64{
		// node 0: plain choice, best edge first.
		{0, 0}: {OpSepConv3x3: 0.6},
		{0, 1}: {OpSkipConnect: 0.3},
		// node 1: its strongest edge is none.
		{1, 0}: {OpNone: 0.9, OpMaxPool3x3: 0.05, OpAvgPool3x3: 0.0, OpSkipConnect: 0.0, OpSepConv3x3: 0.0, OpSepConv5x5: 0.0, OpDilConv3x3: 0.0, OpDilConv5x5: 0.0},
		{1, 1}: {OpDilConv3x3: 0.4},
		{1, 2}: {OpSepConv5x5: 0.2},
		// node 2: all equal (0.01) -> ties everywhere.
		// node 3: op tie on edge 3<-4 (avg vs sep3) and edge tie between inputs 2 and 4.
		{3, 2}: {OpSkipConnect: 0.5},
		{3, 4}: {OpAvgPool3x3: 0.5, OpSepConv3x3: 0.5},
	}
	w := alphaFor(t, space, 0.01, set)
	for _, tc := range []struct {
		name string
		opt  DeriveOptions
		want []OpInput
	}{
		{"quark0 rule", DeriveOptions{}, []OpInput{
			{OpSepConv3x3, 0}, {OpSkipConnect, 1},
			{OpDilConv3x3, 1}, {OpSepConv5x5, 2},
			{OpMaxPool3x3, 0}, {OpMaxPool3x3, 1},
			{OpSkipConnect, 2}, {OpAvgPool3x3, 4},
		}},
		{"none allowed", DeriveOptions{AllowNone: true}, []OpInput{
			{OpSepConv3x3, 0}, {OpSkipConnect, 1},
			{OpNone, 0}, {OpDilConv3x3, 1},
			{OpNone, 0}, {OpNone, 1},
			{OpSkipConnect, 2}, {OpAvgPool3x3, 4},
		}},
		{"one edge per node", DeriveOptions{EdgesPerNode: 1}, []OpInput{
			{OpSepConv3x3, 0}, {OpDilConv3x3, 1}, {OpMaxPool3x3, 0}, {OpSkipConnect, 2},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := DeriveDARTS(space, w, w, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !equalOps(g.Normal, tc.want) || !equalOps(g.Reduce, tc.want) {
				t.Errorf("normal %v\nwant   %v", g.Normal, tc.want)
			}
			if !equalInts(g.NormalConcat, []int{2, 3, 4, 5}) || !equalInts(g.ReduceConcat, []int{2, 3, 4, 5}) {
				t.Errorf("concat %v %v", g.NormalConcat, g.ReduceConcat)
			}
			if tc.opt.EdgesPerNode == 0 {
				if err := g.Validate(); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// Softmax of logits then DeriveDARTS reproduces DARTS_V2's normal cell from logits that favour
// exactly its entries.
func TestGenotypeDeriveDARTSFromLogits(t *testing.T) {
	space := DARTSSpace()
	v2 := mustNamed(t, "DARTS_V2")
	logits := func(cell []OpInput) [][]float64 {
		set := map[[2]int]map[string]float64{}
		for k, o := range cell {
			// Earlier entries get larger logits so that the order within a node is kept.
			set[[2]int{k / 2, o.Input}] = map[string]float64{o.Op: 3 - float64(k%2)}
		}
		return alphaFor(t, space, 0, set)
	}
	g, err := DeriveDARTS(space, Softmax(logits(v2.Normal)), Softmax(logits(v2.Reduce)), DeriveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !g.Equal(v2) {
		t.Errorf("derived %v\nwant    %v", g, v2)
	}
}

func TestGenotypeDeriveDARTSErrors(t *testing.T) {
	space := DARTSSpace()
	good := alphaFor(t, space, 0.1, nil)
	short := good[:13]
	narrow := alphaFor(t, space, 0.1, nil)
	narrow[5] = narrow[5][:7]
	nan := alphaFor(t, space, 0.1, nil)
	nan[2][3] = math.NaN()
	s3, err := RobustDARTSSpace(3)
	if err != nil {
		t.Fatal(err)
	}
	onlyNone, err := DARTSSpace().WithEdgeOps(func() [][]string {
		ops := make([][]string, 14)
		for e := range ops {
			ops[e] = []string{OpNone}
			if e >= 2 {
				ops[e] = []string{OpNone, OpSkipConnect}
			}
		}
		return ops
	}())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		space  CellSpace
		w      [][]float64
		opt    DeriveOptions
		substr string
	}{
		{"rows", space, short, DeriveOptions{}, "13 rows"},
		{"columns", space, narrow, DeriveOptions{}, "row 5"},
		{"NaN", space, nan, DeriveOptions{}, "NaN"},
		{"too many edges", space, good, DeriveOptions{EdgesPerNode: 3}, "EdgesPerNode 3"},
		{"darts weights on S3", s3, good, DeriveOptions{}, "columns"},
		{"node with none only", onlyNone, alphaFor(t, onlyNone, 0.5, nil), DeriveOptions{}, "node 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DeriveDARTS(tc.space, tc.w, tc.w, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.substr)
			}
		})
	}
}

func TestGenotypeDeriveRobustDARTSSubsets(t *testing.T) {
	s3, err := RobustDARTSSpace(3)
	if err != nil {
		t.Fatal(err)
	}
	w := alphaFor(t, s3, 0.1, map[[2]int]map[string]float64{
		{0, 0}: {OpNone: 0.8, OpSkipConnect: 0.15},
		{0, 1}: {OpSepConv3x3: 0.7},
	})
	g, err := DeriveDARTS(s3, w, w, DeriveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []OpInput{{OpSepConv3x3, 1}, {OpSkipConnect, 0}}; !equalOps(g.Normal[:2], want) {
		t.Errorf("node 0 = %v, want %v", g.Normal[:2], want)
	}
	for _, o := range g.Normal {
		if indexOf(s3.Ops, o.Op) < 0 {
			t.Errorf("op %q outside S3", o.Op)
		}
	}
	// A per-edge space (S1 style): different column counts per edge.
	perEdge := make([][]string, 14)
	for e := range perEdge {
		perEdge[e] = []string{OpSepConv3x3, OpSkipConnect}
		if e%2 == 1 {
			perEdge[e] = []string{OpDilConv5x5, OpMaxPool3x3, OpAvgPool3x3}
		}
	}
	s1, err := DARTSSpace().WithEdgeOps(perEdge)
	if err != nil {
		t.Fatal(err)
	}
	w1 := alphaFor(t, s1, 0.2, map[[2]int]map[string]float64{{0, 1}: {OpAvgPool3x3: 0.9}})
	g1, err := DeriveDARTS(s1, w1, w1, DeriveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []OpInput{{OpAvgPool3x3, 1}, {OpSepConv3x3, 0}}; !equalOps(g1.Normal[:2], want) {
		t.Errorf("S1-style node 0 = %v, want %v", g1.Normal[:2], want)
	}
	if _, err := DARTSSpace().WithEdgeOps(perEdge[:3]); err == nil {
		t.Error("WithEdgeOps accepted 3 lists for 14 edges")
	}
	if _, err := RobustDARTSSpace(5); err == nil {
		t.Error("RobustDARTSSpace(5) gave no error")
	}
}

func TestGenotypeDeriveFairDARTS(t *testing.T) {
	space := DARTSSpace()
	w := alphaFor(t, space, 0.1, map[[2]int]map[string]float64{
		{0, 0}: {OpSepConv3x3: 0.9},
		{0, 1}: {OpSkipConnect: 0.95},
		{1, 2}: {OpDilConv5x5: 0.86},
		{2, 0}: {OpNone: 0.99}, // none never counts
		{3, 0}: {OpMaxPool3x3: 0.9},
		{3, 3}: {OpSepConv5x5: 0.99},
		{3, 4}: {OpAvgPool3x3: 0.87},
	})
	g, err := DeriveFairDARTS(space, w, w, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []OpInput{
		{OpSkipConnect, 1}, {OpSepConv3x3, 0},
		{OpDilConv5x5, 2}, {OpNone, 0},
		{OpNone, 0}, {OpNone, 1},
		{OpSepConv5x5, 3}, {OpMaxPool3x3, 0},
	}
	if !equalOps(g.Normal, want) {
		t.Errorf("FairDARTS normal %v\nwant %v", g.Normal, want)
	}
	if err := g.Validate(); err != nil {
		t.Error(err)
	}
	// A lower threshold admits more edges.
	g2, err := DeriveFairDARTS(space, w, w, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if g2.Normal[3] != (OpInput{OpMaxPool3x3, 0}) {
		t.Errorf("threshold 0.05: node 1 second entry %v", g2.Normal[3])
	}
	if _, err := DeriveFairDARTS(space, w[:3], w, 0); err == nil {
		t.Error("no error on 3 rows")
	}
	sig := Sigmoid([][]float64{{0, math.Log(3)}})
	if math.Abs(sig[0][0]-0.5) > 1e-12 || math.Abs(sig[0][1]-0.75) > 1e-12 {
		t.Errorf("Sigmoid = %v", sig)
	}
}

func TestRobustDARTSSpaces(t *testing.T) {
	for _, name := range NamedSpaces() {
		s, err := NamedSpace(name)
		if err != nil {
			t.Fatalf("NamedSpace(%q): %v", name, err)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if s.NumEdges() != 14 {
			t.Errorf("%s: %d edges", name, s.NumEdges())
		}
	}
	want := map[string]string{"s2": "skip_connect,sep_conv_3x3", "s3": "none,skip_connect,sep_conv_3x3", "s4": "noise,sep_conv_3x3"}
	for name, ops := range want {
		s, _ := NamedSpace(strings.ToUpper(name))
		for e := 0; e < 14; e++ {
			for _, red := range []bool{false, true} {
				if got := strings.Join(s.OpsOnCell(red, e), ","); got != ops {
					t.Errorf("%s edge %d (reduction %v): %s, want %s", name, e, red, got, ops)
				}
			}
		}
	}
	s1, err := NamedSpace("robust_darts_s1")
	if err != nil {
		t.Fatal(err)
	}
	// Spot checks against automl/RobustDARTS src/spaces.py.
	checks := []struct {
		red  bool
		e    int
		want string
	}{
		{false, 0, "skip_connect,dil_conv_3x3"}, {false, 5, "max_pool_3x3,skip_connect"},
		{false, 13, "dil_conv_3x3,dil_conv_5x5"}, {true, 0, "max_pool_3x3,avg_pool_3x3"},
		{true, 6, "max_pool_3x3,sep_conv_3x3"}, {true, 13, "skip_connect,dil_conv_5x5"},
	}
	for _, c := range checks {
		if got := strings.Join(s1.OpsOnCell(c.red, c.e), ","); got != c.want {
			t.Errorf("S1 edge %d (reduction %v) = %s, want %s", c.e, c.red, got, c.want)
		}
	}
	skips := 0
	for _, ops := range RobustDARTSS1Normal() {
		if indexOf(ops, OpSkipConnect) >= 0 {
			skips++
		}
	}
	if skips != 12 {
		t.Errorf("S1 normal cell offers skip_connect on %d edges, want 12", skips)
	}
	// Derivation reads each cell's own columns: the reduction cell's best ops are reduction ops.
	normal := make([][]float64, 14)
	reduce := make([][]float64, 14)
	for e := range normal {
		normal[e] = []float64{0.4, 0.6}
		reduce[e] = []float64{0.7, 0.3}
	}
	g, err := DeriveDARTS(s1, normal, reduce, DeriveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Column 1 wins on every normal edge, column 0 on every reduction edge.
	for i, o := range g.Normal {
		if e := s1.EdgeIndex(i/2, o.Input); o.Op != RobustDARTSS1Normal()[e][1] {
			t.Errorf("normal entry %d %v: want %s", i, o, RobustDARTSS1Normal()[e][1])
		}
	}
	for i, o := range g.Reduce {
		if e := s1.EdgeIndex(i/2, o.Input); o.Op != RobustDARTSS1Reduce()[e][0] {
			t.Errorf("reduction entry %d %v: want %s", i, o, RobustDARTSS1Reduce()[e][0])
		}
	}
	// A normal-shaped row count mismatch on the reduction side is an error.
	bad := append([][]float64{{1, 2, 3}}, reduce[1:]...)
	if _, err := DeriveDARTS(s1, normal, bad, DeriveOptions{}); err == nil {
		t.Error("3 columns on a 2-op reduction edge: no error")
	}
	if _, err := NamedSpace("s5"); err == nil || !strings.Contains(err.Error(), "known: darts, s1") {
		t.Errorf("NamedSpace(s5): %v", err)
	}
	// ReduceEdgeOps are validated.
	if _, err := DARTSSpace().WithReduceEdgeOps([][]string{{"conv_9x9"}}); err == nil {
		t.Error("WithReduceEdgeOps accepted 1 list")
	}
	broken := s1
	broken.ReduceEdgeOps = [][]string{{OpSkipConnect}}
	if err := broken.Validate(); err == nil {
		t.Error("Validate accepted 1 reduction list for 14 edges")
	}
}
