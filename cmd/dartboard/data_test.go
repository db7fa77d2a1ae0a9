package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/datasets"
	"github.com/dartboard-nas/dartboard/toolkit/backend"
)

// needBackend skips the test when no XLA plugin is installed.
func needBackend(t *testing.T) {
	t.Helper()
	if _, _, err := backend.Resolve(""); err != nil {
		t.Skipf("no XLA plugin: %v", err)
	}
}

func TestDataCommand(t *testing.T) {
	needBackend(t)
	missing := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		skip   func() string // a reason to skip, or ""
		code   int
		stdout []string
		stderr []string
	}{
		{
			name:   "synthetic",
			args:   []string{"data", "--dataset", "synthetic"},
			stdout: []string{"backend: xla", "train:   5000 images", "test:    1000 images", "shape:   32×32×3 (H×W×C)", "classes: 10", "mean:", "std:"},
		},
		{
			name: "fashion-mnist",
			args: []string{"data", "--dataset", "fashion-mnist", "--data-dir", datasets.DefaultDir},
			skip: func() string {
				if _, err := datasets.LoadFashionMNIST(datasets.DefaultDir); err != nil {
					return err.Error()
				}
				return ""
			},
			stdout: []string{"train:   60000 images", "test:    10000 images", "shape:   28×28×1 (H×W×C)", "classes: 10",
				"9  Ankle boot          6000 (10.00%)   1000 (10.00%)", "mean:    0.2860", "std:     0.3530"},
		},
		{
			name:   "missing fashion-mnist",
			args:   []string{"data", "--dataset", "fashion-mnist", "--data-dir", missing},
			code:   1,
			stderr: []string{filepath.Join(missing, "fashion-mnist"), "train-images-idx3-ubyte[.gz] not found", "scripts/setup.sh"},
		},
		{
			name:   "missing cifar10",
			args:   []string{"data", "--dataset", "cifar10", "--data-dir", missing},
			code:   1,
			stderr: []string{filepath.Join(missing, "cifar-10-batches-bin"), "data_batch_1.bin not found"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != nil {
				if why := tc.skip(); why != "" {
					t.Skip(why)
				}
			}
			var out, errb bytes.Buffer
			if code := run(tc.args, &out, &errb); code != tc.code {
				t.Fatalf("exit code %d, want %d; stderr %q", code, tc.code, errb.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout does not contain %q:\n%s", w, out.String())
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr does not contain %q: %s", w, errb.String())
				}
			}
		})
	}
}

func TestDataUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"data", "--dataset", "imagenet"}, `unknown dataset "imagenet"`},
		{[]string{"data", "extra"}, "unexpected arguments"},
		{[]string{"data", "--no-such-flag"}, "no-such-flag"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != 2 {
			t.Errorf("%v: exit code %d, want 2", tc.args, code)
		}
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: stderr %q does not say %q", tc.args, errb.String(), tc.want)
		}
	}
}

func TestResolveDataDir(t *testing.T) {
	tests := []struct{ flag, env, want string }{
		{"/flag", "/env", "/flag"},
		{"", "/env", "/env"},
		{"", "", "/usr/share/datasets"},
	}
	for _, tc := range tests {
		t.Setenv(datasets.EnvDataDir, tc.env)
		if got := resolveDataDir(tc.flag); got != tc.want {
			t.Errorf("resolveDataDir(%q) with $%s=%q = %q, want %q", tc.flag, datasets.EnvDataDir, tc.env, got, tc.want)
		}
	}
}
