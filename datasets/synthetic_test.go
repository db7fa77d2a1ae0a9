package datasets

import (
	"slices"
	"strings"
	"testing"
)

func TestSynthetic(t *testing.T) {
	tests := []SyntheticConfig{
		{Train: 300, Test: 100, Height: 8, Width: 8, Channels: 1, Classes: 3, Seed: 1, Noise: 0.1, Shift: 1},
		{Train: 500, Test: 200, Height: 16, Width: 12, Channels: 3, Classes: 10, Seed: 7, Noise: 0.1, Shift: 2},
		{Train: 64, Test: 0, Height: 5, Width: 5, Channels: 2, Classes: 2, Seed: 3},
		{Train: 200, Test: 100, Height: 8, Width: 8, Channels: 1, Classes: 10, Seed: 5, Noise: 0.2},
	}
	for _, cfg := range tests {
		s, err := Synthetic(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []*Dataset{s.Train, s.Test} {
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			for _, v := range d.Float32 {
				if v < 0 || v > 1 {
					t.Fatalf("%+v: pixel %v outside [0, 1]", cfg, v)
				}
			}
			for k, c := range d.Stats().ClassCounts {
				if lo, hi := d.Len()/cfg.Classes, (d.Len()+cfg.Classes-1)/cfg.Classes; c < lo || c > hi {
					t.Errorf("%+v %s: class %d has %d examples, want %d..%d", cfg, d.Name, k, c, lo, hi)
				}
			}
		}
		// Same config, same data; another seed, other data.
		again, _ := Synthetic(cfg)
		if !slices.Equal(again.Train.Float32, s.Train.Float32) || !slices.Equal(again.Train.Labels, s.Train.Labels) {
			t.Errorf("%+v: not reproducible", cfg)
		}
		cfg.Seed++
		other, _ := Synthetic(cfg)
		if slices.Equal(other.Train.Float32, s.Train.Float32) {
			t.Errorf("%+v: seed does not change the data", cfg)
		}
		cfg.Seed--
		if cfg.Test == 0 {
			continue
		}
		// Learnable: even nearest class mean, which the random shifts hurt, is far above chance.
		acc := nearestMeanAccuracy(s.Train, s.Test)
		t.Logf("%+v: nearest class mean accuracy %.3f", cfg, acc)
		if acc < 0.6 {
			t.Errorf("%+v: nearest class mean accuracy %.3f, want ≥ 0.6 (chance: %.2f)", cfg, acc, 1/float64(cfg.Classes))
		}
	}
}

// nearestMeanAccuracy fits class means on train and returns their accuracy on test.
func nearestMeanAccuracy(train, test *Dataset) float64 {
	n := train.ImageSize()
	means := make([][]float64, train.NumClasses)
	counts := make([]int, train.NumClasses)
	for k := range means {
		means[k] = make([]float64, n)
	}
	img := make([]float32, n)
	for i := range train.Len() {
		train.ImageFloat32(i, img)
		k := train.Labels[i]
		counts[k]++
		for j, v := range img {
			means[k][j] += float64(v)
		}
	}
	for k := range means {
		for j := range means[k] {
			means[k][j] /= float64(max(1, counts[k]))
		}
	}
	correct := 0
	for i := range test.Len() {
		test.ImageFloat32(i, img)
		best, bestD := -1, 0.0
		for k := range means {
			d := 0.0
			for j, v := range img {
				e := float64(v) - means[k][j]
				d += e * e
			}
			if best < 0 || d < bestD {
				best, bestD = k, d
			}
		}
		if int32(best) == test.Labels[i] {
			correct++
		}
	}
	return float64(correct) / float64(test.Len())
}

func TestSyntheticErrors(t *testing.T) {
	good := SyntheticConfig{Train: 10, Test: 2, Height: 4, Width: 4, Channels: 1, Classes: 2}
	tests := []struct {
		name   string
		mutate func(*SyntheticConfig)
	}{
		{"no train", func(c *SyntheticConfig) { c.Train = 0 }},
		{"negative test", func(c *SyntheticConfig) { c.Test = -1 }},
		{"zero height", func(c *SyntheticConfig) { c.Height = 0 }},
		{"zero classes", func(c *SyntheticConfig) { c.Classes = 0 }},
		{"negative noise", func(c *SyntheticConfig) { c.Noise = -1 }},
		{"negative shift", func(c *SyntheticConfig) { c.Shift = -1 }},
	}
	for _, tc := range tests {
		cfg := good
		tc.mutate(&cfg)
		if _, err := Synthetic(cfg); err == nil || !strings.Contains(err.Error(), "want") {
			t.Errorf("%s: error %v, want one saying what is wanted", tc.name, err)
		}
	}
}
