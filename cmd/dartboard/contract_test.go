package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/toolkit/ckpt"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// Bad flags are refused before any work (no output directory, no backend, no data), with exit
// status 2 and one line naming the flag.
func TestFlagErrorsNameTheFlag(t *testing.T) {
	out := filepath.Join(t.TempDir(), "never")
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"--lr", []string{"search", "--lr", "inf"}},
		{"--lr", []string{"search", "--lr", "-0.1"}},
		{"--lr", []string{"search", "--lr", "0"}},
		{"--lr", []string{"search", "--lr", "1e30"}},
		{"--arch-lr", []string{"search", "--arch-lr", "nan"}},
		{"--arch-lr", []string{"search", "--arch-lr", "1e30"}},
		{"--portion", []string{"search", "--portion", "nan"}},
		{"--es-growth", []string{"search", "--method", "rdarts-es", "--es-growth", "1.3:4:5"}},
		{"--es-growth", []string{"search", "--method", "rdarts-ada", "--es-growth", "1.3:0:1:0"}},
		{"--es-growth", []string{"search", "--method", "rdarts-es", "--es-growth", "nan:1:1:0"}},
		{"--es-growth", []string{"search", "--method", "darts", "--es-growth", "1.3:1:1:0"}},
		{"--layers", []string{"search", "--layers", "0"}},
		{"--channels", []string{"search", "--channels", "-4"}},
		{"--batch", []string{"search", "--batch", "0"}},
		{"--epochs", []string{"search", "--epochs", "0"}},
		{"--subset", []string{"search", "--subset", "-1"}},
		{"--override", []string{"search", "--override", "lr"}},
		{"--override", []string{"search", "--override", "lr=0.1"}}, // without --resume
		{"--lr", []string{"train", "--genotype", "DARTS_V2", "--lr", "nan"}},
		{"--aux-weight", []string{"train", "--genotype", "DARTS_V2", "--aux-weight", "inf"}},
		{"--drop-path", []string{"train", "--genotype", "DARTS_V2", "--drop-path", "1"}},
		{"--layers", []string{"train", "--genotype", "DARTS_V2", "--layers", "2000000000"}},
		{"--epochs", []string{"train", "--genotype", "DARTS_V2", "--epochs", "0"}},
		{"--override", []string{"train", "--genotype", "DARTS_V2", "--resume", "--override", "seed=2"}},
		{"--override", []string{"train", "--genotype", "DARTS_V2", "--resume", "--override", "lr=x"}},
		{"--lr", []string{"train", "--genotype", "DARTS_V2", "--resume", "--lr", "0.1", "--override", "lr=20"}},
		{"--layers", []string{"genotype", "params", "DARTS_V2", "--layers", "2000000000"}},
		{"--channels", []string{"genotype", "params", "DARTS_V2", "--channels", "3000000000"}},
		{"--channels", []string{"bench", "search-step", "--channels", "0"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(append(tc.args, "--out", out), &stdout, &stderr)
		if tc.args[0] == "genotype" || tc.args[0] == "bench" {
			stderr.Reset()
			code = run(tc.args, &stdout, &stderr)
		}
		msg := strings.TrimSpace(stderr.String())
		if code != 2 || !strings.Contains(msg, tc.flag) || strings.Count(msg, "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q: want 2 and one line naming %s", tc.args, code, msg, tc.flag)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a refused command created %s", out)
	}
}

