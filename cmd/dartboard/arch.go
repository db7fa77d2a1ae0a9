package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/network"
)

// Search spaces an architecture argument may belong to.
const (
	spaceDARTS     = "darts"
	spaceNB201     = "nb201"
	spaceFBNet     = "fbnet"
	spaceProxyless = "proxylessnas"
)

// spaceFlags are the flags that choose an architecture's space and, for the mobile spaces,
// scale it down.
type spaceFlags struct {
	space       *string
	width       *float64
	maxRepeats  *int
	stemStride  *int
	cellsPerStg *int
}

func addSpaceFlags(fs *flag.FlagSet) spaceFlags {
	f := addShapeFlags(fs)
	f.space = fs.String("space", "", "search space of the architecture: darts, nb201, fbnet or proxylessnas (default: nb201 for a "+
		"NAS-Bench-201 string |op~0|+|...|, else darts)")
	return f
}

// addShapeFlags adds the flags that shape the NB201 and mobile networks (--width,
// --max-repeats, --stem-stride, --cells-per-stage), without --space: dartboard search and
// dartboard train take them alike, so a searched architecture trains with the same values.
func addShapeFlags(fs *flag.FlagSet) spaceFlags {
	return spaceFlags{
		width:       fs.Float64("width", 1, "fbnet/proxylessnas: width multiplier of every stage (channels rounded to multiples of 8)"),
		maxRepeats:  fs.Int("max-repeats", 0, "fbnet/proxylessnas: at most this many layers per stage (0: the space's)"),
		stemStride:  fs.Int("stem-stride", 0, "fbnet/proxylessnas: stride of the stem (0: the space's, 2; use 1 for 28×28 or 32×32 images)"),
		cellsPerStg: fs.Int("cells-per-stage", 5, "nb201: cells per stage (NAS-Bench-201: 5)"),
	}
}

// arch is a parsed architecture of one of the spaces.
type arch struct {
	space  string
	darts  searchspace.Genotype
	nb201  searchspace.NB201Arch
	mobile searchspace.MobileArch
	// ms is the (scaled) mobile space of a mobile arch.
	ms searchspace.MobileSpace
}

// String formats the architecture in its space's notation.
func (a arch) String() string {
	switch a.space {
	case spaceNB201:
		return a.nb201.String()
	case spaceFBNet, spaceProxyless:
		return a.mobile.String()
	}
	return a.darts.String()
}

// mobileSpace returns the named mobile space scaled by the flags.
func (f spaceFlags) mobileSpace(name string) (searchspace.MobileSpace, error) {
	var s searchspace.MobileSpace
	switch name {
	case spaceFBNet:
		s = searchspace.FBNetSpace()
	case spaceProxyless:
		s = searchspace.ProxylessSpace()
	default:
		return s, fmt.Errorf("unknown mobile space %q", name)
	}
	if !(*f.width > 0) || *f.maxRepeats < 0 || *f.stemStride < 0 {
		return s, usageError{fmt.Errorf("--width %g, --max-repeats %d, --stem-stride %d: want a positive width and counts ≥ 0", *f.width, *f.maxRepeats, *f.stemStride)}
	}
	if *f.width != 1 || *f.maxRepeats != 0 || *f.stemStride != 0 {
		s = s.Scaled(*f.width, *f.maxRepeats, *f.stemStride)
	}
	return s, nil
}

// parse reads text as an architecture of the flags' space.
func (f spaceFlags) parse(text string) (arch, error) {
	space := *f.space
	if space == "" {
		space = spaceDARTS
		if strings.HasPrefix(strings.TrimSpace(text), "|") {
			space = spaceNB201
		}
	}
	a := arch{space: space}
	var err error
	switch space {
	case spaceDARTS:
		a.darts, err = searchspace.Lookup(text)
	case spaceNB201:
		a.nb201, err = searchspace.ParseNB201(strings.TrimSpace(text))
	case spaceFBNet, spaceProxyless:
		if a.ms, err = f.mobileSpace(space); err != nil {
			return a, err
		}
		a.mobile, err = a.ms.ParseMobileArch(text)
	default:
		return a, usageError{fmt.Errorf("unknown --space %q: want darts, nb201, fbnet or proxylessnas", space)}
	}
	if err != nil {
		return a, usageError{err}
	}
	if space == spaceNB201 && *f.cellsPerStg < 1 {
		return a, usageError{fmt.Errorf("--cells-per-stage %d: want ≥ 1", *f.cellsPerStg)}
	}
	return a, nil
}

// build builds the derived network of an NB201 or mobile arch.
func (a arch) build(f spaceFlags, cfg network.Config) (*network.Network, error) {
	switch a.space {
	case spaceNB201:
		cfg.Layers = *f.cellsPerStg
		return network.NB201Derived(a.nb201, cfg)
	case spaceFBNet, spaceProxyless:
		return network.MobileDerived(a.ms, a.mobile, cfg)
	}
	return nil, fmt.Errorf("build: space %q is built by the DARTS trainer", a.space)
}
