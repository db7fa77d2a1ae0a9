package network

import (
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
)

// The supernet builds over every named space; S1's reduction cells take S1's reduction lists
// (the mixed edge's executable key names its op list), S4's edges take noise keys.
func TestSupernetNamedSpaces(t *testing.T) {
	cfg := Config{C: 4, Layers: 3, Classes: 10, InChannels: 1}
	for _, name := range searchspace.NamedSpaces() {
		space, err := searchspace.NamedSpace(name)
		if err != nil {
			t.Fatal(err)
		}
		net, err := Supernet(space, cfg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(net.MixNormal) != 14 || len(net.MixReduce) != 14 {
			t.Errorf("%s: %d/%d mixing slots", name, len(net.MixNormal), len(net.MixReduce))
		}
		wantKeys := 0
		if name == "s4" {
			wantKeys = 14 * cfg.Layers
		}
		if len(net.RandomKeys) != wantKeys {
			t.Errorf("%s: %d noise key slots, want %d", name, len(net.RandomKeys), wantKeys)
		}
		kinds := map[string]bool{}
		for _, c := range net.Prog.Calls {
			if strings.HasPrefix(c.M.Key, "mixed/") {
				kinds[c.M.Key] = true
			}
			if name != "s1" {
				continue
			}
			// Layers 3: cell 0 is normal, cells 1 and 2 reduce.
			switch net.Prog.SlotNames[c.Out[0]] {
			case "cell0/edge0:0":
				if !strings.Contains(c.M.Key, "mixed/skip_connect,dil_conv_3x3/") {
					t.Errorf("S1 normal edge 0: %s", c.M.Key)
				}
			case "cell1/edge0:0":
				if !strings.Contains(c.M.Key, "mixed/max_pool_3x3,avg_pool_3x3/") {
					t.Errorf("S1 reduction edge 0: %s", c.M.Key)
				}
			}
		}
		t.Logf("%s: %d weights, %d distinct mixed-edge executables", name, net.Params.Count(), len(kinds))
	}
	// Skip dropout: one key per stride-1 edge that has skip_connect (14 in the normal cell, the
	// 6 node-to-node edges of each reduction cell) and one rate slot.
	cfg.SkipDropout = true
	net, err := Supernet(searchspace.DARTSSpace(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(net.RandomKeys) != 14+6+6 || net.DropRate < 0 {
		t.Errorf("skip dropout: %d keys, rate slot %d", len(net.RandomKeys), net.DropRate)
	}
	in := net.ExtraInputs(Extras{Seed: 1, DropRate: 0.25})
	if len(in) != 27 || len(net.ExtraShapes()) != 27 {
		t.Errorf("ExtraInputs: %d tensors, ExtraShapes %d, want 27", len(in), len(net.ExtraShapes()))
	}
	// DARTS-'s auxiliary skip: one β slot, no keys, factorized-reduce weights on the 8 stride-2
	// edges of each of the 2 reduction cells.
	cfg.SkipDropout, cfg.AuxSkip = false, true
	aux, err := Supernet(searchspace.DARTSSpace(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := Supernet(searchspace.DARTSSpace(), Config{C: 4, Layers: 3, Classes: 10, InChannels: 1})
	if aux.AuxBeta < 0 || len(aux.RandomKeys) != 0 || aux.DropRate >= 0 {
		t.Errorf("aux skip: β slot %d, %d keys, rate slot %d", aux.AuxBeta, len(aux.RandomKeys), aux.DropRate)
	}
	// Reduction cells have C 8 and 16: a factorized reduce C→C has 2 convolutions of C·C/2 weights
	// (its batch norm has no affine parameters).
	if extra := aux.Params.Count() - plain.Params.Count(); extra != 8*(8*8)+8*(16*16) {
		t.Errorf("aux skip adds %d weights, want %d", extra, 8*(8*8)+8*(16*16))
	}
	if got := aux.ExtraInputs(Extras{AuxBeta: 0.5}); len(got) != 1 {
		t.Errorf("aux skip: %d extra inputs", len(got))
	}
	if plain.ExtraInputs(Extras{}) != nil {
		t.Error("plain DARTS supernet has extra inputs")
	}
}
