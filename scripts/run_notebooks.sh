#!/usr/bin/env bash
# scripts/run_notebooks.sh — execute the GoNB notebooks headless and check their outputs.
#
# Usage: scripts/run_notebooks.sh [--full] [--html] [--screenshot] [--timeout SECONDS] [notebook.ipynb ...]
#
# Executes every notebooks/*.ipynb (or the ones given) with
# `jupyter nbconvert --to notebook --execute` on the GoNB kernel, with DARTBOARD_SMALL=1 so the
# notebooks shrink their settings, writing the executed copies to notebooks/executed/. Then it
# scans every output of every executed notebook for errors: error outputs, `panic:`,
# `exit status` (a failing `!` command), and GoNB's compile error markers. nbconvert alone exits
# 0 after a Go panic or a failing shell command, hence the scan. Exits 1 if any notebook fails.
#
# Run time statement: the first markdown cell of every notebook must hold the line
#
#   Run time on a 2-core CPU: <time> (default settings), <time> (DARTBOARD_SMALL).
#
# with each <time> written like "2 min 30 s", "45 s" or "10 min" (an "about" before it is
# allowed). The runner fails a notebook without that line and warns (without failing) when a
# notebook took over twice the time it states for the settings it ran with.
#
#   --full            run the notebooks with their default settings (DARTBOARD_SMALL unset)
#   --html            also write each executed notebook as a standalone HTML page,
#                     notebooks/executed/NAME.html: plots inline, no script or style sheet
#                     loaded from elsewhere (no CDN)
#   --screenshot      --html, plus a PNG screenshot of the page with headless Chromium:
#                     notebooks/executed/NAME.png
#   --timeout S       per-notebook timeout in seconds (default $DARTBOARD_NB_TIMEOUT or 1800);
#                     each cell also gets this as its own nbconvert timeout
#
# Environment: DARTBOARD_KERNEL (default gonb, the name `gonb --install` registers),
# JUPYTER (default /usr/bin/jupyter).
set -uo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)

screenshot=0
html=0
full=0
nb_timeout="${DARTBOARD_NB_TIMEOUT:-1800}"
notebooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --screenshot) screenshot=1; html=1 ;;
    --html) html=1 ;;
    --full) full=1 ;;
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
export GOMLX_NO_AUTO_INSTALL=1
if [ "$full" = 1 ]; then
  unset DARTBOARD_SMALL
  settings="default settings"
else
  export DARTBOARD_SMALL=1
  settings="DARTBOARD_SMALL"
fi

JUPYTER="${JUPYTER:-/usr/bin/jupyter}"
[ -x "$JUPYTER" ] || JUPYTER=$(command -v jupyter || true)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
kernel="${DARTBOARD_KERNEL:-gonb}"
fail() { echo "run_notebooks.sh: $*" >&2; exit 1; }
[ -n "$JUPYTER" ] || fail "jupyter not found: run scripts/setup.sh"
command -v gonb >/dev/null || fail "gonb not on the PATH: run scripts/setup.sh"
# grep reads all of the list (no -q): with pipefail, a grep that quits at the first match can
# make jupyter die of SIGPIPE and the check fail at random.
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
  echo "=== notebook $nb (kernel $kernel, $settings, timeout ${nb_timeout}s)"
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
  # The run time statement of the first markdown cell, against the time just measured.
  if ! stated=$("$PY" - "$nb" "$secs" "$settings" <<'EOF'
import json, re, sys

path, secs, settings = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path) as f:
    nb = json.load(f)
first = next((c for c in nb.get("cells", []) if c.get("cell_type") == "markdown"), None)
text = "".join(first.get("source", "")) if first else ""
text = re.sub(r"\s+", " ", text)
m = re.search(r"Run time on a 2-core CPU: (.+?) \(default settings\), (.+?) \(DARTBOARD_SMALL\)", text)

def seconds(s):
    s = re.sub(r"^(about|around|~)\s*", "", s.strip())
    parts = re.fullmatch(r"(?:(\d+(?:\.\d+)?) ?h)? ?(?:(\d+(?:\.\d+)?) ?min)? ?(?:(\d+(?:\.\d+)?) ?s)?", s)
    if not parts or not any(parts.groups()):
        return None
    h, mi, se = (float(g) if g else 0.0 for g in parts.groups())
    return h * 3600 + mi * 60 + se

if not m:
    print("no run time statement: the first markdown cell needs the line "
          "'Run time on a 2-core CPU: <time> (default settings), <time> (DARTBOARD_SMALL).'")
    sys.exit(1)
times = {"default settings": seconds(m.group(1)), "DARTBOARD_SMALL": seconds(m.group(2))}
if None in times.values():
    print("cannot read the times of the run time statement %r (write them like '2 min 30 s' or '45 s')" % m.group(0))
    sys.exit(1)
stated = times[settings]
note = "stated for %s: %.0fs" % (settings, stated)
if secs > 2 * stated:
    note += "; over twice that"
print(note)
EOF
  ); then
    echo "FAIL $nb (${secs}s): $stated"
    failed+=("$nb")
    continue
  fi
  echo "ok   $nb (${secs}s; $stated) -> $out"
  case "$stated" in
    *"over twice"*) echo "WARN $nb took ${secs}s, over twice the run time its first cell states ($settings)" ;;
  esac
  if [ "$html" = 1 ]; then
    page="$outdir/$name.html"
    rm -f "$page"
    if ! "$JUPYTER" nbconvert --to html --output-dir "$outdir" --output "$name.html" "$out" \
        >>"$outdir/$name.nbconvert.log" 2>&1; then
      echo "FAIL $nb: nbconvert --to html failed (see $outdir/$name.nbconvert.log)"
      failed+=("$nb")
      continue
    fi
    # Standalone: drop the scripts nbconvert loads from elsewhere (RequireJS and MathJax, from
    # a CDN or from /usr/share/javascript), then check that nothing external is left.
    if ! "$PY" - "$page" <<'EOF'; then
import re, sys

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    page = f.read()
page = re.sub(r'<script[^>]*\ssrc="[^"]*"[^>]*>\s*</script>\s*', "", page)
page = re.sub(r'<link[^>]*\shref="(?:https?:|file:|//)[^"]*"[^>]*>\s*', "", page)
left = re.findall(r'<(?:script|img|link|iframe)[^>]*\s(?:src|href)="(?:https?:|file:|//)[^"]*"', page)
if left:
    print("external references left in %s: %s" % (path, left[:3]))
    sys.exit(1)
with open(path, "w", encoding="utf-8") as f:
    f.write(page)
EOF
      echo "FAIL $nb: $page is not standalone"
      failed+=("$nb")
      continue
    fi
    echo "     html $page"
  fi
  if [ "$screenshot" = 1 ]; then
    png="$outdir/$name.png"
    rm -f "$png"
    profile=$(mktemp -d)
    timeout 120 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$profile" --screenshot="$png" --window-size=1200,3000 \
      "file://$page" >"$outdir/$name.chromium.log" 2>&1
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
