package recipe

import (
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend/backendtest"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// TestRecipesOnOtherSpaces: DARTS (first and second order), GDAS, SNAS and DrNAS search
// NAS-Bench-201's cell and a block-wise mobile space (two layers of three candidates, as
// FBNet's are built) for one epoch and derive an architecture that parses in its space; the
// recipes that change the DARTS cell or read its genotypes are refused by the space.
func TestRecipesOnOtherSpaces(t *testing.T) {
	e := engine.New(backendtest.New(t))
	t.Cleanup(e.Finalize)
	mobile := searchspace.MobileSpace{Name: "tiny-mobile", Input: 8, StemChannels: 8, StemStride: 1,
		Stages: []searchspace.Stage{{Channels: 8, Repeats: 1, Stride: 1}, {Channels: 16, Repeats: 1, Stride: 2}}, HeadChannels: 16,
		Blocks: []searchspace.Block{{Name: "ir_k3_e1", Kernel: 3, Expansion: 1, Groups: 1},
			{Name: "ir_k5_e3", Kernel: 5, Expansion: 3, Groups: 1}, {Name: "skip", Skip: true}},
		SkipOnReshape: true, ExpandAlways: true}
	parse := map[string]func(string) error{
		"nb201":       func(s string) error { _, err := searchspace.ParseNB201(s); return err },
		"tiny-mobile": func(s string) error { _, err := mobile.ParseMobileArch(s); return err },
	}
	for _, sp := range []search.Space{search.NB201Space{}, search.MobileSpace{Space: mobile}} {
		for _, name := range []string{"darts", "darts2", "gdas", "snas", "drnas"} {
			t.Run(sp.Name()+"/"+name, func(t *testing.T) {
				m, err := ByName(name, For{Epochs: 1, Space: tinySpace()})
				if err != nil {
					t.Fatal(err)
				}
				cfg, train, valid := tiny(t, m)
				cfg.SearchSpace, cfg.Layers, cfg.Epochs = sp, 1, 1
				s, err := search.New(e, cfg, train, valid, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Run(t.Context(), ""); err != nil {
					t.Fatal(err)
				}
				a, err := s.Arch()
				if err != nil {
					t.Fatal(err)
				}
				if err := parse[sp.Name()](a.String()); err != nil {
					t.Fatalf("derived %q: %v", a, err)
				}
				t.Logf("%s", a)
			})
		}
		for _, name := range []string{"fairdarts", "darts-minus", "darts-plus", "rdarts-es"} {
			m, _ := ByName(name, For{Epochs: 1, Space: tinySpace()})
			cfg, train, valid := tiny(t, m)
			cfg.SearchSpace, cfg.Layers = sp, 1
			if _, err := search.New(e, cfg, train, valid, nil); err == nil {
				t.Errorf("%s: %s searched, want an error", sp.Name(), name)
			}
		}
	}
}
