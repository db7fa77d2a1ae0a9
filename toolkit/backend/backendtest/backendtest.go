// Package backendtest opens the XLA backend for tests: a test is skipped when no plugin is
// installed, unless DARTBOARD_REQUIRE_BACKEND is set (as scripts/test.sh and CI do), in which case
// it fails.
package backendtest

import (
	"os"
	"testing"

	"github.com/dartboard-nas/dartboard/toolkit/backend"
)

// EnvRequire is the environment variable that turns a missing plugin into a test failure.
const EnvRequire = "DARTBOARD_REQUIRE_BACKEND"

// New opens the default backend for t and finalizes it when the test ends.
func New(t testing.TB) *backend.Backend {
	t.Helper()
	b, err := backend.New("")
	if err != nil {
		if backend.IsNotFound(err) && os.Getenv(EnvRequire) == "" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}
