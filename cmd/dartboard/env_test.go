package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dartboard-nas/dartboard/toolkit/backend"
)

// TestCommandsWithoutPlugin checks that commands that need the backend fail cleanly when no
// XLA plugin is installed: exit code 1, one line on stderr naming the setup command, no panic.
func TestCommandsWithoutPlugin(t *testing.T) {
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir())
	t.Setenv(backend.EnvPluginDir, "")
	t.Setenv(backend.EnvBackend, "")
	t.Setenv("GOMLX_NO_AUTO_INSTALL", "1")
	for _, args := range [][]string{
		{"env"},
		{"env", "--backend", "cpu"},
		{"data", "--dataset", "fashion-mnist"},
		{"data", "--backend", "cpu", "--dataset", "synthetic"},
		{"search", "--dataset", "synthetic", "--out", t.TempDir()},
		{"bench", "search-step", "--layers", "1"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			var code int
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("dartboard %v panicked: %v", args, r)
					}
				}()
				code = run(args, &stdout, &stderr)
			}()
			if code != 1 {
				t.Errorf("exit code %d, want 1; stdout %q, stderr %q", code, stdout.String(), stderr.String())
			}
			msg := strings.TrimRight(stderr.String(), "\n")
			if strings.Count(msg, "\n") != 0 || msg == "" {
				t.Errorf("stderr is %d lines, want one: %q", strings.Count(msg, "\n")+1, msg)
			}
			if !strings.Contains(msg, "scripts/setup.sh") {
				t.Errorf("stderr %q does not name scripts/setup.sh", msg)
			}
			if strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine ") {
				t.Errorf("stderr looks like a panic: %q", msg)
			}
			if strings.TrimSpace(stdout.String()) != "" && args[0] == "env" {
				t.Errorf("env printed to stdout although it failed: %q", stdout.String())
			}
		})
	}
}
