package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// parseBench reads this build's output and an older build's (executions only at the end of the
// steady step line, no copy lines), and says which required line is missing.
func TestParseBench(t *testing.T) {
	cur := `first step:       2.5s (of which the step itself 1.2s)
steady step:      850ms median of 3 (min 800ms, max 900ms), 120 executions per step
executions per step: 100
host-to-device copies per step: 3 (1200 bytes)
peak memory:      0.52 GB (VmHWM)
`
	r, err := parseBench(cur)
	if err != nil {
		t.Fatal(err)
	}
	if r.steady != 850*time.Millisecond || r.first != 2500*time.Millisecond || r.calls != 100 || r.peakGB != 0.52 {
		t.Errorf("parsed %+v", r)
	}
	old := "backend: cpu (x)\nfirst step:       1m2.5s (of which)\nsteady step:      1.5s median of 3 (min 1s, max 2s), 972 executions per step\n"
	r, err = parseBench(old)
	if err != nil {
		t.Fatal(err)
	}
	if r.steady != 1500*time.Millisecond || r.first != 62500*time.Millisecond || r.calls != 972 || r.peakGB != 0 {
		t.Errorf("parsed %+v", r)
	}
	if _, err := parseBench("first step: 1s\n"); err == nil || !strings.Contains(err.Error(), "no steady step") {
		t.Errorf("missing steady step: %v", err)
	}
	if _, err := parseBench("steady step: 1s\n"); err == nil || !strings.Contains(err.Error(), "no first step") {
		t.Errorf("missing first step: %v", err)
	}
	if _, err := parseBench("steady step: fast\nfirst step: 1s\n"); err == nil {
		t.Error("an unreadable steady step was accepted")
	}
}

// A baseline binary that fails, or that prints no steady step, is one clear error; one that
// prints a bench's lines is read, its output copied behind a prefix.
func TestRunBaseline(t *testing.T) {
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var out, errb bytes.Buffer
	if _, err := runBaseline(script("fail", "echo boom >&2; exit 3"), nil, &out, &errb); err == nil || !strings.Contains(err.Error(), "failed") {
		t.Errorf("failing baseline: %v", err)
	}
	if !strings.Contains(errb.String(), "boom") {
		t.Errorf("the baseline's stderr was not passed on: %q", errb.String())
	}
	if _, err := runBaseline(script("silent", "echo usage"), nil, &out, &errb); err == nil || !strings.Contains(err.Error(), "no steady step") {
		t.Errorf("baseline without a steady step: %v", err)
	}
	if _, err := runBaseline(filepath.Join(dir, "absent"), nil, &out, &errb); err == nil {
		t.Error("a missing baseline binary was accepted")
	}
	out.Reset()
	ok := script("ok", `echo "args: $*"; echo "first step:       3s (x)"; echo "steady step:      2s median of 1 (min 2s, max 2s), 50 executions per step"`)
	r, err := runBaseline(ok, []string{"--batch=8"}, &out, &errb)
	if err != nil {
		t.Fatal(err)
	}
	if r.steady != 2*time.Second || r.first != 3*time.Second || r.calls != 50 {
		t.Errorf("parsed %+v", r)
	}
	if !strings.Contains(out.String(), "baseline| args: bench search-step --batch=8") {
		t.Errorf("output: %q", out.String())
	}
	line := r.compare(benchResult{steady: time.Second, first: 6 * time.Second, calls: 40})
	if !strings.Contains(line, "steady step 0.500×") || !strings.Contains(line, "first step 2.000×") || !strings.Contains(line, "executions 40 / 50") {
		t.Errorf("compare: %q", line)
	}
}
