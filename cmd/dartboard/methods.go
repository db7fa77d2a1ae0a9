package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/dartboard-nas/dartboard/toolkit/network"
	"github.com/dartboard-nas/dartboard/toolkit/optim"
	"github.com/dartboard-nas/dartboard/toolkit/progressive"
	"github.com/dartboard-nas/dartboard/toolkit/prune"
	"github.com/dartboard-nas/dartboard/toolkit/recipe"
	"github.com/dartboard-nas/dartboard/toolkit/relax"
	"github.com/dartboard-nas/dartboard/toolkit/search"
	"github.com/dartboard-nas/dartboard/toolkit/stop"
)

// runMethods lists the search methods, one line each.
func runMethods(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("methods", flag.ContinueOnError)
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	w := 0
	for _, e := range recipe.All() {
		w = max(w, len(e.Name))
	}
	for _, e := range recipe.All() {
		fmt.Fprintf(stdout, "%-*s  %s\n", w, e.Name, e.Summary)
	}
	return nil
}

// methodFlags are the flags that choose and tune a search method.
type methodFlags struct {
	name    *string
	order   *int
	lr      *float64
	archLR  *float64
	prune   *string
	growth  *string
	sampled *bool
	// stages and stageOps size the stages of a progressive method (pdarts).
	stages, stageOps *string
	fs               *flag.FlagSet
}

// addMethodFlags adds --method, --order (an alias: 1 is darts, 2 darts2), --lr, --arch-lr,
// --prune, --sampled-pass and --es-growth.
func addMethodFlags(fs *flag.FlagSet) *methodFlags {
	return &methodFlags{fs: fs,
		name:     fs.String("method", "darts", "search method: "+strings.Join(recipe.Names(), ", ")+" (see dartboard methods)"),
		order:    fs.Int("order", 0, "alias of --method: 1 is darts (first order), 2 darts2 (second order)"),
		lr:       fs.Float64("lr", 0, "initial weight learning rate, cosine-annealed (0: the method's; DARTS: 0.025)"),
		archLR:   fs.Float64("arch-lr", -1, "α learning rate (negative: the method's; DARTS: 3e-4)"),
		growth:   fs.String("es-growth", "", "the eigenvalue criterion of rdarts-es and rdarts-ada: FACTOR:K:WINDOW:START (act when the WINDOW-average of the Hessian eigenvalue exceeds FACTOR times the one K epochs earlier, from epoch START; default RobustDARTS's 1.3:4:5:10)"),
		prune:    fs.String("prune", "", "progressive search-space reduction: topk:EVERY:DROP (drop the DROP weakest ops of every edge every EVERY epochs) or threshold:TAU (drop an op once its weight is below TAU)"),
		sampled:  fs.Bool("sampled-pass", false, "with a hard-sampling relaxation (gdas): the weight pass runs only the sampled operation of each edge (GDAS's speedup)"),
		stages:   fs.String("stages", "", "cells of each stage of a progressive method (pdarts; default 5,11,17); --epochs is per stage, --layers does not apply"),
		stageOps: fs.String("stage-ops", "", "operations per edge searched in each stage of a progressive method, one per stage (pdarts; default 8,5,3; the first is the space's)"),
	}
}

// check validates the learning rates that were given: finite, --lr in (0, 10], --arch-lr in
// [0, 1].
func (f *methodFlags) check(c *checks) {
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["lr"] {
		c.floatIn("lr", *f.lr, 0, maxLR, true, false)
	}
	if set["arch-lr"] {
		c.floatIn("arch-lr", *f.archLR, 0, maxArchLR, false, false)
	}
}

// set returns the names of the flags given on the command line.
func (f *methodFlags) set() map[string]bool {
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	return set
}

