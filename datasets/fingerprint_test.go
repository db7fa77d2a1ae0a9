package datasets

import (
	"testing"
)

func TestFingerprint(t *testing.T) {
	s, err := Synthetic(SyntheticConfig{Train: 40, Test: 10, Height: 4, Width: 4, Channels: 1, Classes: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	d := s.Train
	fp := d.Fingerprint()
	if len(fp) != 16 || fp != d.Fingerprint() {
		t.Fatalf("fingerprint %q, again %q", fp, d.Fingerprint())
	}
	again, _ := Synthetic(SyntheticConfig{Train: 40, Test: 10, Height: 4, Width: 4, Channels: 1, Classes: 3, Seed: 1})
	again.Train.Name = "renamed"
	if again.Train.Fingerprint() != fp {
		t.Error("the same data under another name has another fingerprint")
	}
	seen := map[string]string{fp: "original", s.Test.Fingerprint(): "test part"}
	add := func(what string, x *Dataset) {
		t.Helper()
		f := x.Fingerprint()
		if prev, ok := seen[f]; ok {
			t.Errorf("%s has the fingerprint of %s", what, prev)
		}
		seen[f] = what
	}
	pixel := *d
	pixel.Float32 = append([]float32(nil), d.Float32...)
	pixel.Float32[17] += 1e-6
	add("one pixel changed", &pixel)
	label := *d
	label.Labels = append([]int32(nil), d.Labels...)
	label.Labels[3] = (label.Labels[3] + 1) % 3
	add("one label changed", &label)
	a, _ := d.Sample(20, 1)
	b, _ := d.Sample(20, 2)
	add("sample 1", a)
	add("sample 2", b)
	// Bytes and floats of the same values differ (they are read differently).
	u := &Dataset{Height: 1, Width: 2, Channels: 1, NumClasses: 2, Uint8: []uint8{0, 0}, Labels: []int32{1}}
	f := &Dataset{Height: 1, Width: 2, Channels: 1, NumClasses: 2, Float32: []float32{0, 0}, Labels: []int32{1}}
	add("uint8 zeros", u)
	add("float32 zeros", f)
}
