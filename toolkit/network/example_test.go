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
