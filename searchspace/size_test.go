package searchspace

import (
	"strings"
	"testing"
)

// The open anchor: DARTS_V2 as NetworkCIFAR with 36 channels and 20 cells has exactly
// 3,349,342 parameters without the auxiliary head.
func TestGenotypeSizeAnchor(t *testing.T) {
	g := mustNamed(t, "DARTS_V2")
	p, _, err := Size(g, NetConfig{Channels: 36, Layers: 20, Classes: 10})
	if err != nil {
		t.Fatal(err)
	}
	if p != 3349342 {
		t.Errorf("DARTS_V2 params = %d, want 3349342", p)
	}
}

// A tiny network counted by hand, layer by layer (C=4, 3 cells: normal, reduction,
// reduction; normal cell all max pools, reduction cell: pools, identities and
// two stride-2 skips from the inputs).
//
//	stem: conv 3->12 3x3 = 324, BN 24                               -> 348 params, 324*32*32 madds
//	cell 0 (normal, C=4, in 12/12): 2 x ReLUConvBN(12,4) = 2*(48+8)   -> 112, 2*48*1024
//	cell 1 (reduce, C=8, in 12/16): RCB(12,8)=96+16, RCB(16,8)=128+16,
//	        two stride-2 skips = FactorizedReduce(8,8) = 2*(8*4)+16 each -> 416,
//	        96*1024 + 128*1024 + 2*(2*32*16*16)
//	cell 2 (reduce, reduction_prev, C=16, in 16/32): FR(16,16)=256+32 on 32x32,
//	        RCB(32,16)=512+32 on 16x16, two FR(16,16) on 16x16        -> 1408,
//	        2*128*16*16 + 512*256 + 2*(2*128*8*8)
//	classifier: Linear(64, 10) = 640 + 10                            -> 650, 640
func TestGenotypeSizeHandCounted(t *testing.T) {
	g := Genotype{
		Normal: []OpInput{{OpMaxPool3x3, 0}, {OpMaxPool3x3, 1}, {OpMaxPool3x3, 0}, {OpMaxPool3x3, 1},
			{OpMaxPool3x3, 2}, {OpMaxPool3x3, 3}, {OpMaxPool3x3, 4}, {OpMaxPool3x3, 0}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce: []OpInput{{OpSkipConnect, 0}, {OpSkipConnect, 1}, {OpMaxPool3x3, 2}, {OpMaxPool3x3, 1},
			{OpMaxPool3x3, 0}, {OpSkipConnect, 2}, {OpSkipConnect, 2}, {OpMaxPool3x3, 1}},
		ReduceConcat: []int{2, 3, 4, 5},
	}
	b, err := SizeOf(g, NetConfig{Channels: 4, Layers: 3, Classes: 10})
	if err != nil {
		t.Fatal(err)
	}
	wantCells := []Cost{
		{112, 2 * 48 * 1024},
		{416, 96*1024 + 128*1024 + 2*(2*32*16*16)},
		{1408, 2*128*16*16 + 512*256 + 2*(2*128*8*8)},
	}
	if b.Stem != (Cost{348, 324 * 32 * 32}) {
		t.Errorf("stem %+v", b.Stem)
	}
	for i, c := range wantCells {
		if b.Cells[i] != c {
			t.Errorf("cell %d = %+v, want %+v", i, b.Cells[i], c)
		}
	}
	if b.Classifier != (Cost{650, 640}) {
		t.Errorf("classifier %+v", b.Classifier)
	}
	want := Cost{348 + 112 + 416 + 1408 + 650, 324*32*32 + wantCells[0].MAdds + wantCells[1].MAdds + wantCells[2].MAdds + 640}
	if b.Total != want {
		t.Errorf("total %+v, want %+v", b.Total, want)
	}
}

// closedFormCIFAR counts NetworkCIFAR's parameters a second way: the channel bookkeeping of
// model.py written out again, and per-op closed forms (sep conv k: 2(Ck²+C²+2C); dil conv k:
// Ck²+C²+2C; FactorizedReduce(a,b): ab+2b; ReLUConvBN 1x1 (a,b): ab+2b; conv_7x1_1x7:
// 14C²+2C).
func closedFormCIFAR(g Genotype, c, layers, classes int, imagenet bool) int64 {
	sq := func(x int) int64 { return int64(x) * int64(x) }
	opParams := func(op string, ch int, stride int) int64 {
		C := int64(ch)
		switch op {
		case OpSepConv3x3:
			return 2 * (9*C + C*C + 2*C)
		case OpSepConv5x5:
			return 2 * (25*C + C*C + 2*C)
		case OpSepConv7x7:
			return 2 * (49*C + C*C + 2*C)
		case OpDilConv3x3:
			return 9*C + C*C + 2*C
		case OpDilConv5x5:
			return 25*C + C*C + 2*C
		case OpConv7x1x1x7:
			return 14*C*C + 2*C
		case OpSkipConnect:
			if stride == 2 {
				return C*C + 2*C
			}
		}
		return 0
	}
	var total int64
	var cpp, cp, cur int
	if imagenet {
		total += 27*int64(c/2) + int64(c) + int64(c/2)*int64(c)*9 + 2*int64(c) + 9*sq(c) + 2*int64(c)
		cpp, cp, cur = c, c, c
	} else {
		total += 27*int64(3*c) + 2*int64(3*c)
		cpp, cp, cur = 3*c, 3*c, c
	}
	for i := 0; i < layers; i++ {
		red := i == layers/3 || i == 2*layers/3
		if red {
			cur *= 2
		}
		// preprocess0 (ReLUConvBN or, after a reduction, FactorizedReduce: the same
		// count), preprocess1.
		total += int64(cpp)*int64(cur) + 2*int64(cur) + int64(cp)*int64(cur) + 2*int64(cur)
		ops, concat := g.Normal, g.NormalConcat
		if red {
			ops, concat = g.Reduce, g.ReduceConcat
		}
		for _, o := range ops {
			stride := 1
			if red && o.Input < 2 {
				stride = 2
			}
			total += opParams(o.Op, cur, stride)
		}
		cpp, cp = cp, len(concat)*cur
	}
	return total + int64(cp)*int64(classes) + int64(classes)
}

func TestGenotypeSizeClosedForm(t *testing.T) {
	for _, name := range NamedGenotypes() {
		g := mustNamed(t, name)
		for _, cfg := range []NetConfig{
			{Channels: 36, Layers: 20, Classes: 10},
			{Channels: 16, Layers: 8, Classes: 10},
			{Channels: 48, Layers: 14, Classes: 1000, ImageNet: true},
			{Channels: 20, Layers: 5, Classes: 100},
		} {
			p, _, err := Size(g, cfg)
			if err != nil {
				t.Fatalf("%s %+v: %v", name, cfg, err)
			}
			if want := closedFormCIFAR(g, cfg.Channels, cfg.Layers, cfg.Classes, cfg.ImageNet); p != want {
				t.Errorf("%s %+v: Size %d, closed form %d", name, cfg, p, want)
			}
		}
	}
}

// The auxiliary heads add exactly their layers: CIFAR ReLU-AvgPool-Conv1x1(C->128)-BN-ReLU-
// Conv2x2(128->768)-BN-ReLU-Linear(768, classes); ImageNet the same without the second BN.
// C is the output width of cell 2*layers/3 (DARTS_V2, 36 channels, 20 cells: cell 13, the
// second reduction, 4*144 = 576 channels; ImageNet 48/14: cell 9, 4*192 = 768).
func TestGenotypeSizeAuxiliary(t *testing.T) {
	g := mustNamed(t, "DARTS_V2")
	for _, tc := range []struct {
		cfg  NetConfig
		auxC int64
		bn2  int64
	}{
		{NetConfig{Channels: 36, Layers: 20, Classes: 10}, 576, 2 * 768},
		{NetConfig{Channels: 48, Layers: 14, Classes: 1000, ImageNet: true}, 768, 0},
	} {
		base, _, err := Size(g, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		cfg := tc.cfg
		cfg.Auxiliary = true
		withAux, _, err := Size(g, cfg)
		if err != nil {
			t.Fatal(err)
		}
		k := int64(cfg.Classes)
		want := 128*tc.auxC + 2*128 + 128*768*4 + tc.bn2 + 768*k + k
		if withAux-base != want {
			t.Errorf("%+v: auxiliary head adds %d, want %d", tc.cfg, withAux-base, want)
		}
	}
	if 3825768-3349342 != 128*576+256+393216+1536+7690 {
		t.Error("arithmetic")
	}
}

// Counts agree with the sizes the papers publish (rounded to 0.1M): DARTS (second order)
// 3.3M on CIFAR-10 and 4.7M on ImageNet (48 channels, 14 cells); PC-DARTS 3.6M and 5.3M
// (its ImageNet genotype); P-DARTS 3.4M and 4.9M.
func TestGenotypeSizePublished(t *testing.T) {
	for _, tc := range []struct {
		name     string
		imagenet bool
		millions float64
	}{
		{"DARTS_V2", false, 3.3}, {"DARTS_V2", true, 4.7},
		{"PC_DARTS", false, 3.6}, {"PC_DARTS_image", true, 5.3},
		{"PDARTS", false, 3.4}, {"PDARTS", true, 4.9},
	} {
		cfg := NetConfig{Channels: 36, Layers: 20, Classes: 10}
		if tc.imagenet {
			cfg = NetConfig{Channels: 48, Layers: 14, Classes: 1000, ImageNet: true}
		}
		p, m, err := Size(mustNamed(t, tc.name), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := float64(p) / 1e6; got < tc.millions-0.05 || got >= tc.millions+0.05 {
			t.Errorf("%s imagenet=%v: %.3fM params, published %.1fM", tc.name, tc.imagenet, got, tc.millions)
		}
		if tc.imagenet && m >= 600e6 {
			t.Errorf("%s: %d multiply-adds, the mobile setting is below 600M", tc.name, m)
		}
	}
}

func TestGenotypeMacroLayout(t *testing.T) {
	cells, err := MacroLayout(16, 8, 3, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	// quark0/darts model_search.py with C=16, 8 layers: reductions at 2 and 5.
	want := []CellPlan{
		{0, false, false, 16, 48, 48, 64},
		{1, false, false, 16, 48, 64, 64},
		{2, true, false, 32, 64, 64, 128},
		{3, false, true, 32, 64, 128, 128},
		{4, false, false, 32, 128, 128, 128},
		{5, true, false, 64, 128, 128, 256},
		{6, false, true, 64, 128, 256, 256},
		{7, false, false, 64, 256, 256, 256},
	}
	if len(cells) != len(want) {
		t.Fatalf("%d cells", len(cells))
	}
	for i := range want {
		if cells[i] != want[i] {
			t.Errorf("cell %d = %+v, want %+v", i, cells[i], want[i])
		}
	}
	// NASNet: normal cells concat 5 nodes, reduction cells 3; ImageNet stem.
	l, err := NetConfig{Channels: 48, Layers: 14, Classes: 1000, ImageNet: true, Auxiliary: true}.Macro(mustNamed(t, "NASNet")).Layout()
	if err != nil {
		t.Fatal(err)
	}
	if l.Stem != 48 || !l.Cells[0].ReductionPrev || l.Cells[0].CPrevPrev != 48 || l.Cells[0].Out != 5*48 {
		t.Errorf("ImageNet NASNet cell 0 = %+v, stem %d", l.Cells[0], l.Stem)
	}
	if c := l.Cells[4]; !c.Reduction || c.C != 96 || c.Out != 3*96 || c.CPrev != 5*48 {
		t.Errorf("ImageNet NASNet cell 4 = %+v", c)
	}
	if l.AuxChannels != 3*192 || l.Final != 5*192 {
		t.Errorf("aux %d final %d", l.AuxChannels, l.Final)
	}
	for _, tc := range []struct {
		layers int
		want   []int
	}{{20, []int{6, 13}}, {8, []int{2, 5}}, {14, []int{4, 9}}, {3, []int{1, 2}}, {1, []int{0}}, {2, []int{0, 1}}} {
		if got := DefaultReductions(tc.layers); !equalInts(got, tc.want) {
			t.Errorf("DefaultReductions(%d) = %v, want %v", tc.layers, got, tc.want)
		}
	}
	for _, bad := range []MacroSpec{
		{C: 0, Layers: 8, StemMultiplier: 3, NormalMultiplier: 4, ReduceMultiplier: 4},
		{C: 16, Layers: 8, StemMultiplier: 3, NormalMultiplier: 4, ReduceMultiplier: 4, Reductions: []int{8}},
	} {
		if _, err := bad.Layout(); err == nil {
			t.Errorf("Layout(%+v): no error", bad)
		}
	}
}

func TestGenotypeSizeErrors(t *testing.T) {
	g := mustNamed(t, "DARTS_V2")
	for _, cfg := range []NetConfig{
		{Channels: 36, Layers: 20, Classes: 0},
		{Channels: 0, Layers: 20, Classes: 10},
		{Channels: 35, Layers: 14, Classes: 10, ImageNet: true},
		{Channels: 8, Layers: 1, Classes: 10, Auxiliary: true}, // aux input 16x16 leaves 4x4 features
	} {
		if _, _, err := Size(g, cfg); err == nil {
			t.Errorf("Size(%+v): no error", cfg)
		}
	}
	if _, _, err := Size(Genotype{}, DefaultNetConfig()); err == nil {
		t.Error("Size of an empty genotype: no error")
	}
}

// Sizes too large for an int64 are an error, not a wrapped-around count; absurd depths are
// refused before walking the cells.
func TestSizeOverflow(t *testing.T) {
	g, err := Named("DARTS_V2")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []NetConfig{
		{Channels: 3_000_000_000, Layers: 20, Classes: 10},
		{Channels: 1 << 40, Layers: 8, Classes: 10},
		{Channels: 36, Layers: 20, Classes: 1 << 62},
	} {
		if p, m, err := Size(g, cfg); err == nil || !strings.Contains(err.Error(), "overflow") {
			t.Errorf("%+v: params %d, madds %d, err %v", cfg, p, m, err)
		}
	}
	if _, _, err := Size(g, NetConfig{Channels: 36, Layers: 2_000_000_000, Classes: 10}); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("2e9 cells: %v", err)
	}
	p, _, err := Size(g, NetConfig{Channels: 36, Layers: 20, Classes: 10})
	if err != nil || p != 3349342 {
		t.Errorf("anchor: %d, %v", p, err)
	}
}
