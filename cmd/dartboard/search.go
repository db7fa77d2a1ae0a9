package main

// Placeholder: replaced by the real command.

import (
	"errors"
	"io"
)

func runSearch(args []string, stdout, stderr io.Writer) error {
	return errors.New("search: not built yet")
}
