package datasets

import (
	"fmt"
	"slices"
	"testing"
)

// referenceAugment applies the DARTS pipeline step by step as torchvision does: pad with zeros,
// crop, flip, normalize, cutout.
func referenceAugment(img []float32, h, w, ch int, a Augment, r draw, norm *Normalization) []float32 {
	at := func(buf []float32, bw, y, x, c int) float32 { return buf[(y*bw+x)*ch+c] }
	p := a.CropPadding
	ph, pw := h+2*p, w+2*p
	padded := make([]float32, ph*pw*ch)
	for y := range h {
		for x := range w {
			for c := range ch {
				padded[((y+p)*pw+x+p)*ch+c] = at(img, w, y, x, c)
			}
		}
	}
	dy, dx := r.dy, r.dx
	if p == 0 {
		dy, dx = 0, 0
	}
	out := make([]float32, h*w*ch)
	for y := range h {
		for x := range w {
			for c := range ch {
				out[(y*w+x)*ch+c] = at(padded, pw, y+dy, x+dx, c)
			}
		}
	}
	if a.Flip && r.flip {
		flipped := make([]float32, len(out))
		for y := range h {
			for x := range w {
				for c := range ch {
					flipped[(y*w+x)*ch+c] = at(out, w, y, w-1-x, c)
				}
			}
		}
		out = flipped
	}
	if norm != nil {
		for i := range out {
			c := i % ch
			out[i] = (out[i] - norm.Mean[c]) * (1 / norm.Std[c])
		}
	}
	if a.Cutout > 0 {
		for y := range h {
			for x := range w {
				if y >= r.cy-a.Cutout/2 && y < r.cy+a.Cutout/2 && x >= r.cx-a.Cutout/2 && x < r.cx+a.Cutout/2 {
					for c := range ch {
						out[(y*w+x)*ch+c] = 0
					}
				}
			}
		}
	}
	return out
}

func TestTransformMatchesReference(t *testing.T) {
	tests := []struct {
		h, w, ch int
		a        Augment
		norm     bool
	}{
		{3, 4, 1, Augment{}, false},
		{3, 4, 1, Augment{}, true},
		{3, 4, 1, Augment{Flip: true}, false},
		{3, 4, 1, Augment{CropPadding: 1}, false},
		{5, 6, 3, Augment{CropPadding: 2, Flip: true}, true},
		{5, 6, 3, Augment{Cutout: 3}, true},
		{5, 6, 3, Augment{Cutout: 2}, false},
		{8, 8, 3, DARTSAugment(4), true},
		{8, 8, 2, Augment{CropPadding: 4, Flip: true, Cutout: 16}, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%dx%d %+v norm %v", tc.h, tc.w, tc.ch, tc.a, tc.norm), func(t *testing.T) {
			n := tc.h * tc.w * tc.ch
			d := &Dataset{Name: "t", Height: tc.h, Width: tc.w, Channels: tc.ch, NumClasses: 1, Uint8: make([]uint8, n), Labels: []int32{0}}
			for i := range n {
				d.Uint8[i] = uint8(1 + 3*i)
			}
			var norm *Normalization
			var mean, inv []float32
			if tc.norm {
				norm = &Normalization{Mean: make([]float32, tc.ch), Std: make([]float32, tc.ch)}
				inv = make([]float32, tc.ch)
				for c := range tc.ch {
					norm.Mean[c], norm.Std[c] = 0.1*float32(c+1), 0.5+0.25*float32(c)
					inv[c] = 1 / norm.Std[c]
				}
				mean = norm.Mean
			}
			img := make([]float32, n)
			d.ImageFloat32(0, img)
			src := newSource(0, 0)
			for trial := range 50 {
				reseed(src, 1, streamAugmentation, uint64(trial))
				r := drawAugment(src, tc.a, tc.h, tc.w)
				got := make([]float32, n)
				transform(d, 0, tc.a, r, mean, inv, got, make([]float32, n))
				want := referenceAugment(img, tc.h, tc.w, tc.ch, tc.a, r, norm)
				if !slices.Equal(got, want) {
					t.Fatalf("draw %+v:\ngot  %v\nwant %v", r, got, want)
				}
			}
		})
	}
}

func TestTransformExample(t *testing.T) {
	// A 2×3 one-channel image, padding 1, crop offsets (0, 2) — shift down 1 and left 1 —
	// then flip, cutout of side 2 centred at (0, 0): only pixel (0, 0) is cut.
	d := &Dataset{Name: "t", Height: 2, Width: 3, Channels: 1, NumClasses: 1, Uint8: []uint8{255, 51, 102, 153, 204, 0}, Labels: []int32{0}}
	got := make([]float32, 6)
	transform(d, 0, Augment{CropPadding: 1, Flip: true, Cutout: 2}, draw{dy: 0, dx: 2, flip: true, cy: 0, cx: 0}, nil, nil, got, make([]float32, 6))
	// Cropped: row 0 is padding, row 1 = src row 0 shifted left: [51 102 0] → flipped [0 102 51].
	const s = float32(1.0 / 255)
	want := []float32{0, 0, 0, 0, 102 * s, 51 * s}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestUniformInt(t *testing.T) {
	src := newSource(3, 4)
	for _, n := range []int{1, 2, 3, 7, 9, 1000} {
		counts := make([]int, n)
		for range 2000 * n {
			k := uniformInt(src, n)
			if k < 0 || k >= n {
				t.Fatalf("uniformInt(%d) = %d", n, k)
			}
			counts[k]++
		}
		for k, c := range counts {
			if c < 1500 || c > 2500 {
				t.Errorf("uniformInt(%d): value %d drawn %d times of %d, want about 2000", n, k, c, 2000*n)
			}
		}
	}
}
