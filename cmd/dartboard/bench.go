package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/backend"
	"github.com/dartboard-nas/dartboard/toolkit/engine"
	"github.com/dartboard-nas/dartboard/toolkit/nn"
	"github.com/dartboard-nas/dartboard/toolkit/recipe"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

func runBench(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageError{errors.New("usage: dartboard bench search-step [flags]")}
	}
	switch args[0] {
	case "search-step":
		return benchSearchStep(args[1:], stdout, stderr)
	}
	return usageError{fmt.Errorf("unknown benchmark %q: want search-step", args[0])}
}

// benchSearchStep measures the search step of a supernet on random (synthetic) data: the time
// to the end of the first step (compilation and host-side weight creation included), the
// median of the steady steps, the executions and copies per steady step, and the peak resident
// memory of the process. With --baseline it first runs another dartboard binary (an older
// build) with the same flags, then prints the ratios of the two.
func benchSearchStep(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench search-step", flag.ContinueOnError)
	spec := backendFlag(fs)
	mf := addMethodFlags(fs)
	batch := fs.Int("batch", 64, "batch size")
	channels := fs.Int("channels", 16, "initial channels")
	layers := fs.Int("layers", 8, "cells")
	size := fs.Int("size", 32, "image height and width (3 channels, 10 classes)")
	steps := fs.Int("steps", 3, "steady steps measured after the first")
	depthwise := fs.String("depthwise", "auto", "depthwise convolution form: auto, dense, shift")
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile of the steady steps to this file")
	profile := fs.Bool("profile", false, "print the execution time per module of the steady steps")
	baseline := fs.String("baseline", "", "path of another dartboard binary (an older build) to run first with the same flags, for the ratios of the steady and first steps")
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	modes := map[string]nn.DepthwiseMode{"auto": nn.DepthwiseAuto, "dense": nn.DepthwiseDense, "shift": nn.DepthwiseShift}
	mode, ok := modes[*depthwise]
	if !ok {
		return usageError{fmt.Errorf("--depthwise %q: want auto, dense or shift", *depthwise)}
	}
	method, err := mf.method(recipe.For{Epochs: 2, Space: searchspace.DARTSSpace()})
	if err != nil {
		return err
	}
	var c checks
	c.intIn("batch", *batch, 1, maxBatch)
	c.intIn("channels", *channels, 1, maxChannels)
	c.intIn("layers", *layers, 1, maxLayers)
	c.intIn("size", *size, 4, 4096)
	c.intIn("steps", *steps, 1, 1_000_000)
	if c.err != nil {
		return c.err
	}
	var base *benchResult
	if *baseline != "" {
		// The older build gets the flags given, less --baseline and the profiling outputs.
		var pass []string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "baseline", "cpuprofile", "profile":
				return
			}
			pass = append(pass, "--"+f.Name+"="+f.Value.String())
		})
		if base, err = runBaseline(*baseline, pass, stdout, stderr); err != nil {
			return err
		}
	}
	start := time.Now()
	b, err := backend.New(*spec)
	if err != nil {
		return err
	}
	defer b.Finalize()
	n := *batch * (*steps + 1)
	data, err := datasets.Synthetic(datasets.SyntheticConfig{Train: 2 * n, Height: *size, Width: *size, Channels: 3, Classes: 10, Seed: 1, Noise: 0.5, Shift: 2})
	if err != nil {
		return err
	}
	train, valid, err := data.Train.Split(0.5, 1)
	if err != nil {
		return err
	}
	cfg := search.DefaultConfig()
	cfg.C, cfg.Layers, cfg.Batch, cfg.Method, cfg.Epochs, cfg.EvalBatches, cfg.Depthwise = *channels, *layers, *batch, method, 2, -1, mode
	eng := engine.New(b)
	defer eng.Finalize()
	s, err := search.New(eng, cfg, train, valid, nil)
	if err != nil {
		return err
	}
	setup := time.Since(start)
	compile, err := s.Warmup()
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := s.TakeStep(); err != nil {
		return err
	}
	firstStep := time.Since(t0)
	first := time.Since(start)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	eng.SetProfiling(*profile)
	var times []time.Duration
	stats0 := eng.Stats()
	for i := 0; i < *steps; i++ {
		t := time.Now()
		if err := s.TakeStep(); err != nil {
			return err
		}
		times = append(times, time.Since(t))
	}
	per := eng.Stats().Sub(stats0)
	calls := per.Calls / *steps
	slices.Sort(times)
	median := times[len(times)/2]
	fmt.Fprintf(stdout, "backend:          %s (%s)\n", b.Kind, b.PluginPath)
	fmt.Fprintf(stdout, "config:           method %s, batch %d, channels %d, layers %d, %d×%d×3, depthwise %s, %d weights\n",
		method.Name, *batch, *channels, *layers, *size, *size, *depthwise, s.Net.Params.Count())
	fmt.Fprintf(stdout, "setup:            %s (backend, data, supernet with host-side weights)\n", setup.Round(time.Millisecond))
	fmt.Fprintf(stdout, "compile:          %s (%d executables, concurrently)\n", compile.Round(time.Millisecond), eng.Stats().Compiles)
	fmt.Fprintf(stdout, "first step:       %s (of which the step itself %s)\n", first.Round(time.Millisecond), firstStep.Round(time.Millisecond))
	fmt.Fprintf(stdout, "steady step:      %s median of %d (min %s, max %s), %d executions per step\n",
		median.Round(time.Millisecond), len(times), times[0].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond), calls)
	fmt.Fprintf(stdout, "executions per step: %d\n", calls)
	fmt.Fprintf(stdout, "host-to-device copies per step: %d (%d bytes)\n", per.Uploads / *steps, per.UploadBytes/int64(*steps))
	fmt.Fprintf(stdout, "device-to-host copies per step: %d (%d bytes)\n", per.Downloads / *steps, per.DownloadBytes/int64(*steps))
	if *profile {
		type kv struct {
			k string
			d time.Duration
		}
		var rows []kv
		for k, d := range eng.Profile() {
			rows = append(rows, kv{k, d / time.Duration(*steps)})
		}
		slices.SortFunc(rows, func(a, b kv) int { return int(b.d - a.d) })
		fmt.Fprintln(stdout, "per step, by module:")
		for _, r := range rows {
			fmt.Fprintf(stdout, "  %10s  %s\n", r.d.Round(time.Microsecond), r.k)
		}
	}
	peak, err := peakRSS()
	if err == nil {
		fmt.Fprintf(stdout, "peak memory:      %.2f GB (VmHWM)\n", float64(peak)/1e9)
	}
	if base != nil {
		fmt.Fprintln(stdout, base.compare(benchResult{steady: median, first: first, calls: calls, peakGB: float64(peak) / 1e9}))
	}
	return nil
}

