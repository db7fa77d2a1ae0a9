package datasets

import (
	"fmt"
	"math"
	"slices"
)

// Dataset is a labelled image dataset held in host memory, channels last (NHWC).
//
// Exactly one of Uint8 and Float32 holds the pixels, Len()*Height*Width*Channels values in
// N, H, W, C order. Uint8 pixels are read as value/255 (in [0, 1]); Float32 pixels are used as
// they are.
type Dataset struct {
	// Name names the dataset and its part, e.g. "fashion-mnist/train".
	Name string
	// Source is where the data came from (a directory), or "" for generated data.
	Source string
	// Height, Width and Channels are the shape of one image.
	Height, Width, Channels int
	// NumClasses is the number of classes; every label is in [0, NumClasses).
	NumClasses int
	// ClassNames optionally names the classes (len NumClasses), else nil.
	ClassNames []string
	// Uint8 holds the pixels as bytes, or is nil.
	Uint8 []uint8
	// Float32 holds the pixels as float32, or is nil.
	Float32 []float32
	// Labels holds one class index per image.
	Labels []int32
}

// Splits is the training and test part of a dataset.
type Splits struct {
	Train, Test *Dataset
}

// Len returns the number of examples.
func (d *Dataset) Len() int { return len(d.Labels) }

// ImageSize returns the number of values in one image (H·W·C).
func (d *Dataset) ImageSize() int { return d.Height * d.Width * d.Channels }

// Validate checks that the dataset is consistent: positive shape, exactly one pixel slice of
// the right length, and every label in [0, NumClasses).
func (d *Dataset) Validate() error {
	if d.Height <= 0 || d.Width <= 0 || d.Channels <= 0 {
		return fmt.Errorf("dataset %s: image shape %d×%d×%d: want positive height, width and channels", d.Name, d.Height, d.Width, d.Channels)
	}
	if d.NumClasses <= 0 {
		return fmt.Errorf("dataset %s: %d classes: want at least 1", d.Name, d.NumClasses)
	}
	if d.ClassNames != nil && len(d.ClassNames) != d.NumClasses {
		return fmt.Errorf("dataset %s: %d class names for %d classes", d.Name, len(d.ClassNames), d.NumClasses)
	}
	want := d.Len() * d.ImageSize()
	switch {
	case d.Uint8 != nil && d.Float32 != nil:
		return fmt.Errorf("dataset %s: both Uint8 and Float32 pixels are set: want exactly one", d.Name)
	case d.Uint8 != nil && len(d.Uint8) != want:
		return fmt.Errorf("dataset %s: %d uint8 pixel values for %d labels of %d×%d×%d images: want %d", d.Name, len(d.Uint8), d.Len(), d.Height, d.Width, d.Channels, want)
	case d.Float32 != nil && len(d.Float32) != want:
		return fmt.Errorf("dataset %s: %d float32 pixel values for %d labels of %d×%d×%d images: want %d", d.Name, len(d.Float32), d.Len(), d.Height, d.Width, d.Channels, want)
	case d.Uint8 == nil && d.Float32 == nil && want > 0:
		return fmt.Errorf("dataset %s: no pixels for %d labels: want Uint8 or Float32", d.Name, d.Len())
	}
	for i, l := range d.Labels {
		if l < 0 || int(l) >= d.NumClasses {
			return fmt.Errorf("dataset %s: label %d of example %d: want a class in [0, %d)", d.Name, l, i, d.NumClasses)
		}
	}
	return nil
}

// ImageFloat32 writes image i into dst (len ImageSize()) as float32 HWC values, uint8 pixels
// scaled to [0, 1].
func (d *Dataset) ImageFloat32(i int, dst []float32) {
	n := d.ImageSize()
	if d.Float32 != nil {
		copy(dst[:n], d.Float32[i*n:(i+1)*n])
		return
	}
	src := d.Uint8[i*n : (i+1)*n]
	dst = dst[:n]
	for j, v := range src {
		dst[j] = float32(v) * (1.0 / 255)
	}
}

