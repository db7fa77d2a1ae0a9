package datasets

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// smallSynthetic returns a small float32 dataset for batcher tests.
func smallSynthetic(t *testing.T, n int) *Dataset {
	t.Helper()
	s, err := Synthetic(SyntheticConfig{Train: n, Height: 6, Width: 5, Channels: 3, Classes: 4, Seed: 11, Noise: 0.1, Shift: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s.Train
}

// sameBatch reports how two batches differ, or "".
func sameBatch(a, b Batch) string {
	switch {
	case a.Epoch != b.Epoch || a.Step != b.Step:
		return fmt.Sprintf("epoch/step %d/%d vs %d/%d", a.Epoch, a.Step, b.Epoch, b.Step)
	case !slices.Equal(a.Indices, b.Indices):
		return fmt.Sprintf("indices %v vs %v", a.Indices, b.Indices)
	case !slices.Equal(a.HostLabels, b.HostLabels):
		return "labels differ"
	case !slices.Equal(a.HostImages, b.HostImages):
		return "images differ"
	}
	return ""
}

func TestBatcherReproducible(t *testing.T) {
	ds := smallSynthetic(t, 23)
	opt := BatchOptions{BatchSize: 5, Seed: 7, Shuffle: true, Augment: Augment{CropPadding: 2, Flip: true, Cutout: 3}, HostOnly: true}
	a, _ := NewBatcher(ds, opt)
	b, _ := NewBatcher(ds, opt)
	opt.Seed = 8
	c, _ := NewBatcher(ds, opt)
	differ := false
	for i := range 3 * a.BatchesPerEpoch() {
		x, _ := a.Next()
		y, _ := b.Next()
		z, _ := c.Next()
		if d := sameBatch(x, y); d != "" {
			t.Fatalf("batch %d: same seed, %s", i, d)
		}
		differ = differ || sameBatch(x, z) != ""
	}
	if !differ {
		t.Error("another seed gives the same batches")
	}
}

func TestBatcherEpochs(t *testing.T) {
	tests := []struct {
		n, batch          int
		dropLast, shuffle bool
		perEpoch          int
		sizes             []int
	}{
		{10, 3, false, true, 4, []int{3, 3, 3, 1}},
		{10, 3, true, true, 3, []int{3, 3, 3}},
		{9, 3, true, false, 3, []int{3, 3, 3}},
		{9, 3, false, false, 3, []int{3, 3, 3}},
		{4, 8, false, true, 1, []int{4}},
		{7, 1, true, true, 7, []int{1, 1, 1, 1, 1, 1, 1}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			ds := counting(tc.n, 3)
			b, err := NewBatcher(ds, BatchOptions{BatchSize: tc.batch, Seed: 1, Shuffle: tc.shuffle, DropLast: tc.dropLast})
			if err != nil {
				t.Fatal(err)
			}
			if b.BatchesPerEpoch() != tc.perEpoch {
				t.Fatalf("BatchesPerEpoch %d, want %d", b.BatchesPerEpoch(), tc.perEpoch)
			}
			var orders [][]int
			for epoch := range 3 {
				var seen []int
				for step := range tc.perEpoch {
					batch, err := b.Next()
					if err != nil {
						t.Fatal(err)
					}
					if batch.Epoch != epoch || batch.Step != step || batch.Size() != tc.sizes[step] {
						t.Fatalf("batch epoch %d step %d size %d, want %d %d %d", batch.Epoch, batch.Step, batch.Size(), epoch, step, tc.sizes[step])
					}
					for j, i := range batch.Indices {
						// No augmentation or normalization: pixels are the dataset's, labels match.
						if batch.HostLabels[j] != ds.Labels[i] || batch.HostImages[4*j] != float32(i)*(1.0/255) {
							t.Fatalf("example %d of batch is not dataset example %d", j, i)
						}
					}
					seen = append(seen, batch.Indices...)
				}
				orders = append(orders, slices.Clone(seen))
				slices.Sort(seen)
				want := 0
				for _, s := range tc.sizes {
					want += s
				}
				if len(seen) != want {
					t.Fatalf("epoch %d delivered %d examples, want %d", epoch, len(seen), want)
				}
				if len(slices.Compact(seen)) != len(seen) {
					t.Fatalf("epoch %d repeats examples: %v", epoch, seen)
				}
			}
			if tc.shuffle && tc.n > 3 && slices.Equal(orders[0], orders[1]) && slices.Equal(orders[1], orders[2]) {
				t.Errorf("epochs are not reshuffled: %v", orders)
			}
			if !tc.shuffle && !slices.IsSorted(orders[0]) {
				t.Errorf("unshuffled order %v", orders[0])
			}
		})
	}
}

func TestBatcherRestore(t *testing.T) {
	ds := smallSynthetic(t, 17)
	norm := ds.Stats().Normalization()
	opt := BatchOptions{BatchSize: 4, Seed: 99, Shuffle: true, Augment: DARTSAugment(3), Normalize: &norm}
	for _, stopAfter := range []int{0, 1, 4, 5, 6, 13} { // 5 batches per epoch: 4, 5 and 6 cross an epoch end
		t.Run(fmt.Sprint(stopAfter), func(t *testing.T) {
			orig, _ := NewBatcher(ds, opt)
			for range stopAfter {
				if _, err := orig.Next(); err != nil {
					t.Fatal(err)
				}
			}
			saved, err := json.Marshal(orig.State())
			if err != nil {
				t.Fatal(err)
			}
			var state BatcherState
			if err := json.Unmarshal(saved, &state); err != nil {
				t.Fatal(err)
			}
			// The restored batcher has consumed other batches before restoring.
			restored, _ := NewBatcher(ds, opt)
			for range 3 {
				_, _ = restored.Next()
			}
			if err := restored.Restore(state); err != nil {
				t.Fatal(err)
			}
			for i := range 12 {
				x, err := orig.Next()
				if err != nil {
					t.Fatal(err)
				}
				y, err := restored.Next()
				if err != nil {
					t.Fatal(err)
				}
				if d := sameBatch(x, y); d != "" {
					t.Fatalf("state %s, batch %d after restore: %s", saved, i, d)
				}
			}
		})
	}
}

func TestBatcherTensors(t *testing.T) {
	ds := smallSynthetic(t, 10)
	b, err := NewBatcher(ds, BatchOptions{BatchSize: 4, Seed: 1, Shuffle: true, Augment: Augment{Flip: true}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := b.Next()
	if err != nil {
		t.Fatal(err)
	}
	if s := batch.Images.Shape(); s.DType != dtypes.Float32 || !slices.Equal(s.Dimensions, []int{4, 6, 5, 3}) {
		t.Errorf("images shape %s, want (Float32)[4 6 5 3]", s)
	}
	if s := batch.Labels.Shape(); s.DType != dtypes.Int32 || !slices.Equal(s.Dimensions, []int{4}) {
		t.Errorf("labels shape %s, want (Int32)[4]", s)
	}
	if !slices.Equal(tensors.MustCopyFlatData[float32](batch.Images), batch.HostImages) ||
		!slices.Equal(tensors.MustCopyFlatData[int32](batch.Labels), batch.HostLabels) {
		t.Error("tensors differ from the host slices")
	}
}

func TestBatcherErrors(t *testing.T) {
	ds := counting(10, 2)
	tests := []struct {
		name string
		ds   *Dataset
		opt  BatchOptions
		want string
	}{
		{"nil dataset", nil, BatchOptions{BatchSize: 1}, "nil dataset"},
		{"zero batch", ds, BatchOptions{}, "batch size 0"},
		{"drop-last batch too big", ds, BatchOptions{BatchSize: 11, DropLast: true}, "exceeds the 10 examples"},
		{"negative padding", ds, BatchOptions{BatchSize: 2, Augment: Augment{CropPadding: -1}}, "CropPadding ≥ 0"},
		{"normalization channels", ds, BatchOptions{BatchSize: 2, Normalize: &Normalization{Mean: []float32{0, 0}, Std: []float32{1, 1}}}, "want 1 of each"},
		{"zero deviation", ds, BatchOptions{BatchSize: 2, Normalize: &Normalization{Mean: []float32{0}, Std: []float32{0}}}, "positive, finite deviation"},
		{"invalid dataset", &Dataset{Name: "bad", Height: 1, Width: 1, Channels: 1, NumClasses: 1, Labels: []int32{0}}, BatchOptions{BatchSize: 1}, "want Uint8 or Float32"},
		{"empty dataset", &Dataset{Name: "empty", Height: 1, Width: 1, Channels: 1, NumClasses: 1}, BatchOptions{BatchSize: 1}, "no examples"},
	}
	for _, tc := range tests {
		if _, err := NewBatcher(tc.ds, tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
	b, _ := NewBatcher(ds, BatchOptions{BatchSize: 3})
	for _, s := range []BatcherState{{-1, 0}, {0, -1}, {0, 11}} {
		if err := b.Restore(s); err == nil {
			t.Errorf("Restore(%+v): no error", s)
		}
	}
}

func BenchmarkBatcherCIFARShape(b *testing.B) {
	s, err := Synthetic(SyntheticConfig{Train: 640, Height: 32, Width: 32, Channels: 3, Classes: 10, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	bt, err := NewBatcher(s.Train, BatchOptions{BatchSize: 64, Seed: 1, Shuffle: true, Augment: DARTSAugment(16), Normalize: &Normalization{Mean: []float32{0.5, 0.5, 0.5}, Std: []float32{0.25, 0.25, 0.25}}})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := bt.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

// Resample draws every batch afresh (quark0/darts's next(iter(valid_queue))): consecutive
// batches come from different permutations, and a restored Batcher continues identically.
func TestBatcherResample(t *testing.T) {
	ds := smallSynthetic(t, 40)
	opt := BatchOptions{BatchSize: 8, Seed: 3, Shuffle: true, Resample: true, DropLast: true, HostOnly: true,
		Augment: Augment{CropPadding: 1, Flip: true}}
	b, err := NewBatcher(ds, opt)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	var states []BatcherState
	var batches [][]int
	for range 20 {
		states = append(states, b.State())
		x, err := b.Next()
		if err != nil {
			t.Fatal(err)
		}
		batches = append(batches, x.Indices)
		for _, i := range x.Indices {
			seen[i]++
		}
	}
	// 20 batches of 8 from 40 examples: a sequential pass would repeat every 5 batches.
	if slicesEqual(batches[0], batches[5]) {
		t.Error("batch 5 repeats batch 0: not resampled")
	}
	// An example repeated within one batch would mean sampling with replacement.
	for k, x := range batches {
		u := map[int]bool{}
		for _, i := range x {
			if u[i] {
				t.Fatalf("batch %d repeats example %d", k, i)
			}
			u[i] = true
		}
	}
	r, err := NewBatcher(ds, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Restore(states[7]); err != nil {
		t.Fatal(err)
	}
	for k := 7; k < 20; k++ {
		x, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !slicesEqual(x.Indices, batches[k]) {
			t.Fatalf("restored batcher's batch %d differs", k)
		}
	}
	if _, err := NewBatcher(ds, BatchOptions{BatchSize: 8, Resample: true}); err == nil {
		t.Error("Resample without Shuffle is not an error")
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// SplitAt splits by index, as quark0/darts: the first portion, then the rest.
func TestSplitAtIsByIndex(t *testing.T) {
	ds := smallSynthetic(t, 10)
	a, b, err := ds.SplitAt(0.5)
	if err != nil {
		t.Fatal(err)
	}
	if a.Len() != 5 || b.Len() != 5 {
		t.Fatalf("parts of %d and %d", a.Len(), b.Len())
	}
	for i := range 5 {
		if a.Labels[i] != ds.Labels[i] || b.Labels[i] != ds.Labels[5+i] {
			t.Fatalf("example %d is not in order", i)
		}
	}
	if _, _, err := ds.SplitAt(1); err == nil {
		t.Error("portion 1 is not an error")
	}
}
