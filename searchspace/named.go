package searchspace

import (
	"fmt"
	"strings"
)

// NamedGenotypes returns the names Named knows, in this order: DARTS_V1, DARTS_V2, NASNet,
// AmoebaNet, PC_DARTS, PC_DARTS_image, PDARTS.
func NamedGenotypes() []string {
	return []string{"DARTS_V1", "DARTS_V2", "NASNet", "AmoebaNet", "PC_DARTS", "PC_DARTS_image", "PDARTS"}
}

// Named returns a published genotype by name (see NamedGenotypes; the match ignores case).
// The aliases DARTS (= DARTS_V2, as in quark0/darts), PC_DARTS_cifar and PCDARTS (= PC_DARTS)
// are accepted too. The values are those of quark0/darts cnn/genotypes.py (DARTS_V1,
// DARTS_V2, NASNet, AmoebaNet), yuhuixu1993/PC-DARTS genotypes.py (PC_DARTS_cifar,
// PC_DARTS_image) and chenxin061/pdarts genotypes.py (PDARTS).
func Named(name string) (Genotype, error) {
	seq := func(a, b int) []int {
		xs := make([]int, 0, b-a)
		for i := a; i < b; i++ {
			xs = append(xs, i)
		}
		return xs
	}
	switch strings.ToUpper(strings.TrimSpace(name)) {
	case "DARTS_V1":
		return Genotype{
			Normal: []OpInput{{OpSepConv3x3, 1}, {OpSepConv3x3, 0}, {OpSkipConnect, 0}, {OpSepConv3x3, 1},
				{OpSkipConnect, 0}, {OpSepConv3x3, 1}, {OpSepConv3x3, 0}, {OpSkipConnect, 2}},
			NormalConcat: seq(2, 6),
			Reduce: []OpInput{{OpMaxPool3x3, 0}, {OpMaxPool3x3, 1}, {OpSkipConnect, 2}, {OpMaxPool3x3, 0},
				{OpMaxPool3x3, 0}, {OpSkipConnect, 2}, {OpSkipConnect, 2}, {OpAvgPool3x3, 0}},
			ReduceConcat: seq(2, 6),
		}, nil
	case "DARTS_V2", "DARTS":
		return Genotype{
			Normal: []OpInput{{OpSepConv3x3, 0}, {OpSepConv3x3, 1}, {OpSepConv3x3, 0}, {OpSepConv3x3, 1},
				{OpSepConv3x3, 1}, {OpSkipConnect, 0}, {OpSkipConnect, 0}, {OpDilConv3x3, 2}},
			NormalConcat: seq(2, 6),
			Reduce: []OpInput{{OpMaxPool3x3, 0}, {OpMaxPool3x3, 1}, {OpSkipConnect, 2}, {OpMaxPool3x3, 1},
				{OpMaxPool3x3, 0}, {OpSkipConnect, 2}, {OpSkipConnect, 2}, {OpMaxPool3x3, 1}},
			ReduceConcat: seq(2, 6),
		}, nil
	case "NASNET":
		return Genotype{
			Normal: []OpInput{{OpSepConv5x5, 1}, {OpSepConv3x3, 0}, {OpSepConv5x5, 0}, {OpSepConv3x3, 0},
				{OpAvgPool3x3, 1}, {OpSkipConnect, 0}, {OpAvgPool3x3, 0}, {OpAvgPool3x3, 0},
				{OpSepConv3x3, 1}, {OpSkipConnect, 1}},
			NormalConcat: []int{2, 3, 4, 5, 6},
			Reduce: []OpInput{{OpSepConv5x5, 1}, {OpSepConv7x7, 0}, {OpMaxPool3x3, 1}, {OpSepConv7x7, 0},
				{OpAvgPool3x3, 1}, {OpSepConv5x5, 0}, {OpSkipConnect, 3}, {OpAvgPool3x3, 2},
				{OpSepConv3x3, 2}, {OpMaxPool3x3, 1}},
			ReduceConcat: []int{4, 5, 6},
		}, nil
	case "AMOEBANET":
		return Genotype{
			Normal: []OpInput{{OpAvgPool3x3, 0}, {OpMaxPool3x3, 1}, {OpSepConv3x3, 0}, {OpSepConv5x5, 2},
				{OpSepConv3x3, 0}, {OpAvgPool3x3, 3}, {OpSepConv3x3, 1}, {OpSkipConnect, 1},
				{OpSkipConnect, 0}, {OpAvgPool3x3, 1}},
			NormalConcat: []int{4, 5, 6},
			Reduce: []OpInput{{OpAvgPool3x3, 0}, {OpSepConv3x3, 1}, {OpMaxPool3x3, 0}, {OpSepConv7x7, 2},
				{OpSepConv7x7, 0}, {OpAvgPool3x3, 1}, {OpMaxPool3x3, 0}, {OpMaxPool3x3, 1},
				{OpConv7x1x1x7, 0}, {OpSepConv3x3, 5}},
			ReduceConcat: []int{3, 4, 6},
		}, nil
	case "PC_DARTS", "PC_DARTS_CIFAR", "PCDARTS":
		return Genotype{
			Normal: []OpInput{{OpSepConv3x3, 1}, {OpSkipConnect, 0}, {OpSepConv3x3, 0}, {OpDilConv3x3, 1},
				{OpSepConv5x5, 0}, {OpSepConv3x3, 1}, {OpAvgPool3x3, 0}, {OpDilConv3x3, 1}},
			NormalConcat: seq(2, 6),
			Reduce: []OpInput{{OpSepConv5x5, 1}, {OpMaxPool3x3, 0}, {OpSepConv5x5, 1}, {OpSepConv5x5, 2},
				{OpSepConv3x3, 0}, {OpSepConv3x3, 3}, {OpSepConv3x3, 1}, {OpSepConv3x3, 2}},
			ReduceConcat: seq(2, 6),
		}, nil
	case "PC_DARTS_IMAGE":
		return Genotype{
			Normal: []OpInput{{OpSkipConnect, 1}, {OpSepConv3x3, 0}, {OpSepConv3x3, 0}, {OpSkipConnect, 1},
				{OpSepConv3x3, 1}, {OpSepConv3x3, 3}, {OpSepConv3x3, 1}, {OpDilConv5x5, 4}},
			NormalConcat: seq(2, 6),
			Reduce: []OpInput{{OpSepConv3x3, 0}, {OpSkipConnect, 1}, {OpDilConv5x5, 2}, {OpMaxPool3x3, 1},
				{OpSepConv3x3, 2}, {OpSepConv3x3, 1}, {OpSepConv5x5, 0}, {OpSepConv3x3, 3}},
			ReduceConcat: seq(2, 6),
		}, nil
	case "PDARTS":
		return Genotype{
			Normal: []OpInput{{OpSkipConnect, 0}, {OpDilConv3x3, 1}, {OpSkipConnect, 0}, {OpSepConv3x3, 1},
				{OpSepConv3x3, 1}, {OpSepConv3x3, 3}, {OpSepConv3x3, 0}, {OpDilConv5x5, 4}},
			NormalConcat: seq(2, 6),
			Reduce: []OpInput{{OpAvgPool3x3, 0}, {OpSepConv5x5, 1}, {OpSepConv3x3, 0}, {OpDilConv5x5, 2},
				{OpMaxPool3x3, 0}, {OpDilConv3x3, 1}, {OpDilConv3x3, 1}, {OpDilConv5x5, 3}},
			ReduceConcat: seq(2, 6),
		}, nil
	}
	return Genotype{}, fmt.Errorf("genotype: unknown name %q (known: %s, or a Genotype(...) string or JSON)", name, strings.Join(NamedGenotypes(), ", "))
}

// NamedSpaces returns the names NamedSpace knows, in this order: darts, s1, s2, s3, s4.
func NamedSpaces() []string {
	return []string{"darts", "s1", "s2", "s3", "s4"}
}

// NamedSpace returns a cell search space by name (see NamedSpaces; the match ignores case):
// "darts" is DARTSSpace, "s1".."s4" the RobustDARTS reduced spaces (RobustDARTSSpace); the
// long names "robust_darts_s1".."robust_darts_s4" that those spaces carry are accepted too.
func NamedSpace(name string) (CellSpace, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimPrefix(n, "robust_darts_")
	switch n {
	case "darts":
		return DARTSSpace(), nil
	case "s1", "s2", "s3", "s4":
		return RobustDARTSSpace(int(n[1] - '0'))
	}
	return CellSpace{}, fmt.Errorf("searchspace: unknown space %q (known: %s)", name, strings.Join(NamedSpaces(), ", "))
}
