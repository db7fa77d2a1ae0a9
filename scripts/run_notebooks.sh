#!/usr/bin/env bash
# scripts/run_notebooks.sh — execute the GoNB notebooks headless and check their outputs.
#
# Usage: scripts/run_notebooks.sh [--screenshot] [--timeout SECONDS] [notebook.ipynb ...]
#
# Executes every notebooks/*.ipynb (or the ones given) with
# `jupyter nbconvert --to notebook --execute` on the GoNB kernel, with DARTBOARD_SMALL=1 so the
# notebooks shrink their settings, writing the executed copies to notebooks/executed/. Then it
# scans every output of every executed notebook for errors: error outputs, `panic:`,
# `exit status` (a failing `!` command), and GoNB's compile error markers. nbconvert alone exits
# 0 after a Go panic or a failing shell command, hence the scan. Exits 1 if any notebook fails.
#
#   --screenshot      also convert each executed notebook to HTML and take a PNG screenshot with
#                     headless Chromium: notebooks/executed/NAME.html and NAME.png
#   --timeout S       per-notebook timeout in seconds (default $DARTBOARD_NB_TIMEOUT or 900);
#                     each cell also gets this as its own nbconvert timeout
#
# Environment: DARTBOARD_KERNEL (default gonb, the name `gonb --install` registers),
# JUPYTER (default /usr/bin/jupyter).
set -uo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)

screenshot=0
nb_timeout="${DARTBOARD_NB_TIMEOUT:-900}"
notebooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --screenshot) screenshot=1 ;;
    --timeout) shift; nb_timeout="${1:?--timeout needs seconds}" ;;
    --timeout=*) nb_timeout="${1#--timeout=}" ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "run_notebooks.sh: unknown flag $1" >&2; exit 2 ;;
    *) notebooks+=("$1") ;;
  esac
  shift
