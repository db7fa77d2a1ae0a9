package search

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
)

// tinyMobile is a two-layer block-wise space of three candidates (one of them skip): it
// compiles in seconds.
func tinyMobile() searchspace.MobileSpace {
	return searchspace.MobileSpace{Name: "tiny-mobile", Input: 8, StemChannels: 8, StemStride: 1,
		Stages: []searchspace.Stage{{Channels: 8, Repeats: 1, Stride: 1}, {Channels: 16, Repeats: 1, Stride: 2}}, HeadChannels: 16,
		Blocks: []searchspace.Block{{Name: "ir_k3_e1", Kernel: 3, Expansion: 1, Groups: 1},
			{Name: "ir_k3_e3", Kernel: 3, Expansion: 3, Groups: 1}, {Name: "skip", Skip: true}},
		SkipOnReshape: true}
}

// TestSpaceDerivations: NAS-Bench-201 and mobile spaces take the argmax of every row, in
// their own notation; the cell space applies the method's Deriver as Genotype did.
func TestSpaceDerivations(t *testing.T) {
	// NB201Ops order: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3.
	nb := [][]float64{
		{0, 0, 0, 0.9, 0.1}, {0.1, 0.6, 0.1, 0.1, 0.1}, {0.3, 0.1, 0.4, 0.1, 0.1},
		{0.6, 0.1, 0.1, 0.1, 0.1}, {0.1, 0.1, 0.1, 0.1, 0.6}, {0.2, 0.2, 0.2, 0.2, 0.2},
	}
	a, err := NB201Space{}.Derive(Method{}, []string{"cell"}, [][][]float64{nb})
	if err != nil {
		t.Fatal(err)
	}
	want := "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|none~2|" // a tie goes to the first
	if a.String() != want {
		t.Errorf("nb201: %s, want %s", a, want)
	}
	if _, err := searchspace.ParseNB201(a.String()); err != nil {
		t.Errorf("nb201 arch does not parse: %v", err)
	}
	if _, err := (NB201Space{}).Derive(Method{}, []string{"normal", "reduce"}, [][][]float64{nb, nb}); err == nil {
		t.Error("nb201 derived from two groups")
	}

	ms := searchspace.FBNetSpace().Scaled(0.05, 1, 1)
	var w [][]float64
	var picks []string
	for i, l := range ms.Layers() {
		row := make([]float64, len(l.Blocks))
		k := (2*i + 1) % len(row)
		row[k] = 1
		w = append(w, row)
		picks = append(picks, l.Blocks[k])
	}
	m, err := MobileSpace{Space: ms}.Derive(Method{}, []string{"blocks"}, [][][]float64{w})
	if err != nil {
		t.Fatal(err)
	}
	back, err := ms.ParseMobileArch(m.String())
	if err != nil || !slices.Equal(back.Blocks, picks) {
		t.Errorf("mobile arch %s parses to %v (%v), want %v", m, back.Blocks, err, picks)
	}

	space := searchspace.DARTSSpace()
	n := make([][]float64, space.NumEdges())
	for e := range n {
		n[e] = make([]float64, len(space.Ops))
		n[e][(e+3)%len(n[e])] = 1
		n[e][0] += 0.5
	}
	g, err := CellSpace{Space: space}.Derive(Method{}, []string{"normal", "reduce"}, [][][]float64{n, n})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := searchspace.DeriveDARTS(space, n, n, searchspace.DeriveOptions{})
	if err != nil || g.String() != ref.String() {
		t.Errorf("cell space: %s, DeriveDARTS %s (%v)", g, ref, err)
	}
}

type testStopper struct{}

func (testStopper) Check(EpochStats) Decision { return Decision{} }

type testOption struct{}

func (testOption) Configure(*network.Config)           {}
func (testOption) SetExtras(int, int, *network.Extras) {}

