package network

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// The derived network built by the toolkit has exactly the parameter count that searchspace
// computes analytically (the open anchor: DARTS_V2, 36 channels, 20 cells: 3,349,342).
func TestDerivedParamCountMatchesSearchspace(t *testing.T) {
	cases := []struct {
		name      string
		c, layers int
		aux       bool
		classes   int
	}{
		{"DARTS_V2", 36, 20, false, 10},
		{"DARTS_V2", 36, 20, true, 10},
		{"DARTS_V1", 16, 8, false, 100},
		{"PC_DARTS", 36, 20, false, 10},
		{"PDARTS", 36, 20, true, 10},
		{"NASNet", 36, 20, false, 10},
		{"AmoebaNet", 36, 20, false, 10},
	}
	for _, tc := range cases {
		g, err := searchspace.Named(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		net, err := Derived(g, DerivedConfig{Config: Config{C: tc.c, Layers: tc.layers, Classes: tc.classes, InChannels: 3}, Auxiliary: tc.aux})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want, _, err := searchspace.Size(g, searchspace.NetConfig{Channels: tc.c, Layers: tc.layers, Classes: tc.classes, Auxiliary: tc.aux})
		if err != nil {
			t.Fatal(err)
		}
		if got := net.Params.Count(); got != want {
			t.Errorf("%s C%d L%d aux=%v: toolkit builds %d parameters, searchspace counts %d", tc.name, tc.c, tc.layers, tc.aux, got, want)
		}
		if tc.name == "DARTS_V2" && !tc.aux && net.Params.Count() != 3349342 {
			t.Errorf("DARTS_V2: %d parameters, the published network has 3349342", net.Params.Count())
		}
	}
}

// The NAS-Bench-201 network built by the toolkit has searchspace's analytic parameter count,
// and the benchmark's largest CIFAR-10 network (every edge nor_conv_3x3, 16 channels, 5 cells
// per stage, 10 classes) has its published 1,531,546 parameters.
func TestNB201DerivedParamCount(t *testing.T) {
	cases := []struct {
		arch          string
		c, n, classes int
	}{
		{"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|", 16, 5, 10},
		{"|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", 16, 5, 100},
		{"|avg_pool_3x3~0|+|nor_conv_1x1~0|none~1|+|none~0|none~1|none~2|", 8, 2, 10},
	}
	for _, tc := range cases {
		a, err := searchspace.ParseNB201(tc.arch)
		if err != nil {
			t.Fatal(err)
		}
		net, err := NB201Derived(a, Config{C: tc.c, Layers: tc.n, Classes: tc.classes, InChannels: 3})
		if err != nil {
			t.Fatalf("%s: %v", tc.arch, err)
		}
		want, _, err := searchspace.NB201Size(a, searchspace.NB201Config{C: tc.c, N: tc.n, Classes: tc.classes, InChannels: 3, Input: 32})
		if err != nil {
			t.Fatal(err)
		}
		if got := net.Params.Count(); got != want {
			t.Errorf("%s C%d N%d: toolkit builds %d parameters, searchspace counts %d", tc.arch, tc.c, tc.n, got, want)
		}
	}
	a, _ := searchspace.ParseNB201(cases[0].arch)
	net, _ := NB201Derived(a, Config{C: 16, Layers: 5, Classes: 10, InChannels: 3})
	if got := net.Params.Count(); got != 1531546 {
		t.Errorf("all nor_conv_3x3: %d parameters, NAS-Bench-201's network has 1531546", got)
	}
}

// The derived network of a mobile-space arch has searchspace's analytic parameter count, on the
// full FBNet and ProxylessNAS spaces and on a scaled-down FBNet space.
func TestMobileDerivedParamCount(t *testing.T) {
	spaces := []searchspace.MobileSpace{searchspace.FBNetSpace(), searchspace.ProxylessSpace(),
		searchspace.FBNetSpace().Scaled(0.25, 1, 1)}
	for _, s := range spaces {
		layers := s.Layers()
		// Two archs per space: candidate i mod n on layer i, and the last candidate everywhere.
		for v := 0; v < 2; v++ {
			a := searchspace.MobileArch{}
			for i, l := range layers {
				k := i % len(l.Blocks)
				if v == 1 {
					k = len(l.Blocks) - 1
				}
				a.Blocks = append(a.Blocks, l.Blocks[k])
			}
			net, err := MobileDerived(s, a, Config{Classes: 10, InChannels: 3})
			if err != nil {
				t.Fatalf("%s: %v", s.Name, err)
			}
			want, _, err := s.MobileSize(a, 3, 32, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := net.Params.Count(); got != want {
				t.Errorf("%s %v: toolkit builds %d parameters, searchspace counts %d", s.Name, a.Blocks, got, want)
			}
		}
	}
}

// A supernet's groups describe its mixing-weight inputs: DARTS (with edge normalization),
// NAS-Bench-201 and FBNet.
func TestSupernetGroups(t *testing.T) {
	net, err := Supernet(searchspace.DARTSSpace(), Config{C: 4, Layers: 3, Classes: 10, InChannels: 1, Masks: true, EdgeNorm: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range net.Groups {
		names = append(names, fmt.Sprintf("%s:%dx%d/%d", g.Name, len(g.Slots), len(g.Ops[0]), len(g.MaskSlots)))
	}
	if got, want := strings.Join(names, " "), "normal:14x8/14 reduce:14x8/14 edges_normal:4x2/0 edges_reduce:4x2/0"; got != want {
		t.Errorf("DARTS groups %q, want %q", got, want)
	}
	if !slices.Equal(net.MixNormal, net.Group("normal").Slots) || !slices.Equal(net.MixReduce, net.Group("reduce").Slots) {
		t.Error("MixNormal/MixReduce are not the slots of groups normal/reduce")
	}
	nb, err := NB201Supernet(Config{C: 4, Layers: 1, Classes: 10, InChannels: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Groups) != 1 || nb.Groups[0].Name != "cell" || len(nb.Groups[0].Slots) != 6 || nb.Groups[0].MaskSlots != nil {
		t.Errorf("NB201 groups %+v", nb.Groups)
	}
	fb := searchspace.FBNetSpace().Scaled(0.25, 1, 1)
	mb, err := MobileSupernet(fb, Config{Classes: 10, InChannels: 1, Masks: true})
	if err != nil {
		t.Fatal(err)
	}
	if g := mb.Groups[0]; g.Name != "blocks" || len(g.Slots) != len(fb.Layers()) || len(g.MaskSlots) != len(g.Slots) || len(g.Ops[0]) != 9 {
		t.Errorf("FBNet groups %+v", mb.Groups)
	}
}
