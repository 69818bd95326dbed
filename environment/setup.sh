#!/usr/bin/env bash
# One-time (and idempotent) setup for running anomaly-lab notebooks on a real Jupyter:
#   1. finds a Python with Jupyter, or installs JupyterLab with pip into the project's .venv (no root needed),
#   2. installs node_modules (npm ci) when missing or stale,
#   3. builds dist/ when missing or older than src/,
#   4. registers the project's kernel (bin/anomaly-lab-kernel.js: tslab's compiler and executor behind a
#      conformant protocol layer) as the Jupyter kernel "anomaly-lab".
# Every step says what it did or why it skipped.
#
# Usage: bash environment/setup.sh [--quiet] [--no-extras] [--venv]
#   --quiet      print only the steps that changed something (and errors)
#   --venv       use (create or update) the project's pip environment .venv even when another Jupyter exists
#                (the JupyterLab UI check needs JupyterLab, which Debian's packages lack)
#   --no-extras  do not apt-install the optional kernel conformance test package nor dataset-fashion-mnist
#                (same as ANOMALY_LAB_SETUP_EXTRAS=0)
# Environment: ANOMALY_LAB_PYTHON=/path/to/python picks the Python to use.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KERNEL_NAME="anomaly-lab"
KERNEL_DISPLAY_NAME="TypeScript (anomaly-lab)"
QUIET=0
USE_VENV=0
EXTRAS="${ANOMALY_LAB_SETUP_EXTRAS:-1}"

for arg in "$@"; do
  case "$arg" in
    --quiet) QUIET=1 ;;
    --no-extras) EXTRAS=0 ;;
    --venv) USE_VENV=1 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "setup: unknown argument '$arg' (expected --quiet, --no-extras, --venv)" >&2; exit 2 ;;
  esac
done

did() { echo "setup: $*"; }
skipped() { [ "$QUIET" = 1 ] || echo "setup: skipped: $*"; }
fail() { echo "setup: ERROR: $*" >&2; exit 1; }

cd "$ROOT"
# Debian's debugpy warns about frozen modules on every jupyter command; the warning is noise here.
export PYDEVD_DISABLE_FILE_VALIDATION=1
# shellcheck source=../scripts/lib/python.sh
source "$ROOT/scripts/lib/python.sh"

# --- 0. Node -----------------------------------------------------------------
command -v node >/dev/null 2>&1 || fail "node is not on PATH. Install Node.js 20 or newer (or use environment/environment.yml)."
NODE_BIN="$(node -p 'process.execPath')"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" -ge 20 ] || fail "Node.js $(node --version) at $NODE_BIN is too old: anomaly-lab needs Node.js 20 or newer."
skipped "node present: $NODE_BIN ($(node --version))"

# --- 1. Python with Jupyter -------------------------------------------------------
# An existing Jupyter (ANOMALY_LAB_PYTHON, an active conda env or venv, Debian's packages) is used as it is.
# With none, or with --venv, pip installs environment/requirements.txt into the project's .venv: no root,
# no apt, the same on Linux and macOS.
is_root() { [ "$(id -u)" = 0 ]; }
VENV_DIR="$ROOT/.venv"
make_project_venv() {
  local base
  base="$(command -v python3 || true)"
  [ -n "$base" ] || fail "no python3 on PATH to create $VENV_DIR. Install Python 3.9 or newer (python.org, your package manager, pyenv or conda), or point ANOMALY_LAB_PYTHON at a Python with Jupyter, then rerun: npm run setup"
  if [ ! -x "$VENV_DIR/bin/python" ]; then
    did "creating the project's Python environment $VENV_DIR (python3 -m venv, with $base)"
    "$base" -m venv "$VENV_DIR" || fail "python3 -m venv $VENV_DIR failed (Debian/Ubuntu: the python3-venv package provides venv)."
  fi
  did "installing environment/requirements.txt into $VENV_DIR with pip (JupyterLab, nbclient, nbconvert, jupyter_kernel_test)"
  "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/environment/requirements.txt" \
    || fail "pip could not install environment/requirements.txt into $VENV_DIR (output above). Check your network or proxy, or use conda (environment/README.md)."
  cp "$ROOT/environment/requirements.txt" "$VENV_STAMP"
}
# The venv records which requirements.txt it was made from, so an edit to the pins updates it on the next run.
VENV_STAMP="$VENV_DIR/anomaly-lab-requirements.txt"
venv_is_current() { cmp -s "$ROOT/environment/requirements.txt" "$VENV_STAMP"; }
PYTHON="$(anomaly_lab_python 2>/dev/null || true)"
if [ -z "$PYTHON" ] && [ -n "${ANOMALY_LAB_PYTHON:-}" ]; then
  fail "ANOMALY_LAB_PYTHON=$ANOMALY_LAB_PYTHON cannot import jupyter_client, nbclient and nbconvert (or run 'python -m jupyter'). Fix that Python or unset ANOMALY_LAB_PYTHON."
fi
if [ "$USE_VENV" = 1 ] || [ -z "$PYTHON" ] || [ "$PYTHON" = "$VENV_DIR/bin/python" ]; then
  if [ -z "$PYTHON" ] || [ "$USE_VENV" = 1 ] || ! venv_is_current; then
    make_project_venv
  fi
  PYTHON="$VENV_DIR/bin/python"
  anomaly_lab_python_works "$PYTHON" || fail "$VENV_DIR has the requirements installed but cannot run Jupyter; remove $VENV_DIR and rerun npm run setup."
