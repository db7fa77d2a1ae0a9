package derive

import (
	"slices"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
)

func countSkips(g searchspace.Genotype) int {
	n := 0
	for _, o := range g.Normal {
		if o.Op == searchspace.OpSkipConnect {
			n++
		}
	}
	return n
}

func TestSkipCapS3(t *testing.T) {
	// S3 columns: none, skip_connect, sep_conv_3x3. Skip wins on every edge with a distinct
	// weight; sep_conv is second with a distinct weight too.
	space, _ := searchspace.NamedSpace("s3")
	n := space.NumEdges()
	normal := make([][]float64, n)
	reduce := make([][]float64, n)
	for e := 0; e < n; e++ {
		skip := 0.5 + 0.02*float64(e)
		normal[e] = []float64{0.05, skip, 0.95 - skip - 0.01*float64(e%3)}
		reduce[e] = []float64{0.1, 0.3, 0.6}
	}
	plain, err := DARTS{}.Derive(space, normal, reduce)
	if err != nil {
		t.Fatal(err)
	}
	if countSkips(plain) != 8 {
		t.Fatalf("uncapped: %d skips, want 8: %v", countSkips(plain), plain.Normal)
	}
	got, err := NewSkipCap().Derive(space, normal, reduce)
	if err != nil {
		t.Fatal(err)
	}
	if countSkips(got) != 2 {
		t.Fatalf("capped: %d skips: %v", countSkips(got), got.Normal)
	}
	// The two survivors are the strongest skips among the edges kept: every kept skip's weight
	// is at least that of every skip that was replaced on an edge still in the cell.
	minKept := 2.0
	for i, o := range got.Normal {
		if o.Op == searchspace.OpSkipConnect {
			minKept = min(minKept, normal[space.EdgeIndex(i/2, o.Input)][1])
		}
	}
	for i, o := range got.Normal {
		if o.Op == searchspace.OpSepConv3x3 {
			if w := normal[space.EdgeIndex(i/2, o.Input)][1]; w > minKept {
				t.Errorf("entry %d %v replaced a skip of weight %g stronger than a kept one (%g)", i, o, w, minKept)
			}
		}
	}
	if !slices.Equal(got.Reduce, plain.Reduce) {
		t.Error("reduction cell changed")
	}
	if normal[13][1] == 0 {
		t.Error("input weights changed")
	}
	// Max ≥ the count: the base's genotype unchanged.
	same, err := SkipCap{Max: 8}.Derive(space, normal, reduce)
	if err != nil || !same.Equal(plain) {
		t.Errorf("Max 8: %v, %v", same, err)
	}
	// Max 0 on S2 (skip or sep_conv on every edge): no skip at all.
	s2, _ := searchspace.NamedSpace("s2")
	two := make([][]float64, n)
	for e := range two {
		two[e] = []float64{0.9 - 0.01*float64(e), 0.1 + 0.01*float64(e)}
	}
	zero, err := SkipCap{Max: 0}.Derive(s2, two, two)
	if err != nil || countSkips(zero) != 0 {
		t.Errorf("Max 0: %v, %v", zero.Normal, err)
	}
	if _, err := (SkipCap{Max: -1}).Derive(s2, two, two); err == nil {
		t.Error("negative cap accepted")
	}
}

func TestSkipCapPDARTSOrder(t *testing.T) {
	// DARTS space: three nodes pick skip on their best edge. The weakest skip (edge of node 2)
	// goes first; that node's second best edge is not skip, so the next round keeps two.
	space := searchspace.DARTSSpace()
	n := space.NumEdges()
	w := make([][]float64, n)
	for e := range w {
		w[e] = []float64{0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}
	}
	set := func(node, input int, op string, v float64) {
		e := space.EdgeIndex(node, input)
		w[e][slices.Index(searchspace.DARTSOps(), op)] = v
	}
	set(0, 0, searchspace.OpSkipConnect, 0.6)
	set(0, 1, searchspace.OpSepConv3x3, 0.5)
	set(1, 0, searchspace.OpSkipConnect, 0.55)
	set(1, 2, searchspace.OpDilConv3x3, 0.5)
	set(2, 1, searchspace.OpSkipConnect, 0.45)
	set(2, 2, searchspace.OpSepConv5x5, 0.4)
	set(3, 4, searchspace.OpSepConv3x3, 0.5)
	set(3, 0, searchspace.OpDilConv5x5, 0.4)
	g, err := NewSkipCap().Derive(space, w, w)
	if err != nil {
		t.Fatal(err)
	}
	if countSkips(g) != 2 {
		t.Fatalf("%d skips: %v", countSkips(g), g.Normal)
	}
	for _, o := range g.Normal[4:6] {
		if o.Op == searchspace.OpSkipConnect {
			t.Errorf("node 2 kept its skip (the weakest): %v", g.Normal[4:6])
		}
	}
}
