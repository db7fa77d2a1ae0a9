#!/usr/bin/env bash
# scripts/setup.sh — take a fresh Debian machine (root, or a user with sudo) to a working
# dartboard state: Debian packages (Jupyter, Fashion-MNIST, Chromium), the XLA CPU plugin,
# optionally the XLA CUDA plugin, the GoNB Jupyter kernel and its Go tools, the module's
# dependencies. Idempotent: a second run only checks and finishes in seconds.
#
# Usage: scripts/setup.sh [--no-chromium] [--cuda | --no-cuda] [--no-apt]
#   --no-chromium  skip Chromium (only needed for scripts/run_notebooks.sh --screenshot);
#                  also DARTBOARD_SETUP_CHROMIUM=0
#   --cuda         install the JAX CUDA 13 PJRT plugin with pip (default: auto, when an NVIDIA
#   --no-cuda      GPU is visible and the package index answers); also DARTBOARD_SETUP_CUDA=1|0|auto
#   --no-apt       skip the Debian packages (you installed them yourself)
#
# Requires Go (the version in go.mod) on the PATH or in /usr/local/go/bin.
set -euo pipefail

CPU_WHEEL_PKG="lammps-jax-pjrt-cpu==0.11.2"
CPU_WHEEL_SHA256="1319390d948b39f69f7dade496b7c385149d9ca6097a6b62114da113216d9ad1"
CPU_WHEEL_MEMBER="lammps_jax_pjrt_cpu/pjrt_c_api_cpu_plugin.so"
CPU_SO_NAME="pjrt_c_api_cpu_plugin.so"
CPU_SO_SIZE=201600336
CPU_SO_SHA256="ad1309ac822b1b24d51b7f9947c7c9fa9ef5d67f390584cbc3d1fa2428fed9c2"
CUDA_PIP_PKGS=("jax-cuda13-pjrt==0.11.2" "jax[cuda13]==0.11.2")
GONB_VERSION="v0.11.1"
GOPLS_VERSION="v0.23.0"
GOIMPORTS_VERSION="v0.52.0" # golang.org/x/tools

chromium="${DARTBOARD_SETUP_CHROMIUM:-1}"
cuda="${DARTBOARD_SETUP_CUDA:-auto}"
do_apt=1
for a in "$@"; do
  case "$a" in
    --no-chromium) chromium=0 ;;
    --chromium) chromium=1 ;;
    --cuda) cuda=1 ;;
    --no-cuda) cuda=0 ;;
    --no-apt) do_apt=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument $a (try --help)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
repo=$(pwd)
t0=$SECONDS
step() { printf '\n==> [%3ds] %s\n' "$((SECONDS - t0))" "$*"; }
die() { echo "setup.sh: $*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: cannot install Debian packages"
  SUDO="sudo"
fi

# ---------------------------------------------------------------- Debian packages
apt_pkgs=(ca-certificates git gcc libc6-dev python3 python3-pip
  jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-notebook
  dataset-fashion-mnist)
if [ "$chromium" = 1 ]; then
  apt_pkgs+=(chromium fonts-dejavu-core)
fi
if [ "$do_apt" = 1 ]; then
  step "Debian packages"
  missing=()
  for p in "${apt_pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "all installed: ${apt_pkgs[*]}"
  else
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

# ---------------------------------------------------------------- Go
step "Go toolchain"
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null || die "go not found: install Go $(sed -n 's/^go //p' go.mod) or newer first"
go version
GOBIN_DIR="$(go env GOBIN)"
[ -n "$GOBIN_DIR" ] || GOBIN_DIR="$(go env GOPATH)/bin"
case ":$PATH:" in *":$GOBIN_DIR:"*) ;; *) export PATH="$GOBIN_DIR:$PATH" ;; esac
export GOMLX_NO_AUTO_INSTALL=1

# ---------------------------------------------------------------- XLA CPU plugin
step "XLA CPU plugin"
plugin_dir="$HOME/.local/lib/go-xla"
so="$plugin_dir/$CPU_SO_NAME"
so_ok() {
  [ -f "$so" ] && [ "$(stat -c %s "$so")" = "$CPU_SO_SIZE" ] &&
    [ "$(sha256sum "$so" | cut -d' ' -f1)" = "$CPU_SO_SHA256" ]
}
if so_ok; then
  echo "present and verified: $so"
else
  [ -f "$so" ] && echo "replacing $so (not the expected plugin: size or sha256 differ)"
  # pip: the one on the PATH if it works, else Debian's.
  PY=python3
  "$PY" -m pip --version >/dev/null 2>&1 || PY=/usr/bin/python3
  "$PY" -m pip --version >/dev/null 2>&1 || die "no pip: install python3-pip"
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/dartboard/wheels"
  mkdir -p "$cache" "$plugin_dir"
  whl=$(ls "$cache"/lammps_jax_pjrt_cpu-0.11.2-*.whl 2>/dev/null | head -n 1 || true)
  if [ -z "$whl" ] || [ "$(sha256sum "$whl" | cut -d' ' -f1)" != "$CPU_WHEEL_SHA256" ]; then
    rm -f "$cache"/lammps_jax_pjrt_cpu-*.whl
    "$PY" -m pip download --no-deps --disable-pip-version-check -q -d "$cache" "$CPU_WHEEL_PKG"
    whl=$(ls "$cache"/lammps_jax_pjrt_cpu-0.11.2-*.whl | head -n 1)
  fi
  got=$(sha256sum "$whl" | cut -d' ' -f1)
  [ "$got" = "$CPU_WHEEL_SHA256" ] || die "sha256 of $whl is $got, want $CPU_WHEEL_SHA256"
  echo "wheel verified: $whl"
  "$PY" - "$whl" "$CPU_WHEEL_MEMBER" "$so.tmp" <<'EOF'
