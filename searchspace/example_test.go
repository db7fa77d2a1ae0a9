package searchspace_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/dartboard-nas/dartboard/searchspace"
)

func ExampleParseGenotype() {
	g, err := searchspace.ParseGenotype(`Genotype(normal=[('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 0), ('dil_conv_3x3', 1), ('sep_conv_5x5', 0), ('sep_conv_3x3', 1), ('avg_pool_3x3', 0), ('dil_conv_3x3', 1)], normal_concat=range(2, 6), reduce=[('sep_conv_5x5', 1), ('max_pool_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_5x5', 2), ('sep_conv_3x3', 0), ('sep_conv_3x3', 3), ('sep_conv_3x3', 1), ('sep_conv_3x3', 2)], reduce_concat=range(2, 6))`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Normal[0], g.NormalConcat)
	pc, _ := searchspace.Named("PC_DARTS")
	fmt.Println(g.Equal(pc))
	// Output:
	// {sep_conv_3x3 1} [2 3 4 5]
	// true
}

func ExampleParseGenotype_error() {
	_, err := searchspace.ParseGenotype(`Genotype(normal=[('sep_conv_3x3', 0) ('skip_connect', 1)])`)
	fmt.Println(err)
	// Output:
	// genotype: byte 37: expected ',' or ']' closing the list, found "('skip_conne…"
}

func ExampleNamed() {
	g, err := searchspace.Named("DARTS_V2")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g)
	fmt.Println(strings.Join(searchspace.NamedGenotypes(), " "))
	// Output:
	// Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])
	// DARTS_V1 DARTS_V2 NASNet AmoebaNet PC_DARTS PC_DARTS_image PDARTS
}

