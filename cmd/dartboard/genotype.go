package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dartboard-nas/dartboard/searchspace"
)

const genotypeUsage = `usage: dartboard genotype <subcommand> [NAME-or-STRING] [flags]

subcommands:
  list     list the named genotypes
  show     print the genotype in quark0/darts form and as a table (--json for JSON)
  draw     draw both cells as SVG (--format dot for Graphviz) to stdout or --out FILE
  params   print the multiply-adds, then the parameter count alone on the last line,
           of the evaluation network (--channels --layers --classes --auxiliary --imagenet);
           a NAS-Bench-201 string (|nor_conv_3x3~0|+|...|) gives the benchmark's network
           (--channels 16 --cells-per-stage 5 --classes --in-channels); --space fbnet or
           proxylessnas with a block list (stages '|', layers ',') gives the mobile network
           (--width --max-repeats --stem-stride --classes --in-channels --input)

NAME-or-STRING is a name (dartboard genotype list), a quark0/darts string such as
"Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), ...)", or JSON.
`

func runGenotype(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, genotypeUsage)
		return usageError{errors.New("missing subcommand (list, show, draw, params)")}
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "--help", "help":
		fmt.Fprint(stderr, genotypeUsage)
		return flag.ErrHelp
	case "list":
		return genotypeList(rest, stdout, stderr)
	case "show":
		return genotypeShow(rest, stdout, stderr)
	case "draw":
		return genotypeDraw(rest, stdout, stderr)
	case "params":
		return genotypeParams(rest, stdout, stderr)
	}
	fmt.Fprint(stderr, genotypeUsage)
	return usageError{fmt.Errorf("unknown subcommand %q (list, show, draw, params)", sub)}
}

// genotypeArg parses the flags of a subcommand and resolves its one positional argument.
func genotypeArg(fs *flag.FlagSet, args []string, stderr io.Writer) (searchspace.Genotype, string, error) {
	pos, err := parseFlags(fs, args, stderr, 1)
	if err != nil {
		return searchspace.Genotype{}, "", err
	}
	if len(pos) == 0 {
		return searchspace.Genotype{}, "", usageError{fmt.Errorf("%s: missing NAME-or-STRING (named: %s)", fs.Name(), strings.Join(searchspace.NamedGenotypes(), ", "))}
	}
	g, err := searchspace.Lookup(pos[0])
	if err != nil {
		return g, "", usageError{err}
	}
	return g, pos[0], nil
}

func genotypeList(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	for _, n := range searchspace.NamedGenotypes() {
		g, err := searchspace.Named(n)
		if err != nil {
			return err
		}
		p, _, err := searchspace.Size(g, searchspace.DefaultNetConfig())
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		fmt.Fprintf(stdout, "%-15s %5.2fM params (CIFAR-10, 36 channels, 20 cells)\n", n, float64(p)/1e6)
	}
	return nil
}

func genotypeShow(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the genotype as JSON only")
	g, _, err := genotypeArg(fs, args, stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.Marshal(g)
		if err != nil {
			return fmt.Errorf("show: %w", err)
		}
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	fmt.Fprintln(stdout, g.String())
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, g.Table())
	return nil
}

func genotypeDraw(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("draw", flag.ContinueOnError)
	format := fs.String("format", "svg", "output format: svg or dot")
	cell := fs.String("cell", "both", "which cell: both, normal or reduce")
	out := fs.String("out", "", "write to this file instead of stdout")
	g, _, err := genotypeArg(fs, args, stderr)
	if err != nil {
		return err
	}
	var text string
	switch *format + "/" + *cell {
	case "svg/both":
		text, err = g.SVG()
	case "dot/both":
		text, err = g.DOT()
	case "svg/normal":
		text, err = searchspace.CellSVG(g.Normal, g.NormalConcat, "normal cell")
	case "svg/reduce":
		text, err = searchspace.CellSVG(g.Reduce, g.ReduceConcat, "reduction cell")
	case "dot/normal":
		text, err = searchspace.CellDOT(g.Normal, g.NormalConcat, "normal")
	case "dot/reduce":
		text, err = searchspace.CellDOT(g.Reduce, g.ReduceConcat, "reduction")
	default:
		return usageError{fmt.Errorf("draw: --format %q --cell %q: want svg or dot, and both, normal or reduce", *format, *cell)}
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = io.WriteString(stdout, text)
		return err
	}
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		return fmt.Errorf("draw: %w", err)
	}
	return nil
}

