package main

// Placeholder: replaced by the real command.

import (
	"errors"
	"io"
)

func runGenotype(args []string, stdout, stderr io.Writer) error {
	return errors.New("genotype: not built yet")
}
