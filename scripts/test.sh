#!/usr/bin/env bash
# scripts/test.sh — the project's test command (the one README.md names and CI runs):
#   1. gofmt check, 2. go vet ./..., 3. go test ./... (real XLA backend required),
#   4. scripts/run_notebooks.sh (every notebook executed headless on the GoNB kernel).
# Every step runs even if an earlier one failed; exits non-zero if any failed. Run
# scripts/setup.sh once first. Extra arguments go to `go test` (e.g. -run TestX, -short).
# DARTBOARD_SKIP_NOTEBOOKS=1 skips step 4; DARTBOARD_TEST_TIMEOUT sets go test's -timeout
# (default 45m); DARTBOARD_LONG_TESTS=1 adds the command tests whose compile takes minutes
# (FBNet, P-DARTS and PC-DARTS searches from the command line).
set -uo pipefail

cd "$(dirname "$0")/.."
[ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || { echo "test.sh: go not found: run scripts/setup.sh" >&2; exit 1; }
gobin="$(go env GOBIN)"
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"
# Never download plugins; fail (not skip) the backend tests when no plugin is installed.
export GOMLX_NO_AUTO_INSTALL=1 DARTBOARD_REQUIRE_BACKEND=1

t0=$SECONDS
failed=()
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - t0))" "$*"; }

step "gofmt"
gofiles=$(git ls-files -co --exclude-standard -- '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')
unformatted=""
[ -z "$gofiles" ] || unformatted=$(gofmt -l $gofiles </dev/null)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted" | sed 's/^/  /'
  failed+=(gofmt)
else
  echo "ok"
fi

step "go vet ./..."
if go vet ./...; then echo "ok"; else failed+=("go vet"); fi

step "go test ./..."
gotest_log=$(mktemp)
go test -count=1 -timeout "${DARTBOARD_TEST_TIMEOUT:-45m}" "$@" ./... 2>&1 | tee "$gotest_log"
gotest_rc=${PIPESTATUS[0]}
[ "$gotest_rc" -eq 0 ] || failed+=("go test")

if [ "${DARTBOARD_SKIP_NOTEBOOKS:-0}" != 1 ]; then
  step "scripts/run_notebooks.sh"
  scripts/run_notebooks.sh || failed+=(notebooks)
fi

# Repeat go test's closing lines (one per package) last, so they are what a reader sees.
step "summary"
grep -E '^(ok|FAIL|---|PASS|\?|panic:)' "$gotest_log" | grep -vE '^\?' || true
rm -f "$gotest_log"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all checks passed"
