package main

// Owned by the datasets work: replaced by the real command.

import (
	"errors"
	"flag"
	"io"
)

func dataDirFlag(fs *flag.FlagSet) *string {
	return fs.String("data-dir", "", "dataset root directory")
}

func resolveDataDir(dir string) string { return dir }

func runData(args []string, stdout, stderr io.Writer) error {
	return errors.New("data: not built yet")
}
