package datasets

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadMNISTLayouts(t *testing.T) {
	tests := []struct {
		name   string
		zipped bool
		subdir bool // files in root/mnist (else directly in the dir given)
	}{
		{"plain files in the dataset dir", false, false},
		{"gzipped files in the dataset dir", true, false},
		{"gzipped files under the root", true, true},
		{"plain files under the root", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := root
			if tc.subdir {
				dir = filepath.Join(root, "mnist")
			}
			writeMNIST(t, dir, 12, 5, 4, 3, tc.zipped)
			s, err := LoadMNIST(root)
			if err != nil {
				t.Fatal(err)
			}
			if s.Train.Len() != 12 || s.Test.Len() != 5 {
				t.Fatalf("counts %d/%d, want 12/5", s.Train.Len(), s.Test.Len())
			}
			d := s.Train
			if d.Height != 4 || d.Width != 3 || d.Channels != 1 || d.NumClasses != 10 {
				t.Fatalf("shape %d×%d×%d, %d classes; want 4×3×1, 10", d.Height, d.Width, d.Channels, d.NumClasses)
			}
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			img, lab := tinyIDX(12, 4, 3)
			if string(d.Uint8) != string(img) {
				t.Errorf("pixels differ from the file")
			}
			for i, l := range lab {
				if d.Labels[i] != int32(l) {
					t.Fatalf("label %d = %d, want %d", i, d.Labels[i], l)
				}
			}
			if d.Source != dir {
				t.Errorf("source %q, want %q", d.Source, dir)
			}
		})
	}
}

func TestReadIDXErrors(t *testing.T) {
	img, _ := tinyIDX(10, 4, 4)
	good := idxBytes([]int{10, 4, 4}, img)
	tests := []struct {
		name    string
		content []byte
		want    []string // substrings of the error
	}{
		{"truncated data", good[:len(good)-5], []string{"truncated", "155 follow", "160 data bytes"}},
		{"truncated gzip", gz(good)[:40], []string{"truncated"}},
		{"truncated header", good[:7], []string{"truncated header"}},
		{"empty file", nil, []string{"truncated", "magic number"}},
		{"wrong magic", append([]byte{0, 0, 0x0d, 3}, good[4:]...), []string{"magic number 0x00000d03", "want 0x000008NN"}},
		{"not IDX at all", []byte("hello world, this is text"), []string{"magic number"}},
		{"extra bytes", append(append([]byte{}, good...), 1, 2, 3), []string{"3 extra bytes"}},
		{"huge header", idxBytes([]int{1 << 30, 1 << 30}, nil), []string{"announce more than"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "train-images-idx3-ubyte", tc.content)
			_, err := ReadIDX(p)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, p) {
				t.Errorf("error %q does not name the file %s", msg, p)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
		})
	}
}

func TestLoadIDXDatasetErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, dir string)
		want   []string
	}{
		{"truncated train images", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "train-images-idx3-ubyte")
			b, _ := os.ReadFile(p)
			writeFile(t, dir, "train-images-idx3-ubyte", b[:len(b)-1])
		}, []string{"train-images-idx3-ubyte", "truncated"}},
		{"count mismatch", func(t *testing.T, dir string) {
			_, lab := tinyIDX(11, 4, 3)
			writeFile(t, dir, "train-labels-idx1-ubyte", idxBytes([]int{11}, lab))
		}, []string{"hold 12 images", "11 labels", "want the same count"}},
		{"label out of range", func(t *testing.T, dir string) {
			writeFile(t, dir, "t10k-labels-idx1-ubyte", idxBytes([]int{5}, []byte{0, 1, 2, 10, 4}))
		}, []string{"t10k-labels-idx1-ubyte", "label 10 of example 3", "[0, 10)"}},
		{"labels with image dimensions", func(t *testing.T, dir string) {
			writeFile(t, dir, "t10k-labels-idx1-ubyte", idxBytes([]int{5, 1}, make([]byte, 5)))
		}, []string{"t10k-labels-idx1-ubyte", "want 1 (N, magic 0x00000801)"}},
		{"missing test images", func(t *testing.T, dir string) {
			_ = os.Remove(filepath.Join(dir, "t10k-images-idx3-ubyte"))
		}, []string{"t10k-images-idx3-ubyte[.gz] not found"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeMNIST(t, dir, 12, 5, 4, 3, false)
			tc.mutate(t, dir)
			_, err := LoadMNIST(dir)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestMissingDataset(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name string
		want []string
	}{
		{FashionMNIST, []string{"fashion-mnist", filepath.Join(root, "fashion-mnist"), "train-images-idx3-ubyte[.gz]", SetupCommand}},
		{MNIST, []string{filepath.Join(root, "mnist")}},
		{CIFAR10, []string{filepath.Join(root, "cifar-10-batches-bin"), "data_batch_1.bin"}},
		{CIFAR100, []string{filepath.Join(root, "cifar-100-binary"), "train.bin"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.name, root)
			var me *MissingError
			if !errors.As(err, &me) || !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("error %v: want a *MissingError matching fs.ErrNotExist", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	if _, err := Load("imagenet", root); err == nil || !strings.Contains(err.Error(), "fashion-mnist, mnist, cifar10, cifar100, synthetic") {
		t.Errorf("unknown dataset: error %v, want the list of names", err)
	}
}

func TestResolveDir(t *testing.T) {
	tests := []struct{ flag, env, want string }{
		{"/a", "/b", "/a"},
		{"", "/b", "/b"},
		{"", "", DefaultDir},
	}
	for _, tc := range tests {
		t.Setenv(EnvDataDir, tc.env)
		if got := ResolveDir(tc.flag); got != tc.want {
			t.Errorf("ResolveDir(%q) with $%s=%q = %q, want %q", tc.flag, EnvDataDir, tc.env, got, tc.want)
		}
	}
}

// realFashionMNIST loads the installed Fashion-MNIST or skips the test.
func realFashionMNIST(t testing.TB) Splits {
	t.Helper()
	s, err := LoadFashionMNIST(DefaultDir)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("Fashion-MNIST not installed (%v)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRealFashionMNIST(t *testing.T) {
	s := realFashionMNIST(t)
	tests := []struct {
		d     *Dataset
		n     int
		count int
	}{{s.Train, 60000, 6000}, {s.Test, 10000, 1000}}
	for _, tc := range tests {
		st := tc.d.Stats()
		if st.Examples != tc.n || st.Height != 28 || st.Width != 28 || st.Channels != 1 || st.NumClasses != 10 {
			t.Errorf("%s: %d examples of %d×%d×%d in %d classes; want %d of 28×28×1 in 10", tc.d.Name, st.Examples, st.Height, st.Width, st.Channels, st.NumClasses, tc.n)
		}
		for k, c := range st.ClassCounts {
			if c != tc.count {
				t.Errorf("%s: class %d has %d examples, want %d", tc.d.Name, k, c, tc.count)
			}
		}
	}
	// The published Fashion-MNIST training statistics: mean 0.2860, std 0.3530.
	st := s.Train.Stats()
	if abs(st.Mean[0]-0.2860) > 5e-5 || abs(st.Std[0]-0.3530) > 5e-5 {
		t.Errorf("mean/std %.5f/%.5f, want 0.2860/0.3530", st.Mean[0], st.Std[0])
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func BenchmarkLoadFashionMNIST(b *testing.B) {
	realFashionMNIST(b)
	for b.Loop() {
		if _, err := LoadFashionMNIST(DefaultDir); err != nil {
			b.Fatal(err)
		}
	}
}
