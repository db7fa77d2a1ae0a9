// Command dartboard is the command line tool over the dartboard library: it searches
// architectures, trains derived networks, shows genotypes and datasets, and benchmarks.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand of the tool.
type command struct {
	run     func(args []string, stdout, stderr io.Writer) error
	summary string
}

func commands() map[string]command {
	return map[string]command{
		"env":      {runEnv, "print the backend, its plugin, the devices and the dataset directory"},
		"data":     {runData, "print statistics of a dataset (counts, shape, class balance, mean/std); data fetch cifar10|cifar100 downloads one"},
		"genotype": {runGenotype, "show, draw or size a genotype (show|draw|params)"},
		"search":   {runSearch, "run an architecture search"},
		"analyze":  {runAnalyze, "measure the error sources of a search at its checkpoint (analyze errors --run DIR)"},
		"methods":  {runMethods, "list the search methods (dartboard search --method NAME)"},
		"train":    {runTrain, "train a derived genotype stand-alone"},
		"random":   {runRandom, "train random genotypes (a baseline), optionally matched in parameter count"},
		"sweep":    {runSweep, "run a search per seed, train each derived genotype, compare them"},
		"bench":    {runBench, "benchmark the search step (compile time, step time, memory)"},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the tool with args and returns the process exit code: 0 on success, 1 on a
// failure, 2 on a usage error, 130 after SIGINT and 143 after SIGTERM.
func run(args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "dartboard: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	if err := c.run(args[1:], stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "dartboard %s: %v\n", args[0], err)
			return 2
		}
		var ie interruptedError
		if errors.As(err, &ie) {
			fmt.Fprintf(stderr, "dartboard %s: %v\n", args[0], err)
			return ie.exitCode()
		}
		fmt.Fprintf(stderr, "dartboard %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: dartboard <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'dartboard <command> -h' for the flags of a command.")
}

// usageError marks an error in the command line (exit code 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// parseFlags parses args with fs, allowing flags before, between and after positional
// arguments, turning a flag error into a usageError, and rejecting more than maxArgs positional
// arguments (maxArgs < 0: any number). It returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer, maxArgs int) ([]string, error) {
	fs.SetOutput(stderr)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			positional = append(positional, rest[1:]...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	if maxArgs >= 0 && len(positional) > maxArgs {
		return nil, usageError{fmt.Errorf("unexpected arguments %q", positional[maxArgs:])}
	}
	return positional, nil
}
