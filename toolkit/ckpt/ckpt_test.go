package ckpt

import (
	"bytes"
	"encoding/gob"
	"errors"
	"io/fs"
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
	// A struct with fewer fields reads part of the checkpoint.
	var head struct{ Step int }
	if err := Load(path, &head); err != nil || head.Step != 7 {
		t.Fatalf("partial read: %+v, %v", head, err)
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want 1", len(entries))
	}
	// A truncated checkpoint is one clear error, wherever it was cut.
	data, _ := os.ReadFile(path)
	for _, n := range []int{0, 5, bytes.IndexByte(data, '\n'), bytes.IndexByte(data, '\n') + 1, len(data) / 2, len(data) - 1} {
		if err := os.WriteFile(path, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		err := Load(path, &out)
		if err == nil || strings.Contains(err.Error(), "\n") {
			t.Fatalf("cut at %d: %v", n, err)
		}
		if n > len(magic) && !errors.Is(err, ErrTruncated) {
			t.Errorf("cut at %d of %d: %v, want a truncation error", n, len(data), err)
		}
	}
	err := Load(filepath.Join(t.TempDir(), "missing"), &out)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no checkpoint") {
		t.Fatalf("missing checkpoint: %v", err)
	}
	// Saving into a missing directory fails without creating anything.
	if err := Save(filepath.Join(t.TempDir(), "no", "such", "dir", "ck"), &in); err == nil {
		t.Fatal("want an error")
	}
}

// Changing any one byte of a checkpoint (header or content) is refused with one line; a
// change in the content says "checksum mismatch".
func TestFlippedByte(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ck")
	in := state{Step: 3, W: map[string][]float32{"w": {0.5, -0.25, 1, 2, 3, 4, 5, 6}}}
	if err := Save(path, &in); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	nl := bytes.IndexByte(data, '\n')
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x80
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		var out state
		err := Load(path, &out)
		if err == nil {
			t.Fatalf("byte %d flipped: loaded %+v", i, out)
		}
		if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), path) {
			t.Errorf("byte %d: %q: want one line naming the file", i, err)
		}
		if i > nl && (!errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "is corrupt (checksum mismatch")) {
			t.Errorf("byte %d of the content: %v", i, err)
		}
	}
}

// A checkpoint written before checksums (a bare gob stream) or another file is refused.
func TestNotACheckpoint(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&state{Step: 1}); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"old": buf.Bytes(), "text": []byte("hello\n"), "empty": nil} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var out state
		if err := Load(path, &out); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Intact, but of another type.
	path := filepath.Join(dir, "other")
	if err := Save(path, &struct{ Name string }{"x"}); err != nil {
		t.Fatal(err)
	}
	var out struct{ Name []int }
	if err := Load(path, &out); err == nil || !strings.Contains(err.Error(), "intact") {
		t.Errorf("other type: %v", err)
	}
}

func TestDiffSettings(t *testing.T) {
	saved := Settings{"lr": "0.025", "arch_lr": "0.0003", "dataset": "fashion-mnist", "seed": "3"}
	if err := DiffSettings(saved, Settings{"lr": "0.025", "arch_lr": "0.0003", "dataset": "fashion-mnist", "seed": "3"}, nil); err != nil {
		t.Fatal(err)
	}
	now := Settings{"lr": "0.5", "arch_lr": "0.01", "dataset": "fashion-mnist", "split": "0.5"}
	err := DiffSettings(saved, now, nil)
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("got %v", err)
	}
	if got := strings.Join(me.Keys(), ","); got != "arch_lr,lr,seed,split" {
		t.Errorf("keys %s", got)
	}
	msg := err.Error()
	for _, want := range []string{"lr: checkpoint 0.025, this run 0.5", "arch_lr: checkpoint 0.0003, this run 0.01",
		"seed: checkpoint 3, this run (not set)", "split: checkpoint (not set), this run 0.5"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	// Overridden keys may differ.
	err = DiffSettings(saved, now, map[string]bool{"lr": true, "arch_lr": true})
	if !errors.As(err, &me) || strings.Join(me.Keys(), ",") != "seed,split" {
		t.Errorf("with overrides: %v", err)
	}
	if err := DiffSettings(saved, Settings{"lr": "1", "arch_lr": "0.0003", "dataset": "fashion-mnist", "seed": "3"}, map[string]bool{"lr": true}); err != nil {
		t.Errorf("all differences overridden: %v", err)
	}
}

func TestParseOverrides(t *testing.T) {
	got, err := ParseOverrides([]string{"lr=0.5", "note=a=b", "empty="})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["lr"] != "0.5" || got["note"] != "a=b" || got["empty"] != "" {
		t.Errorf("got %v", got)
	}
	if k := OverrideKeys(got); !k["lr"] || !k["note"] || !k["empty"] || len(k) != 3 {
		t.Errorf("keys %v", k)
	}
	for _, bad := range [][]string{{"lr"}, {"=1"}, {" lr=1"}, {"lr=1", "lr=2"}} {
		if _, err := ParseOverrides(bad); err == nil || !strings.Contains(err.Error(), "--override") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := CheckOverrides(got, []string{"lr", "note", "empty"}); err != nil {
		t.Error(err)
	}
	if err := CheckOverrides(got, []string{"lr"}); err == nil || !strings.Contains(err.Error(), "empty, note") || !strings.Contains(err.Error(), "may: lr") {
		t.Errorf("got %v", err)
	}
}
