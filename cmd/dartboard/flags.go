package main

import (
	"flag"
	"fmt"
	"math"
	"strings"
)

// Bounds of the size flags: far above any network dartboard can train, low enough that
// nothing overflows or runs for minutes before saying no.
const (
	maxLayers   = 1000
	maxChannels = 65536
	maxBatch    = 65536
	maxEpochs   = 100000
	maxClasses  = 1 << 20
)

// Bounds of the learning rate flags.
const (
	maxLR     = 10
	maxArchLR = 1
)

// checks collects flag errors in order and returns the first as a usage error naming its flag.
type checks struct{ err error }

// intIn checks that flag --name's value v lies in [lo, hi].
func (c *checks) intIn(name string, v, lo, hi int) {
	if c.err == nil && (v < lo || v > hi) {
		c.err = usageError{fmt.Errorf("--%s %d: want an integer from %d to %d", name, v, lo, hi)}
	}
}

// atLeast checks that flag --name's value v is at least lo.
func (c *checks) atLeast(name string, v, lo int) {
	if c.err == nil && v < lo {
		c.err = usageError{fmt.Errorf("--%s %d: want an integer ≥ %d", name, v, lo)}
	}
}

// floatIn checks that flag --name's value v is finite and lies in the interval from lo to hi,
// open at lo when openLo and at hi when openHi.
func (c *checks) floatIn(name string, v, lo, hi float64, openLo, openHi bool) {
	if c.err != nil {
		return
	}
	okLo := v > lo || (!openLo && v == lo)
	okHi := v < hi || (!openHi && v == hi)
	if math.IsNaN(v) || math.IsInf(v, 0) || !okLo || !okHi {
		l, r := "[", "]"
		if openLo {
			l = "("
		}
		if openHi {
			r = ")"
		}
		c.err = usageError{fmt.Errorf("--%s %g: want a finite number in %s%g, %g%s", name, v, l, lo, hi, r)}
	}
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, " ") }

func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// overrideFlag defines the repeatable --override KEY=VALUE flag on fs.
func overrideFlag(fs *flag.FlagSet, keys string) *stringList {
	var l stringList
	fs.Var(&l, "override", "with --resume: change setting KEY of the checkpointed run to VALUE (repeatable; KEY: "+keys+")")
	return &l
}
