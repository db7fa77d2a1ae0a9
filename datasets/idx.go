package datasets

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// IDX is the content of an IDX file of unsigned bytes (the format of MNIST and Fashion-MNIST).
type IDX struct {
	// Dims are the dimensions from the header, outermost first.
	Dims []int
	// Data holds the product of Dims bytes.
	Data []uint8
}

// maxIDXBytes bounds the data size an IDX header may announce (guards against garbage headers).
const maxIDXBytes = 1 << 34

// ReadIDX reads an IDX file of unsigned bytes, gzipped (detected by its magic bytes, whatever
// its name) or not. It reads the data into one allocation of the size the header announces and
// fails with an error naming the file when the magic number is wrong, the data is truncated,
// extra bytes follow, or the gzip stream is corrupt.
func ReadIDX(path string) (IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return IDX{}, fmt.Errorf("IDX file %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return IDX{}, fmt.Errorf("IDX file %s: gzip header: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	var hdr [4]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		return IDX{}, fmt.Errorf("IDX file %s: truncated: %d bytes, want a 4-byte magic number (0x000008NN): %w", path, n, err)
	}
	magic := binary.BigEndian.Uint32(hdr[:])
	if hdr[0] != 0 || hdr[1] != 0 || hdr[2] != 0x08 || hdr[3] == 0 || hdr[3] > 8 {
		return IDX{}, fmt.Errorf("IDX file %s: magic number 0x%08x: want 0x000008NN (unsigned bytes, NN dimensions, e.g. 0x00000803 for images, 0x00000801 for labels)", path, magic)
	}
	ndim := int(hdr[3])
	dimBytes := make([]byte, 4*ndim)
	if n, err := io.ReadFull(r, dimBytes); err != nil {
		return IDX{}, fmt.Errorf("IDX file %s: truncated header: %d of %d dimension bytes: %w", path, n, len(dimBytes), err)
	}
	dims := make([]int, ndim)
	size := int64(1)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(dimBytes[4*i:]))
		size *= int64(dims[i])
		if size > maxIDXBytes {
			return IDX{}, fmt.Errorf("IDX file %s: header dimensions %v announce more than %d bytes: want a real IDX file", path, dims[:i+1], int64(maxIDXBytes))
		}
	}
	data := make([]uint8, size)
	if n, err := io.ReadFull(r, data); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return IDX{}, fmt.Errorf("IDX file %s: truncated: header says dimensions %v (%d data bytes) but only %d follow", path, dims, size, n)
		}
		return IDX{}, fmt.Errorf("IDX file %s: reading %d data bytes (dimensions %v): %w", path, size, dims, err)
	}
	extra, err := io.Copy(io.Discard, r)
	if err != nil {
		return IDX{}, fmt.Errorf("IDX file %s: after the data: %w", path, err)
	}
	if extra > 0 {
		return IDX{}, fmt.Errorf("IDX file %s: %d extra bytes after the %d data bytes of dimensions %v: want exactly the announced data", path, extra, size, dims)
	}
	return IDX{Dims: dims, Data: data}, nil
}

// FromIDX builds a dataset from the IDX images (dimensions N×H×W, or N×H×W×C) and labels
// (dimension N) read from the named files (used in errors), checking that the counts match and
// every label is below numClasses.
func FromIDX(name string, images, labels IDX, imagesPath, labelsPath string, numClasses int) (*Dataset, error) {
	if len(images.Dims) != 3 && len(images.Dims) != 4 {
		return nil, fmt.Errorf("IDX images %s: %d dimensions %v: want 3 (N×H×W, magic 0x00000803) or 4 (N×H×W×C)", imagesPath, len(images.Dims), images.Dims)
	}
	if len(labels.Dims) != 1 {
		return nil, fmt.Errorf("IDX labels %s: %d dimensions %v: want 1 (N, magic 0x00000801)", labelsPath, len(labels.Dims), labels.Dims)
	}
	if images.Dims[0] != labels.Dims[0] {
		return nil, fmt.Errorf("IDX images %s hold %d images but labels %s hold %d labels: want the same count", imagesPath, images.Dims[0], labelsPath, labels.Dims[0])
	}
	c := 1
	if len(images.Dims) == 4 {
		c = images.Dims[3]
	}
	d := &Dataset{
		Name: name, Source: filepath.Dir(imagesPath),
		Height: images.Dims[1], Width: images.Dims[2], Channels: c,
		NumClasses: numClasses, Uint8: images.Data,
		Labels: make([]int32, len(labels.Data)),
	}
	for i, l := range labels.Data {
		if int(l) >= numClasses {
			return nil, fmt.Errorf("IDX labels %s: label %d of example %d: want a class in [0, %d)", labelsPath, l, i, numClasses)
		}
		d.Labels[i] = int32(l)
	}
	return d, nil
}

// FashionMNISTClasses returns the names of the 10 Fashion-MNIST classes.
func FashionMNISTClasses() []string {
	return []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
}

// LoadFashionMNIST loads Fashion-MNIST from dir: the root of the datasets (with a fashion-mnist
// subdirectory) or the directory of the four IDX files (train-images-idx3-ubyte,
// train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each maybe .gz).
func LoadFashionMNIST(dir string) (Splits, error) {
	s, err := loadIDXSplits(FashionMNIST, dir)
	if err != nil {
		return Splits{}, err
	}
	s.Train.ClassNames, s.Test.ClassNames = FashionMNISTClasses(), FashionMNISTClasses()
	return s, nil
}

// LoadMNIST loads MNIST from dir: the root of the datasets (with an mnist subdirectory) or the
// directory of its four IDX files, named as for LoadFashionMNIST.
func LoadMNIST(dir string) (Splits, error) {
	s, err := loadIDXSplits(MNIST, dir)
	if err != nil {
		return Splits{}, err
	}
	names := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	s.Train.ClassNames, s.Test.ClassNames = names, names
	return s, nil
}

// loadIDXSplits finds the four IDX files of name under dir and reads them concurrently.
func loadIDXSplits(name, dir string) (Splits, error) {
	dirs := searchDirs(name, dir)
	bases := []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
	paths := make([]string, len(bases))
	for i, b := range bases {
		// Also accept the dotted names of some mirrors (train-images.idx3-ubyte).
		dotted := b[:len(b)-len("-idx3-ubyte")] + "." + b[len(b)-len("idx3-ubyte"):]
		p, err := findFile(name, dirs, b+"[.gz]", b+".gz", b, dotted+".gz", dotted)
		if err != nil {
			return Splits{}, err
		}
		paths[i] = p
	}
	files := make([]IDX, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() { files[i], errs[i] = ReadIDX(p) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Splits{}, fmt.Errorf("dataset %s: %w", name, err)
		}
	}
	train, err := FromIDX(name+"/train", files[0], files[1], paths[0], paths[1], 10)
	if err != nil {
		return Splits{}, fmt.Errorf("dataset %s: %w", name, err)
	}
	test, err := FromIDX(name+"/test", files[2], files[3], paths[2], paths[3], 10)
	if err != nil {
		return Splits{}, fmt.Errorf("dataset %s: %w", name, err)
	}
	return Splits{Train: train, Test: test}, nil
}