// benchResult is what the search-step bench measured: the median steady step, the time to the
// end of the first step, the executions per step (-1: not printed) and the peak memory in GB
// (0: not printed).
type benchResult struct {
	steady, first time.Duration
	calls         int
	peakGB        float64
}

// compare returns the line that prints the ratios of cur to the baseline b.
func (b *benchResult) compare(cur benchResult) string {
	line := fmt.Sprintf("versus baseline:  steady step %.3f× (%s / %s), first step %.3f× (%s / %s)",
		cur.steady.Seconds()/b.steady.Seconds(), cur.steady.Round(time.Millisecond), b.steady.Round(time.Millisecond),
		cur.first.Seconds()/b.first.Seconds(), cur.first.Round(time.Millisecond), b.first.Round(time.Millisecond))
	if b.calls > 0 {
		line += fmt.Sprintf(", executions %d / %d", cur.calls, b.calls)
	}
	if b.peakGB > 0 && cur.peakGB > 0 {
		line += fmt.Sprintf(", peak memory %.2f / %.2f GB", cur.peakGB, b.peakGB)
	}
	return line
}

// runBaseline runs "bin bench search-step args...", copies its output to stdout behind a
// "baseline| " prefix and reads what it measured.
func runBaseline(bin string, args []string, stdout, stderr io.Writer) (*benchResult, error) {
	cmd := exec.Command(bin, append([]string{"bench", "search-step"}, args...)...)
	cmd.Stderr = stderr
	fmt.Fprintf(stdout, "baseline:         %s bench search-step %s\n", bin, strings.Join(args, " "))
	out, err := cmd.Output()
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if line != "" {
			fmt.Fprintf(stdout, "baseline| %s\n", line)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("baseline %s failed: %w", bin, err)
	}
	res, err := parseBench(string(out))
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", bin, err)
	}
	return res, nil
}

// parseBench reads the output of "dartboard bench search-step" (this build's or an older
// one's): the "steady step:" and "first step:" lines are required; "executions per step:" (or,
// in older builds, the tail of the steady step line) and "peak memory:" are read when present.
func parseBench(out string) (*benchResult, error) {
	res := &benchResult{calls: -1}
	for _, line := range strings.Split(out, "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields := strings.Fields(val)
		if len(fields) == 0 {
			continue
		}
		var err error
		switch strings.TrimSpace(key) {
		case "steady step":
			res.steady, err = time.ParseDuration(fields[0])
			// Older builds: "…, N executions per step".
			if i := slices.Index(fields, "executions"); i > 0 && res.calls < 0 {
				res.calls, _ = strconv.Atoi(fields[i-1])
			}
		case "first step":
			res.first, err = time.ParseDuration(fields[0])
		case "executions per step":
			res.calls, err = strconv.Atoi(fields[0])
		case "peak memory":
			res.peakGB, err = strconv.ParseFloat(fields[0], 64)
		}
		if err != nil {
			return nil, fmt.Errorf("reading %q: %w", line, err)
		}
	}
	if res.steady <= 0 {
		return nil, errors.New("its output has no steady step")
	}
	if res.first <= 0 {
		return nil, errors.New("its output has no first step")
	}
	return res, nil
}

// peakRSS returns the peak resident set size of the process in bytes (Linux).
func peakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "VmHWM:") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				kb, err := strconv.ParseInt(fields[1], 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, errors.New("VmHWM not found")
}
