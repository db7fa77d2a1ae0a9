package main

// Placeholder: replaced by the real command.

import (
	"errors"
	"io"
)

func runTrain(args []string, stdout, stderr io.Writer) error {
	return errors.New("train: not built yet")
}
