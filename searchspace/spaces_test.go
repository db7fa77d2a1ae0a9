package searchspace

import (
	"strings"
	"testing"
)

func TestGenotypeNB201(t *testing.T) {
	const s = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"
	a, err := ParseNB201(s)
	if err != nil {
		t.Fatal(err)
	}
	want := [6]string{OpNorConv3x3, OpSkipConnect, OpNorConv3x3, OpSkipConnect, OpNone, OpNorConv3x3}
	if a.Ops != want {
		t.Errorf("ops %v, want %v", a.Ops, want)
	}
	if a.String() != s {
		t.Errorf("String() = %q", a.String())
	}
	for e, want := range [][2]int{{1, 0}, {2, 0}, {2, 1}, {3, 0}, {3, 1}, {3, 2}} {
		if to, from := NB201Edge(e); to != want[0] || from != want[1] {
			t.Errorf("edge %d = %d<-%d, want %d<-%d", e, to, from, want[0], want[1])
		}
	}
	// Ordinal is a bijection onto [0, 15625).
	seen := map[string]bool{}
	for n := 0; n < NB201Count; n++ {
		a, err := NB201FromOrdinal(n)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := a.Ordinal(); err != nil || back != n {
			t.Fatalf("Ordinal(FromOrdinal(%d)) = %d, %v", n, back, err)
		}
		seen[a.String()] = true
	}
	if len(seen) != 15625 {
		t.Errorf("%d distinct cells, want 15625", len(seen))
	}
	if _, err := NB201FromOrdinal(NB201Count); err == nil {
		t.Error("ordinal 15625 accepted")
	}
}

func TestGenotypeNB201Malformed(t *testing.T) {
	for _, tc := range []struct{ s, substr string }{
		{"|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|", "node groups"},
		{"|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|", "node 3 has 2 edges"},
		{"|conv_9x9~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", "byte 1: unknown operation"},
		{"|nor_conv_3x3~0|+|skip_connect~1|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", "must read node 0"},
		{"nor_conv_3x3~0+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", "byte 0"},
		{"|nor_conv_3x3~0|+|skip_connect0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", "byte 18: expected op~input"},
	} {
		if _, err := ParseNB201(tc.s); err == nil || !strings.Contains(err.Error(), tc.substr) {
			t.Errorf("ParseNB201(%q) = %v, want an error with %q", tc.s, err, tc.substr)
		}
	}
}

func TestGenotypeDeriveNB201(t *testing.T) {
	w := [][]float64{
		{0.1, 0.2, 0.3, 0.4, 0.0}, // nor_conv_3x3
		{0.5, 0.1, 0.1, 0.1, 0.2}, // none is a legitimate choice
		{0.2, 0.2, 0.2, 0.2, 0.2}, // tie: lowest column
		{0, 0, 0, 0, 1},
		{0, 1, 0, 0, 0},
		{0, 0, 1, 0, 0},
	}
	a, err := DeriveNB201(w)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.String(), "|nor_conv_3x3~0|+|none~0|none~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|"; got != want {
		t.Errorf("derived %s, want %s", got, want)
	}
	if _, err := DeriveNB201(w[:5]); err == nil {
		t.Error("5 rows accepted")
	}
	if _, err := DeriveNB201(append(w[:5:5], []float64{1, 2})); err == nil {
		t.Error("2 columns accepted")
	}
}

func TestGenotypeMobileSpaces(t *testing.T) {
	fb := FBNetSpace()
	layers := fb.Layers()
	if len(layers) != 22 {
		t.Fatalf("FBNet: %d searchable layers, want 22", len(layers))
	}
	for i, l := range layers {
		if len(l.Blocks) != 9 {
			t.Errorf("FBNet layer %d: %d candidates, want 9", i, len(l.Blocks))
		}
	}
	// Stage boundaries: stride and channels of the first layer of each stage.
	if l := layers[1]; l.In != 16 || l.Out != 24 || l.Stride != 2 {
		t.Errorf("FBNet layer 1 = %+v", l)
	}
	if l := layers[13]; l.In != 64 || l.Out != 112 || l.Stride != 1 {
		t.Errorf("FBNet layer 13 = %+v", l)
	}
	if l := layers[21]; l.In != 184 || l.Out != 352 || l.Stride != 1 {
		t.Errorf("FBNet layer 21 = %+v", l)
	}
	px := ProxylessSpace()
	pl := px.Layers()
	if len(pl) != 21 {
		t.Fatalf("ProxylessNAS: %d searchable layers, want 21", len(pl))
	}
	for i, l := range pl {
		want := 7
		if l.In != l.Out || l.Stride != 1 {
			want = 6 // no skip where the shape changes
		}
		if len(l.Blocks) != want {
			t.Errorf("Proxyless layer %d (%+v): %d candidates, want %d", i, l, len(l.Blocks), want)
		}
		if indexOf(l.Blocks, "ir_k7_e6") < 0 {
			t.Errorf("Proxyless layer %d lacks ir_k7_e6", i)
		}
	}
}

func TestGenotypeDeriveMobile(t *testing.T) {
	fb := FBNetSpace()
	layers := fb.Layers()
	w := make([][]float64, len(layers))
	for i := range w {
		w[i] = make([]float64, len(layers[i].Blocks))
		w[i][(i*5)%len(w[i])] = 1 // layer i picks candidate (5i mod 9)
	}
	a, err := DeriveMobile(fb, w)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range a.Blocks {
		if want := layers[i].Blocks[(i*5)%9]; b != want {
			t.Errorf("layer %d = %s, want %s", i, b, want)
		}
	}
	s := a.String()
	if strings.Count(s, "|") != 6 || strings.Count(s, ",") != 22-7 {
		t.Errorf("String() = %q", s)
	}
	back, err := fb.ParseMobileArch(s)
	if err != nil {
		t.Fatal(err)
	}
	if back.String() != s {
		t.Errorf("round trip %q -> %q", s, back.String())
	}
	for _, bad := range []string{
		strings.Replace(s, "|", ",", 1),
		strings.Replace(s, layers[0].Blocks[0], "ir_k9_e9", 1),
	} {
		if _, err := fb.ParseMobileArch(bad); err == nil {
			t.Errorf("ParseMobileArch(%q) accepted", bad)
		}
	}
	if _, err := DeriveMobile(fb, w[:3]); err == nil {
		t.Error("3 rows accepted")
	}
	// Proxyless: skip is not a candidate of a stage's first layer.
	px := ProxylessSpace()
	pw := make([][]float64, len(px.Layers()))
	for i, l := range px.Layers() {
		pw[i] = make([]float64, len(l.Blocks))
		pw[i][len(pw[i])-1] = 1
	}
	pa, err := DeriveMobile(px, pw)
	if err != nil {
		t.Fatal(err)
	}
	if pa.Blocks[0] != "ir_k7_e6" || pa.Blocks[1] != "skip" {
		t.Errorf("Proxyless last-candidate arch starts %v", pa.Blocks[:2])
	}
}