// methodName returns the chosen method's name (--method, or its --order alias), or a usage
// error.
func (f *methodFlags) methodName() (string, error) {
	set := f.set()
	name := *f.name
	if set["order"] {
		byOrder := map[int]string{1: "darts", 2: "darts2"}[*f.order]
		switch {
		case byOrder == "":
			return "", usageError{fmt.Errorf("--order %d: want 1 or 2", *f.order)}
		case set["method"] && name != byOrder:
			return "", usageError{fmt.Errorf("--order %d names method %s, --method says %s: give one", *f.order, byOrder, name)}
		}
		name = byOrder
	}
	return name, nil
}

// method returns the chosen method for search fr with the learning-rate flags applied, or a
// usage error.
func (f *methodFlags) method(fr recipe.For) (search.Method, error) {
	name, err := f.methodName()
	if err != nil {
		return search.Method{}, err
	}
	m, err := recipe.ByName(name, fr)
	if err != nil {
		return m, usageError{fmt.Errorf("--method: %w", err)}
	}
	return f.tune(m)
}

// plan returns the stages of the chosen method when it is progressive (ok false otherwise),
// sized by --stages and --stage-ops and each stage's method tuned as method tunes one, or a
// usage error (also for --stages or --stage-ops with a one-stage method).
func (f *methodFlags) plan(fr recipe.For) (plan progressive.Plan, ok bool, err error) {
	name, err := f.methodName()
	if err != nil {
		return plan, false, err
	}
	set := f.set()
	sized := set["stages"] || set["stage-ops"]
	if sized {
		if fr.Stages, err = parseStages(*f.stages, *f.stageOps); err != nil {
			return plan, false, usageError{err}
		}
	}
	plan, ok, err = recipe.PlanByName(name, fr)
	switch {
	case !ok && sized:
		return plan, false, usageError{fmt.Errorf("--stages and --stage-ops size the stages of a progressive method (pdarts); %s runs in one stage", name)}
	case err != nil:
		return plan, ok, usageError{fmt.Errorf("--stages/--stage-ops: %w", err)}
	}
	for i := range plan.Stages {
		if plan.Stages[i].Method, err = f.tune(plan.Stages[i].Method); err != nil {
			return plan, ok, err
		}
	}
	return plan, ok, nil
}

// parseStages reads --stages and --stage-ops: comma-separated positive integers, one per
// stage each; the one not given takes P-DARTS's (5,11,17 cells; 8,5,3 operations).
func parseStages(cells, ops string) ([]recipe.StageSize, error) {
	const usage = "--stages CELLS,... and --stage-ops OPS,...: comma-separated positive integers, one per stage (P-DARTS: --stages 5,11,17 --stage-ops 8,5,3)"
	if cells == "" {
		cells = "5,11,17"
	}
	if ops == "" {
		ops = "8,5,3"
	}
	parse := func(flag, spec string) ([]int, error) {
		var out []int
		for _, p := range strings.Split(spec, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n < 1 {
				return nil, fmt.Errorf("%s %q: want %s", flag, spec, usage)
			}
			out = append(out, n)
		}
		return out, nil
	}
	c, err := parse("--stages", cells)
	if err != nil {
		return nil, err
	}
	o, err := parse("--stage-ops", ops)
	if err != nil {
		return nil, err
	}
	if len(c) != len(o) {
		return nil, fmt.Errorf("--stages %s lists %d stages, --stage-ops %s lists %d: want %s", cells, len(c), ops, len(o), usage)
	}
	sizes := make([]recipe.StageSize, len(c))
	for i := range c {
		sizes[i] = recipe.StageSize{Cells: c[i], Ops: o[i]}
	}
	return sizes, nil
}