import shutil, sys, zipfile
whl, member, dst = sys.argv[1:]
with zipfile.ZipFile(whl) as z, z.open(member) as src, open(dst, "wb") as out:
    shutil.copyfileobj(src, out, 1 << 20)
EOF
  chmod 755 "$so.tmp"
  mv -f "$so.tmp" "$so"
  so_ok || die "extracted $so does not have the expected size/sha256"
  echo "installed: $so"
fi

# ---------------------------------------------------------------- XLA CUDA plugin (optional)
has_gpu=0
if [ -e /dev/nvidiactl ] || [ -e /dev/nvidia0 ] || command -v nvidia-smi >/dev/null 2>&1; then
  has_gpu=1
fi
if [ "$cuda" = 1 ] || { [ "$cuda" = auto ] && [ "$has_gpu" = 1 ]; }; then
  step "XLA CUDA plugin (JAX CUDA 13)"
  PY=python3
  "$PY" -m pip --version >/dev/null 2>&1 || PY=/usr/bin/python3
  found=$("$PY" - <<'EOF'
import os, site, sys
for d in site.getsitepackages() + [site.getusersitepackages()] + sys.path:
    p = os.path.join(d, "jax_plugins/xla_cuda13/xla_cuda_plugin.so")
    if os.path.isfile(p):
        print(p); break
EOF
)
  if [ -n "$found" ]; then
    echo "present: $found"
  else
    # Short timeouts: a GPU machine without the package index must not hang here.
    pip_install() {
      "$PY" -m pip install --disable-pip-version-check -q --timeout 30 --retries 1 "$@" "${CUDA_PIP_PKGS[@]}"
    }
    if pip_install || pip_install --user --break-system-packages; then
      echo "installed ${CUDA_PIP_PKGS[*]} for $PY"
    elif [ "$cuda" = 1 ]; then
      die "pip install ${CUDA_PIP_PKGS[*]} failed"
    else
      echo "WARNING: could not pip install ${CUDA_PIP_PKGS[*]} (no package index?): CUDA backend unavailable, CPU will be used" >&2
    fi
  fi
fi

# ---------------------------------------------------------------- Go tools and GoNB kernel
step "Go tools: gonb $GONB_VERSION, goimports, gopls $GOPLS_VERSION"
# mod_version BIN MODULE prints the version of MODULE that built BIN (empty if none).
mod_version() {
  [ -x "$1" ] || return 0
  go version -m "$1" 2>/dev/null | awk -v m="$2" '($1 == "mod" || $1 == "dep") && $2 == m {print $3; exit}'
}
if [ "$(mod_version "$GOBIN_DIR/gonb" github.com/janpfeifer/gonb)" = "$GONB_VERSION" ]; then
  echo "gonb $GONB_VERSION present"
else
  # 'go install ...@version' needs the proxy's version list, which it does not serve for gonb.
  tmpmod=$(mktemp -d)
  (cd "$tmpmod" && go mod init x >/dev/null 2>&1 &&
    go get "github.com/janpfeifer/gonb@$GONB_VERSION" && go install github.com/janpfeifer/gonb)
  rm -rf "$tmpmod"
  echo "gonb $GONB_VERSION installed"
fi
if [ -n "$(mod_version "$GOBIN_DIR/goimports" golang.org/x/tools)" ]; then
  echo "goimports present"
else
  go install "golang.org/x/tools/cmd/goimports@$GOIMPORTS_VERSION"
  echo "goimports installed"
fi
if [ "$(mod_version "$GOBIN_DIR/gopls" golang.org/x/tools/gopls)" = "$GOPLS_VERSION" ]; then
  echo "gopls $GOPLS_VERSION present"
else
  go install "golang.org/x/tools/gopls@$GOPLS_VERSION"
  echo "gopls $GOPLS_VERSION installed"
fi

step "GoNB Jupyter kernel"
# gonb writes ~/.local/share/jupyter/kernels/gonb/kernel.json, which Debian's /usr/bin/jupyter
# reads (its user data dir); rewriting it is cheap, so always do it (the binary may have moved).
"$GOBIN_DIR/gonb" --install || die "gonb --install failed"
jupyter_bin=/usr/bin/jupyter
[ -x "$jupyter_bin" ] || jupyter_bin=$(command -v jupyter || true)
if [ -n "$jupyter_bin" ]; then
  if "$jupyter_bin" kernelspec list 2>/dev/null | grep -qw gonb; then
    "$jupyter_bin" kernelspec list 2>/dev/null | grep -w gonb
  else
    die "'$jupyter_bin kernelspec list' does not show the gonb kernel"
  fi
fi

# ---------------------------------------------------------------- module
step "Go module dependencies"
go mod download

step "PATH"
# Later shells: put the Go tools (gonb, goimports, gopls) on the PATH of login and bash shells.
path_line="export PATH=\"$GOBIN_DIR:\$PATH\" # dartboard scripts/setup.sh: Go tools"
for rc in "$HOME/.profile" "$HOME/.bashrc"; do
  if ! grep -qsF "$path_line" "$rc"; then
    echo "$path_line" >>"$rc"
    echo "added $GOBIN_DIR to the PATH in $rc"
  else
    echo "$rc puts $GOBIN_DIR on the PATH"
  fi
done

step "Summary"
go run ./cmd/dartboard env
cat <<EOF

setup done in $((SECONDS - t0))s. Go tools are in $GOBIN_DIR (on the PATH of new shells; in
this one: export PATH="$GOBIN_DIR:\$PATH"). Run the tests with scripts/test.sh.
EOF
