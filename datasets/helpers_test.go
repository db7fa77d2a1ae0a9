package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// idxBytes encodes an IDX file of unsigned bytes with the given dimensions.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		_ = binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

// gz compresses b.
func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, _ = w.Write(b)
	_ = w.Close()
	return out.Bytes()
}

// writeFile writes b to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tinyIDX returns n images of h×w with pixel (i, y, x) = i*7 + y*w + x (mod 256) and labels
// i mod 10.
func tinyIDX(n, h, w int) (images, labels []byte) {
	images = make([]byte, n*h*w)
	labels = make([]byte, n)
	for i := range n {
		labels[i] = byte(i % 10)
		for p := range h * w {
			images[i*h*w+p] = byte(i*7 + p)
		}
	}
	return images, labels
}

// writeMNIST writes the four IDX files of a tiny MNIST-like dataset into dir, gzipped or not.
func writeMNIST(t *testing.T, dir string, nTrain, nTest, h, w int, zipped bool) {
	t.Helper()
	enc := func(b []byte) []byte { return b }
	suffix := ""
	if zipped {
		enc, suffix = gz, ".gz"
	}
	for _, part := range []struct {
		prefix string
		n      int
	}{{"train", nTrain}, {"t10k", nTest}} {
		img, lab := tinyIDX(part.n, h, w)
		writeFile(t, dir, part.prefix+"-images-idx3-ubyte"+suffix, enc(idxBytes([]int{part.n, h, w}, img)))
		writeFile(t, dir, part.prefix+"-labels-idx1-ubyte"+suffix, enc(idxBytes([]int{part.n}, lab)))
	}
}

// cifarRecords encodes n CIFAR records whose label bytes are labels(i) and whose image byte at
// channel c, position p is (i + 3c + p) mod 256.
func cifarRecords(n int, labels func(i int) []byte) []byte {
	var b bytes.Buffer
	for i := range n {
		b.Write(labels(i))
		for c := range 3 {
			for p := range 1024 {
				b.WriteByte(byte(i + 3*c + p))
			}
		}
	}
	return b.Bytes()
}
