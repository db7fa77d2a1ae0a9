package datasets

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CIFAR geometry: 32×32 RGB images stored channel-major (CHW) after the label bytes.
const (
	cifarSide      = 32
	cifarChannels  = 3
	cifarImageSize = cifarSide * cifarSide * cifarChannels
)

// CIFARFile describes the record layout of a CIFAR binary file.
type CIFARFile struct {
	// LabelBytes is 1 for CIFAR-10 (the label) and 2 for CIFAR-100 (coarse label, fine label).
	LabelBytes int
	// LabelIndex selects which label byte is the class (CIFAR-100: 0 coarse, 1 fine).
	LabelIndex int
	// NumClasses bounds the selected label.
	NumClasses int
}

// ReadCIFAR reads one CIFAR binary file (records of LabelBytes label bytes then 3072 image
// bytes, CHW) and appends its images, converted to HWC, and labels to pixels and labels. It
// fails with an error naming the file when the length is not a whole number of records or a
// label is out of range.
func ReadCIFAR(path string, layout CIFARFile, pixels []uint8, labels []int32) ([]uint8, []int32, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return pixels, labels, fmt.Errorf("CIFAR file %s: %w", path, err)
	}
	rec := layout.LabelBytes + cifarImageSize
	if len(raw) == 0 || len(raw)%rec != 0 {
		return pixels, labels, fmt.Errorf("CIFAR file %s: %d bytes is not a whole, non-zero number of %d-byte records (%d label bytes + %d image bytes): want a multiple of %d (the real files hold 10000 or 50000 records)",
			path, len(raw), rec, layout.LabelBytes, cifarImageSize, rec)
	}
	n := len(raw) / rec
	base := len(pixels)
	pixels = append(pixels, make([]uint8, n*cifarImageSize)...)
	const plane = cifarSide * cifarSide
	for i := range n {
		r := raw[i*rec : (i+1)*rec]
		l := r[layout.LabelIndex]
		if int(l) >= layout.NumClasses {
			return pixels, labels, fmt.Errorf("CIFAR file %s: record %d has label %d: want a class in [0, %d)", path, i, l, layout.NumClasses)
		}
		labels = append(labels, int32(l))
		img := r[layout.LabelBytes:]
		dst := pixels[base+i*cifarImageSize : base+(i+1)*cifarImageSize]
		for p := range plane {
			dst[3*p] = img[p]
			dst[3*p+1] = img[plane+p]
			dst[3*p+2] = img[2*plane+p]
		}
	}
	return pixels, labels, nil
}

// readLines returns the non-empty lines of a small text file, or nil if it cannot be read.
func readLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// loadCIFAR reads the train and test files of a CIFAR dataset.
func loadCIFAR(name, dir string, layout CIFARFile, trainFiles, testFiles []string, namesFile string) (Splits, error) {
	dirs := searchDirs(name, dir)
	read := func(part string, files []string) (*Dataset, error) {
		var pixels []uint8
		var labels []int32
		src := ""
		for _, f := range files {
			p, err := findFile(name, dirs, f, f)
			if err != nil {
				return nil, err
			}
			src = filepath.Dir(p)
			if pixels, labels, err = ReadCIFAR(p, layout, pixels, labels); err != nil {
				return nil, fmt.Errorf("dataset %s: %w", name, err)
			}
		}
		d := &Dataset{
			Name: name + "/" + part, Source: src,
			Height: cifarSide, Width: cifarSide, Channels: cifarChannels,
			NumClasses: layout.NumClasses, Uint8: pixels, Labels: labels,
		}
		if cn := readLines(filepath.Join(src, namesFile)); len(cn) == layout.NumClasses {
			d.ClassNames = cn
		}
		return d, nil
	}
	train, err := read("train", trainFiles)
	if err != nil {
		return Splits{}, err
	}
	test, err := read("test", testFiles)
	if err != nil {
		return Splits{}, err
	}
	return Splits{Train: train, Test: test}, nil
}

// LoadCIFAR10 loads CIFAR-10 from dir: the root of the datasets (with a cifar-10-batches-bin
// subdirectory) or that directory itself (data_batch_1.bin … data_batch_5.bin, test_batch.bin;
// class names from batches.meta.txt when present).
func LoadCIFAR10(dir string) (Splits, error) {
	train := []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	return loadCIFAR(CIFAR10, dir, CIFARFile{LabelBytes: 1, LabelIndex: 0, NumClasses: 10}, train, []string{"test_batch.bin"}, "batches.meta.txt")
}

// LoadCIFAR100 loads CIFAR-100 from dir: the root of the datasets (with a cifar-100-binary
// subdirectory) or that directory itself (train.bin, test.bin). It takes the 100 fine labels,
// or the 20 coarse labels when coarse is true; class names come from fine_label_names.txt or
// coarse_label_names.txt when present.
func LoadCIFAR100(dir string, coarse bool) (Splits, error) {
	layout := CIFARFile{LabelBytes: 2, LabelIndex: 1, NumClasses: 100}
	names := "fine_label_names.txt"
	if coarse {
		layout = CIFARFile{LabelBytes: 2, LabelIndex: 0, NumClasses: 20}
		names = "coarse_label_names.txt"
	}
	return loadCIFAR(CIFAR100, dir, layout, []string{"train.bin"}, []string{"test.bin"}, names)
}
