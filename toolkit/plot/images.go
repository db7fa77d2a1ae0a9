package plot

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// ImageGrid draws n images of h×w pixels with c channels, stored in images
// in NHWC order (len(images) == n*h*w*c), as a grid of cols columns (cols ≤ 0
// means up to 8), each image embedded as a PNG data URI, scaled up with sharp
// pixels to suit a notebook about 800 px wide, and captioned with
// captions[i] (captions may be shorter than n or nil; long captions are
// shortened, the full text shows on hover).
//
// Values may be raw (0..255) or normalized: each image is rescaled to 0..255
// by its own minimum and maximum; NaN pixels are black. One channel (or two)
// gives grey levels; three or more give RGB from the first three.
//
// ImageGrid never fails: invalid dimensions give a plot with an error
// message, and n == 0 a "no images" plot.
func ImageGrid(images []float32, n, h, w, c int, captions []string, cols int) string {
	if n == 0 {
		return emptySVG("", "no images", 400, 120)
	}
	if n < 0 || h <= 0 || w <= 0 || c <= 0 {
		return emptySVG("", fmt.Sprintf("ImageGrid: invalid dimensions n=%d h=%d w=%d c=%d", n, h, w, c), 560, 120)
	}
	if len(images) != n*h*w*c {
		return emptySVG("", fmt.Sprintf("ImageGrid: %d values, want n·h·w·c = %d", len(images), n*h*w*c), 560, 120)
	}
	if cols <= 0 {
		cols = 8
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols

	// Scale: integer magnification that fits ~780 px, up to 4× (or more for
	// images under 16 px, so that they reach 64 px); shrink (smoothly) only
	// when even 1× does not fit.
	const gap, pad = 8.0, 8.0
	avail := 780 - 2*pad - gap*float64(cols-1)
	s := avail / float64(cols*w)
	pixelated := true
	top := math.Max(4, math.Ceil(64/float64(max(w, h))))
	switch {
	case s >= top:
		s = top
	case s >= 1:
		s = math.Floor(s)
	default:
		pixelated = false
	}
	cw, ch := float64(w)*s, float64(h)*s
	capH := 0.0
	if len(captions) > 0 {
		capH = tickSize + 8
	}
	width := 2*pad + cw*float64(cols) + gap*float64(cols-1)
	height := 2*pad + (ch+capH)*float64(rows) + gap*float64(rows-1)

	d := newSVG(width, height, "image-grid")
	// Images use xlink:href, which old and new renderers all read.
	d.raw(`<g class="images">`)
	// Magnified images are enlarged in the PNG itself (nearest neighbour), so
	// pixels stay sharp even where image-rendering is ignored; PNG's filters
	// make the repeated pixels almost free.
	up := 1
	render := `style="image-rendering:pixelated" image-rendering="optimizeSpeed"`
	if pixelated {
		up = int(s)
	} else {
		render = `image-rendering="optimizeQuality"`
	}
	for i := range n {
		r, col := i/cols, i%cols
		x := pad + float64(col)*(cw+gap)
		y := pad + float64(r)*(ch+capH+gap)
		uri := pngDataURI(images[i*h*w*c:(i+1)*h*w*c], h, w, c, up)
		d.raw(`<image class="image" x="%s" y="%s" width="%s" height="%s" preserveAspectRatio="none" %s xlink:href="%s"/>`,
			num(x), num(y), num(cw), num(ch), render, uri)
		if i < len(captions) && captions[i] != "" {
			capt := ellipsize(captions[i], tickSize, cw+gap-2)
			d.raw(`<text class="caption" x="%s" y="%s" font-size="%s" text-anchor="middle">%s<title>%s</title></text>`,
				num(x+cw/2), num(y+ch+tickSize+2), num(tickSize), esc(capt), esc(captions[i]))
		}
	}
	d.raw(`</g>`)
	return d.String()
}

// pngDataURI encodes one h×w×c image (HWC order) as a PNG data URI after
// rescaling its finite values to 0..255 by their minimum and maximum, each
// pixel repeated up×up times.
func pngDataURI(px []float32, h, w, c, up int) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range px {
		f := float64(v)
		if finite(f) {
			lo, hi = math.Min(lo, f), math.Max(hi, f)
		}
	}
	level := func(v float32) uint8 {
		f := float64(v)
		if !finite(f) {
			return 0
		}
		if hi > lo {
			return uint8(math.Round((f - lo) / (hi - lo) * 255))
		}
		// A constant image: keep raw 0..255 values, stretch 0..1 ones.
		if f > 1 {
			return uint8(math.Round(clamp(f, 0, 255)))
		}
		return uint8(math.Round(clamp(f, 0, 1) * 255))
	}
	var img image.Image
	if c < 3 {
		g := image.NewGray(image.Rect(0, 0, w*up, h*up))
		for y := range h * up {
			for x := range w * up {
				g.SetGray(x, y, color.Gray{Y: level(px[((y/up)*w+x/up)*c])})
			}
		}
		img = g
	} else {
		m := image.NewNRGBA(image.Rect(0, 0, w*up, h*up))
		for y := range h * up {
			for x := range w * up {
				o := ((y/up)*w + x/up) * c
				m.SetNRGBA(x, y, color.NRGBA{R: level(px[o]), G: level(px[o+1]), B: level(px[o+2]), A: 255})
			}
		}
		img = m
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return "" // cannot happen for in-memory images of valid size
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}
