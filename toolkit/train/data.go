package train

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
)

// Pad returns a copy of ds with every image zero-padded, centred, to size×size (the extra
// row or column of an odd difference goes to the bottom and right). Images larger than size in
// either dimension are an error; images of exactly that size are copied unchanged.
func Pad(ds *datasets.Dataset, size int) (*datasets.Dataset, error) {
	if err := ds.Validate(); err != nil {
		return nil, fmt.Errorf("pad: %w", err)
	}
	if ds.Height > size || ds.Width > size {
		return nil, fmt.Errorf("pad %s: images are %d×%d, larger than %d×%d", ds.Name, ds.Height, ds.Width, size, size)
	}
	out := *ds
	out.Height, out.Width = size, size
	out.Labels = append([]int32(nil), ds.Labels...)
	out.Uint8, out.Float32 = nil, nil
	top, left := (size-ds.Height)/2, (size-ds.Width)/2
	ch := ds.Channels
	inN, outN := ds.ImageSize(), size*size*ch
	rowIn := ds.Width * ch
	copyImages := func(n int, cp func(dst, src int, k int)) {
		for i := 0; i < n; i++ {
			for y := 0; y < ds.Height; y++ {
				cp(i*outN+((top+y)*size+left)*ch, i*inN+y*rowIn, rowIn)
			}
		}
	}
	if ds.Float32 != nil {
		out.Float32 = make([]float32, ds.Len()*outN)
		copyImages(ds.Len(), func(d, s, k int) { copy(out.Float32[d:d+k], ds.Float32[s:s+k]) })
	} else {
		out.Uint8 = make([]uint8, ds.Len()*outN)
		copyImages(ds.Len(), func(d, s, k int) { copy(out.Uint8[d:d+k], ds.Uint8[s:s+k]) })
	}
	return &out, nil
}

// auxSize returns the spatial size of the features that reach the auxiliary head (after cell
// 2·layers/3) from inputs of side h: each reduction cell up to and including it halves the
// side, rounding up, and the number of those reductions.
func auxSize(h, layers int, reductions []int) (side, reds int) {
	if reductions == nil {
		reductions = searchspace.DefaultReductions(layers)
	}
	aux := 2 * layers / 3
	side = h
	for _, r := range reductions {
		if r <= aux {
			side = (side + 1) / 2
			reds++
		}
	}
	return side, reds
}

// checkAux verifies that images of h×w reach the auxiliary head as 8×8 to 10×10 features (its
// 5×5 average pool with stride 3 must give 2×2, which its 2×2 convolution turns into the 768
// features of its classifier).
func checkAux(h, w int, cfg Config) error {
	sh, reds := auxSize(h, cfg.Layers, cfg.Reductions)
	sw, _ := auxSize(w, cfg.Layers, cfg.Reductions)
	ok := func(s int) bool { return s >= 8 && s <= 10 }
	if ok(sh) && ok(sw) {
		return nil
	}
	want := 8 << reds
	hint := fmt.Sprintf("pad the images to %d×%d (Config.PadTo, dartboard train --pad-to %d) or train without it", want, want, want)
	if h > want || w > want {
		hint = fmt.Sprintf("inputs of %d×%d give that; train without it", want, want)
	}
	return fmt.Errorf("train: the auxiliary head needs 8×8 features after cell %d (after %d reductions), but %d×%d images give %d×%d: %s",
		2*cfg.Layers/3, reds, h, w, sh, sw, hint)
}