// TestArgmaxSpacesRefuseDARTSComponents: a deriver other than DARTS's plain rule, a stopper
// or a supernet option is one error, named; the plain method passes.
func TestArgmaxSpacesRefuseDARTSComponents(t *testing.T) {
	for _, sp := range []Space{NB201Space{}, MobileSpace{Space: tinyMobile()}} {
		if err := sp.Check(Method{Name: "gdas"}); err != nil {
			t.Errorf("%s: plain method refused: %v", sp.Name(), err)
		}
		for what, m := range map[string]Method{
			"deriver": {Name: "fairdarts", Deriver: FairDeriver{Threshold: 0.85}},
			"options": {Name: "darts-x", Deriver: DARTSDeriver{Options: searchspace.DeriveOptions{AllowNone: true}}},
			"stopper": {Name: "darts-plus", Stopper: testStopper{}},
			"option":  {Name: "darts-minus", Supernet: []SupernetOption{testOption{}}},
		} {
			err := sp.Check(m)
			if err == nil || !strings.Contains(err.Error(), m.Name) || !strings.Contains(err.Error(), sp.Name()) {
				t.Errorf("%s, %s: got %v, want an error naming the method and the space", sp.Name(), what, err)
			}
		}
	}
}

// TestOtherSpacesSearchAndResume: a NAS-Bench-201 and a mobile search run, record their
// space and architectures, and resume from a checkpoint to the same α and architecture.
func TestOtherSpacesSearchAndResume(t *testing.T) {
	e := testEngine(t)
	train, valid := tinyData(t, 48) // 3 steps per epoch
	for _, sp := range []Space{NB201Space{}, MobileSpace{Space: tinyMobile()}} {
		t.Run(sp.Name(), func(t *testing.T) {
			cfg := tinyConfig(1)
			cfg.SearchSpace, cfg.Layers = sp, 1
			cfg.Method.Alpha.Schedule = optim.Constant(3e-2)
			var recs []Record
			full, err := New(e, cfg, train, valid, RecorderFunc(func(r Record) error { recs = append(recs, r); return nil }))
			if err != nil {
				t.Fatal(err)
			}
			if err := full.Run(t.Context(), ""); err != nil {
				t.Fatal(err)
			}
			meta, ok := recs[0].(*MetaRecord)
			if !ok || meta.Space != sp.Name() || len(meta.Edges) != len(full.Groups[0].Alpha) {
				t.Fatalf("first record %#v; want the meta record of space %q with %d rows", recs[0], sp.Name(), len(full.Groups[0].Alpha))
			}
			a, err := full.Arch()
			if err != nil {
				t.Fatal(err)
			}
			last, ok := recs[len(recs)-1].(*EpochRecord)
			if !ok || last.Genotype != a.String() || last.SkipCount != nil || len(last.MixNormal) != len(full.Groups[0].Alpha) {
				t.Errorf("last record %#v: want an epoch record with arch %q, no skip count, %d mix rows", recs[len(recs)-1], a, len(full.Groups[0].Alpha))
			}
			if _, err := full.Genotype(); err == nil {
				t.Error("Genotype of a non-DARTS space: want an error")
			}

			ck := filepath.Join(t.TempDir(), "ckpt")
			first, err := New(e, cfg, train, valid, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := first.RunEpoch(); err != nil {
				t.Fatal(err)
			}
			if err := first.Save(ck); err != nil {
				t.Fatal(err)
			}
			second, err := New(e, cfg, train, valid, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := second.Load(ck); err != nil {
				t.Fatal(err)
			}
			if err := second.RunEpoch(); err != nil {
				t.Fatal(err)
			}
			for r, row := range full.Groups[0].Alpha {
				if !slices.Equal(row, second.Groups[0].Alpha[r]) {
					t.Fatalf("α row %d after resume %v, uninterrupted %v", r, second.Groups[0].Alpha[r], row)
				}
			}
			b, err := second.Arch()
			if err != nil || b.String() != a.String() {
				t.Errorf("resumed arch %v (%v), uninterrupted %s", b, err, a)
			}
			t.Logf("%s: %s", sp.Name(), a)
		})
	}
}