// Subset returns a new dataset holding copies of the examples at indices, in that order.
// The name gets the suffix given (e.g. "/valid"), if any.
func (d *Dataset) Subset(indices []int, suffix string) (*Dataset, error) {
	n := d.ImageSize()
	out := &Dataset{
		Name: d.Name + suffix, Source: d.Source,
		Height: d.Height, Width: d.Width, Channels: d.Channels,
		NumClasses: d.NumClasses, ClassNames: slices.Clone(d.ClassNames),
		Labels: make([]int32, len(indices)),
	}
	if d.Float32 != nil {
		out.Float32 = make([]float32, len(indices)*n)
	} else {
		out.Uint8 = make([]uint8, len(indices)*n)
	}
	for j, i := range indices {
		if i < 0 || i >= d.Len() {
			return nil, fmt.Errorf("dataset %s: subset index %d: want an example in [0, %d)", d.Name, i, d.Len())
		}
		out.Labels[j] = d.Labels[i]
		if d.Float32 != nil {
			copy(out.Float32[j*n:(j+1)*n], d.Float32[i*n:(i+1)*n])
		} else {
			copy(out.Uint8[j*n:(j+1)*n], d.Uint8[i*n:(i+1)*n])
		}
	}
	return out, nil
}

// Split divides the dataset into two disjoint parts: a seeded random portion of the examples
// (round(portion·Len()), each part keeping the original order) and the rest. DARTS searches with
// portion 0.5: the first part trains the weights, the second the architecture. The parts are
// named Name+"/train" and Name+"/valid".
func (d *Dataset) Split(portion float64, seed uint64) (first, second *Dataset, err error) {
	if math.IsNaN(portion) || portion <= 0 || portion >= 1 {
		return nil, nil, fmt.Errorf("dataset %s: split portion %v: want a value strictly between 0 and 1", d.Name, portion)
	}
	k := int(math.Round(portion * float64(d.Len())))
	if k == 0 || k == d.Len() {
		return nil, nil, fmt.Errorf("dataset %s: split portion %v of %d examples leaves an empty part: want more examples or another portion", d.Name, portion, d.Len())
	}
	perm := permutation(newSource(seed, streamSplit), d.Len())
	a, b := slices.Clone(perm[:k]), slices.Clone(perm[k:])
	slices.Sort(a)
	slices.Sort(b)
	if first, err = d.Subset(a, "/train"); err != nil {
		return nil, nil, err
	}
	if second, err = d.Subset(b, "/valid"); err != nil {
		return nil, nil, err
	}
	return first, second, nil
}

// SplitAt divides the dataset by index: the first round(portion·Len()) examples and the rest,
// as quark0/darts splits CIFAR-10's training set for a search (indices[:split] train the
// weights, indices[split:] the architecture). The parts are named Name+"/train" and
// Name+"/valid".
func (d *Dataset) SplitAt(portion float64) (first, second *Dataset, err error) {
	if math.IsNaN(portion) || portion <= 0 || portion >= 1 {
		return nil, nil, fmt.Errorf("dataset %s: split portion %v: want a value strictly between 0 and 1", d.Name, portion)
	}
	k := int(math.Round(portion * float64(d.Len())))
	if k == 0 || k == d.Len() {
		return nil, nil, fmt.Errorf("dataset %s: split portion %v of %d examples leaves an empty part: want more examples or another portion", d.Name, portion, d.Len())
	}
	idx := make([]int, d.Len())
	for i := range idx {
		idx[i] = i
	}
	if first, err = d.Subset(idx[:k], "/train"); err != nil {
		return nil, nil, err
	}
	if second, err = d.Subset(idx[k:], "/valid"); err != nil {
		return nil, nil, err
	}
	return first, second, nil
}

// Sample returns a seeded random subset of k examples (in their original order), for quick
// runs. k ≥ Len() returns a copy of the whole dataset.
func (d *Dataset) Sample(k int, seed uint64) (*Dataset, error) {
	if k <= 0 {
		return nil, fmt.Errorf("dataset %s: sample of %d examples: want at least 1", d.Name, k)
	}
	var idx []int
	if k >= d.Len() {
		idx = make([]int, d.Len())
		for i := range idx {
			idx[i] = i
		}
	} else {
		idx = permutation(newSource(seed, streamSample), d.Len())[:k]
		slices.Sort(idx)
	}
	out, err := d.Subset(idx, "")
	if err != nil {
		return nil, err
	}
	out.Name = fmt.Sprintf("%s[%d]", d.Name, len(idx))
	return out, nil
}
