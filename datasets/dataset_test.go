package datasets

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// counting returns a uint8 dataset of n 2×2×1 images whose pixels all equal i mod 256 and
// whose labels are i mod classes.
func counting(n, classes int) *Dataset {
	d := &Dataset{Name: "counting", Height: 2, Width: 2, Channels: 1, NumClasses: classes, Uint8: make([]uint8, 4*n), Labels: make([]int32, n)}
	for i := range n {
		d.Labels[i] = int32(i % classes)
		for j := range 4 {
			d.Uint8[4*i+j] = uint8(i)
		}
	}
	return d
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Dataset)
		want   string
	}{
		{"ok", func(*Dataset) {}, ""},
		{"zero width", func(d *Dataset) { d.Width = 0 }, "want positive height"},
		{"no classes", func(d *Dataset) { d.NumClasses = 0 }, "want at least 1"},
		{"short pixels", func(d *Dataset) { d.Uint8 = d.Uint8[:5] }, "want 40"},
		{"both pixel kinds", func(d *Dataset) { d.Float32 = make([]float32, 40) }, "want exactly one"},
		{"no pixels", func(d *Dataset) { d.Uint8 = nil }, "want Uint8 or Float32"},
		{"label too big", func(d *Dataset) { d.Labels[3] = 5 }, "label 5 of example 3"},
		{"negative label", func(d *Dataset) { d.Labels[0] = -1 }, "label -1 of example 0"},
		{"class names", func(d *Dataset) { d.ClassNames = []string{"a"} }, "1 class names for 5 classes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := counting(10, 5)
			tc.mutate(d)
			err := d.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		n       int
		portion float64
		first   int
	}{{10, 0.5, 5}, {11, 0.5, 6}, {100, 0.8, 80}, {3, 0.1, 0}}
	for _, tc := range tests {
		d := counting(tc.n, 3)
		a, b, err := d.Split(tc.portion, 42)
		if tc.first == 0 {
			if err == nil {
				t.Errorf("n %d portion %v: no error for an empty part", tc.n, tc.portion)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if a.Len() != tc.first || b.Len() != tc.n-tc.first {
			t.Errorf("n %d portion %v: parts %d/%d, want %d/%d", tc.n, tc.portion, a.Len(), b.Len(), tc.first, tc.n-tc.first)
		}
		// Disjoint, covering, each part in the original order, images and labels kept together.
		var seen []int
		for _, part := range []*Dataset{a, b} {
			if err := part.Validate(); err != nil {
				t.Fatal(err)
			}
			prev := -1
			for i := range part.Len() {
				orig := int(part.Uint8[4*i])
				if part.Labels[i] != int32(orig%3) || orig <= prev {
					t.Fatalf("part %s example %d: original %d after %d, label %d", part.Name, i, orig, prev, part.Labels[i])
				}
				prev = orig
				seen = append(seen, orig)
			}
		}
		slices.Sort(seen)
		for i, v := range seen {
			if v != i {
				t.Fatalf("n %d: parts cover %v", tc.n, seen)
			}
		}
		// Seeded: same seed same split, other seed other split.
		a2, _, _ := d.Split(tc.portion, 42)
		a3, _, _ := d.Split(tc.portion, 43)
		if !slices.Equal(a.Uint8, a2.Uint8) {
			t.Errorf("same seed, different split")
		}
		if tc.n >= 10 && slices.Equal(a.Uint8, a3.Uint8) {
			t.Errorf("other seed, same split")
		}
		if !strings.HasSuffix(a.Name, "/train") || !strings.HasSuffix(b.Name, "/valid") {
			t.Errorf("names %q, %q", a.Name, b.Name)
		}
	}
	for _, p := range []float64{0, 1, -0.5, math.NaN()} {
		if _, _, err := counting(10, 2).Split(p, 1); err == nil {
			t.Errorf("portion %v: no error", p)
		}
	}
}

func TestSample(t *testing.T) {
	d := counting(50, 5)
	tests := []struct{ k, want int }{{1, 1}, {10, 10}, {50, 50}, {80, 50}}
	for _, tc := range tests {
		s, err := d.Sample(tc.k, 9)
		if err != nil {
			t.Fatal(err)
		}
		if s.Len() != tc.want {
			t.Errorf("Sample(%d) has %d examples, want %d", tc.k, s.Len(), tc.want)
		}
		again, _ := d.Sample(tc.k, 9)
		if !slices.Equal(s.Uint8, again.Uint8) {
			t.Errorf("Sample(%d) not reproducible", tc.k)
		}
	}
	if _, err := d.Sample(0, 1); err == nil {
		t.Error("Sample(0): no error")
	}
	if _, err := d.Subset([]int{0, 50}, ""); err == nil || !strings.Contains(err.Error(), "subset index 50") {
		t.Errorf("Subset out of range: error %v", err)
	}
}

func TestStats(t *testing.T) {
	// Uint8 with 2 channels: channel 0 holds 0 and 255 alternately, channel 1 always 51.
	u := &Dataset{Name: "u", Height: 1, Width: 2, Channels: 2, NumClasses: 3,
		Uint8: []uint8{0, 51, 255, 51, 0, 51, 255, 51}, Labels: []int32{0, 2}}
	f := &Dataset{Name: "f", Height: 1, Width: 2, Channels: 2, NumClasses: 3,
		Float32: []float32{0, 0.2, 1, 0.2, 0, 0.2, 1, 0.2}, Labels: []int32{0, 2}}
	for _, d := range []*Dataset{u, f} {
		s := d.Stats()
		want := Stats{Name: d.Name, Examples: 2, Height: 1, Width: 2, Channels: 2, NumClasses: 3,
			ClassCounts: []int{1, 0, 1}, Mean: []float64{0.5, 0.2}, Std: []float64{0.5, 0}}
		if !slices.Equal(s.ClassCounts, want.ClassCounts) || s.Examples != 2 || s.Channels != 2 {
			t.Errorf("%s: stats %+v, want %+v", d.Name, s, want)
		}
		for c := range 2 {
			if abs(s.Mean[c]-want.Mean[c]) > 1e-7 || abs(s.Std[c]-want.Std[c]) > 1e-7 {
				t.Errorf("%s channel %d: mean/std %v/%v, want %v/%v", d.Name, c, s.Mean[c], s.Std[c], want.Mean[c], want.Std[c])
			}
		}
		n := s.Normalization()
		if len(n.Mean) != 2 || n.Mean[0] != 0.5 {
			t.Errorf("%s: normalization %+v", d.Name, n)
		}
	}
}
