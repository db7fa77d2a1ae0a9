package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"

	"github.com/dartboard-nas/dartboard/toolkit/backend"
)

// backendFlag registers --backend on fs.
func backendFlag(fs *flag.FlagSet) *string {
	return fs.String("backend", "", "backend: cpu, cuda, or a PJRT plugin path (default: $"+backend.EnvBackend+", else CUDA if present, else CPU)")
}

func runEnv(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	spec := backendFlag(fs)
	dataDir := dataDirFlag(fs)
	if _, err := parseFlags(fs, args, stderr, 0); err != nil {
		return err
	}
	b, err := backend.New(*spec)
	if err != nil {
		return err
	}
	defer b.Finalize()
	fmt.Fprintln(stdout, b.Info())
	fmt.Fprintf(stdout, "gomlx:   %s\n", backend.GoMLXVersion())
	fmt.Fprintf(stdout, "go:      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "data:    %s\n", resolveDataDir(*dataDir))
	return nil
}
