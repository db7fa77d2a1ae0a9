package datasets_test

import (
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/backend"
)

func TestMeanStdOn(t *testing.T) {
	b, err := backend.New("")
	if backend.IsNotFound(err) {
		t.Skipf("no XLA plugin: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	syn, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 50, Height: 7, Width: 5, Channels: 3, Classes: 3, Seed: 2, Noise: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	u8 := &datasets.Dataset{Name: "u8", Height: 2, Width: 2, Channels: 2, NumClasses: 1,
		Uint8: []uint8{0, 10, 255, 20, 128, 30, 64, 40, 1, 2, 3, 4, 5, 6, 7, 8}, Labels: []int32{0, 0}}
	for _, d := range []*datasets.Dataset{syn.Train, u8} {
		mean, std, err := datasets.MeanStdOn(b, d)
		if err != nil {
			t.Fatal(err)
		}
		s := d.Stats()
		for c := range d.Channels {
			if diff(mean[c], s.Mean[c]) > 1e-5 || diff(std[c], s.Std[c]) > 1e-5 {
				t.Errorf("%s channel %d: backend mean/std %v/%v, host %v/%v", d.Name, c, mean[c], std[c], s.Mean[c], s.Std[c])
			}
		}
	}
}

func diff(a, b float64) float64 {
	if a > b {
		return a - b
	}
	return b - a
}
