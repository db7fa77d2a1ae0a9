package searchspace

import (
	"fmt"
	"strings"
)

// Block is a candidate of a searchable layer of a block-wise mobile space: an inverted
// residual block (1×1 expansion to Expansion×C_in channels in Groups groups, Kernel×Kernel
// depthwise convolution carrying the layer's stride, 1×1 projection in Groups groups), or a
// skip when Skip is set.
type Block struct {
	Name      string
	Kernel    int
	Expansion int
	Groups    int
	Skip      bool
}

// Stage is a run of Repeats searchable layers producing Channels channels; its first layer
// has stride Stride, the others stride 1.
type Stage struct {
	Channels, Repeats, Stride int
}

// MobileLayer is one searchable layer of a MobileSpace, resolved from its stages.
type MobileLayer struct {
	// Stage is the index of the stage the layer belongs to.
	Stage int
	// In and Out are the input and output channels; Stride the layer's stride.
	In, Out, Stride int
	// Blocks are the names of the layer's candidates (the column order of its α row).
	Blocks []string
}

// MobileSpace is a block-wise MobileNetV2-like search space (FBNet, ProxylessNAS): a fixed
// stem, searchable stages of layers each choosing one Block, and a fixed head (1×1 convolution
// to HeadChannels, global pooling, classifier).
type MobileSpace struct {
	// Name identifies the space ("fbnet", "proxylessnas").
	Name string
	// Input is the side of the input image (224).
	Input int
	// StemChannels and StemStride describe the first 3×3 convolution.
	StemChannels, StemStride int
	// FirstBlock, when not empty, is a fixed block after the stem (ProxylessNAS's MBConv1
	// 3×3 to FirstChannels channels).
	FirstBlock    string
	FirstChannels int
	// Stages are the searchable stages.
	Stages []Stage
	// HeadChannels is the width of the final 1×1 convolution.
	HeadChannels int
	// Blocks are the candidates.
	Blocks []Block
	// SkipOnReshape offers the skip candidate also on layers that change the channels or the
	// resolution (FBNet, where such a skip is a 1×1 projection); ProxylessNAS offers it only
	// on layers whose input and output shapes agree.
	SkipOnReshape bool
	// ExpandAlways keeps the 1×1 expansion convolution of expansion-1 blocks (FBNet's IRF
	// blocks have it; MobileNetV2's and ProxylessNAS's expansion-1 blocks start with the
	// depthwise convolution).
	ExpandAlways bool
}

// FBNetSpace returns the search space of FBNet (Wu et al. 2019, Table 1 and Table 2): a 3×3
// stride-2 stem to 16 channels; 22 searchable layers in stages (channels, repeats, stride)
// (16,1,1), (24,4,2), (32,4,2), (64,4,2), (112,4,1), (184,4,2), (352,1,1); a 1×1
// convolution to 1504 channels; candidates ir_k3_e1, ir_k3_e1_g2, ir_k3_e3, ir_k3_e6,
// ir_k5_e1, ir_k5_e1_g2, ir_k5_e3, ir_k5_e6 and skip on every layer.
func FBNetSpace() MobileSpace {
	return MobileSpace{
		Name: "fbnet", Input: 224, StemChannels: 16, StemStride: 2,
		Stages:       []Stage{{16, 1, 1}, {24, 4, 2}, {32, 4, 2}, {64, 4, 2}, {112, 4, 1}, {184, 4, 2}, {352, 1, 1}},
		HeadChannels: 1504,
		Blocks: []Block{
			{Name: "ir_k3_e1", Kernel: 3, Expansion: 1, Groups: 1},
			{Name: "ir_k3_e1_g2", Kernel: 3, Expansion: 1, Groups: 2},
			{Name: "ir_k3_e3", Kernel: 3, Expansion: 3, Groups: 1},
			{Name: "ir_k3_e6", Kernel: 3, Expansion: 6, Groups: 1},
			{Name: "ir_k5_e1", Kernel: 5, Expansion: 1, Groups: 1},
			{Name: "ir_k5_e1_g2", Kernel: 5, Expansion: 1, Groups: 2},
			{Name: "ir_k5_e3", Kernel: 5, Expansion: 3, Groups: 1},
			{Name: "ir_k5_e6", Kernel: 5, Expansion: 6, Groups: 1},
			{Name: "skip", Skip: true},
		},
		SkipOnReshape: true,
		ExpandAlways:  true,
	}
}