done
if [ ${#notebooks[@]} -eq 0 ]; then
  for nb in notebooks/*.ipynb; do
    [ -e "$nb" ] && notebooks+=("$nb")
  done
fi
if [ ${#notebooks[@]} -eq 0 ]; then
  echo "run_notebooks.sh: no notebooks found" >&2
  exit 1
fi

# The GoNB kernel runs `go`, goimports and gopls from the PATH it inherits from us.
[ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH"
if command -v go >/dev/null; then
  gobin="$(go env GOBIN)"
  [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
  PATH="$gobin:$PATH"
fi
export PATH
export DARTBOARD_SMALL=1 GOMLX_NO_AUTO_INSTALL=1

JUPYTER="${JUPYTER:-/usr/bin/jupyter}"
[ -x "$JUPYTER" ] || JUPYTER=$(command -v jupyter || true)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
kernel="${DARTBOARD_KERNEL:-gonb}"
fail() { echo "run_notebooks.sh: $*" >&2; exit 1; }
[ -n "$JUPYTER" ] || fail "jupyter not found: run scripts/setup.sh"
command -v gonb >/dev/null || fail "gonb not on the PATH: run scripts/setup.sh"
# grep -q would exit at the first match and, under pipefail, fail the pipeline by SIGPIPE.
"$JUPYTER" kernelspec list 2>/dev/null | grep -w "$kernel" >/dev/null ||
  fail "Jupyter kernel '$kernel' not registered: run scripts/setup.sh"
if [ "$screenshot" = 1 ]; then
  chromium_bin=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
  [ -n "$chromium_bin" ] || fail "--screenshot needs chromium: run scripts/setup.sh (without --no-chromium)"
fi

outdir="$repo/notebooks/executed"
mkdir -p "$outdir"
failed=()
for nb in "${notebooks[@]}"; do
  [ -f "$nb" ] || { echo "run_notebooks.sh: no such notebook: $nb" >&2; failed+=("$nb"); continue; }
  name=$(basename "$nb" .ipynb)
  out="$outdir/$name.ipynb"
  rm -f "$out"
  echo "=== notebook $nb (kernel $kernel, timeout ${nb_timeout}s)"
  start=$SECONDS
  # --allow-errors: run every cell and write the executed notebook even when a cell fails, so
  # that the scan below reports every failure with its cell.
  timeout --kill-after=30 "$nb_timeout" "$JUPYTER" nbconvert --to notebook --execute --allow-errors \
    --ExecutePreprocessor.kernel_name="$kernel" \
    --ExecutePreprocessor.timeout="$nb_timeout" \
    --ExecutePreprocessor.startup_timeout=120 \
    --output-dir "$outdir" --output "$name.ipynb" "$nb" 2>"$outdir/$name.nbconvert.log"
  rc=$?
  secs=$((SECONDS - start))
  if [ $rc -ne 0 ]; then
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
      echo "FAIL $nb: timed out after ${nb_timeout}s"
    else
      echo "FAIL $nb: nbconvert exited $rc after ${secs}s; its log:"
    fi
    tail -n 30 "$outdir/$name.nbconvert.log" | sed 's/^/    /'
    failed+=("$nb")
    continue
  fi
  if ! "$PY" - "$out" <<'EOF'; then
import html, json, re, sys

path = sys.argv[1]
with open(path) as f:
    nb = json.load(f)

# Text that marks a failure in an output: a Go panic, a failing `!`/`!*` command, GoNB's
# compile errors (HTML classes, cell line tags) and go tool failures.
markers = [
    "panic:", "exit status", "gonb-err-", "[[ Cell ", "failed to run",
    "cannot find module providing package",
]
ansi = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
styles = re.compile(r"<(style|script)[^>]*>.*?</\1>", re.S)
tags = re.compile(r"<[^>]+>")

def text_of(v):
    return "".join(v) if isinstance(v, list) else str(v)

problems = []
ncode = 0
for i, cell in enumerate(nb.get("cells", [])):
    if cell.get("cell_type") != "code":
        continue
    ncode += 1
    src = text_of(cell.get("source", "")).strip().splitlines()
    head = src[0][:100] if src else ""
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "error":
            tb = ansi.sub("", "\n".join(out.get("traceback", [])))
            problems.append((i, head, "error output: %s: %s\n%s" % (out.get("ename"), out.get("evalue"), tb)))
            continue
        texts = []
        if kind == "stream":
            texts.append(text_of(out.get("text", "")))
        for mime, v in (out.get("data") or {}).items():
            if mime.startswith("text/"):
                texts.append(text_of(v))
        for t in texts:
            t = ansi.sub("", t)
            for m in markers:
                if m not in t:
                    continue
                if "<" in t:  # HTML (GoNB's compile errors): show its text, not its markup
                    t = html.unescape(tags.sub("", styles.sub("", t)))
                    t = re.sub(r"\n\s*\n+", "\n", t)
                j = max(0, t.find(m))
                lo = t.rfind("\n", 0, max(0, j - 400)) + 1
                problems.append((i, head, "%r in output:\n%s" % (m, t[lo:j + 800].strip())))
                break
    if cell.get("execution_count") is None and cell.get("source"):
        problems.append((i, head, "cell was not executed"))

if ncode == 0:
    problems.append((-1, "", "notebook has no code cells"))
for i, head, msg in problems:
    print("  cell %d (%s):\n    %s" % (i + 1, head, msg.replace("\n", "\n    ")))
sys.exit(1 if problems else 0)
EOF
    echo "FAIL $nb (${secs}s): errors in the outputs of $out"
    failed+=("$nb")
    continue
  fi
  echo "ok   $nb (${secs}s) -> $out"
  if [ "$screenshot" = 1 ]; then
    html="$outdir/$name.html"
    png="$outdir/$name.png"
    rm -f "$html" "$png"
    if ! "$JUPYTER" nbconvert --to html --output-dir "$outdir" --output "$name.html" "$out" \
        >>"$outdir/$name.nbconvert.log" 2>&1; then
      echo "FAIL $nb: nbconvert --to html failed (see $outdir/$name.nbconvert.log)"
      failed+=("$nb")
      continue
    fi
    profile=$(mktemp -d)
    timeout 120 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$profile" --screenshot="$png" --window-size=1200,3000 \
      "file://$html" >"$outdir/$name.chromium.log" 2>&1
    rm -rf "$profile"
    if [ -s "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then
      echo "     screenshot $png"
    else
      echo "FAIL $nb: no screenshot produced (see $outdir/$name.chromium.log)"
      failed+=("$nb")
    fi
  fi
done

total=${#notebooks[@]}
nfail=${#failed[@]}
echo "notebooks: $((total - nfail)) passed, $nfail failed"
[ "$nfail" -eq 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
