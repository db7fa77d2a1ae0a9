package ckpt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type state struct {
	Step int
	W    map[string][]float32
}

func TestRoundTripAndErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ck")
	in := state{Step: 7, W: map[string][]float32{"a": {1, 2}}}
	if err := Save(path, &in); err != nil {
		t.Fatal(err)
	}
	var out state
	if err := Load(path, &out); err != nil {
		t.Fatal(err)
	}
	if out.Step != 7 || out.W["a"][1] != 2 {
		t.Fatalf("got %+v", out)
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want 1", len(entries))
	}
	// A truncated checkpoint is one clear error.
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Load(path, &out); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Fatalf("truncated checkpoint: %v", err)
	}
	if err := Load(filepath.Join(t.TempDir(), "missing"), &out); err == nil {
		t.Fatal("missing checkpoint: no error")
	}
	// Saving into a missing directory fails without creating anything.
	if err := Save(filepath.Join(t.TempDir(), "no", "such", "dir", "ck"), &in); err == nil {
		t.Fatal("want an error")
	}
}
