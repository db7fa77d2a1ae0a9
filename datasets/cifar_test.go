package datasets

import (
	"path/filepath"
	"strings"
	"testing"
)

// writeCIFAR10 writes five training batches of nPer records and a test batch of nTest records.
func writeCIFAR10(t *testing.T, dir string, nPer, nTest int) {
	t.Helper()
	for b := 1; b <= 5; b++ {
		writeFile(t, dir, "data_batch_"+string(rune('0'+b))+".bin", cifarRecords(nPer, func(i int) []byte { return []byte{byte((i + b) % 10)} }))
	}
	writeFile(t, dir, "test_batch.bin", cifarRecords(nTest, func(i int) []byte { return []byte{byte(i % 10)} }))
	writeFile(t, dir, "batches.meta.txt", []byte("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n"))
}

func TestLoadCIFAR10(t *testing.T) {
	for _, layout := range []string{"root", "direct"} {
		t.Run(layout, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "cifar-10-batches-bin")
			writeCIFAR10(t, dir, 3, 4)
			load := root
			if layout == "direct" {
				load = dir
			}
			s, err := Load(CIFAR10, load)
			if err != nil {
				t.Fatal(err)
			}
			d := s.Train
			if d.Len() != 15 || s.Test.Len() != 4 || d.Height != 32 || d.Width != 32 || d.Channels != 3 || d.NumClasses != 10 {
				t.Fatalf("train %d, test %d of %d×%d×%d in %d classes; want 15, 4 of 32×32×3 in 10", d.Len(), s.Test.Len(), d.Height, d.Width, d.Channels, d.NumClasses)
			}
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			if d.ClassNames[9] != "truck" {
				t.Errorf("class names %v", d.ClassNames)
			}
			// Record 4 is record 1 of data_batch_2: label (1+2)%10, pixel (i=1, c, p) = 1+3c+p.
			if d.Labels[4] != 3 {
				t.Errorf("label of example 4 = %d, want 3", d.Labels[4])
			}
			for _, px := range []struct{ y, x, c int }{{0, 0, 0}, {0, 0, 2}, {5, 7, 1}, {31, 31, 2}} {
				p := px.y*32 + px.x
				got := d.Uint8[4*3072+p*3+px.c]
				if want := byte(1 + 3*px.c + p); got != want {
					t.Errorf("pixel (y %d, x %d, c %d) = %d, want %d (CHW → HWC)", px.y, px.x, px.c, got, want)
				}
			}
		})
	}
}

func TestLoadCIFAR100(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cifar-100-binary")
	labels := func(i int) []byte { return []byte{byte(i % 20), byte(i*7%100 + 0)} }
	writeFile(t, dir, "train.bin", cifarRecords(6, labels))
	writeFile(t, dir, "test.bin", cifarRecords(2, labels))
	tests := []struct {
		coarse  bool
		classes int
		label5  int32
	}{{false, 100, 35}, {true, 20, 5}}
	for _, tc := range tests {
		s, err := LoadCIFAR100(filepath.Dir(dir), tc.coarse)
		if err != nil {
			t.Fatal(err)
		}
		if s.Train.Len() != 6 || s.Test.Len() != 2 || s.Train.NumClasses != tc.classes || s.Train.Labels[5] != tc.label5 {
			t.Errorf("coarse %v: %d/%d examples, %d classes, label 5 = %d; want 6/2, %d, %d", tc.coarse, s.Train.Len(), s.Test.Len(), s.Train.NumClasses, s.Train.Labels[5], tc.classes, tc.label5)
		}
	}
}

func TestCIFARErrors(t *testing.T) {
	rec10 := func(i int) []byte { return []byte{byte(i % 10)} }
	tests := []struct {
		name    string
		content []byte
		layout  CIFARFile
		want    []string
	}{
		{"one byte short", cifarRecords(3, rec10)[:3*3073-1], CIFARFile{1, 0, 10}, []string{"9218 bytes", "3073-byte records", "1 label bytes + 3072 image bytes"}},
		{"one byte long", append(cifarRecords(2, rec10), 0), CIFARFile{1, 0, 10}, []string{"6147 bytes"}},
		{"empty", nil, CIFARFile{1, 0, 10}, []string{"0 bytes"}},
		{"CIFAR-100 record size", cifarRecords(2, rec10), CIFARFile{2, 1, 100}, []string{"3074-byte records"}},
		{"label out of range", cifarRecords(2, func(int) []byte { return []byte{12} }), CIFARFile{1, 0, 10}, []string{"record 0 has label 12", "[0, 10)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "data_batch_1.bin", tc.content)
			_, _, err := ReadCIFAR(p, tc.layout, nil, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the file", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	// Through Load: a wrong-length batch among good ones names that batch.
	dir := t.TempDir()
	writeCIFAR10(t, dir, 2, 2)
	writeFile(t, dir, "data_batch_3.bin", cifarRecords(2, rec10)[:5000])
	if _, err := LoadCIFAR10(dir); err == nil || !strings.Contains(err.Error(), "data_batch_3.bin: 5000 bytes") {
		t.Errorf("error %v, want one naming data_batch_3.bin and its length", err)
	}
}
