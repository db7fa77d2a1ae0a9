package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/backend"
)

// dataDirFlag registers --data-dir on fs.
func dataDirFlag(fs *flag.FlagSet) *string {
	return fs.String("data-dir", "", "dataset root directory, or the directory of the dataset's files (default: $"+datasets.EnvDataDir+", else "+datasets.DefaultDir+")")
}

// resolveDataDir returns the flag value, else $DARTBOARD_DATA_DIR, else /usr/share/datasets.
func resolveDataDir(dir string) string { return datasets.ResolveDir(dir) }

// runData prints statistics of a dataset: counts, shape, class balance and the per-channel mean
// and standard deviation of the training images, computed on the backend.
func runData(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "fetch" {
		return runDataFetch(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("data", flag.ContinueOnError)
	name := fs.String("dataset", datasets.FashionMNIST, "dataset: "+strings.Join(datasets.Names(), ", "))
	dataDir := dataDirFlag(fs)
	spec := backendFlag(fs)
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	if !slices.Contains(datasets.Names(), *name) {
		return usageError{fmt.Errorf("unknown dataset %q: want one of %s", *name, strings.Join(datasets.Names(), ", "))}
	}
	// Every command needs the backend; fail first and clearly when it cannot be opened.
	b, err := backend.New(*spec)
	if err != nil {
		return err
	}
	defer b.Finalize()

	dir := resolveDataDir(*dataDir)
	start := time.Now()
	s, err := datasets.Load(*name, dir)
	if err != nil {
		return err
	}
	loadTime := time.Since(start)
	train, test := s.Train.Stats(), s.Test.Stats()
	start = time.Now()
	mean, std, err := datasets.MeanStdOn(b, s.Train)
	if err != nil {
		return err
	}
	devTime := time.Since(start)

	fmt.Fprintln(stdout, b.Info())
	source := s.Train.Source
	if source == "" {
		source = fmt.Sprintf("generated (%+v)", datasets.DefaultSynthetic())
	}
	fmt.Fprintf(stdout, "dataset: %s from %s (loaded in %s)\n", *name, source, loadTime.Round(time.Millisecond))
	fmt.Fprintf(stdout, "train:   %d images\n", train.Examples)
	fmt.Fprintf(stdout, "test:    %d images\n", test.Examples)
	fmt.Fprintf(stdout, "shape:   %d×%d×%d (H×W×C)\n", train.Height, train.Width, train.Channels)
	fmt.Fprintf(stdout, "classes: %d\n", train.NumClasses)
	fmt.Fprintf(stdout, "class balance:\n  %5s  %-16s %15s %15s\n", "class", "name", "train", "test")
	for k := range train.NumClasses {
		cname := ""
		if k < len(s.Train.ClassNames) {
			cname = s.Train.ClassNames[k]
		}
		fmt.Fprintf(stdout, "  %5d  %-16s %7d (%5.2f%%) %6d (%5.2f%%)\n", k, cname,
			train.ClassCounts[k], percent(train.ClassCounts[k], train.Examples),
			test.ClassCounts[k], percent(test.ClassCounts[k], test.Examples))
	}
	fmt.Fprintf(stdout, "mean:    %s  (train, per channel, pixels in [0,1]; on %s in %s)\n", formatFloats(mean), b.Kind, devTime.Round(time.Millisecond))
	fmt.Fprintf(stdout, "std:     %s\n", formatFloats(std))
	// The host's exact statistics guard the backend's float32 reduction.
	for c := range mean {
		if d := max(abs(mean[c]-train.Mean[c]), abs(std[c]-train.Std[c])); d > 1e-3 {
			return fmt.Errorf("backend mean/std of channel %d (%.6f/%.6f) differ from the host's exact %.6f/%.6f by %.2g: want agreement within 1e-3",
				c, mean[c], std[c], train.Mean[c], train.Std[c], d)
		}
	}
	return nil
}

// runDataFetch downloads CIFAR-10 or CIFAR-100 (binary version) into the data directory:
// dartboard data fetch cifar10|cifar100 [--data-dir DIR] [--url URL --md5 HASH].
func runDataFetch(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("data fetch", flag.ContinueOnError)
	dataDir := dataDirFlag(fs)
	url := fs.String("url", "", "download from this address instead of the canonical one (a mirror)")
	sum := fs.String("md5", "", "expected MD5 of the archive at --url (default: the published one)")
	pos, err := parseFlags(fs, args, stderr, 1)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{fmt.Errorf("usage: dartboard data fetch %s|%s [--data-dir DIR]", datasets.CIFAR10, datasets.CIFAR100)}
	}
	a, err := datasets.CIFARArchive(pos[0])
	if err != nil {
		return usageError{err}
	}
	if *url != "" {
		a.URL = *url
	}
	if *sum != "" {
		a.MD5 = *sum
	}
	root := resolveDataDir(*dataDir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(stderr, "fetching %s from %s into %s\n", a.Dataset, a.URL, root)
	start := time.Now()
	res, err := datasets.Fetch(ctx, a, root, datasets.FetchOptions{Progress: stderr})
	if err != nil {
		return err
	}
	if !res.Downloaded {
		fmt.Fprintf(stdout, "%s is already in %s\n", a.Dataset, res.Dir)
		return nil
	}
	fmt.Fprintf(stdout, "%s: %d bytes, MD5 %s checked, unpacked into %s in %s\n", a.Dataset, res.Bytes, a.MD5, res.Dir, time.Since(start).Round(time.Millisecond))
	return nil
}

func percent(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(k) / float64(n)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func formatFloats(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.4f", x)
	}
	return strings.Join(parts, " ")
}
