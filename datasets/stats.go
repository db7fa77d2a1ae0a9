package datasets

import (
	"fmt"
	"math"
)

// Stats summarizes a dataset.
type Stats struct {
	// Name is the dataset's name.
	Name string
	// Examples is the number of examples.
	Examples int
	// Height, Width and Channels are the image shape.
	Height, Width, Channels int
	// NumClasses is the number of classes.
	NumClasses int
	// ClassCounts holds the number of examples of each class.
	ClassCounts []int
	// Mean and Std are the per-channel mean and (population) standard deviation of the pixels,
	// uint8 pixels scaled to [0, 1].
	Mean, Std []float64
}

// Stats computes the dataset's statistics. Means and deviations of uint8 pixels are exact (from
// per-channel histograms); those of float32 pixels are accumulated in float64.
func (d *Dataset) Stats() Stats {
	s := Stats{
		Name: d.Name, Examples: d.Len(),
		Height: d.Height, Width: d.Width, Channels: d.Channels,
		NumClasses:  d.NumClasses,
		ClassCounts: make([]int, d.NumClasses),
		Mean:        make([]float64, d.Channels),
		Std:         make([]float64, d.Channels),
	}
	for _, l := range d.Labels {
		if l >= 0 && int(l) < d.NumClasses {
			s.ClassCounts[l]++
		}
	}
	ch := d.Channels
	if ch <= 0 {
		return s
	}
	if d.Uint8 != nil {
		hist := make([][256]int64, ch)
		if ch == 1 {
			h := &hist[0]
			for _, v := range d.Uint8 {
				h[v]++
			}
		} else {
			for i := 0; i+ch <= len(d.Uint8); i += ch {
				for c, v := range d.Uint8[i : i+ch] {
					hist[c][v]++
				}
			}
		}
		for c := range ch {
			var n, sum, sq float64
			for v, k := range hist[c] {
				x := float64(v) / 255
				n += float64(k)
				sum += float64(k) * x
				sq += float64(k) * x * x
			}
			if n > 0 {
				s.Mean[c] = sum / n
				s.Std[c] = math.Sqrt(max(0, sq/n-s.Mean[c]*s.Mean[c]))
			}
		}
		return s
	}
	// Float32: two passes for accuracy.
	count := make([]float64, ch)
	for i := 0; i+ch <= len(d.Float32); i += ch {
		for c, v := range d.Float32[i : i+ch] {
			s.Mean[c] += float64(v)
			count[c]++
		}
	}
	for c := range ch {
		if count[c] > 0 {
			s.Mean[c] /= count[c]
		}
	}
	for i := 0; i+ch <= len(d.Float32); i += ch {
		for c, v := range d.Float32[i : i+ch] {
			dv := float64(v) - s.Mean[c]
			s.Std[c] += dv * dv
		}
	}
	for c := range ch {
		if count[c] > 0 {
			s.Std[c] = math.Sqrt(s.Std[c] / count[c])
		}
	}
	return s
}

// Normalization returns the per-channel normalization with these statistics' mean and
// standard deviation.
func (s Stats) Normalization() Normalization {
	n := Normalization{Mean: make([]float32, len(s.Mean)), Std: make([]float32, len(s.Std))}
	for c := range s.Mean {
		n.Mean[c] = float32(s.Mean[c])
		n.Std[c] = float32(s.Std[c])
	}
	return n
}

// Normalization is a per-channel normalization: a pixel value v (in [0, 1] for uint8 data) of
// channel c becomes (v − Mean[c]) / Std[c].
type Normalization struct {
	Mean, Std []float32
}

// CIFAR10Normalization returns the CIFAR-10 training set mean and standard deviation that
// DARTS (quark0/darts, utils.py) normalizes with.
func CIFAR10Normalization() Normalization {
	return Normalization{
		Mean: []float32{0.49139968, 0.48215827, 0.44653124},
		Std:  []float32{0.24703233, 0.24348505, 0.26158768},
	}
}

// check verifies that the normalization fits images of ch channels.
func (n Normalization) check(ch int) error {
	if len(n.Mean) != ch || len(n.Std) != ch {
		return fmt.Errorf("normalization with %d means and %d deviations: want %d of each (one per channel)", len(n.Mean), len(n.Std), ch)
	}
	for c, s := range n.Std {
		if !(s > 0) || math.IsInf(float64(s), 0) || math.IsNaN(float64(n.Mean[c])) {
			return fmt.Errorf("normalization of channel %d: mean %v, deviation %v: want a finite mean and a positive, finite deviation", c, n.Mean[c], s)
		}
	}
	return nil
}
