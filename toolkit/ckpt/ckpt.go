// Package ckpt writes and reads checkpoint files: a gob-encoded value written atomically (to a
// temporary file in the same directory, synced, then renamed over the target), so a crash or a
// kill leaves either the previous checkpoint or the new one, never a torn file.
package ckpt

import (
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
)

// Save writes v to path atomically.
func Save(path string, v any) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := gob.NewEncoder(f).Encode(v); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}

// Load reads the checkpoint at path into v (a pointer).
func Load(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	defer f.Close()
	if err := gob.NewDecoder(f).Decode(v); err != nil {
		return fmt.Errorf("resume: checkpoint %s is unreadable (truncated or not a dartboard checkpoint): %w", path, err)
	}
	return nil
}
