package analysis

import (
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
)

func TestCompare(t *testing.T) {
	v1, _ := searchspace.Named("DARTS_V1")
	v2, _ := searchspace.Named("DARTS_V2")
	s, err := Compare(v1, v2)
	if err != nil {
		t.Fatal(err)
	}
	// By hand, node by node. Normal: node 0 {1 sep3, 0 sep3} vs {0 sep3, 1 sep3}: 2 edges 2
	// ops; node 1 {0 skip, 1 sep3} vs {0 sep3, 1 sep3}: 2, 1; node 2 {0 skip, 1 sep3} vs
	// {1 sep3, 0 skip}: 2, 2; node 3 {0 sep3, 2 skip} vs {0 skip, 2 dil3}: 2, 0. Reduce: node 0
	// the same: 2, 2; node 1 {2 skip, 0 max} vs {2 skip, 1 max}: 1, 1; node 2 the same: 2, 2;
	// node 3 {2 skip, 0 avg} vs {2 skip, 1 max}: 1, 1.
	want := Similarity{Normal: CellSimilarity{Edges: 8, Ops: 5, Entries: 8}, Reduce: CellSimilarity{Edges: 6, Ops: 6, Entries: 8}}
	if s != want {
		t.Errorf("Compare(DARTS_V1, DARTS_V2) = %+v, want %+v", s, want)
	}
	if self, _ := Compare(v2, v2); self.Normal.Ops != 8 || self.Reduce.Ops != 8 || self.Normal.OpFraction() != 1 {
		t.Errorf("a genotype against itself: %v", self)
	}
	// Entries from the same input twice are matched as a multiset: once each.
	a := []searchspace.OpInput{{Op: "sep_conv_3x3", Input: 0}, {Op: "sep_conv_3x3", Input: 0}}
	b := []searchspace.OpInput{{Op: "sep_conv_3x3", Input: 0}, {Op: "skip_connect", Input: 1}}
	if c, err := CompareCells(a, b); err != nil || c.Edges != 1 || c.Ops != 1 {
		t.Errorf("multiset match: %+v, %v; want 1 edge, 1 op", c, err)
	}
	if _, err := CompareCells(a, b[:1]); err == nil {
		t.Error("cells of different sizes: want an error")
	}
	p, err := PairwiseSimilarity([]searchspace.Genotype{v1, v2, v1})
	if err != nil || p[0][1] != want || p[0][2].Normal.Ops != 8 || p[1][2] != (Similarity{Normal: want.Normal, Reduce: want.Reduce}) {
		t.Errorf("pairwise: %v, %v", p, err)
	}
}