func ExampleLookup() {
	for _, s := range []string{"pdarts", `{"normal":[["skip_connect",0],["sep_conv_3x3",1]],"normal_concat":[2],"reduce":[["max_pool_3x3",0],["max_pool_3x3",1]],"reduce_concat":[2]}`} {
		g, err := searchspace.Lookup(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(g.Normal[:2])
	}
	// Output:
	// [{skip_connect 0} {dil_conv_3x3 1}]
	// [{skip_connect 0} {sep_conv_3x3 1}]
}

func ExampleSize() {
	g, _ := searchspace.Named("DARTS_V2")
	params, madds, err := searchspace.Size(g, searchspace.NetConfig{Channels: 36, Layers: 20, Classes: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(params, madds)
	// Output:
	// 3349342 528359040
}

func ExampleMacroLayout() {
	// The search network of DARTS: 16 channels, 8 cells, stem multiplier 3, 4 nodes per cell.
	cells, err := searchspace.MacroLayout(16, 8, 3, 4, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cells[:4] {
		fmt.Printf("cell %d reduction=%v reduction_prev=%v C=%d in=(%d, %d) out=%d\n",
			c.Index, c.Reduction, c.ReductionPrev, c.C, c.CPrevPrev, c.CPrev, c.Out)
	}
	// Output:
	// cell 0 reduction=false reduction_prev=false C=16 in=(48, 48) out=64
	// cell 1 reduction=false reduction_prev=false C=16 in=(48, 64) out=64
	// cell 2 reduction=true reduction_prev=false C=32 in=(64, 64) out=128
	// cell 3 reduction=false reduction_prev=true C=32 in=(64, 128) out=128
}

func ExampleDeriveDARTS() {
	space := searchspace.DARTSSpace()
	// Mixing weights: uniform, except that node 0 prefers sep_conv_3x3 from c_{k-1} and
	// node 1 has its largest weight on none (ignored by the DARTS rule).
	w := make([][]float64, space.NumEdges())
	for e := range w {
		w[e] = []float64{0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125}
	}
	w[space.EdgeIndex(0, 1)][4] = 0.3 // sep_conv_3x3
	w[space.EdgeIndex(1, 2)][0] = 0.9 // none
	w[space.EdgeIndex(1, 2)][7] = 0.2 // dil_conv_5x5
	g, err := searchspace.DeriveDARTS(space, w, w, searchspace.DeriveOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Normal[:4])
	g, _ = searchspace.DeriveDARTS(space, w, w, searchspace.DeriveOptions{AllowNone: true})
	fmt.Println(g.Normal[:4])
	// Output:
	// [{sep_conv_3x3 1} {max_pool_3x3 0} {dil_conv_5x5 2} {max_pool_3x3 0}]
	// [{sep_conv_3x3 1} {none 0} {none 2} {none 0}]
}

func ExampleParseNB201() {
	a, err := searchspace.ParseNB201("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Ops[2], a.Ops[4])
	fmt.Println(a)
	// Output:
	// nor_conv_3x3 none
	// |nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|
}

func ExampleDeriveMobile() {
	space := searchspace.FBNetSpace()
	layers := space.Layers()
	w := make([][]float64, len(layers))
	for i, l := range layers {
		w[i] = make([]float64, len(l.Blocks))
		w[i][i%len(l.Blocks)] = 1
	}
	a, err := searchspace.DeriveMobile(space, w)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(layers), a)
	// Output:
	// 22 ir_k3_e1|ir_k3_e1_g2,ir_k3_e3,ir_k3_e6,ir_k5_e1|ir_k5_e1_g2,ir_k5_e3,ir_k5_e6,skip|ir_k3_e1,ir_k3_e1_g2,ir_k3_e3,ir_k3_e6|ir_k5_e1,ir_k5_e1_g2,ir_k5_e3,ir_k5_e6|skip,ir_k3_e1,ir_k3_e1_g2,ir_k3_e3|ir_k3_e6
}

func ExampleGenotype_SVG() {
	g, _ := searchspace.Named("DARTS_V2")
	svg, err := g.SVG()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(svg, "<svg"), strings.Count(svg, `class="edge op"`), strings.Count(svg, `class="node intermediate"`))
	// Output:
	// true 16 8
}

// The largest network of NAS-Bench-201 (every edge a 3×3 convolution), on CIFAR-10.
func ExampleNB201Size() {
	a, _ := searchspace.ParseNB201("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
	params, _, err := searchspace.NB201Size(a, searchspace.DefaultNB201Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(params)
	// Output: 1531546
}

// The cost of each candidate of a searchable layer is what a latency or FLOPs regularizer
// weighs; here the first layer of a quarter-width FBNet space on 28×28 grey images.
func ExampleMobileSpace_Costs() {
	s := searchspace.FBNetSpace().Scaled(0.25, 1, 1)
	c, err := s.Costs(1, 28, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	l := s.Layers()[0]
	for k, name := range l.Blocks[:4] {
		fmt.Println(name, c.Layers[0][k].Params, c.Layers[0][k].MAdds)
	}
	// Output:
	// ir_k3_e1 248 156800
	// ir_k3_e1_g2 184 106624
	// ir_k3_e3 712 470400
	// ir_k3_e6 1408 940800
}

// PC-DARTS derives from the operation weights times the edge weights β.
func ExampleEdgeNormalized() {
	space := searchspace.CellSpace{Name: "tiny", Inputs: 2, Steps: 1, Ops: []string{"none", "skip_connect", "sep_conv_3x3"}}
	w := [][]float64{{0.1, 0.3, 0.6}, {0.1, 0.5, 0.4}}
	beta := [][]float64{{0.25, 0.75}}
	n, _ := searchspace.EdgeNormalized(space, w, beta)
	fmt.Println(n)
	// Output: [[0.025 0.075 0.15] [0.07500000000000001 0.375 0.30000000000000004]]
}

// Random baselines: genotypes drawn with the DARTS rule (two distinct inputs per node, an
// operation other than none per edge), matched in parameter count to DARTS_V2 within ±10 %.
func ExampleSampleGenotypes() {
	ref, err := searchspace.Named("DARTS_V2")
	if err != nil {
		panic(err)
	}
	net := searchspace.NetConfig{Channels: 16, Layers: 8, Classes: 10}
	want, _, _ := searchspace.Size(ref, net)
	gs, err := searchspace.SampleGenotypes(searchspace.DARTSSpace(), 3, 1, searchspace.SampleOptions{Like: &ref, Net: net})
	if err != nil {
		panic(err)
	}
	for _, g := range gs {
		p, _, _ := searchspace.Size(g, net)
		fmt.Println(len(g.Normal), len(g.Reduce), math.Abs(float64(p-want)) <= 0.1*float64(want))
	}
	// Output:
	// 8 8 true
	// 8 8 true
	// 8 8 true
}