fi
skipped "Jupyter present: $PYTHON ($("$PYTHON" -c 'import nbclient, nbconvert; print("nbclient", nbclient.__version__, "nbconvert", nbconvert.__version__)'))"

# The kernel conformance test (test/kernel-protocol/) needs jupyter_kernel_test; it is optional.
if ! "$PYTHON" -c 'import jupyter_kernel_test' >/dev/null 2>&1; then
  if [ "$EXTRAS" = 1 ] && [ "$PYTHON" = /usr/bin/python3 ] && is_root && command -v apt-get >/dev/null 2>&1; then
    did "installing python3-jupyter-kernel-test (kernel conformance test; skip with --no-extras)"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-jupyter-kernel-test
  else
    skipped "jupyter_kernel_test not importable by $PYTHON (only the kernel conformance test needs it: pip install jupyter_kernel_test)"
  fi
else
  skipped "jupyter_kernel_test present"
fi

# Fashion-MNIST (the image-anomalies notebook) from Debian's dataset-fashion-mnist when possible; the loader
# otherwise takes the cache, the mirror or the upstream URLs.
FASHION_MNIST_DIR=/usr/share/datasets/fashion-mnist
if [ -f "$FASHION_MNIST_DIR/train-images-idx3-ubyte.gz" ]; then
  skipped "Fashion-MNIST present: $FASHION_MNIST_DIR (Debian dataset-fashion-mnist)"
elif [ "$EXTRAS" = 1 ] && is_root && command -v apt-get >/dev/null 2>&1 && apt-cache show dataset-fashion-mnist >/dev/null 2>&1; then
  did "installing dataset-fashion-mnist (Debian; skip with --no-extras)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y dataset-fashion-mnist \
    || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y dataset-fashion-mnist; } \
    || echo "setup: warning: apt-get could not install dataset-fashion-mnist; the loader will use the mirror or upstream" >&2
else
  skipped "dataset-fashion-mnist not installed (not root, no apt, or --no-extras): the Fashion-MNIST loader uses the cache, the mirror or upstream"
fi

# --- 2. node_modules ------------------------------------------------------------
# Stale = some non-optional package in package-lock.json is absent from (or has another
# version in) npm's record of what is installed, node_modules/.package-lock.json.
# Comparing contents rather than mtimes avoids wiping a good node_modules for nothing.
node_modules_stale() {
  [ -f node_modules/.package-lock.json ] || return 0
  node -e '
    const wanted = require("./package-lock.json").packages || {};
    const have = require("./node_modules/.package-lock.json").packages || {};
    const missing = Object.entries(wanted).filter(([key, pkg]) =>
      key !== "" && !pkg.optional &&
      (!have[key] || have[key].version !== pkg.version));
    process.exit(missing.length > 0 ? 0 : 1);
  '
}
if [ ! -f package-lock.json ]; then
  if [ ! -d node_modules ]; then
    did "no package-lock.json: running npm install"
    npm install
  else
    skipped "node_modules present (no package-lock.json to compare against)"
  fi
elif [ ! -d node_modules ] || node_modules_stale; then
  did "node_modules missing or older than package-lock.json: running npm ci"
  npm ci || fail "npm ci failed. If package.json changed without package-lock.json, run 'npm install' once and commit the lockfile."
else
  skipped "node_modules matches package-lock.json"
fi
[ -f node_modules/tslab/bin/tslab ] || fail "node_modules/tslab/bin/tslab is missing after npm install; is tslab in package.json dependencies?"

# --- 3. dist/ ----------------------------------------------------------------------
if [ ! -f dist/index.js ] || [ -n "$(find src tsconfig.json package.json -newer dist/index.js -print -quit)" ]; then
  did "dist/ missing or older than src/: running npm run build"
  npm run build --silent || fail "npm run build failed (TypeScript errors above): the notebooks import dist/, so fix src/ and rerun."
else
  skipped "dist/ is up to date with src/"
fi

# --- 4. Jupyter kernel "anomaly-lab" ---------------------------------------------------
# The same command users of the npm package run (src/kernel/cli.ts): it writes the kernel.json of
# src/kernel/kernelspec.ts (this checkout's launcher under this node, absolute paths, so PATH does not matter
# when Jupyter starts it) through `jupyter kernelspec install --user`, and leaves an identical one alone.
install_log="$(node "$ROOT/bin/anomaly-lab-kernel.js" install --user --name "$KERNEL_NAME" --python "$PYTHON" 2>&1)" \
  || fail "registering the Jupyter kernel failed:
$install_log"
grep -q '^Warning:' <<<"$install_log" && fail "the kernel was installed but Jupyter will not use it:
$install_log"
if grep -q '(unchanged)' <<<"$install_log"; then
  skipped "Jupyter kernel '$KERNEL_NAME' already registered ($(head -n 1 <<<"$install_log" | sed 's/.* installed in //; s/ (unchanged)//'))"
else
  did "registered Jupyter kernel '$KERNEL_NAME' (\"$KERNEL_DISPLAY_NAME\") -> $NODE_BIN $ROOT/bin/anomaly-lab-kernel.js"
fi

[ "$QUIET" = 1 ] || echo "setup: done. Run 'npm run reports' or 'jupyter lab notebooks/' and pick \"$KERNEL_DISPLAY_NAME\"."
