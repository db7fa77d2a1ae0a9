package plot

import (
	"fmt"
	"hash/fnv"
	"math"
)

// OpColor returns the color (a "#rrggbb" string) used for the candidate
// operation named op in every plot of this package. The DARTS operations
// (none, max_pool_3x3, avg_pool_3x3, skip_connect, sep_conv_3x3, sep_conv_5x5,
// dil_conv_3x3, dil_conv_5x5), the NAS-Bench-201 convolutions (nor_conv_1x1,
// nor_conv_3x3) and the extra operations of published genotypes (sep_conv_7x7,
// conv_7x1_1x7) have fixed, mutually distinct colors; "none" is grey and
// skip_connect a strong orange, since the collapse to skip connections is what
// one looks for. Any other name gets a stable color derived from a hash of the
// name.
func OpColor(op string) string {
	switch op {
	case "none":
		return "#a0a0a0"
	case "max_pool_3x3":
		return "#e15759"
	case "avg_pool_3x3":
		return "#ff9da7"
	case "skip_connect":
		return "#f28e2b"
	case "sep_conv_3x3":
		return "#4e79a7"
	case "sep_conv_5x5":
		return "#76b7b2"
	case "dil_conv_3x3":
		return "#59a14f"
	case "dil_conv_5x5":
		return "#b07aa1"
	case "nor_conv_1x1":
		return "#9c755f"
	case "nor_conv_3x3":
		return "#c49a00"
	case "sep_conv_7x7":
		return "#2f4b7c"
	case "conv_7x1_1x7":
		return "#8c8c2a"
	}
	h := fnv.New32a()
	h.Write([]byte(op))
	sum := h.Sum32()
	hue := float64(sum%360) / 360
	sat := 0.45 + float64((sum>>9)%20)/100
	light := 0.40 + float64((sum>>17)%12)/100
	return hslHex(hue, sat, light)
}

// knownOp reports whether op has a fixed color in OpColor.
func knownOp(op string) bool {
	switch op {
	case "none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
		"sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5", "nor_conv_1x1",
		"nor_conv_3x3", "sep_conv_7x7", "conv_7x1_1x7":
		return true
	}
	return false
}

// Palette returns the i-th color (a "#rrggbb" string) of the categorical
// palette used for series that are not operations, such as train and
// validation curves. It cycles after 10 colors; negative i counts from the
// end.
func Palette(i int) string {
	p := [...]string{
		"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
		"#76b7b2", "#9c755f", "#edc948", "#ff9da7", "#bab0ac",
	}
	n := len(p)
	return p[((i%n)+n)%n]
}

// hslHex converts a color in HSL (all components in [0, 1]) to "#rrggbb".
func hslHex(h, s, l float64) string {
	q := l * (1 + s)
	if l >= 0.5 {
		q = l + s - l*s
	}
	p := 2*l - q
	conv := func(t float64) uint8 {
		t -= math.Floor(t)
		var v float64
		switch {
		case t < 1.0/6:
			v = p + (q-p)*6*t
		case t < 0.5:
			v = q
		case t < 2.0/3:
			v = p + (q-p)*(2.0/3-t)*6
		default:
			v = p
		}
		return uint8(math.Round(clamp(v, 0, 1) * 255))
	}
	return fmt.Sprintf("#%02x%02x%02x", conv(h+1.0/3), conv(h), conv(h-1.0/3))
}

// blues returns the color of t in [0, 1] on a sequential white to deep blue
// scale (the ColorBrewer "Blues" ramp), and whether text drawn on it should
// be white for contrast.
func blues(t float64) (string, bool) {
	stops := [...][3]float64{
		{247, 251, 255}, {222, 235, 247}, {198, 219, 239}, {158, 202, 225},
		{107, 174, 214}, {66, 146, 198}, {33, 113, 181}, {8, 81, 156}, {8, 48, 107},
	}
	if math.IsNaN(t) {
		t = 0
	}
	t = clamp(t, 0, 1)
	f := t * float64(len(stops)-1)
	i := int(math.Floor(f))
	if i >= len(stops)-1 {
		i = len(stops) - 2
	}
	u := f - float64(i)
	var c [3]uint8
	for k := range 3 {
		c[k] = uint8(math.Round(stops[i][k]*(1-u) + stops[i+1][k]*u))
	}
	lum := (0.2126*float64(c[0]) + 0.7152*float64(c[1]) + 0.0722*float64(c[2])) / 255
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2]), lum < 0.5
}

// clamp limits v to [lo, hi].
func clamp(v, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, v))
}
