package network_test

import (
	"fmt"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/network"
)

// The CIFAR evaluation network of the published DARTS_V2 genotype, built from the same macro
// skeleton as the search supernet, has the published parameter count.
func ExampleDerived() {
	g, _ := searchspace.Named("DARTS_V2")
	net, err := network.Derived(g, network.DerivedConfig{Config: network.Config{C: 36, Layers: 20, Classes: 10, InChannels: 3}})
	if err != nil {
		panic(err)
	}
	fmt.Println(net.Params.Count(), "parameters in", len(net.Layout.Cells), "cells")
	// Output: 3349342 parameters in 20 cells
}

// The DARTS search supernet: 8 cells of 16 channels, 14 mixed edges per cell.
func ExampleSupernet() {
	net, err := network.Supernet(searchspace.DARTSSpace(), network.Config{C: 16, Layers: 8, Classes: 10, InChannels: 3})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(net.MixNormal), "mixing-weight inputs per cell type,", net.Params.Count(), "weights")
	// Output: 14 mixing-weight inputs per cell type, 1930618 weights
}

// NAS-Bench-201's largest CIFAR-10 network, built from the NB201 string on the benchmark's
// skeleton (16 channels, 5 cells per stage).
func ExampleNB201Derived() {
	a, _ := searchspace.ParseNB201("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
	net, err := network.NB201Derived(a, network.Config{C: 16, Layers: 5, Classes: 10, InChannels: 3})
	if err != nil {
		panic(err)
	}
	fmt.Println(net.Params.Count(), "parameters")
	// Output: 1531546 parameters
}

// A supernet describes its mixing-weight inputs as groups: a search passes one table per
// group, in this order, and one mask per row when built with masks.
func ExampleMixGroup() {
	for _, build := range []func() (*network.Network, error){
		func() (*network.Network, error) {
			return network.Supernet(searchspace.DARTSSpace(), network.Config{C: 8, Layers: 5, Classes: 10, InChannels: 1,
				EdgeNorm: true, Edge: network.PartialEdges(4)})
		},
		func() (*network.Network, error) {
			return network.NB201Supernet(network.Config{C: 16, Layers: 5, Classes: 10, InChannels: 3, Masks: true})
		},
		func() (*network.Network, error) {
			return network.MobileSupernet(searchspace.FBNetSpace().Scaled(0.25, 1, 1), network.Config{Classes: 10, InChannels: 1})
		},
	} {
		net, err := build()
		if err != nil {
			panic(err)
		}
		for _, g := range net.Groups {
			fmt.Printf("%s: %d rows, row 0 %v, %d masks\n", g.Name, len(g.Slots), g.Ops[0], len(g.MaskSlots))
		}
	}
	// Output:
	// normal: 14 rows, row 0 [none max_pool_3x3 avg_pool_3x3 skip_connect sep_conv_3x3 sep_conv_5x5 dil_conv_3x3 dil_conv_5x5], 0 masks
	// reduce: 14 rows, row 0 [none max_pool_3x3 avg_pool_3x3 skip_connect sep_conv_3x3 sep_conv_5x5 dil_conv_3x3 dil_conv_5x5], 0 masks
	// edges_normal: 4 rows, row 0 [in0 in1], 0 masks
	// edges_reduce: 4 rows, row 0 [in0 in1], 0 masks
	// cell: 6 rows, row 0 [none skip_connect nor_conv_1x1 nor_conv_3x3 avg_pool_3x3], 6 masks
	// blocks: 7 rows, row 0 [ir_k3_e1 ir_k3_e1_g2 ir_k3_e3 ir_k3_e6 ir_k5_e1 ir_k5_e1_g2 ir_k5_e3 ir_k5_e6 skip], 0 masks
}