func genotypeParams(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("params", flag.ContinueOnError)
	def := searchspace.DefaultNetConfig()
	channels := fs.Int("channels", def.Channels, "initial channels C (nb201: default 16)")
	layers := fs.Int("layers", def.Layers, "number of cells")
	classes := fs.Int("classes", def.Classes, "number of classes")
	aux := fs.Bool("auxiliary", false, "include the auxiliary head")
	imagenet := fs.Bool("imagenet", false, "NetworkImageNet (224×224 input) instead of NetworkCIFAR (32×32)")
	inChannels := fs.Int("in-channels", 3, "nb201/fbnet/proxylessnas: image channels")
	input := fs.Int("input", 32, "nb201/fbnet/proxylessnas: side of the square input image (multiply-adds only)")
	sf := addSpaceFlags(fs)
	pos, err := parseFlags(fs, args, stderr, 1)
	if err != nil {
		return err
	}
	var c checks
	c.intIn("channels", *channels, 1, maxChannels)
	c.intIn("layers", *layers, 1, maxLayers)
	c.intIn("classes", *classes, 1, maxClasses)
	if c.err != nil {
		return c.err
	}
	if len(pos) == 0 {
		return usageError{fmt.Errorf("params: missing NAME-or-STRING (named: %s)", strings.Join(searchspace.NamedGenotypes(), ", "))}
	}
	a, err := sf.parse(pos[0])
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch a.space {
	case spaceNB201:
		c := *channels
		if !set["channels"] {
			c = searchspace.DefaultNB201Config().C
		}
		cfg := searchspace.NB201Config{C: c, N: *sf.cellsPerStg, Classes: *classes, InChannels: *inChannels, Input: *input}
		params, madds, err := searchspace.NB201Size(a.nb201, cfg)
		if err != nil {
			return usageError{err}
		}
		fmt.Fprintf(stdout, "network: NAS-Bench-201 %s, %d channels, %d cells per stage, %d classes, input %dx%dx%d\n",
			a.nb201, cfg.C, cfg.N, cfg.Classes, cfg.InChannels, cfg.Input, cfg.Input)
		fmt.Fprintf(stdout, "multiply-adds: %d (%.1fM)\n", madds, float64(madds)/1e6)
		fmt.Fprintf(stdout, "parameters (%.2fM):\n%d\n", float64(params)/1e6, params)
		return nil
	case spaceFBNet, spaceProxyless:
		params, madds, err := a.ms.MobileSize(a.mobile, *inChannels, *input, *classes)
		if err != nil {
			return usageError{err}
		}
		fmt.Fprintf(stdout, "network: %s %s, %d classes, input %dx%dx%d\n", a.ms.Name, a.mobile, *classes, *inChannels, *input, *input)
		fmt.Fprintf(stdout, "multiply-adds: %d (%.1fM)\n", madds, float64(madds)/1e6)
		fmt.Fprintf(stdout, "parameters (%.2fM):\n%d\n", float64(params)/1e6, params)
		return nil
	}
	g := a.darts
	cfg := searchspace.NetConfig{Channels: *channels, Layers: *layers, Classes: *classes, Auxiliary: *aux, ImageNet: *imagenet}
	params, madds, err := searchspace.Size(g, cfg)
	if err != nil {
		return err
	}
	net := "NetworkCIFAR"
	if cfg.ImageNet {
		net = "NetworkImageNet"
	}
	fmt.Fprintf(stdout, "network: %s, %d channels, %d cells, %d classes, auxiliary %v, input %dx%d\n",
		net, cfg.Channels, cfg.Layers, cfg.Classes, cfg.Auxiliary, cfg.InputSize(), cfg.InputSize())
	fmt.Fprintf(stdout, "multiply-adds: %d (%.1fM)\n", madds, float64(madds)/1e6)
	fmt.Fprintf(stdout, "parameters (%.2fM):\n%d\n", float64(params)/1e6, params)
	return nil
}
