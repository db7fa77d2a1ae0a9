package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// buildDartboard builds the command into a temporary directory.
func buildDartboard(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "dartboard")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// child is a running dartboard process whose stderr is collected.
type child struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
}

func (c *child) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.Write(p)
}

func (c *child) errText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.String()
}

func startChild(t *testing.T, bin string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(bin, args...)}
	c.cmd.Stderr = c
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return c
}

// wait waits for the process and returns its exit status.
func (c *child) wait(t *testing.T) int {
	t.Helper()
	err := c.cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// waitFor polls cond every 50 ms for up to limit.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// runChild runs dartboard to the end and returns its exit status and stderr.
func runChild(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	c := startChild(t, bin, args...)
	code := c.wait(t)
	return code, c.errText()
}

// sameSearch compares two run directories: the genotype and every log record, timing fields
// excluded.
func sameSearch(t *testing.T, want, got string) {
	t.Helper()
	g1, err1 := os.ReadFile(filepath.Join(want, "genotype.txt"))
	g2, err2 := os.ReadFile(filepath.Join(got, "genotype.txt"))
	if err1 != nil || err2 != nil || !bytes.Equal(g1, g2) {
		t.Errorf("genotypes differ: %q (%v) vs %q (%v)", g1, err1, g2, err2)
	}
	r1, err1 := search.ReadLogFile(filepath.Join(want, "search.jsonl"))
	r2, err2 := search.ReadLogFile(filepath.Join(got, "search.jsonl"))
	if err1 != nil || err2 != nil {
		t.Fatalf("logs: %v, %v", err1, err2)
	}
	if len(r1) != len(r2) {
		t.Fatalf("%d records vs %d", len(r1), len(r2))
	}
	for i := range r1 {
		ja, _ := json.Marshal(untimed(r1[i]))
		jb, _ := json.Marshal(untimed(r2[i]))
		if !bytes.Equal(ja, jb) {
			t.Fatalf("record %d differs:\n%s\n%s", i+1, ja, jb)
		}
	}
}

// untimed returns a copy of r without its wall times (seconds, step and compilation times).
func untimed(r search.Record) search.Record {
	switch r := r.(type) {
	case *search.MetaRecord:
		c := *r
		c.CompileMS = 0
		return &c
	case *search.StepRecord:
		c := *r
		c.Seconds, c.StepMS, c.CompileMS = 0, 0, 0
		return &c
	case *search.EpochRecord:
		c := *r
		c.Seconds, c.StepMS = 0, 0
		return &c
	}
	return r
}

// The resume contract with a real process: SIGINT during the compilation leaves a directory
// that the same command restarts; SIGTERM after a few steps writes a checkpoint and exits 143;
// that checkpoint with one byte changed is refused in one line; resumed, the search equals an
// uninterrupted one record for record.
func TestSignalsAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds dartboard and runs tiny Fashion-MNIST searches (minutes on 2 cores)")
	}
	requireBackend(t)
	if _, err := datasets.Load(datasets.FashionMNIST, resolveDataDir("")); err != nil {
		t.Skip(err)
	}
	bin := buildDartboard(t)
	dir := t.TempDir()
	cmd := func(out string, extra ...string) []string {
		return append([]string{"search", "--dataset", "fashion-mnist", "--layers", "3", "--channels", "4", "--batch", "16",
			"--subset", "256", "--epochs", "2", "--seed", "3", "--out", out}, extra...)
	}

	ref := filepath.Join(dir, "ref")
	if code, errText := runChild(t, bin, cmd(ref)...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, errText)
	}

	// SIGINT during the compilation: exit 130, nothing saved, the same command starts anew.
	early := filepath.Join(dir, "early")
	c := startChild(t, bin, cmd(early)...)
	waitFor(t, "the compilation", 5*time.Minute, func() bool { return strings.Contains(c.errText(), "compiling") })
	c.cmd.Process.Signal(syscall.SIGINT)
	if code := c.wait(t); code != 130 || !strings.Contains(c.errText(), "SIGINT before the first step") {
		t.Fatalf("SIGINT during compile: exit %d\n%s", code, c.errText())
	}
	if _, err := os.Stat(filepath.Join(early, "checkpoint")); err == nil {
		t.Fatal("a checkpoint was written before the first step")
	}
	if code, errText := runChild(t, bin, cmd(early)...); code != 0 {
		t.Fatalf("rerun after SIGINT: exit %d\n%s", code, errText)
	}
	sameSearch(t, ref, early)

	// SIGTERM after 3 steps: a checkpoint at the step reached, exit 143.
	late := filepath.Join(dir, "late")
	c = startChild(t, bin, cmd(late)...)
	logPath := filepath.Join(late, "search.jsonl")
	waitFor(t, "3 steps", 5*time.Minute, func() bool { return countStepRecords(logPath) >= 3 })
	c.cmd.Process.Signal(syscall.SIGTERM)
	if code := c.wait(t); code != 143 || !strings.Contains(c.errText(), "checkpoint written; continue with the same command and --resume") {
		t.Fatalf("SIGTERM: exit %d\n%s", code, c.errText())
	}
	ckPath := filepath.Join(late, "checkpoint")
	head, exists, err := readCheckpointHead(ckPath)
	if !exists || err != nil || head.Step < 3 || head.Step >= 16 {
		t.Fatalf("checkpoint after SIGTERM: %+v, %v, %v", head, exists, err)
	}
	t.Logf("SIGTERM checkpoint at step %d", head.Step)

	// One byte changed in the middle: refused in one line.
	good, _ := os.ReadFile(ckPath)
	bad := bytes.Clone(good)
	bad[len(bad)/2] ^= 0x80
	os.WriteFile(ckPath, bad, 0o644)
	code, errText := runChild(t, bin, cmd(late, "--resume")...)
	lines := strings.Split(strings.TrimSpace(errText), "\n")
	if last := lines[len(lines)-1]; code != 1 || !strings.Contains(last, "is corrupt (checksum mismatch") || strings.Count(errText, "dartboard search:") != 1 {
		t.Fatalf("flipped byte: exit %d\n%s", code, errText)
	}
	os.WriteFile(ckPath, good, 0o644)

	if code, errText := runChild(t, bin, cmd(late, "--resume")...); code != 0 {
		t.Fatalf("resume after SIGTERM: exit %d\n%s", code, errText)
	}
	sameSearch(t, ref, late)
}
