package datasets

import (
	"fmt"
	"math/rand/v2"
)

// Augment selects the random training augmentations of DARTS, applied in this order: random
// crop of the zero-padded image (torchvision RandomCrop(padding)), horizontal flip with
// probability 1/2, per-channel normalization (when the Batcher has one), then cutout: one
// square of side Cutout, centred at a uniform pixel and clipped at the borders, set to zero
// after normalization (DARTS's Cutout).
type Augment struct {
	// CropPadding is the zero padding on each side before a random crop back to the image
	// size; 0 disables cropping (DARTS on CIFAR: 4).
	CropPadding int
	// Flip enables random horizontal flips.
	Flip bool
	// Cutout is the side of the cutout square; 0 disables it (DARTS evaluation: 16).
	Cutout int
}

// DARTSAugment returns the CIFAR augmentation of DARTS: crop with padding 4, flip, and cutout
// of the given side (0 during the search, 16 in the evaluation).
func DARTSAugment(cutout int) Augment {
	return Augment{CropPadding: 4, Flip: true, Cutout: cutout}
}

// IsZero reports whether no augmentation is selected.
func (a Augment) IsZero() bool { return a == Augment{} }

// check verifies the augmentation's parameters.
func (a Augment) check() error {
	if a.CropPadding < 0 || a.Cutout < 0 {
		return fmt.Errorf("augmentation %+v: want CropPadding ≥ 0 and Cutout ≥ 0", a)
	}
	return nil
}

// draw is the random part of one example's augmentation.
type draw struct {
	dy, dx int  // crop offsets in the padded image, in [0, 2·CropPadding]
	flip   bool // mirror horizontally
	cy, cx int  // cutout centre
}

// drawAugment draws all augmentation choices in a fixed order, whatever is enabled, so that
// enabling one augmentation leaves the choices of the others unchanged.
func drawAugment(src *rand.PCG, a Augment, h, w int) draw {
	var d draw
	d.dy = uniformInt(src, 2*a.CropPadding+1)
	d.dx = uniformInt(src, 2*a.CropPadding+1)
	d.flip = src.Uint64()>>63 == 1
	d.cy = uniformInt(src, h)
	d.cx = uniformInt(src, w)
	return d
}

// transform writes example i of ds into dst (len H·W·C) with augmentation a under draw r, and
// normalization mean/invStd (nil: none). scratch holds at least H·W·C float32 values.
func transform(ds *Dataset, i int, a Augment, r draw, mean, invStd []float32, dst, scratch []float32) {
	h, w, ch := ds.Height, ds.Width, ds.Channels
	n := h * w * ch
	src := scratch[:n]
	ds.ImageFloat32(i, src)
	p := a.CropPadding
	if !a.Flip {
		r.flip = false
	}
	if p == 0 && !r.flip {
		copy(dst[:n], src)
	} else {
		oy, ox := r.dy-p, r.dx-p
		if p == 0 {
			oy, ox = 0, 0
		}
		for y := range h {
			sy := y + oy
			row := dst[y*w*ch : (y+1)*w*ch]
			if sy < 0 || sy >= h {
				clear(row)
				continue
			}
			for x := range w {
				sx := x + ox
				if r.flip {
					// Flip the cropped image: output column x shows cropped column w-1-x.
					sx = (w - 1 - x) + ox
				}
				out := row[x*ch : (x+1)*ch]
				if sx < 0 || sx >= w {
					clear(out)
					continue
				}
				copy(out, src[(sy*w+sx)*ch:(sy*w+sx+1)*ch])
			}
		}
	}
	if mean != nil {
		for j := 0; j < n; j += ch {
			for c := range ch {
				dst[j+c] = (dst[j+c] - mean[c]) * invStd[c]
			}
		}
	}
	if L := a.Cutout; L > 0 {
		y1, y2 := max(0, r.cy-L/2), min(h, r.cy+L/2)
		x1, x2 := max(0, r.cx-L/2), min(w, r.cx+L/2)
		for y := y1; y < y2; y++ {
			clear(dst[(y*w+x1)*ch : (y*w+x2)*ch])
		}
	}
}