// tune applies --prune, --es-growth, --lr and --arch-lr to m.
func (f *methodFlags) tune(m search.Method) (search.Method, error) {
	set := f.set()
	if *f.prune != "" {
		p, err := parsePruner(*f.prune)
		if err != nil {
			return m, usageError{fmt.Errorf("--prune: %w", err)}
		}
		m.Pruner = p
		// Pruned operations stop costing compute (split edges, rebuilt after each pruning
		// event), unless an option of the method needs fused edges: then masks only.
		var nc network.Config
		for _, o := range m.Supernet {
			o.Configure(&nc)
		}
		if !nc.SkipDropout && !nc.AuxSkip && nc.Edge == nil {
			m.Supernet = append(m.Supernet, network.DropPruned{})
		}
	}
	if *f.sampled {
		probe := m.Relaxation
		if probe == nil {
			probe = relax.Softmax{}
		}
		smp := probe.Sample([][]float32{{0, 0}}, [][]string{{"skip_connect", "sep_conv_3x3"}}, relax.Draw{RNG: rand.New(rand.NewPCG(1, 1))})
		if smp.Hard == nil {
			return m, usageError{fmt.Errorf("--sampled-pass: method %s's relaxation %s does not sample one operation per edge (gdas does)", m.Name, probe.Name())}
		}
		m.Supernet = append(m.Supernet, network.SampledWeights{})
	}
	if *f.growth != "" {
		g, err := parseGrowth(*f.growth)
		if err != nil {
			return m, usageError{fmt.Errorf("--es-growth: %w", err)}
		}
		st, ok := m.Stopper.(interface{ SetGrowth(stop.Growth) })
		if !ok {
			return m, usageError{fmt.Errorf("--es-growth: method %s has no eigenvalue criterion (rdarts-es and rdarts-ada have)", m.Name)}
		}
		st.SetGrowth(g)
	}
	if set["lr"] {
		m.Weights.Schedule = withStart(m.Weights.Schedule, *f.lr)
	}
	if set["arch-lr"] {
		m.Alpha.Schedule = withStart(m.Alpha.Schedule, *f.archLR)
		for k, o := range m.AlphaGroups {
			o.Schedule = withStart(o.Schedule, *f.archLR)
			m.AlphaGroups[k] = o
		}
	}
	return m, nil
}

// withStart returns s with its initial learning rate replaced by lr.
func withStart(s optim.Schedule, lr float64) optim.Schedule {
	switch v := s.(type) {
	case optim.CosineSchedule:
		v.Start = lr
		return v
	case optim.Warmup:
		v.Then = withStart(v.Then, lr)
		return v
	}
	return optim.Constant(lr)
}

// parseGrowth reads an --es-growth value: FACTOR:K:WINDOW:START.
func parseGrowth(spec string) (stop.Growth, error) {
	parts := strings.Split(spec, ":")
	if len(parts) != 4 {
		return stop.Growth{}, fmt.Errorf("%q: want FACTOR:K:WINDOW:START", spec)
	}
	factor, err := strconv.ParseFloat(parts[0], 64)
	var ints [3]int
	for i, p := range parts[1:] {
		if err == nil {
			ints[i], err = strconv.Atoi(p)
		}
	}
	g := stop.Growth{Factor: factor, K: ints[0], Window: ints[1], StartEpoch: ints[2]}
	if err != nil {
		return g, fmt.Errorf("%q: want FACTOR:K:WINDOW:START (a number, then three integers)", spec)
	}
	return g, g.Validate()
}

// parsePruner reads a --prune value: topk:EVERY:DROP or threshold:TAU.
func parsePruner(spec string) (search.Pruner, error) {
	parts := strings.Split(spec, ":")
	switch {
	case parts[0] == "topk" && len(parts) == 3:
		every, err1 := strconv.Atoi(parts[1])
		drop, err2 := strconv.Atoi(parts[2])
		p := prune.TopK{Every: every, Drop: drop}
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%q: want topk:EVERY:DROP with integers", spec)
		}
		return p, p.Check()
	case parts[0] == "threshold" && len(parts) == 2:
		tau, err := strconv.ParseFloat(parts[1], 64)
		p := prune.Threshold{Tau: tau}
		if err != nil {
			return nil, fmt.Errorf("%q: want threshold:TAU with a number", spec)
		}
		return p, p.Check()
	}
	return nil, fmt.Errorf("%q: want topk:EVERY:DROP or threshold:TAU", spec)
}
