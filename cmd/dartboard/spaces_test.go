package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/searchspace"
	"github.com/dartboard-nas/dartboard/toolkit/search"
)

// runSpaceSearch runs dartboard search with args into a fresh directory and returns its last
// stdout line (the architecture) and the directory, checking that genotype.txt holds it and
// that the meta record names space and holds the settings (KEY=VALUE).
func runSpaceSearch(t *testing.T, space string, args []string, settings ...string) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "search")
	var stdout, stderr bytes.Buffer
	if code := run(append(append([]string{"search"}, args...), "--out", out), &stdout, &stderr); code != 0 {
		t.Fatalf("search: exit %d\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	last := lines[len(lines)-1]
	saved, err := os.ReadFile(filepath.Join(out, searchGenotypeFile))
	if err != nil || strings.TrimSpace(string(saved)) != last {
		t.Errorf("genotype.txt %q (%v), last line %q", saved, err, last)
	}
	recs, err := search.ReadLogFile(filepath.Join(out, searchLogFile))
	if err != nil {
		t.Fatal(err)
	}
	meta, ok := recs[0].(*search.MetaRecord)
	if !ok || !strings.HasPrefix(meta.Space, space) {
		t.Fatalf("first record %#v: want the meta record of space %s", recs[0], space)
	}
	for _, want := range settings {
		if !strings.Contains(" "+meta.Settings+" ", " "+want+" ") {
			t.Errorf("meta record settings lack %s: %s", want, meta.Settings)
		}
	}
	return last, out
}

// trainArch trains arch for one epoch of a tiny subset with the shape flags of its search.
func trainArch(t *testing.T, arch string, flags ...string) {
	t.Helper()
	args := append([]string{"train", "--genotype", arch, "--dataset", "fashion-mnist", "--subset", "64", "--test-subset", "32",
		"--batch", "16", "--epochs", "1", "--out", filepath.Join(t.TempDir(), "train")}, flags...)
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("train %s: exit %d\n%s", arch, code, stderr.String())
	}
	t.Logf("train: %s", strings.TrimSpace(stdout.String()))
}

// The NAS-Bench-201 search end to end: the last line is a NAS-Bench-201 string, the search
// resumes for a second epoch from its checkpoint, and the derived cell trains.
func TestSearchNB201Command(t *testing.T) {
	requireBackend(t)
	args := []string{"--space", "nb201", "--dataset", "fashion-mnist", "--cells-per-stage", "1", "--channels", "4",
		"--batch", "16", "--subset", "256", "--epochs", "1", "--seed", "1"}
	arch, out := runSpaceSearch(t, "nb201", args, "layers=1", "channels=4")
	if _, err := searchspace.ParseNB201(arch); err != nil {
		t.Fatalf("last line %q: %v", arch, err)
	}
	var stdout, stderr bytes.Buffer
	resume := append(append([]string{"search"}, args...), "--out", out, "--resume", "--override", "epochs=2")
	if code := run(resume, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "resuming") {
		t.Fatalf("resume: exit %d\n%s", code, stderr.String())
	}
	recs, err := search.ReadLogFile(filepath.Join(out, searchLogFile))
	if err != nil {
		t.Fatal(err)
	}
	if epochs := len(search.Of[*search.EpochRecord](recs)); epochs != 2 {
		t.Errorf("resumed log has %d epoch records, want 2", epochs)
	}
	resumed := strings.TrimSpace(stdout.String())
	if _, err := searchspace.ParseNB201(resumed); err != nil {
		t.Fatalf("resumed search's last line %q: %v", resumed, err)
	}
	trainArch(t, resumed, "--channels", "4", "--cells-per-stage", "1")
}

// The FBNet search end to end at 5% of its width (one layer per stage,
// stride-1 stem), with the multiply-adds term: the last line is a block list of the space and
// the derived network trains. Its mixed blocks take minutes to compile on a CPU.
func TestSearchFBNetCommand(t *testing.T) {
	longTest(t, "compiles FBNet's mixed blocks: minutes on a CPU")
	requireBackend(t)
	shape := []string{"--width", "0.05", "--max-repeats", "1", "--stem-stride", "1"}
	args := append([]string{"--space", "fbnet", "--dataset", "fashion-mnist", "--batch", "16", "--subset", "256",
		"--epochs", "1", "--seed", "1", "--cost-weight", "0.1"}, shape...)
	arch, _ := runSpaceSearch(t, "fbnet", args)
	if _, err := searchspace.FBNetSpace().Scaled(0.05, 1, 1).ParseMobileArch(arch); err != nil {
		t.Fatalf("last line %q: %v", arch, err)
	}
	trainArch(t, arch, append([]string{"--space", "fbnet"}, shape...)...)
}

// Flags and methods that do not apply to a space are usage errors, each naming the flag or
// the method (no backend needed: they are refused before any work).
func TestSearchSpaceUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--space", "nb201", "--layers", "3"}, "--layers"},
		{[]string{"--space", "fbnet", "--channels", "4"}, "--channels"},
		{[]string{"--space", "darts", "--width", "0.5"}, "--width"},
		{[]string{"--space", "s3", "--cells-per-stage", "2"}, "--cells-per-stage"},
		{[]string{"--space", "nb201", "--cells-per-stage", "0"}, "--cells-per-stage"},
		{[]string{"--space", "nb201", "--cost-weight", "1"}, "--cost-weight"},
		{[]string{"--space", "fbnet", "--cost-weight", "-1"}, "--cost-weight"},
		{[]string{"--space", "nb201", "--method", "fairdarts"}, "fairdarts"},
		{[]string{"--space", "fbnet", "--method", "darts-minus"}, "darts-minus"},
		{[]string{"--space", "nb201", "--method", "darts-plus"}, "darts-plus"},
		{[]string{"--space", "nas"}, "nb201"},
		{[]string{"--space", "nb201", "--method", "pdarts"}, "pdarts"},
		{[]string{"--space", "fbnet", "--method", "pcdarts"}, "pcdarts"},
	} {
		var stdout, stderr bytes.Buffer
		args := append(append([]string{"search"}, c.args...), "--out", filepath.Join(t.TempDir(), "x"))
		if code := run(args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", c.args, code, stderr.String(), c.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"sweep", "--seeds", "1", "--space=nb201", "--out", t.TempDir()}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "nb201") {
		t.Errorf("sweep --space=nb201: exit %d, stderr %q; want 2 naming the space", code, stderr.String())
	}
}