// The run directory rules that apply before any work: --resume needs an existing directory
// holding a checkpoint, and a new run refuses a directory holding one, saying at which step.
func TestRunDirectoryContract(t *testing.T) {
	dir := t.TempDir()
	search := func(out string, extra ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"search", "--out", out}, extra...), &stdout, &stderr)
		return code, strings.TrimSpace(stderr.String())
	}

	// --resume on a missing directory: an error, and the directory is not created.
	missing := filepath.Join(dir, "missing")
	if code, msg := search(missing, "--resume"); code != 1 || !strings.Contains(msg, "does not exist") {
		t.Errorf("missing directory: exit %d, %q", code, msg)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("--resume created the missing directory")
	}

	// Stopped before its first step (an empty log, no checkpoint): nothing to resume.
	early := filepath.Join(dir, "early")
	os.MkdirAll(early, 0o755)
	os.WriteFile(filepath.Join(early, "search.jsonl"), nil, 0o644)
	if code, msg := search(early, "--resume"); code != 1 || !strings.Contains(msg, "no checkpoint") || !strings.Contains(msg, "without --resume") {
		t.Errorf("no checkpoint: exit %d, %q", code, msg)
	}

	// A directory holding a checkpoint: a new run is refused, naming the checkpoint's step.
	held := filepath.Join(dir, "held")
	os.MkdirAll(held, 0o755)
	ck := filepath.Join(held, "checkpoint")
	if err := ckpt.Save(ck, &checkpointHead{Step: 9, Epoch: 1}); err != nil {
		t.Fatal(err)
	}
	if code, msg := search(held); code != 1 || !strings.Contains(msg, "checkpoint at step 9, epoch 2") || !strings.Contains(msg, "--resume") {
		t.Errorf("held directory: exit %d, %q", code, msg)
	}
	// A damaged one is named as such, not offered for --resume.
	data, _ := os.ReadFile(ck)
	data[len(data)-3] ^= 1
	os.WriteFile(ck, data, 0o644)
	if code, msg := search(held); code != 1 || !strings.Contains(msg, "checksum mismatch") || strings.Contains(msg, "pass --resume") {
		t.Errorf("damaged checkpoint: exit %d, %q", code, msg)
	}
}

// Error messages say truthfully whether a checkpoint exists and at which step.
func TestCheckpointState(t *testing.T) {
	dir := t.TempDir()
	ck := filepath.Join(dir, "checkpoint")
	if got := checkpointState(ck); !strings.Contains(got, "no checkpoint") {
		t.Errorf("none: %q", got)
	}
	if err := ckpt.Save(ck, &struct {
		Step, Epoch int
		Other       []float32
	}{Step: 20, Epoch: 2, Other: []float32{1}}); err != nil {
		t.Fatal(err)
	}
	if got := checkpointState(ck); !strings.Contains(got, "at step 20 (epoch 3) is kept") {
		t.Errorf("at step 20: %q", got)
	}
	os.WriteFile(ck, []byte("dartboard-checkpoint 2 sha"), 0o644)
	if got := checkpointState(ck); !strings.Contains(got, "cannot be used") || strings.Contains(got, "kept") {
		t.Errorf("truncated: %q", got)
	}
}

// A training run resumed with another learning rate is refused, naming lr with both values;
// with --override it continues, and the log records the override.
func TestTrainResumeSettings(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny network twice")
	}
	requireBackend(t)
	out := filepath.Join(t.TempDir(), "train")
	args := []string{"train", "--genotype", "DARTS_V2", "--dataset", "synthetic", "--subset", "32", "--test-subset", "16",
		"--layers", "3", "--channels", "4", "--batch", "16", "--epochs", "1", "--seed", "1", "--out", out}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	stderr.Reset()
	code := run(append(args, "--resume", "--lr", "0.5"), &stdout, &stderr)
	msg := strings.TrimSpace(stderr.String())
	if code != 1 || !strings.Contains(msg, "lr: checkpoint 0.025, this run 0.5") || !strings.Contains(msg, "--override") {
		t.Fatalf("--resume --lr 0.5: exit %d\n%s", code, msg)
	}
	stderr.Reset()
	if code := run(append(args, "--resume", "--override", "lr=0.05", "--override", "epochs=2"), &stdout, &stderr); code != 0 {
		t.Fatalf("with overrides: exit %d\n%s", code, stderr.String())
	}
	recs, err := search.ReadLogFile(filepath.Join(out, "train.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var overrides, epochs int
	for _, r := range recs {
		switch r := r.(type) {
		case *search.OverrideRecord:
			overrides++
			if r.Settings != "epochs=2 lr=0.05" || r.Step != 2 {
				t.Errorf("override record %+v", r)
			}
		case *search.EpochRecord:
			epochs++
		}
	}
	if overrides != 1 || epochs != 2 {
		t.Errorf("%d override records and %d epochs, want 1 and 2", overrides, epochs)
	}
}
