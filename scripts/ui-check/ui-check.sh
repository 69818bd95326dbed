#!/usr/bin/env bash
# `npm run ui-check`: the live UI check. Serves the notebooks with JupyterLab 4 and drives it in headless
# Chromium like a user (scripts/ui-check/ui-check.js): pick the kernel, Run All, check every cell's output,
# and on the first notebook Tab completion, Shift+Tab inspection, interrupt and restart. Quick mode
# (ANOMALY_LAB_QUICK=1) unless --full. Screenshots and summary.json go to the output folder.
#
# Usage: bash scripts/ui-check/ui-check.sh [--full] [--out DIR] [notebook.ipynb ...]
#   default: every notebooks/*.ipynb, out /tmp/ui-check
# Sets up what it needs: JupyterLab (the project's .venv via environment/setup.sh --venv when the Jupyter
# found has no JupyterLab), Chromium (Debian's, as root), playwright-core (in .ui-tools/, no browser download).
# Environment: UI_CHECK_PORT (default 8899), CHROMIUM, UI_CHECK_RUN_ALL_TIMEOUT_S (per notebook, default 600).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
out_dir=/tmp/ui-check
quick=1
notebooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --full) quick=0 ;;
    --out) out_dir="$2"; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "ui-check: unknown option '$1' (expected --full, --out DIR)" >&2; exit 2 ;;
    *) [ -f "$1" ] || { echo "ui-check: notebook '$1' does not exist" >&2; exit 2; }; notebooks+=("$1") ;;
  esac
  shift
done
[ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/*.ipynb)
port="${UI_CHECK_PORT:-8899}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

# JupyterLab: the Jupyter setup finds, or the project's pip environment.
bash environment/setup.sh --quiet
python="$(bash scripts/lib/python.sh)"
if ! "$python" -c 'import jupyterlab' >/dev/null 2>&1; then
  echo "ui-check: $python has no JupyterLab; using the project's .venv" >&2
  bash environment/setup.sh --quiet --venv
  python="$repo/.venv/bin/python"
fi
if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ui-check: installing Debian's chromium" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null; }
  else
    echo "ui-check: no Chromium at '$CHROMIUM' (Debian: apt-get install chromium; or set CHROMIUM=...)" >&2; exit 2
  fi
fi
tools="$repo/.ui-tools"
if [ ! -d "$tools/node_modules/playwright-core" ]; then
  echo "ui-check: installing playwright-core into .ui-tools/ (it drives the system Chromium; no browser download)" >&2
  mkdir -p "$tools"
  # Its own package.json, or npm would walk up and install into the project's node_modules.
  echo '{ "private": true, "description": "anomaly-lab ui-check tools (git-ignored)" }' >"$tools/package.json"
  (cd "$tools" && npm install --silent --no-package-lock playwright-core@1) >&2
fi

# Copies inside the repo (the kernel resolves `anomaly-lab` from the notebook's folder upward); .ui-tmp/ is
# git-ignored and hidden, hence allow_hidden. JupyterLab's settings and workspaces are fresh per run:
# every cell rendered (no virtual scrolling, so each output is in the DOM), no news prompt.
work_dir="$repo/.ui-tmp"
rm -rf "$work_dir" "$out_dir"
mkdir -p "$work_dir/notebooks" "$work_dir/settings/@jupyterlab/notebook-extension" \
  "$work_dir/settings/@jupyterlab/apputils-extension" "$work_dir/workspaces" "$out_dir"
echo '{ "windowingMode": "none" }' >"$work_dir/settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
echo '{ "fetchNews": "false", "checkForUpdates": false }' \
  >"$work_dir/settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
relative=()
for notebook in "${notebooks[@]}"; do
  cp "$notebook" "$work_dir/notebooks/"
  relative+=(".ui-tmp/notebooks/$(basename "$notebook")")
done
server_log="$out_dir/jupyterlab-server.log"
as_root=(); [ "$(id -u)" -eq 0 ] && as_root=(--allow-root) # containers often run as root
if [ "$quick" = 1 ]; then export ANOMALY_LAB_QUICK=1; else unset ANOMALY_LAB_QUICK; fi
source scripts/lib/mirror.sh

JUPYTERLAB_SETTINGS_DIR="$work_dir/settings" JUPYTERLAB_WORKSPACES_DIR="$work_dir/workspaces" \
  "$python" -m jupyter lab --no-browser --ip=127.0.0.1 --port="$port" --port-retries=0 \
  --IdentityProvider.token=test --ServerApp.open_browser=False --ContentsManager.allow_hidden=True \
  --ServerApp.root_dir="$repo" "${as_root[@]}" >"$server_log" 2>&1 &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$work_dir"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/api/status?token=test" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "ui-check: JupyterLab died:" >&2; tail -n 20 "$server_log" >&2; exit 1; }
  sleep 0.5
done
echo "ui-check: JupyterLab $("$python" -c 'import jupyterlab; print(jupyterlab.__version__)') on port $port," \
  "$([ "$quick" = 1 ] && echo quick || echo full) mode, ${#relative[@]} notebook(s) -> $out_dir" >&2

NODE_PATH="$tools/node_modules" node "$repo/scripts/ui-check/ui-check.js" \
  "http://127.0.0.1:$port" "$repo" "$out_dir" "${relative[@]}"