// ProxylessSpace returns the mobile search space of ProxylessNAS (Cai et al. 2019): a 3×3
// stride-2 stem to 32 channels and a fixed MBConv1 3×3 block to 16; 21 searchable layers in
// stages (24,4,2), (40,4,2), (80,4,2), (96,4,1), (192,4,2), (320,1,1); a 1×1 convolution to
// 1280; candidates MBConv with kernel 3, 5, 7 and expansion 3, 6, plus skip (zero) on layers
// whose shape does not change.
func ProxylessSpace() MobileSpace {
	var blocks []Block
	for _, k := range []int{3, 5, 7} {
		for _, e := range []int{3, 6} {
			blocks = append(blocks, Block{Name: fmt.Sprintf("ir_k%d_e%d", k, e), Kernel: k, Expansion: e, Groups: 1})
		}
	}
	blocks = append(blocks, Block{Name: "skip", Skip: true})
	return MobileSpace{
		Name: "proxylessnas", Input: 224, StemChannels: 32, StemStride: 2,
		FirstBlock: "ir_k3_e1", FirstChannels: 16,
		Stages:       []Stage{{24, 4, 2}, {40, 4, 2}, {80, 4, 2}, {96, 4, 1}, {192, 4, 2}, {320, 1, 1}},
		HeadChannels: 1280,
		Blocks:       blocks,
	}
}

// Layers resolves the searchable layers of s in order, with the candidates of each.
func (s MobileSpace) Layers() []MobileLayer {
	in := s.StemChannels
	if s.FirstBlock != "" {
		in = s.FirstChannels
	}
	var out []MobileLayer
	for si, st := range s.Stages {
		for r := 0; r < st.Repeats; r++ {
			stride := 1
			if r == 0 {
				stride = st.Stride
			}
			l := MobileLayer{Stage: si, In: in, Out: st.Channels, Stride: stride}
			reshape := in != st.Channels || stride != 1
			for _, b := range s.Blocks {
				if b.Skip && reshape && !s.SkipOnReshape {
					continue
				}
				l.Blocks = append(l.Blocks, b.Name)
			}
			out = append(out, l)
			in = st.Channels
		}
	}
	return out
}

// MobileArch is a chosen architecture of a MobileSpace: one block name per searchable layer.
type MobileArch struct {
	Blocks []string
	// Stages holds the number of layers of each stage, for formatting.
	Stages []int
}

// String formats the arch with layers separated by ',' and stages by '|', e.g.
// "skip|ir_k3_e3,ir_k3_e1,skip,skip|...".
func (a MobileArch) String() string {
	var parts []string
	i := 0
	for _, n := range a.Stages {
		if i+n > len(a.Blocks) {
			break
		}
		parts = append(parts, strings.Join(a.Blocks[i:i+n], ","))
		i += n
	}
	if i < len(a.Blocks) {
		parts = append(parts, strings.Join(a.Blocks[i:], ","))
	}
	return strings.Join(parts, "|")
}

func (s MobileSpace) stageSizes() []int {
	n := make([]int, len(s.Stages))
	for i, st := range s.Stages {
		n[i] = st.Repeats
	}
	return n
}

// ParseMobileArch reads an arch in the format of MobileArch.String for space s, checking the
// number of stages and layers and that every block is a candidate of its layer.
func (s MobileSpace) ParseMobileArch(text string) (MobileArch, error) {
	stages := strings.Split(strings.TrimSpace(text), "|")
	if len(stages) != len(s.Stages) {
		return MobileArch{}, fmt.Errorf("%s arch: %d stages separated by '|', want %d", s.Name, len(stages), len(s.Stages))
	}
	layers := s.Layers()
	a := MobileArch{Stages: s.stageSizes()}
	li := 0
	for si, st := range stages {
		names := strings.Split(st, ",")
		if len(names) != s.Stages[si].Repeats {
			return MobileArch{}, fmt.Errorf("%s arch: stage %d has %d layers, want %d", s.Name, si, len(names), s.Stages[si].Repeats)
		}
		for _, n := range names {
			n = strings.TrimSpace(n)
			if !contains(layers[li].Blocks, n) {
				return MobileArch{}, fmt.Errorf("%s arch: layer %d (stage %d): %q is not a candidate (candidates: %s)",
					s.Name, li, si, n, strings.Join(layers[li].Blocks, ", "))
			}
			a.Blocks = append(a.Blocks, n)
			li++
		}
	}
	return a, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// DeriveMobile returns the argmax block of each searchable layer (ties to the lower column).
// weights has one row per layer of s.Layers() and one column per candidate of that layer.
func DeriveMobile(s MobileSpace, weights [][]float64) (MobileArch, error) {
	layers := s.Layers()
	if len(weights) != len(layers) {
		return MobileArch{}, fmt.Errorf("derive %s: %d rows, want %d layers", s.Name, len(weights), len(layers))
	}
	a := MobileArch{Stages: s.stageSizes()}
	for i, row := range weights {
		if len(row) != len(layers[i].Blocks) {
			return MobileArch{}, fmt.Errorf("derive %s: row %d has %d columns, want %d candidates", s.Name, i, len(row), len(layers[i].Blocks))
		}
		k, err := argmax(row)
		if err != nil {
			return MobileArch{}, fmt.Errorf("derive %s: layer %d: %w", s.Name, i, err)
		}
		a.Blocks = append(a.Blocks, layers[i].Blocks[k])
	}
	return a, nil
}
